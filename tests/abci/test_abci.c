/* test_abci.c — `dvm abci` without CometBFT (issue 12):
 *   codec     requests captured from CometBFT v0.38.26 (tests/abci/frames/,
 *             recorded with DVM_ABCI_CAPTURE) decode to the expected fields;
 *   semantics InitChain / CheckTx / PrepareProposal / ProcessProposal /
 *             FinalizeBlock / Commit / Info / Query / snapshots on a fresh
 *             data directory, results and app hashes equal to a reference
 *             chain's; a restart between FinalizeBlock and Commit reports
 *             the previous height and answers the replayed block identically
 *             without executing it twice;
 *   gas       the genesis' block gas limit and minimum gas price decide
 *             proposals (no flag of the server's), and the finalized block
 *             holds all that PrepareProposal kept;
 *   framing   a socket client: unknown and malformed requests get an
 *             Exception and the connection goes on; truncated frames,
 *             oversize and overlong length prefixes close only that
 *             connection; a FinalizeBlock dropped mid-frame commits nothing.
 * Usage: test_abci FRAMES_DIR COUNTER.s */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "abci.h"
#include "abci.pb-c.h"
#include "chainkit.h"
#include "runtime.h"

static int failures;
#define CHECK(c)                                                              \
  do {                                                                        \
    if (!(c)) {                                                               \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);   \
      failures++;                                                             \
    }                                                                         \
  } while (0)

static uint8_t *slurp(const char *dir, const char *name, size_t *len) {
  char p[4096];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "rb");
  if (!f) {
    perror(p);
    exit(1);
  }
  static uint8_t buf[1 << 20];
  *len = fread(buf, 1, sizeof buf, f);
  fclose(f);
  uint8_t *b = malloc(*len ? *len : 1);
  memcpy(b, buf, *len);
  return b;
}

static Dvmabci__Request *frame(const char *dir, const char *name) {
  size_t n;
  uint8_t *b = slurp(dir, name, &n);
  Dvmabci__Request *q = dvmabci__request__unpack(NULL, n, b);
  free(b);
  if (!q) {
    fprintf(stderr, "%s does not decode\n", name);
    exit(1);
  }
  return q;
}

/* ---- requests in process ---- */

static Dvmabci__Response *call(dvm_abci *a, const Dvmabci__Request *q, int *rc) {
  size_t n = dvmabci__request__get_packed_size(q), rl;
  uint8_t *b = malloc(n ? n : 1), *resp;
  dvmabci__request__pack(q, b);
  int r = dvm_abci_handle(a, b, n, &resp, &rl);
  if (rc) *rc = r;
  free(b);
  Dvmabci__Response *out = dvmabci__response__unpack(NULL, rl, resp);
  free(resp);
  if (!out) {
    fprintf(stderr, "response does not decode\n");
    exit(1);
  }
  return out;
}

static Dvmabci__Response *raw_call(dvm_abci *a, const uint8_t *b, size_t n, uint8_t **enc, size_t *enc_len) {
  uint8_t *resp;
  size_t rl;
  CHECK(dvm_abci_handle(a, b, n, &resp, &rl) == 0);
  Dvmabci__Response *out = dvmabci__response__unpack(NULL, rl, resp);
  if (enc) {
    *enc = resp;
    *enc_len = rl;
  } else {
    free(resp);
  }
  return out;
}

static Dvmabci__Response *info(dvm_abci *a) {
  Dvmabci__Request q = DVMABCI__REQUEST__INIT;
  Dvmabci__RequestInfo x = DVMABCI__REQUEST_INFO__INIT;
  q.value_case = DVMABCI__REQUEST__VALUE_INFO;
  q.info = &x;
  return call(a, &q, NULL);
}

static Dvmabci__Response *check_tx(dvm_abci *a, const ck_tx *t) {
  Dvmabci__Request q = DVMABCI__REQUEST__INIT;
  Dvmabci__RequestCheckTx x = DVMABCI__REQUEST_CHECK_TX__INIT;
  x.tx.data = t->bytes;
  x.tx.len = t->len;
  q.value_case = DVMABCI__REQUEST__VALUE_CHECK_TX;
  q.check_tx = &x;
  return call(a, &q, NULL);
}

static void fill_txs(ProtobufCBinaryData *d, ck_tx *const *t, size_t n) {
  for (size_t i = 0; i < n; i++) {
    d[i].data = t[i]->bytes;
    d[i].len = t[i]->len;
  }
}

static uint8_t *pack_finalize(ck_tx *const *t, size_t n, int64_t height, int64_t secs, size_t *len) {
  Dvmabci__Request q = DVMABCI__REQUEST__INIT;
  Dvmabci__RequestFinalizeBlock x = DVMABCI__REQUEST_FINALIZE_BLOCK__INIT;
  Dvmabci__Timestamp ts = DVMABCI__TIMESTAMP__INIT;
  ProtobufCBinaryData d[16];
  fill_txs(d, t, n);
  x.txs = d;
  x.n_txs = n;
  x.height = height;
  ts.seconds = secs;
  ts.nanos = 123456789;
  x.time = &ts;
  q.value_case = DVMABCI__REQUEST__VALUE_FINALIZE_BLOCK;
  q.finalize_block = &x;
  *len = dvmabci__request__get_packed_size(&q);
  uint8_t *b = malloc(*len);
  dvmabci__request__pack(&q, b);
  return b;
}

static Dvmabci__Response *query(dvm_abci *a, const char *path, const uint8_t *d, size_t n) {
  Dvmabci__Request q = DVMABCI__REQUEST__INIT;
  Dvmabci__RequestQuery x = DVMABCI__REQUEST_QUERY__INIT;
  x.path = (char *)path;
  x.data.data = (uint8_t *)d;
  x.data.len = n;
  q.value_case = DVMABCI__REQUEST__VALUE_QUERY;
  q.query = &x;
  return call(a, &q, NULL);
}

