# counter.s — the contract of the ABCI tests (tests/abci/).
# add(u64 x): total[caller] += x; log "Add" (data: the new total); return it.
# shl(u32 a, u32 s): stores and returns (a << s) as a 32-bit shift: the
#   transaction that tells an engine built with DVM_PLANT_BUG (shift counts
#   32..63 masked to 6 bits) from a correct one (a=1, s=32: 1, buggy: 0).
.globl add
.globl shl

add:
  jeq %r2, 8, add_ok
  lddw %r1, msg_len
  mov %r2, 6
  call dvm_revert
  exit
add_ok:
  ldxdw %r6, [%r1]
  mov %r1, %r10
  sub %r1, 48
  call dvm_caller
  stdw [%r10-8], 0
  mov %r1, %r10
  sub %r1, 48
  mov %r2, 32
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_get
  ldxdw %r7, [%r10-8]
  add %r7, %r6
  stxdw [%r10-8], %r7
  mov %r1, %r10
  sub %r1, 48
  mov %r2, 32
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  stdw [%r10-88], 0
  stdw [%r10-80], 0
  stdw [%r10-72], 0
  stdw [%r10-64], 0
  stb [%r10-88], 65
  stb [%r10-87], 100
  stb [%r10-86], 100
  mov %r1, %r10
  sub %r1, 88
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_log
  mov %r1, %r10
  sub %r1, 8
  mov %r2, 8
  call dvm_return
  exit

shl:
  jeq %r2, 8, shl_ok
  lddw %r1, msg_len
  mov %r2, 6
  call dvm_revert
  exit
shl_ok:
  ldxw %r6, [%r1]
  ldxw %r7, [%r1+4]
  lsh32 %r6, %r7
  stxdw [%r10-8], %r6
  lddw %r1, key_shl
  mov %r2, 3
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  mov %r1, %r10
  sub %r1, 8
  mov %r2, 8
  call dvm_return
  exit

.rodata
msg_len: .ascii "length"
key_shl: .ascii "shl"
