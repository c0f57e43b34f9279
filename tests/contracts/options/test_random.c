/* test_random.c — a randomized run (fixed seed) of the options contract,
 * the option_pool and the vault through signed transactions: writes,
 * transfers, pool buys/sells/deposits/withdrawals, oracle moves with 50%
 * jumps, expiries, settlements, redemptions, reclaims and vault epochs,
 * batched many calls per transaction. After every block it checks:
 *   I1 every asset is conserved to the base unit over all accounts and
 *      contracts (the system account holds the fees);
 *   I2 each series' locked collateral covers the maximum payoff of its
 *      outstanding longs (before settlement) or what they are owed (after);
 *      the longs outstanding equal minted - redeemed;
 *   I3 no payout exceeds locked collateral: paid + returned <= coll_in per
 *      series, and the options contract holds at least the sum of locked
 *      collateral per asset;
 *   I4 every writer record (the pool's and the vault's included) holds full
 *      collateral for its short: the pool never sold beyond what it locked;
 *   I5 pool shares redeem to at most the pool's assets: simulated
 *      withdrawals of every provider's shares, valued at the spot, sum to at
 *      most the pool's free assets plus its locked collateral.
 * Usage: test_random OPTIONS.dvm OPTION_POOL.dvm VAULT.dvm [OPS] */
#include <stdlib.h>
#include <string.h>

#include "fx.h"
#include "opt_check.h"
#include "optkit.h"

static ok_chain o;
static uint8_t OPT[32], POOL[32], VAULT[32];
static const uint32_t FEED = 1;
static uint64_t total0[3];
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void) { /* xorshift64*, fixed seed */
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return rng * 2685821657736338717ull;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }

#define MAXS 512
typedef struct ser {
  uint64_t id, expiry;
  int64_t strike;
  int is_put;
} ser;
static ser S[MAXS];
static size_t nser;
static int64_t spot;

static uint64_t mdu(uint64_t a, uint64_t b, uint64_t c, int mode) {
  uint64_t r = 0;
  if (dvm_fx_mul_div_u64(a, b, c, mode, &r)) abort();
  return r;
}

static uint64_t addr_total(uint32_t a) {
  uint8_t zero[32] = {0};
  uint64_t t = ok_bal(&o, zero, a) + ok_bal(&o, OPT, a) + ok_bal(&o, POOL, a) + ok_bal(&o, VAULT, a);
  for (int i = 0; i < OK_KEYS; i++) t += ok_bal(&o, o.k[i].pk, a);
  return t;
}

static int storage(const uint8_t *contract, const uint8_t *key, size_t kl, uint8_t *out, size_t want) {
  uint8_t *v;
  size_t n;
  if (dvm_rt_chain_storage(o.c, contract, key, kl, &v, &n)) return 0;
  int ok = n == want;
  if (ok) memcpy(out, v, n);
  free(v);
  return ok;
}
static void be64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
}
static uint64_t long_of(uint64_t id, const uint8_t *owner) {
  uint8_t k[41], v[8];
  k[0] = 'l';
  be64(k + 1, id);
  memcpy(k + 9, owner, 32);
  return storage(OPT, k, 41, v, 8) ? ld_u64(v) : 0;
}
static int writer_of(uint64_t id, const uint8_t *owner, uint64_t *shrt, uint64_t *coll) {
  uint8_t k[41], v[16];
  k[0] = 'w';
  be64(k + 1, id);
  memcpy(k + 9, owner, 32);
  if (!storage(OPT, k, 41, v, 16)) return 0;
  *shrt = ld_u64(v);
  *coll = ld_u64(v + 8);
  return 1;
}

static const uint8_t *holder(int i) { return i < OK_KEYS ? o.k[i].pk : i == OK_KEYS ? POOL : VAULT; }
#define NHOLD (OK_KEYS + 2)