static uint64_t rd64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

static void tmpdir(char *out) {
  strcpy(out, "/tmp/dvm-abci-test-XXXXXX");
  if (!mkdtemp(out)) {
    perror("mkdtemp");
    exit(1);
  }
}

static void rmdir_r(const char *d) {
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", d);
}

/* ---- codec: frames captured from CometBFT ---- */

static void test_codec(const char *frames) {
  Dvmabci__Request *q = frame(frames, "info.bin");
  CHECK(q->value_case == DVMABCI__REQUEST__VALUE_INFO);
  CHECK(!strcmp(q->info->version, "0.38.26"));
  CHECK(!strcmp(q->info->abci_version, "2.0.0"));
  CHECK(q->info->block_version == 11 && q->info->p2p_version == 8);
  dvmabci__request__free_unpacked(q, NULL);

  q = frame(frames, "init_chain.bin");
  CHECK(q->value_case == DVMABCI__REQUEST__VALUE_INIT_CHAIN);
  CHECK(!strcmp(q->init_chain->chain_id, "dvm-abci-test"));
  CHECK(q->init_chain->initial_height == 1);
  CHECK(q->init_chain->time && q->init_chain->time->seconds > 1700000000);
  /* app_state is the DVM genesis of chainkit with keys 0 and 1 */
  ck_key k[2];
  ck_key_make(&k[0], 0);
  ck_key_make(&k[1], 1);
  char *g = ck_genesis(k, 2);
  dvm_rt_chain *c1 = NULL, *c2 = NULL;
  char d1[64], d2[64], err[256];
  tmpdir(d1);
  tmpdir(d2);
  CHECK(dvm_rt_chain_open(d1, NULL, &c1, err) == 0 && dvm_rt_chain_open(d2, NULL, &c2, err) == 0);
  CHECK(dvm_rt_chain_genesis(c1, g, strlen(g)) == 0);
  CHECK(dvm_rt_chain_genesis(c2, (const char *)q->init_chain->app_state_bytes.data,
                             q->init_chain->app_state_bytes.len) == 0);
  uint8_t r1[32], r2[32];
  dvm_rt_chain_head(c1, NULL, NULL, r1, NULL);
  dvm_rt_chain_head(c2, NULL, NULL, r2, NULL);
  CHECK(!memcmp(r1, r2, 32));
  dvm_rt_chain_close(c1);
  dvm_rt_chain_close(c2);
  rmdir_r(d1);
  rmdir_r(d2);
  free(g);
  dvmabci__request__free_unpacked(q, NULL);

  /* the deploy of the counter by key 0 travels through check, proposal and
   * finalize: the same bytes in each (decided_last_commit etc. skipped) */
  q = frame(frames, "check_tx.bin");
  CHECK(q->value_case == DVMABCI__REQUEST__VALUE_CHECK_TX && q->check_tx->type == 0);
  ProtobufCBinaryData deploy = q->check_tx->tx;
  Dvmabci__Request *p = frame(frames, "prepare_proposal.bin");
  CHECK(p->value_case == DVMABCI__REQUEST__VALUE_PREPARE_PROPOSAL);
  CHECK(p->prepare_proposal->n_txs == 1 && p->prepare_proposal->max_tx_bytes == 22016007 /* default block bytes less overhead */);
  CHECK(p->prepare_proposal->txs[0].len == deploy.len &&
        !memcmp(p->prepare_proposal->txs[0].data, deploy.data, deploy.len));
  Dvmabci__Request *pp = frame(frames, "process_proposal.bin");
  CHECK(pp->value_case == DVMABCI__REQUEST__VALUE_PROCESS_PROPOSAL);
  CHECK(pp->process_proposal->height == p->prepare_proposal->height);
  CHECK(pp->process_proposal->n_txs == 1 && pp->process_proposal->hash.len == 32);
  Dvmabci__Request *f = frame(frames, "finalize_block.bin");
  CHECK(f->value_case == DVMABCI__REQUEST__VALUE_FINALIZE_BLOCK);
  CHECK(f->finalize_block->height == pp->process_proposal->height);
  CHECK(f->finalize_block->hash.len == 32 &&
        !memcmp(f->finalize_block->hash.data, pp->process_proposal->hash.data, 32));
  CHECK(f->finalize_block->n_txs == 1 && f->finalize_block->txs[0].len == deploy.len &&
        !memcmp(f->finalize_block->txs[0].data, deploy.data, deploy.len));
  CHECK(f->finalize_block->time && f->finalize_block->time->seconds == pp->process_proposal->time->seconds);
  dvm_tx tx;
  char e[160];
  CHECK(dvm_tx_decode(deploy.data, deploy.len, &tx, e, sizeof e) == 0);
  CHECK(tx.kind == DVM_TX_DEPLOY && tx.nonce == 0 && !memcmp(tx.sender, k[0].pk, 32));
  dvm_tx_free(&tx);
  dvmabci__request__free_unpacked(f, NULL);
  dvmabci__request__free_unpacked(pp, NULL);
  dvmabci__request__free_unpacked(p, NULL);
  dvmabci__request__free_unpacked(q, NULL);

  q = frame(frames, "commit.bin");
  CHECK(q->value_case == DVMABCI__REQUEST__VALUE_COMMIT);
  dvmabci__request__free_unpacked(q, NULL);
  q = frame(frames, "flush.bin");
  CHECK(q->value_case == DVMABCI__REQUEST__VALUE_FLUSH);
  dvmabci__request__free_unpacked(q, NULL);
  q = frame(frames, "query.bin");
  CHECK(q->value_case == DVMABCI__REQUEST__VALUE_QUERY && !strcmp(q->query->path, "/receipt"));
  CHECK(q->query->data.len == 32);
  dvmabci__request__free_unpacked(q, NULL);
}

/* ---- semantics ---- */

