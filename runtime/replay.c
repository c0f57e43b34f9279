/* replay.c — the audit (README §Replay, spec/trace.md §Divergence):
 * re-execute a data directory's stored blocks from genesis into a fresh
 * state in a temporary directory and compare, block by block, the stored
 * block record (parent, roots) and every stored receipt with what
 * execution gives; after the head, compare every stored state entry with
 * the replayed one. The source is only read, through short LMDB read views
 * (a live node keeps producing meanwhile).
 *
 * Where a divergence is named:
 *   - a receipt: the block and transaction whose re-execution gives
 *     another receipt (the first differing field);
 *   - a block record: its height (parent hash, tx/state/receipts root),
 *     or the transaction that is no longer valid;
 *   - a state entry: the stored state is only the head's, so it can only
 *     be compared after the last block. The entry is named by its key, and
 *     the block and transaction by the last write of that key during the
 *     replay (a second pass that watches the key after every transaction):
 *     the one whose recorded effect the stored value contradicts.
 * Blocks go through dvm_rt_chain_apply with an observer (rt_private.h,
 * rt_observer) that sees every receipt and the computed header. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "replay_int.h"


const char *dvm_rt_replay_errmsg(const dvm_rt_replay *r) { return r ? r->err : ""; }


/* ---- the observer of one block's execution ---- */

typedef struct watch {
  unsigned table;
  const uint8_t *key;
  size_t klen;
  uint8_t *val; /* the value after the last change (malloc'd), or NULL when absent */
  size_t vlen;
  int present;
  uint64_t height; /* last change: block and position; height 0 = genesis */
  int64_t index;
  uint8_t tx_id[32];
  int err;
} watch;

typedef struct obs_ctx {
  dvm_rt_replay *r;
  dvm_rt_chain *c;
  uint64_t height;
  /* compare each receipt with the one stored in this view of the source
   * (NULL: no comparison) */
  dvm_state_view *sview;
  int read_err;
  dvm_rt_divergence *div;
  int mismatch;
  /* the header execution computed */
  int has_header;
  dvm_tx_block_header header;
  /* trace */
  dvm_rt_tracer *tracer;
  int64_t trace_index;
  uint8_t *trace_receipt;
  size_t trace_receipt_len;
  uint8_t trace_id[32];
  int traced;
  int abort_commit; /* only tracing: never commit */
  watch *w;
} obs_ctx;

static void on_tx(void *ctx, uint32_t index, const dvm_tx *tx, const uint8_t *receipt, size_t len) {
  obs_ctx *o = ctx;
  if (o->tracer && (int64_t)index == o->trace_index) {
    free(o->trace_receipt);
    o->trace_receipt = malloc(len ? len : 1);
    if (o->trace_receipt) {
      memcpy(o->trace_receipt, receipt, len);
      o->trace_receipt_len = len;
    }
    memcpy(o->trace_id, tx->id, 32);
  }
  if (o->sview && !o->mismatch && !o->read_err) {
    dvm_state_bytes sb;
    int g = dvm_state_view_get(o->sview, DVM_STATE_T_RECEIPTS, tx->id, 32, &sb);
    if (g == DVM_STATE_NOTFOUND) {
      o->mismatch = 1;
      rt_replay_set_div(o->div, o->height, index, tx->id, "receipt");
      snprintf(o->div->expected, sizeof o->div->expected, "(no stored receipt)");
      rt_replay_hexcut(o->div->actual, sizeof o->div->actual, receipt, len);
    } else if (g) {
      o->read_err = g;
    } else if (sb.len != len || memcmp(sb.data, receipt, len)) {
      o->mismatch = 1;
      rt_replay_set_div(o->div, o->height, index, tx->id, "receipt");
      rt_replay_receipt_diff(o->div, sb.data, sb.len, receipt, len);
    }
  }
  if (o->w && !o->w->err) {
    watch *w = o->w;
    dvm_state_bytes v;
    int rc = dvm_state_overlay_get(o->c->ov, w->table, w->key, w->klen, &v);
    if (rc && rc != DVM_STATE_NOTFOUND) {
      w->err = rc;
      return;
    }
    int present = rc == DVM_STATE_OK;
    if (present != w->present || (present && (v.len != w->vlen || (v.len && memcmp(v.data, w->val, v.len))))) {
      free(w->val);
      w->val = NULL;
      w->vlen = 0;
      if (present) {
        w->val = malloc(v.len ? v.len : 1);
        if (!w->val) {
          w->err = DVM_STATE_ERR_NOMEM;
          return;
        }
        if (v.len) memcpy(w->val, v.data, v.len);
        w->vlen = v.len;
      }
      w->present = present;
      w->height = o->height;
      w->index = index;
      memcpy(w->tx_id, tx->id, 32);
    }
  }
}

