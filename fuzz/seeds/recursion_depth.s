# unbounded recursion: call_depth trap at frame 64
mov %r0, 0
call local f
exit
f:
add %r0, 1
stxdw [%r10-8], %r0
call local f
exit
