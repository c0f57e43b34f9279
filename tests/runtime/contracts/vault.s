# vault.s — the contract of the supervisor tests (tests/runtime/test_chain.c).
# Entry convention: r1 = input address (region 4), r2 = input length.
.globl init
.globl inc
.globl get
.globl fail
.globl trap
.globl deposit
.globl withdraw
.globl spin
.globl recurse
.globl wild_read
.globl write_rodata
.globl write_input
.globl host_ptr
.globl heap_big
.globl heap_ok
.globl call_inc
.globl call_boom
.globl call_ping
.globl price

# init: storage "owner" = caller
init:
  mov %r1, %r10
  sub %r1, 32
  call dvm_caller
  lddw %r1, key_owner
  mov %r2, 5
  mov %r3, %r10
  sub %r3, 32
  mov %r4, 32
  call dvm_storage_set
  mov %r0, 0
  exit

# inc: n += 1, log n, return n (8 bytes)
inc:
  stdw [%r10-8], 0
  lddw %r1, key_n
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_get
  ldxdw %r6, [%r10-8]
  add %r6, 1
  stxdw [%r10-8], %r6
  lddw %r1, key_n
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  mov %r1, 0
  mov %r2, 0
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_log
  mov %r1, %r10
  sub %r1, 8
  mov %r2, 8
  call dvm_return
  exit

# get: return n (8 bytes; 0 when never set)
get:
  stdw [%r10-8], 0
  lddw %r1, key_n
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_get
  mov %r1, %r10
  sub %r1, 8
  mov %r2, 8
  call dvm_return
  exit

# fail: n = 999, then revert "nope": the write is undone
fail:
  stdw [%r10-8], 999
  lddw %r1, key_n
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  lddw %r1, msg_nope
  mov %r2, 4
  call dvm_revert
  exit

# trap: n = 777, then a memory fault: the write is undone
trap:
  stdw [%r10-8], 777
  lddw %r1, key_n
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  mov %r1, 0
  ldxb %r0, [%r1]
  exit

# deposit: r0 = amount of asset 1 attached
deposit:
  mov %r1, 1
  call dvm_value_received
  exit

# withdraw(u64 amount): pay asset 1 to the caller, revert "funds" if short
withdraw:
  ldxdw %r6, [%r1]
  mov %r1, %r10
  sub %r1, 32
  call dvm_caller
  mov %r1, 1
  mov %r2, %r10
  sub %r2, 32
  mov %r3, %r6
  call dvm_transfer
  jeq %r0, 0, paid
  lddw %r1, msg_funds
  mov %r2, 5
  call dvm_revert
paid:
  exit

# price(u32 feed): r0 = the oracle's price of the feed (0 when none)
price:
  ldxw %r1, [%r1]
  mov %r2, %r10
  sub %r2, 16
  call dvm_oracle_price
  ldxdw %r0, [%r10-16]
  exit

spin:
  ja spin

recurse:
  call local recurse
  exit

wild_read:
  lddw %r1, 0x500000000
  ldxb %r0, [%r1]
  exit

write_rodata:
  lddw %r1, key_n
  stb [%r1], 1
  exit

write_input:
  stb [%r1], 1
  exit

# a host-looking pointer handed to a syscall
host_ptr:
  lddw %r1, 0x7fff12345678
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  exit

heap_big:
  lddw %r1, 0x200000
  call dvm_heap_grow
  exit

# heap_ok: grow to 64 KiB, use its last byte
heap_ok:
  mov %r1, 65536
  call dvm_heap_grow
  lddw %r2, 0x30000ffff
  stb [%r2], 7
  ldxb %r3, [%r2]
  add %r0, %r3
  exit

# call_inc(addr[32]): call addr.inc; return the callee's status and data
call_inc:
  lddw %r7, m_inc
  mov %r8, 3
  ja do_call
# call_boom(addr[32]): addr.boom traps; then set "after" = 1 here
call_boom:
  lddw %r7, m_boom
  mov %r8, 4
  ja do_call
# call_ping(addr[32]): addr.ping calls back into us (re-entrancy)
call_ping:
  lddw %r7, m_ping
  mov %r8, 4
do_call:
  # descriptor at r10-96: contract[32] method_ptr method_len input_len
  # input_ptr assets_ptr asset_count reserved gas
  ldxdw %r3, [%r1]
  stxdw [%r10-96], %r3
  ldxdw %r3, [%r1+8]
  stxdw [%r10-88], %r3
  ldxdw %r3, [%r1+16]
  stxdw [%r10-80], %r3
  ldxdw %r3, [%r1+24]
  stxdw [%r10-72], %r3
  stxdw [%r10-64], %r7
  stxw [%r10-56], %r8
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
  # remember something of our own after the call
  stdw [%r10-8], 1
  lddw %r1, key_after
  mov %r2, 5
  mov %r3, %r10
  sub %r3, 8
  mov %r4, 8
  call dvm_storage_set
  mov %r0, %r6
  exit

.rodata
key_n: .ascii "n"
key_owner: .ascii "owner"
key_after: .ascii "after"
msg_nope: .ascii "nope"
msg_funds: .ascii "funds"
m_inc: .ascii "inc"
m_boom: .ascii "boom"
m_ping: .ascii "ping"
