/* cmd_demo_session.c — the market session of `dvm demo` (cmd_demo.h):
 * accounts funded from the dev accounts, the four contracts deployed with
 * their ABIs, market parameters and oracle prices by the authority, then a
 * block every `dt` simulated seconds: an oracle path (a seeded random walk
 * with a crash), market makers requoting the perpetual book in batches,
 * takers, leveraged longs, a keeper running funding and liquidations,
 * option writers, pool purchases, vault epochs, expiry and settlement.
 * Every decision reads the last committed state through views; all
 * randomness comes from the seed, and block times are simulated, so the
 * chain is the same on every run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "cmd_demo.h"

#define BTC_UNIT ((int64_t)1000000)  /* perp size units per BTC (1e-6 BTC) */
#define STEP 1000ull         /* perp order step: 0.001 BTC */
#define TICK (DEMO_FX / 2)   /* 0.5 USD */
#define USD(x) ((uint64_t)(x) * 1000000ull)
#define SAT(x) ((uint64_t)(x) * 100000000ull)
#define PERP_GAS 1500000ull
#define LIQ_GAS 8000000ull
#define OPT_GAS 3000000ull
#define MAX_LIVE 512

enum { TAG_NONE, TAG_MAKER, TAG_KEEPER, TAG_LEVER };

typedef struct live_order {
  uint64_t oid, remaining;
  int maker;
} live_order;

typedef struct session {
  const demo_session_opts *o;
  demo_point *pts;
  uint32_t k; /* current session block */
  int64_t price, prev_price;
  int admin, keeper, maker[3], taker[10], levered[3], writer[2], buyer[3], lp, vaulter[2];
  live_order live[MAX_LIVE];
  int nlive;
  uint64_t placed_size[3][DEMO_MAX_CALLS]; /* this block's maker batches: size per call (0 = cancel) */
  int64_t last_findex, premium_bp;
  uint64_t last_oi;
  uint64_t expiry, vault_expiry, vault_series;
  int settled, vault_rolled2;
  uint64_t bought[3][3]; /* buyer x series 1..2 */
} session;

static session S;

/* ---- receipts ---- */

static void on_event(demo *d, const char *ev, json_t *f) {
  demo_stats *st = &d->st;
  if (!strcmp(ev, "Fill")) {
    st->fills++;
    uint64_t sz = (uint64_t)demo_jint(f, "size");
    int64_t cash = demo_jint(f, "taker_cash");
    st->volume_size += sz;
    st->volume_quote += cash < 0 ? -cash : cash;
    if (demo_jint(f, "liquidation")) st->liq_fills++;
    uint64_t moid = (uint64_t)demo_jint(f, "maker_order");
    for (int i = 0; i < S.nlive; i++)
      if (S.live[i].oid == moid) {
        S.live[i].remaining = S.live[i].remaining > sz ? S.live[i].remaining - sz : 0;
        if (!S.live[i].remaining) S.live[i] = S.live[--S.nlive];
        break;
      }
  } else if (!strcmp(ev, "Cancel")) {
    uint64_t oid = (uint64_t)demo_jint(f, "order_id");
    for (int i = 0; i < S.nlive; i++)
      if (S.live[i].oid == oid) {
        S.live[i] = S.live[--S.nlive];
        break;
      }
  } else if (!strcmp(ev, "Funding")) {
    int64_t idx = demo_jfx(f, "index"), delta = idx - S.last_findex;
    st->fundings++;
    int64_t flow = (int64_t)(((__int128)(delta < 0 ? -delta : delta) * S.last_oi) / DEMO_FX);
    if (delta > 0) st->funding_longs_paid += flow;
    else st->funding_shorts_paid += flow;
    S.last_findex = idx;
  } else if (!strcmp(ev, "Liquidation")) {
    st->liquidations++;
    st->liq_size += (uint64_t)demo_jint(f, "size");
    st->insurance_draw += demo_jint(f, "insurance_draw");
    if (S.pts && S.k < S.o->blocks) S.pts[S.k].liqs++;
    const char *owner = json_string_value(json_object_get(f, "owner"));
    for (int i = 0; owner && i < d->nacct; i++)
      if (!strcmp(d->acct[i].hex, owner)) d->acct[i].liquidated++;
  } else if (!strcmp(ev, "Deleverage")) {
    st->deleverages++;
  } else if (!strcmp(ev, "Written")) {
    uint64_t s = (uint64_t)demo_jint(f, "series");
    if (s < DEMO_SERIES) st->written[s] += (uint64_t)demo_jint(f, "amount");
  } else if (!strcmp(ev, "Bought")) {
    st->bought += (uint64_t)demo_jint(f, "amount");
    st->bought_premium += (uint64_t)demo_jint(f, "premium");
  } else if (!strcmp(ev, "Sold")) {
    st->sold_to_pool += (uint64_t)demo_jint(f, "amount");
    st->sold_premium += (uint64_t)demo_jint(f, "premium");
  } else if (!strcmp(ev, "Settled")) {
    uint64_t s = (uint64_t)demo_jint(f, "series");
    if (s < DEMO_SERIES) st->settle_price[s] = demo_jfx(f, "price");
  } else if (!strcmp(ev, "Redeemed")) {
    uint64_t s = (uint64_t)demo_jint(f, "series");
    if (s < DEMO_SERIES) st->redeemed_payout[s] += (uint64_t)demo_jint(f, "payout");
  } else if (!strcmp(ev, "Reclaimed")) {
    uint64_t s = (uint64_t)demo_jint(f, "series");
    if (s < DEMO_SERIES) st->reclaimed[s] += (uint64_t)demo_jint(f, "returned");
  } else if (!strcmp(ev, "Rolled")) {
    st->vault_rolls++;
    st->vault_series = (uint64_t)demo_jint(f, "series");
    if (!st->vault_first) st->vault_first = st->vault_series;
    st->vault_premium += (uint64_t)demo_jint(f, "premium");
  }
}

