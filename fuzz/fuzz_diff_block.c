/* fuzz_diff_block.c — blocks executed two ways must agree (issue #5).
 *
 * Every input is a short chain: genesis (tests/common/chainkit.c: keys 0..3
 * funded in GAS, USD, BTC, key 0 the authority), a fixed first block that
 * deploys the supervisor test contracts (tests/runtime/contracts: vault,
 * bouncer, deep) and fuzz/contracts/fuzzkit.s (fixed-point math, storage
 * writes, walks and deletes, hashing, heap growth and logs on input-chosen
 * arguments), then up to 6 blocks of up to 12 transactions chosen by
 * the fuzz bytes: transfers (to keys, contracts, unknown addresses, unknown
 * assets), call batches (any method of the contracts or none, inputs that
 * name other contracts, attached assets, small to large gas), deploys
 * (a test contract again, or garbage code), oracle updates (from the
 * authority or not), with right or wrong nonces, and block times that
 * advance or go back.
 *
 * Chain A produces every block straight through; chain B closes and
 * reopens its LMDB state before every block. Both must give the same
 * result code, block hash, state root, receipts root, inclusion counts,
 * gas, per-transaction rejections, encoded blocks and receipts; at the end
 * both audits (root recomputed from all entries) must match the head.
 *
 * Input layout (progen_src: missing bytes read as 0): [0] number of
 * blocks after the deploy block (% 7); per block: [time step] [tx count
 * % 13], per transaction: [kind] then its fields (see make_tx). */
#define _GNU_SOURCE 1 /* nftw, mkdtemp */
#include <errno.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chainkit.h"
#include "fuzz.h"
#include "progen.h"

#ifndef DVM_SOURCE_DIR
#error "DVM_SOURCE_DIR must name the source tree (tests/runtime/contracts)"
#endif

#define NKEYS 4
#define NCONTRACTS 4
#define MAX_BLOCKS 6
#define MAX_TXS 12

/* tests/runtime/contracts (the supervisor tests') and fuzz/contracts. */
static const char *const contract_files[NCONTRACTS] = {
    "tests/runtime/contracts/vault.s", "tests/runtime/contracts/bouncer.s",
    "tests/runtime/contracts/deep.s", "fuzz/contracts/fuzzkit.s"};
static const char *const methods[] = {
    "init", "inc", "get", "fail", "trap", "deposit", "withdraw", "spin", "recurse", "wild_read",
    "write_rodata", "write_input", "host_ptr", "heap_big", "heap_ok", "call_inc", "call_boom",
    "call_ping", "price", "boom", "ping", "deep", "nope"};
#define NMETHODS (sizeof methods / sizeof methods[0])
static const char *const kit_methods[] = {"fx", "put", "del", "walk", "hash", "grow", "emit", "nope"};

static struct {
  int ready;
  ck_key keys[NKEYS];
  char *genesis;
  uint8_t *code[NCONTRACTS];
  size_t code_len[NCONTRACTS];
  uint8_t addr[NCONTRACTS][32]; /* deployed by key 1, nonces 0..2 */
  char base[256];
} g;

static void cleanup(void);

static void setup(void) {
  char path[1024];
  const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  for (uint32_t i = 0; i < NKEYS; i++) ck_key_make(&g.keys[i], i);
  g.genesis = ck_genesis(g.keys, NKEYS);
  for (int i = 0; i < NCONTRACTS; i++) {
    snprintf(path, sizeof path, "%s/%s", DVM_SOURCE_DIR, contract_files[i]);
    g.code[i] = ck_assemble(path, &g.code_len[i]);
    dvm_tx_contract_address(g.keys[1].pk, (uint64_t)i, g.addr[i]);
  }
  snprintf(g.base, sizeof g.base, "%s/dvm-fuzz-block-XXXXXX", tmp);
  if (!mkdtemp(g.base)) FUZZ_FAIL("mkdtemp %s: %s", g.base, strerror(errno));
  atexit(cleanup);
  g.ready = 1;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f) {
  (void)st;
  (void)flag;
  (void)f;
  return remove(p);
}

