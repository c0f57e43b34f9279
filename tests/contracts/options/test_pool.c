/* test_pool.c — the option_pool and the vault on a real chain with the
 * options contract (spec/contracts/option_pool.md, vault.md): pool quotes
 * equal to the Black-Scholes reference plus the spread (the host's
 * dvm_fx_black_scholes bit for bit, and a double-precision formula within
 * 1e-6 of the price), buys that lock full collateral, sells against a
 * transfer in the same transaction, sales beyond free liquidity refused,
 * volatility set only by an authority, and two vault epochs with the
 * cross-contract calls carrying assets both ways. Asset conservation over
 * every account is checked after every block.
 * Usage: test_pool OPTIONS.dvm OPTION_POOL.dvm VAULT.dvm */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fx.h"
#include "opt_check.h"
#include "optkit.h"

static ok_chain o;
static uint8_t OPT[32], POOL[32], VAULT[32];
static const uint32_t FEED = 1;
static const int64_t SPREAD = 20000000, RATE = 50000000; /* 2%, 5% */
static uint64_t total0[3];
static uint8_t EXTRA[2][32]; /* the re-entry test's contracts */
static int nextra;

static uint64_t asset_total(uint32_t a) {
  uint8_t zero[32] = {0};
  uint64_t t = ok_bal(&o, zero, a) + ok_bal(&o, OPT, a) + ok_bal(&o, POOL, a) + ok_bal(&o, VAULT, a);
  for (int i = 0; i < OK_KEYS; i++) t += ok_bal(&o, o.k[i].pk, a);
  for (int i = 0; i < nextra; i++) t += ok_bal(&o, EXTRA[i], a);
  return t;
}
static void conserved(const char *where) {
  for (uint32_t a = 0; a < 3; a++)
    CHECK(asset_total(a) == total0[a], "%s: asset %u conserved (%" PRIu64 " vs %" PRIu64 ")", where, a, asset_total(a),
          total0[a]);
}

static void block(uint64_t time, uint8_t (*ids)[32]) {
  ok_block(&o, time, ids);
  conserved("block");
}

/* One call in a block at `time`; status, return data. */
static int run(int key, const uint8_t *c, const char *m, const ok_pack *p, uint32_t asset, uint64_t amount,
               uint64_t time, uint8_t *ret, uint32_t *n) {
  ok_call1(&o, key, c, m, p ? p->b : NULL, p ? p->n : 0, asset, amount);
  uint8_t id[1][32];
  block(time, id);
  ok_receipt r;
  ok_receipt_get(&o, id[0], &r);
  int st = r.r.calls[0].status;
  if (ret) memcpy(ret, r.r.calls[0].ret, r.r.calls[0].ret_len < 64 ? r.r.calls[0].ret_len : 64);
  if (n) *n = r.r.calls[0].ret_len;
  if (st != DVM_RT_CALL_OK && st != DVM_RT_CALL_REVERT)
    fprintf(stderr, "%s: status %u trap %s detail %d pc %u\n", m, st, dvm_vm_trap_name(r.r.calls[0].trap),
            r.r.calls[0].detail, r.r.calls[0].pc);
  ok_receipt_free(&r);
  return st;
}

static uint64_t create(int64_t strike, uint64_t expiry, uint8_t is_put) {
  ok_pack p = {{0}, 0};
  uint8_t ret[64];
  uint32_t n;
  pk_u32(&p, FEED);
  pk_u32(&p, OK_BTC);
  pk_u32(&p, OK_USD);
  pk_u64(&p, (uint64_t)strike);
  pk_u64(&p, expiry);
  pk_u8(&p, is_put);
  return run(1, OPT, "create_series", &p, 0, 0, o.time + 1, ret, &n) == DVM_RT_CALL_OK ? ld_u64(ret) : 0;
}

typedef struct quote {
  uint64_t bid, ask;
  int64_t delta, gamma, vega, theta;
} quote;
static int pool_quote(uint64_t series, uint64_t amount, quote *q) {
  ok_pack p = {{0}, 0};
  uint8_t out[48];
  uint32_t n = 0;
  pk_u64(&p, series);
  pk_u64(&p, amount);
  if (ok_view(&o, 1, POOL, "quote", p.b, p.n, out, 48, &n, NULL) != DVM_RT_CALL_OK || n != 48) return 0;
  q->bid = ld_u64(out);
  q->ask = ld_u64(out + 8);
  q->delta = (int64_t)ld_u64(out + 16);
  q->gamma = (int64_t)ld_u64(out + 24);
  q->vega = (int64_t)ld_u64(out + 32);
  q->theta = (int64_t)ld_u64(out + 40);
  return 1;
}