static void on_receipt(demo *d, const demo_pending *p, json_t *r) {
  json_t *calls = json_object_get(r, "calls"), *c, *l;
  size_t i, j;
  json_array_foreach(calls, i, c) {
    int ok = !strcmp(json_string_value(json_object_get(c, "status")), "ok");
    const char *m = json_string_value(json_object_get(c, "method"));
    if (p->tag == TAG_MAKER && ok && m && !strcmp(m, "place_order") && S.nlive < MAX_LIVE) {
      int mk = 0;
      while (mk < 3 && S.maker[mk] != p->acct) mk++;
      live_order *lo = &S.live[S.nlive++];
      lo->oid = (uint64_t)demo_jint(json_object_get(c, "decoded"), "order_id");
      lo->remaining = mk < 3 && i < DEMO_MAX_CALLS ? S.placed_size[mk][i] : 0;
      lo->maker = p->acct;
    }
    if (!ok && p->tag == TAG_LEVER) d->acct[p->acct].stopped = 1; /* at its margin limit: done buying */
    if (!ok) continue;
    json_array_foreach(json_object_get(c, "logs"), j, l) {
      const char *ev = json_string_value(json_object_get(l, "event"));
      if (ev) on_event(d, ev, json_object_get(l, "fields"));
    }
  }
}

/* ---- views ---- */

static void sweep_account(demo *d, int a) {
  json_t *v = demo_view(d, &d->perp, "account", json_pack("{s:s,s:i}", "owner", d->acct[a].hex, "sub", 0));
  demo_acct *x = &d->acct[a];
  x->size = x->entry = 0;
  if (!v) return;
  x->collateral = demo_jint(v, "collateral");
  x->equity = demo_jint(v, "equity");
  x->imr = demo_jint(v, "initial_requirement");
  x->mmr = demo_jint(v, "maintenance_requirement");
  const char *pos = json_string_value(json_object_get(v, "positions"));
  size_t n = pos ? strlen(pos) / 2 : 0;
  uint8_t buf[8 * 28];
  if (n <= sizeof buf && n % 28 == 0 && !dvm_hex_decode(pos, buf, n))
    for (size_t i = 0; i < n; i += 28)
      if (dvm_le_get32(buf + i) == DEMO_MARKET) {
        x->size = (int64_t)dvm_le_get64(buf + i + 4);
        x->entry = (int64_t)dvm_le_get64(buf + i + 12);
      }
  json_decref(v);
}

static void sweep(demo *d) {
  for (int a = 0; a < d->nacct; a++)
    if (d->acct[a].role == R_MAKER || d->acct[a].role == R_TAKER || d->acct[a].role == R_LEVERED) sweep_account(d, a);
}

