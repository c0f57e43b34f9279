/* option_pool.c — a pricing pool for the options contract. Normative
 * description: spec/contracts/option_pool.md; ABI: option_pool.abi.json.
 *
 * Liquidity providers deposit quote and underlying for shares. The pool
 * quotes every listed series (one with an implied volatility set by an
 * authority as a market parameter) at the Black-Scholes price -/+ a
 * relative spread. When it sells it writes the option through the options
 * contract, locking full collateral from its own free assets; when it buys
 * it pays the premium from its free quote. Providers withdraw pro rata to
 * shares of the pool's marked value. All values are in quote base units;
 * rounding favours the pool (premiums it receives up, what it pays down). */
#include "../lib/opt_util.h"

/* Configuration, key "cfg", written once by init (64 bytes). */
typedef struct pool_cfg {
  dvm_address options;
  u32 feed, underlying, quote, scale_exp;
  fx spread; /* relative, e.g. 0.02 = 2% of the price */
  fx rate;   /* risk-free rate for Black-Scholes */
} pool_cfg;

DVM_LOCAL int cfg_load(pool_cfg *c) { return opt_get("cfg", 3, c, sizeof *c); }

/* 'h' || owner -> shares; "shares" -> total. */
DVM_INLINE void holder_key(u8 k[33], const dvm_address *a) {
  k[0] = 'h';
  opt_copy(k + 1, a, 32);
}
/* 'o' || series BE64 -> u64 long the pool holds by purchase (present while
 * the pool has a position in the series). */
DVM_INLINE void book_key(u8 k[9], u64 id) {
  k[0] = 'o';
  opt_be64(k + 1, id);
}

/* The implied volatility of a series: param "iv" || pool || series BE64,
 * else the pool's default "iv" || pool. 0 when unset or out of (0, 10]. */
DVM_LOCAL fx series_vol(u64 id) {
  u8 k[42];
  fx v = 0;
  k[0] = 'i';
  k[1] = 'v';
  dvm_self((dvm_address *)(k + 2));
  opt_be64(k + 34, id);
  if (dvm_param_get(k, 42, &v, 8) != 8 && dvm_param_get(k, 34, &v, 8) != 8) return 0;
  if (v <= 0 || v > FX_FROM_INT(10)) return 0;
  return v;
}

DVM_LOCAL fx spot(const pool_cfg *c) {
  dvm_price p;
  if (dvm_oracle_price(c->feed, &p) || p.price <= 0) return 0;
  return p.price;
}

/* Years to expiry (fx), rounded down; 0 at or after expiry. */
DVM_LOCAL fx years_to(u64 expiry) {
  u64 now = dvm_block_time();
  if (now >= expiry) return 0;
  u64 dt = expiry - now;
  if (dt > 20 * OPT_YEAR_SECONDS) dt = 20 * OPT_YEAR_SECONDS;
  return (fx)opt_mul_div(dt, (u64)FX_ONE, OPT_YEAR_SECONDS, DVM_ROUND_FLOOR);
}

/* The quote of a series for `amount` (spec: bid, ask in quote base units
 * for the whole amount; greeks per whole unit of the underlying). */
typedef struct pool_quote {
  u64 bid, ask;
  fx price, delta, gamma, vega, theta;
} pool_quote;

