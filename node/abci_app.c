/* abci_app.c — the ABCI 2.0 methods over libdvm (node/abci.h): Info,
 * InitChain, CheckTx, PrepareProposal, ProcessProposal, FinalizeBlock,
 * Commit, Query, snapshots (none offered), vote extensions (empty). */
#include "abci.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abci.pb-c.h"
#include "runtime.h"
#include "tx.h"

struct dvm_abci {
  pthread_mutex_t lock;
  dvm_rt_chain *chain;
  char dir[4096];
  char *genesis; /* --genesis file contents, or NULL */
  size_t genesis_len;
  uint64_t block_gas;
  uint64_t acked;     /* height of the last Commit (file abci_commit) */
  uint64_t finalized; /* height of the last FinalizeBlock answered */
  int verbose;
  int lock_fd; /* DIR/node.lock, held while serving (as `dvm node` does) */
  /* Fault injection for the network test (DVM_ABCI_FAULT=before:H or
   * after:H): SIGKILL itself inside FinalizeBlock of height H, before the
   * block is executed or after it is stored but before the answer. */
  uint64_t fault_h;
  int fault_after;
};

static int read_file(const char *path, char **out, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t cap = 4096, n = 0;
  char *b = malloc(cap + 1);
  for (;;) {
    if (!b) break;
    size_t r = fread(b + n, 1, cap - n, f);
    n += r;
    if (n < cap) break;
    char *nb = realloc(b, 2 * cap + 1);
    if (!nb) {
      free(b);
      b = NULL;
      break;
    }
    b = nb;
    cap *= 2;
  }
  fclose(f);
  if (!b) return -1;
  b[n] = 0;
  *out = b;
  *len = n;
  return 0;
}

/* The acknowledged height: DIR/abci_commit holds it as decimal text. */
static uint64_t ack_load(const dvm_abci *a) {
  char path[4200], *s;
  size_t n;
  snprintf(path, sizeof path, "%s/abci_commit", a->dir);
  if (read_file(path, &s, &n)) return 0;
  uint64_t h = strtoull(s, NULL, 10);
  free(s);
  return h;
}

/* Write DIR/abci_commit durably: temporary file, fsync, rename, fsync dir. */
static int ack_store(dvm_abci *a, uint64_t h) {
  char path[4200], tmp[4200], txt[32];
  snprintf(path, sizeof path, "%s/abci_commit", a->dir);
  snprintf(tmp, sizeof tmp, "%s/abci_commit.tmp", a->dir);
  int n = snprintf(txt, sizeof txt, "%" PRIu64 "\n", h);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  int ok = write(fd, txt, (size_t)n) == n && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp, path)) return -1;
  int d = open(a->dir, O_RDONLY | O_DIRECTORY);
  if (d >= 0) {
    fsync(d);
    close(d);
  }
  a->acked = h;
  return 0;
}

int dvm_abci_open(const dvm_abci_opts *o, dvm_abci **out, char *errbuf) {
  *out = NULL;
  dvm_abci *a = calloc(1, sizeof *a);
  if (!a) return snprintf(errbuf, 256, "out of memory"), -1;
  snprintf(a->dir, sizeof a->dir, "%s", o->data_dir);
  a->block_gas = o->block_gas ? o->block_gas : DVM_ABCI_BLOCK_GAS_DEFAULT;
  a->verbose = o->verbose;
  if (o->genesis_path && read_file(o->genesis_path, &a->genesis, &a->genesis_len)) {
    snprintf(errbuf, 256, "cannot read genesis %s: %s", o->genesis_path, strerror(errno));
    free(a);
    return -1;
  }
  /* The node's data directory layout (spec/rpc.md): DIR/chain holds the
   * chain, DIR/genesis.json the genesis applied, DIR/node.lock is held by
   * the one process serving it; `dvm query --data DIR` and `dvm replay`
   * read it when the server is stopped. */
  char path[4200];
  mkdir(o->data_dir, 0755);
  snprintf(path, sizeof path, "%s/node.lock", o->data_dir);
  a->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (a->lock_fd < 0 || flock(a->lock_fd, LOCK_EX | LOCK_NB)) {
    snprintf(errbuf, 256, "%.200s: %s", path, a->lock_fd < 0 ? strerror(errno) : "held by another process");
    if (a->lock_fd >= 0) close(a->lock_fd);
    free(a->genesis);
    free(a);
    return -1;
  }
  dvm_rt_chain_opts co = {0};
  co.threads = o->threads;
  snprintf(path, sizeof path, "%s/chain", o->data_dir);
  if (dvm_rt_chain_open(path, &co, &a->chain, errbuf)) {
    close(a->lock_fd);
    free(a->genesis);
    free(a);
    return -1;
  }
  pthread_mutex_init(&a->lock, NULL);
  a->acked = ack_load(a);
  const char *fault = getenv("DVM_ABCI_FAULT");
  if (fault && (!strncmp(fault, "before:", 7) || !strncmp(fault, "after:", 6))) {
    a->fault_after = fault[0] == 'a';
    a->fault_h = strtoull(strchr(fault, ':') + 1, NULL, 10);
  }
  uint64_t h;
  if (dvm_rt_chain_head(a->chain, &h, NULL, NULL, NULL) == 0) {
    /* A crash between FinalizeBlock and Commit leaves the store one block
     * ahead of the acknowledgement, never more. */
    if (a->acked > h) a->acked = h;
    a->finalized = h;
  }
  *out = a;
  return 0;
}