static void record_point(demo *d) {
  json_t *v = demo_view(d, &d->perp, "market", json_pack("{s:i}", "market", DEMO_MARKET));
  if (!v) demo_die("the market view fails");
  demo_point *p = &S.pts[S.k];
  p->time = d->time;
  p->oracle = demo_jfx(v, "oracle_price");
  int64_t bid = demo_jfx(v, "best_bid"), ask = demo_jfx(v, "best_ask");
  p->mid = bid > 0 && ask > 0 ? (bid + ask) / 2 : p->oracle;
  p->rate = demo_jfx(v, "funding_rate");
  p->oi = (uint64_t)demo_jint(v, "open_interest");
  S.last_oi = p->oi;
  json_decref(v);
}

/* ---- behaviour ---- */

static int64_t round_tick(int64_t p) { return p / TICK * TICK; }
static uint64_t round_step(uint64_t s) { return s < STEP ? STEP : s / STEP * STEP; }
/* p x (1 + bp/10000) */
static int64_t bump(int64_t p, int64_t bp) { return p + p / 10000 * bp; }

static json_t *order(uint8_t side, int64_t price, uint64_t size, uint8_t kind, uint64_t cid) {
  char px[32];
  dvm_node_fx_format(price, px);
  return json_pack("{s:i,s:i,s:i,s:s,s:I,s:i,s:i,s:I}", "market", DEMO_MARKET, "sub", 0, "side", side, "price", px,
                   "size", (json_int_t)size, "kind", kind, "reduce_only", 0, "client_id", (json_int_t)cid);
}

static void next_price(demo *d) {
  uint32_t n = S.o->blocks, c0 = n * 55 / 100;
  S.prev_price = S.price;
  int64_t bp;
  if (S.k >= c0 && S.k < c0 + 4) bp = -700 - (int64_t)demo_rand(d, 200); /* the crash */
  else if (S.k >= c0 + 4 && S.k < c0 + 4 + n / 10) bp = (int64_t)demo_rand(d, 81) - 20; /* a bounce */
  else bp = (int64_t)demo_rand(d, 91) - 45; /* about 26 bp per block: 70% a year at 10 minutes */
  S.price = bump(S.price, bp);
}

/* The makers' view of fair value: the oracle times a premium that wanders
 * (the perp trading rich or cheap, which is what funding pays for), deep
 * negative in the crash. */
static void next_sentiment(demo *d) {
  uint32_t c0 = S.o->blocks * 55 / 100;
  if (S.k >= c0 && S.k < c0 + 4) S.premium_bp = -45;
  else S.premium_bp += (int64_t)demo_rand(d, 21) - 10 - S.premium_bp / 16;
  if (S.premium_bp > 40) S.premium_bp = 40;
  if (S.premium_bp < -45) S.premium_bp = -45;
}

static void makers(demo *d) {
  /* first every maker's cancels, then the new quotes: a block takes them in this order */
  for (int m = 0; m < 3; m++) {
    demo_batch b = {0};
    for (int i = 0; i < S.nlive; i++)
      if (S.live[i].maker == S.maker[m])
        demo_b_add(d, &b, &d->perp, "cancel", json_pack("{s:I}", "order_id", (json_int_t)S.live[i].oid), 0, 0, PERP_GAS);
    demo_b_send(d, &b, S.maker[m], TAG_NONE);
  }
  S.nlive = 0; /* every live order is being cancelled; the receipts add the new ones */
  for (int m = 0; m < 3; m++) {
    demo_batch b = {0};
    demo_acct *a = &d->acct[S.maker[m]];
    /* skewed against the inventory: 2 bp per BTC held, at most 4 */
    int64_t skew = (a->size * 2) / BTC_UNIT;
    skew = skew > 4 ? 4 : skew < -4 ? -4 : skew;
    int64_t mid = bump(S.price, S.premium_bp - skew);
    for (int lv = 0; lv < 4; lv++) {
      int64_t off = 5 + 8 * lv + (int64_t)demo_rand(d, 3);
      uint64_t sz = round_step((uint64_t)BTC_UNIT / 20 * (uint64_t)(1 + lv) + demo_rand(d, 50000));
      for (uint8_t side = 0; side < 2; side++) {
        S.placed_size[m][b.n] = sz;
        demo_b_add(d, &b, &d->perp, "place_order",
                   order(side, round_tick(bump(mid, side ? off : -off)) + (side ? TICK : 0), sz, 3, S.k), 0, 0, PERP_GAS);
      }
    }
    demo_b_send(d, &b, S.maker[m], TAG_MAKER);
  }
}