/* 0 ok; else a static message in *why. */
DVM_LOCAL const char *quote_series(const pool_cfg *c, u64 id, u64 amount, opt_series *s, pool_quote *q) {
  if (!opt_get_series(&c->options, id, s)) return "no such series";
  if (s->feed != c->feed || s->underlying != c->underlying || s->quote != c->quote) return "series of another market";
  if (dvm_block_time() >= s->expiry) return "series expired";
  if (amount == 0 || amount > OPT_I64_MAX) return "amount out of range";
  fx vol = series_vol(id);
  if (!vol) return "series not listed (no volatility)";
  fx S = spot(c);
  if (!S) return "no oracle price";
  dvm_bs_params in = {S, s->strike, years_to(s->expiry), vol, c->rate};
  dvm_bs_result r;
  dvm_fx_black_scholes(&in, &r);
  fx p = s->is_put ? r.put : r.call;
  /* spread per unit: price x spread, ROUNDED UP (widens both sides) */
  fx half = (fx)opt_mul_div((u64)p, (u64)c->spread, (u64)FX_ONE, DVM_ROUND_CEIL);
  fx bid = p > half ? p - half : 0, ask = p + half;
  q->price = p;
  /* amount x price per whole unit in quote base units: bid ROUNDED DOWN
   * (the pool pays), ask ROUNDED UP (the pool receives) */
  q->bid = bid ? opt_mul_div(amount, (u64)bid, (u64)opt_pow10(c->scale_exp), DVM_ROUND_FLOOR) : 0;
  q->ask = ask ? opt_mul_div(amount, (u64)ask, (u64)opt_pow10(c->scale_exp), DVM_ROUND_CEIL) : 0;
  q->delta = s->is_put ? r.put_delta : r.call_delta;
  q->gamma = r.gamma;
  q->vega = r.vega;
  q->theta = s->is_put ? r.put_theta : r.call_theta;
  return 0;
}

#define OPT_FAILS(why)                       \
  do {                                       \
    const char *w_ = (why);                  \
    u64 n_ = 0;                              \
    while (w_[n_]) n_++;                     \
    dvm_revert(w_, n_);                      \
    return 1;                                \
  } while (0)

/* Underlying base units to quote base units at S, ROUNDED DOWN. */
DVM_LOCAL u64 u_to_q(const pool_cfg *c, u64 u, fx S) {
  return u ? opt_mul_div(u, (u64)S, (u64)opt_pow10(c->scale_exp), DVM_ROUND_FLOOR) : 0;
}

/* The mark of one position (quote base units, >= 0): collateral value +
 * long x mark (down) - short x mark (up). The mark per whole unit is the
 * intrinsic value at the settlement price once settled, else the
 * Black-Scholes mid at the spot (intrinsic when the volatility is unset). */
DVM_LOCAL u64 mark_position(const pool_cfg *c, u64 id, fx S) {
  opt_series s;
  opt_pos p;
  dvm_address self;
  dvm_self(&self);
  if (!opt_get_series(&c->options, id, &s) || !opt_get_pos(&c->options, id, &self, &p)) return 0;
  fx px = s.settled ? s.settle_price : S, m;
  fx vol = s.settled ? 0 : series_vol(id);
  fx T = s.settled ? 0 : years_to(s.expiry);
  if (vol && T) {
    dvm_bs_params in = {px, s.strike, T, vol, c->rate};
    dvm_bs_result r;
    dvm_fx_black_scholes(&in, &r);
    m = s.is_put ? r.put : r.call;
  } else if (s.is_put) {
    m = s.strike > px ? s.strike - px : 0;
  } else {
    m = px > s.strike ? px - s.strike : 0;
  }
  u64 coll = s.is_put ? p.coll : u_to_q(c, p.coll, S);
  u64 e10 = (u64)opt_pow10(c->scale_exp);
  u64 lv = m && p.lng ? opt_mul_div(p.lng, (u64)m, e10, DVM_ROUND_FLOOR) : 0;
  u64 sv = m && p.shrt ? opt_mul_div(p.shrt, (u64)m, e10, DVM_ROUND_CEIL) : 0;
  u64 v = coll + lv;
  return v > sv ? v - sv : 0;
}

/* The pool's marked value in quote base units, less `less_q` quote and
 * `less_u` underlying (a deposit being valued against the pool before it). */
