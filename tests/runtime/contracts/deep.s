# deep.s — a re-entrant contract that calls itself until the call depth
# limit stops it; returns 1 + what its callee returned.
.dvm_reentrant
.globl deep

deep:
  mov %r1, %r10
  sub %r1, 96
  call dvm_self
  lddw %r7, m_deep
  stxdw [%r10-64], %r7
  stw [%r10-56], 4
  stw [%r10-52], 0
  stdw [%r10-48], 0
  stdw [%r10-40], 0
  stw [%r10-32], 0
  stw [%r10-28], 0
  stdw [%r10-24], 0
  mov %r1, %r10
  sub %r1, 96
  call dvm_call
  mov %r6, %r0
  # read the callee's 8-byte answer (0 if it trapped)
  stdw [%r10-8], 0
  mov %r1, %r10
  sub %r1, 8
  mov %r2, 8
  call dvm_return_data
  ldxdw %r0, [%r10-8]
  add %r0, 1
  stxdw [%r10-8], %r0
  mov %r1, %r10
  sub %r1, 8
  mov %r2, 8
  call dvm_return
  exit

.rodata
m_deep: .ascii "deep"
