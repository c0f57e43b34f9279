/* rpc_send.c — the methods that change or run something: transaction
 * submission through the runtime's check into the mempool (with a deploy's
 * ABI kept node-side), simulation on a read view, mining on demand. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node_int.h"

/* The runtime's check message (runtime.h, dvm_rt_chain_check_tx) to a code. */
static int check_code(const char *msg) {
  static const struct { const char *prefix; int code; } map[] = {
    {"encoding", DVM_NODE_RPC_TX_MALFORMED}, {"chain id", DVM_NODE_RPC_TX_CHAIN_ID},
    {"signature", DVM_NODE_RPC_TX_SIGNATURE}, {"sender is a contract", DVM_NODE_RPC_TX_MALFORMED},
    {"nonce", DVM_NODE_RPC_TX_NONCE}, {"gas limit", DVM_NODE_RPC_TX_GAS}, {"gas price", DVM_NODE_RPC_TX_GAS},
    {"balance", DVM_NODE_RPC_TX_FUNDS},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (!strncmp(msg, map[i].prefix, strlen(map[i].prefix))) return map[i].code;
  return DVM_NODE_RPC_TX_MALFORMED;
}

static int mp_code(int rc) {
  switch (rc) {
  case DVM_NODE_MP_ERR_KNOWN: return DVM_NODE_RPC_TX_KNOWN;
  case DVM_NODE_MP_ERR_NONCE: return DVM_NODE_RPC_TX_NONCE;
  case DVM_NODE_MP_ERR_UNDERPRICED: return DVM_NODE_RPC_TX_UNDERPRICED;
  case DVM_NODE_MP_ERR_SENDER: return DVM_NODE_RPC_TX_SENDER_LIMIT;
  case DVM_NODE_MP_ERR_FULL: return DVM_NODE_RPC_MEMPOOL_FULL;
  default: return DVM_NODE_RPC_INTERNAL;
  }
}

/* params.abi of a deploy: parsed, checked against the container's exports,
 * stored until the deploy lands. */
static int keep_abi(dvm_node *n, json_t *abi, const uint8_t *tx, size_t len, node_rpc_err *e) {
  dvm_tx d;
  char err[256];
  if (dvm_tx_decode(tx, len, &d, err, sizeof err)) return 0; /* the check has refused it already */
  int rc = 0;
  dvm_node_abi *a = NULL;
  if (d.kind != DVM_TX_DEPLOY)
    rc = -1, node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.abi: only a deploy carries an ABI");
  else if (dvm_node_abi_parse_json(abi, &a, err, sizeof err))
    rc = -1, node_rpc_error(e, DVM_NODE_RPC_ABI, "params.abi: %s", err);
  else if (dvm_node_abi_check_exports(a, d.u.deploy.code, d.u.deploy.code_len, err, sizeof err))
    rc = -1, node_rpc_error(e, DVM_NODE_RPC_ABI, "params.abi: %s", err);
  else {
    json_t *canon = dvm_node_abi_to_json(a);
    char *text = json_dumps(canon, JSON_COMPACT);
    if (!text || node_index_pending_abi(n->idx, d.id, text, strlen(text)))
      rc = -1, node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "cannot store the ABI");
    free(text);
    json_decref(canon);
  }
  dvm_node_abi_free(a);
  dvm_tx_free(&d);
  return rc;
}

/* Wait (at most wait_ms) until the transaction has a receipt. */
static json_t *wait_receipt(dvm_node *n, const uint8_t id[32]) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += (time_t)(n->o.wait_ms / 1000);
  until.tv_nsec += (long)(n->o.wait_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
  for (;;) {
    uint8_t *enc;
    size_t len;
    pthread_mutex_lock(&n->mu);
    uint64_t seen = n->blocks;
    pthread_mutex_unlock(&n->mu);
    if (dvm_rt_chain_receipt(n->chain, id, &enc, &len) == 0) {
      json_t *r = node_receipt_json(n, enc, len, NULL, NULL);
      free(enc);
      return r;
    }
    pthread_mutex_lock(&n->mu);
    int rc = 0;
    while (n->blocks == seen && !n->stop && rc == 0) rc = pthread_cond_timedwait(&n->blocked, &n->mu, &until);
    int stop = n->stop;
    pthread_mutex_unlock(&n->mu);
    if (rc || stop) return NULL;
  }
}