static void takers(demo *d) {
  uint32_t c0 = S.o->blocks * 55 / 100;
  int crash = S.k >= c0 && S.k < c0 + 6;
  for (int t = 0; t < 10; t++) {
    if (demo_rand(d, 100) >= 65) continue;
    demo_acct *a = &d->acct[S.taker[t]];
    uint64_t sz = round_step(5000 + demo_rand(d, 120000));
    int up = S.price >= S.prev_price;
    uint8_t side = demo_rand(d, 100) < (crash ? 85u : up ? 40u : 60u); /* 1 = sell */
    if (a->size > 2 * BTC_UNIT) side = 1;
    if (a->size < -2 * BTC_UNIT) side = 0;
    demo_batch b = {0};
    demo_b_add(d, &b, &d->perp, "place_order", order(side, round_tick(bump(S.price, side ? -120 : 120)), sz, 2, S.k), 0, 0,
               PERP_GAS);
    demo_b_send(d, &b, S.taker[t], TAG_NONE);
  }
}

static void levered(demo *d) {
  static const int lev[3] = {7, 8, 9};
  for (int i = 0; i < 3; i++) {
    demo_acct *a = &d->acct[S.levered[i]];
    int64_t target = (int64_t)(((__int128)a->deposited * lev[i] * DEMO_FX) / S.price); /* base units */
    if (a->liquidated || a->stopped || a->size >= target - (int64_t)STEP) continue;
    uint64_t sz = round_step((uint64_t)(target - a->size < BTC_UNIT / 4 ? target - a->size : BTC_UNIT / 4));
    demo_batch b = {0};
    demo_b_add(d, &b, &d->perp, "place_order", order(0, round_tick(bump(S.price, 100)), sz, 2, 1000 + S.k), 0, 0, PERP_GAS);
    demo_b_send(d, &b, S.levered[i], TAG_LEVER);
  }
}

static void keeper(demo *d) {
  demo_batch b = {0};
  for (int a = 0; a < d->nacct; a++) {
    demo_acct *x = &d->acct[a];
    if (x->size && x->equity < x->mmr && b.n < 4)
      demo_b_add(d, &b, &d->perp, "liquidate", json_pack("{s:s,s:i,s:i}", "owner", x->hex, "sub", 0, "market", DEMO_MARKET),
                 0, 0, LIQ_GAS);
  }
  demo_b_add(d, &b, &d->perp, "update_funding", json_pack("{s:i}", "market", DEMO_MARKET), 0, 0, PERP_GAS);
  if (S.vault_series == 0 && S.k == 1) demo_b_add(d, &b, &d->vault, "roll", NULL, 0, 0, 4 * OPT_GAS);
  if (S.vault_series && !S.vault_rolled2 && d->time - 0 >= S.vault_expiry + S.o->dt) {
    demo_b_add(d, &b, &d->vault, "roll", NULL, 0, 0, 4 * OPT_GAS);
    demo_b_add(d, &b, &d->pool, "settle", json_pack("{s:I}", "series", (json_int_t)S.vault_series), 0, 0, 3 * OPT_GAS);
    S.vault_rolled2 = 1;
  }
  demo_b_send(d, &b, S.keeper, TAG_KEEPER);
}

static uint64_t put_collateral(uint64_t amount, int64_t strike) {
  /* ceil(amount x K / 10^11): BTC 8 decimals, USD 6 (spec/contracts/options.md §1) */
  __int128 x = (__int128)amount * strike;
  return (uint64_t)((x + 99999999999) / 100000000000);
}

