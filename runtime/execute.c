/* execute.c — execution of one valid transaction (spec/tx.md §Execution):
 * the nonce and the fee escrow first, which stand whatever the transaction
 * does; then one small function per kind; then the fee for the gas used
 * and the refund of the rest of the escrow; then the receipt. A state
 * error anywhere fails the whole block (the caller throws the overlay
 * away); everything else is an outcome written in the receipt. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "rt_private.h"
#include "sys_market.h"

/* A transaction while it runs. */
typedef struct tx_run {
  rt_exec x;
  const dvm_tx *tx;
  rt_entry *e; /* the receipt's entries */
  unsigned n;
  uint8_t status; /* DVM_RT_CALL_OK, or the first entry's that is not */
  uint64_t used;  /* gas: intrinsic plus every entry's */
  int has_contract;
  uint8_t contract[DVM_ADDR_BYTES];
} tx_run;

/* An entry that ran no code (transfer, refused deploy, system). */
static void entry_simple(tx_run *t, uint8_t status, int detail) {
  rt_entry *e = &t->e[t->n++];
  memset(e, 0, sizeof *e);
  e->o.status = status;
  e->o.detail = detail;
  e->log_from = e->log_to = t->x.nlogs;
  if (t->status == DVM_RT_CALL_OK) t->status = status;
}

/* An entry of a call that ran: takes o's return data; its logs are those
 * pushed since `mark`. */
static void entry_call(tx_run *t, rt_call_out *o, size_t mark) {
  rt_entry *e = &t->e[t->n++];
  e->o = *o;
  o->ret = NULL;
  e->log_from = mark;
  e->log_to = t->x.nlogs;
  t->used += o->gas_used;
  if (t->status == DVM_RT_CALL_OK) t->status = o->status;
}

static int exec_transfer(tx_run *t) {
  dvm_state_overlay *ov = t->x.ov;
  const dvm_tx *tx = t->tx;
  int detail = DVM_RT_F_NONE;
  if (!rt_asset_known(ov, tx->u.transfer.asset)) {
    detail = DVM_RT_F_ASSET;
  } else {
    int rc = rt_transfer(ov, tx->sender, tx->u.transfer.to, tx->u.transfer.asset, tx->u.transfer.amount);
    if (rc < 0) return rc;
    if (rc == RT_MOVED_SHORT) detail = DVM_RT_F_FUNDS;
    else if (rc == RT_MOVED_OVERFLOW) detail = DVM_RT_F_OVERFLOW;
  }
  entry_simple(t, detail ? DVM_RT_CALL_FAILED : DVM_RT_CALL_OK, detail);
  return 0;
}

/* The contract's address comes from the sender and the nonce the
 * transaction used. Code that does not load is refused with nothing
 * stored; otherwise code and account are written in a frame that stands
 * only if "init" (when exported) returns. */
static int exec_deploy(tx_run *t, uint64_t deploy_nonce) {
  dvm_state_overlay *ov = t->x.ov;
  const dvm_tx *tx = t->tx;
  dvm_vm_program *p = NULL;
  dvm_vm_error verr;
  uint8_t hash[32];
  uint32_t init_pc;
  rt_account ca;
  rt_call_out o;
  int rc;
  dvm_tx_contract_address(tx->sender, deploy_nonce, t->contract);
  if (dvm_vm_program_load_container(&p, tx->u.deploy.code, tx->u.deploy.code_len, t->x.chain->syscalls, &verr)) {
    entry_simple(t, DVM_RT_CALL_FAILED, DVM_RT_F_BAD_CODE);
    return 0;
  }
  int has_init = dvm_vm_program_export(p, "init", &init_pc) == DVM_VM_OK;
  dvm_vm_program_free(p);
  crypto_generichash(hash, 32, tx->u.deploy.code, tx->u.deploy.code_len, NULL, 0);
  if ((rc = dvm_state_overlay_push(ov))) return rc;
  if ((rc = rt_account_get(ov, t->contract, &ca))) return rc;
  ca.flags |= RT_ACCT_CONTRACT;
  memcpy(ca.code_hash, hash, 32);
  if ((rc = dvm_state_overlay_put(ov, DVM_STATE_T_CODE, hash, 32, tx->u.deploy.code, tx->u.deploy.code_len)) ||
      (rc = rt_account_put(ov, t->contract, &ca)))
    return rc;
  memset(&o, 0, sizeof o);
  if (has_init && (rc = rt_invoke(&t->x, tx->sender, t->contract, "init", 4, tx->u.deploy.init_input,
                                  tx->u.deploy.init_input_len, NULL, 0, tx->u.deploy.init_gas, &o))) {
    free(o.ret);
    return rc;
  }
  t->has_contract = o.status == DVM_RT_CALL_OK;
  dvm_state_overlay_pop(ov, t->has_contract);
  entry_call(t, &o, 0);
  return 0;
}

/* Every call of the batch runs, whatever the others did. */
static int exec_calls(tx_run *t) {
  const dvm_tx *tx = t->tx;
  for (unsigned i = 0; i < tx->u.call.count; i++) {
    const dvm_tx_call *cl = &tx->u.call.calls[i];
    rt_call_out o;
    size_t mark = t->x.nlogs;
    int rc = rt_invoke(&t->x, tx->sender, cl->contract, cl->method, cl->method_len, cl->input, cl->input_len,
                       cl->assets, cl->asset_count, cl->gas_limit, &o);
    if (rc) {
      free(o.ret);
      return rc;
    }
    entry_call(t, &o, mark);
  }
  return 0;
}