void dvm_abci_close(dvm_abci *a) {
  if (!a) return;
  dvm_rt_chain_close(a->chain);
  close(a->lock_fd);
  pthread_mutex_destroy(&a->lock);
  free(a->genesis);
  free(a);
}

/* ---- helpers ---- */

static uint64_t time_of(const Dvmabci__Timestamp *t) {
  return t && t->seconds > 0 ? (uint64_t)t->seconds : 0;
}

/* The header of stored block `h`. */
static int block_header(dvm_abci *a, uint64_t h, dvm_tx_block_header *hd) {
  uint8_t *b;
  size_t n;
  char e[128];
  int rc = dvm_rt_chain_block(a->chain, h, &b, &n);
  if (rc) return rc;
  rc = dvm_tx_block_header_decode(b, n < DVM_BLOCK_HEADER_BYTES ? n : DVM_BLOCK_HEADER_BYTES, hd, e, sizeof e);
  free(b);
  return rc ? DVM_RT_ERR_STATE : 0;
}

static void hex(const uint8_t *p, size_t n, char *out) { dvm_hex_encode(p, n, out); }

/* ---- proposals ---- */

/* Per-sender next nonce within a proposal (open addressing). */
typedef struct nonce_map {
  size_t cap;
  uint8_t (*key)[32];
  uint64_t *next;
  uint8_t *used;
} nonce_map;

static int nm_init(nonce_map *m, size_t n) {
  m->cap = 16;
  while (m->cap < 2 * n + 2) m->cap *= 2;
  m->key = calloc(m->cap, 32);
  m->next = calloc(m->cap, sizeof *m->next);
  m->used = calloc(m->cap, 1);
  return m->key && m->next && m->used ? 0 : -1;
}
static void nm_free(nonce_map *m) {
  free(m->key);
  free(m->next);
  free(m->used);
}
static uint64_t *nm_slot(nonce_map *m, const uint8_t k[32], int *fresh) {
  uint64_t hsh;
  memcpy(&hsh, k, 8);
  size_t i = (size_t)hsh & (m->cap - 1);
  while (m->used[i] && memcmp(m->key[i], k, 32)) i = (i + 1) & (m->cap - 1);
  *fresh = !m->used[i];
  if (!m->used[i]) {
    m->used[i] = 1;
    memcpy(m->key[i], k, 32);
  }
  return &m->next[i];
}

/* Walk a proposal's transactions in order and decide which a block keeps:
 * each must pass the mempool check against the committed state, carry the
 * sender's next nonce exactly, and fit the block's byte, count and gas
 * limits. keep[i] = 1 for those kept. Returns how many were dropped. */
static size_t proposal_filter(dvm_abci *a, ProtobufCBinaryData *txs, size_t n, int64_t max_bytes,
                              uint8_t *keep) {
  nonce_map m;
  size_t dropped = 0;
  if (nm_init(&m, n)) {
    memset(keep, 0, n);
    return n;
  }
  uint64_t gas = 0, bytes = 0, dvm_bytes = DVM_BLOCK_HEADER_BYTES + 4, count = 0;
  for (size_t i = 0; i < n; i++) {
    dvm_rt_tx_info info;
    keep[i] = 0;
    /* CometBFT counts each transaction as a protobuf field: tag, length, bytes. */
    uint8_t vb[10];
    uint64_t pb = 1 + dvm_abci_varint(txs[i].len, vb) + txs[i].len;
    if (dvm_rt_chain_check_tx(a->chain, txs[i].data, txs[i].len, &info, NULL)) goto drop;
    int fresh;
    uint64_t *next = nm_slot(&m, info.sender, &fresh);
    if (fresh) *next = info.account_nonce;
    if (info.nonce != *next) goto drop;
    if (max_bytes >= 0 && bytes + pb > (uint64_t)max_bytes) goto drop;
    if (dvm_bytes + 4 + txs[i].len > DVM_BLOCK_MAX_BYTES || count + 1 > DVM_BLOCK_MAX_TXS) goto drop;
    if (info.gas_limit > a->block_gas - gas) goto drop;
    (*next)++;
    gas += info.gas_limit;
    bytes += pb;
    dvm_bytes += 4 + txs[i].len;
    count++;
    keep[i] = 1;
    continue;
  drop:
    dropped++;
  }
  nm_free(&m);
  return dropped;
}

