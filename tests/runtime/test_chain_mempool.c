/* test_chain_mempool.c — what a node needs from libdvm beside the block
 * writer (runtime.h): dvm_rt_chain_check_tx refusing each bad case with
 * its exact reason and accepting good ones, agreeing with block
 * production; and queries, simulations and checks running on other
 * threads while blocks are produced, each answer consistent with the
 * heads read just before and just after it (no timing assumed).
 * Usage: test_chain_mempool CONTRACTS_DIR */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainkit.h"

static atomic_uint passed, failed;

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

static dvm_rt_chain *open_chain(char *dir, size_t dirlen, int skip_sigs) {
  dvm_rt_chain *c;
  dvm_rt_chain_opts o = {0, 1, skip_sigs};
  char e[256];
  snprintf(dir, dirlen, "/tmp/dvm-test-mempool-XXXXXX");
  if (!mkdtemp(dir)) abort();
  if (dvm_rt_chain_open(dir, &o, &c, e)) {
    fprintf(stderr, "open: %s\n", e);
    abort();
  }
  return c;
}

static void rm_dir(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
}

/* A transfer with any chain id, price and signature (the kit's are fixed). */
static void raw_transfer(ck_tx *t, const ck_key *from, const uint8_t *sender, const char *chain,
                         uint64_t nonce, uint64_t gas_limit, uint64_t gas_price) {
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.version = DVM_TX_VERSION;
  tx.kind = DVM_TX_TRANSFER;
  tx.chain_id_len = (uint8_t)strlen(chain);
  memcpy(tx.chain_id, chain, tx.chain_id_len);
  memcpy(tx.sender, sender, 32);
  tx.nonce = nonce;
  tx.gas_limit = gas_limit;
  tx.gas_price = gas_price;
  memset(tx.u.transfer.to, 7, 32);
  tx.u.transfer.amount = 1;
  int rc = from ? dvm_tx_encode_signed(&tx, from->sk, &t->bytes, &t->len) : dvm_tx_encode(&tx, &t->bytes, &t->len);
  if (rc) abort();
  memcpy(t->id, tx.id, 32);
}

/* check_tx with the expected code and reason (NULL: any reason). */
static void expect_check(dvm_rt_chain *c, const ck_tx *t, int want, const char *why, const char *what) {
  char e[256];
  dvm_rt_tx_info info;
  int rc = dvm_rt_chain_check_tx(c, t->bytes, t->len, &info, e);
  CHECK(rc == want, "%s: check_tx gives %d (%s), expected %d", what, rc, e, want);
  if (why) CHECK(!strcmp(e, why), "%s: reason '%s', expected '%s'", what, e, why);
}

