/* test_perp_random.c — a randomized run (fixed seed) of the perp contract
 * on a real chain: orders of every kind, cancels, deposits, withdrawals,
 * oracle moves (a 50 % crash of market 1 in one block at 40 % of the run,
 * a 30 % jump of market 2 at 70 %), funding periods and liquidations, in
 * signed batch transactions. An independent model (perp_model.c) predicts
 * every call's status, order id and fills; after every block the test
 * checks, through the contract's views and balances:
 *   - every call's status and order id, every Fill event, field by field;
 *   - every subaccount (collateral, equity, IMR, MMR, positions) and every
 *     market (open interest, best bid/ask, funding index and rate, fees,
 *     funding pool, insurance fund) equal to the model;
 *   - total position per market 0, open interest = sum of longs;
 *   - the quote asset conserved to the base unit: the contract's balance =
 *     collateral + fees + funding pools + insurance fund = deposits -
 *     withdrawals;
 *   - no subaccount with positions below maintenance at the end of a block
 *     (a keeper liquidates every one the model finds, in the same block;
 *     liquidation always succeeds, so none is expected to remain);
 *   - no liquidation fill beyond the bankruptcy price;
 *   - funding sums to zero up to the named dust: fpool + exact unsettled
 *     payments is in [0, settlements) quote units.
 * Usage: test_perp_random PERP_DVM [OPS] [SEED]  (OPS default 100000; the
 * environment variable PERP_RANDOM_OPS overrides the default). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perp_model.h"
#include "perpkit.h"

#define NT 24 /* traders: keys 1..NT; key NT+1 is the keeper */
#define NTX 8 /* trader transactions per block */
#define OPS_PER_TX 40
#define ONE 1000000000ll
#define USD 1000000ll

static unsigned long passed, failed;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) passed++;                                    \
    else {                                                 \
      failed++;                                            \
      if (failed < 30) {                                   \
        fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
        fprintf(stderr, __VA_ARGS__);                      \
        fprintf(stderr, "\n");                             \
      }                                                    \
    }                                                      \
  } while (0)

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static int64_t urange(int64_t lo, int64_t hi) { return lo + (int64_t)(rnd() % (uint64_t)(hi - lo + 1)); }

enum { OP_DEP, OP_WD, OP_PLACE, OP_CANCEL, OP_FUND, OP_LIQ };

typedef struct expect {
  int op, status;
  uint64_t oid;
  pm_fill *fills;
  size_t nfills;
  pm_liq_info liq;
} expect;

static pk_env env;
static pm model;
static uint8_t pks[NT + 2][32];

static void record(expect *x, int op, int status, uint64_t oid) {
  x->op = op;
  x->status = status;
  x->oid = oid;
  x->nfills = status == 0 && (op == OP_PLACE || op == OP_LIQ) ? model.nfills : 0;
  x->fills = NULL;
  if (x->nfills) {
    x->fills = malloc(x->nfills * sizeof *x->fills);
    memcpy(x->fills, model.fills, x->nfills * sizeof *x->fills);
  }
  x->liq = model.liq;
}