/* ---- FinalizeBlock ---- */

typedef struct fb_out {
  Dvmabci__ExecTxResult *res;
  Dvmabci__ExecTxResult **resp;
  uint8_t **raw; /* receipts */
  Dvmabci__Event *ev;
  Dvmabci__Event **evp;
  Dvmabci__EventAttribute *at;
  Dvmabci__EventAttribute **atp;
  char *strs;
  size_t nev, nat, nstr, cap_ev, cap_at, cap_str;
  size_t nraw; /* receipts in raw (the block's transactions) */
} fb_out;

static char *fb_str(fb_out *o, const char *s) {
  size_t n = strlen(s) + 1;
  if (o->nstr + n > o->cap_str) return (char *)"";
  char *p = o->strs + o->nstr;
  memcpy(p, s, n);
  o->nstr += n;
  return p;
}

static void fb_attr(fb_out *o, Dvmabci__Event *e, const char *k, const char *v) {
  if (o->nat >= o->cap_at) return;
  Dvmabci__EventAttribute *x = &o->at[o->nat];
  dvmabci__event_attribute__init(x);
  x->key = fb_str(o, k);
  x->value = fb_str(o, v);
  x->index = 1;
  o->atp[o->nat++] = x;
  e->n_attributes++;
}

static Dvmabci__Event *fb_event(fb_out *o, const char *type) {
  if (o->nev >= o->cap_ev) return NULL;
  Dvmabci__Event *e = &o->ev[o->nev];
  dvmabci__event__init(e);
  e->type = (char *)type;
  e->attributes = &o->atp[o->nat];
  o->evp[o->nev++] = e;
  return e;
}

/* Results of block h (stored) for the request's transactions: a request
 * transaction is in the block when its bytes are the block's next. */