static void test_semantics(const char *frames, const char *counter_src) {
  char dir[64], ref[64], err[256];
  tmpdir(dir);
  tmpdir(ref);
  dvm_abci_opts o;
  memset(&o, 0, sizeof o);
  o.data_dir = dir;
  o.threads = 1;
  dvm_abci *a, *a2;
  CHECK(dvm_abci_open(&o, &a, err) == 0);
  /* one server per data directory */
  CHECK(dvm_abci_open(&o, &a2, err) != 0 && strstr(err, "held by another process"));

  Dvmabci__Response *r = info(a);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_INFO && r->info->last_block_height == 0 &&
        r->info->last_block_app_hash.len == 0);
  dvmabci__response__free_unpacked(r, NULL);

  /* InitChain: the captured request; the app hash is the genesis root */
  size_t n;
  uint8_t *b = slurp(frames, "init_chain.bin", &n);
  r = raw_call(a, b, n, NULL, NULL);
  Dvmabci__Request *ic = dvmabci__request__unpack(NULL, n, b);
  free(b);
  dvm_rt_chain *rc_;
  CHECK(dvm_rt_chain_open(ref, NULL, &rc_, err) == 0);
  CHECK(dvm_rt_chain_genesis(rc_, (const char *)ic->init_chain->app_state_bytes.data,
                             ic->init_chain->app_state_bytes.len) == 0);
  uint8_t root[32];
  dvm_rt_chain_head(rc_, NULL, NULL, root, NULL);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_INIT_CHAIN && r->init_chain->app_hash.len == 32 &&
        !memcmp(r->init_chain->app_hash.data, root, 32));
  dvmabci__response__free_unpacked(r, NULL);
  /* InitChain again at height 0 (a crash before CometBFT saved it): same answer */
  b = slurp(frames, "init_chain.bin", &n);
  r = raw_call(a, b, n, NULL, NULL);
  free(b);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_INIT_CHAIN && !memcmp(r->init_chain->app_hash.data, root, 32));
  dvmabci__response__free_unpacked(r, NULL);
  {
    /* the genesis applied is kept as DIR/genesis.json (for a replay) */
    size_t gl;
    uint8_t *g = slurp(dir, "genesis.json", &gl);
    CHECK(gl == ic->init_chain->app_state_bytes.len && !memcmp(g, ic->init_chain->app_state_bytes.data, gl));
    free(g);
  }
  dvmabci__request__free_unpacked(ic, NULL);

  ck_key k0, k1;
  ck_key_make(&k0, 0);
  ck_key_make(&k1, 1);
  size_t code_len;
  uint8_t *code = ck_assemble(counter_src, &code_len);
  uint8_t caddr[32];
  dvm_tx_contract_address(k1.pk, 0, caddr);
  ck_tx dep, t0, t1, t2, bad, add;
  ck_deploy(&dep, &k1, 0, code, code_len, 0, 1000000);
  ck_transfer(&t0, &k0, 0, k1.pk, 1, 1000, 100000);
  ck_transfer(&t1, &k0, 1, k1.pk, 1, 2000, 100000);
  ck_transfer(&t2, &k0, 2, k1.pk, 1, 4000, 100000);
  ck_transfer(&bad, &k0, 1, k1.pk, 1, 9, 100000);
  bad.bytes[bad.len - 1] ^= 1; /* signature no longer verifies */
  uint8_t in[8] = {7};
  ck_call cc = {caddr, "add", in, 8, 100000, 0, 0};
  ck_calls(&add, &k0, 3, &cc, 1, 200000);

  /* CheckTx */
  r = check_tx(a, &t0);
  CHECK(r->check_tx->code == 0 && r->check_tx->gas_wanted == 100000);
  dvmabci__response__free_unpacked(r, NULL);
  r = check_tx(a, &t2); /* a future nonce waits in the mempool */
  CHECK(r->check_tx->code == 0);
  dvmabci__response__free_unpacked(r, NULL);
  r = check_tx(a, &bad);
  CHECK(r->check_tx->code == DVM_ABCI_CODE_REJECTED && strlen(r->check_tx->log) > 0);
  dvmabci__response__free_unpacked(r, NULL);

  /* PrepareProposal: [t0, t2 (gap), bad, t1, dep] -> [t0, t1, dep] */
  {
    Dvmabci__Request q = DVMABCI__REQUEST__INIT;
    Dvmabci__RequestPrepareProposal x = DVMABCI__REQUEST_PREPARE_PROPOSAL__INIT;
    ProtobufCBinaryData d[5];
    ck_tx *l[5] = {&t0, &t2, &bad, &t1, &dep};
    fill_txs(d, l, 5);
    x.txs = d;
    x.n_txs = 5;
    x.max_tx_bytes = 1 << 20;
    x.height = 1;
    q.value_case = DVMABCI__REQUEST__VALUE_PREPARE_PROPOSAL;
    q.prepare_proposal = &x;
    r = call(a, &q, NULL);
    CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_PREPARE_PROPOSAL && r->prepare_proposal->n_txs == 3);
    if (r->prepare_proposal->n_txs == 3) {
      CHECK(r->prepare_proposal->txs[0].len == t0.len && !memcmp(r->prepare_proposal->txs[0].data, t0.bytes, t0.len));
      CHECK(r->prepare_proposal->txs[1].len == t1.len && !memcmp(r->prepare_proposal->txs[1].data, t1.bytes, t1.len));
      CHECK(r->prepare_proposal->txs[2].len == dep.len);
    }
    dvmabci__response__free_unpacked(r, NULL);
    /* the size limit: room for the first transaction only */
    x.max_tx_bytes = (int64_t)t0.len + 3;
    r = call(a, &q, NULL);
    CHECK(r->prepare_proposal->n_txs == 1);
    dvmabci__response__free_unpacked(r, NULL);
  }
  /* ProcessProposal */
  {
    Dvmabci__Request q = DVMABCI__REQUEST__INIT;
    Dvmabci__RequestProcessProposal x = DVMABCI__REQUEST_PROCESS_PROPOSAL__INIT;
    ProtobufCBinaryData d[3];
    ck_tx *good[3] = {&t0, &t1, &dep}, *withbad[2] = {&t0, &bad}, *gap[1] = {&t1};
    q.value_case = DVMABCI__REQUEST__VALUE_PROCESS_PROPOSAL;
    q.process_proposal = &x;
    x.txs = d;
    fill_txs(d, good, 3);
    x.n_txs = 3;
    r = call(a, &q, NULL);
    CHECK(r->process_proposal->status == 1);
    dvmabci__response__free_unpacked(r, NULL);
    fill_txs(d, withbad, 2);
    x.n_txs = 2;
    r = call(a, &q, NULL);
    CHECK(r->process_proposal->status == 2);
    dvmabci__response__free_unpacked(r, NULL);
    fill_txs(d, gap, 1);
    x.n_txs = 1;
    r = call(a, &q, NULL);
    CHECK(r->process_proposal->status == 2);
    dvmabci__response__free_unpacked(r, NULL);
  }

  /* FinalizeBlock 1: [t0, bad, t1, dep] — every transaction gets a result;
   * the app hash and gas equal the reference chain's for the same list */
  ck_tx *b1[4] = {&t0, &bad, &t1, &dep};
  b = pack_finalize(b1, 4, 1, 1700000100, &n);
  r = raw_call(a, b, n, NULL, NULL);
  free(b);
  ck_tx refl[4] = {t0, bad, t1, dep};
  int rej[4];
  dvm_rt_block_info bi;
  CHECK(ck_block(rc_, refl, 4, 1700000100, rej, &bi) == 0);
  CHECK(rej[0] == 0 && rej[1] == DVM_RT_ERR_TX && rej[2] == 0 && rej[3] == 0);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK);
  if (r->value_case == DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK) {
    Dvmabci__ResponseFinalizeBlock *f = r->finalize_block;
    CHECK(f->app_hash.len == 32 && !memcmp(f->app_hash.data, bi.state_root, 32));
    CHECK(f->n_tx_results == 4);
    CHECK(f->tx_results[0]->code == 0 && f->tx_results[1]->code == DVM_ABCI_CODE_REJECTED &&
          f->tx_results[2]->code == 0 && f->tx_results[3]->code == 0);
    CHECK(f->tx_results[1]->gas_used == 0 && f->tx_results[1]->data.len == 0);
    uint64_t gas = 0;
    for (int i = 0; i < 4; i++) {
      if (i == 1) continue;
      dvm_rt_receipt rr;
      uint8_t *raw;
      ck_receipt(rc_, refl[i].id, &rr, &raw);
      CHECK((uint64_t)f->tx_results[i]->gas_used == rr.gas_used);
      CHECK(f->tx_results[i]->data.len > 0 && rr.gas_used > 0);
      /* the receipt as data, identical to the reference chain's */
      dvm_rt_receipt mine;
      CHECK(dvm_rt_receipt_decode(f->tx_results[i]->data.data, f->tx_results[i]->data.len, &mine) == 0);
      CHECK(mine.gas_used == rr.gas_used && mine.fee == rr.fee && mine.height == 1 && mine.index == rr.index);
      dvm_rt_receipt_free(&mine);
      gas += rr.gas_used;
      dvm_rt_receipt_free(&rr);
      free(raw);
    }
    CHECK(gas == bi.gas_used);
    CHECK(f->tx_results[0]->gas_wanted == 100000 && f->tx_results[3]->gas_wanted == 1000000);
    CHECK(f->tx_results[3]->n_events == 1 && !strcmp(f->tx_results[3]->events[0]->type, "dvm_tx"));
  }
  dvmabci__response__free_unpacked(r, NULL);
  /* Commit, Info */
  {
    Dvmabci__Request q = DVMABCI__REQUEST__INIT;
    Dvmabci__RequestCommit x = DVMABCI__REQUEST_COMMIT__INIT;
    q.value_case = DVMABCI__REQUEST__VALUE_COMMIT;
    q.commit = &x;
    r = call(a, &q, NULL);
    CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_COMMIT && r->commit->retain_height == 0);
    dvmabci__response__free_unpacked(r, NULL);
  }
  r = info(a);
  CHECK(r->info->last_block_height == 1 && r->info->last_block_app_hash.len == 32 &&
        !memcmp(r->info->last_block_app_hash.data, bi.state_root, 32));
  dvmabci__response__free_unpacked(r, NULL);

  /* FinalizeBlock 2 [add(7)], then a crash before Commit: the restarted
   * server reports height 1, and the replayed FinalizeBlock gets the same
   * answer, byte for byte, without executing the block a second time */
  ck_tx *b2[2] = {&t2, &add};
  b = pack_finalize(b2, 2, 2, 1700000200, &n);
  uint8_t *first, *second;
  size_t first_len, second_len;
  r = raw_call(a, b, n, &first, &first_len);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK && r->finalize_block->n_tx_results == 2);
  if (r->value_case == DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK && r->finalize_block->n_tx_results == 2) {
    Dvmabci__ExecTxResult *x = r->finalize_block->tx_results[1];
    CHECK(x->code == 0);
    /* one Add log: the event carries the contract, the topic and the data */
    CHECK(x->n_events == 2 && !strcmp(x->events[1]->type, "dvm_log"));
    if (x->n_events == 2) {
      CHECK(x->events[1]->n_attributes == 3);
      CHECK(!strcmp(x->events[1]->attributes[2]->key, "data") &&
            !strcmp(x->events[1]->attributes[2]->value, "0700000000000000"));
      CHECK(!strncmp(x->events[1]->attributes[1]->value, "416464000000", 12));
    }
    CHECK(r->finalize_block->tx_results[0]->code == 0);
  }
  dvmabci__response__free_unpacked(r, NULL);
  dvm_abci_close(a);
  CHECK(dvm_abci_open(&o, &a, err) == 0);
  r = info(a);
  CHECK(r->info->last_block_height == 1 && !memcmp(r->info->last_block_app_hash.data, bi.state_root, 32));
  dvmabci__response__free_unpacked(r, NULL);
  r = raw_call(a, b, n, &second, &second_len);
  dvmabci__response__free_unpacked(r, NULL);
  CHECK(first_len == second_len && !memcmp(first, second, first_len));
  free(first);
  free(second);
  free(b);
  {
    Dvmabci__Request q = DVMABCI__REQUEST__INIT;
    Dvmabci__RequestCommit x = DVMABCI__REQUEST_COMMIT__INIT;
    q.value_case = DVMABCI__REQUEST__VALUE_COMMIT;
    q.commit = &x;
    r = call(a, &q, NULL);
    dvmabci__response__free_unpacked(r, NULL);
  }
  r = info(a);
  CHECK(r->info->last_block_height == 2);
  dvmabci__response__free_unpacked(r, NULL);

  /* Queries */
  uint8_t qd[64];
  memcpy(qd, k1.pk, 32);
  memset(qd + 32, 0, 4);
  qd[32] = 1;
  r = query(a, "/balance", qd, 36);
  CHECK(r->query->code == 0 && r->query->value.len == 8 &&
        rd64(r->query->value.data) == 1000000000000000ull + 1000 + 2000 + 4000);
  CHECK(r->query->height == 2);
  dvmabci__response__free_unpacked(r, NULL);
  r = query(a, "/nonce", k0.pk, 32);
  CHECK(r->query->code == 0 && rd64(r->query->value.data) == 4); /* t0 t1 add t2: not executed twice */
  dvmabci__response__free_unpacked(r, NULL);
  memcpy(qd, caddr, 32);
  memcpy(qd + 32, k0.pk, 32);
  r = query(a, "/storage", qd, 64);
  CHECK(r->query->code == 0 && r->query->value.len == 8 && rd64(r->query->value.data) == 7);
  dvmabci__response__free_unpacked(r, NULL);
  r = query(a, "/receipt", add.id, 32);
  {
    dvm_rt_receipt rr;
    CHECK(r->query->code == 0 && dvm_rt_receipt_decode(r->query->value.data, r->query->value.len, &rr) == 0);
    CHECK(rr.height == 2 && rr.index == 1 && rr.status == 0 && rr.ncalls == 1 && rr.calls[0].ret_len == 8 &&
          rd64(rr.calls[0].ret) == 7);
    dvm_rt_receipt_free(&rr);
  }
  dvmabci__response__free_unpacked(r, NULL);
  r = query(a, "/head", NULL, 0);
  CHECK(r->query->code == 0 && r->query->value.len == 80 && rd64(r->query->value.data) == 2 &&
        rd64(r->query->value.data + 72) == 1700000200);
  dvmabci__response__free_unpacked(r, NULL);
  r = query(a, "/nope", NULL, 0);
  CHECK(r->query->code == DVM_ABCI_CODE_QUERY);
  dvmabci__response__free_unpacked(r, NULL);
  r = query(a, "/receipt", bad.id, 32);
  CHECK(r->query->code == DVM_ABCI_CODE_QUERY);
  dvmabci__response__free_unpacked(r, NULL);

  /* snapshots: none offered; vote extensions: empty, accepted */
  {
    Dvmabci__Request q = DVMABCI__REQUEST__INIT;
    Dvmabci__RequestListSnapshots ls = DVMABCI__REQUEST_LIST_SNAPSHOTS__INIT;
    Dvmabci__RequestOfferSnapshot os = DVMABCI__REQUEST_OFFER_SNAPSHOT__INIT;
    Dvmabci__RequestVerifyVoteExtension vv = DVMABCI__REQUEST_VERIFY_VOTE_EXTENSION__INIT;
    Dvmabci__RequestExtendVote ev = DVMABCI__REQUEST_EXTEND_VOTE__INIT;
    q.value_case = DVMABCI__REQUEST__VALUE_LIST_SNAPSHOTS;
    q.list_snapshots = &ls;
    r = call(a, &q, NULL);
    CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_LIST_SNAPSHOTS);
    dvmabci__response__free_unpacked(r, NULL);
    q.value_case = DVMABCI__REQUEST__VALUE_OFFER_SNAPSHOT;
    q.offer_snapshot = &os;
    r = call(a, &q, NULL);
    CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_OFFER_SNAPSHOT && r->offer_snapshot->result == 3);
    dvmabci__response__free_unpacked(r, NULL);
    q.value_case = DVMABCI__REQUEST__VALUE_EXTEND_VOTE;
    q.extend_vote = &ev;
    r = call(a, &q, NULL);
    CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_EXTEND_VOTE && r->extend_vote->vote_extension.len == 0);
    dvmabci__response__free_unpacked(r, NULL);
    q.value_case = DVMABCI__REQUEST__VALUE_VERIFY_VOTE_EXTENSION;
    q.verify_vote_extension = &vv;
    r = call(a, &q, NULL);
    CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_VERIFY_VOTE_EXTENSION && r->verify_vote_extension->status == 1);
    dvmabci__response__free_unpacked(r, NULL);
  }
  /* a FinalizeBlock that skips heights is answered with an Exception (not
   * a store failure) and changes nothing */
  ck_tx *none[1] = {NULL};
  b = pack_finalize(none, 0, 5, 1700000300, &n);
  int hrc;
  uint8_t *resp;
  size_t rl;
  hrc = dvm_abci_handle(a, b, n, &resp, &rl);
  free(b);
  r = dvmabci__response__unpack(NULL, rl, resp);
  free(resp);
  CHECK(hrc == 0 && r->value_case == DVMABCI__RESPONSE__VALUE_EXCEPTION);
  dvmabci__response__free_unpacked(r, NULL);
  r = info(a);
  CHECK(r->info->last_block_height == 2);
  dvmabci__response__free_unpacked(r, NULL);

  dvm_abci_close(a);
  dvm_rt_chain_close(rc_);
  free(dep.bytes);
  free(t0.bytes);
  free(t1.bytes);
  free(t2.bytes);
  free(bad.bytes);
  free(add.bytes);
  free(code);
  rmdir_r(dir);
  rmdir_r(ref);
}