/* One random trader operation: encoded into b, applied to the model. */
static void random_op(pk_batch *b, int t, expect *x) {
  int owner = t; /* model owner index = key index */
  int sub = rnd() % 10 < 7 ? 0 : 1;
  uint32_t mk = (uint32_t)urange(1, 2);
  pm_market *k = &model.m[mk - 1];
  int64_t tick = k->p.tick, base = k->oracle / tick * tick;
  uint64_t step = k->p.step * (mk == 2 ? 30 : 1); /* similar notionals in both markets */
  int r = (int)(rnd() % 100);
  int bias = t & 1; /* half the traders lean long, half short: leverage builds up */
  if (r < 45) { /* a resting limit (sometimes crossing), 10 % post-only */
    int side = rnd() % 10 < 7 ? bias : !bias;
    int64_t off = rnd() % 10 == 0 ? -urange(0, 5) : urange(1, 40);
    int64_t price = side == 0 ? base - off * tick : base + off * tick;
    uint64_t size = step * (uint64_t)urange(1, 5000);
    int kind = rnd() % 10 == 0 ? 3 : 0;
    uint64_t oid = 0;
    int st = pm_place(&model, owner, mk, sub, side, price, size, kind, 0, &oid);
    pk_b_place(b, &env, mk, (uint8_t)sub, (uint8_t)side, price, size, (uint8_t)kind, 0, rnd());
    record(x, OP_PLACE, st, oid);
  } else if (r < 75) { /* cancel one of the trader's orders, or a bad id */
    uint64_t oid = 0;
    if (rnd() % 20) {
      size_t n = 0;
      for (int i = 0; i < PM_MARKETS; i++)
        for (int d = 0; d < 2; d++)
          for (size_t j = 0; j < model.m[i].side[d].n; j++) n += model.m[i].side[d].o[j].owner == owner;
      if (n) {
        size_t pick = rnd() % n;
        for (int i = 0; i < PM_MARKETS && !oid; i++)
          for (int d = 0; d < 2 && !oid; d++)
            for (size_t j = 0; j < model.m[i].side[d].n; j++)
              if (model.m[i].side[d].o[j].owner == owner && pick-- == 0) {
                oid = model.m[i].side[d].o[j].oid;
                break;
              }
      }
    }
    if (!oid) { /* an order of someone else, or none */
      oid = (uint64_t)mk << 40 | (uint64_t)urange(1, (int64_t)k->next_seq + 5);
    }
    int st = pm_cancel(&model, owner, oid);
    pk_b_cancel(b, &env, oid);
    record(x, OP_CANCEL, st, 0);
  } else if (r < 85) { /* crossing: IOC or market */
    int side = rnd() % 10 < 7 ? bias : !bias;
    uint64_t size = step * (uint64_t)urange(1, 8000);
    int kind = rnd() % 3 == 0 ? 1 : 2;
    int64_t off = urange(0, 60);
    int64_t price = kind == 1 ? 0 : side == 0 ? base + off * tick : base - off * tick;
    if (price <= 0) price = tick;
    uint64_t oid = 0;
    int st = pm_place(&model, owner, mk, sub, side, price, size, kind, 0, &oid);
    pk_b_place(b, &env, mk, (uint8_t)sub, (uint8_t)side, price, size, (uint8_t)kind, 0, rnd());
    record(x, OP_PLACE, st, oid);
  } else if (r < 88) { /* reduce-only IOC, sometimes one step too big (flip: refused) */
    int64_t pos = pm_acct_of(&model, owner, sub)->p[mk - 1].size;
    int side = pos > 0 ? 1 : 0;
    uint64_t size = pos ? (uint64_t)(pos < 0 ? -pos : pos) : step;
    if (rnd() % 4 == 0) size += step;
    else if (size > step && rnd() % 2) size = size / step / 2 * step;
    int64_t price = side == 0 ? base + 50 * tick : base - 50 * tick;
    if (price <= 0) price = tick;
    uint64_t oid = 0;
    int st = pm_place(&model, owner, mk, sub, side, price, size, 2, 1, &oid);
    pk_b_place(b, &env, mk, (uint8_t)sub, (uint8_t)side, price, size, 2, 1, rnd());
    record(x, OP_PLACE, st, oid);
  } else if (r < 94) {
    uint64_t amount = (uint64_t)urange(200, 5000) * USD;
    int st = pm_deposit(&model, owner, sub, amount);
    pk_b_deposit(b, &env, (uint8_t)sub, amount);
    record(x, OP_DEP, st, 0);
  } else {
    int64_t c = pm_acct_of(&model, owner, sub)->coll;
    uint64_t amount = (uint64_t)urange(1, c > 2 ? c / 2 + 1 : 2);
    int st = pm_withdraw(&model, owner, sub, amount);
    pk_b_withdraw(b, &env, (uint8_t)sub, amount);
    record(x, OP_WD, st, 0);
  }
}

static int liquidatable(int owner, int sub, int *market) {
  pm_margin r;
  int64_t coll;
  pm_view(&model, owner, sub, &r, &coll);
  const pm_acct *a = &model.acct[owner * PM_SUBS + sub];
  int best = -1;
  uint64_t bn = 0;
  for (int i = 0; i < PM_MARKETS; i++) {
    uint64_t n = (uint64_t)(a->p[i].size < 0 ? -a->p[i].size : a->p[i].size);
    if (n && (best < 0 || n > bn)) {
      best = i;
      bn = n;
    }
  }
  if (best < 0 || r.equity >= r.mmr) return 0;
  *market = best + 1;
  return 1;
}