static int finalize_results(dvm_abci *a, uint64_t h, ProtobufCBinaryData *txs, size_t n,
                            const int *rejected, Dvmabci__ResponseFinalizeBlock *fb, fb_out *o,
                            char *err) {
  uint8_t *blk = NULL;
  size_t blen;
  dvm_tx_block b;
  char e[200];
  int rc = dvm_rt_chain_block(a->chain, h, &blk, &blen);
  if (rc) return snprintf(err, 256, "block %" PRIu64 ": %s", h, dvm_rt_strerror(rc)), rc;
  if (dvm_tx_block_decode(blk, blen, &b, e, sizeof e)) {
    free(blk);
    return snprintf(err, 256, "stored block %" PRIu64 ": %s", h, e), DVM_RT_ERR_STATE;
  }
  /* Count the logs first to size the event arrays. */
  size_t nlogs = 0;
  dvm_rt_receipt *rs = calloc(b.tx_count ? b.tx_count : 1, sizeof *rs);
  o->raw = calloc(b.tx_count ? b.tx_count : 1, sizeof *o->raw);
  if (!rs || !o->raw) goto nomem;
  o->nraw = b.tx_count;
  for (uint32_t j = 0; j < b.tx_count; j++) {
    size_t rl;
    if ((rc = dvm_rt_chain_receipt(a->chain, b.txs[j].id, &o->raw[j], &rl)) ||
        (rc = dvm_rt_receipt_decode(o->raw[j], rl, &rs[j]))) {
      snprintf(err, 256, "receipt %u of block %" PRIu64 ": %s", j, h, dvm_rt_strerror(rc));
      rc = DVM_RT_ERR_STATE;
      goto out;
    }
    for (uint16_t k = 0; k < rs[j].ncalls; k++) nlogs += rs[j].calls[k].nlogs;
    rs[j].index = (uint32_t)rl; /* keep the raw length here (index is known: j) */
  }
  o->cap_ev = b.tx_count + nlogs;
  o->cap_at = b.tx_count * 4 + nlogs * 7;
  o->cap_str = b.tx_count * 200 + nlogs * (100 + 5 * 70) + 8192;
  for (uint32_t j = 0; j < b.tx_count; j++)
    for (uint16_t k = 0; k < rs[j].ncalls; k++)
      for (uint16_t l = 0; l < rs[j].calls[k].nlogs; l++) o->cap_str += 2 * rs[j].calls[k].logs[l].data_len;
  o->res = calloc(n ? n : 1, sizeof *o->res);
  o->resp = calloc(n ? n : 1, sizeof *o->resp);
  o->ev = calloc(o->cap_ev + 1, sizeof *o->ev);
  o->evp = calloc(o->cap_ev + 1, sizeof *o->evp);
  o->at = calloc(o->cap_at + 1, sizeof *o->at);
  o->atp = calloc(o->cap_at + 1, sizeof *o->atp);
  o->strs = malloc(o->cap_str);
  if (!o->res || !o->resp || !o->ev || !o->evp || !o->at || !o->atp || !o->strs) goto nomem;
  uint32_t j = 0;
  for (size_t i = 0; i < n; i++) {
    Dvmabci__ExecTxResult *r = &o->res[i];
    dvmabci__exec_tx_result__init(r);
    o->resp[i] = r;
    int in_block = j < b.tx_count && b.tx_lens[j] == txs[i].len &&
                   !memcmp(b.tx_bytes[j], txs[i].data, txs[i].len);
    if (!in_block) {
      r->code = DVM_ABCI_CODE_REJECTED;
      r->log = (char *)(rejected && rejected[i] == DVM_RT_ERR_FULL ? "left out: block full"
                                                                    : "left out: invalid transaction");
      continue;
    }
    dvm_rt_receipt *rc_ = &rs[j];
    r->code = rc_->status == DVM_RT_CALL_OK       ? DVM_ABCI_CODE_OK
              : rc_->status == DVM_RT_CALL_REVERT ? DVM_ABCI_CODE_REVERT
              : rc_->status == DVM_RT_CALL_TRAP   ? DVM_ABCI_CODE_TRAP
                                                  : DVM_ABCI_CODE_FAILED;
    r->data.data = o->raw[j];
    r->data.len = rc_->index;
    r->gas_wanted = (int64_t)b.txs[j].gas_limit;
    r->gas_used = (int64_t)rc_->gas_used;
    r->log = (char *)(r->code == 0 ? "ok" : r->code == 1 ? "reverted" : r->code == 2 ? "trapped" : "failed");
    char t[200];
    Dvmabci__Event *ev = fb_event(o, "dvm_tx");
    r->events = &o->evp[o->nev - 1];
    r->n_events = 1;
    if (ev) {
      hex(rc_->tx_id, 32, t);
      fb_attr(o, ev, "id", t);
      snprintf(t, sizeof t, "%u", rc_->status);
      fb_attr(o, ev, "status", t);
      snprintf(t, sizeof t, "%" PRIu64, rc_->fee);
      fb_attr(o, ev, "fee", t);
      if (rc_->has_contract) {
        hex(rc_->contract, 32, t);
        fb_attr(o, ev, "contract", t);
      }
    }
    for (uint16_t k = 0; k < rc_->ncalls; k++)
      for (uint16_t l = 0; l < rc_->calls[k].nlogs; l++) {
        const dvm_rt_log_view *lv = &rc_->calls[k].logs[l];
        Dvmabci__Event *le = fb_event(o, "dvm_log");
        if (!le) continue;
        r->n_events++;
        hex(lv->contract, 32, t);
        fb_attr(o, le, "contract", t);
        for (uint8_t q = 0; q < lv->ntopics && q < 4; q++) {
          char key[8];
          snprintf(key, sizeof key, "topic%u", q);
          hex(lv->topics + 32u * q, 32, t);
          fb_attr(o, le, key, t);
        }
        char *d = malloc(2 * (size_t)lv->data_len + 1);
        if (d) {
          hex(lv->data, lv->data_len, d);
          fb_attr(o, le, "data", d);
          free(d);
        }
      }
    j++;
  }
  if (j != b.tx_count) {
    snprintf(err, 256, "block %" PRIu64 " holds %u transactions the request does not list in order", h,
             b.tx_count - j);
    rc = DVM_RT_ERR_STATE;
    goto out;
  }
  fb->n_tx_results = n;
  fb->tx_results = o->resp;
  rc = 0;
  goto out;
nomem:
  snprintf(err, 256, "out of memory");
  rc = DVM_RT_ERR_NOMEM;
out:
  if (rs)
    for (uint32_t q = 0; q < b.tx_count; q++) dvm_rt_receipt_free(&rs[q]);
  free(rs);
  dvm_tx_block_free(&b);
  free(blk);
  return rc;
}

