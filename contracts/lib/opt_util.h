/* opt_util.h — helpers shared by the options, option_pool and vault
 * contracts: argument decoding (little-endian, unaligned), storage of
 * fixed-size records, reverts, amount arithmetic with named rounding, and
 * cross-contract calls with attached assets. Everything here is static:
 * a contract exports only its ABI methods (spec/contracts/NAME.md). */
#ifndef OPT_UTIL_H
#define OPT_UTIL_H

#include "dvm_contract.h"

/* Revert with a literal message (dvm_revert does not return). */
#define OPT_FAIL(msg)                      \
  do {                                     \
    dvm_revert((msg), sizeof(msg) - 1);    \
    return 1;                              \
  } while (0)

/* The input of a method must have exactly this length (DESIGN §9). */
#define OPT_ARGS(len, want)                                    \
  do {                                                         \
    if ((len) != (want)) OPT_FAIL("bad input length");         \
  } while (0)

#define OPT_I64_MAX ((u64)0x7fffffffffffffffull)
#define OPT_YEAR_SECONDS 31536000ull /* 365 days */

DVM_INLINE u64 opt_ld64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
DVM_INLINE u32 opt_ld32(const u8 *p) { return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24; }
DVM_INLINE void opt_st64(u8 *p, u64 v) {
  for (int i = 0; i < 8; i++) p[i] = (u8)(v >> (8 * i));
}
DVM_INLINE void opt_st32(u8 *p, u32 v) {
  for (int i = 0; i < 4; i++) p[i] = (u8)(v >> (8 * i));
}
/* Big-endian in storage keys keeps the bytewise order numeric. */
DVM_INLINE void opt_be64(u8 *p, u64 v) {
  for (int i = 0; i < 8; i++) p[i] = (u8)(v >> (56 - 8 * i));
}
DVM_INLINE void opt_copy(void *dst, const void *src, u64 n) {
  u8 *d = dst;
  const u8 *s = src;
  for (u64 i = 0; i < n; i++) d[i] = s[i];
}
DVM_INLINE void opt_zero(void *dst, u64 n) {
  u8 *d = dst;
  for (u64 i = 0; i < n; i++) d[i] = 0;
}
DVM_INLINE int opt_eq(const void *a, const void *b, u64 n) {
  const u8 *x = a, *y = b;
  for (u64 i = 0; i < n; i++)
    if (x[i] != y[i]) return 0;
  return 1;
}

/* A fixed-size record: 1 when present and of exactly `len` bytes. */
DVM_INLINE int opt_get(const void *key, u64 klen, void *out, u64 len) {
  return dvm_storage_get(key, klen, out, len) == len;
}
DVM_INLINE u64 opt_get_u64(const void *key, u64 klen) {
  u64 v = 0;
  if (!opt_get(key, klen, &v, 8)) return 0;
  return v;
}
/* A u64 counter: deleted at 0 so that empty positions leave no entry. */
DVM_INLINE void opt_put_u64(const void *key, u64 klen, u64 v) {
  if (v) dvm_storage_set(key, klen, &v, 8);
  else dvm_storage_del(key, klen);
}

/* 10^n for n <= 18. */
DVM_INLINE i64 opt_pow10(u64 n) {
  i64 p = 1;
  for (u64 i = 0; i < n; i++) p *= 10;
  return p;
}

/* a * b / c on amounts below 2^63 with a named rounding (DVM_ROUND_FLOOR
 * for payouts and shares, DVM_ROUND_CEIL for collateral and debts); the
 * caller keeps a, b, c positive and the result below 2^63 (the syscall
 * traps fx otherwise: nothing changes). */
DVM_INLINE u64 opt_mul_div(u64 a, u64 b, u64 c, u64 mode) {
  return (u64)dvm_fx_mul_div((fx)a, (fx)b, (fx)c, mode);
}

/* The scale exponent e = ud + 9 - qd between "amount of underlying base
 * units x an fx price" and quote base units:
 *   quote units = amount * price / 10^e.
 * Returns -1 when an asset is unknown or e is outside 0..18. */
DVM_INLINE i64 opt_scale_exp(u32 underlying, u32 quote) {
  u64 ud = dvm_asset_decimals(underlying), qd = dvm_asset_decimals(quote);
  if (ud == DVM_NONE || qd == DVM_NONE) return -1;
  i64 e = (i64)ud + 9 - (i64)qd;
  if (e < 0 || e > 18) return -1;
  return e;
}

