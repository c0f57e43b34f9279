/* vault.c — a covered-call vault over the options contract and the
 * option_pool. Normative description: spec/contracts/vault.md; ABI:
 * vault.abi.json.
 *
 * Users deposit underlying for shares. roll() (anyone, once an epoch is
 * over) settles the current series, collects the payout of any long the
 * vault kept and reclaims its collateral; then it writes calls on all its
 * free underlying at the strike set by an authority (market parameter
 * "vstrike" || vault), sells them to the pool at its bid and starts the
 * next epoch. Shares are worth the vault's value in underlying base units;
 * rounding favours the vault (shares and payouts down, debts up). */
#include "../lib/opt_util.h"

/* "cfg" (84 bytes, written once by init). */
typedef struct vault_cfg {
  dvm_address options, pool;
  u32 feed, underlying, quote, scale_exp;
  u64 epoch; /* seconds from a roll to the next expiry */
} vault_cfg;

/* "cur": the series of the running epoch (absent between epochs). */

DVM_LOCAL int cfg_load(vault_cfg *c) { return opt_get("cfg", 3, c, sizeof *c); }

DVM_INLINE void holder_key(u8 k[33], const dvm_address *a) {
  k[0] = 'h';
  opt_copy(k + 1, a, 32);
}

DVM_LOCAL fx spot(const vault_cfg *c) {
  dvm_price p;
  if (dvm_oracle_price(c->feed, &p) || p.price <= 0) return 0;
  return p.price;
}

/* The vault's value in underlying base units at spot S: free underlying +
 * free quote / S (down) + for the running series: collateral - what the
 * short owes at the intrinsic value (up) + what the long held is worth
 * (down), at the settlement price once settled, else at S. */
DVM_LOCAL u64 vault_value(const vault_cfg *c, fx S, u64 less_u) {
  dvm_address self;
  dvm_self(&self);
  u64 e10 = (u64)opt_pow10(c->scale_exp);
  u64 q = dvm_balance(&self, c->quote);
  u64 v = dvm_balance(&self, c->underlying) - less_u + (q ? opt_mul_div(q, e10, (u64)S, DVM_ROUND_FLOOR) : 0);
  u64 id = opt_get_u64("cur", 3);
  opt_series s;
  opt_pos p;
  if (id && opt_get_series(&c->options, id, &s) && opt_get_pos(&c->options, id, &self, &p)) {
    fx px = s.settled ? s.settle_price : S;
    u64 owed = 0, lv = 0;
    if (px > s.strike) {
      owed = p.shrt ? opt_mul_div(p.shrt, (u64)(px - s.strike), (u64)px, DVM_ROUND_CEIL) : 0;
      lv = p.lng ? opt_mul_div(p.lng, (u64)(px - s.strike), (u64)px, DVM_ROUND_FLOOR) : 0;
    }
    v += lv + (p.coll > owed ? p.coll - owed : 0);
  }
  return v;
}

/* init(options address, pool address, feed u32, underlying u32, quote u32, epoch u64) */
DVM_ENTRY u64 init(const u8 *in, u64 len) {
  OPT_ARGS(len, 84);
  vault_cfg c;
  opt_copy(&c.options, in, 32);
  opt_copy(&c.pool, in + 32, 32);
  c.feed = opt_ld32(in + 64);
  c.underlying = opt_ld32(in + 68);
  c.quote = opt_ld32(in + 72);
  c.epoch = opt_ld64(in + 76);
  i64 e = opt_scale_exp(c.underlying, c.quote);
  if (e < 0) OPT_FAIL("unknown asset or unsupported decimals");
  if (c.epoch == 0) OPT_FAIL("epoch must be positive");
  c.scale_exp = (u32)e;
  dvm_storage_set("cfg", 3, &c, sizeof c);
  return 0;
}

/* deposit(): underlying attached; mints shares (ROUNDED DOWN). */
DVM_ENTRY u64 deposit(const u8 *in, u64 len) {
  OPT_ARGS(len, 0);
  vault_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  u64 u = dvm_value_received(c.underlying);
  if (u == 0) OPT_FAIL("nothing deposited");
  if (u > OPT_I64_MAX / 4) OPT_FAIL("amount out of range");
  u64 total = opt_get_u64("shares", 6), minted;
  if (total == 0) {
    minted = u;
  } else {
    fx S = spot(&c);
    if (!S) OPT_FAIL("no oracle price");
    u64 v = vault_value(&c, S, u);
    if (v == 0) OPT_FAIL("vault value is zero");
    minted = opt_mul_div(u, total, v, DVM_ROUND_FLOOR);
  }
  if (minted == 0) OPT_FAIL("deposit too small for one share");
  if (total + minted > OPT_I64_MAX) OPT_FAIL("share supply limit");
  dvm_address who;
  dvm_caller(&who);
  u8 k[33];
  holder_key(k, &who);
  opt_put_u64(k, 33, opt_get_u64(k, 33) + minted);
  opt_put_u64("shares", 6, total + minted);
  u8 ev[48];
  opt_copy(ev, &who, 32);
  opt_st64(ev + 32, u);
  opt_st64(ev + 40, minted);
  OPT_EVENT("Deposit", ev, 48);
  u8 out[8];
  opt_st64(out, minted);
  dvm_return(out, 8);
  return 0;
}

/* withdraw(shares u64): shares/total of the value (ROUNDED DOWN), paid in
 * free underlying first, then free quote at the spot (ROUNDED DOWN). */