static int fill_eq(const pk_fill *f, const pm_fill *e) {
  return f->market == (uint32_t)e->market && f->taker_oid == e->taker_oid && f->maker_oid == e->maker_oid &&
         !memcmp(f->taker, pks[e->taker], 32) && f->taker_sub == e->taker_sub && !memcmp(f->maker, pks[e->maker], 32) &&
         f->maker_sub == e->maker_sub && f->taker_side == e->taker_side && f->price == e->price &&
         f->size == e->size && f->taker_cash == e->taker_cash && f->maker_cash == e->maker_cash &&
         f->taker_fee == e->taker_fee && f->maker_fee == e->maker_fee && f->penalty == e->penalty &&
         f->liq == e->liq;
}

static void check_receipt(const ck_tx *t, expect *xs, size_t n, uint64_t block, unsigned long *nfills_checked) {
  dvm_rt_receipt r;
  uint8_t *raw;
  ck_receipt(env.c, t->id, &r, &raw);
  CHECK(r.ncalls == n, "block %" PRIu64 ": %u calls in the receipt, %zu sent", block, r.ncalls, n);
  for (size_t i = 0; i < n && i < r.ncalls; i++) {
    const dvm_rt_call_receipt *c = &r.calls[i];
    expect *x = &xs[i];
    int st = c->status == DVM_RT_CALL_OK ? 0 : c->status == DVM_RT_CALL_REVERT ? 1 : 2;
    CHECK(st == x->status, "block %" PRIu64 " call %zu (op %d): status %u (%.*s), model %d", block, i, x->op,
          c->status, (int)c->ret_len, c->ret, x->status);
    if (st != x->status) continue;
    if (x->op == OP_PLACE && st == 0)
      CHECK(c->ret_len == 8 && pk_le(c->ret, 8) == x->oid, "block %" PRIu64 " call %zu: order id", block, i);
    size_t k = 0;
    for (size_t l = 0; l < c->nlogs; l++) {
      pk_fill f;
      if (pk_fill_decode(&c->logs[l], &f)) {
        if (x->op == OP_LIQ && pk_is_event(&c->logs[l], "Liquidation")) {
          int64_t qb = (int64_t)pk_le(c->logs[l].data + 45, 8), draw = (int64_t)pk_le(c->logs[l].data + 53, 8);
          CHECK(qb == x->liq.qb && draw == x->liq.draw, "block %" PRIu64 " call %zu: bankruptcy price / draw", block,
                i);
        }
        continue;
      }
      CHECK(k < x->nfills && fill_eq(&f, &x->fills[k]),
            "block %" PRIu64 " call %zu fill %zu: contract (price %" PRId64 " size %" PRIu64 " maker %" PRIu64
            ") differs from the model",
            block, i, k, f.price, f.size, f.maker_oid);
      if (f.liq) {
        /* no fill beyond the bankruptcy price (the Liquidation event follows the fills) */
        int64_t qb = x->liq.qb;
        __int128 lim = (__int128)f.size * qb;
        if (f.taker_side == 1) /* closing a long: receives at least floor(size * qb) */
          CHECK((__int128)(-f.taker_cash) * ONE >= lim - (ONE - 1), "liquidation sell beyond bankruptcy");
        else
          CHECK((__int128)f.taker_cash * ONE <= lim + (ONE - 1), "liquidation buy beyond bankruptcy");
      }
      k++;
      (*nfills_checked)++;
    }
    CHECK(k == x->nfills, "block %" PRIu64 " call %zu: %zu fills, model %zu", block, i, k, x->nfills);
  }
  dvm_rt_receipt_free(&r);
  free(raw);
}

