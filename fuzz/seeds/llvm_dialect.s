	.text
	.globl	entry
	.type	entry,@function
entry:
	r6 = r1
	r1 = 7
	*(u64 *)(r10 - 8) = r1
	r2 = *(u64 *)(r10 - 8)
	if r2 s> 5 goto LBB0_2
	r0 = 0
	exit
LBB0_2:
	w0 = w2
	w0 <<= 3
	r0 += 1
	exit