static void check_cases(const char *cdir) {
  char dir[64], e[256], want[256];
  ck_key k[4];
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&k[i], i);
  char *genesis = ck_genesis(k, 3); /* key 3 holds nothing */
  dvm_rt_chain *c = open_chain(dir, sizeof dir, 0);
  ck_tx good, t;
  dvm_rt_tx_info info;
  ck_transfer(&good, &k[0], 0, k[1].pk, 1, 5, 20000);

  expect_check(c, &good, DVM_RT_ERR_GENESIS, "no genesis", "before genesis");
  CHECK(dvm_rt_chain_genesis(c, genesis, strlen(genesis)) == 0, "genesis");

  /* the good one, and what the mempool learns from it */
  memset(&info, 0xa5, sizeof info);
  CHECK(dvm_rt_chain_check_tx(c, good.bytes, good.len, &info, e) == 0, "good transfer: %s", e);
  CHECK(!memcmp(info.id, good.id, 32) && !memcmp(info.sender, k[0].pk, 32), "info id and sender");
  CHECK(info.kind == DVM_TX_TRANSFER && info.nonce == 0 && info.account_nonce == 0 && info.gas_limit == 20000 &&
            info.gas_price == 1 && info.max_fee == 20000 && info.ncalls == 1 && info.len == good.len,
        "info fields: kind %u nonce %" PRIu64 " account %" PRIu64 " max fee %" PRIu64 " ncalls %u len %u",
        info.kind, info.nonce, info.account_nonce, info.max_fee, info.ncalls, info.len);
  CHECK(dvm_rt_chain_check_tx(c, good.bytes, good.len, NULL, NULL) == 0, "info and errbuf may be NULL");
  CHECK(dvm_rt_chain_check_tx(c, NULL, 5, NULL, e) == DVM_RT_ERR_ARG, "no bytes: ERR_ARG");

  /* a later nonce waits in a mempool; a block takes only the next one */
  ck_tx later;
  ck_transfer(&later, &k[0], 3, k[1].pk, 1, 5, 20000);
  CHECK(dvm_rt_chain_check_tx(c, later.bytes, later.len, &info, e) == 0 && info.nonce == 3 && info.account_nonce == 0,
        "a later nonce passes the check: %s", e);

  /* encoding */
  expect_check(c, &(ck_tx){good.bytes, good.len - 1, {0}}, DVM_RT_ERR_TX, NULL, "truncated");
  dvm_rt_chain_check_tx(c, good.bytes, good.len - 1, NULL, e);
  CHECK(!strncmp(e, "encoding: ", 10), "truncated: reason '%s'", e);
  /* chain id */
  raw_transfer(&t, &k[0], k[0].pk, "other-chain", 0, 20000, 1);
  expect_check(c, &t, DVM_RT_ERR_TX, "chain id 'other-chain' is not 'dvm-test'", "chain id");
  free(t.bytes);
  /* signature: the last 64 bytes */
  ck_tx bad = {malloc(good.len), good.len, {0}};
  memcpy(bad.bytes, good.bytes, good.len);
  bad.bytes[good.len - 1] ^= 1;
  expect_check(c, &bad, DVM_RT_ERR_TX, "signature does not verify", "signature");
  /* intrinsic gas: 15000 + 8 per byte */
  ck_transfer(&t, &k[0], 0, k[1].pk, 1, 5, 100);
  snprintf(want, sizeof want, "gas limit 100 below the %" PRIu64 " the transaction needs", 15000 + 8 * (uint64_t)t.len);
  expect_check(c, &t, DVM_RT_ERR_TX, want, "intrinsic gas");
  free(t.bytes);
  /* calls' gas limits that overflow */
  uint8_t somewhere[32] = {9};
  ck_call two[2] = {{somewhere, "a", NULL, 0, UINT64_MAX / 2 + 1, 0, 0}, {somewhere, "b", NULL, 0, UINT64_MAX / 2 + 1, 0, 0}};
  ck_calls(&t, &k[0], 0, two, 2, UINT64_MAX);
  expect_check(c, &t, DVM_RT_ERR_TX, "gas limits overflow", "gas limits overflow");
  free(t.bytes);
  /* fee = limit x price overflows */
  raw_transfer(&t, &k[0], k[0].pk, "dvm-test", 0, DVM_GENESIS_BLOCK_GAS_LIMIT,
               UINT64_MAX / DVM_GENESIS_BLOCK_GAS_LIMIT + 1);
  CHECK(dvm_rt_chain_check_tx(c, t.bytes, t.len, &info, e) == DVM_RT_ERR_TX && info.max_fee == UINT64_MAX,
        "fee overflow: max fee %" PRIu64, info.max_fee);
  CHECK(!strcmp(e, "fee overflows"), "fee overflow: reason '%s'", e);
  free(t.bytes);
  /* fee funds */
  ck_transfer(&t, &k[3], 0, k[1].pk, 1, 5, 20000);
  expect_check(c, &t, DVM_RT_ERR_TX, "balance 0 of asset 0 below the maximum fee 20000", "fee funds");
  free(t.bytes);

  /* the block agrees: the good one in, a refused one out */
  ck_tx blk[2] = {good, bad};
  int rej[2];
  dvm_rt_block_info bi;
  CHECK(ck_block(c, blk, 2, 1700000001, rej, &bi) == 0 && rej[0] == 0 && rej[1] == DVM_RT_ERR_TX,
        "block takes what the check accepts (%d %d)", rej[0], rej[1]);
  /* now nonce 0 is spent */
  expect_check(c, &good, DVM_RT_ERR_TX, "nonce 0, expected at least 1", "stale nonce");
  CHECK(dvm_rt_chain_check_tx(c, later.bytes, later.len, &info, e) == 0 && info.account_nonce == 1,
        "account nonce after a block: %" PRIu64, info.account_nonce);
  free(later.bytes);
  free(bad.bytes);
  free(good.bytes);
  dvm_rt_chain_close(c);
  rm_dir(dir);

  /* a sender that is a contract (no key can sign for it: signatures off) */
  c = open_chain(dir, sizeof dir, 1);
  CHECK(dvm_rt_chain_genesis(c, genesis, strlen(genesis)) == 0, "genesis");
  char path[512];
  size_t vlen;
  snprintf(path, sizeof path, "%s/vault.s", cdir);
  uint8_t *code = ck_assemble(path, &vlen), vault[32];
  ck_deploy(&t, &k[1], 0, code, vlen, 100000, 10000000);
  CHECK(ck_block(c, &t, 1, 1700000001, rej, &bi) == 0 && rej[0] == 0, "deploy");
  free(t.bytes);
  dvm_tx_contract_address(k[1].pk, 0, vault);
  raw_transfer(&t, NULL, vault, "dvm-test", 0, 20000, 1);
  expect_check(c, &t, DVM_RT_ERR_TX, "sender is a contract", "contract sender");
  free(t.bytes);
  free(code);
  free(genesis);
  dvm_rt_chain_close(c);
  rm_dir(dir);
}