/* ---- gas: the chain's rules decide proposals ---- */

/* A transfer of 1 USD from `from` at any gas limit and price (chainkit's
 * transactions pay gas price 1). */
static void priced_transfer(ck_tx *t, const ck_key *from, uint64_t nonce, uint64_t gas_limit, uint64_t price) {
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
  tx.u.transfer.amount = 1;
  if (dvm_tx_encode_signed(&tx, from->sk, &t->bytes, &t->len)) abort();
  memcpy(t->id, tx.id, 32);
}

static Dvmabci__Response *prepare(dvm_abci *a, ck_tx *const *l, size_t n) {
  Dvmabci__Request q = DVMABCI__REQUEST__INIT;
  Dvmabci__RequestPrepareProposal x = DVMABCI__REQUEST_PREPARE_PROPOSAL__INIT;
  ProtobufCBinaryData d[8];
  fill_txs(d, l, n);
  x.txs = d;
  x.n_txs = n;
  x.max_tx_bytes = 1 << 20;
  x.height = 1;
  q.value_case = DVMABCI__REQUEST__VALUE_PREPARE_PROPOSAL;
  q.prepare_proposal = &x;
  return call(a, &q, NULL);
}

static uint32_t process(dvm_abci *a, ck_tx *const *l, size_t n) {
  Dvmabci__Request q = DVMABCI__REQUEST__INIT;
  Dvmabci__RequestProcessProposal x = DVMABCI__REQUEST_PROCESS_PROPOSAL__INIT;
  ProtobufCBinaryData d[8];
  fill_txs(d, l, n);
  x.txs = d;
  x.n_txs = n;
  x.height = 1;
  q.value_case = DVMABCI__REQUEST__VALUE_PROCESS_PROPOSAL;
  q.process_proposal = &x;
  Dvmabci__Response *r = call(a, &q, NULL);
  uint32_t st = r->value_case == DVMABCI__RESPONSE__VALUE_PROCESS_PROPOSAL ? (uint32_t)r->process_proposal->status : 99;
  dvmabci__response__free_unpacked(r, NULL);
  return st;
}

