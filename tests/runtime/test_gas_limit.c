/* test_gas_limit.c — bounded block time (spec/tx.md §7, §8.1): the
 * attacks of issue 8 built as signed transactions, each refused or run
 * within its gas, and block production against a block gas limit over a
 * randomized mix, every block checked from its header and receipts and
 * applied on a replica.
 *   - free gas where genesis does not allow it: refused by check_tx, left
 *     out of a produced block, and a block holding it refused by apply;
 *   - a gas limit far above the block gas limit (2^64-1 into a loop):
 *     refused the same way, on every chain, even one with free gas;
 *   - price 0 on a chain that allows it: runs, but within the block gas
 *     limit: a second looping transaction waits for the next block;
 *   - a block whose transactions exceed the limit, and headers whose
 *     gas_limit or gas_used lie: refused by apply;
 *   - dvm_rt_chain_gas_rules reads the genesis rules back (none before
 *     genesis; the same after a block and a reopen).
 * Usage: test_gas_limit CONTRACTS_DIR */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainkit.h"

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

static const char *cdir;
static ck_key k[4];

static dvm_rt_chain *new_chain(char *dir, size_t dirlen, const char *genesis) {
  dvm_rt_chain *c;
  char e[256];
  snprintf(dir, dirlen, "/tmp/dvm-test-gas-XXXXXX");
  if (!mkdtemp(dir)) abort();
  if (dvm_rt_chain_open(dir, NULL, &c, e)) {
    fprintf(stderr, "open: %s\n", e);
    abort();
  }
  if (dvm_rt_chain_genesis(c, genesis, strlen(genesis))) {
    fprintf(stderr, "genesis: %s\n", dvm_rt_chain_errmsg(c));
    abort();
  }
  return c;
}

static void drop_chain(dvm_rt_chain *c, const char *dir) {
  char cmd[256];
  dvm_rt_chain_close(c);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
}

static uint64_t bal0(dvm_rt_chain *c, const uint8_t *a) {
  uint64_t v = 0;
  dvm_rt_chain_balance(c, a, 0, &v);
  return v;
}

static uint64_t nonce_of(dvm_rt_chain *c, const uint8_t *a) {
  uint64_t v = 0;
  dvm_rt_chain_nonce(c, a, &v);
  return v;
}

/* One call of `method` with its own gas, at any gas limit and price. */
static void mk_call(ck_tx *t, const ck_key *from, uint64_t nonce, const uint8_t *contract, const char *method,
                    uint64_t call_gas, uint64_t gas_limit, uint64_t price) {
  dvm_tx tx;
  dvm_tx_call call;
  memset(&tx, 0, sizeof tx);
  memset(&call, 0, sizeof call);
  tx.version = DVM_TX_VERSION;
  tx.kind = DVM_TX_CALL;
  tx.chain_id_len = (uint8_t)strlen("dvm-test");
  memcpy(tx.chain_id, "dvm-test", tx.chain_id_len);
  memcpy(tx.sender, from->pk, 32);
  tx.nonce = nonce;
  tx.gas_limit = gas_limit;
  tx.gas_price = price;
  memcpy(call.contract, contract, 32);
  call.method = method;
  call.method_len = (uint8_t)strlen(method);
  call.gas_limit = call_gas;
  tx.u.call.count = 1;
  tx.u.call.calls = &call;
  if (dvm_tx_encode_signed(&tx, from->sk, &t->bytes, &t->len)) abort();
  memcpy(t->id, tx.id, 32);
}

static void mk_transfer(ck_tx *t, const ck_key *from, uint64_t nonce, uint64_t gas_limit, uint64_t price) {
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.version = DVM_TX_VERSION;
  tx.kind = DVM_TX_TRANSFER;
  tx.chain_id_len = (uint8_t)strlen("dvm-test");
  memcpy(tx.chain_id, "dvm-test", tx.chain_id_len);
  memcpy(tx.sender, from->pk, 32);
  tx.nonce = nonce;
  tx.gas_limit = gas_limit;
  tx.gas_price = price;
  memset(tx.u.transfer.to, 0x5a, 32);
  tx.u.transfer.asset = 1;
  tx.u.transfer.amount = 7;
  if (dvm_tx_encode_signed(&tx, from->sk, &t->bytes, &t->len)) abort();
  memcpy(t->id, tx.id, 32);
}

