/* dvm_contract.h — the C SDK for DVM contracts.
 *
 * Compile a contract with clang's BPF target and assemble it with dvm asm
 * (or let CMake's dvm_add_contract() do both; spec/contracts/sdk.md is the
 * SDK's manual):
 *     clang-19 -target bpf -mcpu=v4 -mllvm -bpf-stack-size=4096 -O2 \
 *              -fno-builtin -nostdlibinc -I contracts/include \
 *              -I contracts/include/libc -S c.c -o c.s
 *     dvm asm c.s -o c.dvm
 * (clang-14: -mcpu=v3 instead of the two v4 options, 512 bytes of locals.)
 * This header needs no other header; contracts/include/libc adds a C
 * library subset (string.h, stdlib.h's malloc, ...) for portable code.
 *
 * NORMATIVE TEXT: spec/syscalls.md fixes the syscall numbers, argument
 * conventions, results, limits and gas costs. The prototypes below are
 * written from its table (version 1); where they and spec/syscalls.md
 * disagree, spec/syscalls.md wins and this header is the bug.
 *
 * How a call works: clang emits `call dvm_storage_get` for a call to the
 * extern function below; dvm asm resolves the name through the syscall
 * table to `call <number>`. Arguments travel in r1..r5 (at most five, each
 * a 64-bit scalar or pointer), the result comes back in r0.
 *
 * Entry points (spec/assembler.md, "Entry-point convention"): every
 * non-static function is exported under its name and may be called by a
 * transaction. It receives a pointer to the call input in r1 and its
 * length in r2, and returns a u64 in r0:
 *     DVM_ENTRY u64 deposit(const u8 *input, u64 input_len) { ... }
 * Helpers must be `static` (DVM_LOCAL) so they stay private; a static
 * function clang does not inline becomes a local call (`call local`).
 *
 * Limits of the BPF target to know about (spec/contracts/sdk.md §5 says
 * what to do about each): at most five arguments per function (pass a
 * pointer to a struct); no floating point; no signed division or modulo
 * under clang-14 -mcpu=v3 (divide magnitudes; clang-19 -mcpu=v4 has them);
 * 128-bit arithmetic and calls through function pointers are not available
 * (clang would emit a library call or callx, both rejected); writable
 * globals are not supported (dvm asm rejects .data/.bss): keep state in
 * storage, scratch on the stack or heap.
 */
#ifndef DVM_CONTRACT_H
#define DVM_CONTRACT_H

#if !defined(__bpf__) && !defined(DVM_CONTRACT_HOST)
#error "dvm_contract.h is for contracts built with clang -target bpf (define DVM_CONTRACT_HOST to include it elsewhere)"
#endif

/* ---- types (no libc headers: the BPF target is freestanding) ---- */
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ i8;
typedef __INT16_TYPE__ i16;
typedef __INT32_TYPE__ i32;
typedef __INT64_TYPE__ i64;

/* Fixed point (DESIGN.md §6): a signed 64-bit integer scaled by 1e9. */
typedef i64 fx;
#define FX_ONE ((fx)1000000000)
#define FX_FROM_INT(n) ((fx)(n) * FX_ONE)

/* A 32-byte account or contract address. */
typedef struct dvm_address {
  u8 b[32];
} dvm_address;

/* A 32-byte log topic. */
typedef struct dvm_topic {
  u8 b[32];
} dvm_topic;

/* An oracle price as dvm_oracle_price writes it. */
typedef struct dvm_price {
  fx price;     /* 1e9 scale */
  u64 time;     /* publish time, unix seconds */
} dvm_price;

/* An asset amount attached to a call (16 bytes). */
typedef struct dvm_tx_asset_amount {
  u32 asset;
  u32 reserved; /* 0 */
  u64 amount;
} dvm_tx_asset_amount;

/* The 80-byte descriptor of dvm_call (spec/syscalls.md §5). */
typedef struct dvm_call_desc {
  dvm_address contract;
  u64 method;       /* address of the method name */
  u32 method_len;   /* 1..64 */
  u32 input_len;    /* <= 64 KiB */
  u64 input;        /* address of the input */
  u64 assets;       /* address of dvm_tx_asset_amount[asset_count] */
  u32 asset_count;  /* <= 16 */
  u32 reserved;     /* 0 */
  u64 gas;          /* gas for the callee; 0 = as much as allowed */
} dvm_call_desc;

