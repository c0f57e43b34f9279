# market.s — the contract of tests/runtime/test_market.c: the market-data
# syscalls dvm_oracle_price_at (31) and dvm_asset_decimals (32).
.globl price_at
.globl price_at_ro
.globl decimals

# price_at(u64 feed, u64 time): returns 24 bytes: u64 status, i64 price, u64 time
price_at:
  mov %r6, %r1
  ldxdw %r1, [%r6]
  ldxdw %r2, [%r6+8]
  mov %r3, %r10
  sub %r3, 16
  call dvm_oracle_price_at
  stxdw [%r10-24], %r0
  mov %r1, %r10
  sub %r1, 24
  mov %r2, 24
  call dvm_return
  exit

# price_at_ro(u64 feed, u64 time): the output pointer is the read-only input
price_at_ro:
  mov %r3, %r1
  ldxdw %r2, [%r3+8]
  ldxdw %r1, [%r3]
  call dvm_oracle_price_at
  exit

# decimals(u64 asset): r0 = dvm_asset_decimals(asset)
decimals:
  ldxdw %r1, [%r1]
  call dvm_asset_decimals
  exit
