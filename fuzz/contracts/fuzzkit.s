# fuzzkit.s — a contract for the diff_block fuzz target: each method turns
# its input into syscalls of spec/syscalls.md with input-chosen arguments
# and writes what it got into storage (so the state root depends on it).
# Entry convention: r1 = input address (region 4), r2 = input length.
.globl fx
.globl put
.globl del
.globl walk
.globl hash
.globl grow
.globl emit

# fx(which u8 @0, a @8, b @16, c @24, mode @32, S K T sigma r @8..48)
fx:
  mov %r6, %r1
  jlt %r2, 48, fx_short
  ldxb %r7, [%r6+0]
  and %r7, 7
  ldxdw %r1, [%r6+8]
  ldxdw %r2, [%r6+16]
  ldxdw %r3, [%r6+24]
  ldxdw %r4, [%r6+32]
  and %r4, 3
  jne %r7, 0, fx1
  call dvm_fx_mul_div
  ja fx_store
fx1:
  jne %r7, 1, fx2
  call dvm_fx_exp
  ja fx_store
fx2:
  jne %r7, 2, fx3
  call dvm_fx_ln
  ja fx_store
fx3:
  jne %r7, 3, fx4
  call dvm_fx_sqrt
  ja fx_store
fx4:
  jne %r7, 4, fx5
  call dvm_fx_pow
  ja fx_store
fx5:
  jne %r7, 5, fx6
  call dvm_fx_cdf
  ja fx_store
fx6:
  jne %r7, 6, fx7
  call dvm_fx_pdf
  ja fx_store
fx7:
  # Black-Scholes: 5 x i64 at input+8, 8 x i64 out on the stack
  mov %r1, %r6
  add %r1, 8
  mov %r2, %r10
  sub %r2, 64
  call dvm_fx_black_scholes
  ldxdw %r0, [%r10-64]
  ldxdw %r1, [%r10-16]
  xor %r0, %r1
fx_store:
  stxdw [%r10-72], %r0
  stxb [%r10-80], %r7
  mov %r1, %r10
  sub %r1, 80
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 72
  mov %r4, 8
  call dvm_storage_set
  ldxdw %r0, [%r10-72]
  exit
fx_short:
  mov %r0, 0
  exit

# put(klen u8 @0, key..., value = the rest): storage_set
put:
  jlt %r2, 2, none
  mov %r6, %r1
  mov %r7, %r2
  ldxb %r2, [%r6+0]
  and %r2, 31
  add %r2, 1
  mov %r1, %r6
  add %r1, 1
  mov %r8, %r2
  add %r8, 1
  mov %r3, %r6
  add %r3, %r8
  mov %r4, %r7
  sub %r4, %r8
  jsge %r4, 0, put_ok
  mov %r4, 0
put_ok:
  call dvm_storage_set
  exit

# del(key = the whole input): storage_del
del:
  jeq %r2, 0, none
  call dvm_storage_del
  exit

# walk(after = input): storage_next, then storage_get of what it found
walk:
  mov %r3, %r10
  sub %r3, 64
  mov %r4, 64
  call dvm_storage_next
  jslt %r0, 1, none
  mov %r2, %r0
  jle %r2, 64, walk_get
  mov %r2, 64
walk_get:
  mov %r1, %r10
  sub %r1, 64
  mov %r3, %r10
  sub %r3, 128
  mov %r4, 64
  call dvm_storage_get
  exit

# hash(input): blake2b into storage under "h"
hash:
  mov %r3, %r10
  sub %r3, 32
  call dvm_hash_blake2b
  stb [%r10-40], 0x68
  mov %r1, %r10
  sub %r1, 40
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 32
  mov %r4, 32
  call dvm_storage_set
  exit

# grow(len u32 @0): heap_grow, then touch the last byte
grow:
  jlt %r2, 4, none
  ldxw %r1, [%r1+0]
  call dvm_heap_grow
  mov %r6, %r0
  lddw %r1, 0x300000000
  add %r1, %r6
  stb [%r1-1], 7
  exit

# emit(ntopics u8 @0, topics and data = the input): dvm_log
emit:
  mov %r6, %r1
  mov %r7, %r2
  jeq %r2, 0, none
  ldxb %r2, [%r6+0]
  and %r2, 7
  mov %r1, %r6
  mov %r3, %r6
  mov %r4, %r7
  call dvm_log
  exit

none:
  mov %r0, 0
  exit
