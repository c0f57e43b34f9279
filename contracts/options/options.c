/* options.c — European, cash-settled, fully collateralized options (the
 * Opyn Gamma model). Normative description: spec/contracts/options.md
 * (storage layout, methods, every rounding, every error); ABI:
 * contracts/options/options.abi.json.
 *
 * A series is (feed, underlying, quote, strike, expiry, call/put). Writers
 * lock the maximum payoff as collateral (a call: the underlying itself; a
 * put: amount x strike in quote) and receive the long side; holders
 * redeem after settlement at the first oracle price published at or after
 * expiry; writers reclaim their collateral less what their short owes.
 * Rounding favours the contract: collateral and debts up, payouts down. */
#include "../lib/opt_util.h"

/* Series record, key 's' || id BE64, 96 bytes little-endian. */
typedef struct series_rec {
  u32 feed, underlying, quote;
  u8 is_put, settled, scale_exp, pad; /* scale_exp: e = ud + 9 - qd */
  fx strike;
  u64 expiry;
  fx settle_price;  /* 0 until settled */
  u64 settle_time;  /* publish time of the settlement price */
  u64 minted;       /* long (= short) ever written */
  u64 coll_in;      /* collateral ever deposited */
  u64 paid;         /* paid out to holders */
  u64 returned;     /* returned to writers by reclaim */
  u64 redeemed;     /* long amount redeemed */
  u64 reclaimed;    /* short amount closed by reclaim */
} series_rec;

/* Writer record, key 'w' || id BE64 || writer: short amount, collateral. */
typedef struct writer_rec {
  u64 shortamt, collateral;
} writer_rec;

DVM_INLINE void series_key(u8 k[9], u64 id) {
  k[0] = 's';
  opt_be64(k + 1, id);
}
/* 'l' or 'w' || id BE64 || owner (41 bytes) */
DVM_INLINE void pos_key(u8 k[41], u8 tag, u64 id, const dvm_address *owner) {
  k[0] = tag;
  opt_be64(k + 1, id);
  opt_copy(k + 9, owner, 32);
}

DVM_LOCAL int series_load(u64 id, series_rec *s) {
  u8 k[9];
  series_key(k, id);
  return opt_get(k, 9, s, sizeof *s);
}
DVM_LOCAL void series_store(u64 id, const series_rec *s) {
  u8 k[9];
  series_key(k, id);
  dvm_storage_set(k, 9, s, sizeof *s);
}

/* amount x price in quote base units, with rounding mode (put collateral
 * and put debts: CEIL; put payouts: FLOOR). */
DVM_LOCAL u64 quote_value(u64 amount, fx price, u64 e, u64 mode) {
  return opt_mul_div(amount, (u64)price, (u64)opt_pow10(e), mode);
}

/* What `amount` of long (or short) is worth at settlement, rounded by
 * mode: a call pays amount x (S - K) / S of the underlying, a put amount x
 * (K - S) in quote; 0 out of the money. */
DVM_LOCAL u64 settle_value(const series_rec *s, u64 amount, u64 mode) {
  fx S = s->settle_price, K = s->strike;
  if (amount == 0) return 0;
  if (!s->is_put) return S > K ? opt_mul_div(amount, (u64)(S - K), (u64)S, mode) : 0;
  return K > S ? quote_value(amount, K - S, s->scale_exp, mode) : 0;
}

/* create_series(feed u32, underlying u32, quote u32, strike fx, expiry u64, is_put u8) -> series u64 */
DVM_ENTRY u64 create_series(const u8 *in, u64 len) {
  OPT_ARGS(len, 29);
  series_rec s;
  opt_zero(&s, sizeof s);
  s.feed = opt_ld32(in);
  s.underlying = opt_ld32(in + 4);
  s.quote = opt_ld32(in + 8);
  s.strike = (fx)opt_ld64(in + 12);
  s.expiry = opt_ld64(in + 20);
  s.is_put = in[28];
  if (s.strike <= 0) OPT_FAIL("strike must be positive");
  if (s.is_put > 1) OPT_FAIL("is_put must be 0 or 1");
  if (s.underlying == s.quote) OPT_FAIL("underlying and quote must differ");
  if (s.expiry <= dvm_block_time()) OPT_FAIL("expiry must be in the future");
  i64 e = opt_scale_exp(s.underlying, s.quote);
  if (e < 0) OPT_FAIL("unknown asset or unsupported decimals");
  s.scale_exp = (u8)e;
  u8 dk[30];
  dk[0] = 'k';
  opt_copy(dk + 1, in, 29);
  u64 id = opt_get_u64(dk, 30);
  if (id) {
    u8 msg[24];
    opt_copy(msg, "duplicate series", 16);
    opt_st64(msg + 16, id);
    dvm_revert(msg, 24);
    return 1;
  }
  id = opt_get_u64("n", 1) + 1;
  opt_put_u64("n", 1, id);
  dvm_storage_set(dk, 30, &id, 8);
  series_store(id, &s);
  u8 ev[37];
  opt_st64(ev, id);
  opt_copy(ev + 8, in, 29);
  OPT_EVENT("SeriesCreated", ev, 37);
  u8 out[8];
  opt_st64(out, id);
  dvm_return(out, 8);
  return 0;
}