static void options(demo *d, int64_t kcall, int64_t kput) {
  uint32_t n = S.o->blocks;
  if (S.k == 0) {
    demo_batch b = {0};
    demo_b_add(d, &b, &d->opt, "write", json_pack("{s:i,s:I}", "series", 1, "amount", (json_int_t)SAT(2)), DEMO_BTC, SAT(2),
               OPT_GAS);
    demo_b_add(d, &b, &d->opt, "transfer",
               json_pack("{s:i,s:s,s:I}", "series", 1, "to", d->pool.hex, "amount", (json_int_t)SAT(1) / 2), 0, 0, OPT_GAS);
    demo_b_add(d, &b, &d->pool, "sell", json_pack("{s:i,s:I,s:i}", "series", 1, "amount", (json_int_t)SAT(1) / 2, "min_premium", 0),
               0, 0, 3 * OPT_GAS);
    demo_b_send(d, &b, S.writer[0], TAG_NONE);
    demo_b_add(d, &b, &d->opt, "write", json_pack("{s:i,s:I}", "series", 2, "amount", (json_int_t)SAT(2)), DEMO_USD,
               put_collateral(SAT(2), kput), OPT_GAS);
    demo_b_send(d, &b, S.writer[1], TAG_NONE);
  }
  /* pool purchases until shortly before expiry */
  if (S.k >= 2 && d->time + 2 * S.o->dt < S.expiry)
    for (int i = 0; i < 3; i++) {
      if (demo_rand(d, 100) >= 8) continue;
      int series = 1 + (int)demo_rand(d, 2);
      uint64_t amt = (5 + demo_rand(d, 26)) * 1000000ull; /* 0.05 .. 0.30 BTC */
      demo_batch b = {0};
      demo_b_add(d, &b, &d->pool, "buy",
                 json_pack("{s:i,s:I,s:I}", "series", series, "amount", (json_int_t)amt, "max_premium", (json_int_t)USD(20000)),
                 DEMO_USD, USD(20000), 3 * OPT_GAS);
      demo_b_send(d, &b, S.buyer[i], TAG_NONE);
      S.bought[i][series] += amt;
    }
  /* settlement once a price published at or after expiry is committed */
  if (!S.settled && d->time >= S.expiry + S.o->dt) {
    S.settled = 1;
    demo_batch b = {0};
    for (int s = 1; s <= 2; s++) demo_b_add(d, &b, &d->opt, "settle", json_pack("{s:i}", "series", s), 0, 0, OPT_GAS);
    for (int s = 1; s <= 2; s++)
      demo_b_add(d, &b, &d->pool, "settle", json_pack("{s:i}", "series", s), 0, 0, 3 * OPT_GAS);
    demo_b_send(d, &b, S.admin, TAG_NONE);
    for (int i = 0; i < 3; i++) {
      for (int s = 1; s <= 2; s++)
        if (S.bought[i][s]) demo_b_add(d, &b, &d->opt, "redeem", json_pack("{s:i}", "series", s), 0, 0, OPT_GAS);
      demo_b_send(d, &b, S.buyer[i], TAG_NONE);
    }
    for (int w = 0; w < 2; w++) {
      if (w == 0) demo_b_add(d, &b, &d->opt, "redeem", json_pack("{s:i}", "series", 1), 0, 0, OPT_GAS);
      demo_b_add(d, &b, &d->opt, "reclaim", json_pack("{s:i}", "series", 1 + w), 0, 0, OPT_GAS);
      demo_b_send(d, &b, S.writer[w], TAG_NONE);
    }
  }
  (void)n;
  (void)kcall;
}

/* ---- setup ---- */

