# every test syscall: t_add, t_sum over the heap (r1, r2 at entry), t_check, t_halt
mov %r6, %r1
mov %r7, %r2
mov %r1, 3
mov %r2, 4
call t_add
mov %r1, %r6
mov %r2, 64
call t_sum
mov %r1, %r0
call t_check
mov %r1, 0
call t_check
exit