static void fb_free(fb_out *o) {
  if (o->raw)
    for (size_t i = 0; i < o->nraw; i++) free(o->raw[i]);
  free(o->raw);
  free(o->res);
  free(o->resp);
  free(o->ev);
  free(o->evp);
  free(o->at);
  free(o->atp);
  free(o->strs);
}

/* ---- dispatch ---- */

static uint8_t *pack(const Dvmabci__Response *r, size_t *len) {
  size_t n = dvmabci__response__get_packed_size(r);
  uint8_t *b = malloc(n ? n : 1);
  if (!b) return NULL;
  *len = dvmabci__response__pack(r, b);
  return b;
}

static uint8_t *exception(const char *msg, size_t *len) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  Dvmabci__ResponseException x = DVMABCI__RESPONSE_EXCEPTION__INIT;
  x.error = (char *)msg;
  r.value_case = DVMABCI__RESPONSE__VALUE_EXCEPTION;
  r.exception = &x;
  return pack(&r, len);
}

static void le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t rd64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* Query paths (data in, value out; integers little-endian):
 *   /head                              -> height u64 || block hash || state root || time u64
 *   /balance  addr(32) || asset u32    -> u64
 *   /nonce    addr(32)                 -> u64
 *   /storage  contract(32) || key      -> value
 *   /receipt  tx id(32)                -> encoded receipt
 *   /block    height u64               -> encoded block */
static void do_query(dvm_abci *a, const Dvmabci__RequestQuery *q, Dvmabci__ResponseQuery *o,
                     uint8_t **owned) {
  const uint8_t *d = q->data.data;
  size_t n = q->data.len;
  uint64_t h = 0, v = 0;
  uint8_t small[112];
  int rc = DVM_RT_ERR_ARG;
  dvm_rt_chain_head(a->chain, &h, NULL, NULL, NULL);
  o->height = (int64_t)h;
  const char *p = q->path ? q->path : "";
  if (!strcmp(p, "/head")) {
    uint64_t t;
    if (!(rc = dvm_rt_chain_head(a->chain, &h, small + 8, small + 40, &t))) {
      le64(small, h);
      le64(small + 72, t);
      o->value.data = small;
      o->value.len = 80;
    }
  } else if (!strcmp(p, "/balance") && n == 36) {
    uint32_t asset = (uint32_t)d[32] | (uint32_t)d[33] << 8 | (uint32_t)d[34] << 16 | (uint32_t)d[35] << 24;
    if (!(rc = dvm_rt_chain_balance(a->chain, d, asset, &v))) goto u64;
  } else if (!strcmp(p, "/nonce") && n == 32) {
    if (!(rc = dvm_rt_chain_nonce(a->chain, d, &v))) goto u64;
  } else if (!strcmp(p, "/storage") && n > 32) {
    size_t vl;
    if (!(rc = dvm_rt_chain_storage(a->chain, d, d + 32, n - 32, owned, &vl))) {
      o->value.data = *owned;
      o->value.len = vl;
    }
  } else if (!strcmp(p, "/receipt") && n == 32) {
    size_t vl;
    if (!(rc = dvm_rt_chain_receipt(a->chain, d, owned, &vl))) {
      o->value.data = *owned;
      o->value.len = vl;
    }
  } else if (!strcmp(p, "/block") && n == 8) {
    size_t vl;
    if (!(rc = dvm_rt_chain_block(a->chain, rd64(d), owned, &vl))) {
      o->value.data = *owned;
      o->value.len = vl;
    }
  }
  goto done;
u64:
  le64(small, v);
  o->value.data = small;
  o->value.len = 8;
done:
  if (rc) {
    o->code = DVM_ABCI_CODE_QUERY;
    o->log = (char *)(rc == DVM_RT_ERR_ARG ? "unknown path or malformed data" : dvm_rt_strerror(rc));
  }
  /* value may point at `small`: the caller packs before returning. */
  if (o->value.data == small) {
    *owned = malloc(o->value.len);
    if (*owned) memcpy(*owned, small, o->value.len);
    o->value.data = *owned;
    if (!*owned) o->value.len = 0;
  }
}

