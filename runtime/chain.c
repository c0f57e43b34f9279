/* chain.c — libdvm's chain: opening a state directory, the writer's
 * head (height, hash, time, chain id) and its messages, and the reads of
 * the last committed block that any thread may make — head, balances,
 * nonces, storage, blocks, receipts, simulations — each on its own LMDB
 * read view (spec/tx.md, spec/state.md). Blocks are in block.c, the
 * execution of a transaction in execute.c, validity in check.c. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "rt_private.h"

int rt_errf(dvm_rt_chain *c, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, sizeof c->err, fmt, ap);
  va_end(ap);
  return 0;
}

/* Any code of any library: the one error space (base/errors.def). */
const char *dvm_rt_strerror(int code) { return dvm_strerror(code); }

const char *dvm_rt_fail_name(int d) {
  static const char *const n[] = {"none", "no_contract", "no_method", "depth", "reentrancy",
                                  "funds", "asset", "not_authority", "bad_code", "bad_arg",
                                  "fx", "limit", "overflow"};
  return d >= 0 && (size_t)d < sizeof n / sizeof n[0] ? n[d] : "unknown";
}

const char *dvm_rt_chain_errmsg(const dvm_rt_chain *c) { return c ? c->err : ""; }
const char *dvm_rt_chain_id(const dvm_rt_chain *c) { return c->chain_id; }

/* ---- opening ---- */

void rt_height_key(uint8_t key[8], uint64_t height) {
  dvm_be_put64(key, height);
}

int rt_state_rc(dvm_rt_chain *c, int rc, const char *what) {
  if (rc == DVM_STATE_NOTFOUND) return DVM_RT_ERR_NOTFOUND;
  if (rc == DVM_STATE_ERR_NOMEM) return DVM_RT_ERR_NOMEM;
  rt_errf(c, "%s: %s (%s)", what, dvm_state_strerror(rc), dvm_state_store_errmsg(c->store));
  return DVM_RT_ERR_STATE;
}

/* META chain.gas (16 bytes) into *g: 0, or -1 when malformed. */
static int gas_rules_decode(const uint8_t *v, size_t len, rt_gas_rules *g) {
  if (!v || len != 16) return -1;
  g->block_gas_limit = dvm_le_get64(v);
  g->min_gas_price = dvm_le_get64(v + 8);
  return g->block_gas_limit ? 0 : -1;
}

/* Read the head (chain id, last block) after open or a failed commit. */
static int load_head(dvm_rt_chain *c) {
  uint64_t h;
  dvm_state_bytes v;
  int rc = dvm_state_store_last(c->store, &h, NULL);
  c->has_genesis = 0;
  if (rc == DVM_STATE_NOTFOUND) return DVM_RT_OK;
  if (rc) return rt_state_rc(c, rc, "head");
  rc = dvm_state_overlay_get(c->ov, DVM_STATE_T_META, RT_META_CHAIN_ID, strlen(RT_META_CHAIN_ID), &v);
  if (rc || v.len == 0 || v.len > DVM_CHAIN_ID_MAX) return rt_state_rc(c, rc ? rc : DVM_STATE_ERR_CORRUPT, "chain id");
  memcpy(c->chain_id, v.data, v.len);
  c->chain_id[v.len] = 0;
  rc = dvm_state_overlay_get(c->ov, DVM_STATE_T_META, RT_META_GAS, strlen(RT_META_GAS), &v);
  if (rc || gas_rules_decode(v.data, v.len, &c->gas_rules))
    return rt_state_rc(c, rc ? rc : DVM_STATE_ERR_CORRUPT, "gas rules");
  uint8_t key[8];
  rt_height_key(key, h);
  rc = dvm_state_overlay_get(c->ov, DVM_STATE_T_BLOCKS, key, 8, &v);
  dvm_tx_block_header hd;
  char e[128];
  if (rc || dvm_tx_block_header_decode(v.data, v.len < DVM_BLOCK_HEADER_BYTES ? v.len : DVM_BLOCK_HEADER_BYTES, &hd, e, sizeof e))
    return rt_state_rc(c, rc ? rc : DVM_STATE_ERR_CORRUPT, "head block");
  c->height = h;
  c->time = hd.time;
  dvm_tx_block_hash(&hd, c->last_hash);
  c->has_genesis = 1;
  return DVM_RT_OK;
}

int dvm_rt_chain_open(const char *dir, const dvm_rt_chain_opts *opts, dvm_rt_chain **out, char *errbuf) {
  return rt_chain_open(dir, opts, 0, out, errbuf);
}

int rt_chain_open(const char *dir, const dvm_rt_chain_opts *opts, int scratch, dvm_rt_chain **out, char *errbuf) {
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
  so.no_sync = scratch;
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

void rt_reset_overlay(dvm_rt_chain *c) {
  char keep[sizeof c->err];
  memcpy(keep, c->err, sizeof keep);
  dvm_state_overlay_free(c->ov);
  c->ov = NULL;
  dvm_state_store_reset(c->store);
  int rc = dvm_state_overlay_begin(c->store, &c->ov);
  if (!rc) load_head(c);
  else c->has_genesis = 0; /* no overlay: produce and apply are refused */
  memcpy(c->err, keep, sizeof keep);
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
  rc = dvm_state_view_get(r->view, DVM_STATE_T_META, RT_META_CHAIN_ID, strlen(RT_META_CHAIN_ID), &v);
  if (rc || v.len == 0 || v.len > DVM_CHAIN_ID_MAX) return DVM_RT_ERR_STATE;
  memcpy(h->chain_id, v.data, v.len);
  rc = dvm_state_view_get(r->view, DVM_STATE_T_META, RT_META_GAS, strlen(RT_META_GAS), &v);
  if (rc || gas_rules_decode(v.data, v.len, &h->gas_rules)) return DVM_RT_ERR_STATE;
  rt_height_key(key, h->height);
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

int dvm_rt_chain_gas_rules(const dvm_rt_chain *c, uint64_t *block_gas_limit, uint64_t *min_gas_price) {
  rt_read r;
  rt_head h;
  int rc = rt_read_begin((dvm_rt_chain *)c, &r);
  if (rc) return rc;
  rc = rt_read_head(&r, &h);
  rt_read_end(&r);
  if (rc) return rc;
  if (block_gas_limit) *block_gas_limit = h.gas_rules.block_gas_limit;
  if (min_gas_price) *min_gas_price = h.gas_rules.min_gas_price;
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
  rt_height_key(key, height);
  return view_copy(c, DVM_STATE_T_BLOCKS, key, 8, out, len);
}

int dvm_rt_chain_receipt(dvm_rt_chain *c, const uint8_t tx_id[32], uint8_t **out, size_t *len) {
  return view_copy(c, DVM_STATE_T_RECEIPTS, tx_id, 32, out, len);
}

int dvm_rt_chain_audit(dvm_rt_chain *c, uint8_t root[32]) {
  int rc = dvm_state_store_audit(c->store, root);
  return rc ? rt_state_rc(c, rc, "audit") : DVM_RT_OK;
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
  rt_entry e;
  int rc = rt_read_begin(c, &r);
  if (rc) return rc;
  if ((rc = rt_read_head(&r, &h))) {
    rt_read_end(&r);
    return rc;
  }
  /* No transaction can carry more gas than a block: neither does a simulation. */
  if (gas > h.gas_rules.block_gas_limit) gas = h.gas_rules.block_gas_limit;
  memset(&vms, 0, sizeof vms);
  rt_exec_init(&x, c, r.ov, h.height + 1, h.header.time);
  x.vm = &vms;
  memcpy(x.origin, from, 32);
  rc = rt_invoke(&x, from, contract, method, strlen(method), input, input_len, NULL, 0, gas, &e.o);
  if (!rc) {
    /* A receipt of one call: no transaction id, index 0, no fee. */
    dvm_tx_receipt rcpt;
    memset(&rcpt, 0, sizeof rcpt);
    rcpt.height = h.height + 1;
    rcpt.kind = DVM_TX_CALL;
    rcpt.status = e.o.status;
    rcpt.gas_used = e.o.gas_used;
    e.log_from = 0;
    e.log_to = x.nlogs;
    rc = rt_receipt_encode(&rcpt, &e, 1, x.logs, out, out_len);
  }
  free(e.o.ret);
  rt_exec_release(&x);
  rt_vmset_free(&vms);
  rt_read_end(&r);
  return rt_state_err(rc);
}

/* ---- receipts: the codec is tx/receipt.c; runtime.h keeps its names ---- */

int dvm_rt_receipt_decode(const uint8_t *buf, size_t len, dvm_rt_receipt *r) {
  int rc = dvm_tx_receipt_decode(buf, len, r, NULL, 0);
  return rc == DVM_TX_OK ? DVM_RT_OK : rc == DVM_TX_ERR_NOMEM ? DVM_RT_ERR_NOMEM : DVM_RT_ERR_ARG;
}

void dvm_rt_receipt_free(dvm_rt_receipt *r) { dvm_tx_receipt_free(r); }

/* The genesis document the chain was started from (META). */
int dvm_rt_chain_genesis_json(dvm_rt_chain *c, char **json, size_t *len) {
  rt_read rd;
  dvm_state_bytes v;
  int rc = rt_read_begin(c, &rd);
  if (rc) return rc;
  rc = dvm_state_view_get(rd.view, DVM_STATE_T_META, RT_META_GENESIS, strlen(RT_META_GENESIS), &v);
  if (rc == DVM_STATE_OK) {
    *json = malloc(v.len + 1);
    if (*json) {
      memcpy(*json, v.data, v.len);
      (*json)[v.len] = 0;
      *len = v.len;
    }
  }
  rt_read_end(&rd);
  if (rc == DVM_STATE_NOTFOUND) return DVM_RT_ERR_GENESIS;
  if (rc) return rt_state_err(rc);
  return *json ? DVM_RT_OK : DVM_RT_ERR_NOMEM;
}
