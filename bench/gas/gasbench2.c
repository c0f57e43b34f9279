/* gasbench2.c — more worst cases of bench_gas (bench/bench_gas.c): one
 * method per instruction class (ALU32, jumps, loads and stores of every
 * width, atomics, byte swaps, lddw, deep local recursion) and per syscall
 * not covered by gasbench.c (environment, balances and transfers, oracle
 * history, parameters, fixed point, return data, returns and reverts of
 * 64 KiB). Same conventions: spend the gas given, return the count. */
#include "gasbench.h"

/* 32-bit ALU: add, xor, shifts, multiply, and, or on u32. */
DVM_ENTRY u64 alu32(const u8 *in, u64 len) {
  ARGS;
  u32 x = (u32)a, y = (u32)b | 1;
  u64 n = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 1000; i++) {
      x = (x ^ (x >> 5)) * 2654435761u + y;
      y = (y << 3 | y >> 29) & (x | 7u);
    }
    n++;
  }
  DONE((u64)x + y + n);
}

/* Data-dependent conditional jumps (taken and not taken at random). */
DVM_ENTRY u64 jumps(const u8 *in, u64 len) {
  ARGS;
  u64 x = a | 1, n = 0, c = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 500; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      if (x & 1) c++;
      if ((i64)x < 0) c += 3;
      if ((x & 0x30) == 0x10) c ^= x;
    }
    n++;
  }
  DONE(c + n);
}

/* Loads and stores of 1, 2 and 4 bytes, heap and stack, sign-extending
 * loads too. */
DVM_ENTRY u64 memw(const u8 *in, u64 len) {
  ARGS;
  volatile u8 *h8 = HEAP;
  volatile u16 *h16 = (volatile u16 *)(HEAP + 1024);
  volatile u32 *h32 = (volatile u32 *)(HEAP + 2048);
  volatile u8 st[256];
  u64 n = 0, x = a;
  for (int i = 0; i < 256; i++) st[i] = (u8)i;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 256; i++) {
      h8[(i * 61) & 1023] = (u8)x;
      h16[(i * 37) & 511] = (u16)x;
      h32[(i * 29) & 255] = (u32)x;
      st[(i * 7) & 255] = (u8)x;
      x += h8[i & 1023] + (u64)(i64)(i8)h8[(i + 1) & 1023] + h16[i & 511] + (u64)(i64)(i16)h16[(i + 3) & 511] +
           h32[i & 255] + (u64)(i64)(i32)h32[(i + 5) & 255] + st[(i * 3) & 255];
    }
    n++;
  }
  DONE(x + n);
}

/* Atomics on the heap: fetch-add, add, or, xor, exchange, compare-exchange. */
DVM_ENTRY u64 atomics(const u8 *in, u64 len) {
  ARGS;
  u64 *h = (u64 *)HEAP;
  u32 *w = (u32 *)(HEAP + 8192);
  u64 n = 0, x = a;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 200; i++) {
      x += __sync_fetch_and_add(&h[i & 511], x);
      __sync_fetch_and_or(&h[(i + 1) & 511], x);
      __sync_fetch_and_xor(&h[(i + 2) & 511], x);
      x ^= __sync_lock_test_and_set(&h[(i + 3) & 511], x);
      x += __sync_val_compare_and_swap(&h[(i + 4) & 511], x, x + 1);
      __sync_fetch_and_add(&w[i & 1023], (u32)x);
    }
    n++;
  }
  DONE(x + n);
}

/* Byte swaps of 16, 32 and 64 bits. */
DVM_ENTRY u64 bswaps(const u8 *in, u64 len) {
  ARGS;
  u64 x = a, n = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 500; i++) {
      x = __builtin_bswap64(x) + (u64)i;
      x ^= __builtin_bswap32((u32)x);
      x += __builtin_bswap16((u16)x);
    }
    n++;
  }
  DONE(x + n);
}

/* lddw: 64-bit immediates, four per round, in a loop the compiler cannot
 * hoist them out of (the asm hides their values). */
DVM_ENTRY u64 lddws(const u8 *in, u64 len) {
  ARGS;
  u64 x = a, n = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 250; i++) {
      u64 p, q, r, s;
      asm volatile("%0 = 0x123456789abcdef0 ll" : "=r"(p));
      asm volatile("%0 = 0x0fedcba987654321 ll" : "=r"(q));
      asm volatile("%0 = 0x1122334455667788 ll" : "=r"(r));
      asm volatile("%0 = 0x7766554433221100 ll" : "=r"(s));
      x = (x ^ p) + q - (r ^ s);
    }
    n++;
  }
  DONE(x + n);
}

/* Deep local recursion: a chain of depth b (at most 62 below the entry
 * frame), each frame writing its stack, then back up. */
__attribute__((noinline)) static u64 rec(u64 d) {
  volatile u64 slot[4];
  slot[0] = d;
  if (!d) return 1;
  u64 r = rec(d - 1);
  asm volatile("" : "+r"(r));
  return r ^ slot[0];
}

DVM_ENTRY u64 recurse(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, x = 0;
  while (dvm_gas_left() > RESERVE) {
    x += rec(b);
    n++;
  }
  DONE(x + n);
}

/* Environment syscalls, 100 per round: b = 0 caller, 1 self, 2
 * value_received, 3 gas_left, 4 asset_decimals (a known and an unknown id
 * alternately), 5 balance of absent random addresses, 6 balance of the
 * deep accounts (account i: 'A' || i LE || zeros; a random i < a). */