static int handle(dvm_abci *a, const Dvmabci__Request *q, uint8_t **resp, size_t *resp_len) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  char err[256] = "";
  int fatal = 0;
  uint8_t root[32];
  uint64_t h = 0;
  switch (q->value_case) {
  case DVMABCI__REQUEST__VALUE_ECHO: {
    Dvmabci__ResponseEcho x = DVMABCI__RESPONSE_ECHO__INIT;
    x.message = q->echo->message;
    r.value_case = DVMABCI__RESPONSE__VALUE_ECHO;
    r.echo = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_FLUSH: {
    Dvmabci__ResponseFlush x = DVMABCI__RESPONSE_FLUSH__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_FLUSH;
    r.flush = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_INFO: {
    Dvmabci__ResponseInfo x = DVMABCI__RESPONSE_INFO__INIT;
    dvm_tx_block_header hd;
    x.data = (char *)"dvm";
    x.version = (char *)"dvm-abci 1";
    x.app_version = 1;
    if (dvm_rt_chain_head(a->chain, &h, NULL, NULL, NULL) == 0) {
      uint64_t r_h = a->acked < h ? a->acked : h;
      int rc = block_header(a, r_h, &hd);
      if (rc) {
        snprintf(err, sizeof err, "info: block %" PRIu64 ": %s", r_h, dvm_rt_strerror(rc));
        fatal = 1;
        break;
      }
      memcpy(root, hd.state_root, 32);
      x.last_block_height = (int64_t)r_h;
      if (r_h > 0) {
        x.last_block_app_hash.data = root;
        x.last_block_app_hash.len = 32;
      }
    }
    r.value_case = DVMABCI__RESPONSE__VALUE_INFO;
    r.info = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_INIT_CHAIN: {
    Dvmabci__ResponseInitChain x = DVMABCI__RESPONSE_INIT_CHAIN__INIT;
    const Dvmabci__RequestInitChain *ic = q->init_chain;
    if (ic->initial_height > 1) {
      snprintf(err, sizeof err, "initial_height must be 1 (DVM block 0 is the genesis)");
      break;
    }
    if (dvm_rt_chain_head(a->chain, &h, NULL, root, NULL) != 0) {
      const char *js = ic->app_state_bytes.len ? (const char *)ic->app_state_bytes.data : a->genesis;
      size_t jl = ic->app_state_bytes.len ? ic->app_state_bytes.len : a->genesis_len;
      if (!js) {
        snprintf(err, sizeof err, "no DVM genesis: neither app_state nor --genesis");
        break;
      }
      /* DIR/genesis.json first (a replay starts from it), then block 0 */
      char gp[4200], gt[4200];
      snprintf(gp, sizeof gp, "%s/genesis.json", a->dir);
      snprintf(gt, sizeof gt, "%s/genesis.json.tmp", a->dir);
      FILE *gf = fopen(gt, "wb");
      int gok = gf && fwrite(js, 1, jl, gf) == jl;
      if (gf) gok = (fflush(gf) == 0 && fsync(fileno(gf)) == 0) && gok, fclose(gf);
      if (!gok || rename(gt, gp)) {
        snprintf(err, sizeof err, "cannot write %.200s/genesis.json", a->dir);
        fatal = 1;
        break;
      }
      int rc = dvm_rt_chain_genesis(a->chain, js, jl);
      if (rc) {
        snprintf(err, sizeof err, "genesis: %s", dvm_rt_chain_errmsg(a->chain));
        fatal = rc == DVM_RT_ERR_STATE;
        break;
      }
      dvm_rt_chain_head(a->chain, &h, NULL, root, NULL);
      a->finalized = 0;
      if (ack_store(a, 0)) {
        snprintf(err, sizeof err, "cannot write %.200s/abci_commit", a->dir);
        fatal = 1;
        break;
      }
    } else if (h != 0) {
      snprintf(err, sizeof err, "InitChain on a chain at height %" PRIu64, h);
      break;
    }
    /* else: the genesis was applied before a crash: same answer. */
    x.app_hash.data = root;
    x.app_hash.len = 32;
    r.value_case = DVMABCI__RESPONSE__VALUE_INIT_CHAIN;
    r.init_chain = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_QUERY: {
    Dvmabci__ResponseQuery x = DVMABCI__RESPONSE_QUERY__INIT;
    uint8_t *owned = NULL;
    do_query(a, q->query, &x, &owned);
    r.value_case = DVMABCI__RESPONSE__VALUE_QUERY;
    r.query = &x;
    *resp = pack(&r, resp_len);
    free(owned);
    break;
  }
  case DVMABCI__REQUEST__VALUE_CHECK_TX: {
    Dvmabci__ResponseCheckTx x = DVMABCI__RESPONSE_CHECK_TX__INIT;
    dvm_rt_tx_info info;
    char why[256] = "";
    int rc = dvm_rt_chain_check_tx(a->chain, q->check_tx->tx.data, q->check_tx->tx.len, &info, why);
    if (rc) {
      x.code = DVM_ABCI_CODE_REJECTED;
      x.log = why;
    } else {
      x.gas_wanted = (int64_t)info.gas_limit;
    }
    r.value_case = DVMABCI__RESPONSE__VALUE_CHECK_TX;
    r.check_tx = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_COMMIT: {
    Dvmabci__ResponseCommit x = DVMABCI__RESPONSE_COMMIT__INIT;
    /* The block is in the store since FinalizeBlock; the acknowledgement
     * tells Info that CometBFT saw it through. Retain every block: a DVM
     * replay verifies the whole chain. */
    if (ack_store(a, a->finalized)) {
      snprintf(err, sizeof err, "cannot write %.150s/abci_commit: %.60s", a->dir, strerror(errno));
      fatal = 1;
      break;
    }
    x.retain_height = 0;
    r.value_case = DVMABCI__RESPONSE__VALUE_COMMIT;
    r.commit = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_LIST_SNAPSHOTS: {
    Dvmabci__ResponseListSnapshots x = DVMABCI__RESPONSE_LIST_SNAPSHOTS__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_LIST_SNAPSHOTS;
    r.list_snapshots = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_OFFER_SNAPSHOT: {
    Dvmabci__ResponseOfferSnapshot x = DVMABCI__RESPONSE_OFFER_SNAPSHOT__INIT;
    x.result = 3; /* REJECT: no snapshot format is understood */
    r.value_case = DVMABCI__RESPONSE__VALUE_OFFER_SNAPSHOT;
    r.offer_snapshot = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_LOAD_SNAPSHOT_CHUNK: {
    Dvmabci__ResponseLoadSnapshotChunk x = DVMABCI__RESPONSE_LOAD_SNAPSHOT_CHUNK__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_LOAD_SNAPSHOT_CHUNK;
    r.load_snapshot_chunk = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_APPLY_SNAPSHOT_CHUNK: {
    Dvmabci__ResponseApplySnapshotChunk x = DVMABCI__RESPONSE_APPLY_SNAPSHOT_CHUNK__INIT;
    x.result = 2; /* ABORT */
    r.value_case = DVMABCI__RESPONSE__VALUE_APPLY_SNAPSHOT_CHUNK;
    r.apply_snapshot_chunk = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_EXTEND_VOTE: {
    Dvmabci__ResponseExtendVote x = DVMABCI__RESPONSE_EXTEND_VOTE__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_EXTEND_VOTE;
    r.extend_vote = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_VERIFY_VOTE_EXTENSION: {
    Dvmabci__ResponseVerifyVoteExtension x = DVMABCI__RESPONSE_VERIFY_VOTE_EXTENSION__INIT;
    x.status = 1; /* ACCEPT */
    r.value_case = DVMABCI__RESPONSE__VALUE_VERIFY_VOTE_EXTENSION;
    r.verify_vote_extension = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_PREPARE_PROPOSAL: {
    Dvmabci__ResponsePrepareProposal x = DVMABCI__RESPONSE_PREPARE_PROPOSAL__INIT;
    const Dvmabci__RequestPrepareProposal *pp = q->prepare_proposal;
    uint8_t *keep = malloc(pp->n_txs ? pp->n_txs : 1);
    ProtobufCBinaryData *out = malloc((pp->n_txs ? pp->n_txs : 1) * sizeof *out);
    if (!keep || !out) {
      free(keep);
      free(out);
      snprintf(err, sizeof err, "out of memory");
      break;
    }
    proposal_filter(a, pp->txs, pp->n_txs, pp->max_tx_bytes, keep);
    for (size_t i = 0; i < pp->n_txs; i++)
      if (keep[i]) out[x.n_txs++] = pp->txs[i];
    x.txs = out;
    r.value_case = DVMABCI__RESPONSE__VALUE_PREPARE_PROPOSAL;
    r.prepare_proposal = &x;
    *resp = pack(&r, resp_len);
    free(keep);
    free(out);
    break;
  }
  case DVMABCI__REQUEST__VALUE_PROCESS_PROPOSAL: {
    Dvmabci__ResponseProcessProposal x = DVMABCI__RESPONSE_PROCESS_PROPOSAL__INIT;
    const Dvmabci__RequestProcessProposal *pp = q->process_proposal;
    uint8_t *keep = malloc(pp->n_txs ? pp->n_txs : 1);
    if (!keep) {
      snprintf(err, sizeof err, "out of memory");
      break;
    }
    /* A proposal PrepareProposal would have changed is refused: every
     * honest validator filters the same way against the same state. */
    x.status = proposal_filter(a, pp->txs, pp->n_txs, -1, keep) ? 2 : 1;
    free(keep);
    if (a->verbose && x.status == 2)
      fprintf(stderr, "dvm abci: proposal for height %" PRId64 " rejected\n", pp->height);
    r.value_case = DVMABCI__RESPONSE__VALUE_PROCESS_PROPOSAL;
    r.process_proposal = &x;
    *resp = pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_FINALIZE_BLOCK: {
    Dvmabci__ResponseFinalizeBlock x = DVMABCI__RESPONSE_FINALIZE_BLOCK__INIT;
    const Dvmabci__RequestFinalizeBlock *fq = q->finalize_block;
    uint64_t head, ptime;
    fb_out o;
    memset(&o, 0, sizeof o);
    int *rejected = NULL;
    int rc = dvm_rt_chain_head(a->chain, &head, NULL, NULL, &ptime);
    if (rc) {
      snprintf(err, sizeof err, "FinalizeBlock before InitChain");
      break;
    }
    if (fq->height <= 0 || (uint64_t)fq->height > head + 1) {
      snprintf(err, sizeof err, "FinalizeBlock height %" PRId64 " but the DVM head is %" PRIu64, fq->height, head);
      break;
    }
    h = (uint64_t)fq->height;
    if (h == a->fault_h && !a->fault_after) raise(SIGKILL);
    if (h == head + 1) {
      size_t n = fq->n_txs;
      const uint8_t **txs = malloc((n ? n : 1) * sizeof *txs);
      size_t *lens = malloc((n ? n : 1) * sizeof *lens);
      rejected = calloc(n ? n : 1, sizeof *rejected);
      if (!txs || !lens || !rejected) {
        free(txs);
        free(lens);
        snprintf(err, sizeof err, "out of memory");
        fatal = 1;
        break;
      }
      for (size_t i = 0; i < n; i++) {
        txs[i] = fq->txs[i].data;
        lens[i] = fq->txs[i].len;
      }
      /* CometBFT's BFT time is in seconds here; never before the parent. */
      uint64_t t = time_of(fq->time);
      if (t < ptime) t = ptime;
      if (n > DVM_BLOCK_MAX_TXS) n = DVM_BLOCK_MAX_TXS; /* the rest: left out */
      rc = dvm_rt_chain_produce(a->chain, txs, lens, n, t, rejected, NULL, NULL, NULL);
      free(txs);
      free(lens);
      if (rc) {
        snprintf(err, sizeof err, "block %" PRIu64 ": %s", h, dvm_rt_chain_errmsg(a->chain));
        fatal = 1; /* produce leaves invalid transactions out: only the store fails */
        free(rejected);
        break;
      }
    }
    /* Executed now, or before a crash (a handshake replay): the stored
     * block answers either way. */
    if (h <= head)
      fprintf(stderr, "dvm abci: height %" PRIu64 " answered from the stored block (finalized before a restart)\n", h);
    if (h == a->fault_h && a->fault_after) raise(SIGKILL);
    rc = finalize_results(a, h, fq->txs, fq->n_txs, rejected, &x, &o, err);
    free(rejected);
    dvm_tx_block_header hd;
    if (!rc) rc = block_header(a, h, &hd);
    if (rc) {
      if (!err[0]) snprintf(err, sizeof err, "block %" PRIu64 ": %s", h, dvm_rt_strerror(rc));
      fatal = 1;
      fb_free(&o);
      break;
    }
    memcpy(root, hd.state_root, 32);
    x.app_hash.data = root;
    x.app_hash.len = 32;
    x.events = NULL;
    x.n_events = 0;
    a->finalized = h;
    r.value_case = DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK;
    r.finalize_block = &x;
    *resp = pack(&r, resp_len);
    if (a->verbose) {
      char rh[65];
      hex(root, 32, rh);
      fprintf(stderr, "dvm abci: height %" PRIu64 " txs %zu app hash %s\n", h, fq->n_txs, rh);
    }
    fb_free(&o);
    break;
  }
  default:
    snprintf(err, sizeof err, "unknown request (field %d)", (int)q->value_case);
    break;
  }
  if (err[0]) {
    if (a->verbose || fatal) fprintf(stderr, "dvm abci: %s\n", err);
    *resp = exception(err, resp_len);
  }
  if (!*resp) return -1;
  return fatal ? -1 : 0;
}

int dvm_abci_handle(dvm_abci *a, const uint8_t *req, size_t len, uint8_t **resp, size_t *resp_len) {
  *resp = NULL;
  Dvmabci__Request *q = dvmabci__request__unpack(NULL, len, req);
  if (!q) {
    *resp = exception("malformed request", resp_len);
    return *resp ? 0 : -1;
  }
  pthread_mutex_lock(&a->lock);
  int rc = handle(a, q, resp, resp_len);
  pthread_mutex_unlock(&a->lock);
  dvmabci__request__free_unpacked(q, NULL);
  return rc;
}
