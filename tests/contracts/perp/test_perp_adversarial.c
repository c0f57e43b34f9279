/* test_perp_adversarial.c — inputs an attacker would try, each refused
 * with its documented message (spec/contracts/perp.md) and the contract's
 * state unchanged (every account, market, order and stored market record
 * compared before and after):
 *   absurd prices and sizes, malformed inputs, unknown markets, reduce-only
 *   that would flip or grow a position, post-only that would cross, orders
 *   and withdrawals below the initial margin (withdrawing into a
 *   liquidation), cancelling another owner's order, liquidating a healthy
 *   account, deposits without the quote asset;
 *   self-trading: the resting order of the same owner is cancelled, never
 *   filled;
 *   a contract caller that deposits and withdraws twice in one call (the
 *   second withdrawal fails: perp writes before it transfers and makes no
 *   calls, so a callback has nothing to re-enter).
 * Usage: test_perp_adversarial PERP_DVM ATTACKER_DVM */
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

#define ONE 1000000000ll
#define USD 1000000ll
#define ETH 1000000ll

enum { AUTH, A, B, C, NKEYS };
static pk_env env;
static uint64_t known_oids[16];
static size_t nknown;

/* Everything the contract shows, as bytes. */
typedef struct digest {
  uint8_t b[8192];
  size_t n;
} digest;

static void put(digest *d, const void *p, size_t n) {
  if (d->n + n <= sizeof d->b) memcpy(d->b + d->n, p, n);
  d->n += n;
}

static void take(digest *d) {
  d->n = 0;
  for (int k = 1; k < NKEYS; k++)
    for (uint8_t s = 0; s < 2; s++) {
      pk_account a;
      int rc = pk_account_view(&env, env.keys[k].pk, s, &a);
      put(d, &rc, sizeof rc);
      put(d, &a, sizeof a);
    }
  for (uint32_t m = 1; m <= 1; m++) {
    pk_market_view mv;
    memset(&mv, 0, sizeof mv);
    pk_market_view_get(&env, m, &mv);
    put(d, &mv, sizeof mv);
    uint8_t key[5] = {'M', 0, 0, 0, (uint8_t)m}, *v;
    size_t vl;
    if (dvm_rt_chain_storage(env.c, env.perp, key, 5, &v, &vl) == 0) {
      put(d, v, vl);
      free(v);
    }
  }
  for (size_t i = 0; i < nknown; i++) {
    pk_order o;
    memset(&o, 0, sizeof o);
    int rc = pk_order_view(&env, known_oids[i], &o);
    put(d, &rc, sizeof rc);
    put(d, &o, sizeof o);
  }
  uint64_t held = 0;
  dvm_rt_chain_balance(env.c, env.perp, 1, &held);
  put(d, &held, 8);
}

static int same(const digest *x, const digest *y) { return x->n == y->n && !memcmp(x->b, y->b, x->n); }

static int reverted(const pk_receipt *r, size_t i, const char *msg) {
  if (i >= r->r.ncalls || r->r.calls[i].status != DVM_RT_CALL_REVERT) return 0;
  return r->r.calls[i].ret_len == strlen(msg) && !memcmp(r->r.calls[i].ret, msg, strlen(msg));
}

