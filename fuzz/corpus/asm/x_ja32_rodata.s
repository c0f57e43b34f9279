.globl main
main:
lddw %r1, msg
ldxb %r0, [%r1]
ja32 done
mov %r0, 99
done:
stb [%r1], 1
exit
.rodata
msg:
.asciz "hello"
