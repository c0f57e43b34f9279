/* gasbench.c — the worst-case workloads of bench_gas (bench/bench_gas.c):
 * each method spends the gas it is given on one instruction class or one
 * syscall, with the slowest inputs we could construct, until fewer than
 * RESERVE gas are left, and returns the number of operations done.
 * Input: u64 a, u64 b (method-specific; 16 bytes). Not a production
 * contract: no ABI file; bench_gas is its only caller. */
#include "gasbench.h"

/* The baseline: a plain ALU loop (add, xor, shift, multiply, branch). */
DVM_ENTRY u64 alu(const u8 *in, u64 len) {
  ARGS;
  u64 x = a, n = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 1000; i++) x = (x ^ (x >> 7)) * 31 + (u64)i;
    n++;
  }
  DONE(x + n);
}

/* Loads and stores over 4 KiB of heap, strided (cache-resident). */
DVM_ENTRY u64 mem(const u8 *in, u64 len) {
  ARGS;
  volatile u64 *buf = (volatile u64 *)HEAP;
  u64 n = 0, x = a;
  for (int i = 0; i < 512; i++) buf[i] = (u64)i;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 512; i++) {
      x += buf[(i * 61) & 511];
      buf[(i * 37) & 511] = x;
    }
    n++;
  }
  DONE(x + n);
}

/* Unsigned and signed division and modulo (the slowest ALU ops). */
DVM_ENTRY u64 divs(const u8 *in, u64 len) {
  ARGS;
  u64 x = a | 1, n = 0;
  i64 y = -(i64)(b | 3);
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 500; i++) {
      x = (x * 0x9e3779b97f4a7c15ull) / ((x >> 40) | 3) + (x % 977);
      y = y / 7 - (i64)(x & 0xffff);
    }
    n++;
  }
  DONE(x + (u64)y + n);
}

/* Setup: keys tag||i for i in [a, a+count) with vlen-byte values
 * (b = count | vlen << 32). */
DVM_ENTRY u64 fill(const u8 *in, u64 len) {
  ARGS;
  u64 count = b & 0xffffffffu, vlen = b >> 32, n = 0;
  u8 tag = (u8)(a >> 56);
  u64 from = a & 0xffffffffu;
  if (vlen > 32768) dvm_heap_grow(vlen);
  u8 *val = HEAP;
  u8 k[5];
  for (u64 i = from; i < from + count; i++) {
    key5(k, tag, i);
    val[0] = (u8)i;
    dvm_storage_set(k, 5, val, vlen);
    n++;
  }
  DONE(n);
}

/* Cold reads of a deep store: random keys 'd'||i, i < b. */
DVM_ENTRY u64 sget(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, x = a;
  u8 k[5], out[8];
  while (dvm_gas_left() > RESERVE) {
    x = mix(x + 1);
    key5(k, 'd', x % b);
    dvm_storage_get(k, 5, out, 8);
    n++;
  }
  DONE(n);
}

/* New entries: random fresh 5-byte keys tag||x with an empty value (the
 * most lattice elements and LMDB inserts per gas). */
DVM_ENTRY u64 snew(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, x = a;
  u8 k[5];
  while (dvm_gas_left() > RESERVE) {
    x = mix(x + 1);
    key5(k, 'n', x);
    k[0] = (u8)('n' + (x >> 40) % 8);
    dvm_storage_set(k, 5, k, 0);
    n++;
  }
  DONE(n);
}

/* Overwrite: random existing keys 'd'||i (i < b) of the deep store. */
DVM_ENTRY u64 sover(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, x = a;
  u8 k[5];
  while (dvm_gas_left() > RESERVE) {
    x = mix(x + 1);
    key5(k, 'd', x % b);
    dvm_storage_set(k, 5, &x, 8);
    n++;
  }
  DONE(n);
}

/* New keys between those of the deep store: 'd'||i||x, i < b random,
 * so each insert lands in a random leaf page of a deep tree. */
DVM_ENTRY u64 sdeep(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, x = a;
  u8 k[6];
  while (dvm_gas_left() > RESERVE) {
    x = mix(x + 1);
    key5(k, 'd', x % b);
    k[5] = (u8)(x >> 56);
    dvm_storage_set(k, 6, &x, 8);
    n++;
  }
  DONE(n);
}

/* Deletes of random keys of the deep store ('d'||i, i < b). */
DVM_ENTRY u64 sdeld(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, x = a;
  u8 k[5];
  while (dvm_gas_left() > RESERVE) {
    x = mix(x + 1);
    key5(k, 'd', x % b);
    dvm_storage_del(k, 5);
    n++;
  }
  DONE(n);
}

/* Shrink large values: tag||i for i in [a, a+b) (committed with 64 KiB
 * values) set to 1 byte; the old value is hashed out at commit. */
DVM_ENTRY u64 sshrink(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, i = a & 0xffffffffu;
  u8 k[5];
  while (dvm_gas_left() > RESERVE && n < b) {
    key5(k, (u8)(a >> 56), i++);
    dvm_storage_set(k, 5, k, 1);
    n++;
  }
  DONE(n);
}

/* Delete large values: tag||i for i in [a, a+b). */
DVM_ENTRY u64 sdel(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, i = a & 0xffffffffu;
  u8 k[5];
  while (dvm_gas_left() > RESERVE && n < b) {
    key5(k, (u8)(a >> 56), i++);
    dvm_storage_del(k, 5);
    n++;
  }
  DONE(n);
}