/* A chain whose genesis sets block_gas_limit 250,000 and min_gas_price 1:
 * PrepareProposal keeps gas limits summing to at most 250,000 (exactly
 * 250,000 fits) and drops a price below the minimum; ProcessProposal
 * refuses what Prepare would drop; the finalized block holds every kept
 * transaction, with the genesis' limit in its header. */
#define GAS_G 250000u

static void test_gas_rules(void) {
  char dir[64], gdir[64], gpath[128], err[256];
  tmpdir(dir);
  tmpdir(gdir);
  ck_key k0, k1;
  ck_key_make(&k0, 0);
  ck_key_make(&k1, 1);
  ck_key ks[2] = {k0, k1};
  char *g = ck_genesis_gas(ks, 2, GAS_G, 1);
  snprintf(gpath, sizeof gpath, "%s/genesis.json", gdir);
  FILE *f = fopen(gpath, "wb");
  CHECK(f && fwrite(g, 1, strlen(g), f) == strlen(g));
  if (f) fclose(f);
  dvm_abci_opts o;
  memset(&o, 0, sizeof o);
  o.data_dir = dir;
  o.genesis_path = gpath;
  o.threads = 1;
  dvm_abci *a;
  CHECK(dvm_abci_open(&o, &a, err) == 0);

  ck_tx t0, t1, t2, u0, free0, over;
  priced_transfer(&t0, &k0, 0, 100000, 1);
  priced_transfer(&t1, &k0, 1, 100000, 1);
  priced_transfer(&t2, &k0, 2, 100000, 1);
  priced_transfer(&u0, &k1, 0, 50000, 1);    /* brings the sum to exactly 250,000 */
  priced_transfer(&free0, &k1, 0, 40000, 0); /* below the minimum price */
  priced_transfer(&over, &k1, 0, GAS_G + 1, 1);

  /* Before InitChain: no chain, no rules: nothing is proposed */
  ck_tx *l0[1] = {&t0};
  Dvmabci__Response *r = prepare(a, l0, 1);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_PREPARE_PROPOSAL && r->prepare_proposal->n_txs == 0);
  dvmabci__response__free_unpacked(r, NULL);

  /* InitChain without app_state: the --genesis file */
  {
    Dvmabci__Request q = DVMABCI__REQUEST__INIT;
    Dvmabci__RequestInitChain x = DVMABCI__REQUEST_INIT_CHAIN__INIT;
    x.chain_id = (char *)"dvm-test";
    x.initial_height = 1;
    q.value_case = DVMABCI__REQUEST__VALUE_INIT_CHAIN;
    q.init_chain = &x;
    r = call(a, &q, NULL);
    CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_INIT_CHAIN && r->init_chain->app_hash.len == 32);
    dvmabci__response__free_unpacked(r, NULL);
  }
  /* CheckTx refuses the price and the gas limit, with the chain's numbers */
  r = check_tx(a, &free0);
  CHECK(r->check_tx->code == DVM_ABCI_CODE_REJECTED && !strcmp(r->check_tx->log, "gas price 0 below the chain's minimum 1"));
  dvmabci__response__free_unpacked(r, NULL);
  r = check_tx(a, &over);
  CHECK(r->check_tx->code == DVM_ABCI_CODE_REJECTED &&
        !strcmp(r->check_tx->log, "gas limit 250001 above the block gas limit 250000"));
  dvmabci__response__free_unpacked(r, NULL);
  r = check_tx(a, &t2);
  CHECK(r->check_tx->code == 0 && r->check_tx->gas_wanted == 100000);
  dvmabci__response__free_unpacked(r, NULL);

  /* PrepareProposal [t0, free0, t1, t2, over, u0] -> [t0, t1, u0]: free0 is
   * below the minimum price, t2 would bring the gas limits to 300,000,
   * over is above the block's; u0 brings them to 250,000 exactly */
  ck_tx *l1[6] = {&t0, &free0, &t1, &t2, &over, &u0};
  r = prepare(a, l1, 6);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_PREPARE_PROPOSAL && r->prepare_proposal->n_txs == 3);
  if (r->value_case == DVMABCI__RESPONSE__VALUE_PREPARE_PROPOSAL && r->prepare_proposal->n_txs == 3) {
    ProtobufCBinaryData *x = r->prepare_proposal->txs;
    CHECK(x[0].len == t0.len && !memcmp(x[0].data, t0.bytes, t0.len));
    CHECK(x[1].len == t1.len && !memcmp(x[1].data, t1.bytes, t1.len));
    CHECK(x[2].len == u0.len && !memcmp(x[2].data, u0.bytes, u0.len));
  }
  dvmabci__response__free_unpacked(r, NULL);
  /* without u0 the free transaction still stays out (it would fit the gas) */
  ck_tx *l2[2] = {&free0, &t0};
  r = prepare(a, l2, 2);
  CHECK(r->prepare_proposal->n_txs == 1 && r->prepare_proposal->txs[0].len == t0.len &&
        !memcmp(r->prepare_proposal->txs[0].data, t0.bytes, t0.len));
  dvmabci__response__free_unpacked(r, NULL);

  /* ProcessProposal: the kept list passes; over the gas, a free
   * transaction, a gas limit above the block's: refused */
  ck_tx *ok[3] = {&t0, &t1, &u0}, *full[3] = {&t0, &t1, &t2}, *fr[1] = {&free0}, *ov[1] = {&over};
  CHECK(process(a, ok, 3) == 1);
  CHECK(process(a, full, 3) == 2);
  CHECK(process(a, fr, 1) == 2);
  CHECK(process(a, ov, 1) == 2);

  /* FinalizeBlock of the kept list: all three executed, none left out */
  size_t n;
  uint8_t *b = pack_finalize(ok, 3, 1, 1700000100, &n);
  r = raw_call(a, b, n, NULL, NULL);
  free(b);
  CHECK(r->value_case == DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK && r->finalize_block->n_tx_results == 3);
  int64_t used = 0;
  if (r->value_case == DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK && r->finalize_block->n_tx_results == 3) {
    for (int i = 0; i < 3; i++) {
      CHECK(r->finalize_block->tx_results[i]->code == 0);
      used += r->finalize_block->tx_results[i]->gas_used;
    }
    CHECK(r->finalize_block->tx_results[0]->gas_wanted == 100000 &&
          r->finalize_block->tx_results[2]->gas_wanted == 50000);
  }
  dvmabci__response__free_unpacked(r, NULL);
  /* the block's header carries the genesis' limit and the gas used */
  uint8_t hq[8] = {1};
  r = query(a, "/block", hq, 8);
  dvm_tx_block_header hd;
  memset(&hd, 0, sizeof hd);
  CHECK(r->query->code == 0 &&
        dvm_tx_block_header_decode(r->query->value.data, DVM_BLOCK_HEADER_BYTES, &hd, err, sizeof err) == 0);
  CHECK(hd.gas_limit == GAS_G && (int64_t)hd.gas_used == used && used > 0);
  dvmabci__response__free_unpacked(r, NULL);

  dvm_abci_close(a);
  free(g);
  free(t0.bytes);
  free(t1.bytes);
  free(t2.bytes);
  free(u0.bytes);
  free(free0.bytes);
  free(over.bytes);
  rmdir_r(dir);
  rmdir_r(gdir);
}