static void setup(demo *d, int64_t *kcall, int64_t *kput) {
  static const char *mk[] = {"maker1", "maker2", "maker3"}, *tk[] = {"taker1", "taker2", "taker3", "taker4", "taker5", "taker6", "taker7", "taker8", "taker9", "taker10"},
                    *lv[] = {"lever7x", "lever8x", "lever9x"}, *wr[] = {"writer1", "writer2"},
                    *by[] = {"buyer1", "buyer2", "buyer3"}, *vt[] = {"vaulter1", "vaulter2"};
  dvm_node_key k;
  uint32_t idx = 0;
  dvm_node_dev_key(0, &k);
  S.admin = demo_acct_add(d, "admin(dev0)", R_ADMIN, &k);
  dvm_node_dev_key(DVM_NODE_DEV_ORACLE, &k);
  demo_acct_add(d, "oracle", R_ORACLE, &k);
#define ADD(var, name, role) (demo_key_derive(S.o->seed, idx++, &k), var = demo_acct_add(d, name, role, &k))
  ADD(S.keeper, "keeper", R_KEEPER);
  for (int i = 0; i < 3; i++) ADD(S.maker[i], mk[i], R_MAKER);
  for (int i = 0; i < 10; i++) ADD(S.taker[i], tk[i], R_TAKER);
  for (int i = 0; i < 3; i++) ADD(S.levered[i], lv[i], R_LEVERED);
  for (int i = 0; i < 2; i++) ADD(S.writer[i], wr[i], R_WRITER);
  for (int i = 0; i < 3; i++) ADD(S.buyer[i], by[i], R_BUYER);
  ADD(S.lp, "pool-lp", R_LP);
  for (int i = 0; i < 2; i++) ADD(S.vaulter[i], vt[i], R_VAULT);
#undef ADD
  /* block 1: funding transfers, the four deploys, parameters, the first price */
  for (int a = 2; a < d->nacct; a++) {
    int r = d->acct[a].role;
    demo_transfer(d, S.admin, a, 0, 1000000000000ull); /* 1,000 GAS for fees */
    uint64_t usd = r == R_MAKER ? USD(2000000) : r == R_TAKER ? USD(150000) : r == R_LP ? USD(3000000)
                 : r == R_BUYER ? USD(200000) : r == R_WRITER ? USD(100000) : r == R_LEVERED ? USD(20000) : 0;
    uint64_t btc = r == R_LP ? SAT(40) : r == R_WRITER ? SAT(5) : r == R_VAULT ? SAT(10) : 0;
    if (usd) demo_transfer(d, S.admin, a, DEMO_USD, usd);
    if (btc) demo_transfer(d, S.admin, a, DEMO_BTC, btc);
  }
  uint32_t n = S.o->blocks, dt = S.o->dt;
  uint64_t session_start = d->time + 2 * 60 + dt;
  S.expiry = session_start + (uint64_t)(n * 9 / 10) * dt;
  uint64_t epoch = (uint64_t)(n * 4 / 10) * dt;
  demo_deploy(d, S.admin, &d->perp, NULL);
  demo_deploy(d, S.admin, &d->opt, NULL);
  demo_deploy(d, S.admin, &d->pool,
              json_pack("{s:s,s:i,s:i,s:i,s:s,s:s}", "options", d->opt.hex, "feed", DEMO_FEED, "underlying", DEMO_BTC,
                        "quote", DEMO_USD, "spread", "0.02", "rate", "0.05"));
  demo_deploy(d, S.admin, &d->vault,
              json_pack("{s:s,s:s,s:i,s:i,s:i,s:I}", "options", d->opt.hex, "pool", d->pool.hex, "feed", DEMO_FEED,
                        "underlying", DEMO_BTC, "quote", DEMO_USD, "epoch", (json_int_t)epoch));
  uint8_t key[64], val[96];
  dvm_le_put32(val, DEMO_USD);
  demo_param(d, (const uint8_t *)"perp/quote", 10, val, 4);
  memcpy(key, "perp/m", 6);
  key[6] = key[7] = key[8] = 0;
  key[9] = DEMO_MARKET;
  uint64_t interval = (uint64_t)n * dt / 12;
  uint64_t mf[12] = {DEMO_FEED, (uint64_t)TICK, STEP, 100000000 /* imf 10% */, 50000000 /* mmf 5% */,
                     200000 /* maker 0.02% */, 500000 /* taker 0.05% */, interval < 600 ? 600 : interval,
                     5000000 /* clamp 0.5% */, 10000000 /* penalty 1% */, 1000000000000ull, USD(5000)};
  for (int i = 0; i < 12; i++) dvm_le_put64(val + 8 * i, mf[i]);
  demo_param(d, key, 10, val, 96);
  memcpy(key, "iv", 2);
  memcpy(key + 2, d->pool.addr, 32);
  dvm_le_put64(val, 700000000); /* 70% for every series */
  demo_param(d, key, 34, val, 8);
  memcpy(key, "vstrike", 7);
  memcpy(key + 7, d->vault.addr, 32);
  dvm_le_put64(val, (uint64_t)(S.price / 100 * 103 / DEMO_FX * DEMO_FX)); /* 3% out of the money */
  demo_param(d, key, 39, val, 8);
  d->time += 60; /* published at its block's time */
  demo_oracle(d, S.price);
  d->time -= 60;
  demo_mine(d, 60, on_receipt);
  /* block 2: deposits, option series */
  demo_batch b = {0};
  for (int a = 2; a < d->nacct; a++) {
    demo_acct *x = &d->acct[a];
    uint64_t dep = x->role == R_MAKER ? USD(1500000) : x->role == R_TAKER ? USD(100000) : 0;
    if (x->role == R_LEVERED) dep = USD(10000 - 2000 * (a - S.levered[0]));
    if (dep) {
      demo_b_add(d, &b, &d->perp, "deposit", json_pack("{s:i}", "sub", 0), DEMO_USD, dep, PERP_GAS);
      x->deposited = (int64_t)dep;
      demo_b_send(d, &b, a, TAG_NONE);
    }
  }
  demo_b_add(d, &b, &d->pool, "deposit", NULL, DEMO_USD, USD(2500000), OPT_GAS);
  demo_b_add(d, &b, &d->pool, "deposit", NULL, DEMO_BTC, SAT(30), OPT_GAS);
  demo_b_send(d, &b, S.lp, TAG_NONE);
  for (int i = 0; i < 2; i++) {
    demo_b_add(d, &b, &d->vault, "deposit", NULL, DEMO_BTC, SAT(6 - 2 * i), OPT_GAS);
    demo_b_send(d, &b, S.vaulter[i], TAG_NONE);
  }
  *kcall = S.price / 100 * 102 / DEMO_FX * DEMO_FX;
  *kput = S.price / 100 * 96 / DEMO_FX * DEMO_FX;
  char kc[32], kp[32];
  dvm_node_fx_format(*kcall, kc);
  dvm_node_fx_format(*kput, kp);
  demo_b_add(d, &b, &d->opt, "create_series",
             json_pack("{s:i,s:i,s:i,s:s,s:I,s:i}", "feed", DEMO_FEED, "underlying", DEMO_BTC, "quote", DEMO_USD, "strike", kc,
                       "expiry", (json_int_t)S.expiry, "is_put", 0),
             0, 0, OPT_GAS);
  demo_b_add(d, &b, &d->opt, "create_series",
             json_pack("{s:i,s:i,s:i,s:s,s:I,s:i}", "feed", DEMO_FEED, "underlying", DEMO_BTC, "quote", DEMO_USD, "strike", kp,
                       "expiry", (json_int_t)S.expiry, "is_put", 1),
             0, 0, OPT_GAS);
  demo_b_send(d, &b, S.admin, TAG_NONE);
  demo_mine(d, 60, on_receipt);
  (void)session_start;
}