/* New series (the test's and the vault's) from the options contract's storage. */
static void discover(void) {
  uint8_t v[8], k[9], r[96];
  uint64_t n = storage(OPT, (const uint8_t *)"n", 1, v, 8) ? ld_u64(v) : 0;
  while (nser < n && nser < MAXS) {
    k[0] = 's';
    be64(k + 1, nser + 1);
    if (!storage(OPT, k, 9, r, 96)) abort();
    S[nser].id = nser + 1;
    S[nser].is_put = r[12];
    S[nser].strike = (int64_t)ld_u64(r + 16);
    S[nser].expiry = ld_u64(r + 24);
    nser++;
  }
}

/* The pool's mark of a long per whole unit (spec/contracts/option_pool.md
 * §5): intrinsic at the settlement price once settled, else Black-Scholes
 * at the spot with the default volatility. */
static int64_t mark(const ser *s, int settled, int64_t sp) {
  int64_t px = settled ? sp : spot, T = 0;
  if (!settled && o.time < s->expiry) dvm_fx_mul_div((int64_t)(s->expiry - o.time), 1000000000, 31536000, 0, &T);
  if (T > 0) {
    dvm_fx_bs_in in = {px, s->strike, T, 800000000, 50000000};
    dvm_fx_bs_out out;
    if (dvm_fx_black_scholes(&in, &out)) abort();
    return s->is_put ? out.put : out.call;
  }
  if (s->is_put) return s->strike > px ? s->strike - px : 0;
  return px > s->strike ? px - s->strike : 0;
}

static unsigned long checks_blocks;

static void invariants(void) {
  for (uint32_t a = 0; a < 3; a++) {
    uint64_t t = addr_total(a);
    CHECK(t == total0[a], "I1 asset %u: %" PRIu64 " != %" PRIu64, a, t, total0[a]);
  }
  uint64_t locked_btc = 0, locked_usd = 0, pool_locked_value = 0;
  for (size_t i = 0; i < nser; i++) {
    uint8_t k[9], r[96];
    k[0] = 's';
    be64(k + 1, S[i].id);
    if (!storage(OPT, k, 9, r, 96)) {
      CHECK(0, "series %" PRIu64 " record", S[i].id);
      continue;
    }
    int settled = r[13];
    int64_t sp = (int64_t)ld_u64(r + 32), K = S[i].strike;
    uint64_t minted = ld_u64(r + 48), coll_in = ld_u64(r + 56), paid = ld_u64(r + 64), ret = ld_u64(r + 72),
             redeemed = ld_u64(r + 80);
    CHECK(paid + ret <= coll_in, "I3 series %" PRIu64 ": paid %" PRIu64 " + returned %" PRIu64 " > in %" PRIu64, S[i].id,
          paid, ret, coll_in);
    uint64_t locked = coll_in - paid - ret;
    if (S[i].is_put) locked_usd += locked;
    else locked_btc += locked;
    uint64_t L = 0, owed = 0;
    for (int h = 0; h < NHOLD; h++) {
      uint64_t l = long_of(S[i].id, holder(h));
      L += l;
      if (h == OK_KEYS && l) pool_locked_value += mdu(l, (uint64_t)mark(&S[i], settled, sp), 100000000000ull, 0);
      if (settled && l) {
        if (!S[i].is_put && sp > K) owed += mdu(l, (uint64_t)(sp - K), (uint64_t)sp, 0);
        if (S[i].is_put && K > sp) owed += mdu(l, (uint64_t)(K - sp), 100000000000ull, 0);
      }
      uint64_t ws, wc;
      if (writer_of(S[i].id, holder(h), &ws, &wc)) {
        uint64_t full = S[i].is_put ? mdu(ws, (uint64_t)K, 100000000000ull, 1) : ws;
        CHECK(wc >= full, "I4 series %" PRIu64 " writer %d: collateral %" PRIu64 " < %" PRIu64, S[i].id, h, wc, full);
        if (h == OK_KEYS) pool_locked_value += S[i].is_put ? wc : mdu(wc, (uint64_t)spot, 100000000000ull, 0);
      }
    }
    CHECK(L == minted - redeemed, "I2 series %" PRIu64 ": longs %" PRIu64 " != minted - redeemed %" PRIu64, S[i].id, L,
          minted - redeemed);
    uint64_t maxpay = settled ? owed : S[i].is_put ? mdu(L, (uint64_t)K, 100000000000ull, 1) : L;
    CHECK(locked >= maxpay, "I2 series %" PRIu64 ": locked %" PRIu64 " < max payoff %" PRIu64, S[i].id, locked, maxpay);
  }
  CHECK(ok_bal(&o, OPT, OK_BTC) >= locked_btc && ok_bal(&o, OPT, OK_USD) >= locked_usd, "I3 options holds the locked collateral");
  /* I5 */
  uint64_t assets = ok_bal(&o, POOL, OK_USD) + mdu(ok_bal(&o, POOL, OK_BTC), (uint64_t)spot, 100000000000ull, 0) +
                    pool_locked_value, paid_value = 0;
  for (int h = 1; h < OK_KEYS; h++) {
    uint8_t hk[33], v[8];
    hk[0] = 'h';
    memcpy(hk + 1, o.k[h].pk, 32);
    if (!storage(POOL, hk, 33, v, 8)) continue;
    ok_pack p = {{0}, 0};
    uint8_t out[16];
    uint32_t n = 0;
    pk_u64(&p, ld_u64(v));
    if (ok_view(&o, h, POOL, "withdraw", p.b, p.n, out, 16, &n, NULL) == DVM_RT_CALL_OK && n == 16)
      paid_value += ld_u64(out) + mdu(ld_u64(out + 8), (uint64_t)spot, 100000000000ull, 0);
  }
  CHECK(paid_value <= assets, "I5 providers' shares redeem to %" PRIu64 " > the pool's assets %" PRIu64, paid_value, assets);
  checks_blocks++;
}