/* Black-Scholes inputs and outputs (dvm_fx_black_scholes), all fixed point. */
typedef struct dvm_bs_params {
  fx spot, strike, time, volatility, rate; /* S, K, T (years), sigma, r */
} dvm_bs_params;

typedef struct dvm_bs_result {
  fx call, put, call_delta, put_delta, gamma, vega, call_theta, put_theta;
} dvm_bs_result;

/* Rounding modes of dvm_fx_mul_div. */
#define DVM_ROUND_FLOOR 0
#define DVM_ROUND_CEIL 1
#define DVM_ROUND_HALF_EVEN 2
#define DVM_ROUND_TRUNC 3

/* "Absent" result of the lookups below (-1). */
#define DVM_NONE ((u64)-1)

/* dvm_call results: status in the low byte, detail above. */
#define DVM_CALL_STATUS(r) ((r) & 0xff)
#define DVM_CALL_DETAIL(r) ((r) >> 8)

#define DVM_ENTRY __attribute__((used))
#define DVM_LOCAL static __attribute__((noinline))
#define DVM_INLINE static inline __attribute__((always_inline))

/* ---- syscalls (numbers, limits and gas in spec/syscalls.md) ---- */

/* 1: end the call successfully with return data [data, data+len). */
extern u64 dvm_return(const void *data, u64 len);
/* 2: end the call with status revert, undoing its effects; msg is the reason. */
extern u64 dvm_revert(const void *msg, u64 len);
/* 3: append a log (at most 4 topics, 4096 data bytes) to the receipt; 0. */
extern u64 dvm_log(const dvm_topic *topics, u64 ntopics, const void *data, u64 len);
/* 4: the value's full length, copying min(len, cap) bytes; DVM_NONE when absent. */
extern u64 dvm_storage_get(const void *key, u64 key_len, void *out, u64 cap);
/* 5: set the contract's key (1..479 bytes) to a value (<= 64 KiB); 0. */
extern u64 dvm_storage_set(const void *key, u64 key_len, const void *val, u64 val_len);
/* 6: delete a key; 1 if it existed, else 0. */
extern u64 dvm_storage_del(const void *key, u64 key_len);
/* 7: the length of the smallest key greater than [after, alen) (alen 0: the
 * smallest key), copying min(len, cap) bytes; DVM_NONE past the last. */
extern u64 dvm_storage_next(const void *after, u64 alen, void *out, u64 cap);
/* 8: the balance of `asset` held by `who`. */
extern u64 dvm_balance(const dvm_address *who, u64 asset);
/* 9: move `amount` of `asset` from this contract to `to`: 0 done, 1 funds
 * short, 2 unknown asset, 3 the receiver would overflow. */
