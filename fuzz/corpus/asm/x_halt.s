mov %r1, 42
call t_halt
exit
