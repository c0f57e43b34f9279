# bouncer.s — the second contract of the supervisor tests: a counter of its
# own, a method that traps after writing, and one that calls back into its
# caller (re-entrancy, refused unless the caller opted in).
.globl inc
.globl boom
.globl ping

inc:
  stdw [%r10-8], 0
  lddw %r1, key_c
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_get
  ldxdw %r6, [%r10-8]
  add %r6, 10
  stxdw [%r10-8], %r6
  lddw %r1, key_c
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  mov %r1, %r10
  sub %r1, 8
  mov %r2, 8
  call dvm_return
  exit

boom:
  stdw [%r10-8], 5
  lddw %r1, key_c
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  lddw %r1, 0x900000000
  stb [%r1], 1
  exit

# ping: call caller.get
ping:
  mov %r1, %r10
  sub %r1, 96
  call dvm_caller
  lddw %r7, m_get
  stxdw [%r10-64], %r7
  stw [%r10-56], 3
  stw [%r10-52], 0
  stdw [%r10-48], 0
  stdw [%r10-40], 0
  stw [%r10-32], 0
  stw [%r10-28], 0
  stdw [%r10-24], 0
  mov %r1, %r10
  sub %r1, 96
  call dvm_call
  exit

.rodata
key_c: .ascii "c"
m_get: .ascii "get"
