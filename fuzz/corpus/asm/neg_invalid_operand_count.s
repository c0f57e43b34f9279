lddw %r0
exit
