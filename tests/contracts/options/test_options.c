/* test_options.c — worked examples of the options contract
 * (spec/contracts/options.md) through signed transactions on a real
 * chain: calls and puts settling in, at and out of the money with an
 * 8-decimal underlying (BTC) and a 6-decimal quote (USD); settlement at
 * exactly the expiry second; a settle before the price exists that waits
 * and then succeeds; a settle long after expiry that uses the price at
 * expiry; and failure paths that leave no trace. Every number is computed
 * by hand in the comments.
 * Usage: test_options OPTIONS.dvm */
#include <stdlib.h>
#include <string.h>

#include "opt_check.h"
#include "optkit.h"

static ok_chain o;
static uint8_t OPT[32];
static const uint32_t FEED = 1;

/* create_series in its own block; returns the id (0 on failure). */
static uint64_t create(int64_t strike, uint64_t expiry, uint8_t is_put) {
  ok_pack p = {{0}, 0};
  pk_u32(&p, FEED);
  pk_u32(&p, OK_BTC);
  pk_u32(&p, OK_USD);
  pk_u64(&p, (uint64_t)strike);
  pk_u64(&p, expiry);
  pk_u8(&p, is_put);
  ok_call1(&o, 1, OPT, "create_series", p.b, p.n, 0, 0);
  uint8_t id[1][32];
  ok_block(&o, o.time + 1, id);
  ok_receipt r;
  ok_receipt_get(&o, id[0], &r);
  uint64_t s = r.r.calls[0].status == DVM_RT_CALL_OK && r.r.calls[0].ret_len == 8 ? ld_u64(r.r.calls[0].ret) : 0;
  ok_receipt_free(&r);
  return s;
}

/* One call in its own block: status, and the return (or revert) data. */
static int run1(int key, const char *method, const ok_pack *p, uint32_t asset, uint64_t amount, uint8_t *ret,
                uint32_t *ret_len, uint64_t *gas) {
  ok_call1(&o, key, OPT, method, p->b, p->n, asset, amount);
  uint8_t id[1][32];
  ok_block(&o, o.time + 1, id);
  ok_receipt r;
  ok_receipt_get(&o, id[0], &r);
  int st = r.r.calls[0].status;
  if (ret) memcpy(ret, r.r.calls[0].ret, r.r.calls[0].ret_len < 64 ? r.r.calls[0].ret_len : 64);
  if (ret_len) *ret_len = r.r.calls[0].ret_len;
  if (gas) *gas = r.r.gas_used;
  ok_receipt_free(&r);
  return st;
}

static int op(int key, const char *method, uint64_t series, uint64_t amount, uint32_t asset, uint64_t attach,
              uint8_t *ret, uint32_t *ret_len) {
  ok_pack p = {{0}, 0};
  pk_u64(&p, series);
  if (strcmp(method, "settle") && strcmp(method, "redeem") && strcmp(method, "reclaim")) pk_u64(&p, amount);
  return run1(key, method, &p, asset, attach, ret, ret_len, NULL);
}

static int xfer(int from, uint64_t series, int to, uint64_t amount) {
  ok_pack p = {{0}, 0};
  pk_u64(&p, series);
  pk_addr(&p, o.k[to].pk);
  pk_u64(&p, amount);
  return run1(from, "transfer", &p, 0, 0, NULL, NULL, NULL);
}

static uint64_t redeem(int key, uint64_t series, int *status) {
  uint8_t ret[64];
  uint32_t n = 0;
  *status = op(key, "redeem", series, 0, 0, 0, ret, &n);
  return n == 8 && *status == DVM_RT_CALL_OK ? ld_u64(ret) : UINT64_MAX;
}
static uint64_t reclaim(int key, uint64_t series, int *status) {
  uint8_t ret[64];
  uint32_t n = 0;
  *status = op(key, "reclaim", series, 0, 0, 0, ret, &n);
  return n == 8 && *status == DVM_RT_CALL_OK ? ld_u64(ret) : UINT64_MAX;
}