void demo_session(demo *d, const demo_session_opts *o, demo_point *points) {
  memset(&S, 0, sizeof S);
  S.o = o;
  S.price = 30000 * DEMO_FX;
  S.prev_price = S.price;
  d->rng = o->seed * 0x9e3779b97f4a7c15ull + 1;
  d->perp.name = "perp";
  d->opt.name = "options";
  d->pool.name = "option_pool";
  d->vault.name = "vault";
  int64_t kcall, kput;
  setup(d, &kcall, &kput);
  S.pts = NULL;
  sweep(d);
  for (S.k = 0; S.k < o->blocks; S.k++) {
    uint64_t t = d->time + o->dt; /* this block's time: decisions see it as "now" */
    uint64_t saved = d->time;
    d->time = t;
    next_price(d);
    next_sentiment(d);
    keeper(d);
    demo_oracle(d, S.price);
    makers(d);
    takers(d);
    if (S.k >= 2) levered(d);
    options(d, kcall, kput);
    d->time = saved;
    S.pts = points;
    demo_mine(d, o->dt, on_receipt);
    if (!S.vault_series && d->st.vault_series) {
      S.vault_series = d->st.vault_series;
      S.vault_expiry = d->time + (uint64_t)(o->blocks * 4 / 10) * o->dt;
    }
    record_point(d);
    sweep(d);
    if (d->verbose && S.k % 10 == 0)
      fprintf(stderr, "block %u: price %" PRId64 " oi %" PRIu64 " live %d fills %" PRIu64 "\n", S.k, S.price / DEMO_FX,
              points[S.k].oi, S.nlive, d->st.fills);
  }
}
