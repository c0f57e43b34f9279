/* test_perp_examples.c — worked examples of spec/contracts/perp.md with
 * numbers computed by hand, run through signed transactions on a real
 * chain (perpkit over chainkit):
 *   1. the isolated liquidation price p' = (e - s*p)/(|s|*MMF - s): short
 *      3 ETH at 3000 with equity 1000 and MMF 5 % -> 3174.60: not
 *      liquidatable at 3174.60, liquidatable at 3174.61; the liquidation
 *      fills on the book at 3200 and pays the 1 % penalty to the fund;
 *   2. a funding period with a known premium (impact bid 3030 against
 *      oracle 3000: premium 1 %, rate 0.125 %, 3.75 per ETH);
 *   3. a liquidation below the bankruptcy price that draws on the fund;
 *   4. an auto-deleveraging of the two most profitable shorts, in order.
 * Units: size base unit 10^-6 ETH, quote base unit 10^-6 USD, so a price
 * in fx is also USD per ETH. Usage: test_perp_examples PERP_DVM */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perpkit.h"

static unsigned passed, failed;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) passed++;                                    \
    else {                                                 \
      failed++;                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

#define FX(x) ((int64_t)((x) * 1000000000.0 + 0.5)) /* test literals only */
#define USD(x) ((int64_t)(x) * 1000000)
#define ETH(x) ((int64_t)((x) * 1000000.0 + 0.5))

enum { AUTH, A, B, C, D, E, F, G, H, J, K, NKEYS };

static pk_env env;

static void oracle(uint32_t feed, int64_t price) {
  ck_tx t;
  pk_tx_oracle(&env, &t, feed, price);
  pk_block(&env, &t, 1, 1);
  free(t.bytes);
}

static int call_ok(const pk_receipt *r, size_t i) { return i < r->r.ncalls && r->r.calls[i].status == DVM_RT_CALL_OK; }

static int reverted(const pk_receipt *r, size_t i, const char *msg) {
  if (i >= r->r.ncalls || r->r.calls[i].status != DVM_RT_CALL_REVERT) return 0;
  return r->r.calls[i].ret_len == strlen(msg) && !memcmp(r->r.calls[i].ret, msg, strlen(msg));
}

/* One batch of key k in its own block; every call must succeed. */
static void run_ok(pk_batch *b, size_t k, const char *what) {
  pk_receipt r;
  size_t n = b->n;
  pk_run(&env, b, k, 1, &r);
  for (size_t i = 0; i < n; i++)
    CHECK(call_ok(&r, i), "%s: call %zu status %u: %.*s", what, i, r.r.calls[i].status,
          (int)r.r.calls[i].ret_len, r.r.calls[i].ret);
  pk_receipt_free(&r);
}

static uint64_t ret_oid(const pk_receipt *r, size_t i) {
  return r->r.calls[i].ret_len == 8 ? pk_le(r->r.calls[i].ret, 8) : 0;
}

static const dvm_rt_log_view *find_event(const pk_receipt *r, size_t call, const char *name, size_t nth) {
  for (size_t i = 0; i < r->r.calls[call].nlogs; i++)
    if (pk_is_event(&r->r.calls[call].logs[i], name) && nth-- == 0) return &r->r.calls[call].logs[i];
  return NULL;
}

static int64_t sum_collateral(void) {
  int64_t s = 0;
  for (size_t k = 1; k < NKEYS; k++)
    for (uint8_t sub = 0; sub < 2; sub++) {
      pk_account a;
      if (pk_account_view(&env, env.keys[k].pk, sub, &a) == 0) s += a.collateral;
    }
  return s;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_perp_examples PERP_DVM\n");
    return 2;
  }
  pk_open(&env, NKEYS, argv[1], NULL);
  pk_market mk[2];
  for (int i = 0; i < 2; i++)
    mk[i] = (pk_market){(uint32_t)i + 1, (uint64_t)i + 1, FX(0.01), 1000, FX(0.10), FX(0.05), 0, 0,
                        3600, FX(0.01), FX(0.01), 1000000000000ull, (uint64_t)USD(1000)};
  ck_tx t[3];
  pk_tx_markets(&env, &t[0], mk, 2);
  pk_tx_oracle(&env, &t[1], 1, FX(3000));
  pk_tx_oracle(&env, &t[2], 2, FX(3000));
  pk_block(&env, t, 3, 1);
  for (int i = 0; i < 3; i++) free(t[i].bytes);
  pk_batch b = {0};
  pk_receipt r;
  pk_account ac;
  pk_market_view mv;

  /* ---- 1. isolated liquidation price ---- */
  pk_b_deposit(&b, &env, 0, USD(100000));
  pk_b_place(&b, &env, 1, 0, 0, FX(3000), ETH(3), 0, 0, 11); /* B bids 3 ETH at 3000 */
  run_ok(&b, B, "B bids");
  pk_b_deposit(&b, &env, 1, USD(1000));
  pk_b_place(&b, &env, 1, 1, 1, 0, ETH(3), 1, 0, 12); /* A, sub 1: market sell 3 ETH */
  run_ok(&b, A, "A shorts");
  CHECK(pk_account_view(&env, env.keys[A].pk, 1, &ac) == 0, "A view");
  /* collateral 1000, entry -9000, equity 1000 + (-9000) - (-9000) = 1000,
   * IMR 9000 * 10 % = 900, MMR 9000 * 5 % = 450 */
  CHECK(ac.collateral == USD(1000) && ac.equity == USD(1000) && ac.imr == USD(900) && ac.mmr == USD(450) &&
            ac.npos == 1 && ac.pos[0].size == -ETH(3) && ac.pos[0].entry == -USD(9000),
        "A after the short: coll %" PRId64 " eq %" PRId64 " imr %" PRId64 " mmr %" PRId64, ac.collateral,
        ac.equity, ac.imr, ac.mmr);
  /* p' = (e - s p) / (|s| MMF - s) = (1000 + 9000) / (0.15 + 3) = 10000 / 3.15 = 3174.6031746... */
  int64_t pliq = (int64_t)(10000ll * 100 * 1000000000ll / 315); /* fx, truncated */
  CHECK(pliq == 3174603174603ll, "p' = %" PRId64, pliq);
  int64_t below = pliq / FX(0.01) * FX(0.01), above = below + FX(0.01); /* 3174.60, 3174.61 */
  pk_b_place(&b, &env, 1, 0, 1, FX(3200), ETH(3), 0, 0, 13); /* B offers 3 ETH at 3200 */
  run_ok(&b, B, "B offers");
  oracle(1, below);
  pk_b_liquidate(&b, &env, env.keys[A].pk, 1, 1);
  pk_run(&env, &b, C, 1, &r);
  CHECK(reverted(&r, 0, "liquidate: the subaccount is not below maintenance margin"),
        "at 3174.60 A is not liquidatable (status %u)", r.r.calls[0].status);
  pk_receipt_free(&r);
  /* at 3174.60: equity 1000 - 3 * 174.60 = 476.20 >= MMR 3 * 3174.60 * 5 % = 476.19 */
  pk_account_view(&env, env.keys[A].pk, 1, &ac);
  CHECK(ac.equity == 476200000 && ac.mmr == 476190000, "A at 3174.60: eq %" PRId64 " mmr %" PRId64, ac.equity,
        ac.mmr);
  oracle(1, above);
  /* at 3174.61: equity 476.17 < MMR 476.1915 */
  pk_account_view(&env, env.keys[A].pk, 1, &ac);
  CHECK(ac.equity == 476170000 && ac.mmr == 476191500, "A at 3174.61: eq %" PRId64 " mmr %" PRId64, ac.equity,
        ac.mmr);
  pk_b_liquidate(&b, &env, env.keys[A].pk, 1, 1);
  pk_run(&env, &b, C, 1, &r);
  CHECK(call_ok(&r, 0), "at 3174.61 A is liquidated (status %u %.*s)", r.r.calls[0].status,
        (int)r.r.calls[0].ret_len, r.r.calls[0].ret);
  {
    /* bankruptcy price: 3174.61 - 476.17 / (-3) = 3333.333333333 (rounded
     * down for a short); the book's ask 3200 is better: fill there, penalty
     * min(1 % of 9600 = 96, surplus 3 * 133.33 = 399.99) = 96 */
    pk_fill f;
    const dvm_rt_log_view *l = find_event(&r, 0, "Fill", 0);
    CHECK(l && pk_fill_decode(l, &f) == 0 && f.price == FX(3200) && f.size == (uint64_t)ETH(3) &&
              f.penalty == (uint64_t)USD(96) && f.liq == 1 && f.taker_cash == USD(9600),
          "liquidation fill at 3200 with penalty 96");
    l = find_event(&r, 0, "Liquidation", 0);
    CHECK(l && l->data_len == 32 + 1 + 4 + 8 + 8 + 8 && (int64_t)pk_le(l->data + 45, 8) == 3333333333333ll &&
              (int64_t)pk_le(l->data + 53, 8) == 0,
          "bankruptcy price 3333.333333333, no draw on the fund");
  }
  pk_receipt_free(&r);
  pk_account_view(&env, env.keys[A].pk, 1, &ac);
  /* 1000 - (9600 - 9000) - 96 = 304 */
  CHECK(ac.collateral == USD(304) && ac.npos == 0, "A keeps 304 (%" PRId64 ")", ac.collateral);
  pk_market_view_get(&env, 1, &mv);
  CHECK(mv.insurance == USD(96) && mv.oi == 0, "insurance fund 96, open interest 0");

  /* ---- 2. a funding period with a known premium ---- */
  oracle(1, FX(3000));
  pk_b_deposit(&b, &env, 0, USD(10000));
  pk_b_place(&b, &env, 1, 0, 1, FX(3000), ETH(2), 0, 0, 21);
  run_ok(&b, D, "D offers 2");
  pk_b_deposit(&b, &env, 0, USD(10000));
  pk_b_place(&b, &env, 1, 0, 0, 0, ETH(2), 1, 0, 22);
  run_ok(&b, C, "C buys 2");
  pk_b_deposit(&b, &env, 0, USD(100000));
  pk_b_place(&b, &env, 1, 0, 0, FX(3030), ETH(1), 0, 0, 23);
  pk_b_place(&b, &env, 1, 0, 1, FX(3040), ETH(1), 0, 0, 24);
  pk_run(&env, &b, E, 1, &r);
  uint64_t e_bid = ret_oid(&r, 1), e_ask = ret_oid(&r, 2);
  CHECK(call_ok(&r, 1) && call_ok(&r, 2) && e_bid && e_ask, "E quotes 3030 / 3040");
  pk_receipt_free(&r);
  pk_market_view_get(&env, 1, &mv);
  CHECK(mv.bid == FX(3030) && mv.ask == FX(3040) && mv.oi == (uint64_t)ETH(2), "book 3030 / 3040, OI 2 ETH");
  pk_b_funding(&b, &env, 1);
  run_ok(&b, C, "first sample");
  pk_b_funding(&b, &env, 1);
  {
    /* premium (max(0, 3030 - 3000) - max(0, 3000 - 3040)) / 3000 = 1 %,
     * two samples, rate 1 % / 8 = 0.125 %, index += 0.00125 * 3000 = 3.75 */
    pk_receipt rr;
    pk_run(&env, &b, C, 3600, &rr);
    const dvm_rt_log_view *l = call_ok(&rr, 0) ? find_event(&rr, 0, "Funding", 0) : NULL;
    CHECK(l && (int64_t)pk_le(l->data + 4, 8) == FX(0.00125) && (int64_t)pk_le(l->data + 12, 8) == FX(3.75),
          "funding event: rate 0.00125, index 3.75");
    pk_receipt_free(&rr);
  }
  pk_market_view_get(&env, 1, &mv);
  CHECK(mv.rate == FX(0.00125) && mv.findex == FX(3.75) && mv.fpool == 0, "market: rate %" PRId64 " index %" PRId64,
        mv.rate, mv.findex);
  pk_account_view(&env, env.keys[C].pk, 0, &ac);
  CHECK(ac.collateral == USD(10000) - 7500000, "C (long 2) pays 2 x 3.75 = 7.5 (%" PRId64 ")", ac.collateral);
  pk_account_view(&env, env.keys[D].pk, 0, &ac);
  CHECK(ac.collateral == USD(10000) + 7500000, "D (short 2) receives 7.5 (%" PRId64 ")", ac.collateral);
  pk_b_deposit(&b, &env, 0, 1);
  run_ok(&b, C, "C settles");
  pk_market_view_get(&env, 1, &mv);
  CHECK(mv.fpool == 7500000, "funding pool holds C's 7.5 until D settles (%" PRId64 ")", mv.fpool);
  pk_b_deposit(&b, &env, 0, 1);
  run_ok(&b, D, "D settles");
  pk_market_view_get(&env, 1, &mv);
  CHECK(mv.fpool == 0, "funding sums to zero (%" PRId64 ")", mv.fpool);

  /* ---- 3. a liquidation that draws on the insurance fund ---- */
  pk_b_cancel(&b, &env, e_bid);
  pk_b_cancel(&b, &env, e_ask);
  run_ok(&b, E, "E cancels");
  pk_b_deposit(&b, &env, 0, USD(100000));
  pk_b_place(&b, &env, 1, 0, 1, FX(3000), ETH(1), 0, 0, 31);
  run_ok(&b, G, "G offers 1");
  pk_b_deposit(&b, &env, 0, USD(310));
  pk_b_place(&b, &env, 1, 0, 0, 0, ETH(1), 1, 0, 32);
  run_ok(&b, F, "F buys 1 with 310"); /* IMR 300 <= equity 310 */
  pk_b_place(&b, &env, 1, 0, 0, FX(2650), ETH(1), 0, 0, 33);
  run_ok(&b, G, "G bids 2650");
  oracle(1, FX(2600));
  pk_account_view(&env, env.keys[F].pk, 0, &ac);
  CHECK(ac.equity == -USD(90) && ac.mmr == USD(130), "F under water: equity -90, MMR 130");
  pk_b_liquidate(&b, &env, env.keys[F].pk, 0, 1);
  pk_run(&env, &b, C, 1, &r);
  CHECK(call_ok(&r, 0), "F liquidated");
  {
    /* bankruptcy price 2600 - (-90) / 1 = 2690; the bid 2650 is worse: F
     * sells at 2690, G buys at 2650, the fund pays 40 */
    pk_fill f;
    const dvm_rt_log_view *l = find_event(&r, 0, "Fill", 0);
    CHECK(l && pk_fill_decode(l, &f) == 0 && f.price == FX(2650) && f.taker_cash == -USD(2690) &&
              f.maker_cash == USD(2650) && f.penalty == 0,
          "fill: F receives 2690, G pays 2650");
    l = find_event(&r, 0, "Liquidation", 0);
    CHECK(l && (int64_t)pk_le(l->data + 45, 8) == FX(2690) && (int64_t)pk_le(l->data + 53, 8) == USD(40),
          "bankruptcy price 2690, fund draw 40");
  }
  pk_receipt_free(&r);
  pk_account_view(&env, env.keys[F].pk, 0, &ac);
  CHECK(ac.collateral == 0 && ac.npos == 0, "F ends at exactly 0 (%" PRId64 ")", ac.collateral);
  pk_account_view(&env, env.keys[G].pk, 0, &ac);
  /* G sold F 1 at 3000, bought it back at 2650 */
  CHECK(ac.npos == 0 && ac.collateral == USD(100000) + USD(350), "G flat with +350 (%" PRId64 ")", ac.collateral);
  pk_market_view_get(&env, 1, &mv);
  CHECK(mv.insurance == USD(56), "fund 96 - 40 = 56 (%" PRId64 ")", mv.insurance);

  /* ---- 4. auto-deleveraging ---- */
  pk_b_deposit(&b, &env, 0, USD(10000));
  pk_b_place(&b, &env, 2, 0, 1, FX(3000), ETH(0.6), 0, 0, 41);
  run_ok(&b, J, "J offers 0.6 at 3000");
  pk_b_deposit(&b, &env, 0, USD(10000));
  pk_b_place(&b, &env, 2, 0, 1, FX(3010), ETH(0.4), 0, 0, 42);
  run_ok(&b, K, "K offers 0.4 at 3010");
  pk_b_deposit(&b, &env, 0, USD(310));
  pk_b_place(&b, &env, 2, 0, 0, 0, ETH(1), 1, 0, 43);
  run_ok(&b, H, "H buys 1 (entry 1800 + 1204 = 3004)");
  pk_account_view(&env, env.keys[H].pk, 0, &ac);
  CHECK(ac.equity == USD(306) && ac.pos[0].entry == USD(3004), "H equity 306");
  oracle(2, FX(2600));
  pk_b_liquidate(&b, &env, env.keys[H].pk, 0, 2);
  pk_run(&env, &b, C, 1, &r);
  CHECK(call_ok(&r, 0), "H liquidated with an empty book");
  {
    /* equity 310 + 2600 - 3004 = -94, bankruptcy 2694; J's short (+240 at
     * 2600) before K's (+164): J closes 0.6, then K 0.4, at 2694 */
    const dvm_rt_log_view *l0 = find_event(&r, 0, "Deleverage", 0), *l1 = find_event(&r, 0, "Deleverage", 1);
    CHECK(l0 && l1 && !memcmp(l0->data + 37, env.keys[J].pk, 32) && !memcmp(l1->data + 37, env.keys[K].pk, 32) &&
              (int64_t)pk_le(l0->data + 70, 8) == FX(2694) && pk_le(l0->data + 78, 8) == (uint64_t)ETH(0.6) &&
              pk_le(l1->data + 78, 8) == (uint64_t)ETH(0.4),
          "deleveraged J 0.6 then K 0.4 at 2694");
  }
  pk_receipt_free(&r);
  pk_account_view(&env, env.keys[H].pk, 0, &ac);
  CHECK(ac.collateral == 0 && ac.npos == 0, "H ends at 0 (%" PRId64 ")", ac.collateral);
  pk_account_view(&env, env.keys[J].pk, 0, &ac);
  CHECK(ac.collateral == USD(10000) + 183600000 && ac.npos == 0, "J realizes 0.6 x 306 = 183.6 (%" PRId64 ")",
        ac.collateral);
  pk_account_view(&env, env.keys[K].pk, 0, &ac);
  CHECK(ac.collateral == USD(10000) + 126400000 && ac.npos == 0, "K realizes 0.4 x 316 = 126.4 (%" PRId64 ")",
        ac.collateral);
  pk_market_view_get(&env, 2, &mv);
  CHECK(mv.oi == 0 && mv.insurance == USD(56), "market 2: OI 0, fund untouched");

  /* ---- conservation: collateral + fees + funding pools + fund = the contract's USD ---- */
  uint64_t held = 0;
  dvm_rt_chain_balance(env.c, env.perp, 1, &held);
  pk_market_view m1, m2;
  pk_market_view_get(&env, 1, &m1);
  pk_market_view_get(&env, 2, &m2);
  int64_t sum = sum_collateral() + (int64_t)m1.fees + (int64_t)m2.fees + m1.fpool + m2.fpool + m1.insurance;
  CHECK(sum == (int64_t)held, "conservation: %" PRId64 " == %" PRIu64, sum, held);

  pk_close(&env);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
