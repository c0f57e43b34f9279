/* abci_finalize.c — `dvm abci`'s FinalizeBlock (node/abci_int.h): the
 * next block produced from the request's transactions and committed, or
 * (a handshake replay after a restart) the block stored before; either
 * way the answer is read from the stored block and its receipts: one
 * ExecTxResult per request transaction, with the DVM events. */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abci_int.h"

static uint64_t time_of(const Dvmabci__Timestamp *t) {
  return t && t->seconds > 0 ? (uint64_t)t->seconds : 0;
}

static void hex(const uint8_t *p, size_t n, char *out) { dvm_hex_encode(p, n, out); }

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

int abci_finalize_block(dvm_abci *a, const Dvmabci__RequestFinalizeBlock *fq, uint8_t **resp, size_t *resp_len,
                        char *err) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  Dvmabci__ResponseFinalizeBlock x = DVMABCI__RESPONSE_FINALIZE_BLOCK__INIT;
  uint64_t head, ptime, h;
  uint8_t root[32];
  fb_out o;
  memset(&o, 0, sizeof o);
  int *rejected = NULL;
  int rc = dvm_rt_chain_head(a->chain, &head, NULL, NULL, &ptime);
  if (rc) {
    snprintf(err, 256, "FinalizeBlock before InitChain");
    return 0;
  }
  if (fq->height <= 0 || (uint64_t)fq->height > head + 1) {
    snprintf(err, 256, "FinalizeBlock height %" PRId64 " but the DVM head is %" PRIu64, fq->height, head);
    return 0;
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
      free(rejected);
      snprintf(err, 256, "out of memory");
      return -1;
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
      snprintf(err, 256, "block %" PRIu64 ": %s", h, dvm_rt_chain_errmsg(a->chain));
      free(rejected);
      return -1; /* produce leaves invalid transactions out: only the store fails */
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
  if (!rc) rc = abci_block_header(a, h, &hd);
  if (rc) {
    if (!err[0]) snprintf(err, 256, "block %" PRIu64 ": %s", h, dvm_rt_strerror(rc));
    fb_free(&o);
    return -1;
  }
  memcpy(root, hd.state_root, 32);
  x.app_hash.data = root;
  x.app_hash.len = 32;
  x.events = NULL;
  x.n_events = 0;
  a->finalized = h;
  r.value_case = DVMABCI__RESPONSE__VALUE_FINALIZE_BLOCK;
  r.finalize_block = &x;
  *resp = abci_pack(&r, resp_len);
  if (a->verbose) {
    char rh[65];
    hex(root, 32, rh);
    fprintf(stderr, "dvm abci: height %" PRIu64 " txs %zu app hash %s\n", h, fq->n_txs, rh);
  }
  fb_free(&o);
  return 0;
}