DVM_LOCAL u64 marked_value(const pool_cfg *c, fx S, u64 less_q, u64 less_u) {
  dvm_address self;
  dvm_self(&self);
  u64 v = dvm_balance(&self, c->quote) - less_q + u_to_q(c, dvm_balance(&self, c->underlying) - less_u, S);
  u8 k[9];
  u64 kl = 1;
  k[0] = 'o';
  for (;;) {
    u8 nk[16];
    u64 n = dvm_storage_next(k, kl, nk, 16);
    if (n != 9 || nk[0] != 'o') break;
    u64 id = 0;
    for (int i = 1; i < 9; i++) id = id << 8 | nk[i];
    v += mark_position(c, id, S);
    opt_copy(k, nk, 9);
    kl = 9;
  }
  return v;
}

/* init(options address, feed u32, underlying u32, quote u32, spread fx, rate fx) */
DVM_ENTRY u64 init(const u8 *in, u64 len) {
  OPT_ARGS(len, 60);
  pool_cfg c;
  opt_copy(&c.options, in, 32);
  c.feed = opt_ld32(in + 32);
  c.underlying = opt_ld32(in + 36);
  c.quote = opt_ld32(in + 40);
  c.spread = (fx)opt_ld64(in + 44);
  c.rate = (fx)opt_ld64(in + 52);
  i64 e = opt_scale_exp(c.underlying, c.quote);
  if (e < 0) OPT_FAIL("unknown asset or unsupported decimals");
  if (c.spread < 0 || c.spread >= FX_ONE) OPT_FAIL("spread must be in [0, 1)");
  if (c.rate < 0 || c.rate > FX_ONE) OPT_FAIL("rate must be in [0, 1]");
  c.scale_exp = (u32)e;
  dvm_storage_set("cfg", 3, &c, sizeof c);
  return 0;
}

/* deposit(): quote and/or underlying attached; mints shares. */
DVM_ENTRY u64 deposit(const u8 *in, u64 len) {
  OPT_ARGS(len, 0);
  pool_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  u64 q = dvm_value_received(c.quote), u = dvm_value_received(c.underlying);
  if (q > OPT_I64_MAX / 4 || u > OPT_I64_MAX / 4) OPT_FAIL("amount out of range");
  fx S = spot(&c);
  if (!S) OPT_FAIL("no oracle price");
  u64 d = q + u_to_q(&c, u, S); /* the deposit's value, ROUNDED DOWN */
  if (d == 0) OPT_FAIL("nothing deposited");
  u64 total = opt_get_u64("shares", 6), minted;
  if (total == 0) {
    minted = d;
  } else {
    u64 v = marked_value(&c, S, q, u);
    if (v == 0) OPT_FAIL("pool value is zero");
    minted = opt_mul_div(d, total, v, DVM_ROUND_FLOOR); /* shares ROUNDED DOWN */
  }
  if (minted == 0) OPT_FAIL("deposit too small for one share");
  if (total + minted > OPT_I64_MAX) OPT_FAIL("share supply limit");
  dvm_address who;
  dvm_caller(&who);
  u8 k[33];
  holder_key(k, &who);
  opt_put_u64(k, 33, opt_get_u64(k, 33) + minted);
  opt_put_u64("shares", 6, total + minted);
  u8 ev[56];
  opt_copy(ev, &who, 32);
  opt_st64(ev + 32, q);
  opt_st64(ev + 40, u);
  opt_st64(ev + 48, minted);
  OPT_EVENT("Deposit", ev, 56);
  u8 out[8];
  opt_st64(out, minted);
  dvm_return(out, 8);
  return 0;
}

/* withdraw(shares u64): pays shares/total of the marked value, ROUNDED
 * DOWN, in free quote first, then free underlying (ROUNDED DOWN). */