static void cleanup(void) {
  if (g.base[0]) nftw(g.base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void fresh_dir(char *out, size_t cap, const char *name) {
  snprintf(out, cap, "%s/%s", g.base, name);
  nftw(out, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  if (mkdir(out, 0700)) FUZZ_FAIL("mkdir %s: %s", out, strerror(errno));
}

static dvm_rt_chain *open_chain(const char *dir) {
  dvm_rt_chain *c = NULL;
  char err[256] = "";
  dvm_rt_chain_opts o;
  memset(&o, 0, sizeof o);
  o.threads = 1;
  o.map_size_initial = 16u << 20;
  int rc = dvm_rt_chain_open(dir, &o, &c, err);
  if (rc || !c) FUZZ_FAIL("dvm_rt_chain_open(%s): %d %s", dir, rc, err);
  return c;
}

typedef struct chainx {
  ck_key *keys;
  uint64_t nonce[NKEYS];   /* committed: the next nonce the chain expects */
  uint64_t pending[NKEYS]; /* including the transactions of the block being built */
} chainx;

static const uint64_t gas_table[8] = {1500, 6000, 12000, 30000, 60000, 200000, 1000000, 3000000};

static void make_tx(progen_src *s, chainx *x, ck_tx *t, uint32_t *signer) {
  uint8_t kind = progen_u8(s), who = progen_u8(s) % NKEYS, nb = progen_u8(s);
  uint64_t nonce = x->pending[who];
  if (nb >= 240) nonce += (uint64_t)(nb & 3) - 1; /* a wrong nonce, sometimes */
  else x->pending[who]++;
  uint64_t gas = gas_table[progen_u8(s) & 7];
  ck_key *k = &x->keys[who];
  *signer = who;
  switch (kind % 8) {
  case 0:
  case 1: { /* transfer */
    uint8_t to[32], ts = progen_u8(s);
    if (ts % 3 == 0) memcpy(to, x->keys[ts % NKEYS].pk, 32);
    else if (ts % 3 == 1) memcpy(to, g.addr[ts % NCONTRACTS], 32);
    else memset(to, ts, 32);
    uint32_t asset = progen_u8(s) % 4; /* 3: unknown */
    uint64_t amount = progen_u8(s) < 250 ? progen_u32(s) : progen_u64(s);
    if (!amount) amount = 1; /* the codec refuses zero transfers */
    ck_transfer(t, k, nonce, to, asset, amount, gas);
    break;
  }
  case 2:
  case 3:
  case 4: { /* call batch */
    ck_call calls[4];
    static uint8_t inputs[4][64];
    size_t n = 1 + progen_u8(s) % 4;
    for (size_t i = 0; i < n; i++) {
      uint8_t c = progen_u8(s), m = progen_u8(s), in = progen_u8(s);
      calls[i].contract = c % 8 == 7 ? x->keys[0].pk : g.addr[c % NCONTRACTS];
      calls[i].method = c % NCONTRACTS == 3 && c % 8 != 7 ? kit_methods[m % 8] : methods[m % NMETHODS];
      memset(inputs[i], 0, sizeof inputs[i]);
      uint32_t len = in % 65;
      if (in & 0x80) { /* another contract's address first (call_inc, call_ping...) */
        memcpy(inputs[i], g.addr[in % NCONTRACTS], 32);
        if (len < 32) len = 32;
        for (uint32_t b = 32; b < len; b++) inputs[i][b] = progen_u8(s);
      } else {
        for (uint32_t b = 0; b < len; b++) inputs[i][b] = progen_u8(s);
      }
      calls[i].input = inputs[i];
      calls[i].input_len = len;
      calls[i].gas = gas_table[progen_u8(s) & 7] / 2 + 1;
      uint8_t a = progen_u8(s);
      calls[i].asset = a % 3;
      calls[i].amount = a >= 200 ? (uint64_t)(a - 199) * 1000 : 0;
    }
    ck_calls(t, k, nonce, calls, n, gas * 4);
    break;
  }
  case 5:
  case 6: { /* deploy */
    uint8_t w = progen_u8(s);
    if (w % 4 == 3) {
      uint8_t junk[64];
      size_t len = 1 + progen_u8(s) % sizeof junk;
      for (size_t b = 0; b < len; b++) junk[b] = progen_u8(s);
      if (w & 0x80) memcpy(junk, "DVMC", len < 4 ? len : 4);
      ck_deploy(t, k, nonce, junk, len, gas / 2, gas * 4);
    } else {
      ck_deploy(t, k, nonce, g.code[w % NCONTRACTS], g.code_len[w % NCONTRACTS], gas / 2, gas * 8);
    }
    break;
  }
  default: { /* oracle update: key 0 is the authority */
    uint32_t feed = progen_u8(s) % 4;
    int64_t price = (int64_t)progen_u64(s);
    uint64_t when = 1700000000u + progen_u8(s);
    when += (uint64_t)progen_u8(s) << 8;
    ck_oracle(t, k, nonce, feed, price, when, gas);
    break;
  }
  }
}

typedef struct outcome {
  int rc;
  dvm_rt_block_info info;
  int rejected[MAX_TXS + NCONTRACTS];
  uint8_t *block;
  size_t block_len;
} outcome;

static void produce(dvm_rt_chain *c, ck_tx *txs, size_t n, uint64_t time, outcome *o) {
  const uint8_t *b[MAX_TXS + NCONTRACTS];
  size_t l[MAX_TXS + NCONTRACTS];
  for (size_t i = 0; i < n; i++) {
    b[i] = txs[i].bytes;
    l[i] = txs[i].len;
  }
  memset(o, 0, sizeof *o);
  for (size_t i = 0; i < n; i++) o->rejected[i] = 12345;
  o->rc = dvm_rt_chain_produce(c, b, l, n, time, o->rejected, &o->info, &o->block, &o->block_len);
}

static void hex32(char *out, const uint8_t *h) { dvm_hex_encode(h, 32, out); }

static void compare(const outcome *a, const outcome *b, size_t n, int blk, const char *errA,
                    const char *errB) {
  const char *what = NULL;
  if (a->rc != b->rc) what = "result code";
  else if (a->rc == 0 && memcmp(&a->info, &b->info, sizeof a->info)) what = "block info (hash, roots, counts, gas)";
  else if (a->rc == 0 && memcmp(a->rejected, b->rejected, n * sizeof a->rejected[0])) what = "rejected transactions";
  else if (a->rc == 0 && (a->block_len != b->block_len || memcmp(a->block, b->block, a->block_len)))
    what = "encoded block";
  if (!what) return;
  char ha[65], hb[65], ra[65], rb[65];
  hex32(ha, a->info.hash);
  hex32(hb, b->info.hash);
  hex32(ra, a->info.state_root);
  hex32(rb, b->info.state_root);
  FUZZ_FAIL("block %d: straight-through and close/reopen differ in %s\n"
            "A: rc=%d (%s) height=%llu included=%u rejected=%u gas=%llu hash=%s root=%s\n"
            "B: rc=%d (%s) height=%llu included=%u rejected=%u gas=%llu hash=%s root=%s",
            blk, what, a->rc, errA, (unsigned long long)a->info.height, a->info.included,
            a->info.rejected, (unsigned long long)a->info.gas_used, ha, ra, b->rc, errB,
            (unsigned long long)b->info.height, b->info.included, b->info.rejected,
            (unsigned long long)b->info.gas_used, hb, rb);
}

static void audit(dvm_rt_chain *c, const char *who) {
  uint8_t head_root[32], audit_root[32];
  if (dvm_rt_chain_head(c, NULL, NULL, head_root, NULL)) FUZZ_FAIL("%s: no head", who);
  int rc = dvm_rt_chain_audit(c, audit_root);
  if (rc || memcmp(head_root, audit_root, 32))
    FUZZ_FAIL("%s: audit %d (%s): recomputed root differs from the head's", who, rc,
              dvm_rt_chain_errmsg(c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char dir_a[512], dir_b[512];
  static ck_tx txs[MAX_BLOCKS + 1][MAX_TXS + NCONTRACTS];
  size_t ntx[MAX_BLOCKS + 1];
  static int included[MAX_BLOCKS + 1][MAX_TXS + NCONTRACTS];
  if (!g.ready) setup();
  if (size > 4096) return 0;
  progen_src s = {data, size, 0};
  chainx x;
  memset(&x, 0, sizeof x);
  x.keys = g.keys;

  fresh_dir(dir_a, sizeof dir_a, "a");
  fresh_dir(dir_b, sizeof dir_b, "b");
  dvm_rt_chain *a = open_chain(dir_a), *b = open_chain(dir_b);
  int ga = dvm_rt_chain_genesis(a, g.genesis, strlen(g.genesis));
  int gb = dvm_rt_chain_genesis(b, g.genesis, strlen(g.genesis));
  if (ga || gb) FUZZ_FAIL("genesis: %d %s / %d %s", ga, dvm_rt_chain_errmsg(a), gb, dvm_rt_chain_errmsg(b));

  int nblocks = 1 + progen_u8(&s) % (MAX_BLOCKS + 1);
  uint64_t time = 1700000000u;
  for (int blk = 0; blk < nblocks; blk++) {
    size_t n = 0;
    uint32_t signer[MAX_TXS + NCONTRACTS];
    if (blk == 0) { /* the test contracts, at known addresses */
      for (int i = 0; i < NCONTRACTS; i++) {
        ck_deploy(&txs[0][n], &g.keys[1], (uint64_t)i, g.code[i], g.code_len[i], 100000, 3000000);
        signer[n++] = 1;
      }
      time += 5;
    } else {
      uint8_t step = progen_u8(&s);
      time = step >= 250 && time > 1700000000u ? time - (uint64_t)(step - 249) : time + step % 16;
      size_t want = progen_u8(&s) % (MAX_TXS + 1);
      for (; n < want; n++) make_tx(&s, &x, &txs[blk][n], &signer[n]);
    }
    ntx[blk] = n;

    outcome oa, ob;
    char ea[512], eb[512];
    produce(a, txs[blk], n, time, &oa);
    snprintf(ea, sizeof ea, "%s", oa.rc ? dvm_rt_chain_errmsg(a) : "");
    dvm_rt_chain_close(b); /* the other way: from disk, every block */
    b = open_chain(dir_b);
    produce(b, txs[blk], n, time, &ob);
    snprintf(eb, sizeof eb, "%s", ob.rc ? dvm_rt_chain_errmsg(b) : "");
    compare(&oa, &ob, n, blk, ea, eb);
    if (getenv("DVM_FUZZ_VERBOSE")) {
      fprintf(stderr, "block %d: %zu txs, rc %d %s, included %u, rejected %u, gas %llu:", blk, n,
              oa.rc, ea, oa.info.included, oa.info.rejected, (unsigned long long)oa.info.gas_used);
      for (size_t i = 0; i < n; i++) fprintf(stderr, " %d", oa.rejected[i]);
      fprintf(stderr, "\n");
    }
    for (size_t i = 0; i < n; i++) {
      included[blk][i] = oa.rc == 0 && oa.rejected[i] == 0;
      if (included[blk][i]) x.nonce[signer[i]]++;
    }
    if (blk == 0 && (oa.rc || oa.info.included != NCONTRACTS))
      FUZZ_FAIL("the deploy block failed: rc %d included %u (%s)", oa.rc, oa.info.included, ea);
    if (blk == 0) x.nonce[1] = NCONTRACTS;
    memcpy(x.pending, x.nonce, sizeof x.pending);
    free(oa.block);
    free(ob.block);
  }

  /* Receipts of every included transaction, byte for byte. */
  for (int blk = 0; blk < nblocks; blk++)
    for (size_t i = 0; i < ntx[blk]; i++) {
      if (!included[blk][i]) continue;
      uint8_t *ra = NULL, *rb = NULL;
      size_t la = 0, lb = 0;
      int rca = dvm_rt_chain_receipt(a, txs[blk][i].id, &ra, &la);
      int rcb = dvm_rt_chain_receipt(b, txs[blk][i].id, &rb, &lb);
      if (rca || rcb) FUZZ_FAIL("block %d tx %zu: included but no receipt (A %d, B %d)", blk, i, rca, rcb);
      if (la != lb || memcmp(ra, rb, la))
        FUZZ_FAIL("block %d tx %zu: receipts differ (%zu vs %zu bytes)", blk, i, la, lb);
      dvm_rt_receipt r;
      if (dvm_rt_receipt_decode(ra, la, &r)) FUZZ_FAIL("block %d tx %zu: stored receipt does not decode", blk, i);
      dvm_rt_receipt_free(&r);
      free(ra);
      free(rb);
    }
  audit(a, "A");
  audit(b, "B");
  for (int blk = 0; blk < nblocks; blk++)
    for (size_t i = 0; i < ntx[blk]; i++) free(txs[blk][i].bytes);
  dvm_rt_chain_close(a);
  dvm_rt_chain_close(b);
  return 0;
}