/* ---- framing over a socket ---- */

typedef struct srv {
  dvm_abci *a;
  char addr[200];
  volatile sig_atomic_t stop;
  int rc;
} srv;

static void *srv_main(void *p) {
  srv *s = p;
  s->rc = dvm_abci_serve(s->a, s->addr, &s->stop);
  return NULL;
}

static int connect_to(const char *path) {
  for (int tries = 0; tries < 200; tries++) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un su;
    memset(&su, 0, sizeof su);
    su.sun_family = AF_UNIX;
    snprintf(su.sun_path, sizeof su.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&su, sizeof su) == 0) return fd;
    close(fd);
    usleep(10000);
  }
  fprintf(stderr, "cannot connect to %s\n", path);
  exit(1);
}

static void send_raw(int fd, const void *p, size_t n) {
  CHECK(send(fd, p, n, MSG_NOSIGNAL) == (ssize_t)n);
}

/* Send a request frame and read the response frame; value_case of it. */
static int roundtrip(int fd, const uint8_t *req, size_t n) {
  CHECK(dvm_abci_frame_write(fd, req, n) == 0);
  uint8_t *b;
  size_t l;
  if (dvm_abci_frame_read(fd, DVM_ABCI_MAX_FRAME, &b, &l)) return -1;
  Dvmabci__Response *r = dvmabci__response__unpack(NULL, l, b);
  free(b);
  int vc = r ? (int)r->value_case : -2;
  if (r) dvmabci__response__free_unpacked(r, NULL);
  return vc;
}