json_t *node_m_send(dvm_node *n, json_t *p, node_rpc_err *e) {
  json_t *txv = json_object_get(p, "tx"), *abi = json_object_get(p, "abi"), *wait = json_object_get(p, "wait");
  const char *hex = json_is_string(txv) ? json_string_value(txv) : NULL;
  if (hex && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2;
  size_t hl = hex ? strlen(hex) : 0;
  if (!hex || hl == 0 || hl % 2 || hl / 2 > DVM_TX_MAX_BYTES)
    return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.tx: expected the encoded transaction in hex (at most %u bytes)",
                          DVM_TX_MAX_BYTES);
  if (wait && !json_is_boolean(wait)) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.wait: not a boolean");
  if (abi && !json_is_object(abi)) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.abi: not an object");
  uint8_t *tx = malloc(hl / 2);
  if (!tx) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "out of memory");
  if (dvm_hex_decode(hex, tx, hl / 2)) {
    free(tx);
    return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.tx: not hex");
  }
  dvm_rt_tx_info info;
  char why[256] = "";
  int rc = dvm_rt_chain_check_tx(n->chain, tx, hl / 2, &info, why);
  if (rc == DVM_RT_ERR_TX) {
    free(tx);
    return node_rpc_error(e, check_code(why), "transaction refused: %s", why);
  }
  if (rc) {
    free(tx);
    return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "check: %s", dvm_rt_strerror(rc));
  }
  if (abi && keep_abi(n, abi, tx, hl / 2, e)) {
    free(tx);
    return NULL;
  }
  dvm_node_mp_tx t;
  memcpy(t.id, info.id, 32);
  memcpy(t.sender, info.sender, 32);
  t.nonce = info.nonce;
  t.account_nonce = info.account_nonce;
  t.gas_price = info.gas_price;
  pthread_mutex_lock(&n->mu);
  int mrc = dvm_node_mempool_add(n->mp, &t, tx, hl / 2);
  if (mrc >= 0 && dvm_node_mempool_count(n->mp) >= n->o.block_max_txs) pthread_cond_signal(&n->wake);
  pthread_mutex_unlock(&n->mu);
  free(tx);
  if (mrc < 0) return node_rpc_error(e, mp_code(mrc), "transaction refused: %s", dvm_node_mp_strerror(mrc));
  json_t *o = json_pack("{s:o,s:b}", "id", node_hex(info.id, 32), "replaced", mrc == DVM_NODE_MP_REPLACED);
  if (info.kind == DVM_TX_DEPLOY) {
    uint8_t addr[32];
    dvm_tx_contract_address(info.sender, info.nonce, addr);
    json_object_set_new(o, "contract", node_hex(addr, 32));
  }
  if (wait && json_is_true(wait) && n->has_producer) {
    json_t *r = wait_receipt(n, info.id);
    json_object_set_new(o, "receipt", r ? r : json_null());
  }
  return o;
}

json_t *node_m_simulate(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t from[32] = {0}, contract[32];
  uint64_t gas = 10000000;
  json_t *m = json_object_get(p, "method"), *args = json_object_get(p, "args"), *input = json_object_get(p, "input");
  if (node_param_addr(p, "contract", 1, contract, e) < 0 || node_param_addr(p, "from", 0, from, e) < 0 ||
      node_param_u64(p, "gas", 0, &gas, e) < 0)
    return NULL;
  if (!json_is_string(m) || json_string_length(m) == 0 || json_string_length(m) > DVM_TX_MAX_METHOD)
    return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.method: expected a method name");
  if (args && input) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params: args and input are exclusive");
  uint8_t *in = NULL;
  size_t inlen = 0;
  if (input) {
    const char *s = json_is_string(input) ? json_string_value(input) : NULL;
    if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    size_t hl = s ? strlen(s) : 1;
    if (!s || hl % 2 || hl / 2 > DVM_TX_MAX_INPUT || !(in = malloc(hl / 2 + 1)) || dvm_hex_decode(s, in, hl / 2)) {
      free(in);
      return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.input: expected hex bytes");
    }
    inlen = hl / 2;
  } else {
    dvm_node_abi *a = node_abi_of(n, contract);
    const dvm_node_abi_method *md = a ? dvm_node_abi_method_find(a, json_string_value(m)) : NULL;
    char err[300];
    if (!a) return node_rpc_error(e, DVM_NODE_RPC_ABI, "no ABI known for this contract: pass params.input");
    if (!md) {
      dvm_node_abi_free(a);
      return node_rpc_error(e, DVM_NODE_RPC_ABI, "the contract's ABI has no method %.64s", json_string_value(m));
    }
    int rc = dvm_node_abi_encode(md->args, md->nargs, args, &in, &inlen, err, sizeof err);
    dvm_node_abi_free(a);
    if (rc) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "%s", err);
  }
  uint8_t *out;
  size_t olen;
  int rc = dvm_rt_chain_simulate(n->chain, from, contract, json_string_value(m), in, (uint32_t)inlen, gas, &out, &olen);
  free(in);
  if (rc) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "simulate: %s", dvm_rt_strerror(rc));
  json_t *r = node_receipt_json(n, out, olen, contract, json_string_value(m));
  free(out);
  if (!r) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "simulate: receipt does not decode");
  json_t *call = json_incref(json_array_get(json_object_get(r, "calls"), 0));
  json_decref(r);
  return call;
}

json_t *node_m_mine(dvm_node *n, json_t *p, node_rpc_err *e) {
  dvm_rt_block_info info;
  char err[512];
  uint64_t at = 0, parent = 0;
  if (node_param_u64(p, "time", 0, &at, e) < 0) return NULL;
  dvm_rt_chain_head(n->chain, NULL, NULL, NULL, &parent);
  if (json_object_get(p, "time") && (at < parent || at == 0))
    return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.time: before the head's time %" PRIu64, parent);
  if (node_produce(n, 1, at, &info, err, sizeof err)) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "%s", err);
  return json_pack("{s:I,s:o,s:o,s:i,s:i,s:I}", "height", (json_int_t)info.height, "hash", node_hex(info.hash, 32),
                   "state_root", node_hex(info.state_root, 32), "included", (int)info.included, "rejected",
                   (int)info.rejected, "gas_used", (json_int_t)info.gas_used);
}