/* ---- readers on other threads while blocks are produced ---- */

enum { NBLOCKS = 40, NREADERS = 2 };

typedef struct shared {
  dvm_rt_chain *c;
  ck_key *k;
  uint8_t vault[32];
  uint64_t base; /* height of the block before the first counted one */
  ck_tx future; /* key 0, nonce 1000 */
  atomic_int done;
  atomic_int started;
} shared;

static uint64_t head_height(dvm_rt_chain *c) {
  uint64_t h = 0;
  if (dvm_rt_chain_head(c, &h, NULL, NULL, NULL)) return UINT64_MAX;
  return h;
}

static void *reader(void *arg) {
  shared *s = arg;
  unsigned rounds = 0;
  uint64_t last = 0;
  int stop;
  do {
    stop = s->done; /* one more round after the writer ended */
    uint64_t h1 = head_height(s->c), n = UINT64_MAX, b = UINT64_MAX, got = UINT64_MAX;
    uint8_t hash[32], bhash[32];
    uint64_t hh;
    uint8_t *sim = NULL, *blk = NULL;
    size_t simlen, blen;
    dvm_rt_receipt r;
    dvm_rt_tx_info info;
    char e[256];
    int crc;
    CHECK(h1 >= last && h1 != UINT64_MAX, "head does not go back (%" PRIu64 " after %" PRIu64 ")", h1, last);
    dvm_rt_chain_nonce(s->c, s->k[0].pk, &n);
    dvm_rt_chain_balance(s->c, s->k[3].pk, 1, &b);
    if (dvm_rt_chain_simulate(s->c, s->k[2].pk, s->vault, "get", NULL, 0, 100000, &sim, &simlen) == 0 &&
        dvm_rt_receipt_decode(sim, simlen, &r) == 0) {
      if (r.ncalls == 1 && r.calls[0].status == DVM_RT_CALL_OK && r.calls[0].ret_len == 8)
        memcpy(&got, r.calls[0].ret, 8);
      dvm_rt_receipt_free(&r);
    }
    free(sim);
    crc = dvm_rt_chain_check_tx(s->c, s->future.bytes, s->future.len, &info, e);
    /* a head and its block, read by two calls: the block of that height is final */
    CHECK(dvm_rt_chain_head(s->c, &hh, hash, NULL, NULL) == 0 && dvm_rt_chain_block(s->c, hh, &blk, &blen) == 0,
          "head and its block");
    dvm_tx_block_header hd;
    if (blk && dvm_tx_block_header_decode(blk, blen < DVM_BLOCK_HEADER_BYTES ? blen : DVM_BLOCK_HEADER_BYTES, &hd, e,
                                          sizeof e) == 0) {
      dvm_tx_block_hash(&hd, bhash);
      CHECK(hd.height == hh && !memcmp(bhash, hash, 32), "block %" PRIu64 " hashes to the head's hash", hh);
    } else {
      CHECK(0, "block %" PRIu64 " decodes", hh);
    }
    free(blk);
    uint64_t h2 = head_height(s->c);
    /* every block after base moves key 0's nonce, key 3's USD and the counter by one */
    CHECK(h1 - s->base <= n && n <= h2 - s->base, "nonce %" PRIu64 " between heads %" PRIu64 "..%" PRIu64, n, h1, h2);
    CHECK(h1 - s->base <= b && b <= h2 - s->base, "balance %" PRIu64 " between heads %" PRIu64 "..%" PRIu64, b, h1, h2);
    CHECK(h1 - s->base <= got && got <= h2 - s->base, "simulated get %" PRIu64 " between heads %" PRIu64 "..%" PRIu64,
          got, h1, h2);
    CHECK(crc == 0 && h1 - s->base <= info.account_nonce && info.account_nonce <= h2 - s->base,
          "check_tx of a later nonce: %d (%s), account nonce %" PRIu64, crc, e, info.account_nonce);
    last = h2;
    if (!rounds++) s->started++;
  } while (!stop);
  CHECK(last == s->base + NBLOCKS, "the last round saw the last block (%" PRIu64 ")", last);
  return NULL;
}

