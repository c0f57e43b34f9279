# r1 = heap, r2 = its length: the last byte, then one past it
mov %r3, %r1
add %r3, %r2
stb [%r3-1], 7
ldxb %r0, [%r3-1]
ldxb %r0, [%r3]
exit