/* The log topic of an event: its name in ASCII, zero-padded. */
DVM_INLINE void opt_topic(dvm_topic *t, const char *name, u64 n) {
  opt_zero(t, 32);
  opt_copy(t->b, name, n);
}
#define OPT_EVENT(name, data, len)                      \
  do {                                                  \
    dvm_topic t_;                                       \
    opt_topic(&t_, name, sizeof(name) - 1);             \
    dvm_log(&t_, 1, (data), (len));                     \
  } while (0)

/* A cross-contract call: method (literal), input, up to two attached
 * assets (amount 0: not attached). Returns the dvm_call result (0 when
 * the callee returned). */
typedef struct opt_attach {
  u32 asset[2];
  u64 amount[2];
} opt_attach;

typedef struct opt_req {
  const dvm_address *to;
  const char *method;
  u64 mlen;
  const void *input;
  u64 ilen;
  const opt_attach *att;
} opt_req;

static inline __attribute__((noinline)) u64 opt_call(const opt_req *r) {
  dvm_call_desc d;
  dvm_tx_asset_amount a[2];
  u32 n = 0;
  opt_copy(&d.contract, r->to, 32);
  d.method = (u64)r->method;
  d.method_len = (u32)r->mlen;
  d.input_len = (u32)r->ilen;
  d.input = (u64)r->input;
  if (r->att) {
    for (int i = 0; i < 2; i++)
      if (r->att->amount[i]) {
        a[n].asset = r->att->asset[i];
        a[n].reserved = 0;
        a[n].amount = r->att->amount[i];
        n++;
      }
  }
  d.assets = (u64)a;
  d.asset_count = n;
  d.reserved = 0;
  d.gas = 0;
  return dvm_call(&d);
}
#define OPT_CALL(to, lit, in, ilen, att) opt_call(&(opt_req){(to), (lit), sizeof(lit) - 1, (in), (ilen), (att)})

/* ---- the options contract seen from another contract ---- */

/* get_series return data (62 bytes, spec/contracts/options.md). */
typedef struct opt_series {
  u32 feed, underlying, quote;
  u8 is_put, settled;
  fx strike;
  u64 expiry;
  fx settle_price;
  u64 minted, collateral, paid;
} opt_series;

static inline __attribute__((noinline)) int opt_get_series(const dvm_address *options, u64 id, opt_series *s) {
  u8 in[8], o[62];
  opt_st64(in, id);
  if (OPT_CALL(options, "get_series", in, 8, 0)) return 0;
  if (dvm_return_data(o, 62) != 62) return 0;
  s->feed = opt_ld32(o);
  s->underlying = opt_ld32(o + 4);
  s->quote = opt_ld32(o + 8);
  s->strike = (fx)opt_ld64(o + 12);
  s->expiry = opt_ld64(o + 20);
  s->is_put = o[28];
  s->settled = o[29];
  s->settle_price = (fx)opt_ld64(o + 30);
  s->minted = opt_ld64(o + 38);
  s->collateral = opt_ld64(o + 46);
  s->paid = opt_ld64(o + 54);
  return 1;
}

/* position(series, owner): long, short, collateral. */
typedef struct opt_pos {
  u64 lng, shrt, coll;
} opt_pos;

static inline __attribute__((noinline)) int opt_get_pos(const dvm_address *options, u64 id, const dvm_address *owner,
                                                        opt_pos *p) {
  u8 in[40], o[24];
  opt_st64(in, id);
  opt_copy(in + 8, owner, 32);
  if (OPT_CALL(options, "position", in, 40, 0)) return 0;
  if (dvm_return_data(o, 24) != 24) return 0;
  p->lng = opt_ld64(o);
  p->shrt = opt_ld64(o + 8);
  p->coll = opt_ld64(o + 16);
  return 1;
}

/* A call on a series id alone (settle, redeem, reclaim). */
static inline __attribute__((noinline)) u64 opt_call_id(const dvm_address *options, const char *method, u64 mlen,
                                                        u64 id) {
  u8 in[8];
  opt_st64(in, id);
  return opt_call(&(opt_req){options, method, mlen, in, 8, 0});
}
#define OPT_CALL_ID(options, lit, id) opt_call_id((options), (lit), sizeof(lit) - 1, (id))

#endif
