# endless loop: out_of_gas at the limit
mov %r0, 0
L1:
add %r0, 1
ja L1
