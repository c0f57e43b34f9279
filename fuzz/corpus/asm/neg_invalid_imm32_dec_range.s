# Immediate is out of 32-bit range (signed decimal)
mov32 %r0, 2147483648
exit