static void check_state(uint64_t block) {
  int64_t sum_coll = 0, sizes[PM_MARKETS] = {0};
  uint64_t longs[PM_MARKETS] = {0};
  for (int o = 1; o <= NT + 1; o++)
    for (int s = 0; s < PM_SUBS; s++) {
      pk_account a;
      pm_margin r;
      int64_t coll;
      if (pk_account_view(&env, pks[o], (uint8_t)s, &a)) {
        CHECK(0, "account view of %d/%d failed", o, s);
        continue;
      }
      pm_view(&model, o, s, &r, &coll);
      CHECK(a.collateral == coll && a.equity == r.equity && a.imr == r.imr && a.mmr == r.mmr,
            "block %" PRIu64 " account %d/%d: coll %" PRId64 "/%" PRId64 " eq %" PRId64 "/%" PRId64, block, o, s,
            a.collateral, coll, a.equity, r.equity);
      const pm_acct *ma = &model.acct[o * PM_SUBS + s];
      size_t npos = 0;
      for (int i = 0; i < PM_MARKETS; i++) {
        if (!ma->p[i].size) continue;
        npos++;
        int found = 0;
        for (size_t j = 0; j < a.npos; j++)
          if (a.pos[j].market == (uint32_t)i + 1) {
            found = 1;
            CHECK(a.pos[j].size == ma->p[i].size && a.pos[j].entry == ma->p[i].entry,
                  "block %" PRIu64 " account %d/%d market %d: size %" PRId64 "/%" PRId64 " entry %" PRId64
                  "/%" PRId64,
                  block, o, s, i + 1, a.pos[j].size, ma->p[i].size, a.pos[j].entry, ma->p[i].entry);
          }
        CHECK(found, "block %" PRIu64 " account %d/%d: position in market %d missing", block, o, s, i + 1);
      }
      CHECK(npos == a.npos, "block %" PRIu64 " account %d/%d: %zu positions, model %zu", block, o, s, a.npos, npos);
      sum_coll += a.collateral;
      for (size_t j = 0; j < a.npos; j++) {
        sizes[a.pos[j].market - 1] += a.pos[j].size;
        if (a.pos[j].size > 0) longs[a.pos[j].market - 1] += (uint64_t)a.pos[j].size;
      }
      /* nobody left below maintenance at the end of a block */
      CHECK(a.npos == 0 || a.equity >= a.mmr,
            "block %" PRIu64 ": account %d/%d below maintenance (equity %" PRId64 " < %" PRId64 ")", block, o, s,
            a.equity, a.mmr);
    }
  int64_t pools = 0;
  pk_market_view mv;
  for (int i = 0; i < PM_MARKETS; i++) {
    pm_market *k = &model.m[i];
    CHECK(pk_market_view_get(&env, (uint32_t)i + 1, &mv) == 0, "market view");
    int64_t bid = k->side[0].n ? k->side[0].o[0].price : 0, ask = k->side[1].n ? k->side[1].o[0].price : 0;
    CHECK(mv.oi == k->oi && mv.bid == bid && mv.ask == ask && mv.findex == k->findex && mv.rate == k->rate &&
              mv.fees == k->fees && mv.fpool == k->fpool && mv.insurance == model.insurance,
          "block %" PRIu64 " market %d: oi %" PRIu64 "/%" PRIu64 " bid %" PRId64 "/%" PRId64 " ask %" PRId64
          "/%" PRId64 " fees %" PRIu64 "/%" PRIu64 " fpool %" PRId64 "/%" PRId64 " ins %" PRId64 "/%" PRId64,
          block, i + 1, mv.oi, k->oi, mv.bid, bid, mv.ask, ask, mv.fees, k->fees, mv.fpool, k->fpool, mv.insurance,
          model.insurance);
    CHECK(sizes[i] == 0, "block %" PRIu64 " market %d: total position %" PRId64, block, i + 1, sizes[i]);
    CHECK(longs[i] == mv.oi, "block %" PRIu64 " market %d: open interest = sum of longs", block, i + 1);
    pools += (int64_t)mv.fees + mv.fpool;
    /* funding dust: fpool + the exact unsettled payments, in 1e-9 units */
    __int128 dust = (__int128)k->fpool * ONE;
    for (int o = 0; o < (NT + 2) * PM_SUBS; o++) {
      const pm_pos *p = &model.acct[o].p[i];
      if (p->size) dust += (__int128)p->size * (k->findex - p->fidx);
    }
    CHECK(dust >= 0 && dust < (__int128)(k->settlements + 1) * ONE,
          "block %" PRIu64 " market %d: funding dust out of [0, %" PRIu64 ")", block, i + 1, k->settlements);
  }
  /* conservation from the stored records (spec §4, §9): sum of
   * (collateral - entries) + fees + funding pools + fund = held */
  uint64_t held = 0;
  dvm_rt_chain_balance(env.c, env.perp, 1, &held);
  __int128 total = 0;
  for (int o = 1; o <= NT + 1; o++)
    for (int s = 0; s < PM_SUBS; s++) {
      uint8_t key[34], *v;
      size_t vl;
      key[0] = 'A';
      memcpy(key + 1, pks[o], 32);
      key[33] = (uint8_t)s;
      if (dvm_rt_chain_storage(env.c, env.perp, key, 34, &v, &vl)) continue;
      total += (int64_t)pk_le(v, 8);
      uint64_t np = pk_le(v + 8, 8);
      CHECK(vl == 16 + 32 * np, "stored account %d/%d has %zu bytes", o, s, vl);
      for (uint64_t j = 0; j < np && 16 + 32 * j + 32 <= vl; j++) total -= (int64_t)pk_le(v + 16 + 32 * j + 16, 8);
      free(v);
    }
  for (uint32_t i = 1; i <= PM_MARKETS; i++) {
    uint8_t key[5] = {'M', 0, 0, 0, (uint8_t)i}, *v;
    size_t vl;
    if (dvm_rt_chain_storage(env.c, env.perp, key, 5, &v, &vl)) continue;
    if (vl == 128) total += (int64_t)pk_le(v + 64, 8) + (int64_t)pk_le(v + 72, 8);
    free(v);
  }
  {
    uint8_t *v;
    size_t vl;
    if (dvm_rt_chain_storage(env.c, env.perp, (const uint8_t *)"G", 1, &v, &vl) == 0) {
      if (vl == 8) total += (int64_t)pk_le(v, 8);
      free(v);
    }
  }
  CHECK(total == (__int128)held, "block %" PRIu64 ": conservation: held %" PRIu64 " != stored total %" PRId64,
        block, held, (int64_t)total);
  (void)sum_coll;
  (void)pools;
  CHECK(held == model.deposits - model.withdrawals, "block %" PRIu64 ": held = deposits - withdrawals", block);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_perp_random PERP_DVM [OPS] [SEED]\n");
    return 2;
  }
  long ops = 100000;
  const char *envops = getenv("PERP_RANDOM_OPS");
  if (envops) ops = atol(envops);
  if (argc > 2) ops = atol(argv[2]);
  if (argc > 3) rng = (uint64_t)atoll(argv[3]) * 2654435761ull + 1;
  pk_open(&env, NT + 2, argv[1], NULL);
  for (int i = 0; i < NT + 2; i++) memcpy(pks[i], env.keys[i].pk, 32);
  pk_market mk[2];
  pm_params pp[2];
  for (int i = 0; i < 2; i++) {
    mk[i] = (pk_market){(uint32_t)i + 1, (uint64_t)i + 1, 10000000, 1000, 50000000, 30000000, 200000, 500000,
                        600, 500000, 10000000, 200000000, 10000 * USD};
    pp[i] = (pm_params){mk[i].tick, mk[i].step, mk[i].imf, mk[i].mmf, mk[i].maker_fee, mk[i].taker_fee,
                        mk[i].funding_interval, mk[i].funding_clamp, mk[i].liq_penalty, mk[i].oi_cap,
                        mk[i].impact_notional};
  }
  pm_init(&model, NT + 2, (const uint8_t (*)[32])pks, pp);
  model.m[0].oracle = 3000 * ONE;
  model.m[1].oracle = 100 * ONE;
  ck_tx t0[3];
  pk_tx_markets(&env, &t0[0], mk, 2);
  pk_tx_oracle(&env, &t0[1], 1, model.m[0].oracle);
  pk_tx_oracle(&env, &t0[2], 2, model.m[1].oracle);
  pk_block(&env, t0, 3, 1);
  for (int i = 0; i < 3; i++) free(t0[i].bytes);

  /* opening collateral: two subaccounts per trader, one block */
  {
    pk_batch *db = calloc(1, sizeof *db);
    ck_tx dep[NT];
    for (int t = 1; t <= NT; t++) {
      uint64_t a0 = (uint64_t)urange(1000, 15000) * USD, a1 = (uint64_t)urange(500, 5000) * USD;
      pm_deposit(&model, t, 0, a0);
      pm_deposit(&model, t, 1, a1);
      pk_b_deposit(db, &env, 0, a0);
      pk_b_deposit(db, &env, 1, a1);
      pk_b_sign(db, &env, (size_t)t, &dep[t - 1]);
    }
    pk_block(&env, dep, NT, 60);
    for (int t = 0; t < NT; t++) free(dep[t].bytes);
    free(db);
  }
  long done = 0;
  uint64_t block = 0, crash_at = 0, jump_at = 0;
  unsigned long nliqfills = 0;
  int64_t draws = 0;
  unsigned long nfills = 0, nliq = 0, nadl = 0, ok_calls = 0, funding_periods = 0;
  pk_batch *b = calloc(1, sizeof *b);
  ck_tx txs[NTX + 4];
  expect *xs[NTX + 4];
  size_t nx[NTX + 4];
  for (int i = 0; i < NTX + 4; i++) xs[i] = calloc(PK_MAX_CALLS, sizeof(expect));
  /* blocks until ops are done */
  while (done < ops) {
    block++;
    size_t ntx = 0;
    model.height = env.height + 1;
    model.time = env.time + 60;
    /* oracle moves */
    for (int i = 0; i < PM_MARKETS; i++) {
      int64_t o = model.m[i].oracle;
      if (i == 0 && !crash_at && done >= ops * 4 / 10) {
        o /= 2;
        crash_at = block;
      } else if (i == 1 && !jump_at && done >= ops * 7 / 10) {
        o = o / 10 * 13;
        jump_at = block;
      } else {
        o += o / 1000000 * urange(-15000, 15000);
      }
      model.m[i].oracle = o;
      env.time += 60; /* pk_tx_oracle stamps e->time: the block's time */
      pk_tx_oracle(&env, &txs[ntx], (uint32_t)i + 1, o);
      env.time -= 60;
      nx[ntx++] = 0;
      done++;
    }
    int used[NT + 1] = {0};
    for (int x = 0; x < NTX; x++) {
      int t;
      do t = (int)urange(1, NT);
      while (used[t]);
      used[t] = 1;
      size_t n = 0;
      for (int j = 0; j < OPS_PER_TX; j++) random_op(b, t, &xs[ntx][n++]);
      pk_b_sign(b, &env, (size_t)t, &txs[ntx]);
      nx[ntx++] = n;
      done += (long)n;
    }
    /* keeper: funding on both markets, then every liquidation the model finds */
    size_t n = 0;
    int kk = NT + 1;
    for (uint32_t i = 1; i <= PM_MARKETS; i++) {
      int64_t before = model.m[i - 1].findex;
      uint64_t ps = model.m[i - 1].period_start;
      int st = pm_funding(&model, i);
      pk_b_funding(b, &env, i);
      record(&xs[ntx][n++], OP_FUND, st, 0);
      if (model.m[i - 1].period_start != ps && ps) funding_periods++;
      (void)before;
    }
    for (int round = 0; round < 8 && n < PK_MAX_CALLS - 4; round++) {
      int any = 0;
      for (int o = 1; o <= NT + 1 && n < PK_MAX_CALLS - 4; o++)
        for (int s = 0; s < PM_SUBS && n < PK_MAX_CALLS - 4; s++) {
          int mkt;
          if (!liquidatable(o, s, &mkt)) continue;
          int st = pm_liquidate(&model, o, s, (uint32_t)mkt);
          pk_b_liquidate(b, &env, pks[o], (uint8_t)s, (uint32_t)mkt);
          record(&xs[ntx][n++], OP_LIQ, st, 0);
          if (st == 0) {
            nliq++;
            nliqfills += model.nfills;
            draws += model.liq.draw;
            nadl += (unsigned long)model.liq.adl;
          }
          any = 1;
        }
      if (!any) break;
    }
    pk_b_sign(b, &env, (size_t)kk, &txs[ntx]);
    nx[ntx++] = n;
    done += (long)n;
    pk_block(&env, txs, ntx, 60);
    for (size_t i = 0; i < ntx; i++) {
      if (nx[i]) check_receipt(&txs[i], xs[i], nx[i], block, &nfills);
      for (size_t j = 0; j < nx[i]; j++) {
        if (xs[i][j].status == 0) ok_calls++;
        free(xs[i][j].fills);
        xs[i][j].fills = NULL;
      }
      free(txs[i].bytes);
    }
    check_state(block);
    if (failed > 50) break;
  }
  printf("perp_random: %ld operations in %" PRIu64 " blocks (crash at block %" PRIu64 ", jump at %" PRIu64
         "): %lu calls succeeded, %lu fills checked, %lu liquidations (%lu deleverage steps), %lu funding "
         "periods, insurance fund %" PRId64 " (%lu liquidation fills on the book, %" PRId64 " drawn from the fund)\n",
         done, block, crash_at, jump_at, ok_calls, nfills, nliq, nadl, funding_periods, model.insurance, nliqfills,
         draws);
  for (int i = 0; i < NTX + 4; i++) free(xs[i]);
  free(b);
  pm_free(&model);
  pk_close(&env);
  printf("%lu checks passed, %lu failed\n", passed, failed);
  return failed ? 1 : 0;
}