/* The summary line of a traced transaction (spec/trace.md). */
static void write_summary(obs_ctx *o, const uint8_t root[32]) {
  dvm_rt_receipt rc;
  char line[1400], rh[65], idh[65], out[520], err[160] = "";
  if (!o->trace_receipt || dvm_rt_receipt_decode(o->trace_receipt, o->trace_receipt_len, &rc)) return;
  static const char *const st[] = {"ok", "revert", "trap", "failed"};
  const dvm_rt_call_receipt *deciding = NULL;
  for (unsigned i = 0; i < rc.ncalls && !deciding; i++)
    if (rc.calls[i].status != DVM_RT_CALL_OK) deciding = &rc.calls[i];
  if (!deciding && rc.ncalls) deciding = &rc.calls[rc.ncalls - 1];
  out[0] = 0;
  if (deciding) {
    rt_replay_hexcut(out, sizeof out, deciding->ret, deciding->ret_len);
    if (deciding->status == DVM_RT_CALL_TRAP)
      snprintf(err, sizeof err, ",\"error\":\"%s\",\"errorPc\":%" PRIu32, dvm_vm_trap_name(deciding->trap), deciding->pc);
    else if (deciding->status == DVM_RT_CALL_FAILED)
      snprintf(err, sizeof err, ",\"error\":\"%s\"", dvm_rt_fail_name(deciding->detail));
  }
  rt_replay_hex32(rh, root);
  rt_replay_hex32(idh, o->trace_id);
  int n = snprintf(line, sizeof line,
                   "{\"stateRoot\":\"%s\",\"output\":\"%s\",\"gasUsed\":%" PRIu64 ",\"status\":\"%s\"%s,\"tx\":\"%s\","
                   "\"block\":%" PRIu64 ",\"index\":%" PRId64 ",\"steps\":%" PRIu64 "}",
                   rh, out, rc.gas_used, rc.status < 4 ? st[rc.status] : "?", err, idh, o->height, o->trace_index,
                   dvm_rt_tracer_lines(o->tracer));
  dvm_rt_receipt_free(&rc);
  if (n > 0) rt_trace_emit(o->tracer, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
  o->traced = 1;
}

static int on_roots(void *ctx, const dvm_tx_block_header *h) {
  obs_ctx *o = ctx;
  o->header = *h;
  o->has_header = 1;
  if (o->tracer && o->trace_receipt && !o->traced) write_summary(o, h->state_root);
  return o->mismatch || o->abort_commit;
}

/* Apply one stored block to c under the observer. */
static int apply_observed(dvm_rt_chain *c, const uint8_t *blk, size_t len, obs_ctx *o, int verify,
                          dvm_rt_block_info *info) {
  rt_observer ob;
  memset(&ob, 0, sizeof ob);
  ob.ctx = o;
  ob.trace_index = o->tracer ? o->trace_index : -1;
  ob.tracer = o->tracer;
  ob.tx_done = on_tx;
  ob.roots = on_roots;
  ob.invalid_index = -1;
  o->c = c;
  int saved = c->verify_sigs;
  c->verify_sigs = verify;
  c->obs = &ob;
  int rc = dvm_rt_chain_apply(c, blk, len, info);
  c->obs = NULL;
  c->verify_sigs = saved;
  if (rc == DVM_RT_ERR_BLOCK && ob.invalid_index >= 0 && !o->mismatch && o->div) {
    o->mismatch = 1;
    dvm_tx_block b;
    char e[160];
    rt_replay_set_div(o->div, o->height, ob.invalid_index, NULL, "transaction validity");
    if (dvm_tx_block_decode(blk, len, &b, e, sizeof e) == DVM_TX_OK) {
      if ((uint64_t)ob.invalid_index < b.tx_count) memcpy(o->div->tx_id, b.txs[ob.invalid_index].id, 32);
      dvm_tx_block_free(&b);
    }
    snprintf(o->div->expected, sizeof o->div->expected, "valid (the block includes it)");
    snprintf(o->div->actual, sizeof o->div->actual, "%s", dvm_rt_chain_errmsg(c));
  }
  return rc;
}

/* Re-execute blocks 1..upto on a fresh chain without checks (their
 * signatures and records were checked, or are trusted), tracing
 * transaction trace_i of block upto if tracer, watching w if not NULL.
 * Returns OK, or an error with r->err. */
static int pass_run(dvm_rt_replay *r, uint64_t upto, dvm_rt_tracer *tracer, int64_t trace_i, watch *w) {
  dvm_rt_chain *c;
  char dir[PATH_MAX];
  int rc = rt_replay_fresh_open(r, &c, dir);
  if (rc) return rc;
  if (w) { /* the value genesis left */
    dvm_state_bytes v;
    int g = dvm_state_overlay_get(c->ov, w->table, w->key, w->klen, &v);
    w->present = g == DVM_STATE_OK;
    w->height = 0;
    w->index = -1;
    if (w->present) {
      w->val = malloc(v.len ? v.len : 1);
      if (w->val && v.len) memcpy(w->val, v.data, v.len);
      w->vlen = v.len;
    }
  }
  for (uint64_t h = 1; h <= upto && !rc; h++) {
    uint8_t *blk;
    size_t len;
    obs_ctx o;
    memset(&o, 0, sizeof o);
    o.r = r;
    o.height = h;
    o.w = w;
    o.trace_index = -1;
    if (h == upto && tracer) {
      o.tracer = tracer;
      o.trace_index = trace_i;
      o.abort_commit = 1;
    }
    if ((rc = rt_replay_src_block(r, h, &blk, &len))) {
      if (rc == DVM_RT_ERR_NOTFOUND) rt_replay_rerr(r, "block %" PRIu64 " is not stored", h);
      break;
    }
    rc = apply_observed(c, blk, len, &o, 0, NULL);
    free(blk);
    free(o.trace_receipt);
    if (h == upto && tracer && rc == DVM_RT_ERR_BLOCK && o.traced) rc = DVM_RT_OK; /* aborted on purpose */
    else if (rc) rt_replay_rerr(r, "re-executing block %" PRIu64 ": %.200s", h, dvm_rt_chain_errmsg(c));
    if (w && w->err) {
      rc = DVM_RT_ERR_STATE;
      rt_replay_rerr(r, "watching a state key: %s", dvm_state_strerror(w->err));
    }
  }
  rt_replay_fresh_close(&c, dir);
  return rc;
}

/* ---- opening ---- */

static int replay_init(dvm_rt_replay *r, char *errbuf) {
  uint8_t *b0 = NULL, *rec = NULL;
  size_t b0len, reclen;
  int rc;
  const char *tmp = r->o.work_dir ? r->o.work_dir : getenv("TMPDIR");
  snprintf(r->parent, sizeof r->parent, "%s", tmp && *tmp ? tmp : "/tmp");
  {
    dvm_state_view *v;
    if ((rc = dvm_state_view_begin(r->src, &v))) {
      rt_replay_rerr(r, "read view: %s", dvm_state_strerror(rc));
      goto fail;
    }
    rc = dvm_state_view_last(v, &r->head, r->head_root);
    dvm_state_view_end(v);
    if (rc) {
      rt_replay_rerr(r, "the data directory has no block (not a chain?)");
      rc = DVM_RT_ERR_GENESIS;
      goto fail;
    }
  }
  rc = rt_replay_src_get(r, DVM_STATE_T_META, RT_META_GENESIS, strlen(RT_META_GENESIS), &rec, &reclen);
  if (rc) {
    if (rc == DVM_RT_ERR_NOTFOUND) rt_replay_rerr(r, "the data directory holds no genesis document");
    rc = rc == DVM_RT_ERR_NOTFOUND ? DVM_RT_ERR_GENESIS : rc;
    goto fail;
  }
  r->genesis = (char *)rec;
  r->genesis_len = reclen;
  r->from = r->o.from ? r->o.from : 1;
  r->to = r->o.to ? r->o.to : r->head;
  if (r->to > r->head) {
    rt_replay_rerr(r, "--to %" PRIu64 ": the data directory ends at block %" PRIu64, r->to, r->head);
    rc = DVM_RT_ERR_ARG;
    goto fail;
  }
  if (r->from > r->to + 1) {
    rt_replay_rerr(r, "--from %" PRIu64 " is past --to %" PRIu64, r->from, r->to);
    rc = DVM_RT_ERR_ARG;
    goto fail;
  }
  if (r->o.trace_tx) {
    dvm_rt_receipt rr;
    memcpy(r->trace_id, r->o.trace_tx, 32);
    rc = rt_replay_src_get(r, DVM_STATE_T_RECEIPTS, r->trace_id, 32, &rec, &reclen);
    if (rc) {
      char h[65];
      rt_replay_hex32(h, r->trace_id);
      if (rc == DVM_RT_ERR_NOTFOUND) rt_replay_rerr(r, "transaction %s is not in the data directory", h);
      goto fail;
    }
    rc = dvm_rt_receipt_decode(rec, reclen, &rr);
    free(rec);
    if (rc) {
      rt_replay_rerr(r, "the stored receipt of the traced transaction does not decode");
      rc = DVM_RT_ERR_STATE;
      goto fail;
    }
    r->has_trace = 1;
    r->trace_h = rr.height;
    r->trace_i = rr.index;
    dvm_rt_receipt_free(&rr);
    if (r->trace_h > r->to) {
      rt_replay_rerr(r, "the traced transaction is in block %" PRIu64 ", past the last block replayed", r->trace_h);
      rc = DVM_RT_ERR_ARG;
      goto fail;
    }
  }
  if ((rc = rt_replay_fresh_open(r, &r->fresh, r->fresh_dir))) goto fail;
  r->next = 0; /* block 0 is compared by the first step */
  (void)b0;
  (void)b0len;
  return DVM_RT_OK;
fail:
  if (errbuf) snprintf(errbuf, 256, "%s", r->err);
  return rc;
}

int dvm_rt_replay_open(const char *data_dir, const dvm_rt_replay_opts *opts, dvm_rt_replay **out, char *errbuf) {
  char p[PATH_MAX], e[DVM_STATE_ERRMSG_MAX];
  struct stat st;
  dvm_state_store_opts so;
  *out = NULL;
  if (sodium_init() < 0) return DVM_RT_ERR_STATE;
  snprintf(p, sizeof p, "%s/data.mdb", data_dir);
  if (stat(p, &st)) {
    if (errbuf) snprintf(errbuf, 256, "%.200s: not a data directory (no data.mdb)", data_dir);
    return DVM_RT_ERR_ARG;
  }
  dvm_rt_replay *r = calloc(1, sizeof *r);
  if (!r) return DVM_RT_ERR_NOMEM;
  if (opts) r->o = *opts;
  dvm_state_store_opts_default(&so);
  so.threads = r->o.threads;
  int rc = dvm_state_store_open(data_dir, &so, &r->src, e);
  if (rc) {
    if (errbuf) snprintf(errbuf, 256, "%.250s", e);
    free(r);
    return DVM_RT_ERR_STATE;
  }
  r->own_src = 1;
  if ((rc = replay_init(r, errbuf))) {
    dvm_rt_replay_close(r);
    return rc;
  }
  *out = r;
  return DVM_RT_OK;
}

int dvm_rt_replay_open_chain(dvm_rt_chain *c, const dvm_rt_replay_opts *opts, dvm_rt_replay **out, char *errbuf) {
  *out = NULL;
  dvm_rt_replay *r = calloc(1, sizeof *r);
  if (!r) return DVM_RT_ERR_NOMEM;
  if (opts) r->o = *opts;
  r->src = c->store;
  int rc = replay_init(r, errbuf);
  if (rc) {
    dvm_rt_replay_close(r);
    return rc;
  }
  *out = r;
  return DVM_RT_OK;
}

void dvm_rt_replay_close(dvm_rt_replay *r) {
  if (!r) return;
  rt_replay_fresh_close(&r->fresh, r->fresh_dir);
  if (r->own_src) dvm_state_store_close(r->src);
  free(r->genesis);
  free(r);
}

void dvm_rt_replay_range(const dvm_rt_replay *r, uint64_t *head, uint64_t *from, uint64_t *to) {
  if (head) *head = r->head;
  if (from) *from = r->from;
  if (to) *to = r->to;
}

/* ---- the final state comparison ---- */

/* Trace transaction `index` of block h by a pass from genesis. */
static void trace_by_pass(dvm_rt_replay *r, uint64_t h, int64_t index, dvm_rt_divergence *div) {
  dvm_rt_tracer *t;
  if (!r->o.sink || index < 0 || dvm_rt_tracer_new(r->o.sink, r->o.sink_ctx, &t)) return;
  if (pass_run(r, h, t, index, NULL) == DVM_RT_OK) div->traced = 1;
  dvm_rt_tracer_free(t);
}

static int compare_state(dvm_rt_replay *r, dvm_rt_divergence *div, dvm_rt_replay_step_info *info) {
  dvm_state_view *sv = NULL, *fv = NULL;
  int rc, found = 0;
  unsigned table = 0;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t klen = 0;
  uint64_t vh;
  uint8_t vroot[32], froot[32];
  if ((rc = dvm_state_view_begin(r->src, &sv)) || (rc = dvm_state_view_begin(r->fresh->store, &fv))) {
    dvm_state_view_end(sv);
    return rt_replay_rerr(r, "read view: %s", dvm_state_strerror(rc)), DVM_RT_ERR_STATE;
  }
  if (dvm_state_view_last(sv, &vh, vroot) || vh != r->head) {
    /* A live node committed more blocks: its state is no longer the
     * replayed head's. Blocks and receipts were compared. */
    dvm_state_view_end(sv);
    dvm_state_view_end(fv);
    info->state_compared = 0;
    return DVM_RT_REPLAY_DONE;
  }
  dvm_state_view_last(fv, NULL, froot);
  uint64_t entries = 0;
  rc = rt_replay_state_diff(sv, fv, r->head, div, &table, key, &klen, &entries, &found);
  if (rc) {
    dvm_state_view_end(sv);
    dvm_state_view_end(fv);
    return rt_replay_rerr(r, "reading the state: %s", dvm_state_strerror(rc)), DVM_RT_ERR_STATE;
  }
  dvm_state_view_end(sv);
  dvm_state_view_end(fv);
  info->state_entries = entries;
  if (!found) {
    if (memcmp(vroot, froot, 32)) {
      rt_replay_set_div(div, r->head, -1, NULL, "stored state root");
      rt_replay_hex32(div->expected, vroot);
      rt_replay_hex32(div->actual, froot);
      snprintf(div->detail, sizeof div->detail, "every state entry matches; the stored root (META) does not");
      return DVM_RT_REPLAY_DIVERGED;
    }
    info->state_compared = 1;
    return DVM_RT_REPLAY_DONE;
  }
  /* Who wrote the entry last: a pass from genesis that watches it. */
  watch w;
  memset(&w, 0, sizeof w);
  w.table = table;
  w.key = key;
  w.klen = klen;
  w.index = -1;
  rt_replay_fresh_close(&r->fresh, r->fresh_dir);
  rc = pass_run(r, r->head, NULL, -1, &w);
  free(w.val);
  if (rc) return rc;
  char more[120];
  if (!w.present && w.height == 0 && w.index < 0)
    snprintf(more, sizeof more, "; no block wrote it: the stored entry has no origin");
  else if (w.index < 0)
    snprintf(more, sizeof more, "; last written by genesis (block 0)");
  else
    snprintf(more, sizeof more, "; last written by block %" PRIu64 ", transaction %" PRId64, w.height, w.index);
  size_t dl = strlen(div->detail);
  snprintf(div->detail + dl, sizeof div->detail - dl, "%s", more);
  if (w.index >= 0 || w.height == 0) {
    div->height = w.height;
    div->index = w.index;
    if (w.index >= 0) memcpy(div->tx_id, w.tx_id, 32);
  }
  if (div->index >= 0) trace_by_pass(r, div->height, div->index, div);
  return DVM_RT_REPLAY_DIVERGED;
}

/* ---- one block ---- */

static int step_genesis(dvm_rt_replay *r, dvm_rt_divergence *div) {
  uint8_t *s, *f;
  size_t sl, fl;
  int rc = rt_replay_src_block(r, 0, &s, &sl);
  if (rc) return rt_replay_rerr(r, "block 0 is not stored"), rc == DVM_RT_ERR_NOTFOUND ? DVM_RT_ERR_STATE : rc;
  if ((rc = dvm_rt_chain_block(r->fresh, 0, &f, &fl))) {
    free(s);
    return rt_replay_rerr(r, "fresh block 0: %s", dvm_rt_strerror(rc)), rc;
  }
  int same = sl == fl && !memcmp(s, f, sl);
  if (!same) {
    dvm_tx_block_header hs, hf;
    char e[128];
    rt_replay_set_div(div, 0, -1, NULL, "genesis block");
    if (!dvm_tx_block_header_decode(s, sl < DVM_BLOCK_HEADER_BYTES ? sl : DVM_BLOCK_HEADER_BYTES, &hs, e, sizeof e) &&
        !dvm_tx_block_header_decode(f, DVM_BLOCK_HEADER_BYTES, &hf, e, sizeof e) &&
        memcmp(hs.state_root, hf.state_root, 32)) {
      snprintf(div->what, sizeof div->what, "header.state_root");
      rt_replay_hex32(div->expected, hs.state_root);
      rt_replay_hex32(div->actual, hf.state_root);
      snprintf(div->detail, sizeof div->detail, "the genesis document does not give the stored block 0");
    } else {
      rt_replay_hexcut(div->expected, sizeof div->expected, s, sl);
      rt_replay_hexcut(div->actual, sizeof div->actual, f, fl);
    }
  }
  free(s);
  free(f);
  return same ? DVM_RT_REPLAY_MATCH : DVM_RT_REPLAY_DIVERGED;
}

static int step_block(dvm_rt_replay *r, uint64_t h, dvm_rt_replay_step_info *info, dvm_rt_divergence *div) {
  uint8_t *blk = NULL, last[32];
  size_t len;
  dvm_tx_block_header hd;
  char e[200];
  int rc, compare = h >= r->from, out = DVM_RT_REPLAY_DIVERGED;
  obs_ctx o;
  memset(&o, 0, sizeof o);
  o.r = r;
  o.height = h;
  o.div = div;
  o.trace_index = -1;
  rc = rt_replay_src_block(r, h, &blk, &len);
  if (rc == DVM_RT_ERR_NOTFOUND) {
    rt_replay_set_div(div, h, -1, NULL, "block record");
    snprintf(div->expected, sizeof div->expected, "(missing)");
    snprintf(div->actual, sizeof div->actual, "block %" PRIu64 " (the head is %" PRIu64 ")", h, r->head);
    return DVM_RT_REPLAY_DIVERGED;
  }
  if (rc) return rc;
  /* The header here; the whole block is decoded by the apply. */
  if (dvm_tx_block_header_decode(blk, len < DVM_BLOCK_HEADER_BYTES ? len : DVM_BLOCK_HEADER_BYTES, &hd, e, sizeof e)) {
    rt_replay_set_div(div, h, -1, NULL, "block encoding");
    rt_replay_hexcut(div->expected, sizeof div->expected, blk, len);
    snprintf(div->actual, sizeof div->actual, "(does not decode)");
    snprintf(div->detail, sizeof div->detail, "%s", e);
    free(blk);
    return DVM_RT_REPLAY_DIVERGED;
  }
  dvm_rt_chain_head(r->fresh, NULL, last, NULL, NULL);
  if (hd.height != h) {
    rt_replay_set_div(div, h, -1, NULL, "header.height");
    snprintf(div->expected, sizeof div->expected, "%" PRIu64, hd.height);
    snprintf(div->actual, sizeof div->actual, "%" PRIu64, h);
    goto done;
  }
  if (memcmp(hd.parent, last, 32)) {
    rt_replay_set_div(div, h, -1, NULL, "header.parent");
    rt_replay_hex32(div->expected, hd.parent);
    rt_replay_hex32(div->actual, last);
    snprintf(div->detail, sizeof div->detail, "the replayed block %" PRIu64 " has another hash", h - 1);
    goto done;
  }
  /* One read view of the source for the block's receipts (another store
   * than the one the apply commits to). */
  if (compare && (rc = dvm_state_view_begin(r->src, &o.sview))) {
    rt_replay_rerr(r, "data directory: read view: %s", dvm_state_strerror(rc));
    rc = DVM_RT_ERR_STATE;
    goto err;
  }
  dvm_rt_tracer *t = NULL;
  if (r->has_trace && r->trace_h == h && r->o.sink && !dvm_rt_tracer_new(r->o.sink, r->o.sink_ctx, &t)) {
    o.tracer = t;
    o.trace_index = r->trace_i;
  }
  dvm_rt_block_info bi;
  rc = apply_observed(r->fresh, blk, len, &o, compare && !r->o.skip_signatures, &bi);
  dvm_state_view_end(o.sview);
  o.sview = NULL;
  dvm_rt_tracer_free(t);
  if (o.read_err) {
    rt_replay_rerr(r, "data directory: receipt: %s", dvm_state_strerror(o.read_err));
    rc = DVM_RT_ERR_STATE;
    goto err;
  }
  free(o.trace_receipt);
  o.trace_receipt = NULL;
  o.tracer = NULL;
  if (rc == DVM_RT_OK && !o.mismatch) {
    info->txs = bi.included;
    info->gas = bi.gas_used;
    out = DVM_RT_REPLAY_MATCH;
    goto done;
  }
  if (!o.mismatch) {
    if (rc != DVM_RT_ERR_BLOCK) {
      rt_replay_rerr(r, "block %" PRIu64 ": %.200s", h, dvm_rt_chain_errmsg(r->fresh));
      goto err;
    }
    const dvm_tx_block_header *x = &hd, *g = &o.header;
    rt_replay_set_div(div, h, -1, NULL, "block");
    if (o.has_header && memcmp(x->tx_root, g->tx_root, 32)) {
      snprintf(div->what, sizeof div->what, "header.tx_root");
      rt_replay_hex32(div->expected, x->tx_root);
      rt_replay_hex32(div->actual, g->tx_root);
    } else if (o.has_header && memcmp(x->state_root, g->state_root, 32)) {
      snprintf(div->what, sizeof div->what, "header.state_root");
      rt_replay_hex32(div->expected, x->state_root);
      rt_replay_hex32(div->actual, g->state_root);
      snprintf(div->detail, sizeof div->detail, "every receipt matches; roots are per block");
    } else if (o.has_header && memcmp(x->receipts_root, g->receipts_root, 32)) {
      snprintf(div->what, sizeof div->what, "header.receipts_root");
      rt_replay_hex32(div->expected, x->receipts_root);
      rt_replay_hex32(div->actual, g->receipts_root);
    } else if (o.has_header && x->gas_used != g->gas_used) {
      snprintf(div->what, sizeof div->what, "header.gas_used");
      snprintf(div->expected, sizeof div->expected, "%" PRIu64, x->gas_used);
      snprintf(div->actual, sizeof div->actual, "%" PRIu64, g->gas_used);
    } else {
      snprintf(div->expected, sizeof div->expected, "a block that applies");
      snprintf(div->actual, sizeof div->actual, "%.300s", dvm_rt_chain_errmsg(r->fresh));
    }
    goto done;
  }
  /* A transaction diverged: trace it (its block runs again, not committed). */
  if (div->index >= 0 && r->o.sink && strcmp(div->what, "transaction validity")) {
    obs_ctx t2;
    memset(&t2, 0, sizeof t2);
    t2.r = r;
    t2.height = h;
    t2.trace_index = div->index;
    t2.abort_commit = 1;
    if (!dvm_rt_tracer_new(r->o.sink, r->o.sink_ctx, &t2.tracer)) {
      apply_observed(r->fresh, blk, len, &t2, 0, NULL);
      div->traced = t2.traced;
      dvm_rt_tracer_free(t2.tracer);
      free(t2.trace_receipt);
    }
  }
done:
  rc = out;
err:
  free(blk);
  return rc;
}

int dvm_rt_replay_step(dvm_rt_replay *r, dvm_rt_replay_step_info *info, dvm_rt_divergence *div) {
  dvm_rt_replay_step_info dummy;
  if (!info) info = &dummy;
  memset(info, 0, sizeof *info);
  memset(div, 0, sizeof *div);
  div->index = -1;
  info->last = r->to;
  if (r->over) return rt_replay_rerr(r, "the replay is over"), DVM_RT_ERR_ARG;
  uint64_t h = r->next;
  info->height = h;
  info->compared = h >= r->from;
  int rc;
  if (h == 0) rc = step_genesis(r, div);
  else rc = step_block(r, h, info, div);
  if (rc != DVM_RT_REPLAY_MATCH) {
    r->over = 1;
    return rc;
  }
  r->next = h + 1;
  if (h < r->to) return DVM_RT_REPLAY_MATCH;
  r->over = 1;
  if (r->to != r->head) return DVM_RT_REPLAY_DONE;
  return compare_state(r, div, info);
}

/* ---- traces of one transaction, genesis document ---- */

int dvm_rt_chain_trace_tx(dvm_rt_chain *c, const uint8_t tx_id[32], dvm_rt_trace_sink sink, void *ctx,
                          char *errbuf) {
  dvm_rt_replay_opts o;
  dvm_rt_replay *r;
  memset(&o, 0, sizeof o);
  o.trace_tx = tx_id;
  o.sink = sink;
  o.sink_ctx = ctx;
  o.skip_signatures = 1;
  o.threads = c->threads;
  int rc = dvm_rt_replay_open_chain(c, &o, &r, errbuf);
  if (rc) return rc;
  dvm_rt_tracer *t;
  if ((rc = dvm_rt_tracer_new(sink, ctx, &t))) {
    dvm_rt_replay_close(r);
    return rc;
  }
  rt_replay_fresh_close(&r->fresh, r->fresh_dir); /* pass_run opens its own */
  rc = pass_run(r, r->trace_h, t, r->trace_i, NULL);
  if (rc && errbuf) snprintf(errbuf, 256, "%s", r->err);
  dvm_rt_tracer_free(t);
  dvm_rt_replay_close(r);
  return rc;
}
