# stack traffic across frames; the frame below the current one is out of reach
stdw [%r10-8], 1
stdw [%r10-4096], 2
mov %r6, 5
call local g
ldxdw %r0, [%r10-8]
ldxdw %r1, [%r10+0]
exit
g:
stdw [%r10-8], 9
sub %r6, 1
jeq %r6, 0, out
call local g
out:
exit