/* Produce from txs; the block's encoding is kept in *blk (caller frees). */
static int produce(dvm_rt_chain *c, ck_tx *txs, size_t n, uint64_t time, int *rej, dvm_rt_block_info *info,
                   uint8_t **blk, size_t *blen) {
  const uint8_t *b[256];
  size_t l[256];
  if (n > 256) abort();
  for (size_t i = 0; i < n; i++) b[i] = txs[i].bytes, l[i] = txs[i].len;
  return dvm_rt_chain_produce(c, b, l, n, time, rej, info, blk, blen);
}

static void expect_check(dvm_rt_chain *c, const ck_tx *t, const char *why, const char *what) {
  char e[256];
  int rc = dvm_rt_chain_check_tx(c, t->bytes, t->len, NULL, e);
  CHECK(rc == DVM_RT_ERR_TX && !strcmp(e, why), "%s: check_tx %d '%s', expected '%s'", what, rc, e, why);
}

/* Deploy the vault (spin: an endless loop; inc) from k[0] with nonce 0. */
static void deploy_vault(dvm_rt_chain *c, uint8_t vault[32], uint8_t **blk, size_t *blen) {
  char path[512];
  size_t len;
  snprintf(path, sizeof path, "%s/vault.s", cdir);
  uint8_t *code = ck_assemble(path, &len);
  ck_tx t;
  int rej[1];
  dvm_rt_block_info info;
  ck_deploy(&t, &k[0], 0, code, len, 100000, 200000 + 60 * len);
  int rc = produce(c, &t, 1, 1700000001, rej, &info, blk, blen);
  CHECK(rc == 0 && rej[0] == 0, "deploy: %d %d %s", rc, rej[0], dvm_rt_chain_errmsg(c));
  dvm_tx_contract_address(k[0].pk, 0, vault);
  free(t.bytes);
  free(code);
}

static int header_of(const uint8_t *blk, size_t blen, dvm_tx_block_header *h) {
  char e[128];
  return blen < DVM_BLOCK_HEADER_BYTES || dvm_tx_block_header_decode(blk, DVM_BLOCK_HEADER_BYTES, h, e, sizeof e);
}

/* ---- 1. the default chain: gas price at least 1, block gas limit 10^9 ---- */
static void default_chain(void) {
  char dir[64];
  char *g = ck_genesis(k, 4);
  dvm_rt_chain *c = new_chain(dir, sizeof dir, g);
  uint8_t vault[32], *blk = NULL;
  size_t blen;
  deploy_vault(c, vault, &blk, &blen);
  dvm_tx_block_header h;
  CHECK(!header_of(blk, blen, &h) && h.gas_limit == DVM_GENESIS_BLOCK_GAS_LIMIT && h.gas_limit == 1000000000u,
        "the default block gas limit is in the header: %" PRIu64, h.gas_limit);
  free(blk);
  /* The attack: price 0, gas limit 2^64-1, into a loop. */
  ck_tx a[3];
  mk_call(&a[0], &k[1], 0, vault, "spin", UINT64_MAX - 100000, UINT64_MAX, 0);
  expect_check(c, &a[0], "gas price 0 below the chain's minimum 1", "free gas");
  /* Paid, but a gas limit far above the block's. */
  mk_call(&a[1], &k[2], 0, vault, "spin", UINT64_MAX - 100000, UINT64_MAX, 1);
  expect_check(c, &a[1], "gas limit 18446744073709551615 above the block gas limit 1000000000", "huge gas limit");
  /* One above the block's. */
  mk_call(&a[2], &k[3], 0, vault, "spin", 1000000000u - 30000, 1000000001u, 1);
  expect_check(c, &a[2], "gas limit 1000000001 above the block gas limit 1000000000", "gas limit one above");
  int rej[3];
  dvm_rt_block_info info;
  int rc = produce(c, a, 3, 1700000002, rej, &info, NULL, NULL);
  CHECK(rc == 0 && info.included == 0 && info.gas_used == 0 && rej[0] == DVM_RT_ERR_TX && rej[1] == DVM_RT_ERR_TX &&
            rej[2] == DVM_RT_ERR_TX,
        "all three left out of the block: rc %d included %u rejected %d %d %d", rc, info.included, rej[0], rej[1],
        rej[2]);
  CHECK(nonce_of(c, k[1].pk) == 0 && nonce_of(c, k[2].pk) == 0 && nonce_of(c, k[3].pk) == 0,
        "nothing of them executed (nonces 0)");
  for (int i = 0; i < 3; i++) free(a[i].bytes);
  drop_chain(c, dir);
  free(g);
}