static int echo_ok(int fd) {
  static const uint8_t echo[] = {0x0a, 0x04, 0x0a, 0x02, 'h', 'i'}; /* Request.echo{message:"hi"} */
  return roundtrip(fd, echo, sizeof echo) == DVMABCI__RESPONSE__VALUE_ECHO;
}

/* The server closed the connection: a read gets end of stream. */
static int closed_by_server(int fd) {
  uint8_t c;
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ssize_t r = read(fd, &c, 1);
  return r == 0 || (r < 0 && errno == ECONNRESET);
}

static void test_framing(const char *frames) {
  char dir[64], err[256];
  tmpdir(dir);
  dvm_abci_opts o;
  memset(&o, 0, sizeof o);
  o.data_dir = dir;
  o.threads = 1;
  srv s;
  memset(&s, 0, sizeof s);
  CHECK(dvm_abci_open(&o, &s.a, err) == 0);
  snprintf(s.addr, sizeof s.addr, "unix://%s/abci.sock", dir);
  pthread_t t;
  pthread_create(&t, NULL, srv_main, &s);
  char path[200];
  snprintf(path, sizeof path, "%s/abci.sock", dir);

  int fd = connect_to(path);
  CHECK(echo_ok(fd));
  /* InitChain (captured), then keep the connection */
  size_t n;
  uint8_t *b = slurp(frames, "init_chain.bin", &n);
  CHECK(roundtrip(fd, b, n) == DVMABCI__RESPONSE__VALUE_INIT_CHAIN);
  free(b);
  /* an unknown request type (field 99): Exception, and the connection goes on */
  static const uint8_t unknown[] = {0x9a, 0x06, 0x00};
  CHECK(roundtrip(fd, unknown, sizeof unknown) == DVMABCI__RESPONSE__VALUE_EXCEPTION);
  CHECK(echo_ok(fd));
  /* an empty request and a malformed one */
  CHECK(roundtrip(fd, (const uint8_t *)"", 0) == DVMABCI__RESPONSE__VALUE_EXCEPTION);
  static const uint8_t junk[] = {0xa2, 0x01, 0xff, 0xff, 0xff};
  CHECK(roundtrip(fd, junk, sizeof junk) == DVMABCI__RESPONSE__VALUE_EXCEPTION);
  CHECK(echo_ok(fd));
  close(fd);

  /* an oversize length prefix (1 GiB): that connection is closed */
  fd = connect_to(path);
  uint8_t pre[10];
  size_t pl = dvm_abci_varint(1u << 30, pre);
  send_raw(fd, pre, pl);
  CHECK(closed_by_server(fd));
  close(fd);
  /* a length prefix longer than 10 bytes */
  fd = connect_to(path);
  static const uint8_t overlong[11] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  send_raw(fd, overlong, sizeof overlong);
  CHECK(closed_by_server(fd));
  close(fd);
  /* a truncated frame: 100 announced, 10 sent, then the client leaves */
  fd = connect_to(path);
  pl = dvm_abci_varint(100, pre);
  send_raw(fd, pre, pl);
  send_raw(fd, "0123456789", 10);
  close(fd);
  /* a FinalizeBlock dropped mid-frame commits nothing */
  ck_key k0, k1;
  ck_key_make(&k0, 0);
  ck_key_make(&k1, 1);
  ck_tx t0;
  ck_transfer(&t0, &k0, 0, k1.pk, 1, 1000, 100000);
  ck_tx *l[1] = {&t0};
  b = pack_finalize(l, 1, 1, 1700000100, &n);
  fd = connect_to(path);
  pl = dvm_abci_varint(n, pre);
  send_raw(fd, pre, pl);
  send_raw(fd, b, n / 2);
  close(fd);
  /* the server is still there, at height 0 */
  fd = connect_to(path);
  CHECK(echo_ok(fd));
  Dvmabci__Request q = DVMABCI__REQUEST__INIT;
  Dvmabci__RequestInfo x = DVMABCI__REQUEST_INFO__INIT;
  q.value_case = DVMABCI__REQUEST__VALUE_INFO;
  q.info = &x;
  uint8_t ib[64];
  size_t il = dvmabci__request__pack(&q, ib);
  CHECK(dvm_abci_frame_write(fd, ib, il) == 0);
  uint8_t *rb;
  size_t rl;
  CHECK(dvm_abci_frame_read(fd, DVM_ABCI_MAX_FRAME, &rb, &rl) == 0);
  Dvmabci__Response *r = dvmabci__response__unpack(NULL, rl, rb);
  free(rb);
  CHECK(r && r->value_case == DVMABCI__RESPONSE__VALUE_INFO && r->info->last_block_height == 0);
  if (r) dvmabci__response__free_unpacked(r, NULL);
  uint64_t h = 99;
  /* the whole frame now executes block 1 */
  CHECK(roundtrip(fd, b, n) == DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK);
  close(fd);
  free(b);
  free(t0.bytes);
  s.stop = 1;
  pthread_join(t, NULL);
  CHECK(s.rc == 0);
  /* (the chain is read after the server stopped) */
  dvm_abci_close(s.a);
  dvm_rt_chain *c;
  char cdir[100];
  snprintf(cdir, sizeof cdir, "%s/chain", dir);
  CHECK(dvm_rt_chain_open(cdir, NULL, &c, err) == 0);
  CHECK(dvm_rt_chain_head(c, &h, NULL, NULL, NULL) == 0 && h == 1);
  uint8_t root[32];
  CHECK(dvm_rt_chain_audit(c, root) == 0);
  dvm_rt_chain_close(c);
  rmdir_r(dir);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_abci FRAMES_DIR COUNTER.s\n");
    return 2;
  }
  test_codec(argv[1]);
  test_semantics(argv[1], argv[2]);
  test_gas_rules();
  test_framing(argv[1]);
  if (failures) {
    fprintf(stderr, "test_abci: %d checks failed\n", failures);
    return 1;
  }
  printf("test_abci: codec, semantics, gas rules, framing: all checks passed\n");
  return 0;
}