/* Overlay tombstones: set and delete b fresh keys 't'||i after 't'||0,
 * then walk next() from 't'||0 over them, again and again. */
DVM_ENTRY u64 ntomb(const u8 *in, u64 len) {
  ARGS;
  u8 k[5], out[8];
  key5(k, 't', 0);
  dvm_storage_set(k, 5, k, 0);
  key5(k, 'u', 0); /* a live key past the run */
  dvm_storage_set(k, 5, k, 0);
  for (u64 i = 1; i <= b; i++) {
    key5(k, 't', a + i);
    dvm_storage_set(k, 5, k, 1);
    dvm_storage_del(k, 5);
  }
  u64 n = 0;
  key5(k, 't', 0);
  while (dvm_gas_left() > RESERVE) {
    dvm_storage_next(k, 5, out, 8);
    n++;
  }
  DONE(n);
}

/* Shadowed entries: delete committed keys tag||i, i in [a, a+b), then walk
 * next() from just before them (each call skips all of them). */
DVM_ENTRY u64 nshadow(const u8 *in, u64 len) {
  ARGS;
  u8 k[5], out[8];
  u8 tag = (u8)(a >> 56);
  u64 from = a & 0xffffffffu;
  for (u64 i = from; i < from + b; i++) {
    key5(k, tag, i);
    dvm_storage_del(k, 5);
  }
  u64 n = 0;
  k[0] = tag;
  while (dvm_gas_left() > RESERVE + 200 * b) { /* one call pays 200 per skip */
    dvm_storage_next(k, 1, out, 8);
    n++;
  }
  DONE(n);
}

/* BLAKE2b over 1 MiB of heap. */
DVM_ENTRY u64 hash(const u8 *in, u64 len) {
  ARGS;
  dvm_heap_grow(1u << 20);
  u8 out[32];
  u64 n = 0;
  while (dvm_gas_left() > RESERVE + (1u << 20)) {
    dvm_hash_blake2b(HEAP, 1u << 20, out);
    n++;
  }
  DONE(n);
}

/* Small hashes (the per-call part). */
DVM_ENTRY u64 hash0(const u8 *in, u64 len) {
  ARGS;
  u8 out[32];
  u64 n = 0;
  while (dvm_gas_left() > RESERVE) {
    dvm_hash_blake2b(out, 0, out);
    n++;
  }
  DONE(n);
}

/* Ed25519 verification of a failing signature over 64 KiB that passes
 * every early check (R and the key are the base point B, S = 1), so the
 * whole verification runs; an all-zero signature is refused at once. */
DVM_ENTRY u64 ed(const u8 *in, u64 len) {
  ARGS;
  dvm_heap_grow(1u << 17);
  u8 *sig = HEAP + 65536, *pk = sig + 64;
  for (int i = 0; i < 32; i++) sig[i] = pk[i] = i ? 0x66 : 0x58;
  sig[32] = 1;
  u64 n = 0;
  while (dvm_gas_left() > RESERVE + 120000) {
    dvm_ed25519_verify(HEAP, 65536, HEAP + 65536, HEAP + 65536 + 64);
    n++;
  }
  DONE(n);
}

/* Logs: 4 topics and 4096 data bytes (dropped? no: kept in the receipt). */
DVM_ENTRY u64 logs(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0;
  while (dvm_gas_left() > 20000 && n < 100) {
    dvm_log((const dvm_topic *)HEAP, 4, HEAP, 4096);
    n++;
  }
  DONE(n);
}

/* Black-Scholes, the most expensive fixed-point syscall. */
DVM_ENTRY u64 bs(const u8 *in, u64 len) {
  ARGS;
  dvm_bs_params p = {FX_FROM_INT(100), FX_FROM_INT(105), FX_ONE / 4, FX_ONE / 5, FX_ONE / 20};
  dvm_bs_result r;
  u64 n = 0;
  while (dvm_gas_left() > RESERVE) {
    p.spot += 1;
    dvm_fx_black_scholes(&p, &r);
    n++;
  }
  DONE(n);
}

/* The cheapest syscalls (block_height) back to back. */
DVM_ENTRY u64 cheap(const u8 *in, u64 len) {
  ARGS;
  u64 n = 0, x = 0;
  while (dvm_gas_left() > RESERVE) {
    for (int i = 0; i < 100; i++) x += dvm_block_height();
    n++;
  }
  DONE(n + x);
}

/* Heap growth: not repeatable within one call beyond its cap, so each
 * call grows to 1 MiB once (the row calls it in a batch). */
DVM_ENTRY u64 heap(const u8 *in, u64 len) {
  ARGS;
  DONE(dvm_heap_grow(1u << 20));
}

/* A tiny callee, and the caller of it: a is the callee's address index. */
DVM_ENTRY u64 tiny(const u8 *in, u64 len) { return len; }

DVM_ENTRY u64 calls(const u8 *in, u64 len) {
  if (len != 48) dvm_revert("len", 3);
  dvm_call_desc d;
  for (int i = 0; i < 32; i++) d.contract.b[i] = in[16 + i];
  u64 b = ld64(in + 8); /* 0: tiny; 1: heap (grows the callee's heap to 1 MiB) */
  d.method = b ? (u64)"heap" : (u64)"tiny";
  d.method_len = 4;
  d.input_len = 0;
  d.input = 0;
  d.assets = 0;
  d.asset_count = 0;
  d.reserved = 0;
  d.gas = b ? 60000 : 2000;
  u64 n = 0;
  while (dvm_gas_left() > RESERVE) {
    dvm_call(&d);
    n++;
  }
  DONE(n);
}