/* ---- 2. a dev chain with free gas, still bounded by its block gas limit ---- */
#define DEV_G 2000000u

static void dev_chain(void) {
  char dir[64], rdir[64], pdir[64];
  char *g = ck_genesis_gas(k, 4, DEV_G, 0);
  char *gp = ck_genesis_gas(k, 4, DEV_G, 1); /* the same chain, gas paid */
  dvm_rt_chain *c = new_chain(dir, sizeof dir, g);
  dvm_rt_chain *rep = new_chain(rdir, sizeof rdir, g);
  dvm_rt_chain *paid = new_chain(pdir, sizeof pdir, gp);
  uint8_t vault[32], *b1, *b2, *b3;
  size_t l1, l2, l3;
  deploy_vault(c, vault, &b1, &l1);
  CHECK(dvm_rt_chain_apply(rep, b1, l1, NULL) == 0, "replica applies block 1: %s", dvm_rt_chain_errmsg(rep));
  CHECK(dvm_rt_chain_apply(paid, b1, l1, NULL) == 0, "the paid chain applies block 1 (its deploy paid): %s",
        dvm_rt_chain_errmsg(paid));

  ck_tx big;
  mk_call(&big, &k[1], 0, vault, "spin", UINT64_MAX - 100000, UINT64_MAX, 0);
  expect_check(c, &big, "gas limit 18446744073709551615 above the block gas limit 2000000", "free but huge");
  free(big.bytes);

  /* Two free transactions, each as large as a block, into the loop. */
  ck_tx s[2];
  mk_call(&s[0], &k[1], 0, vault, "spin", DEV_G - 30000, DEV_G, 0);
  mk_call(&s[1], &k[2], 0, vault, "spin", DEV_G - 30000, DEV_G, 0);
  CHECK(dvm_rt_chain_check_tx(c, s[0].bytes, s[0].len, NULL, NULL) == 0, "free gas accepted where genesis says 0");
  uint64_t before1 = bal0(c, k[1].pk);
  int rej[2];
  dvm_rt_block_info info;
  int rc = produce(c, s, 2, 1700000002, rej, &info, &b2, &l2);
  CHECK(rc == 0 && rej[0] == 0 && rej[1] == DVM_RT_ERR_FULL && info.included == 1,
        "the second waits for the next block: rc %d rej %d %d", rc, rej[0], rej[1]);
  dvm_rt_receipt r;
  uint8_t *raw;
  ck_receipt(c, s[0].id, &r, &raw);
  uint64_t intrinsic = r.gas_used - r.calls[0].gas_used;
  CHECK(r.status == DVM_RT_CALL_TRAP && r.calls[0].trap == DVM_TRAP_OUT_OF_GAS &&
            r.calls[0].gas_used == DEV_G - 30000 && r.gas_used <= DEV_G && r.fee == 0,
        "the loop stops at its gas: trap %u, call gas %" PRIu64 ", gas %" PRIu64 ", fee %" PRIu64, r.calls[0].trap,
        r.calls[0].gas_used, r.gas_used, r.fee);
  CHECK(intrinsic == 15000 + 8 * s[0].len + 500, "intrinsic gas %" PRIu64, intrinsic);
  CHECK(bal0(c, k[1].pk) == before1, "free: the sender paid nothing");
  dvm_rt_receipt_free(&r);
  free(raw);
  dvm_tx_block_header h;
  CHECK(!header_of(b2, l2, &h) && h.gas_limit == DEV_G && h.gas_used == info.gas_used && h.gas_used <= DEV_G &&
            h.gas_used == DEV_G - 30000 + intrinsic,
        "header: gas limit %" PRIu64 ", gas used %" PRIu64, h.gas_limit, h.gas_used);

  /* A block holding both (crafted: no producer makes it) is refused. */
  {
    uint8_t hash1[32], ids[2][32];
    dvm_rt_chain_head(rep, NULL, hash1, NULL, NULL);
    dvm_tx_block_header x;
    memset(&x, 0, sizeof x);
    x.version = DVM_BLOCK_VERSION;
    x.height = 2;
    memcpy(x.parent, hash1, 32);
    x.time = 1700000002;
    memcpy(ids[0], s[0].id, 32);
    memcpy(ids[1], s[1].id, 32);
    dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])ids, 2, x.tx_root);
    x.gas_limit = DEV_G;
    x.gas_used = DEV_G;
    const uint8_t *tb[2] = {s[0].bytes, s[1].bytes};
    uint32_t tl[2] = {(uint32_t)s[0].len, (uint32_t)s[1].len};
    uint8_t *bad;
    size_t bl;
    CHECK(dvm_tx_block_encode(&x, tb, tl, 2, &bad, &bl) == 0, "crafted block encodes");
    rc = dvm_rt_chain_apply(rep, bad, bl, NULL);
    CHECK(rc == DVM_RT_ERR_BLOCK && strstr(dvm_rt_chain_errmsg(rep), "transaction 1 exceeds the block gas limit: gas "
                                                                      "limit 2000000 above the"),
          "over the block gas limit refused: %d %s", rc, dvm_rt_chain_errmsg(rep));
    free(bad);
  }
  /* Headers that lie about gas. */
  {
    uint8_t *t = malloc(l2);
    memcpy(t, b2, l2);
    t[145] ^= 1; /* gas_limit */
    rc = dvm_rt_chain_apply(rep, t, l2, NULL);
    CHECK(rc == DVM_RT_ERR_BLOCK && strstr(dvm_rt_chain_errmsg(rep), "gas limit 2000001 is not the chain's 2000000"),
          "wrong header gas limit refused: %s", dvm_rt_chain_errmsg(rep));
    memcpy(t, b2, l2);
    t[153] ^= 1; /* gas_used */
    rc = dvm_rt_chain_apply(rep, t, l2, NULL);
    CHECK(rc == DVM_RT_ERR_BLOCK && strstr(dvm_rt_chain_errmsg(rep), "gas used differs"),
          "wrong header gas used refused: %s", dvm_rt_chain_errmsg(rep));
    free(t);
  }
  CHECK(dvm_rt_chain_apply(rep, b2, l2, NULL) == 0, "the true block 2 applies: %s", dvm_rt_chain_errmsg(rep));
  /* The chain that wants a price refuses the free block. */
  rc = dvm_rt_chain_apply(paid, b2, l2, NULL);
  CHECK(rc == DVM_RT_ERR_BLOCK &&
            strstr(dvm_rt_chain_errmsg(paid), "transaction 0 is invalid: gas price 0 below the chain's minimum 1"),
        "a free transaction makes a block invalid where genesis wants a price: %s", dvm_rt_chain_errmsg(paid));
  CHECK(dvm_rt_chain_check_tx(paid, s[1].bytes, s[1].len, NULL, NULL) == DVM_RT_ERR_TX, "and its mempool refuses it");

  /* The deferred one goes into the next block. */
  rc = produce(c, &s[1], 1, 1700000003, rej, &info, &b3, &l3);
  CHECK(rc == 0 && rej[0] == 0 && info.gas_used <= DEV_G, "deferred transaction included next: %d %d", rc, rej[0]);
  CHECK(dvm_rt_chain_apply(rep, b3, l3, NULL) == 0, "replica applies block 3: %s", dvm_rt_chain_errmsg(rep));
  uint8_t h1[32], h2[32];
  dvm_rt_chain_head(c, NULL, h1, NULL, NULL);
  dvm_rt_chain_head(rep, NULL, h2, NULL, NULL);
  CHECK(!memcmp(h1, h2, 32), "replica head = producer head");
  /* A simulation gets at most the block gas limit. */
  uint8_t *sim;
  size_t sl;
  CHECK(dvm_rt_chain_simulate(c, k[1].pk, vault, "spin", NULL, 0, UINT64_MAX, &sim, &sl) == 0 &&
            dvm_rt_receipt_decode(sim, sl, &r) == 0,
        "simulate");
  CHECK(r.calls[0].trap == DVM_TRAP_OUT_OF_GAS && r.calls[0].gas_used == DEV_G,
        "a simulation's gas is cut to the block gas limit: %" PRIu64, r.calls[0].gas_used);
  dvm_rt_receipt_free(&r);
  free(sim);
  free(s[0].bytes);
  free(s[1].bytes);
  free(b1);
  free(b2);
  free(b3);
  drop_chain(c, dir);
  drop_chain(rep, rdir);
  drop_chain(paid, pdir);
  free(g);
  free(gp);
}