extern u64 dvm_transfer(u64 asset, const dvm_address *to, u64 amount);
/* 10, 11: write the caller's / this contract's address; 0. */
extern u64 dvm_caller(dvm_address *out);
extern u64 dvm_self(dvm_address *out);
/* 12: the amount of `asset` attached to this call. */
extern u64 dvm_value_received(u64 asset);
/* 13, 14: the block being executed: height, time (unix seconds). */
extern u64 dvm_block_height(void);
extern u64 dvm_block_time(void);
/* 15: the last price of an oracle feed (read-only); 0, or 1 (and zeros) when none. */
extern u64 dvm_oracle_price(u64 feed, dvm_price *out);
/* 16: call another contract; status | detail << 8 (DVM_CALL_STATUS/DETAIL). */
extern u64 dvm_call(const dvm_call_desc *desc);
/* 17: the length of the last callee's return data, copying min(len, cap) bytes. */
extern u64 dvm_return_data(void *out, u64 cap);
/* 18: BLAKE2b-256 of [in, in+len) into out32; 0. */
extern u64 dvm_hash_blake2b(const void *in, u64 len, void *out32);
/* 19: 1 if the 64-byte signature of [msg, msg+len) verifies under the key, else 0. */
extern u64 dvm_ed25519_verify(const void *msg, u64 len, const void *sig64, const void *pubkey32);
/* 20: grow the heap to len bytes (4 KiB pages, cap 1 MiB); the new length. */
extern u64 dvm_heap_grow(u64 len);
/* 21: a * b / c with a 128-bit product and rounding `mode` (DVM_ROUND_*). */
extern fx dvm_fx_mul_div(fx a, fx b, fx c, u64 mode);
/* 22..27: fixed-point functions (domains and error bounds: spec/fxmath.md). */
extern fx dvm_fx_exp(fx x);
extern fx dvm_fx_ln(fx x);
extern fx dvm_fx_sqrt(fx x);
extern fx dvm_fx_pow(fx x, fx y);
extern fx dvm_fx_cdf(fx x);
extern fx dvm_fx_pdf(fx x);
/* 28: Black-Scholes prices and greeks; 0. */
extern u64 dvm_fx_black_scholes(const dvm_bs_params *in, dvm_bs_result *out);
/* 29: a market parameter set by an authority: its length, copying
 * min(len, cap) bytes; DVM_NONE when unset. */
extern u64 dvm_param_get(const void *key, u64 key_len, void *out, u64 cap);
/* 30: the gas left to this call. */
extern u64 dvm_gas_left(void);
/* 31: the first price of `feed` published at or after `time` (unix
 * seconds), and its publish time; 0, or 1 (and zeros) when none yet. */
extern u64 dvm_oracle_price_at(u64 feed, u64 time, dvm_price *out);
/* 32: the decimals of `asset` from genesis; DVM_NONE for an unknown asset. */
extern u64 dvm_asset_decimals(u64 asset);

/* ---- fixed-point helpers without syscalls ---- */

DVM_INLINE fx fx_add(fx a, fx b) { return a + b; }
DVM_INLINE fx fx_sub(fx a, fx b) { return a - b; }
DVM_INLINE fx fx_from_int(i64 n) { return n * FX_ONE; }
/* Integer part, rounded toward zero (unsigned division: clang-14's BPF
 * target has no signed division before -mcpu=v4). */
DVM_INLINE i64 fx_to_int(fx a) {
  u64 m = a < 0 ? (u64)0 - (u64)a : (u64)a;
  i64 q = (i64)(m / (u64)FX_ONE);
  return a < 0 ? -q : q;
}

/* a * b in fixed point, truncated toward zero, without 128-bit types
 * (the BPF target has no 128-bit division): the product of the magnitudes
 * in four 32-bit limbs, divided by 1e9 limb by limb; every step divides a
 * value below 2^64 and every quotient digit is below 2^32. A result
 * outside the fx range wraps. */
DVM_INLINE fx fx_mul(fx a, fx b) {
  int neg = (a < 0) != (b < 0);
  u64 x = a < 0 ? (u64)0 - (u64)a : (u64)a;
  u64 y = b < 0 ? (u64)0 - (u64)b : (u64)b;
  u64 x0 = x & 0xffffffffu, x1 = x >> 32, y0 = y & 0xffffffffu, y1 = y >> 32;
  u64 p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
  u64 mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  u64 l0 = p00 & 0xffffffffu, l1 = mid & 0xffffffffu;
  u64 hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  u64 l2 = hi & 0xffffffffu, l3 = hi >> 32;
  u64 d = (u64)FX_ONE, r, q1, q0;
  r = l3 % d;
  r = (r << 32 | l2) % d;
  r = r << 32 | l1;
  q1 = r / d;
  r %= d;
  r = r << 32 | l0;
  q0 = r / d;
  u64 q = (q1 << 32) + q0; /* the quotient modulo 2^64 */
  return neg ? -(fx)q : (fx)q;
}

/* a / b in fixed point through the mul_div syscall (truncated toward zero). */
DVM_INLINE fx fx_div(fx a, fx b) { return dvm_fx_mul_div(a, FX_ONE, b, DVM_ROUND_TRUNC); }

#endif /* DVM_CONTRACT_H */
