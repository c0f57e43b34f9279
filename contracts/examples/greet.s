# greet.s — an example contract written in assembly (conformance dialect):
# `hello` logs a greeting and returns its length; `sum` adds the bytes of
# its input (r1 = input pointer, r2 = input length) with a local function
# call per byte. Built by dvm_add_contract(greet examples/greet.s).

	.equ GREETING_LEN, 12

	.globl hello
hello:
	mov %r1, 0                   # dvm_log(topics, ntopics, data, len)
	mov %r2, 0
	lddw %r3, greeting
	mov %r4, GREETING_LEN
	call dvm_log                 # syscall, resolved by name
	mov %r0, GREETING_LEN
	exit

	.globl sum
sum:
	mov %r6, %r1                 # r6..r9 survive local calls
	mov %r7, %r2
	mov %r8, 0                   # the sum
loop:
	jeq %r7, 0, done
	ldxb %r1, [%r6]
	call local widen             # r0 = r1
	add %r8, %r0
	add %r6, 1
	sub %r7, 1
	ja loop
done:
	mov %r0, %r8
	exit

widen:
	mov %r0, %r1
	and %r0, 0xff
	exit

	.section .rodata
greeting:
	.ascii "hello, world"
