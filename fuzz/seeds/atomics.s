stdw [%r10-8], 10
mov %r2, 5
lock add [%r10-8], %r2
lock fetch add [%r10-8], %r2
lock xchg [%r10-8], %r2
mov %r0, 15
lock cmpxchg [%r10-8], %r2
lock fetch or32 [%r10-8], %r2
lock fetch xor [%r10-8], %r2
lock fetch and [%r10-8], %r2
ldxdw %r0, [%r10-8]
exit