enum { OP_WRITE, OP_XFER, OP_BUY, OP_SELL, OP_PDEP, OP_PWD, OP_SETTLE, OP_REDEEM, OP_RECLAIM, OP_PSETTLE,
       OP_VDEP, OP_VWD, OP_ROLL, OP_N };
static const char *opname[OP_N] = {"write", "transfer", "pool buy", "pool sell", "pool deposit", "pool withdraw",
                                   "settle", "redeem", "reclaim", "pool settle", "vault deposit", "vault withdraw", "roll"};
static unsigned long tried[OP_N], ok_count[OP_N];

/* Inputs live until the block is produced. */
static uint8_t inbuf[1 << 20];
static size_t inat;
static uint8_t *in_alloc(const ok_pack *p) {
  uint8_t *q = inbuf + inat;
  memcpy(q, p->b, p->n);
  inat += p->n;
  return q;
}

typedef struct pending {
  int op;
  size_t tx;
  int call; /* the call index whose status counts */
} pending;

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: test_random OPTIONS.dvm OPTION_POOL.dvm VAULT.dvm [OPS]\n");
    return 2;
  }
  long ops = argc > 4 ? atol(argv[4]) : 20000;
  ok_open(&o);
  for (uint32_t a = 0; a < 3; a++) total0[a] = addr_total(a);
  ok_deploy(&o, 1, argv[1], NULL, 0, OPT);
  ok_pack ip = {{0}, 0};
  pk_addr(&ip, OPT);
  pk_u32(&ip, FEED);
  pk_u32(&ip, OK_BTC);
  pk_u32(&ip, OK_USD);
  pk_u64(&ip, 20000000);
  pk_u64(&ip, 50000000);
  ok_deploy(&o, 1, argv[2], ip.b, ip.n, POOL);
  ok_pack vp = {{0}, 0};
  pk_addr(&vp, OPT);
  pk_addr(&vp, POOL);
  pk_u32(&vp, FEED);
  pk_u32(&vp, OK_BTC);
  pk_u32(&vp, OK_USD);
  pk_u64(&vp, 2 * 86400);
  ok_deploy(&o, 1, argv[3], vp.b, vp.n, VAULT);
  spot = 30000000000000;
  int64_t iv = 800000000;
  uint8_t ivk[34] = {'i', 'v'};
  memcpy(ivk + 2, POOL, 32);
  ok_param(&o, 0, ivk, 34, &iv, 8);
  ok_oracle(&o, FEED, spot, o.time + 1);
  ok_block(&o, o.time + 1, NULL);
  /* seed liquidity: providers 1 and 2 */
  for (int h = 1; h <= 2; h++) {
    ok_call dep = {POOL, "deposit", NULL, 0, {OK_USD, OK_BTC}, {2000000000000ull, 5000000000ull}, 0};
    ok_calls(&o, h, &dep, 1);
  }
  ok_block(&o, o.time + 1, NULL);
  discover();
  invariants();

  const uint64_t STEP = 3600;
  long done = 0;
  unsigned long blocks = 0;
  pending *pend = malloc(sizeof *pend * 4096);
  while (done < ops) {
    uint64_t t = o.time + STEP;
    inat = 0;
    size_t npend = 0, ntx = 0;
    /* the oracle: +-2%, 2% of blocks a 50% jump up or down */
    int64_t move = (int64_t)below(4001) - 2000; /* +-2000 / 100000 */
    if (below(50) == 0) move = below(2) ? 50000 : -50000;
    spot += spot / 100000 * move;
    if (spot < 1000000000000) spot = 1000000000000;
    if (spot > 1000000000000000) spot = 1000000000000000;
    ok_oracle(&o, FEED, spot, t);
    ntx++;
    /* new series every 4 blocks: strike within +-20% of spot, 1-5 days */
    if (blocks % 4 == 0 && nser + 2 <= MAXS) {
      for (int put = 0; put < 2; put++) {
        int64_t K = (spot / 1000000000 * (int64_t)(80 + below(41)) / 100) * 1000000000;
        uint64_t exp = t + 86400 * (1 + below(5)) + below(3) * 1800;
        ok_pack p = {{0}, 0};
        pk_u32(&p, FEED);
        pk_u32(&p, OK_BTC);
        pk_u32(&p, OK_USD);
        pk_u64(&p, (uint64_t)K);
        pk_u64(&p, exp);
        pk_u8(&p, (uint8_t)put);
        ok_call1(&o, 7, OPT, "create_series", in_alloc(&p), p.n, 0, 0);
        ntx++;
      }
    }
    /* vault strike: 10% above spot */
    if (blocks % 12 == 0) {
      uint8_t vk[39];
      int64_t vs = spot / 1000000000 * 11 / 10 * 1000000000;
      memcpy(vk, "vstrike", 7);
      memcpy(vk + 7, VAULT, 32);
      ok_param(&o, 0, vk, 39, &vs, 8);
      ntx++;
    }
    /* users 1..6: one transaction each with a batch of calls */
    for (int u = 1; u <= 6 && done < ops; u++) {
      ok_call calls[16];
      int nc = 0;
      int nops = 6 + (int)below(6);
      for (int j = 0; j < nops && nc < 14 && done < ops; j++) {
        int op = (int)below(OP_N);
        if (op == OP_PSETTLE || op == OP_SETTLE || op == OP_REDEEM || op == OP_RECLAIM || op == OP_XFER)
          op = below(3) ? op : OP_WRITE;
        size_t si = nser ? (size_t)below(nser) : 0;
        /* prefer recent series for trading, older ones for settlement */
        if (op <= OP_SELL && nser > 16) si = nser - 1 - (size_t)below(16);
        ser *s = &S[si];
        ok_pack p = {{0}, 0};
        ok_call c = {OPT, NULL, NULL, 0, {0, 0}, {0, 0}, 3000000};
        uint64_t amt = 1 + below(50000000);
        switch (op) {
        case OP_WRITE: {
          pk_u64(&p, s->id);
          pk_u64(&p, amt);
          uint64_t need = s->is_put ? mdu(amt, (uint64_t)s->strike, 100000000000ull, 1) : amt;
          if (below(20) == 0) need -= 1; /* too little: refused */
          c.method = "write";
          c.asset[0] = s->is_put ? OK_USD : OK_BTC;
          c.amount[0] = need;
          break;
        }
        case OP_XFER:
          pk_u64(&p, s->id);
          pk_addr(&p, o.k[1 + below(6)].pk);
          pk_u64(&p, amt / 4 + 1);
          c.method = "transfer";
          break;
        case OP_BUY:
          pk_u64(&p, s->id);
          pk_u64(&p, amt / 10 + 1);
          pk_u64(&p, UINT64_MAX >> 2);
          c.contract = POOL;
          c.method = "buy";
          c.asset[0] = OK_USD;
          c.amount[0] = mdu(amt / 10 + 1, (uint64_t)spot, 100000000000ull, 1) + 1000;
          break;
        case OP_SELL: {
          ok_pack q = {{0}, 0};
          uint64_t a = amt / 10 + 1;
          pk_u64(&q, s->id);
          pk_addr(&q, POOL);
          pk_u64(&q, a);
          ok_call tr = {OPT, "transfer", in_alloc(&q), q.n, {0, 0}, {0, 0}, 3000000};
          calls[nc++] = tr;
          pk_u64(&p, s->id);
          pk_u64(&p, a);
          pk_u64(&p, 0);
          c.contract = POOL;
          c.method = "sell";
          break;
        }
        case OP_PDEP:
          c.contract = POOL;
          c.method = "deposit";
          c.asset[0] = OK_USD;
          c.asset[1] = OK_BTC;
          c.amount[0] = below(2) ? 1 + below(100000000000ull) : 0;
          c.amount[1] = c.amount[0] == 0 || below(2) ? 1 + below(1000000000) : 0;
          break;
        case OP_PWD:
          pk_u64(&p, 1 + below(50000000000ull));
          c.contract = POOL;
          c.method = "withdraw";
          break;
        case OP_SETTLE:
          pk_u64(&p, s->id);
          c.method = "settle";
          break;
        case OP_REDEEM:
          pk_u64(&p, s->id);
          c.method = "redeem";
          break;
        case OP_RECLAIM:
          pk_u64(&p, s->id);
          c.method = "reclaim";
          break;
        case OP_PSETTLE:
          pk_u64(&p, s->id);
          c.contract = POOL;
          c.method = "settle";
          break;
        case OP_VDEP:
          c.contract = VAULT;
          c.method = "deposit";
          c.asset[0] = OK_BTC;
          c.amount[0] = 1 + below(300000000);
          break;
        case OP_VWD:
          pk_u64(&p, 1 + below(100000000));
          c.contract = VAULT;
          c.method = "withdraw";
          break;
        default:
          c.contract = VAULT;
          c.method = "roll";
          c.gas = 8000000;
          break;
        }
        c.input = p.n ? in_alloc(&p) : NULL;
        c.input_len = p.n;
        pend[npend++] = (pending){op, ntx, nc};
        calls[nc++] = c;
        tried[op]++;
        done++;
      }
      if (nc) {
        ok_calls(&o, u, calls, (size_t)nc);
        ntx++;
      }
    }
    uint8_t(*ids)[32] = malloc(32 * ntx);
    ok_block(&o, t, ids);
    for (size_t i = 0; i < npend; i++) {
      ok_receipt r;
      ok_receipt_get(&o, ids[pend[i].tx], &r);
      const dvm_rt_call_receipt *cr = &r.r.calls[pend[i].call];
      if (cr->status == DVM_RT_CALL_OK) ok_count[pend[i].op]++;
      CHECK(cr->status == DVM_RT_CALL_OK || cr->status == DVM_RT_CALL_REVERT,
            "%s: status %u trap %s detail %d pc %u", opname[pend[i].op], cr->status, dvm_vm_trap_name(cr->trap),
            cr->detail, cr->pc);
      ok_receipt_free(&r);
    }
    free(ids);
    discover();
    blocks++;
    invariants();
    if (failed > 20) break;
  }
  free(pend);
  printf("%ld operations in %lu blocks, %zu series, invariants checked after %lu blocks\n", done, blocks, nser,
         checks_blocks);
  for (int i = 0; i < OP_N; i++) {
    printf("  %-15s %6lu tried %6lu succeeded\n", opname[i], tried[i], ok_count[i]);
    CHECK(ok_count[i] > 0, "%s succeeded at least once", opname[i]);
  }
  ok_close(&o);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