DVM_ENTRY u64 withdraw(const u8 *in, u64 len) {
  OPT_ARGS(len, 8);
  u64 sh = opt_ld64(in);
  pool_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  dvm_address who, self;
  dvm_caller(&who);
  dvm_self(&self);
  u8 k[33];
  holder_key(k, &who);
  u64 held = opt_get_u64(k, 33), total = opt_get_u64("shares", 6);
  if (sh == 0 || sh > held) OPT_FAIL("not enough shares");
  fx S = spot(&c);
  if (!S) OPT_FAIL("no oracle price");
  u64 v = marked_value(&c, S, 0, 0);
  u64 x = v ? opt_mul_div(sh, v, total, DVM_ROUND_FLOOR) : 0;
  u64 fq = dvm_balance(&self, c.quote), fu = dvm_balance(&self, c.underlying);
  u64 pq = x < fq ? x : fq;
  u64 pu = x > pq ? opt_mul_div(x - pq, (u64)opt_pow10(c.scale_exp), (u64)S, DVM_ROUND_FLOOR) : 0;
  if (pu > fu) OPT_FAIL("free liquidity too small: assets are locked as collateral");
  opt_put_u64(k, 33, held - sh);
  opt_put_u64("shares", 6, total - sh);
  if (pq && dvm_transfer(c.quote, &who, pq)) OPT_FAIL("transfer failed");
  if (pu && dvm_transfer(c.underlying, &who, pu)) OPT_FAIL("transfer failed");
  u8 ev[56];
  opt_copy(ev, &who, 32);
  opt_st64(ev + 32, sh);
  opt_st64(ev + 40, pq);
  opt_st64(ev + 48, pu);
  OPT_EVENT("Withdraw", ev, 56);
  u8 out[16];
  opt_st64(out, pq);
  opt_st64(out + 8, pu);
  dvm_return(out, 16);
  return 0;
}

/* quote(series u64, amount u64) -> bid u64, ask u64, delta fx, gamma fx,
 * vega fx, theta fx (read-only). */
DVM_ENTRY u64 quote(const u8 *in, u64 len) {
  OPT_ARGS(len, 16);
  pool_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  opt_series s;
  pool_quote q;
  const char *why = quote_series(&c, opt_ld64(in), opt_ld64(in + 8), &s, &q);
  if (why) OPT_FAILS(why);
  u8 o[48];
  opt_st64(o, q.bid);
  opt_st64(o + 8, q.ask);
  opt_st64(o + 16, (u64)q.delta);
  opt_st64(o + 24, (u64)q.gamma);
  opt_st64(o + 32, (u64)q.vega);
  opt_st64(o + 40, (u64)q.theta);
  dvm_return(o, 48);
  return 0;
}

DVM_LOCAL void book_touch(u64 id) {
  u8 k[9];
  u64 v;
  book_key(k, id);
  if (dvm_storage_get(k, 9, &v, 8) != 8) {
    v = 0;
    dvm_storage_set(k, 9, &v, 8);
  }
}

/* buy(series u64, amount u64, max_premium u64): the caller buys `amount`
 * from the pool at the ask; the premium (quote) is attached. */
DVM_ENTRY u64 buy(const u8 *in, u64 len) {
  OPT_ARGS(len, 24);
  u64 id = opt_ld64(in), amount = opt_ld64(in + 8), maxp = opt_ld64(in + 16);
  pool_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  opt_series s;
  pool_quote q;
  const char *why = quote_series(&c, id, amount, &s, &q);
  if (why) OPT_FAILS(why);
  if (q.ask > maxp) OPT_FAIL("premium above max_premium");
  u64 got = dvm_value_received(c.quote);
  if (got < q.ask) OPT_FAIL("too little premium attached");
  dvm_address who, self;
  dvm_caller(&who);
  dvm_self(&self);
  /* Full collateral from the pool's FREE assets: what it held before this
   * call (the premium just attached is not counted). */
  u32 asset = s.is_put ? c.quote : c.underlying;
  u64 need = s.is_put ? opt_mul_div(amount, (u64)s.strike, (u64)opt_pow10(c.scale_exp), DVM_ROUND_CEIL) : amount;
  u64 free = dvm_balance(&self, asset) - (s.is_put ? got : 0);
  if (need > free) OPT_FAIL("sale beyond the pool's free liquidity");
  if (got > q.ask && dvm_transfer(c.quote, &who, got - q.ask)) OPT_FAIL("refund failed");
  u8 wi[48];
  opt_st64(wi, id);
  opt_st64(wi + 8, amount);
  opt_attach att = {{asset, 0}, {need, 0}};
  if (OPT_CALL(&c.options, "write", wi, 16, &att)) OPT_FAIL("write failed");
  opt_st64(wi, id);
  opt_copy(wi + 8, &who, 32);
  opt_st64(wi + 40, amount);
  if (OPT_CALL(&c.options, "transfer", wi, 48, 0)) OPT_FAIL("transfer failed");
  book_touch(id);
  u8 ev[56];
  opt_st64(ev, id);
  opt_copy(ev + 8, &who, 32);
  opt_st64(ev + 40, amount);
  opt_st64(ev + 48, q.ask);
  OPT_EVENT("Bought", ev, 56);
  u8 out[8];
  opt_st64(out, q.ask);
  dvm_return(out, 8);
  return 0;
}

