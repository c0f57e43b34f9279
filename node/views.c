/* views.c — chain objects as JSON for the RPC methods (spec/rpc.md
 * §Objects): receipts (return data and logs decoded by the contracts'
 * ABIs when the node has them), blocks, transactions. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node_int.h"

dvm_node_abi *node_abi_of(dvm_node *n, const uint8_t addr[32]) {
  char *text = NULL;
  dvm_node_abi *a = NULL;
  if (node_index_contract(n->idx, addr, NULL, NULL, NULL, &text) || !text) return NULL;
  if (dvm_node_abi_parse(text, strlen(text), &a, NULL, 0)) a = NULL;
  free(text);
  return a;
}

static const char *kind_name(int k) {
  switch (k) {
  case DVM_TX_TRANSFER: return "transfer";
  case DVM_TX_DEPLOY: return "deploy";
  case DVM_TX_CALL: return "call";
  case DVM_TX_SYSTEM: return "system";
  default: return "?";
  }
}

static const char *status_name(int s) {
  switch (s) {
  case DVM_RT_CALL_OK: return "ok";
  case DVM_RT_CALL_REVERT: return "revert";
  case DVM_RT_CALL_TRAP: return "trap";
  default: return "failed";
  }
}

/* One call entry; abi and method may be NULL (no decoding). */
static json_t *call_json(const dvm_rt_call_receipt *cr, const dvm_node_abi *abi, const char *method,
                         dvm_node *n) {
  json_t *o = json_pack("{s:s,s:I,s:o}", "status", status_name(cr->status), "gas_used", (json_int_t)cr->gas_used,
                        "r0", node_u64(cr->r0));
  if (cr->status == DVM_RT_CALL_REVERT) {
    json_t *msg = json_stringn((const char *)cr->ret, cr->ret_len); /* NULL unless UTF-8 */
    json_object_set_new(o, "revert", msg ? msg : node_hex(cr->ret, cr->ret_len));
  } else {
    json_object_set_new(o, "return", node_hex(cr->ret, cr->ret_len));
  }
  if (cr->status == DVM_RT_CALL_TRAP) {
    json_object_set_new(o, "trap", json_string(dvm_vm_trap_name(cr->trap)));
    json_object_set_new(o, "pc", json_integer(cr->pc));
  }
  if (cr->status == DVM_RT_CALL_FAILED || (cr->status == DVM_RT_CALL_TRAP && cr->detail))
    json_object_set_new(o, "detail", json_string(dvm_rt_fail_name(cr->detail)));
  const dvm_node_abi_method *m = abi && method ? dvm_node_abi_method_find(abi, method) : NULL;
  if (m && cr->status == DVM_RT_CALL_OK) {
    json_t *d;
    char err[256];
    if (dvm_node_abi_decode(m->returns, m->nreturns, cr->ret, cr->ret_len, &d, err, sizeof err) == 0)
      json_object_set_new(o, "decoded", d);
    else
      json_object_set_new(o, "decode_error", json_string(err));
  }
  json_t *logs = json_array();
  for (uint16_t i = 0; i < cr->nlogs; i++) {
    const dvm_rt_log_view *l = &cr->logs[i];
    json_t *topics = json_array(), *lo;
    for (uint8_t t = 0; t < l->ntopics; t++) json_array_append_new(topics, node_hex(l->topics + 32 * t, 32));
    lo = json_pack("{s:o,s:o,s:o}", "contract", node_hex(l->contract, 32), "topics", topics, "data",
                   node_hex(l->data, l->data_len));
    dvm_node_abi *la = NULL;
    const dvm_node_abi *use = abi; /* a log of another contract: its own ABI */
    if (n && l->ntopics && (!abi || !dvm_node_abi_event_find(abi, l->topics))) use = la = node_abi_of(n, l->contract);
    json_t *ev;
    if (use && l->ntopics && dvm_node_abi_decode_log(use, l->topics, l->ntopics, l->data, l->data_len, &ev, NULL, 0) == 0) {
      json_object_set(lo, "event", json_object_get(ev, "event"));
      json_object_set(lo, "fields", json_object_get(ev, "fields"));
      json_decref(ev);
    }
    dvm_node_abi_free(la);
    json_array_append_new(logs, lo);
  }
  json_object_set_new(o, "logs", logs);
  return o;
}

json_t *node_receipt_json(dvm_node *n, const uint8_t *enc, size_t len, const uint8_t *contract, const char *method) {
  dvm_rt_receipt r;
  if (dvm_rt_receipt_decode(enc, len, &r)) return NULL;
  json_t *o = json_pack("{s:o,s:s,s:s,s:I,s:o,s:I,s:i}", "id", node_hex(r.tx_id, 32), "kind", kind_name(r.kind),
                        "status", status_name(r.status), "gas_used", (json_int_t)r.gas_used, "fee", node_u64(r.fee),
                        "height", (json_int_t)r.height, "index", (int)r.index);
  if (r.has_contract) json_object_set_new(o, "contract", node_hex(r.contract, 32));
  /* The methods of a call batch come from the transaction in its block. */
  dvm_tx_block b;
  int have_block = 0, decoded = 0;
  uint8_t *benc = NULL;
  size_t blen;
  if (!method && r.kind == DVM_TX_CALL && dvm_rt_chain_block(n->chain, r.height, &benc, &blen) == 0) {
    char e[128];
    decoded = dvm_tx_block_decode(benc, blen, &b, e, sizeof e) == 0;
    have_block = decoded && r.index < b.tx_count &&
                 b.txs[r.index].kind == DVM_TX_CALL && b.txs[r.index].u.call.count == r.ncalls;
  }
  json_t *calls = json_array();
  for (uint16_t i = 0; i < r.ncalls; i++) {
    char mname[DVM_TX_MAX_METHOD + 1] = "";
    const uint8_t *addr = contract;
    if (have_block) {
      const dvm_tx_call *c = &b.txs[r.index].u.call.calls[i];
      memcpy(mname, c->method, c->method_len);
      mname[c->method_len] = 0;
      addr = c->contract;
    } else if (method) {
      snprintf(mname, sizeof mname, "%s", method);
    }
    dvm_node_abi *abi = addr && n ? node_abi_of(n, addr) : NULL;
    json_t *cj = call_json(&r.calls[i], abi, mname[0] ? mname : NULL, n);
    if (mname[0]) json_object_set_new(cj, "method", json_string(mname));
    if (addr) json_object_set_new(cj, "contract", node_hex(addr, 32));
    dvm_node_abi_free(abi);
    json_array_append_new(calls, cj);
  }
  json_object_set_new(o, "calls", calls);
  if (decoded) dvm_tx_block_free(&b);
  free(benc);
  dvm_rt_receipt_free(&r);
  return o;
}

json_t *node_tx_json(const dvm_tx *tx) {
  json_t *o = json_pack("{s:o,s:s,s:o,s:I,s:I,s:o}", "id", node_hex(tx->id, 32), "kind", kind_name(tx->kind),
                        "sender", node_hex(tx->sender, 32), "nonce", (json_int_t)tx->nonce, "gas_limit",
                        (json_int_t)tx->gas_limit, "gas_price", node_u64(tx->gas_price));
  switch (tx->kind) {
  case DVM_TX_TRANSFER:
    json_object_set_new(o, "to", node_hex(tx->u.transfer.to, 32));
    json_object_set_new(o, "asset", json_integer(tx->u.transfer.asset));
    json_object_set_new(o, "amount", node_u64(tx->u.transfer.amount));
    break;
  case DVM_TX_DEPLOY: {
    uint8_t addr[32];
    dvm_tx_contract_address(tx->sender, tx->nonce, addr);
    json_object_set_new(o, "contract", node_hex(addr, 32));
    json_object_set_new(o, "code_len", json_integer(tx->u.deploy.code_len));
    break;
  }
  case DVM_TX_CALL: {
    json_t *calls = json_array();
    for (uint16_t i = 0; i < tx->u.call.count; i++) {
      const dvm_tx_call *c = &tx->u.call.calls[i];
      json_array_append_new(calls, json_pack("{s:o,s:s%,s:o,s:I}", "contract", node_hex(c->contract, 32), "method",
                                             c->method, (size_t)c->method_len, "input",
                                             node_hex(c->input, c->input_len), "gas", (json_int_t)c->gas_limit));
    }
    json_object_set_new(o, "calls", calls);
    break;
  }
  default:
    json_object_set_new(o, "entries", json_integer(tx->u.sys.count));
    json_object_set_new(o, "system", json_string(tx->u.sys.sys_kind == DVM_SYS_ORACLE ? "oracle" : "param"));
  }
  return o;
}

json_t *node_block_json(dvm_node *n, const uint8_t *enc, size_t len, int full) {
  dvm_tx_block b;
  char e[128];
  uint8_t hash[32];
  (void)n;
  if (dvm_tx_block_decode(enc, len, &b, e, sizeof e)) return NULL;
  dvm_tx_block_hash(&b.header, hash);
  json_t *txs = json_array();
  for (uint32_t i = 0; i < b.tx_count; i++)
    json_array_append_new(txs, full ? node_tx_json(&b.txs[i]) : node_hex(b.txs[i].id, 32));
  json_t *o = json_pack("{s:I,s:o,s:o,s:I,s:o,s:o,s:o,s:i,s:o}", "height", (json_int_t)b.header.height, "hash",
                        node_hex(hash, 32), "parent", node_hex(b.header.parent, 32), "time",
                        (json_int_t)b.header.time, "tx_root", node_hex(b.header.tx_root, 32), "state_root",
                        node_hex(b.header.state_root, 32), "receipts_root", node_hex(b.header.receipts_root, 32),
                        "tx_count", (int)b.tx_count, "txs", txs);
  dvm_tx_block_free(&b);
  return o;
}