/* Oracle prices and parameters into the system namespace; authorities only. */
static int exec_system(tx_run *t) {
  dvm_state_overlay *ov = t->x.ov;
  const dvm_tx *tx = t->tx;
  if (!rt_is_authority(ov, tx->sender)) {
    entry_simple(t, DVM_RT_CALL_FAILED, DVM_RT_F_NOT_AUTHORITY);
    return 0;
  }
  for (unsigned i = 0; i < tx->u.sys.count; i++) {
    uint8_t key[DVM_STATE_KEY_MAX], val[16];
    size_t kl;
    int rc;
    if (tx->u.sys.sys_kind == DVM_SYS_ORACLE) {
      const dvm_tx_oracle *o = &tx->u.sys.oracle[i];
      uint8_t fe[4];
      dvm_be_put32(fe, o->feed);
      rt_sys_key(key, &kl, "oracle", fe, 4);
      for (int k = 0; k < 8; k++) {
        val[k] = (uint8_t)((uint64_t)o->price >> (8 * k));
        val[8 + k] = (uint8_t)(o->publish_time >> (8 * k));
      }
      rc = dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, key, kl, val, 16);
      if (!rc) rc = rt_oracle_history_put(ov, o->feed, o->price, o->publish_time);
    } else {
      const dvm_tx_param *pm = &tx->u.sys.params[i];
      rt_sys_key(key, &kl, "param", pm->key, pm->key_len);
      rc = dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, key, kl, pm->val, pm->val_len);
    }
    if (rc) return rc;
  }
  entry_simple(t, DVM_RT_CALL_OK, 0);
  return 0;
}

int rt_receipt_encode(dvm_tx_receipt *r, const rt_entry *e, unsigned n, const rt_log *logs, uint8_t **out,
                      size_t *out_len) {
  int rc = DVM_STATE_ERR_NOMEM;
  r->ncalls = (uint16_t)n;
  r->calls = calloc(n ? n : 1, sizeof *r->calls);
  if (!r->calls) return rc;
  for (unsigned i = 0; i < n; i++) {
    dvm_tx_receipt_call *c = &r->calls[i];
    c->status = e[i].o.status;
    c->trap = e[i].o.trap;
    c->pc = e[i].o.pc;
    c->detail = e[i].o.detail;
    c->gas_used = e[i].o.gas_used;
    c->r0 = e[i].o.r0;
    c->ret = e[i].o.ret;
    c->ret_len = e[i].o.ret_len;
    c->nlogs = (uint16_t)(e[i].log_to - e[i].log_from);
    c->logs = calloc(c->nlogs ? c->nlogs : 1, sizeof *c->logs);
    if (!c->logs) goto out;
    for (unsigned k = 0; k < c->nlogs; k++) {
      const rt_log *l = &logs[e[i].log_from + k];
      c->logs[k] = (dvm_tx_log_view){l->contract, l->ntopics, &l->topics[0][0], l->data, l->data_len};
    }
  }
  rc = dvm_tx_receipt_encode(r, out, out_len) ? DVM_STATE_ERR_NOMEM : 0;
out:
  dvm_tx_receipt_free(r);
  return rc;
}

int rt_tx_execute(dvm_rt_chain *c, const dvm_tx *tx, uint64_t height, uint64_t time, uint32_t index,
                  uint64_t intrinsic, uint8_t **receipt, size_t *receipt_len, uint64_t *gas) {
  dvm_state_overlay *ov = c->ov;
  uint64_t escrow = tx->gas_limit * tx->gas_price;
  rt_account a;
  tx_run t;
  int rc;

  /* Nonce and fee escrow first: they stand whatever the transaction does. */
  if ((rc = rt_account_get(ov, tx->sender, &a))) return rc;
  uint64_t deploy_nonce = a.nonce;
  a.nonce++;
  if ((rc = rt_account_put(ov, tx->sender, &a))) return rc;
  if ((rc = rt_transfer(ov, tx->sender, rt_system_addr, 0, escrow)) < 0) return rc;

  memset(&t, 0, sizeof t);
  t.tx = tx;
  t.used = intrinsic;
  t.e = calloc(tx->kind == DVM_TX_CALL ? tx->u.call.count : 1, sizeof *t.e);
  if (!t.e) return DVM_STATE_ERR_NOMEM;
  rt_exec_init(&t.x, c, ov, height, time);
  memcpy(t.x.origin, tx->sender, 32);
  if (c->obs && c->obs->trace_index == (int64_t)index) t.x.trace = c->obs->tracer; /* replay.c */
  switch (tx->kind) {
  case DVM_TX_TRANSFER: rc = exec_transfer(&t); break;
  case DVM_TX_DEPLOY: rc = exec_deploy(&t, deploy_nonce); break;
  case DVM_TX_CALL: rc = exec_calls(&t); break;
  case DVM_TX_SYSTEM: rc = exec_system(&t); break;
  default: break; /* the decoder admits no other kind */
  }

  /* Fee: the gas used at the price; the rest of the escrow goes back. */
  uint64_t fee = t.used * tx->gas_price;
  if (!rc && (rc = rt_transfer(ov, rt_system_addr, tx->sender, 0, escrow - fee)) > 0) rc = 0;
  if (!rc) {
    dvm_tx_receipt r;
    memset(&r, 0, sizeof r);
    memcpy(r.tx_id, tx->id, 32);
    r.height = height;
    r.index = index;
    r.kind = tx->kind;
    r.status = t.status;
    r.gas_used = t.used;
    r.fee = fee;
    r.has_contract = (uint8_t)t.has_contract;
    if (t.has_contract) memcpy(r.contract, t.contract, 32);
    rc = rt_receipt_encode(&r, t.e, t.n, t.x.logs, receipt, receipt_len);
  }
  for (unsigned i = 0; i < t.n; i++) free(t.e[i].o.ret);
  free(t.e);
  rt_exec_release(&t.x);
  if (!rc) *gas = t.used;
  return rc;
}
