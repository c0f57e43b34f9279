# tiny.s — the contract of the trace test (tests/replay/test_trace.c):
# f returns block_height + 12 in r0; g(addr[32]) calls addr.f with 1000 gas.
.globl f
.globl g

f:
  mov %r6, 7
  add %r6, 5
  call dvm_block_height
  add %r0, %r6
  exit

g:
  ldxdw %r3, [%r1]
  stxdw [%r10-96], %r3
  ldxdw %r3, [%r1+8]
  stxdw [%r10-88], %r3
  ldxdw %r3, [%r1+16]
  stxdw [%r10-80], %r3
  ldxdw %r3, [%r1+24]
  stxdw [%r10-72], %r3
  lddw %r7, m_f
  stxdw [%r10-64], %r7
  stw [%r10-56], 1
  stw [%r10-52], 0
  stdw [%r10-48], 0
  stdw [%r10-40], 0
  stw [%r10-32], 0
  stw [%r10-28], 0
  stdw [%r10-24], 1000
  mov %r1, %r10
  sub %r1, 96
  call dvm_call
  exit

.rodata
m_f: .ascii "f"
