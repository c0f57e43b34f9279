.globl f
exit
f:
