/* chain.c — libdvm's chain: genesis, block production and application,
 * transaction execution with fees and nonces, receipts, queries, the
 * simulation of a call and the sandbox of `dvm exec` (spec/tx.md
 * §Execution).
 *
 * Execution is sequential and deterministic; only signature checks run
 * in parallel, ahead of it. A block's writes live in the overlay until one
 * LMDB write transaction commits them with the block record, its receipts
 * and the state root. Any failure before that commit leaves the chain at
 * its last block: the overlay is thrown away and begun anew. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_private.h"

#define DOMAIN_RECEIPT "DVM/receipt/v1"
#define META_CHAIN_ID "chain.id"
#define META_GENESIS "chain.genesis"

__attribute__((format(printf, 2, 3))) static int errf(dvm_rt_chain *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, sizeof c->err, fmt, ap);
  va_end(ap);
  return 0;
}

const char *dvm_rt_strerror(int code) {
  switch (code) {
  case DVM_RT_OK: return "ok";
  case DVM_RT_ERR_ARG: return "invalid argument";
  case DVM_RT_ERR_STATE: return "state store failure";
  case DVM_RT_ERR_TX: return "invalid transaction";
  case DVM_RT_ERR_BLOCK: return "invalid block";
  case DVM_RT_ERR_GENESIS: return "genesis error";
  case DVM_RT_ERR_NOMEM: return "out of memory";
  case DVM_RT_ERR_NOTFOUND: return "not found";
  case DVM_RT_ERR_FULL: return "block full";
  default: return "unknown error";
  }
}

const char *dvm_rt_fail_name(int d) {
  static const char *const n[] = {"none", "no_contract", "no_method", "depth", "reentrancy",
                                  "funds", "asset", "not_authority", "bad_code", "bad_arg",
                                  "fx", "limit", "overflow"};
  return d >= 0 && (size_t)d < sizeof n / sizeof n[0] ? n[d] : "unknown";
}

const char *dvm_rt_chain_errmsg(const dvm_rt_chain *c) { return c ? c->err : ""; }
const char *dvm_rt_chain_id(const dvm_rt_chain *c) { return c->chain_id; }

/* ---- a growable byte buffer for encodings ---- */

typedef struct rt_buf {
  uint8_t *p;
  size_t n, cap;
  int oom;
} rt_buf;

static void buf_put(rt_buf *b, const void *d, size_t n) {
  if (b->oom) return;
  if (b->n + n > b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 256;
    while (nc < b->n + n) nc *= 2;
    uint8_t *np = realloc(b->p, nc);
    if (!np) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = nc;
  }
  if (n) memcpy(b->p + b->n, d, n);
  b->n += n;
}
static void buf_u8(rt_buf *b, uint8_t v) { buf_put(b, &v, 1); }
static void buf_le(rt_buf *b, uint64_t v, int bytes) {
  uint8_t t[8];
  for (int i = 0; i < bytes; i++) t[i] = (uint8_t)(v >> (8 * i));
  buf_put(b, t, (size_t)bytes);
}

static void be64(uint8_t out[8], uint64_t v) {
  for (int i = 0; i < 8; i++) out[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* ---- receipts (spec/tx.md §Receipts) ---- */

static void receipt_call(rt_buf *b, const rt_call_out *o, const rt_log *logs, size_t nlogs) {
  buf_u8(b, o->status);
  buf_u8(b, o->trap);
  buf_le(b, o->pc, 4);
  buf_le(b, (uint32_t)o->detail, 4);
  buf_le(b, o->gas_used, 8);
  buf_le(b, o->r0, 8);
  buf_le(b, o->ret_len, 4);
  buf_put(b, o->ret, o->ret_len);
  buf_le(b, nlogs, 2);
  for (size_t i = 0; i < nlogs; i++) {
    buf_put(b, logs[i].contract, 32);
    buf_u8(b, logs[i].ntopics);
    buf_put(b, logs[i].topics, 32u * logs[i].ntopics);
    buf_le(b, logs[i].data_len, 4);
    buf_put(b, logs[i].data, logs[i].data_len);
  }
}

int dvm_rt_receipt_decode(const uint8_t *buf, size_t len, dvm_rt_receipt *r) {
  size_t at = 0;
  memset(r, 0, sizeof *r);
#define NEED(n) do { if (len - at < (size_t)(n)) goto bad; } while (0)
#define GET(dst, bytes) do { NEED(bytes); uint64_t v_ = 0; for (int i_ = (bytes) - 1; i_ >= 0; i_--) v_ = v_ << 8 | buf[at + (size_t)i_]; at += (bytes); dst = v_; } while (0)
  uint64_t v;
  NEED(32);
  memcpy(r->tx_id, buf, 32);
  at = 32;
  GET(r->height, 8);
  GET(v, 4); r->index = (uint32_t)v;
  GET(v, 1); r->kind = (uint8_t)v;
  GET(v, 1); r->status = (uint8_t)v;
  GET(r->gas_used, 8);
  GET(r->fee, 8);
  GET(v, 1); r->has_contract = (uint8_t)v;
  if (r->has_contract > 1) goto bad;
  if (r->has_contract) {
    NEED(32);
    memcpy(r->contract, buf + at, 32);
    at += 32;
  }
  GET(v, 2); r->ncalls = (uint16_t)v;
  r->calls = calloc(r->ncalls ? r->ncalls : 1, sizeof *r->calls);
  if (!r->calls) return DVM_RT_ERR_NOMEM;
  for (unsigned i = 0; i < r->ncalls; i++) {
    dvm_rt_call_receipt *cr = &r->calls[i];
    GET(v, 1); cr->status = (uint8_t)v;
    GET(v, 1); cr->trap = (uint8_t)v;
    GET(v, 4); cr->pc = (uint32_t)v;
    GET(v, 4); cr->detail = (int32_t)(uint32_t)v;
    GET(cr->gas_used, 8);
    GET(cr->r0, 8);
    GET(v, 4); cr->ret_len = (uint32_t)v;
    NEED(cr->ret_len);
    cr->ret = buf + at;
    at += cr->ret_len;
    GET(v, 2); cr->nlogs = (uint16_t)v;
    cr->logs = calloc(cr->nlogs ? cr->nlogs : 1, sizeof *cr->logs);
    if (!cr->logs) {
      dvm_rt_receipt_free(r);
      return DVM_RT_ERR_NOMEM;
    }
    for (unsigned k = 0; k < cr->nlogs; k++) {
      dvm_rt_log_view *l = &cr->logs[k];
      NEED(33);
      l->contract = buf + at;
      at += 32;
      l->ntopics = buf[at++];
      if (l->ntopics > RT_MAX_TOPICS) goto bad;
      NEED(32u * l->ntopics);
      l->topics = buf + at;
      at += 32u * l->ntopics;
      GET(v, 4); l->data_len = (uint32_t)v;
      NEED(l->data_len);
      l->data = buf + at;
      at += l->data_len;
    }
  }
  if (at != len) goto bad;
  return DVM_RT_OK;
bad:
  dvm_rt_receipt_free(r);
  return DVM_RT_ERR_ARG;
#undef NEED
#undef GET
}

void dvm_rt_receipt_free(dvm_rt_receipt *r) {
  if (r->calls)
    for (unsigned i = 0; i < r->ncalls; i++) free(r->calls[i].logs);
  free(r->calls);
  r->calls = NULL;
  r->ncalls = 0;
}

/* ---- opening ---- */

static int state_rc(dvm_rt_chain *c, int rc, const char *what) {
  if (rc == DVM_STATE_NOTFOUND) return DVM_RT_ERR_NOTFOUND;
  if (rc == DVM_STATE_ERR_NOMEM) return DVM_RT_ERR_NOMEM;
  errf(c, "%s: %s (%s)", what, dvm_state_strerror(rc), dvm_state_store_errmsg(c->store));
  return DVM_RT_ERR_STATE;
}

/* Read the head (chain id, last block) after open or a failed commit. */
static int load_head(dvm_rt_chain *c) {
  uint64_t h;
  dvm_state_bytes v;
  int rc = dvm_state_store_last(c->store, &h, NULL);
  c->has_genesis = 0;
  if (rc == DVM_STATE_NOTFOUND) return DVM_RT_OK;
  if (rc) return state_rc(c, rc, "head");
  rc = dvm_state_overlay_get(c->ov, DVM_STATE_T_META, META_CHAIN_ID, strlen(META_CHAIN_ID), &v);
  if (rc || v.len == 0 || v.len > DVM_CHAIN_ID_MAX) return state_rc(c, rc ? rc : DVM_STATE_ERR_CORRUPT, "chain id");
  memcpy(c->chain_id, v.data, v.len);
  c->chain_id[v.len] = 0;
  uint8_t key[8];
  be64(key, h);
  rc = dvm_state_overlay_get(c->ov, DVM_STATE_T_BLOCKS, key, 8, &v);
  dvm_tx_block_header hd;
  char e[128];
  if (rc || dvm_tx_block_header_decode(v.data, v.len < DVM_BLOCK_HEADER_BYTES ? v.len : DVM_BLOCK_HEADER_BYTES, &hd, e, sizeof e))
    return state_rc(c, rc ? rc : DVM_STATE_ERR_CORRUPT, "head block");
  c->height = h;
  c->time = hd.time;
  dvm_tx_block_hash(&hd, c->last_hash);
  c->has_genesis = 1;
  return DVM_RT_OK;
}

int dvm_rt_chain_open(const char *dir, const dvm_rt_chain_opts *opts, dvm_rt_chain **out, char *errbuf) {
  dvm_state_store_opts so;
  char e[DVM_STATE_ERRMSG_MAX];
  *out = NULL;
  if (sodium_init() < 0) {
    if (errbuf) snprintf(errbuf, 256, "libsodium failed to initialise");
    return DVM_RT_ERR_STATE;
  }
  dvm_rt_chain *c = calloc(1, sizeof *c);
  if (!c) return DVM_RT_ERR_NOMEM;
  if (pthread_mutex_init(&c->prog_lock, NULL)) {
    free(c);
    return DVM_RT_ERR_NOMEM;
  }
  dvm_state_store_opts_default(&so);
  if (opts && opts->map_size_initial) so.map_size_initial = opts->map_size_initial;
  if (opts) so.threads = opts->threads;
  c->threads = opts ? opts->threads : 0;
  c->verify_sigs = !(opts && opts->skip_signatures);
  c->syscalls = dvm_rt_syscalls();
  int rc = dvm_state_store_open(dir, &so, &c->store, e);
  if (rc) {
    if (errbuf) snprintf(errbuf, 256, "%.60s: %.190s", dir, e);
    pthread_mutex_destroy(&c->prog_lock);
    free(c);
    return DVM_RT_ERR_STATE;
  }
  if ((rc = dvm_state_overlay_begin(c->store, &c->ov)) || (rc = load_head(c))) {
    if (errbuf) snprintf(errbuf, 256, "%.60s: %.190s", dir, c->err[0] ? c->err : dvm_state_strerror(rc));
    dvm_rt_chain_close(c);
    return rc < -400 ? rc : DVM_RT_ERR_STATE;
  }
  *out = c;
  return DVM_RT_OK;
}

void dvm_rt_chain_close(dvm_rt_chain *c) {
  if (!c) return;
  for (size_t i = 0; i < c->nprogs; i++) dvm_vm_program_free(c->progs[i].prog);
  free(c->progs);
  rt_vmset_free(&c->vm);
  dvm_state_overlay_free(c->ov);
  dvm_state_store_close(c->store);
  pthread_mutex_destroy(&c->prog_lock);
  free(c);
}

/* Throw away every uncommitted write (a failed block). */
static int reset_overlay(dvm_rt_chain *c) {
  dvm_state_overlay_free(c->ov);
  c->ov = NULL;
  dvm_state_store_reset(c->store);
  int rc = dvm_state_overlay_begin(c->store, &c->ov);
  if (rc) return state_rc(c, rc, "overlay");
  return load_head(c);
}

/* ---- reads on views (any thread) ---- */

int rt_state_err(int rc) {
  switch (rc) {
  case DVM_STATE_OK: return DVM_RT_OK;
  case DVM_STATE_NOTFOUND: return DVM_RT_ERR_NOTFOUND;
  case DVM_STATE_ERR_NOMEM: return DVM_RT_ERR_NOMEM;
  default: return DVM_RT_ERR_STATE;
  }
}

int rt_read_begin(dvm_rt_chain *c, rt_read *r) {
  memset(r, 0, sizeof *r);
  int rc = dvm_state_view_begin(c->store, &r->view);
  if (!rc) rc = dvm_state_overlay_begin_view(r->view, &r->ov);
  if (rc) rt_read_end(r);
  return rt_state_err(rc);
}

void rt_read_end(rt_read *r) {
  dvm_state_overlay_free(r->ov);
  dvm_state_view_end(r->view);
  r->ov = NULL;
  r->view = NULL;
}

int rt_read_head(rt_read *r, rt_head *h) {
  dvm_state_bytes v;
  uint8_t key[8];
  char e[128];
  memset(h, 0, sizeof *h);
  int rc = dvm_state_view_last(r->view, &h->height, NULL);
  if (rc == DVM_STATE_NOTFOUND) return DVM_RT_ERR_GENESIS;
  if (rc) return rt_state_err(rc);
  rc = dvm_state_view_get(r->view, DVM_STATE_T_META, META_CHAIN_ID, strlen(META_CHAIN_ID), &v);
  if (rc || v.len == 0 || v.len > DVM_CHAIN_ID_MAX) return DVM_RT_ERR_STATE;
  memcpy(h->chain_id, v.data, v.len);
  be64(key, h->height);
  rc = dvm_state_view_get(r->view, DVM_STATE_T_BLOCKS, key, 8, &v);
  if (rc || dvm_tx_block_header_decode(v.data, v.len < DVM_BLOCK_HEADER_BYTES ? v.len : DVM_BLOCK_HEADER_BYTES,
                                       &h->header, e, sizeof e))
    return DVM_RT_ERR_STATE;
  dvm_tx_block_hash(&h->header, h->hash);
  return DVM_RT_OK;
}

int dvm_rt_chain_head(const dvm_rt_chain *c, uint64_t *height, uint8_t hash[32], uint8_t root[32],
                      uint64_t *time) {
  rt_read r;
  rt_head h;
  int rc = rt_read_begin((dvm_rt_chain *)c, &r);
  if (rc) return rc;
  rc = rt_read_head(&r, &h);
  rt_read_end(&r);
  if (rc) return rc;
  if (height) *height = h.height;
  if (hash) memcpy(hash, h.hash, 32);
  if (root) memcpy(root, h.header.state_root, 32);
  if (time) *time = h.header.time;
  return DVM_RT_OK;
}

/* ---- transaction execution ---- */

/* Everything a transaction must satisfy to be included (spec/tx.md
 * §Validity); reads only. Returns 0 or DVM_RT_ERR_TX with c->err. */
static int tx_valid(dvm_rt_chain *c, const dvm_tx *tx, uint64_t *intrinsic) {
  rt_account a;
  uint64_t bal;
  int rc;
  if (strcmp(tx->chain_id, c->chain_id)) return errf(c, "chain id '%s' is not '%s'", tx->chain_id, c->chain_id), DVM_RT_ERR_TX;
  if ((rc = rt_account_get(c->ov, tx->sender, &a))) return state_rc(c, rc, "sender");
  if ((rc = rt_balance_get(c->ov, tx->sender, 0, &bal))) return state_rc(c, rc, "balance");
  return rt_tx_admissible(tx, &a, bal, RT_NONCE_NEXT, intrinsic, c->err, sizeof c->err);
}

/* One receipt entry that needs no VM (transfer, deploy refusal, system). */
static void entry_simple(rt_buf *b, uint8_t status, int detail) {
  rt_call_out o;
  memset(&o, 0, sizeof o);
  o.status = status;
  o.detail = detail;
  receipt_call(b, &o, NULL, 0);
}

/* Execute a valid transaction into the block overlay and append its
 * receipt to `b`. Returns 0, or a state error (the block must fail). */
static int tx_execute(dvm_rt_chain *c, const dvm_tx *tx, uint64_t height, uint64_t time, uint32_t index,
                      uint64_t intrinsic, rt_buf *b, uint64_t *gas_out) {
  rt_exec x;
  rt_account a;
  int rc;
  uint64_t used = intrinsic, escrow = tx->gas_limit * tx->gas_price;
  uint8_t status = DVM_RT_CALL_OK, contract[32];
  int has_contract = 0;
  rt_buf calls = {0};
  uint16_t ncalls = 0;

  /* Nonce and fee escrow first: they stand whatever the transaction does. */
  if ((rc = rt_account_get(c->ov, tx->sender, &a))) return rc;
  uint64_t deploy_nonce = a.nonce;
  a.nonce++;
  if ((rc = rt_account_put(c->ov, tx->sender, &a))) return rc;
  if ((rc = rt_transfer(c->ov, tx->sender, rt_system_addr, 0, escrow)) < 0) return rc;

  rt_exec_init(&x, c, c->ov, height, time);
  memcpy(x.origin, tx->sender, 32);
  switch (tx->kind) {
  case DVM_TX_TRANSFER: {
    int detail = DVM_RT_F_NONE;
    if (!rt_asset_known(c->ov, tx->u.transfer.asset)) detail = DVM_RT_F_ASSET;
    else if ((rc = rt_transfer(c->ov, tx->sender, tx->u.transfer.to, tx->u.transfer.asset, tx->u.transfer.amount)) < 0)
      goto fatal;
    else if (rc) detail = rc == 1 ? DVM_RT_F_FUNDS : DVM_RT_F_OVERFLOW;
    status = detail ? DVM_RT_CALL_FAILED : DVM_RT_CALL_OK;
    entry_simple(&calls, status, detail);
    ncalls = 1;
    break;
  }
  case DVM_TX_DEPLOY: {
    dvm_vm_program *p = NULL;
    dvm_vm_error verr;
    uint8_t hash[32];
    uint32_t init_pc;
    dvm_tx_contract_address(tx->sender, deploy_nonce, contract);
    ncalls = 1;
    if (dvm_vm_program_load_container(&p, tx->u.deploy.code, tx->u.deploy.code_len, c->syscalls, &verr)) {
      status = DVM_RT_CALL_FAILED;
      entry_simple(&calls, status, DVM_RT_F_BAD_CODE);
      break;
    }
    int has_init = dvm_vm_program_export(p, "init", &init_pc) == DVM_VM_OK;
    dvm_vm_program_free(p);
    crypto_generichash(hash, 32, tx->u.deploy.code, tx->u.deploy.code_len, NULL, 0);
    if ((rc = dvm_state_overlay_push(c->ov))) goto fatal;
    rt_account ca;
    if ((rc = rt_account_get(c->ov, contract, &ca))) goto fatal;
    ca.flags |= RT_ACCT_CONTRACT;
    memcpy(ca.code_hash, hash, 32);
    if ((rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_CODE, hash, 32, tx->u.deploy.code, tx->u.deploy.code_len)) ||
        (rc = rt_account_put(c->ov, contract, &ca)))
      goto fatal;
    rt_call_out o;
    memset(&o, 0, sizeof o);
    if (has_init) {
      if ((rc = rt_invoke(&x, tx->sender, contract, "init", 4, tx->u.deploy.init_input,
                          tx->u.deploy.init_input_len, NULL, 0, tx->u.deploy.init_gas, &o))) {
        free(o.ret);
        goto fatal;
      }
    }
    status = o.status;
    has_contract = status == DVM_RT_CALL_OK;
    dvm_state_overlay_pop(c->ov, has_contract);
    used += o.gas_used;
    receipt_call(&calls, &o, x.logs, x.nlogs);
    free(o.ret);
    break;
  }
  case DVM_TX_CALL:
    for (unsigned i = 0; i < tx->u.call.count; i++) {
      const dvm_tx_call *cl = &tx->u.call.calls[i];
      rt_call_out o;
      size_t mark = x.nlogs;
      if ((rc = rt_invoke(&x, tx->sender, cl->contract, cl->method, cl->method_len, cl->input,
                          cl->input_len, cl->assets, cl->asset_count, cl->gas_limit, &o))) {
        free(o.ret);
        goto fatal;
      }
      used += o.gas_used;
      if (status == DVM_RT_CALL_OK) status = o.status;
      receipt_call(&calls, &o, x.logs ? x.logs + mark : NULL, x.nlogs - mark);
      free(o.ret);
    }
    ncalls = tx->u.call.count;
    break;
  case DVM_TX_SYSTEM:
    ncalls = 1;
    if (!rt_is_authority(c->ov, tx->sender)) {
      status = DVM_RT_CALL_FAILED;
      entry_simple(&calls, status, DVM_RT_F_NOT_AUTHORITY);
      break;
    }
    for (unsigned i = 0; i < tx->u.sys.count; i++) {
      uint8_t key[DVM_STATE_KEY_MAX], val[16];
      size_t kl;
      if (tx->u.sys.sys_kind == DVM_SYS_ORACLE) {
        const dvm_tx_oracle *o = &tx->u.sys.oracle[i];
        uint8_t fe[4];
        rt_be32(fe, o->feed);
        rt_sys_key(key, &kl, "oracle", fe, 4);
        for (int k = 0; k < 8; k++) {
          val[k] = (uint8_t)((uint64_t)o->price >> (8 * k));
          val[8 + k] = (uint8_t)(o->publish_time >> (8 * k));
        }
        rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_STORAGE, key, kl, val, 16);
      } else {
        const dvm_tx_param *pm = &tx->u.sys.params[i];
        rt_sys_key(key, &kl, "param", pm->key, pm->key_len);
        rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_STORAGE, key, kl, pm->val, pm->val_len);
      }
      if (rc) goto fatal;
    }
    entry_simple(&calls, DVM_RT_CALL_OK, 0);
    break;
  default:
    break;
  }

  /* Fee: the gas used at the price; the rest of the escrow goes back. */
  uint64_t fee = used * tx->gas_price;
  if ((rc = rt_transfer(c->ov, rt_system_addr, tx->sender, 0, escrow - fee)) < 0) goto fatal;
  if (calls.oom) {
    rc = DVM_STATE_ERR_NOMEM;
    goto fatal;
  }
  buf_put(b, tx->id, 32);
  buf_le(b, height, 8);
  buf_le(b, index, 4);
  buf_u8(b, tx->kind);
  buf_u8(b, status);
  buf_le(b, used, 8);
  buf_le(b, fee, 8);
  buf_u8(b, (uint8_t)has_contract);
  if (has_contract) buf_put(b, contract, 32);
  buf_le(b, ncalls, 2);
  buf_put(b, calls.p, calls.n);
  free(calls.p);
  rt_exec_release(&x);
  *gas_out = used;
  return b->oom ? DVM_STATE_ERR_NOMEM : 0;
fatal:
  free(calls.p);
  rt_exec_release(&x);
  return rc;
}

/* ---- blocks ---- */

typedef struct blk {
  dvm_rt_chain *c;
  uint64_t height, time;
  uint32_t n;              /* included transactions */
  const uint8_t **tx_bytes;
  uint32_t *tx_lens;
  uint8_t (*ids)[32];
  rt_buf *receipts;        /* n encodings */
  uint8_t (*rhash)[32];
  uint64_t gas;
  const dvm_tx_block_header *expect; /* apply: the header to match */
  /* built by the commit callback */
  dvm_tx_block_header header;
  uint8_t *block;
  size_t block_len;
  dvm_state_record *records;
  uint8_t height_key[8];
  int mismatch;
} blk;

static int blk_alloc(blk *k, size_t cap) {
  size_t c = cap ? cap : 1;
  k->tx_bytes = calloc(c, sizeof *k->tx_bytes);
  k->tx_lens = calloc(c, sizeof *k->tx_lens);
  k->ids = calloc(c, sizeof *k->ids);
  k->receipts = calloc(c, sizeof *k->receipts);
  k->rhash = calloc(c, sizeof *k->rhash);
  k->records = calloc(c + 4, sizeof *k->records);
  return k->tx_bytes && k->tx_lens && k->ids && k->receipts && k->rhash && k->records ? 0 : -1;
}

static void blk_free(blk *k) {
  if (k->receipts)
    for (uint32_t i = 0; i < k->n; i++) free(k->receipts[i].p);
  free(k->tx_bytes);
  free(k->tx_lens);
  free(k->ids);
  free(k->receipts);
  free(k->rhash);
  free(k->records);
  free(k->block);
}

/* Commit callback: the header carries the root. */
static int blk_records(void *arg, const uint8_t root[32], const dvm_state_record **records, size_t *n) {
  blk *k = arg;
  dvm_rt_chain *c = k->c;
  dvm_tx_block_header *h = &k->header;
  memset(h, 0, sizeof *h);
  h->version = DVM_BLOCK_VERSION;
  h->height = k->height;
  if (k->height) memcpy(h->parent, c->last_hash, 32);
  h->time = k->time;
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])k->ids, k->n, h->tx_root);
  memcpy(h->state_root, root, 32);
  dvm_tx_hash_list(DVM_DOMAIN_RECEIPTS_ROOT, (const uint8_t(*)[32])k->rhash, k->n, h->receipts_root);
  if (k->expect) {
    const char *what = memcmp(h->tx_root, k->expect->tx_root, 32)         ? "tx root"
                       : memcmp(h->state_root, k->expect->state_root, 32) ? "state root"
                       : memcmp(h->receipts_root, k->expect->receipts_root, 32) ? "receipts root"
                                                                          : NULL;
    if (what) {
      char want[65], got[65];
      const uint8_t *w = what[0] == 't' ? k->expect->tx_root : what[0] == 's' ? k->expect->state_root : k->expect->receipts_root;
      const uint8_t *g = what[0] == 't' ? h->tx_root : what[0] == 's' ? h->state_root : h->receipts_root;
      dvm_hex_encode(w, 32, want);
      dvm_hex_encode(g, 32, got);
      errf(c, "block %" PRIu64 ": %s differs: header says %s, execution gives %s", k->height, what, want, got);
      k->mismatch = 1;
      return DVM_STATE_ERR_ARG;
    }
  }
  free(k->block);
  k->block = NULL;
  if (dvm_tx_block_encode(h, k->tx_bytes, k->tx_lens, k->n, &k->block, &k->block_len))
    return DVM_STATE_ERR_NOMEM;
  size_t r = 0;
  be64(k->height_key, k->height);
  k->records[r++] = (dvm_state_record){DVM_STATE_T_BLOCKS, {k->height_key, 8}, {k->block, k->block_len}};
  for (uint32_t i = 0; i < k->n; i++)
    k->records[r++] = (dvm_state_record){DVM_STATE_T_RECEIPTS, {k->ids[i], 32}, {k->receipts[i].p, k->receipts[i].n}};
  *records = k->records;
  *n = r;
  return DVM_STATE_OK;
}

/* Execute decoded, signature-checked transactions as block `height` and
 * commit. strict (apply): any invalid transaction fails the block;
 * otherwise invalid ones are left out (rejected[i]). */
static int run_block(dvm_rt_chain *c, dvm_tx *txs, const uint8_t *const *bytes, const size_t *lens,
                     const uint8_t *sig_ok, size_t n, uint64_t time, int strict, int *rejected,
                     const dvm_tx_block_header *expect, dvm_rt_block_info *info, uint8_t **block_out,
                     size_t *block_len) {
  blk k;
  int rc = DVM_RT_OK;
  memset(&k, 0, sizeof k);
  k.c = c;
  k.height = c->height + 1;
  k.time = time;
  k.expect = expect;
  if (blk_alloc(&k, n)) {
    blk_free(&k);
    return DVM_RT_ERR_NOMEM;
  }
  size_t bytes_used = DVM_BLOCK_HEADER_BYTES + 4;
  for (size_t i = 0; i < n; i++) {
    uint64_t intrinsic, gas;
    int v = DVM_RT_OK;
    /* Producing: a transaction that would not fit waits for the next
     * block. (An applied block was bounded by its decoder.) */
    if (!strict && bytes_used + 4 + lens[i] > DVM_BLOCK_MAX_BYTES) {
      if (rejected) rejected[i] = DVM_RT_ERR_FULL;
      continue;
    }
    if (!sig_ok[i]) {
      errf(c, "signature does not verify");
      v = DVM_RT_ERR_TX;
    } else {
      v = tx_valid(c, &txs[i], &intrinsic);
    }
    if (v == DVM_RT_ERR_TX) {
      if (rejected) rejected[i] = v;
      if (strict) {
        char why[200];
        snprintf(why, sizeof why, "%.199s", c->err);
        errf(c, "block %" PRIu64 ": transaction %zu is invalid: %.190s", k.height, i, why);
        rc = DVM_RT_ERR_BLOCK;
        goto fail;
      }
      continue;
    }
    if (v) {
      rc = v;
      goto fail;
    }
    if ((rc = tx_execute(c, &txs[i], k.height, time, k.n, intrinsic, &k.receipts[k.n], &gas))) {
      rc = state_rc(c, rc, "execution");
      goto fail;
    }
    if (rejected) rejected[i] = 0;
    bytes_used += 4 + lens[i];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, (const uint8_t *)DOMAIN_RECEIPT, strlen(DOMAIN_RECEIPT));
    crypto_generichash_update(&st, k.receipts[k.n].p, k.receipts[k.n].n);
    crypto_generichash_final(&st, k.rhash[k.n], 32);
    memcpy(k.ids[k.n], txs[i].id, 32);
    k.tx_bytes[k.n] = bytes[i];
    k.tx_lens[k.n] = (uint32_t)lens[i];
    k.gas += gas;
    k.n++;
  }
  if (strict && expect && k.n != n) {
    rc = DVM_RT_ERR_BLOCK;
    goto fail;
  }
  uint8_t root[32];
  rc = dvm_state_commit_cb(c->ov, k.height, blk_records, &k, root);
  if (rc) {
    if (k.mismatch) rc = DVM_RT_ERR_BLOCK;
    else rc = state_rc(c, rc, "commit");
    goto fail;
  }
  c->height = k.height;
  c->time = time;
  dvm_tx_block_hash(&k.header, c->last_hash);
  if (info) {
    info->height = k.height;
    memcpy(info->hash, c->last_hash, 32);
    memcpy(info->state_root, root, 32);
    memcpy(info->receipts_root, k.header.receipts_root, 32);
    info->included = k.n;
    info->rejected = (uint32_t)(n - k.n);
    info->gas_used = k.gas;
  }
  if (block_out) {
    *block_out = k.block;
    *block_len = k.block_len;
    k.block = NULL;
  }
  blk_free(&k);
  return DVM_RT_OK;
fail:
  blk_free(&k);
  {
    char keep[sizeof c->err];
    memcpy(keep, c->err, sizeof keep);
    reset_overlay(c);
    memcpy(c->err, keep, sizeof keep);
  }
  return rc;
}

int dvm_rt_chain_produce(dvm_rt_chain *c, const uint8_t *const *txs, const size_t *lens, size_t n,
                         uint64_t time, int *rejected, dvm_rt_block_info *info, uint8_t **block,
                         size_t *block_len) {
  if (!c->has_genesis) return errf(c, "no genesis"), DVM_RT_ERR_GENESIS;
  if (time < c->time) return errf(c, "time %" PRIu64 " before the parent's %" PRIu64, time, c->time), DVM_RT_ERR_ARG;
  if (n > DVM_BLOCK_MAX_TXS) return errf(c, "too many transactions"), DVM_RT_ERR_ARG;
  dvm_tx *d = calloc(n ? n : 1, sizeof *d);
  uint8_t *ok = calloc(n ? n : 1, 1), *decoded = calloc(n ? n : 1, 1);
  int rc = DVM_RT_ERR_NOMEM;
  if (!d || !ok || !decoded) goto out;
  for (size_t i = 0; i < n; i++) {
    char e[160];
    decoded[i] = dvm_tx_decode(txs[i], lens[i], &d[i], e, sizeof e) == DVM_TX_OK;
  }
  /* Signatures on every core, ahead of execution. */
  if (c->verify_sigs) {
    size_t m = 0;
    const dvm_tx **vp = calloc(n ? n : 1, sizeof *vp);
    uint8_t *vok = calloc(n ? n : 1, 1);
    if (!vp || !vok) {
      free(vp);
      free(vok);
      goto out;
    }
    for (size_t i = 0; i < n; i++)
      if (decoded[i]) vp[m++] = &d[i];
    dvm_tx_verify_batch(vp, m, c->threads, vok);
    for (size_t i = 0, j = 0; i < n; i++) ok[i] = decoded[i] ? vok[j++] : 0;
    free(vp);
    free(vok);
  } else {
    for (size_t i = 0; i < n; i++) ok[i] = decoded[i];
  }
  rc = run_block(c, d, txs, lens, ok, n, time, 0, rejected, NULL, info, block, block_len);
  if (rejected)
    for (size_t i = 0; i < n; i++)
      if (!decoded[i]) rejected[i] = DVM_RT_ERR_TX;
out:
  if (d)
    for (size_t i = 0; i < n; i++)
      if (decoded && decoded[i]) dvm_tx_free(&d[i]);
  free(d);
  free(ok);
  free(decoded);
  return rc;
}