/* ---- 3. a randomized mix against a block gas limit ---- */
#define MIX_G 3000000u
#define MIX_SENDERS 3
#define MIX_PER 40

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(uint64_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng % n;
}

static void random_mix(void) {
  char dir[64], rdir[64];
  char *g = ck_genesis_gas(k, 4, MIX_G, 1);
  dvm_rt_chain *c = new_chain(dir, sizeof dir, g);
  dvm_rt_chain *rep = new_chain(rdir, sizeof rdir, g);
  uint8_t vault[32], *b;
  size_t bl;
  deploy_vault(c, vault, &b, &bl);
  CHECK(dvm_rt_chain_apply(rep, b, bl, NULL) == 0, "mix: replica block 1");
  free(b);
  /* Senders 1..3 (k[0] deployed: its nonce is 1), MIX_PER transactions each. */
  static ck_tx q[MIX_SENDERS][MIX_PER];
  static uint64_t lim[MIX_SENDERS][MIX_PER];
  for (int s = 0; s < MIX_SENDERS; s++)
    for (int i = 0; i < MIX_PER; i++) {
      const ck_key *key = &k[s + 1];
      switch (rnd(3)) {
      case 0:
        lim[s][i] = 20000 + rnd(40000);
        mk_transfer(&q[s][i], key, (uint64_t)i, lim[s][i], 1 + rnd(3));
        break;
      case 1: { /* a loop that runs out of its gas */
        uint64_t cg = 1000 + rnd(MIX_G - 20000);
        lim[s][i] = cg + 30000 + rnd(5000);
        mk_call(&q[s][i], key, (uint64_t)i, vault, "spin", cg, lim[s][i], 1);
        break;
      }
      default: /* a short call with a generous limit */
        lim[s][i] = 40000 + rnd(MIX_G - 40000);
        mk_call(&q[s][i], key, (uint64_t)i, vault, "inc", lim[s][i] - 30000, lim[s][i], 2);
        break;
      }
    }
  /* A sender that only tries gas limits above the block's: never included. */
  ck_tx over;
  mk_call(&over, &k[0], 1, vault, "spin", MIX_G, MIX_G + 1 + rnd(1000000), 1);
  int next[MIX_SENDERS] = {0};
  unsigned blocks = 0, full_seen = 0, total_in = 0;
  uint64_t t = 1700000002;
  while (blocks < 400) {
    ck_tx cand[1 + MIX_SENDERS * MIX_PER];
    int who[1 + MIX_SENDERS * MIX_PER], rej[1 + MIX_SENDERS * MIX_PER];
    size_t n = 0;
    /* over first, then the senders' pending ones interleaved, nonce order kept */
    cand[n] = over, who[n++] = -1;
    for (int round = 0; round < MIX_PER; round++)
      for (int s = 0; s < MIX_SENDERS; s++)
        if (next[s] + round < MIX_PER) cand[n] = q[s][next[s] + round], who[n++] = s * MIX_PER + next[s] + round;
    if (n == 1) break;
    dvm_rt_block_info info;
    int rc = produce(c, cand, n, t++, rej, &info, &b, &bl);
    CHECK(rc == 0, "mix: produce %d %s", rc, dvm_rt_chain_errmsg(c));
    if (rc) break;
    blocks++;
    CHECK(rej[0] == DVM_RT_ERR_TX, "mix: a gas limit above the block's is invalid (%d)", rej[0]);
    dvm_tx_block_header h;
    CHECK(!header_of(b, bl, &h) && h.gas_limit == MIX_G && h.gas_used == info.gas_used && h.gas_used <= MIX_G,
          "mix block %" PRIu64 ": gas used %" PRIu64 " of %" PRIu64, info.height, h.gas_used, h.gas_limit);
    /* Each included transaction fitted: gas used before it + its limit <= G;
     * the receipts add up to the header. */
    uint64_t used = 0;
    unsigned in = 0;
    int fulls = 0, bad_order = 0;
    for (size_t i = 1; i < n; i++) {
      int s = who[i] / MIX_PER, j = who[i] % MIX_PER;
      if (rej[i] == 0) {
        dvm_rt_receipt r;
        uint8_t *raw;
        if (fulls) bad_order = 1; /* nothing is included after a full one */
        CHECK(used + lim[s][j] <= MIX_G, "mix: transaction fits the gas left (%" PRIu64 " + %" PRIu64 ")", used,
              lim[s][j]);
        ck_receipt(c, q[s][j].id, &r, &raw);
        CHECK(r.gas_used <= lim[s][j], "mix: receipt gas within the transaction's limit");
        used += r.gas_used;
        dvm_rt_receipt_free(&r);
        free(raw);
        in++;
        next[s]++;
      } else {
        CHECK(rej[i] == DVM_RT_ERR_FULL, "mix: a valid transaction is only ever deferred (%d)", rej[i]);
        fulls++;
      }
    }
    CHECK(!bad_order, "mix: production stops at the first transaction that does not fit");
    CHECK(used == h.gas_used && in == info.included, "mix: receipts sum to the header's gas used (%" PRIu64
          " vs %" PRIu64 ")", used, h.gas_used);
    if (fulls) {
      full_seen++;
      CHECK(in > 0, "mix: a block with deferred transactions holds at least one");
    }
    total_in += in;
    CHECK(dvm_rt_chain_apply(rep, b, bl, NULL) == 0, "mix: replica applies block %" PRIu64 ": %s", info.height,
          dvm_rt_chain_errmsg(rep));
    free(b);
  }
  CHECK(total_in == MIX_SENDERS * MIX_PER && full_seen > 0,
        "mix: every transaction included in the end (%u) over %u blocks, %u of them full", total_in, blocks,
        full_seen);
  uint8_t h1[32], h2[32];
  dvm_rt_chain_head(c, NULL, h1, NULL, NULL);
  dvm_rt_chain_head(rep, NULL, h2, NULL, NULL);
  CHECK(!memcmp(h1, h2, 32), "mix: replica head = producer head");
  printf("mix: %u transactions in %u blocks (%u full by gas), block gas limit %u\n", total_in, blocks, full_seen,
         MIX_G);
  for (int s = 0; s < MIX_SENDERS; s++)
    for (int i = 0; i < MIX_PER; i++) free(q[s][i].bytes);
  free(over.bytes);
  drop_chain(c, dir);
  drop_chain(rep, rdir);
  free(g);
}