/* write(series u64, amount u64): collateral attached to the call. */
DVM_ENTRY u64 write(const u8 *in, u64 len) {
  OPT_ARGS(len, 16);
  u64 id = opt_ld64(in), amount = opt_ld64(in + 8);
  series_rec s;
  if (!series_load(id, &s)) OPT_FAIL("no such series");
  if (dvm_block_time() >= s.expiry) OPT_FAIL("series expired");
  if (amount == 0 || amount > OPT_I64_MAX) OPT_FAIL("amount out of range");
  if (s.minted + amount > OPT_I64_MAX) OPT_FAIL("open interest limit");
  u32 asset = s.is_put ? s.quote : s.underlying;
  u32 other = s.is_put ? s.underlying : s.quote;
  /* Collateral: a call locks the underlying itself (its payoff is at most
   * amount); a put locks amount x strike in quote, ROUNDED UP. */
  u64 need = s.is_put ? quote_value(amount, s.strike, s.scale_exp, DVM_ROUND_CEIL) : amount;
  u64 got = dvm_value_received(asset);
  if (dvm_value_received(other)) OPT_FAIL("wrong collateral asset attached");
  if (got < need) OPT_FAIL("too little collateral");
  dvm_address who;
  dvm_caller(&who);
  if (got > need && dvm_transfer(asset, &who, got - need)) OPT_FAIL("refund failed");
  u8 k[41];
  pos_key(k, 'l', id, &who);
  opt_put_u64(k, 41, opt_get_u64(k, 41) + amount);
  writer_rec w;
  pos_key(k, 'w', id, &who);
  if (!opt_get(k, 41, &w, sizeof w)) opt_zero(&w, sizeof w);
  w.shortamt += amount;
  w.collateral += need;
  dvm_storage_set(k, 41, &w, sizeof w);
  s.minted += amount;
  s.coll_in += need;
  series_store(id, &s);
  u8 ev[56];
  opt_st64(ev, id);
  opt_copy(ev + 8, &who, 32);
  opt_st64(ev + 40, amount);
  opt_st64(ev + 48, need);
  OPT_EVENT("Written", ev, 56);
  return 0;
}

/* transfer(series u64, to address, amount u64): moves the caller's long. */
DVM_ENTRY u64 transfer(const u8 *in, u64 len) {
  OPT_ARGS(len, 48);
  u64 id = opt_ld64(in), amount = opt_ld64(in + 40);
  dvm_address who, to;
  opt_copy(&to, in + 8, 32);
  series_rec s;
  if (!series_load(id, &s)) OPT_FAIL("no such series");
  if (amount == 0) OPT_FAIL("zero amount");
  dvm_caller(&who);
  u8 kf[41], kt[41];
  pos_key(kf, 'l', id, &who);
  u64 bf = opt_get_u64(kf, 41);
  if (bf < amount) OPT_FAIL("long balance too small");
  if (!opt_eq(&who, &to, 32)) {
    pos_key(kt, 'l', id, &to);
    opt_put_u64(kf, 41, bf - amount);
    opt_put_u64(kt, 41, opt_get_u64(kt, 41) + amount); /* <= minted < 2^63 */
  }
  u8 ev[80];
  opt_st64(ev, id);
  opt_copy(ev + 8, &who, 32);
  opt_copy(ev + 40, &to, 32);
  opt_st64(ev + 72, amount);
  OPT_EVENT("Transfer", ev, 80);
  return 0;
}

/* settle(series u64): fixes the settlement price, the first oracle price
 * published at or after expiry. */
DVM_ENTRY u64 settle(const u8 *in, u64 len) {
  OPT_ARGS(len, 8);
  u64 id = opt_ld64(in);
  series_rec s;
  if (!series_load(id, &s)) OPT_FAIL("no such series");
  if (s.settled) OPT_FAIL("already settled");
  if (dvm_block_time() < s.expiry) OPT_FAIL("not expired");
  dvm_price p;
  if (dvm_oracle_price_at(s.feed, s.expiry, &p)) OPT_FAIL("no price at expiry yet");
  if (p.price <= 0) OPT_FAIL("settlement price not positive");
  s.settled = 1;
  s.settle_price = p.price;
  s.settle_time = p.time;
  series_store(id, &s);
  u8 ev[24];
  opt_st64(ev, id);
  opt_st64(ev + 8, (u64)p.price);
  opt_st64(ev + 16, p.time);
  OPT_EVENT("Settled", ev, 24);
  return 0;
}

