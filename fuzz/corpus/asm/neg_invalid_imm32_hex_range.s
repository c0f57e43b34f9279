# Immediate is out of 32-bit range (hex)
mov32 %r0, 0x100000000
exit