DVM_ENTRY u64 withdraw(const u8 *in, u64 len) {
  OPT_ARGS(len, 8);
  u64 sh = opt_ld64(in);
  vault_cfg c;
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
  u64 v = vault_value(&c, S, 0);
  u64 x = v ? opt_mul_div(sh, v, total, DVM_ROUND_FLOOR) : 0;
  u64 fu = dvm_balance(&self, c.underlying), fq = dvm_balance(&self, c.quote);
  u64 pu = x < fu ? x : fu;
  u64 pq = x > pu ? opt_mul_div(x - pu, (u64)S, (u64)opt_pow10(c.scale_exp), DVM_ROUND_FLOOR) : 0;
  if (pq > fq) OPT_FAIL("free assets too small: collateral locked until the roll");
  opt_put_u64(k, 33, held - sh);
  opt_put_u64("shares", 6, total - sh);
  if (pu && dvm_transfer(c.underlying, &who, pu)) OPT_FAIL("transfer failed");
  if (pq && dvm_transfer(c.quote, &who, pq)) OPT_FAIL("transfer failed");
  u8 ev[56];
  opt_copy(ev, &who, 32);
  opt_st64(ev + 32, sh);
  opt_st64(ev + 40, pu);
  opt_st64(ev + 48, pq);
  OPT_EVENT("Withdraw", ev, 56);
  u8 out[16];
  opt_st64(out, pu);
  opt_st64(out + 8, pq);
  dvm_return(out, 16);
  return 0;
}

/* Close the running epoch: settle (if not yet), redeem the long kept,
 * reclaim the collateral. 0, or a message. */
DVM_LOCAL const char *close_epoch(const vault_cfg *c, u64 id) {
  opt_series s;
  opt_pos p;
  dvm_address self;
  dvm_self(&self);
  if (!opt_get_series(&c->options, id, &s)) return "series unavailable";
  if (dvm_block_time() < s.expiry) return "epoch not over";
  if (!s.settled && OPT_CALL_ID(&c->options, "settle", id)) return "series cannot settle yet";
  if (!opt_get_pos(&c->options, id, &self, &p)) return "position unavailable";
  if (p.lng && OPT_CALL_ID(&c->options, "redeem", id)) return "redeem failed";
  if (p.coll && OPT_CALL_ID(&c->options, "reclaim", id)) return "reclaim failed";
  dvm_storage_del("cur", 3);
  return 0;
}

/* The next series: create it (or find it when it exists already). */
DVM_LOCAL u64 next_series(const vault_cfg *c, fx strike, u64 expiry) {
  u8 in[29];
  opt_st32(in, c->feed);
  opt_st32(in + 4, c->underlying);
  opt_st32(in + 8, c->quote);
  opt_st64(in + 12, (u64)strike);
  opt_st64(in + 20, expiry);
  in[28] = 0;
  u64 r = OPT_CALL(&c->options, "create_series", in, 29, 0);
  u8 out[24];
  u64 n = dvm_return_data(out, 24);
  if (r == 0 && n == 8) return opt_ld64(out);
  if (DVM_CALL_STATUS(r) == 1 && n == 24 && opt_eq(out, "duplicate series", 16)) return opt_ld64(out + 16);
  return 0;
}

/* roll(): close the epoch that is over, open the next. Returns (in r0) the
 * new series id, or 0 when the vault stays idle (no strike set, nothing
 * to write). */
DVM_ENTRY u64 roll(const u8 *in, u64 len) {
  OPT_ARGS(len, 0);
  vault_cfg c;
  if (!cfg_load(&c)) OPT_FAIL("not initialised");
  u64 cur = opt_get_u64("cur", 3);
  if (cur) {
    const char *why = close_epoch(&c, cur);
    if (why) {
      u64 n = 0;
      while (why[n]) n++;
      dvm_revert(why, n);
      return 1;
    }
  }
  dvm_address self;
  dvm_self(&self);
  u8 pk[39];
  fx strike = 0;
  opt_copy(pk, "vstrike", 7);
  opt_copy(pk + 7, &self, 32);
  if (dvm_param_get(pk, 39, &strike, 8) != 8 || strike <= 0) return 0;
  u64 amount = dvm_balance(&self, c.underlying);
  if (amount == 0) return 0;
  u64 expiry = dvm_block_time() + c.epoch;
  u64 id = next_series(&c, strike, expiry);
  if (!id) OPT_FAIL("cannot create the series");
  u8 wi[48];
  opt_st64(wi, id);
  opt_st64(wi + 8, amount);
  opt_attach att = {{c.underlying, 0}, {amount, 0}};
  if (OPT_CALL(&c.options, "write", wi, 16, &att)) OPT_FAIL("write failed");
  opt_put_u64("cur", 3, id);
  /* Sell to the pool at its bid when it quotes the series and holds the
   * quote to pay: move the long, then sell in the same transaction. */
  u8 qi[24], qo[48];
  opt_st64(qi, id);
  opt_st64(qi + 8, amount);
  u64 premium = 0;
  if (OPT_CALL(&c.pool, "quote", qi, 16, 0) == 0 && dvm_return_data(qo, 48) == 48) {
    u64 bid = opt_ld64(qo);
    if (bid > 0 && dvm_balance(&c.pool, c.quote) >= bid) {
      opt_st64(wi, id);
      opt_copy(wi + 8, &c.pool, 32);
      opt_st64(wi + 40, amount);
      if (OPT_CALL(&c.options, "transfer", wi, 48, 0)) OPT_FAIL("transfer to the pool failed");
      opt_st64(qi + 16, bid);
      if (OPT_CALL(&c.pool, "sell", qi, 24, 0)) OPT_FAIL("sale to the pool failed");
      premium = bid;
    }
  }
  u8 ev[32];
  opt_st64(ev, id);
  opt_st64(ev + 8, (u64)strike);
  opt_st64(ev + 16, amount);
  opt_st64(ev + 24, premium);
  OPT_EVENT("Rolled", ev, 32);
  return id;
}
