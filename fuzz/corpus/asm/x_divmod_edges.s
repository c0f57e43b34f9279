lddw %r0, 0x8000000000000000
mov %r1, -1
sdiv %r0, %r1
smod %r0, %r1
mov32 %r2, 0x80000000
sdiv32 %r2, -1
smod32 %r2, 0
div %r0, 0
mod %r2, 0
movsx864 %r3, %r2
movsx1664 %r4, %r2
movsx3264 %r5, %r0
bswap16 %r3
be64 %r4
le32 %r5
exit