/* The reference: the same formula the pool documents, from the host's
 * fixed-point Black-Scholes (spec/contracts/option_pool.md §Quote). */
static quote reference(int64_t S, int64_t K, uint64_t expiry, uint64_t now, int64_t vol, int is_put, uint64_t amount,
                       int64_t *price) {
  int64_t T, half, p, bid, ask;
  uint64_t qb, qa;
  dvm_fx_mul_div((int64_t)(expiry - now), 1000000000, 31536000, 0, &T);
  dvm_fx_bs_in in = {S, K, T, vol, RATE};
  dvm_fx_bs_out out;
  if (dvm_fx_black_scholes(&in, &out)) abort();
  p = is_put ? out.put : out.call;
  dvm_fx_mul_div(p, SPREAD, 1000000000, 1, &half);
  bid = p > half ? p - half : 0;
  ask = p + half;
  dvm_fx_mul_div_u64(amount, (uint64_t)bid, 100000000000ull, 0, &qb);
  dvm_fx_mul_div_u64(amount, (uint64_t)ask, 100000000000ull, 1, &qa);
  *price = p;
  quote q = {qb, qa, is_put ? out.put_delta : out.call_delta, out.gamma, out.vega, is_put ? out.put_theta : out.call_theta};
  /* an independent double-precision Black-Scholes for the price */
  double s = S / 1e9, k = K / 1e9, t = T / 1e9, v = vol / 1e9, r = RATE / 1e9;
  double d1 = (log(s / k) + (r + v * v / 2) * t) / (v * sqrt(t)), d2 = d1 - v * sqrt(t);
  double nd1 = 0.5 * erfc(-d1 / sqrt(2)), nd2 = 0.5 * erfc(-d2 / sqrt(2));
  double c = s * nd1 - k * exp(-r * t) * nd2, pu = c - s + k * exp(-r * t);
  double want = is_put ? pu : c;
  CHECK(fabs(p / 1e9 - want) < 1e-6, "fixed-point price %.9f vs double %.9f", p / 1e9, want);
  return q;
}

