mov %r11, 1
add32 %r0,
jeq %r0, 0, nowhere
lddw %r1
.byte 300
exit
