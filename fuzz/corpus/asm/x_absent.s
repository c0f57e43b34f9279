call t_absent
exit