/* sell(series u64, amount u64, min_premium u64): the caller sells `amount`
 * to the pool at the bid. The long must already have been moved to the
 * pool by options.transfer earlier in the same transaction. */
DVM_ENTRY u64 sell(const u8 *in, u64 len) {
  OPT_ARGS(len, 24);
  u64 id = opt_ld64(in), amount = opt_ld64(in + 8), minp = opt_ld64(in + 16);
  pool_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  opt_series s;
  pool_quote q;
  const char *why = quote_series(&c, id, amount, &s, &q);
  if (why) OPT_FAILS(why);
  if (q.bid < minp) OPT_FAIL("premium below min_premium");
  dvm_address who, self;
  dvm_caller(&who);
  dvm_self(&self);
  opt_pos p;
  if (!opt_get_pos(&c.options, id, &self, &p)) OPT_FAIL("position unavailable");
  u8 k[9];
  book_key(k, id);
  u64 held = opt_get_u64(k, 9);
  if (p.lng < held + amount) OPT_FAIL("long not transferred to the pool");
  if (q.bid > dvm_balance(&self, c.quote)) OPT_FAIL("purchase beyond the pool's free quote");
  dvm_storage_set(k, 9, &(u64){held + amount}, 8);
  if (q.bid && dvm_transfer(c.quote, &who, q.bid)) OPT_FAIL("transfer failed");
  u8 ev[56];
  opt_st64(ev, id);
  opt_copy(ev + 8, &who, 32);
  opt_st64(ev + 40, amount);
  opt_st64(ev + 48, q.bid);
  OPT_EVENT("Sold", ev, 56);
  u8 out[8];
  opt_st64(out, q.bid);
  dvm_return(out, 8);
  return 0;
}

/* settle(series u64): settles the series if needed, redeems the pool's
 * long, reclaims its collateral and closes its book entry. */
DVM_ENTRY u64 settle(const u8 *in, u64 len) {
  OPT_ARGS(len, 8);
  u64 id = opt_ld64(in);
  pool_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  u8 k[9];
  book_key(k, id);
  u64 v;
  if (dvm_storage_get(k, 9, &v, 8) != 8) OPT_FAIL("no pool position in this series");
  opt_series s;
  if (!opt_get_series(&c.options, id, &s)) OPT_FAIL("no such series");
  if (!s.settled && OPT_CALL_ID(&c.options, "settle", id)) OPT_FAIL("series cannot settle yet");
  dvm_address self;
  dvm_self(&self);
  opt_pos p;
  if (!opt_get_pos(&c.options, id, &self, &p)) OPT_FAIL("position unavailable");
  if (p.lng && OPT_CALL_ID(&c.options, "redeem", id)) OPT_FAIL("redeem failed");
  if (p.coll && OPT_CALL_ID(&c.options, "reclaim", id)) OPT_FAIL("reclaim failed");
  dvm_storage_del(k, 9);
  u8 ev[8];
  opt_st64(ev, id);
  OPT_EVENT("PoolSettled", ev, 8);
  return 0;
}