static void iv_key(uint8_t k[42], uint64_t series) {
  k[0] = 'i';
  k[1] = 'v';
  memcpy(k + 2, POOL, 32);
  for (int i = 0; i < 8; i++) k[34 + i] = (uint8_t)(series >> (56 - 8 * i));
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: test_pool OPTIONS.dvm OPTION_POOL.dvm VAULT.dvm\n");
    return 2;
  }
  ok_open(&o);
  for (uint32_t a = 0; a < 3; a++) total0[a] = asset_total(a);
  ok_deploy(&o, 1, argv[1], NULL, 0, OPT);
  ok_pack ip = {{0}, 0};
  pk_addr(&ip, OPT);
  pk_u32(&ip, FEED);
  pk_u32(&ip, OK_BTC);
  pk_u32(&ip, OK_USD);
  pk_u64(&ip, (uint64_t)SPREAD);
  pk_u64(&ip, (uint64_t)RATE);
  ok_deploy(&o, 1, argv[2], ip.b, ip.n, POOL);
  const uint64_t EPOCH = 7 * 86400;
  ok_pack vp = {{0}, 0};
  pk_addr(&vp, OPT);
  pk_addr(&vp, POOL);
  pk_u32(&vp, FEED);
  pk_u32(&vp, OK_BTC);
  pk_u32(&vp, OK_USD);
  pk_u64(&vp, EPOCH);
  ok_deploy(&o, 1, argv[3], vp.b, vp.n, VAULT);
  conserved("deploys");

  const int64_t S0 = 30000000000000, K32 = 32000000000000, K28 = 28000000000000, K33 = 33000000000000;
  const int64_t IV_CALL = 600000000, IV_DEFAULT = 800000000;
  uint64_t now = o.time + 1;
  ok_oracle(&o, FEED, S0, now);
  block(now, NULL);
  uint64_t expiry = now + 30 * 86400;
  uint64_t call = create(K32, expiry, 0), put = create(K28, expiry, 1);
  CHECK(call == 1 && put == 2, "series 1 (call 32,000) and 2 (put 28,000)");
  quote q;
  CHECK(!pool_quote(call, 100000000, &q), "no volatility: the series is not listed");
  uint8_t k42[42];
  iv_key(k42, call);
  ok_param(&o, 0, k42, 42, &IV_CALL, 8);
  ok_param(&o, 0, k42, 34, &IV_DEFAULT, 8); /* the pool's default: "iv" || pool */
  block(o.time + 1, NULL);

  /* A non-authority cannot set the volatility: refused, the quote does not move. */
  {
    quote before, after;
    CHECK(pool_quote(call, 100000000, &before), "quote");
    int64_t evil = 5000000000;
    size_t at = ok_param(&o, 3, k42, 42, &evil, 8);
    uint8_t ids[1][32];
    block(o.time, ids);
    (void)at;
    ok_receipt r;
    ok_receipt_get(&o, ids[0], &r);
    CHECK(r.r.status == DVM_RT_CALL_FAILED && r.r.calls[0].detail == DVM_RT_F_NOT_AUTHORITY,
          "volatility from a non-authority refused");
    ok_receipt_free(&r);
    CHECK(pool_quote(call, 100000000, &after) && !memcmp(&before, &after, sizeof before), "quote unchanged");
  }

  /* LP deposit: 1,000,000 USD (10^12) + 10 BTC (10^9) at 30,000:
   * value = 10^12 + 10^9 x 30,000 x 10^9 / 10^11 = 1.3 x 10^12 shares. */
  {
    ok_call dep = {POOL, "deposit", NULL, 0, {OK_USD, OK_BTC}, {1000000000000ull, 1000000000ull}, 0};
    ok_calls(&o, 2, &dep, 1);
    uint8_t ids[1][32];
    block(o.time, ids);
    ok_receipt r;
    ok_receipt_get(&o, ids[0], &r);
    CHECK(r.r.calls[0].status == DVM_RT_CALL_OK && r.r.calls[0].ret_len == 8 &&
              ld_u64(r.r.calls[0].ret) == 1300000000000ull,
          "first deposit mints 1.3e12 shares");
    ok_receipt_free(&r);
  }

  /* Quotes equal the reference (1 BTC each) */
  int64_t pcall, pput;
  quote rc = reference(S0, K32, expiry, o.time, IV_CALL, 0, 100000000, &pcall);
  quote rp = reference(S0, K28, expiry, o.time, IV_DEFAULT, 1, 100000000, &pput);
  CHECK(pool_quote(call, 100000000, &q) && !memcmp(&q, &rc, sizeof q),
        "call quote = Black-Scholes %.9f -/+ 2%%: bid %" PRIu64 " ask %" PRIu64 " (want %" PRIu64 " %" PRIu64 ")",
        pcall / 1e9, q.bid, q.ask, rc.bid, rc.ask);
  CHECK(pool_quote(put, 100000000, &q) && !memcmp(&q, &rp, sizeof q),
        "put quote (default volatility) = reference: bid %" PRIu64 " ask %" PRIu64 " (want %" PRIu64 " %" PRIu64 ")",
        q.bid, q.ask, rp.bid, rp.ask);
  CHECK(rc.bid < rc.ask && rc.delta > 0 && rp.delta < 0 && rc.gamma > 0 && rc.vega > 0 && rc.theta < 0,
        "greeks have their signs");

  /* Buy 0.5 BTC of the call at the ask (same block time as the quote):
   * attach ask + 1,000; 1,000 comes back; the pool locks 5 x 10^7 BTC. */
  uint64_t half = 50000000;
  quote qh = reference(S0, K32, expiry, o.time, IV_CALL, 0, half, &pcall);
  uint64_t usd3 = ok_bal(&o, o.k[3].pk, OK_USD), pbtc = ok_bal(&o, POOL, OK_BTC);
  {
    ok_pack p = {{0}, 0};
    uint8_t ret[64];
    uint32_t n;
    pk_u64(&p, call);
    pk_u64(&p, half);
    pk_u64(&p, qh.ask - 1);
    int st = run(3, POOL, "buy", &p, OK_USD, qh.ask + 1000, o.time, ret, &n);
    CHECK(st == DVM_RT_CALL_REVERT && n >= 25 && !memcmp(ret, "premium above max_premium", 25), "max_premium enforced");
    p.n = 16;
    pk_u64(&p, qh.ask);
    st = run(3, POOL, "buy", &p, OK_USD, qh.ask + 1000, o.time, ret, &n);
    CHECK(st == DVM_RT_CALL_OK && n == 8 && ld_u64(ret) == qh.ask, "buy at the ask %" PRIu64, qh.ask);
  }
  CHECK(usd3 - ok_bal(&o, o.k[3].pk, OK_USD) == qh.ask, "buyer paid exactly the ask");
  CHECK(pbtc - ok_bal(&o, POOL, OK_BTC) == half, "pool locked 0.5 BTC of collateral");

  /* Sell 0.2 BTC back: options.transfer to the pool, then pool.sell, in one transaction. */
  uint64_t fifth = 20000000;
  quote qf = reference(S0, K32, expiry, o.time, IV_CALL, 0, fifth, &pcall);
  {
    ok_pack t = {{0}, 0}, s = {{0}, 0};
    pk_u64(&t, call);
    pk_addr(&t, POOL);
    pk_u64(&t, fifth);
    pk_u64(&s, call);
    pk_u64(&s, fifth);
    pk_u64(&s, qf.bid);
    /* first without the transfer: refused */
    uint8_t ret[64];
    uint32_t n;
    int st = run(3, POOL, "sell", &s, 0, 0, o.time, ret, &n);
    CHECK(st == DVM_RT_CALL_REVERT && n >= 32 && !memcmp(ret, "long not transferred to the pool", 32),
          "sell without the long refused");
    usd3 = ok_bal(&o, o.k[3].pk, OK_USD);
    ok_call b[2] = {{OPT, "transfer", t.b, t.n, {0, 0}, {0, 0}, 0}, {POOL, "sell", s.b, s.n, {0, 0}, {0, 0}, 0}};
    ok_calls(&o, 3, b, 2);
    uint8_t ids[1][32];
    block(o.time, ids);
    ok_receipt r;
    ok_receipt_get(&o, ids[0], &r);
    CHECK(r.r.status == DVM_RT_CALL_OK && r.r.calls[1].ret_len == 8 && ld_u64(r.r.calls[1].ret) == qf.bid,
          "sold at the bid %" PRIu64, qf.bid);
    ok_receipt_free(&r);
    CHECK(ok_bal(&o, o.k[3].pk, OK_USD) - usd3 == qf.bid, "seller received exactly the bid");
  }

  /* A sale beyond the pool's free liquidity: 40 BTC of the put needs
   * 40 x 28,000 = 1.12 x 10^12 USD of collateral; the pool has less. */
  {
    ok_pack p = {{0}, 0};
    uint8_t ret[64];
    uint32_t n;
    quote big;
    pool_quote(put, 4000000000ull, &big);
    pk_u64(&p, put);
    pk_u64(&p, 4000000000ull);
    pk_u64(&p, big.ask);
    uint64_t pu = ok_bal(&o, POOL, OK_USD), u3 = ok_bal(&o, o.k[3].pk, OK_USD);
    int st = run(3, POOL, "buy", &p, OK_USD, big.ask, o.time, ret, &n);
    CHECK(st == DVM_RT_CALL_REVERT && n >= 37 && !memcmp(ret, "sale beyond the pool's free liquidity", 37),
          "sale beyond free liquidity refused");
    CHECK(ok_bal(&o, POOL, OK_USD) == pu && ok_bal(&o, o.k[3].pk, OK_USD) == u3, "nothing moved");
  }

  /* ---- vault: deposit 2 BTC, strike 33,000, roll ---- */
  {
    ok_call dep = {VAULT, "deposit", NULL, 0, {OK_BTC, 0}, {200000000, 0}, 0};
    ok_calls(&o, 4, &dep, 1);
    block(o.time, NULL);
    uint8_t pk[39];
    memcpy(pk, "vstrike", 7);
    memcpy(pk + 7, VAULT, 32);
    ok_param(&o, 0, pk, 39, &K33, 8);
    block(o.time + 1, NULL);
  }
  uint64_t roll_time = o.time + 1, vexp = roll_time + EPOCH;
  quote qv = reference(S0, K33, vexp, roll_time, IV_DEFAULT, 0, 200000000, &pcall);
  uint64_t pool_usd = ok_bal(&o, POOL, OK_USD);
  {
    ok_call r1 = {VAULT, "roll", NULL, 0, {0, 0}, {0, 0}, 5000000};
    ok_calls(&o, 5, &r1, 1);
    uint8_t ids[1][32];
    block(roll_time, ids);
    ok_receipt r;
    ok_receipt_get(&o, ids[0], &r);
    CHECK(r.r.calls[0].status == DVM_RT_CALL_OK && r.r.calls[0].r0 == 3, "roll opened series 3 (status %u r0 %" PRIu64 ")",
          r.r.calls[0].status, r.r.calls[0].r0);
    ok_receipt_free(&r);
  }
  CHECK(ok_bal(&o, VAULT, OK_USD) == qv.bid && pool_usd - ok_bal(&o, POOL, OK_USD) == qv.bid,
        "vault sold 2 BTC of 33,000 calls to the pool at its bid %" PRIu64 " (got %" PRIu64 ")", qv.bid,
        ok_bal(&o, VAULT, OK_USD));
  CHECK(ok_bal(&o, VAULT, OK_BTC) == 0 && ok_bal(&o, OPT, OK_BTC) == half + 200000000, "all 2 BTC locked in options");
  {
    uint8_t ret[64];
    uint32_t n;
    int st = run(5, VAULT, "roll", NULL, 0, 0, o.time + 1, ret, &n);
    CHECK(st == DVM_RT_CALL_REVERT && n == 14 && !memcmp(ret, "epoch not over", 14), "roll before expiry refused");
  }
  /* expiry: 35,000. Roll closes: owed = ceil(2e8 x 2,000 / 35,000) =
   * ceil(11,428,571.43) = 11,428,572; reclaim 188,571,428, written again
   * in the next epoch. */
  ok_oracle(&o, FEED, 35000000000000, vexp);
  block(vexp + 1, NULL);
  uint64_t vault_usd = ok_bal(&o, VAULT, OK_USD);
  {
    ok_call r1 = {VAULT, "roll", NULL, 0, {0, 0}, {0, 0}, 5000000};
    ok_calls(&o, 6, &r1, 1);
    uint8_t ids[1][32];
    block(o.time, ids);
    ok_receipt r;
    ok_receipt_get(&o, ids[0], &r);
    CHECK(r.r.calls[0].status == DVM_RT_CALL_OK && r.r.calls[0].r0 == 4, "second roll: closed 3, opened 4 (r0 %" PRIu64 ")",
          r.r.calls[0].r0);
    ok_receipt_free(&r);
  }
  {
    ok_pack p = {{0}, 0};
    uint8_t out[24];
    uint32_t n;
    pk_u64(&p, 4);
    pk_addr(&p, VAULT);
    ok_view(&o, 1, OPT, "position", p.b, p.n, out, 24, &n, NULL);
    CHECK(ld_u64(out + 8) == 188571428 && ld_u64(out + 16) == 188571428, "epoch 2 writes the 188,571,428 reclaimed");
    CHECK(ok_bal(&o, VAULT, OK_USD) > vault_usd, "and sells them for more premium");
  }
  /* The pool settles series 3: its 2e8 long pays floor(2e8 x 2,000 / 35,000) = 11,428,571 BTC. */
  uint64_t pb = ok_bal(&o, POOL, OK_BTC);
  {
    ok_pack p = {{0}, 0};
    pk_u64(&p, 3);
    CHECK(run(5, POOL, "settle", &p, 0, 0, o.time, NULL, NULL) == DVM_RT_CALL_OK, "pool settles series 3");
    CHECK(ok_bal(&o, POOL, OK_BTC) - pb == 11428571, "pool redeemed 11,428,571 (%" PRIu64 ")", ok_bal(&o, POOL, OK_BTC) - pb);
    CHECK(run(5, POOL, "settle", &p, 0, 0, o.time, NULL, NULL) == DVM_RT_CALL_REVERT, "pool settling twice refused");
  }
  /* LP withdraws 10% of the shares: paid in free quote */
  {
    ok_pack p = {{0}, 0};
    uint8_t ret[64];
    uint32_t n;
    pk_u64(&p, 130000000000ull);
    uint64_t u2 = ok_bal(&o, o.k[2].pk, OK_USD);
    int st = run(2, POOL, "withdraw", &p, 0, 0, o.time, ret, &n);
    CHECK(st == DVM_RT_CALL_OK && n == 16 && ld_u64(ret) > 0 && ld_u64(ret) == ok_bal(&o, o.k[2].pk, OK_USD) - u2,
          "LP withdrew %" PRIu64 " USD for 10%% of the shares", ld_u64(ret));
    /* 10% of a pool of about 1.3e12 is about 1.3e11 */
    CHECK(ld_u64(ret) > 120000000000ull && ld_u64(ret) < 140000000000ull, "about a tenth of the marked value");
  }
  /* vault withdraw: a small part from the quote premium (no free BTC) */
  {
    ok_pack p = {{0}, 0};
    uint8_t ret[64];
    uint32_t n;
    pk_u64(&p, 1000000);
    int st = run(4, VAULT, "withdraw", &p, 0, 0, o.time, ret, &n);
    CHECK(st == DVM_RT_CALL_OK && n == 16 && ld_u64(ret) == 0 && ld_u64(ret + 8) > 0, "vault withdraw paid in quote");
    p.n = 0;
    pk_u64(&p, 199000000);
    st = run(4, VAULT, "withdraw", &p, 0, 0, o.time, ret, &n);
    CHECK(st == DVM_RT_CALL_REVERT, "withdrawing locked collateral refused until the roll");
  }
  /* ---- re-entry: a vault whose pool calls back into it during sell ---- */
  if (argc > 4) {
    uint8_t *EVIL = EXTRA[0], *V2 = EXTRA[1];
    ok_deploy(&o, 1, argv[4], NULL, 0, EVIL);
    nextra = 1;
    ok_pack v2 = {{0}, 0};
    pk_addr(&v2, OPT);
    pk_addr(&v2, EVIL);
    pk_u32(&v2, FEED);
    pk_u32(&v2, OK_BTC);
    pk_u32(&v2, OK_USD);
    pk_u64(&v2, EPOCH);
    ok_deploy(&o, 1, argv[3], v2.b, v2.n, V2);
    nextra = 2;
    uint8_t pk[39];
    memcpy(pk, "vstrike", 7);
    memcpy(pk + 7, V2, 32);
    ok_param(&o, 0, pk, 39, &K33, 8);
    ok_call dep = {V2, "deposit", NULL, 0, {OK_BTC, 0}, {100000000, 0}, 0};
    ok_calls(&o, 4, &dep, 1);
    ok_transfer(&o, 5, EVIL, OK_USD, 1000); /* so that it can "pay" its bid of 1 */
    ok_oracle(&o, FEED, S0, o.time + 1);
    block(o.time + 1, NULL);
    uint8_t *nv;
    size_t nl;
    uint64_t n_before = 0;
    if (dvm_rt_chain_storage(o.c, OPT, (const uint8_t *)"n", 1, &nv, &nl) == 0) {
      n_before = ld_u64(nv);
      free(nv);
    }
    uint8_t ret[64];
    uint32_t n;
    int st = run(5, V2, "roll", NULL, 0, 0, o.time + 1, ret, &n);
    CHECK(st == DVM_RT_CALL_REVERT && n == 23 && !memcmp(ret, "sale to the pool failed", 23),
          "the pool's re-entry into the vault is refused: roll reverts (status %u)", st);
    uint64_t n_after = 0;
    if (dvm_rt_chain_storage(o.c, OPT, (const uint8_t *)"n", 1, &nv, &nl) == 0) {
      n_after = ld_u64(nv);
      free(nv);
    }
    CHECK(ok_bal(&o, V2, OK_BTC) == 100000000 && n_after == n_before &&
              dvm_rt_chain_storage(o.c, V2, (const uint8_t *)"cur", 3, &nv, &nl) == DVM_RT_ERR_NOTFOUND,
          "no trace: the vault keeps its 1 BTC, no series was created, no epoch started");
  }
  ok_close(&o);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