typedef struct pos {
  uint64_t lng, shrt, coll;
} pos;
static pos position(uint64_t series, int owner) {
  ok_pack p = {{0}, 0};
  uint8_t out[24];
  uint32_t n = 0;
  pk_u64(&p, series);
  pk_addr(&p, o.k[owner].pk);
  pos r = {UINT64_MAX, UINT64_MAX, UINT64_MAX};
  if (ok_view(&o, 1, OPT, "position", p.b, p.n, out, 24, &n, NULL) == DVM_RT_CALL_OK && n == 24) {
    r.lng = ld_u64(out);
    r.shrt = ld_u64(out + 8);
    r.coll = ld_u64(out + 16);
  }
  return r;
}
/* get_series: 62 bytes (spec/contracts/options.md) */
static int get_series(uint64_t series, uint8_t out[62]) {
  ok_pack p = {{0}, 0};
  uint32_t n = 0;
  pk_u64(&p, series);
  return ok_view(&o, 1, OPT, "get_series", p.b, p.n, out, 62, &n, NULL) == DVM_RT_CALL_OK && n == 62;
}

static int reverted_with(int st, const uint8_t *ret, uint32_t n, const char *msg) {
  return st == DVM_RT_CALL_REVERT && n >= strlen(msg) && !memcmp(ret, msg, strlen(msg));
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_options OPTIONS.dvm\n");
    return 2;
  }
  ok_open(&o);
  ok_deploy(&o, 1, argv[1], NULL, 0, OPT);
  const int W = 1, H = 2, X = 3; /* writer, holder, outsider */
  const uint64_t E1 = OK_T0 + 100000, E2 = OK_T0 + 200000, E3 = OK_T0 + 300000;
  const int64_t K30 = 30000000000000, K36 = 36000000000000, K40 = 40000000000000, K40h = 40000500000000;

  /* ---- series at E1: the price at expiry will be 36,000 ---- */
  uint64_t c30 = create(K30, E1, 0), c36 = create(K36, E1, 0), c40 = create(K40, E1, 0);
  uint64_t p40 = create(K40h, E1, 1), p36 = create(K36, E1, 1), p30 = create(K30, E1, 1);
  CHECK(c30 == 1 && c36 == 2 && c40 == 3 && p40 == 4 && p36 == 5 && p30 == 6, "series ids 1..6");
  {
    ok_pack p = {{0}, 0};
    uint8_t ret[64];
    uint32_t n = 0;
    pk_u32(&p, FEED);
    pk_u32(&p, OK_BTC);
    pk_u32(&p, OK_USD);
    pk_u64(&p, (uint64_t)K30);
    pk_u64(&p, E1);
    pk_u8(&p, 0);
    int st = run1(X, "create_series", &p, 0, 0, ret, &n, NULL);
    CHECK(reverted_with(st, ret, n, "duplicate series") && n == 24 && ld_u64(ret + 16) == c30,
          "a duplicate series is refused and names the existing id");
  }

  uint64_t w_btc0 = ok_bal(&o, o.k[W].pk, OK_BTC), w_usd0 = ok_bal(&o, o.k[W].pk, OK_USD);
  uint64_t h_btc0 = ok_bal(&o, o.k[H].pk, OK_BTC), h_usd0 = ok_bal(&o, o.k[H].pk, OK_USD);

  /* Calls: collateral = the amount of underlying, 2.5 BTC = 250,000,000 base units. */
  CHECK(op(W, "write", c30, 250000000, OK_BTC, 250000000, NULL, NULL) == DVM_RT_CALL_OK, "write call K30");
  CHECK(op(W, "write", c36, 100000000, OK_BTC, 100000000, NULL, NULL) == DVM_RT_CALL_OK, "write call K36");
  CHECK(op(W, "write", c40, 100000000, OK_BTC, 100000000, NULL, NULL) == DVM_RT_CALL_OK, "write call K40");
  /* Puts: collateral = amount x strike in USD base units, rounded up.
   * e = 8 + 9 - 6 = 11: USD units = amount x K(fx) / 10^11.
   * K = 40,000.5: 12,345,679 x 40,000,500,000,000 / 10^11
   *   = 4,938,333,328.395 -> 4,938,333,329 (ceiling). Attach 5,000,000,000:
   *   the excess 61,666,671 comes back. */
  uint64_t usd_before = ok_bal(&o, o.k[W].pk, OK_USD);
  CHECK(op(W, "write", p40, 12345679, OK_USD, 5000000000ull, NULL, NULL) == DVM_RT_CALL_OK, "write put K40.5");
  CHECK(usd_before - ok_bal(&o, o.k[W].pk, OK_USD) == 4938333329ull, "put collateral 4,938,333,329 (ceil): paid %" PRIu64,
        usd_before - ok_bal(&o, o.k[W].pk, OK_USD));
  pos wp = position(p40, W);
  CHECK(wp.lng == 12345679 && wp.shrt == 12345679 && wp.coll == 4938333329ull, "writer position: long, short, collateral");
  /* K = 36,000: 1 BTC = 10^8 x 36,000 x 10^9 / 10^11 = 36,000,000,000 (exact) */
  CHECK(op(W, "write", p36, 100000000, OK_USD, 36000000000ull, NULL, NULL) == DVM_RT_CALL_OK, "write put K36");
  /* K = 30,000: 1 BTC -> 30,000,000,000 */
  CHECK(op(W, "write", p30, 100000000, OK_USD, 30000000000ull, NULL, NULL) == DVM_RT_CALL_OK, "write put K30");

  /* Holders: 100,000,001 of the K30 call and 5,000,001 of the K40.5 put. */
  CHECK(xfer(W, c30, H, 100000001) == DVM_RT_CALL_OK && xfer(W, p40, H, 5000001) == DVM_RT_CALL_OK, "transfers");
  CHECK(position(c30, H).lng == 100000001 && position(c30, W).lng == 149999999, "long balances after transfer");
  CHECK(xfer(H, c30, X, 100000002) == DVM_RT_CALL_REVERT, "transfer beyond the long balance refused");

  /* The oracle: 99,999 one second before expiry (must not be used), 36,000
   * at exactly the expiry second, 50,000 five seconds after. */
  ok_oracle(&o, FEED, 99999000000000, E1 - 1);
  ok_oracle(&o, FEED, K36, E1);
  ok_oracle(&o, FEED, 50000000000000, E1 + 5);
  ok_block(&o, E1 + 10, NULL);
  for (uint64_t s = c30; s <= p30; s++) CHECK(op(X, "settle", s, 0, 0, 0, NULL, NULL) == DVM_RT_CALL_OK, "settle %" PRIu64, s);
  uint8_t gs[62];
  CHECK(get_series(c30, gs) && gs[29] == 1 && (int64_t)ld_u64(gs + 30) == K36,
        "settled at the price of exactly the expiry second: 36,000 (not 99,999 before, not 50,000 after)");

  int st;
  /* Call K30, S = 36,000 (in the money): pays amount x (S - K) / S =
   * amount / 6 of BTC, rounded down:
   *   holder 100,000,001 / 6 = 16,666,666.83 -> 16,666,666
   *   writer 149,999,999 / 6 = 24,999,999.83 -> 24,999,999
   *   the writer's short owes 250,000,000 / 6 = 41,666,666.67 -> 41,666,667
   *   (ceiling): reclaim returns 250,000,000 - 41,666,667 = 208,333,333;
   *   2 base units of dust stay in the contract. */
  CHECK(redeem(H, c30, &st) == 16666666, "call ITM holder payout 16,666,666");
  CHECK(redeem(W, c30, &st) == 24999999, "call ITM writer's long payout 24,999,999");
  CHECK(reclaim(W, c30, &st) == 208333333, "call ITM reclaim 208,333,333");
  CHECK(get_series(c30, gs) && ld_u64(gs + 46) == 2 && ld_u64(gs + 54) == 16666666 + 24999999,
        "call ITM: 2 units of dust locked, paid 41,666,665");
  /* Call K36 at the money and K40 out of the money: pay 0 without
   * reverting; the writer reclaims everything. */
  CHECK(redeem(W, c36, &st) == 0 && st == DVM_RT_CALL_OK, "call ATM pays 0");
  CHECK(reclaim(W, c36, &st) == 100000000, "call ATM reclaim all");
  CHECK(redeem(W, c40, &st) == 0 && st == DVM_RT_CALL_OK, "call OTM pays 0");
  CHECK(reclaim(W, c40, &st) == 100000000, "call OTM reclaim all");
  /* Put K40.5, S = 36,000 (in the money): pays amount x 4,000.5 in USD:
   *   amount x 4,000,500,000,000 / 10^11 = amount x 40.005, rounded down:
   *   holder 5,000,001 -> 200,025,040.005 -> 200,025,040
   *   writer 7,345,678 -> 293,863,848.39 -> 293,863,848
   *   owed 12,345,679 -> 493,888,888.395 -> 493,888,889 (ceiling):
   *   reclaim 4,938,333,329 - 493,888,889 = 4,444,444,440. */
  CHECK(redeem(H, p40, &st) == 200025040, "put ITM holder payout 200,025,040");
  CHECK(redeem(W, p40, &st) == 293863848, "put ITM writer's long payout 293,863,848");
  CHECK(reclaim(W, p40, &st) == 4444444440ull, "put ITM reclaim 4,444,444,440");
  CHECK(redeem(W, p36, &st) == 0 && st == DVM_RT_CALL_OK && reclaim(W, p36, &st) == 36000000000ull, "put ATM: 0, reclaim all");
  CHECK(redeem(W, p30, &st) == 0 && st == DVM_RT_CALL_OK && reclaim(W, p30, &st) == 30000000000ull, "put OTM: 0, reclaim all");
  /* Net for the writer: BTC -41,666,667 + 24,999,999; USD -493,888,889 + 293,863,848.
   * Net for the holder: BTC +16,666,666; USD +200,025,040 (fees are in GAS). */
  CHECK(w_btc0 - ok_bal(&o, o.k[W].pk, OK_BTC) == 41666667 - 24999999, "writer BTC net");
  CHECK(w_usd0 - ok_bal(&o, o.k[W].pk, OK_USD) == 493888889 - 293863848, "writer USD net");
  CHECK(ok_bal(&o, o.k[H].pk, OK_BTC) - h_btc0 == 16666666 && ok_bal(&o, o.k[H].pk, OK_USD) - h_usd0 == 200025040,
        "holder receives exactly the payouts");
  CHECK(ok_bal(&o, OPT, OK_BTC) == 2 && ok_bal(&o, OPT, OK_USD) == 1, "the contract keeps the rounding dust: 2 BTC units, 1 USD unit (%" PRIu64 ", %" PRIu64 ")",
        ok_bal(&o, OPT, OK_BTC), ok_bal(&o, OPT, OK_USD));

  /* ---- failure paths: refused, state unchanged ---- */
  {
    uint8_t before[62], after[62], ret[64];
    uint32_t n;
    uint64_t btc = ok_bal(&o, OPT, OK_BTC);
    get_series(c30, before);
    st = op(X, "settle", c30, 0, 0, 0, ret, &n);
    CHECK(reverted_with(st, ret, n, "already settled"), "settling twice refused");
    st = op(H, "redeem", c30, 0, 0, 0, ret, &n);
    CHECK(reverted_with(st, ret, n, "nothing to redeem"), "redeeming twice refused");
    st = op(W, "reclaim", c30, 0, 0, 0, ret, &n);
    CHECK(reverted_with(st, ret, n, "nothing to reclaim"), "reclaiming twice refused");
    get_series(c30, after);
    CHECK(!memcmp(before, after, 62) && ok_bal(&o, OPT, OK_BTC) == btc, "series and balances unchanged");
  }

  /* ---- E2: settle before the price exists waits, then succeeds ---- */
  uint64_t c2 = create(K30, E2, 0);
  CHECK(op(W, "write", c2, 1000, OK_BTC, 1000, NULL, NULL) == DVM_RT_CALL_OK, "write at E2");
  {
    uint8_t before[62], after[62], ret[64];
    uint32_t n;
    /* someone else tries to reclaim the writer's collateral, and a write
     * with too little collateral: both refused, nothing changes */
    uint64_t btc = ok_bal(&o, OPT, OK_BTC), xb = ok_bal(&o, o.k[X].pk, OK_BTC);
    get_series(c2, before);
    st = op(X, "write", c2, 1000, OK_BTC, 999, ret, &n);
    CHECK(reverted_with(st, ret, n, "too little collateral"), "write with too little collateral refused");
    st = op(X, "write", c2, 1000, OK_USD, 1000, ret, &n);
    CHECK(reverted_with(st, ret, n, "wrong collateral asset"), "write with the wrong asset refused");
    ok_oracle(&o, FEED, 31000000000000, E2 - 100); /* before expiry: not a settlement price */
    ok_block(&o, E2 + 50, NULL);
    st = op(X, "settle", c2, 0, 0, 0, ret, &n);
    CHECK(reverted_with(st, ret, n, "no price at expiry yet"), "settle before the price exists reverts");
    st = op(X, "reclaim", c2, 0, 0, 0, ret, &n);
    CHECK(reverted_with(st, ret, n, "not settled"), "reclaim before settlement refused");
    get_series(c2, after);
    CHECK(!memcmp(before, after, 62) && ok_bal(&o, OPT, OK_BTC) == btc && ok_bal(&o, o.k[X].pk, OK_BTC) == xb,
          "refused calls left no trace (the attached collateral went back)");
    /* the price arrives at E2 + 60; settle now succeeds with it */
    ok_oracle(&o, FEED, 45000000000000, E2 + 60);
    ok_block(&o, E2 + 70, NULL);
    CHECK(op(X, "settle", c2, 0, 0, 0, NULL, NULL) == DVM_RT_CALL_OK, "settle succeeds once the price exists");
    CHECK(get_series(c2, after) && (int64_t)ld_u64(after + 30) == 45000000000000, "settled at 45,000");
    st = op(X, "reclaim", c2, 0, 0, 0, ret, &n);
    CHECK(reverted_with(st, ret, n, "nothing to reclaim"), "an outsider cannot reclaim the writer's collateral");
    /* 1,000 x 15,000 / 45,000 = 333.33 -> 333 to the long; owed 334 */
    CHECK(redeem(W, c2, &st) == 333 && reclaim(W, c2, &st) == 666, "E2: payout 333, reclaim 1000 - 334 = 666");
  }

  /* ---- E3: a settle long after expiry uses the price at expiry ---- */
  uint64_t p3 = create(K30, E3, 1);
  CHECK(op(W, "write", p3, 100000000, OK_USD, 30000000000ull, NULL, NULL) == DVM_RT_CALL_OK, "write put at E3");
  ok_oracle(&o, FEED, 25000000000000, E3);
  ok_block(&o, E3 + 1, NULL);
  ok_oracle(&o, FEED, 10000000000000, E3 + 86400 * 30);
  ok_block(&o, E3 + 86400 * 30 + 1, NULL);
  CHECK(op(X, "settle", p3, 0, 0, 0, NULL, NULL) == DVM_RT_CALL_OK, "settle 30 days late");
  /* 1 BTC x (30,000 - 25,000) = 5,000 USD = 5,000,000,000 (not 20,000 USD at the latest 10,000) */
  CHECK(redeem(W, p3, &st) == 5000000000ull, "late settle pays at the expiry price 25,000");
  CHECK(reclaim(W, p3, &st) == 25000000000ull, "and the writer gets 25,000 USD back");

  ok_close(&o);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