static void check_threads(const char *cdir) {
  char dir[64], path[512];
  ck_key k[4];
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&k[i], i);
  char *genesis = ck_genesis(k, 3);
  shared s;
  memset(&s, 0, sizeof s);
  s.c = open_chain(dir, sizeof dir, 0);
  s.k = k;
  CHECK(dvm_rt_chain_genesis(s.c, genesis, strlen(genesis)) == 0, "genesis");
  size_t vlen;
  snprintf(path, sizeof path, "%s/vault.s", cdir);
  uint8_t *code = ck_assemble(path, &vlen);
  ck_tx t;
  int rej[2];
  dvm_rt_block_info bi;
  ck_deploy(&t, &k[1], 0, code, vlen, 100000, 10000000);
  CHECK(ck_block(s.c, &t, 1, 1700000001, rej, &bi) == 0 && rej[0] == 0, "deploy");
  free(t.bytes);
  free(code);
  dvm_tx_contract_address(k[1].pk, 0, s.vault);
  s.base = head_height(s.c);
  ck_transfer(&s.future, &k[0], 1000, k[1].pk, 1, 5, 20000);

  pthread_t th[NREADERS];
  for (int i = 0; i < NREADERS; i++)
    if (pthread_create(&th[i], NULL, reader, &s)) abort();
  while (s.started < NREADERS) sched_yield(); /* every reader has done a round */
  for (uint64_t b = 0; b < NBLOCKS; b++) {
    ck_tx txs[2];
    ck_transfer(&txs[0], &k[0], b, k[3].pk, 1, 1, 20000);
    ck_call inc = {s.vault, "inc", NULL, 0, 100000, 0, 0};
    ck_calls(&txs[1], &k[2], b, &inc, 1, 1000000);
    int rc = ck_block(s.c, txs, 2, 1700000002 + b, rej, &bi);
    CHECK(rc == 0 && rej[0] == 0 && rej[1] == 0, "block %" PRIu64 ": %d %s", b, rc, dvm_rt_chain_errmsg(s.c));
    free(txs[0].bytes);
    free(txs[1].bytes);
  }
  s.done = 1;
  for (int i = 0; i < NREADERS; i++) pthread_join(th[i], NULL);
  free(s.future.bytes);
  free(genesis);
  dvm_rt_chain_close(s.c);
  rm_dir(dir);
}

int main(int argc, char **argv) {
  const char *cdir = argc > 1 ? argv[1] : "tests/runtime/contracts";
  check_cases(cdir);
  check_threads(cdir);
  printf("test_chain_mempool: %u passed, %u failed\n", (unsigned)passed, (unsigned)failed);
  return failed ? 1 : 0;
}