/* redeem(series u64): pays the caller's long balance, ROUNDED DOWN. */
DVM_ENTRY u64 redeem(const u8 *in, u64 len) {
  OPT_ARGS(len, 8);
  u64 id = opt_ld64(in);
  series_rec s;
  if (!series_load(id, &s)) OPT_FAIL("no such series");
  if (!s.settled) OPT_FAIL("not settled");
  dvm_address who;
  dvm_caller(&who);
  u8 k[41];
  pos_key(k, 'l', id, &who);
  u64 amount = opt_get_u64(k, 41);
  if (amount == 0) OPT_FAIL("nothing to redeem");
  u64 pay = settle_value(&s, amount, DVM_ROUND_FLOOR);
  dvm_storage_del(k, 41);
  s.redeemed += amount;
  s.paid += pay;
  series_store(id, &s);
  if (pay && dvm_transfer(s.is_put ? s.quote : s.underlying, &who, pay)) OPT_FAIL("payout failed");
  u8 ev[56];
  opt_st64(ev, id);
  opt_copy(ev + 8, &who, 32);
  opt_st64(ev + 40, amount);
  opt_st64(ev + 48, pay);
  OPT_EVENT("Redeemed", ev, 56);
  u8 out[8];
  opt_st64(out, pay);
  dvm_return(out, 8);
  return 0;
}

/* reclaim(series u64): the caller's collateral less what its short owes
 * (owed ROUNDED UP). */
DVM_ENTRY u64 reclaim(const u8 *in, u64 len) {
  OPT_ARGS(len, 8);
  u64 id = opt_ld64(in);
  series_rec s;
  if (!series_load(id, &s)) OPT_FAIL("no such series");
  if (!s.settled) OPT_FAIL("not settled");
  dvm_address who;
  dvm_caller(&who);
  u8 k[41];
  writer_rec w;
  pos_key(k, 'w', id, &who);
  if (!opt_get(k, 41, &w, sizeof w)) OPT_FAIL("nothing to reclaim");
  u64 owed = settle_value(&s, w.shortamt, DVM_ROUND_CEIL);
  u64 back = owed < w.collateral ? w.collateral - owed : 0;
  dvm_storage_del(k, 41);
  s.reclaimed += w.shortamt;
  s.returned += back;
  series_store(id, &s);
  if (back && dvm_transfer(s.is_put ? s.quote : s.underlying, &who, back)) OPT_FAIL("return failed");
  u8 ev[56];
  opt_st64(ev, id);
  opt_copy(ev + 8, &who, 32);
  opt_st64(ev + 40, w.shortamt);
  opt_st64(ev + 48, back);
  OPT_EVENT("Reclaimed", ev, 56);
  u8 out[8];
  opt_st64(out, back);
  dvm_return(out, 8);
  return 0;
}

/* get_series(series u64) -> feed u32, underlying u32, quote u32, strike fx,
 * expiry u64, is_put u8, settled u8, settle_price fx, minted u64,
 * collateral u64 (locked now), paid u64 (read-only). */
DVM_ENTRY u64 get_series(const u8 *in, u64 len) {
  OPT_ARGS(len, 8);
  series_rec s;
  if (!series_load(opt_ld64(in), &s)) OPT_FAIL("no such series");
  u8 o[62];
  opt_st32(o, s.feed);
  opt_st32(o + 4, s.underlying);
  opt_st32(o + 8, s.quote);
  opt_st64(o + 12, (u64)s.strike);
  opt_st64(o + 20, s.expiry);
  o[28] = s.is_put;
  o[29] = s.settled;
  opt_st64(o + 30, (u64)s.settle_price);
  opt_st64(o + 38, s.minted);
  opt_st64(o + 46, s.coll_in - s.paid - s.returned);
  opt_st64(o + 54, s.paid);
  dvm_return(o, 62);
  return 0;
}

/* position(series u64, owner address) -> long u64, short u64, collateral u64 (read-only). */
DVM_ENTRY u64 position(const u8 *in, u64 len) {
  OPT_ARGS(len, 40);
  u64 id = opt_ld64(in);
  dvm_address owner;
  opt_copy(&owner, in + 8, 32);
  series_rec s;
  if (!series_load(id, &s)) OPT_FAIL("no such series");
  u8 k[41];
  writer_rec w;
  pos_key(k, 'l', id, &owner);
  u64 lg = opt_get_u64(k, 41);
  pos_key(k, 'w', id, &owner);
  if (!opt_get(k, 41, &w, sizeof w)) opt_zero(&w, sizeof w);
  u8 o[24];
  opt_st64(o, lg);
  opt_st64(o + 8, w.shortamt);
  opt_st64(o + 16, w.collateral);
  dvm_return(o, 24);
  return 0;
}