int dvm_rt_chain_apply(dvm_rt_chain *c, const uint8_t *block, size_t len, dvm_rt_block_info *info) {
  dvm_tx_block b;
  char e[200];
  if (!c->has_genesis) return errf(c, "no genesis"), DVM_RT_ERR_GENESIS;
  if (dvm_tx_block_decode(block, len, &b, e, sizeof e)) return errf(c, "block: %s", e), DVM_RT_ERR_BLOCK;
  int rc = DVM_RT_ERR_BLOCK;
  uint8_t *ok = NULL;
  size_t *lens = NULL;
  if (b.header.height != c->height + 1) {
    errf(c, "block height %" PRIu64 " does not extend the head %" PRIu64, b.header.height, c->height);
    goto out;
  }
  if (memcmp(b.header.parent, c->last_hash, 32)) {
    errf(c, "block %" PRIu64 ": parent hash is not the head's", b.header.height);
    goto out;
  }
  if (b.header.time < c->time) {
    errf(c, "block %" PRIu64 ": time goes backwards", b.header.height);
    goto out;
  }
  ok = calloc(b.tx_count ? b.tx_count : 1, 1);
  lens = calloc(b.tx_count ? b.tx_count : 1, sizeof *lens);
  const dvm_tx **vp = calloc(b.tx_count ? b.tx_count : 1, sizeof *vp);
  if (!ok || !lens || !vp) {
    free(vp);
    rc = DVM_RT_ERR_NOMEM;
    goto out;
  }
  for (uint32_t i = 0; i < b.tx_count; i++) {
    vp[i] = &b.txs[i];
    lens[i] = b.tx_lens[i];
  }
  if (c->verify_sigs) dvm_tx_verify_batch(vp, b.tx_count, c->threads, ok);
  else memset(ok, 1, b.tx_count);
  free(vp);
  rc = run_block(c, b.txs, b.tx_bytes, lens, ok, b.tx_count, b.header.time, 1, NULL, &b.header, info,
                 NULL, NULL);
out:
  free(ok);
  free(lens);
  dvm_tx_block_free(&b);
  return rc;
}

/* ---- genesis ---- */

int dvm_rt_chain_genesis(dvm_rt_chain *c, const char *json, size_t len) {
  dvm_tx_genesis g;
  char e[256];
  int rc;
  if (c->has_genesis) return errf(c, "the chain already has a genesis"), DVM_RT_ERR_GENESIS;
  if (dvm_tx_genesis_parse(json, len, &g, e, sizeof e)) return errf(c, "genesis: %s", e), DVM_RT_ERR_GENESIS;
  rc = 0;
  for (uint32_t i = 0; i < g.asset_count && !rc; i++) {
    uint8_t key[64], be[4], val[18];
    size_t kl, sl = strlen(g.assets[i].symbol);
    rt_be32(be, g.assets[i].id);
    rt_sys_key(key, &kl, "asset", be, 4);
    val[0] = g.assets[i].decimals;
    memcpy(val + 1, g.assets[i].symbol, sl);
    rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_STORAGE, key, kl, val, 1 + sl);
  }
  for (uint32_t i = 0; i < g.authority_count && !rc; i++) {
    uint8_t key[96];
    size_t kl;
    rt_sys_key(key, &kl, "authority", g.authorities[i], 32);
    rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_STORAGE, key, kl, "", 0);
  }
  for (uint32_t i = 0; i < g.balance_count && !rc; i++) {
    uint64_t cur;
    if ((rc = rt_balance_get(c->ov, g.balances[i].address, g.balances[i].asset, &cur))) break;
    rc = rt_balance_put(c->ov, g.balances[i].address, g.balances[i].asset, cur + g.balances[i].amount);
  }
  if (!rc) rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_META, META_CHAIN_ID, strlen(META_CHAIN_ID), g.chain_id,
                                   strlen(g.chain_id));
  if (!rc) rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_META, META_GENESIS, strlen(META_GENESIS), json, len);
  if (rc) {
    dvm_tx_genesis_free(&g);
    rc = state_rc(c, rc, "genesis");
    reset_overlay(c);
    return rc;
  }
  blk k;
  memset(&k, 0, sizeof k);
  k.c = c;
  k.height = 0;
  k.time = g.time;
  blk_alloc(&k, 0);
  uint8_t root[32];
  rc = dvm_state_commit_cb(c->ov, 0, blk_records, &k, root); /* block 0: no transactions */
  if (rc) {
    blk_free(&k);
    dvm_tx_genesis_free(&g);
    rc = state_rc(c, rc, "genesis commit");
    reset_overlay(c);
    return rc;
  }
  snprintf(c->chain_id, sizeof c->chain_id, "%s", g.chain_id);
  c->height = 0;
  c->time = g.time;
  dvm_tx_block_hash(&k.header, c->last_hash);
  c->has_genesis = 1;
  blk_free(&k);
  dvm_tx_genesis_free(&g);
  return DVM_RT_OK;
}

/* ---- queries: each on its own read view of the last committed block ---- */

int dvm_rt_chain_balance(dvm_rt_chain *c, const uint8_t addr[32], uint32_t asset, uint64_t *amount) {
  rt_read r;
  int rc = rt_read_begin(c, &r);
  if (rc) return rc;
  rc = rt_state_err(rt_balance_get(r.ov, addr, asset, amount));
  rt_read_end(&r);
  return rc;
}

int dvm_rt_chain_nonce(dvm_rt_chain *c, const uint8_t addr[32], uint64_t *nonce) {
  rt_read r;
  rt_account a;
  int rc = rt_read_begin(c, &r);
  if (rc) return rc;
  rc = rt_state_err(rt_account_get(r.ov, addr, &a));
  rt_read_end(&r);
  if (!rc) *nonce = a.nonce;
  return rc;
}

/* One value of the view, copied out (malloc'd). */
static int view_copy(dvm_rt_chain *c, unsigned table, const uint8_t *key, size_t klen, uint8_t **out,
                     size_t *len) {
  rt_read r;
  dvm_state_bytes v;
  int rc = rt_read_begin(c, &r);
  if (rc) return rc;
  rc = rt_state_err(dvm_state_view_get(r.view, table, key, klen, &v));
  if (!rc) {
    *out = malloc(v.len ? v.len : 1);
    if (!*out) rc = DVM_RT_ERR_NOMEM;
    else {
      if (v.len) memcpy(*out, v.data, v.len);
      *len = v.len;
    }
  }
  rt_read_end(&r);
  return rc;
}

int dvm_rt_chain_storage(dvm_rt_chain *c, const uint8_t contract[32], const uint8_t *key, size_t klen,
                         uint8_t **val, size_t *vlen) {
  uint8_t k[DVM_STATE_KEY_MAX];
  if (klen == 0 || klen > RT_MAX_STORAGE_KEY) return DVM_RT_ERR_ARG;
  memcpy(k, contract, 32);
  memcpy(k + 32, key, klen);
  return view_copy(c, DVM_STATE_T_STORAGE, k, 32 + klen, val, vlen);
}

