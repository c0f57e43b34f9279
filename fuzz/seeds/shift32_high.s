# 32-bit shifts by register counts >= 32: the count is masked to 5 bits
mov32 %r0, 0x12345678
mov %r3, 36
lsh32 %r0, %r3
mov %r4, 63
rsh32 %r0, %r4
mov32 %r5, -1
arsh32 %r5, %r3
add %r0, %r5
exit