/* ---- 4. genesis: the keys, their defaults and their ranges ---- */
static void genesis_rules(void) {
  char *g = ck_genesis_gas(k, 1, 0, 1), e[256];
  dvm_tx_genesis p;
  CHECK(dvm_tx_genesis_parse(g, strlen(g), &p, e, sizeof e) == DVM_TX_ERR_JSON &&
            !strcmp(e, "block_gas_limit: zero (a block could hold nothing)"),
        "block gas limit 0 refused: %s", e);
  free(g);
  g = ck_genesis(k, 1);
  CHECK(dvm_tx_genesis_parse(g, strlen(g), &p, e, sizeof e) == 0 && p.block_gas_limit == 1000000000u &&
            p.min_gas_price == 1,
        "defaults: block gas limit 10^9, minimum gas price 1");
  dvm_tx_genesis_free(&p);
  free(g);
  g = ck_genesis_gas(k, 1, UINT64_MAX, 0);
  CHECK(dvm_tx_genesis_parse(g, strlen(g), &p, e, sizeof e) == 0 && p.block_gas_limit == UINT64_MAX &&
            p.min_gas_price == 0,
        "written out: 2^64-1 and 0 (%s)", e);
  dvm_tx_genesis_free(&p);
  free(g);
}

/* ---- 5. dvm_rt_chain_gas_rules: what a node reads (dvm abci's proposals) ---- */
static void gas_rules_query(void) {
  char dir[64], e[256];
  dvm_rt_chain *c;
  uint64_t g = 7, p = 7;
  snprintf(dir, sizeof dir, "/tmp/dvm-test-gas-XXXXXX");
  if (!mkdtemp(dir) || dvm_rt_chain_open(dir, NULL, &c, e)) abort();
  CHECK(dvm_rt_chain_gas_rules(c, &g, &p) == DVM_RT_ERR_GENESIS && g == 7 && p == 7,
        "before genesis: ERR_GENESIS, nothing written (%" PRIu64 " %" PRIu64 ")", g, p);
  char *gen = ck_genesis_gas(k, 4, DEV_G, 0);
  CHECK(dvm_rt_chain_genesis(c, gen, strlen(gen)) == 0, "dev genesis: %s", dvm_rt_chain_errmsg(c));
  CHECK(dvm_rt_chain_gas_rules(c, &g, &p) == 0 && g == DEV_G && p == 0,
        "dev chain: %" PRIu64 " %" PRIu64, g, p);
  CHECK(dvm_rt_chain_gas_rules(c, NULL, &p) == 0 && dvm_rt_chain_gas_rules(c, &g, NULL) == 0 && g == DEV_G &&
            p == 0,
        "either pointer may be NULL");
  /* after a block, and after a reopen: the same rules (META chain.gas) */
  ck_tx t;
  mk_transfer(&t, &k[1], 0, 100000, 0);
  int rej[1];
  dvm_rt_block_info info;
  CHECK(produce(c, &t, 1, 1700000002, rej, &info, NULL, NULL) == 0 && info.included == 1, "block 1: %d", rej[0]);
  free(t.bytes);
  dvm_rt_chain_close(c);
  if (dvm_rt_chain_open(dir, NULL, &c, e)) abort();
  g = p = 7;
  CHECK(dvm_rt_chain_gas_rules(c, &g, &p) == 0 && g == DEV_G && p == 0, "reopened at block 1: %" PRIu64 " %" PRIu64,
        g, p);
  drop_chain(c, dir);
  free(gen);
  gen = ck_genesis(k, 4);
  c = new_chain(dir, sizeof dir, gen);
  CHECK(dvm_rt_chain_gas_rules(c, &g, &p) == 0 && g == DVM_GENESIS_BLOCK_GAS_LIMIT && p == DVM_GENESIS_MIN_GAS_PRICE &&
            g == 1000000000u && p == 1,
        "default chain: %" PRIu64 " %" PRIu64, g, p);
  drop_chain(c, dir);
  free(gen);
}

int main(int argc, char **argv) {
  cdir = argc > 1 ? argv[1] : "tests/runtime/contracts";
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&k[i], i);
  genesis_rules();
  default_chain();
  dev_chain();
  random_mix();
  gas_rules_query();
  printf("test_gas_limit: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