int dvm_rt_chain_block(dvm_rt_chain *c, uint64_t height, uint8_t **out, size_t *len) {
  uint8_t key[8];
  be64(key, height);
  return view_copy(c, DVM_STATE_T_BLOCKS, key, 8, out, len);
}

int dvm_rt_chain_receipt(dvm_rt_chain *c, const uint8_t tx_id[32], uint8_t **out, size_t *len) {
  return view_copy(c, DVM_STATE_T_RECEIPTS, tx_id, 32, out, len);
}

int dvm_rt_chain_audit(dvm_rt_chain *c, uint8_t root[32]) {
  int rc = dvm_state_store_audit(c->store, root);
  return rc ? state_rc(c, rc, "audit") : DVM_RT_OK;
}

/* A simulation runs on a scratch overlay of its own read view with VMs of
 * its own: any thread, beside block production; nothing is ever committed. */
int dvm_rt_chain_simulate(dvm_rt_chain *c, const uint8_t from[32], const uint8_t contract[32],
                          const char *method, const uint8_t *input, uint32_t input_len, uint64_t gas,
                          uint8_t **out, size_t *out_len) {
  rt_read r;
  rt_head h;
  rt_exec x;
  rt_vmset vms;
  rt_call_out o;
  rt_buf b = {0};
  int rc = rt_read_begin(c, &r);
  if (rc) return rc;
  if ((rc = rt_read_head(&r, &h))) {
    rt_read_end(&r);
    return rc;
  }
  memset(&vms, 0, sizeof vms);
  rt_exec_init(&x, c, r.ov, h.height + 1, h.header.time);
  x.vm = &vms;
  memcpy(x.origin, from, 32);
  rc = rt_invoke(&x, from, contract, method, strlen(method), input, input_len, NULL, 0, gas, &o);
  if (!rc) {
    uint8_t zero[32] = {0};
    buf_put(&b, zero, 32);
    buf_le(&b, h.height + 1, 8);
    buf_le(&b, 0, 4);
    buf_u8(&b, DVM_TX_CALL);
    buf_u8(&b, o.status);
    buf_le(&b, o.gas_used, 8);
    buf_le(&b, 0, 8);
    buf_u8(&b, 0);
    buf_le(&b, 1, 2);
    receipt_call(&b, &o, x.logs, x.nlogs);
  }
  free(o.ret);
  rt_exec_release(&x);
  rt_vmset_free(&vms);
  rt_read_end(&r);
  if (rc) {
    free(b.p);
    return rt_state_err(rc);
  }
  if (b.oom) {
    free(b.p);
    return DVM_RT_ERR_NOMEM;
  }
  *out = b.p;
  *out_len = b.n;
  return DVM_RT_OK;
}

/* ---- the sandbox of `dvm exec` ---- */

struct dvm_rt_sandbox {
  char dir[64];
  dvm_rt_chain *c;
  rt_exec x;
};

static const char sandbox_genesis[] =
  "{\"chain_id\":\"dvm-exec\",\"time\":0,"
  "\"assets\":[{\"id\":0,\"symbol\":\"GAS\",\"decimals\":9},{\"id\":1,\"symbol\":\"USD\",\"decimals\":6}],"
  "\"balances\":[],\"authorities\":[]}";

int dvm_rt_sandbox_open(dvm_rt_sandbox **out, char *errbuf) {
  dvm_rt_sandbox *s = calloc(1, sizeof *s);
  dvm_rt_chain_opts o = {4u << 20, 1, 1};
  *out = NULL;
  if (!s) return DVM_RT_ERR_NOMEM;
  snprintf(s->dir, sizeof s->dir, "/tmp/dvm-exec-XXXXXX");
  if (!mkdtemp(s->dir)) {
    if (errbuf) snprintf(errbuf, 256, "sandbox: mkdtemp: %s", strerror(errno));
    free(s);
    return DVM_RT_ERR_STATE;
  }
  int rc = dvm_rt_chain_open(s->dir, &o, &s->c, errbuf);
  if (!rc) rc = dvm_rt_chain_genesis(s->c, sandbox_genesis, sizeof sandbox_genesis - 1);
  if (rc) {
    dvm_rt_sandbox_close(s);
    return rc;
  }
  rt_exec_init(&s->x, s->c, s->c->ov, 1, 0);
  rt_frame *f = &s->x.frames[0];
  f->x = &s->x;
  memset(f->self, 0xee, 32); /* the program's own address in the sandbox */
  memset(f->caller, 0xca, 32);
  s->x.depth = 1;
  dvm_state_overlay_push(s->c->ov);
  *out = s;
  return DVM_RT_OK;
}

void dvm_rt_sandbox_close(dvm_rt_sandbox *s) {
  if (!s) return;
  if (s->c) {
    rt_exec_release(&s->x);
    dvm_rt_chain_close(s->c);
  }
  /* The directory holds LMDB's two files only. */
  char p[96];
  snprintf(p, sizeof p, "%s/data.mdb", s->dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/lock.mdb", s->dir);
  unlink(p);
  rmdir(s->dir);
  free(s);
}

void *dvm_rt_sandbox_ctx(dvm_rt_sandbox *s) { return &s->x.frames[0]; }

void dvm_rt_sandbox_output(dvm_rt_sandbox *s, const uint8_t **ret, uint32_t *ret_len, int *reverted,
                           uint32_t *nlogs) {
  rt_frame *f = &s->x.frames[0];
  *ret = f->ret;
  *ret_len = f->ret_len;
  *reverted = f->reverted;
  *nlogs = (uint32_t)s->x.nlogs;
}