static void run_ok(pk_batch *b, size_t k, const char *what, uint64_t *oids) {
  pk_receipt r;
  size_t n = b->n;
  pk_run(&env, b, k, 1, &r);
  for (size_t i = 0; i < n; i++) {
    CHECK(r.r.calls[i].status == DVM_RT_CALL_OK, "%s: call %zu: %.*s", what, i, (int)r.r.calls[i].ret_len,
          r.r.calls[i].ret);
    if (oids) oids[i] = r.r.calls[i].ret_len == 8 ? pk_le(r.r.calls[i].ret, 8) : 0;
  }
  pk_receipt_free(&r);
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)n);
  if (fread(b, 1, (size_t)n, f) != (size_t)n) abort();
  fclose(f);
  *len = (size_t)n;
  return b;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_perp_adversarial PERP_DVM ATTACKER_DVM\n");
    return 2;
  }
  pk_open(&env, NKEYS, argv[1], NULL);
  pk_market mk = {1, 1, 10000000, 1000, 50000000, 30000000, 200000, 500000, 600, 500000, 10000000,
                  100000000000ull, 10000 * USD};
  ck_tx t[2];
  pk_tx_markets(&env, &t[0], &mk, 1);
  pk_tx_oracle(&env, &t[1], 1, 3000 * ONE);
  pk_block(&env, t, 2, 1);
  free(t[0].bytes);
  free(t[1].bytes);
  pk_batch b = {0};
  pk_receipt r;
  uint64_t oids[8];

  /* setup: B offers 1 ETH at 3001 and 1 at 3002; A bids 1 at 2999, buys 1 at 3001 */
  pk_b_deposit(&b, &env, 0, 10000 * USD);
  pk_b_place(&b, &env, 1, 0, 1, 3001 * ONE, ETH, 0, 0, 1);
  pk_b_place(&b, &env, 1, 0, 1, 3002 * ONE, ETH, 0, 0, 2);
  run_ok(&b, B, "B", oids);
  uint64_t b_ask2 = oids[2];
  pk_b_deposit(&b, &env, 0, 10000 * USD);
  pk_b_deposit(&b, &env, 1, 1000 * USD);
  pk_b_place(&b, &env, 1, 0, 0, 2999 * ONE, ETH, 0, 0, 3);
  pk_b_place(&b, &env, 1, 0, 0, 3001 * ONE, ETH, 2, 0, 4);
  run_ok(&b, A, "A", oids);
  uint64_t a_bid = oids[2];
  known_oids[nknown++] = b_ask2;
  known_oids[nknown++] = a_bid;
  pk_account ac;
  pk_account_view(&env, env.keys[A].pk, 0, &ac);
  CHECK(pk_pos_size(&ac, 1) == ETH, "A long 1 ETH");

  /* ---- refusals, one batch, state unchanged ---- */
  digest d0, d1;
  take(&d0);
  struct {
    int64_t price;
    uint64_t size;
    uint8_t side, kind, ro;
    uint32_t market;
    const char *why;
  } bad[] = {
    {0, ETH, 0, 0, 0, 1, "order: price not a positive multiple of the tick"},
    {-3000 * ONE, ETH, 0, 0, 0, 1, "order: price not a positive multiple of the tick"},
    {3000 * ONE + 5000000, ETH, 0, 0, 0, 1, "order: price not a positive multiple of the tick"},
    {(1ll << 62) + 10000000, ETH, 0, 0, 0, 1, "order: price not a positive multiple of the tick"},
    {INT64_MIN, ETH, 1, 0, 0, 1, "order: price not a positive multiple of the tick"},
    {3000 * ONE, 0, 0, 0, 0, 1, "order: size not a positive multiple of the step"},
    {3000 * ONE, 1500, 0, 0, 0, 1, "order: size not a positive multiple of the step"},
    {3000 * ONE, 1ull << 63, 0, 0, 0, 1, "order: size not a positive multiple of the step"},
    {3000 * ONE, UINT64_MAX / 1000 * 1000, 0, 0, 0, 1, "order: size not a positive multiple of the step"},
    {10000000 * ONE, 1000000000000ull, 0, 0, 0, 1, "order: notional too large"},
    {3000 * ONE, ETH, 0, 0, 0, 99, "market: no such market"},
    {3000 * ONE, ETH, 2, 0, 0, 1, "order: bad side"},
    {3000 * ONE, ETH, 0, 4, 0, 1, "order: bad kind"},
    {3000 * ONE, ETH, 0, 0, 2, 1, "order: bad reduce_only"},
    {3000 * ONE, ETH, 0, 1, 0, 1, "order: a market order has price 0"},
    {2990 * ONE, 2 * ETH, 1, 2, 1, 1, "order: reduce-only would flip the position"},
    {3010 * ONE, ETH / 2, 0, 2, 1, 1, "order: reduce-only would not reduce"},
    {2990 * ONE, ETH / 2, 1, 0, 1, 1, "order: reduce-only needs a market or IOC order"},
    {2990 * ONE, ETH / 2, 1, 3, 1, 1, "order: reduce-only needs a market or IOC order"},
    {2990 * ONE, 100 * ETH, 0, 0, 0, 1, "order: below initial margin"},
    {3002 * ONE, ETH, 0, 3, 0, 1, "order: post-only would cross"},
  };
  size_t nbad = sizeof bad / sizeof bad[0];
  for (size_t i = 0; i < nbad; i++)
    pk_b_place(&b, &env, bad[i].market, 0, bad[i].side, bad[i].price, bad[i].size, bad[i].kind, bad[i].ro, 9);
  uint8_t raw[40] = {0};
  pk_b_raw(&b, &env, "place_order", raw, 31, 0, 0);
  pk_b_raw(&b, &env, "place_order", raw, 33, 0, 0);
  pk_b_withdraw(&b, &env, 0, 20000 * USD);
  pk_b_withdraw(&b, &env, 0, 9900 * USD); /* would leave equity ~97 below IMR 150 */
  pk_b_withdraw(&b, &env, 0, 0);
  pk_b_cancel(&b, &env, b_ask2);
  pk_b_cancel(&b, &env, (uint64_t)1 << 40 | 999);
  pk_b_liquidate(&b, &env, env.keys[B].pk, 0, 1);
  pk_b_liquidate(&b, &env, env.keys[C].pk, 0, 1);
  pk_b_deposit(&b, &env, 0, 0);
  pk_b_raw(&b, &env, "deposit", raw, 1, 0, 5000); /* gas token attached, not the quote asset */
  pk_b_funding(&b, &env, 99);
  pk_b_raw(&b, &env, "cancel", raw, 7, 0, 0);
  pk_b_raw(&b, &env, "liquidate", raw, 36, 0, 0);
  const char *more[] = {
    "place_order: input must be 32 bytes",
    "place_order: input must be 32 bytes",
    "withdraw: more than the collateral",
    "withdraw: would leave the subaccount below its initial margin",
    "withdraw: bad amount",
    "cancel: not the owner of the order",
    "cancel: no such order",
    "liquidate: the subaccount is not below maintenance margin",
    "liquidate: the subaccount is not below maintenance margin", /* C has nothing: equity 0 >= MMR 0 */
    "deposit: no quote asset attached",
    "deposit: no quote asset attached",
    "market: no such market",
    "cancel: input must be 8 bytes",
    "liquidate: input must be 37 bytes",
  };
  size_t nmore = sizeof more / sizeof more[0];
  pk_run(&env, &b, A, 1, &r);
  for (size_t i = 0; i < nbad; i++)
    CHECK(reverted(&r, i, bad[i].why), "bad order %zu refused with \"%s\" (status %u: %.*s)", i, bad[i].why,
          r.r.calls[i].status, (int)r.r.calls[i].ret_len, r.r.calls[i].ret);
  for (size_t i = 0; i < nmore; i++)
    CHECK(reverted(&r, nbad + i, more[i]), "call %zu refused with \"%s\" (status %u: %.*s)", nbad + i, more[i],
          r.r.calls[nbad + i].status, (int)r.r.calls[nbad + i].ret_len, r.r.calls[nbad + i].ret);
  for (size_t i = 0; i < r.r.ncalls; i++) CHECK(r.r.calls[i].nlogs == 0, "refused call %zu left no event", i);
  pk_receipt_free(&r);
  take(&d1);
  CHECK(same(&d0, &d1), "every refusal left the contract's state unchanged");
  /* the order counter did not move: the next order gets the next id */
  pk_b_place(&b, &env, 1, 0, 0, 2990 * ONE, ETH / 10, 0, 0, 5);
  run_ok(&b, A, "A bids 0.1", oids);
  CHECK(oids[0] == ((uint64_t)1 << 40 | 5), "order ids continue at 5 (%" PRIx64 ")", oids[0]);
  known_oids[nknown++] = oids[0];

  /* ---- self-trading: A's sub 1 sells into A's own bid: the bid is cancelled, no fill ---- */
  pk_b_place(&b, &env, 1, 1, 1, 2999 * ONE, ETH, 2, 0, 6);
  pk_run(&env, &b, A, 1, &r);
  CHECK(r.r.calls[0].status == DVM_RT_CALL_OK, "self-trade IOC accepted");
  {
    int cancels = 0, fills = 0;
    for (size_t i = 0; i < r.r.calls[0].nlogs; i++) {
      const dvm_rt_log_view *l = &r.r.calls[0].logs[i];
      if (pk_is_event(l, "Fill")) fills++;
      if (pk_is_event(l, "Cancel") && l->data_len == 9 && pk_le(l->data, 8) == a_bid && l->data[8] == 1) cancels++;
    }
    CHECK(fills == 0 && cancels == 1, "the own bid at 2999 cancelled (reason 1), no fill");
  }
  pk_receipt_free(&r);
  pk_order o;
  CHECK(pk_order_view(&env, a_bid, &o) != 0, "A's bid is gone");
  pk_account_view(&env, env.keys[A].pk, 1, &ac);
  CHECK(ac.npos == 0 && ac.collateral == 1000 * USD, "A sub 1 unchanged: no position, 1000");
  /* the other, lower bid of A (2990) is also A's: the IOC at 2999 never reached it */
  CHECK(pk_order_view(&env, known_oids[2], &o) == 0 && o.remaining == ETH / 10, "A's 2990 bid still rests");

  /* ---- a contract caller: deposit, withdraw, withdraw again ---- */
  size_t alen;
  uint8_t *acode = read_file(argv[2], &alen);
  CHECK(acode != NULL, "attacker container");
  if (acode) {
    ck_tx dt[2];
    uint8_t att[32];
    dvm_tx_contract_address(env.keys[C].pk, env.nonce[C], att);
    ck_deploy(&dt[0], &env.keys[C], env.nonce[C]++, acode, alen, 0, 100000000);
    ck_transfer(&dt[1], &env.keys[C], env.nonce[C]++, att, 1, 5000, 100000);
    pk_block(&env, dt, 2, 1);
    free(dt[0].bytes);
    free(dt[1].bytes);
    uint64_t held0 = 0;
    dvm_rt_chain_balance(env.c, env.perp, 1, &held0);
    ck_call cl = {att, "run", env.perp, 32, 20000000, 0, 0};
    ck_tx ct;
    ck_calls(&ct, &env.keys[C], env.nonce[C]++, &cl, 1, 30000000);
    pk_block(&env, &ct, 1, 1);
    dvm_rt_receipt rr;
    uint8_t *rw;
    ck_receipt(env.c, ct.id, &rr, &rw);
    CHECK(rr.calls[0].status == DVM_RT_CALL_OK && rr.calls[0].r0 == (0 | 0 << 8 | 1 << 16 | 1 << 24),
          "deposit ok, withdraw ok, second withdraw refused, truncated place_order refused (r0 %08" PRIx64 ")",
          rr.calls[0].r0);
    dvm_rt_receipt_free(&rr);
    free(rw);
    free(ct.bytes);
    uint64_t held1 = 0, abal = 0;
    dvm_rt_chain_balance(env.c, env.perp, 1, &held1);
    dvm_rt_chain_balance(env.c, att, 1, &abal);
    CHECK(held1 == held0 && abal == 5000, "the contract caller got back exactly its 1000 (perp %" PRIu64
          " -> %" PRIu64 ", caller %" PRIu64 ")", held0, held1, abal);
    pk_account_view(&env, att, 0, &ac);
    CHECK(ac.collateral == 0 && ac.npos == 0, "its subaccount is empty");
    free(acode);
  }

  pk_close(&env);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