DVM_ENTRY u64 env(const u8 *in, u64 len) {
  ARGS;
  dvm_address ad;
  u64 n = 0, x = 0, r = a;
  for (int i = 0; i < 32; i++) ad.b[i] = 0;
  ad.b[0] = 'A';
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 100; i++) {
      if (b == 0) x += dvm_caller(&ad);
      else if (b == 1) x += dvm_self(&ad);
      else if (b == 2) x += dvm_value_received((u64)i & 3);
      else if (b == 3) x += dvm_gas_left();
      else if (b == 4) x += dvm_asset_decimals((u64)i * 0x10001 & 0x10003);
      else {
        r = mix(r + 1);
        u64 k = b == 5 ? r : r % a;
        for (int j = 0; j < 8; j++) ad.b[1 + j] = (u8)(k >> (8 * j));
        x += dvm_balance(&ad, 1);
      }
    }
    n++;
  }
  DONE(x + n);
}

/* Setup: give 1 unit of asset 1 to the accounts i in [a, a + b) (their
 * balance records); the call carries the funds. */
DVM_ENTRY u64 mkacct(const u8 *in, u64 len) {
  ARGS;
  dvm_address ad;
  for (int i = 0; i < 32; i++) ad.b[i] = 0;
  ad.b[0] = 'A';
  for (u64 i = a; i < a + b; i++) {
    for (int j = 0; j < 8; j++) ad.b[1 + j] = (u8)(i >> (8 * j));
    if (dvm_transfer(1, &ad, 1)) dvm_revert("funds", 5);
  }
  DONE(b);
}

/* Transfers of 1 unit of asset 1: b = 0 to fresh random addresses (a new
 * balance record each), else to random deep accounts i < b (an existing
 * record each). The call carries the funds. */
DVM_ENTRY u64 xfer(const u8 *in, u64 len) {
  ARGS;
  dvm_address ad;
  u64 n = 0, r = a;
  for (int i = 0; i < 32; i++) ad.b[i] = 0;
  ad.b[0] = b ? 'A' : 'N';
  while (dvm_gas_left() > RESERVE) {
    r = mix(r + 1);
    u64 k = b ? r % b : r;
    for (int j = 0; j < 8; j++) ad.b[1 + j] = (u8)(k >> (8 * j));
    if (dvm_transfer(1, &ad, 1)) dvm_revert("funds", 5);
    n++;
  }
  DONE(n);
}

/* oracle_price_at of random feeds < 256 at random times in [1, b] (the
 * history holds one price per second there); a seeds them. */
DVM_ENTRY u64 pat(const u8 *in, u64 len) {
  ARGS;
  dvm_price p;
  u64 n = 0, r = a, x = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 10; i++) {
      r = mix(r + 1);
      x += dvm_oracle_price_at(r & 255, 1 + (r >> 8) % b, &p);
    }
    n++;
  }
  DONE(x + n);
}

/* param_get of random 64-byte keys 'P' || i BE || zeros, i < b (set with
 * 1,024-byte values), cap 1,024; a seeds the keys. */
DVM_ENTRY u64 param(const u8 *in, u64 len) {
  ARGS;
  u8 k[64];
  u64 n = 0, r = a, x = 0;
  for (int i = 0; i < 64; i++) k[i] = 0;
  k[0] = 'P';
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 10; i++) {
      r = mix(r + 1);
      u64 j = r % b;
      for (int q = 0; q < 8; q++) k[1 + q] = (u8)(j >> (56 - 8 * q));
      x += dvm_param_get(k, 64, HEAP, 1024);
    }
    n++;
  }
  DONE(x + n);
}

/* Fixed point at its slowest inputs (bench_gas's probe), 100 per round:
 * b = 0 mul_div, 1 exp, 2 ln, 3 sqrt, 4 pow, 5 cdf, 6 pdf. */
DVM_ENTRY u64 fxs(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0;
  i64 x = 0;
  while (dvm_gas_left() > RESERVE) {
    for (i64 i = 0; i < 100; i++) {
      if (b == 0) x += dvm_fx_mul_div(-0x7ffffffffffffff0 + i, 0x7654321987654321, 0x7fffffffffffff00 - i, 2);
      else if (b == 1) x += dvm_fx_exp(-20 * FX_ONE + i);
      else if (b == 2) x += dvm_fx_ln(1414213562 + i);
      else if (b == 3) x += dvm_fx_sqrt(0x7ffffffffffffff0 - i);
      else if (b == 4) x += dvm_fx_pow(123456789 + i, -333333333);
      else if (b == 5) x += dvm_fx_cdf(FX_ONE + i);
      else x += dvm_fx_pdf(6 * FX_ONE + i);
    }
    n++;
  }
  DONE((u64)x + n);
}

/* Return (b = 0) or revert (b = 1) with 64 KiB: one per call (bench_gas
 * calls it in batches: the data lands in the receipt). */
DVM_ENTRY u64 ret64k(const u8 *in, u64 len) {
  ARGS;
  dvm_heap_grow(65536);
  if (b) dvm_revert(HEAP, 65536);
  dvm_return(HEAP, 65536);
  return 0;
}

/* return_data: call the other contract's ret64k once, then read its
 * return data again and again with cap b. */
DVM_ENTRY u64 rdata(const u8 *in, u64 len) {
  ARGS;
  u8 zin[16];
  for (int i = 0; i < 16; i++) zin[i] = 0;
  dvm_call_desc d;
  for (int i = 0; i < 32; i++) d.contract.b[i] = in[16 + i];
  d.method = (u64) "ret64k";
  d.method_len = 6;
  d.input_len = 16;
  d.input = (u64)zin;
  d.assets = 0;
  d.asset_count = 0;
  d.reserved = 0;
  d.gas = 200000;
  dvm_call(&d);
  dvm_heap_grow(65536);
  u64 n = 0, x = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 10; i++) x += dvm_return_data(HEAP, b);
    n++;
  }
  DONE(x + n);
}
