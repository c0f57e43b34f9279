/* rpc_methods.c — JSON-RPC 2.0 dispatch (single requests and batches) and
 * the query methods (spec/rpc.md). Queries read the runtime's read views
 * and the index: they never wait for block production. Transaction
 * submission, simulation and mining are in rpc_send.c. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node_int.h"

/* ---- queries ---- */

static json_t *m_head(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint64_t h, t;
  uint8_t hash[32], root[32];
  (void)p;
  if (dvm_rt_chain_head(n->chain, &h, hash, root, &t))
    return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "no head");
  pthread_mutex_lock(&n->mu);
  size_t pending = dvm_node_mempool_count(n->mp);
  pthread_mutex_unlock(&n->mu);
  return json_pack("{s:s,s:I,s:o,s:o,s:I,s:I}", "chain_id", dvm_rt_chain_id(n->chain), "height", (json_int_t)h,
                   "hash", node_hex(hash, 32), "state_root", node_hex(root, 32), "time", (json_int_t)t, "pending",
                   (json_int_t)pending);
}

static json_t *m_assets(dvm_node *n, json_t *p, node_rpc_err *e) {
  (void)p;
  (void)e;
  return json_deep_copy(n->assets);
}

/* params.asset: an id or a symbol of the genesis assets. */
static int param_asset(dvm_node *n, json_t *p, uint32_t *asset, node_rpc_err *e) {
  json_t *v = json_object_get(p, "asset");
  if (!v) {
    *asset = 0;
    return 0;
  }
  if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= UINT32_MAX) {
    *asset = (uint32_t)json_integer_value(v);
    return 0;
  }
  if (json_is_string(v)) {
    size_t i;
    json_t *a;
    json_array_foreach(n->assets, i, a) {
      if (!strcmp(json_string_value(json_object_get(a, "symbol")), json_string_value(v))) {
        *asset = (uint32_t)json_integer_value(json_object_get(a, "id"));
        return 0;
      }
    }
  }
  node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.asset: not an asset id or symbol of this chain");
  return -1;
}

static json_t *m_balance(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t a[32];
  uint32_t asset;
  uint64_t amount = 0;
  if (node_param_addr(p, "address", 1, a, e) || param_asset(n, p, &asset, e)) return NULL;
  int rc = dvm_rt_chain_balance(n->chain, a, asset, &amount);
  if (rc && rc != DVM_RT_ERR_NOTFOUND) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "balance: %s", dvm_rt_strerror(rc));
  return json_pack("{s:o,s:i,s:o}", "address", node_hex(a, 32), "asset", (int)asset, "amount", node_u64(rc ? 0 : amount));
}

static json_t *m_nonce(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t a[32];
  uint64_t nonce = 0;
  if (node_param_addr(p, "address", 1, a, e)) return NULL;
  int rc = dvm_rt_chain_nonce(n->chain, a, &nonce);
  if (rc && rc != DVM_RT_ERR_NOTFOUND) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "nonce: %s", dvm_rt_strerror(rc));
  return json_pack("{s:o,s:I}", "address", node_hex(a, 32), "nonce", (json_int_t)(rc ? 0 : nonce));
}

static int param_hex(json_t *p, const char *key, uint8_t **out, size_t *len, size_t max, node_rpc_err *e) {
  json_t *v = json_object_get(p, key);
  const char *s = json_is_string(v) ? json_string_value(v) : NULL;
  if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  size_t n = s ? strlen(s) : 0;
  if (!s || n % 2 || n / 2 > max) {
    node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.%s: expected hex bytes (at most %zu)", key, max);
    return -1;
  }
  *out = malloc(n / 2 + 1);
  if (!*out || dvm_hex_decode(s, *out, n / 2)) {
    free(*out);
    node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.%s: expected hex bytes", key);
    return -1;
  }
  *len = n / 2;
  return 0;
}

static json_t *m_storage(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t c[32], *key, *val = NULL;
  size_t klen, vlen;
  if (node_param_addr(p, "contract", 1, c, e) || param_hex(p, "key", &key, &klen, 256, e)) return NULL;
  if (klen == 0) {
    free(key);
    return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.key: empty");
  }
  int rc = dvm_rt_chain_storage(n->chain, c, key, klen, &val, &vlen);
  free(key);
  if (rc == DVM_RT_ERR_NOTFOUND) return json_pack("{s:n}", "value");
  if (rc == DVM_RT_ERR_ARG) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.key: too long");
  if (rc) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "storage: %s", dvm_rt_strerror(rc));
  json_t *o = json_pack("{s:o}", "value", node_hex(val, vlen));
  free(val);
  return o;
}

static json_t *block_at(dvm_node *n, uint64_t h, json_t *p, node_rpc_err *e) {
  uint8_t *enc;
  size_t len;
  json_t *full = json_object_get(p, "full");
  if (full && !json_is_boolean(full)) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.full: not a boolean");
  int rc = dvm_rt_chain_block(n->chain, h, &enc, &len);
  if (rc == DVM_RT_ERR_NOTFOUND) return node_rpc_error(e, DVM_NODE_RPC_NOT_FOUND, "no block at height %" PRIu64, h);
  if (rc) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "block: %s", dvm_rt_strerror(rc));
  json_t *o = node_block_json(n, enc, len, full && json_is_true(full));
  free(enc);
  return o ? o : node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "block %" PRIu64 " does not decode", h);
}

static json_t *m_block_height(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint64_t h;
  if (node_param_u64(p, "height", 1, &h, e)) return NULL;
  return block_at(n, h, p, e);
}

static json_t *m_block_hash(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t hash[32];
  uint64_t h;
  if (node_param_addr(p, "hash", 1, hash, e)) return NULL;
  if (node_index_height(n->idx, hash, &h)) return node_rpc_error(e, DVM_NODE_RPC_NOT_FOUND, "no block with this hash");
  return block_at(n, h, p, e);
}

static json_t *m_receipt(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t id[32], *enc;
  size_t len;
  if (node_param_addr(p, "id", 1, id, e)) return NULL;
  int rc = dvm_rt_chain_receipt(n->chain, id, &enc, &len);
  if (rc == DVM_RT_ERR_NOTFOUND) {
    pthread_mutex_lock(&n->mu);
    int pending = dvm_node_mempool_has(n->mp, id);
    pthread_mutex_unlock(&n->mu);
    e->data = json_pack("{s:b}", "pending", pending);
    return node_rpc_error(e, DVM_NODE_RPC_NOT_FOUND, "no receipt for this transaction%s", pending ? " yet (pending)" : "");
  }
  if (rc) return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "receipt: %s", dvm_rt_strerror(rc));
  json_t *o = node_receipt_json(n, enc, len, NULL, NULL);
  free(enc);
  return o ? o : node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "receipt does not decode");
}

static json_t *m_oracle(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint64_t feed;
  uint8_t zero[32] = {0}, key[10] = {'o', 'r', 'a', 'c', 'l', 'e'}, *val;
  size_t vlen;
  if (node_param_u64(p, "feed", 1, &feed, e)) return NULL;
  if (feed > UINT32_MAX) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.feed: above 2^32-1");
  dvm_be_put32(key + 6, feed); /* big-endian, spec/state.md */
  int rc = dvm_rt_chain_storage(n->chain, zero, key, sizeof key, &val, &vlen);
  if (rc == DVM_RT_ERR_NOTFOUND) return node_rpc_error(e, DVM_NODE_RPC_NOT_FOUND, "no price for feed %" PRIu64, feed);
  if (rc || vlen != 16) {
    if (!rc) free(val);
    return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "oracle: %s", rc ? dvm_rt_strerror(rc) : "bad record");
  }
  uint64_t price = 0, t = 0;
  for (int i = 0; i < 8; i++) price |= (uint64_t)val[i] << (8 * i), t |= (uint64_t)val[8 + i] << (8 * i);
  free(val);
  char fx[32];
  dvm_node_fx_format((int64_t)price, fx);
  return json_pack("{s:I,s:s,s:I}", "feed", (json_int_t)feed, "price", fx, "publish_time", (json_int_t)t);
}

static json_t *m_contract(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t a[32], code_hash[32], tx[32];
  uint64_t h;
  char *abi;
  if (node_param_addr(p, "address", 1, a, e)) return NULL;
  if (node_index_contract(n->idx, a, code_hash, &h, tx, &abi))
    return node_rpc_error(e, DVM_NODE_RPC_NOT_FOUND, "no contract at this address");
  json_t *aj = abi ? json_loads(abi, 0, NULL) : NULL;
  free(abi);
  return json_pack("{s:o,s:o,s:I,s:o,s:o}", "address", node_hex(a, 32), "code_hash", node_hex(code_hash, 32),
                   "height", (json_int_t)h, "deploy_tx", node_hex(tx, 32), "abi", aj ? aj : json_null());
}

/* dvm_traceTransaction: the trace lines of spec/trace.md as objects. At most
 * `limit` instruction lines are kept; the summary line always comes last. */
typedef struct trace_acc {
  json_t *lines;
  uint64_t limit, kept, omitted;
  int bad;
} trace_acc;

static int trace_sink(void *ctx, const char *line, size_t len) {
  trace_acc *a = ctx;
  int summary = len < 6 || strncmp(line, "{\"pc\":", 6); /* instruction lines start with pc */
  if (!summary && a->kept >= a->limit) {
    a->omitted++;
    return 0;
  }
  json_t *o = json_loadb(line, len, 0, NULL);
  if (!o) {
    a->bad = 1;
    return 1;
  }
  if (summary && a->omitted) json_array_append_new(a->lines, json_pack("{s:I}", "omitted", (json_int_t)a->omitted));
  if (!summary) a->kept++;
  json_array_append_new(a->lines, o);
  return 0;
}

static json_t *m_trace(dvm_node *n, json_t *p, node_rpc_err *e) {
  uint8_t id[32];
  trace_acc a = {NULL, 10000, 0, 0, 0};
  char err[256] = "";
  if (node_param_addr(p, "id", 1, id, e) || node_param_u64(p, "limit", 0, &a.limit, e) < 0) return NULL;
  if (a.limit > 1000000) return node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.limit: at most 1000000");
  a.lines = json_array();
  int rc = dvm_rt_chain_trace_tx(n->chain, id, trace_sink, &a, err);
  if (rc == DVM_RT_ERR_NOTFOUND) {
    json_decref(a.lines);
    return node_rpc_error(e, DVM_NODE_RPC_NOT_FOUND, "no committed transaction with this id");
  }
  if (rc || a.bad) {
    json_decref(a.lines);
    return node_rpc_error(e, DVM_NODE_RPC_INTERNAL, "trace: %s", rc ? (*err ? err : dvm_rt_strerror(rc)) : "a line is not JSON");
  }
  return a.lines;
}

/* ---- dispatch ---- */

typedef json_t *(*method_fn)(dvm_node *, json_t *, node_rpc_err *);
static const struct {
  const char *name;
  method_fn fn;
} methods[] = {
  {"dvm_sendTransaction", node_m_send}, {"dvm_simulate", node_m_simulate}, {"dvm_getBalance", m_balance},
  {"dvm_getNonce", m_nonce}, {"dvm_getStorage", m_storage}, {"dvm_getBlockByHeight", m_block_height},
  {"dvm_getBlockByHash", m_block_hash}, {"dvm_getReceipt", m_receipt}, {"dvm_head", m_head},
  {"dvm_getAssets", m_assets}, {"dvm_getOraclePrice", m_oracle}, {"dvm_getContract", m_contract},
  {"dvm_traceTransaction", m_trace}, {"dvm_mine", node_m_mine},
};

static json_t *error_obj(json_t *id, int code, const char *msg, json_t *data) {
  json_t *err = json_pack("{s:i,s:s}", "code", code, "message", msg);
  if (data) json_object_set_new(err, "data", data);
  return json_pack("{s:s,s:o,s:o}", "jsonrpc", "2.0", "id", id ? json_incref(id) : json_null(), "error", err);
}

/* One request object: its response, or NULL for a notification. */
static json_t *handle_one(dvm_node *n, json_t *req) {
  json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;
  if (!json_is_object(req)) return error_obj(NULL, DVM_NODE_RPC_INVALID_REQUEST, "invalid request: not an object", NULL);
  json_t *ver = json_object_get(req, "jsonrpc"), *m = json_object_get(req, "method"), *p = json_object_get(req, "params");
  if (id && !json_is_string(id) && !json_is_integer(id) && !json_is_null(id))
    return error_obj(NULL, DVM_NODE_RPC_INVALID_REQUEST, "invalid request: id must be a string, an integer or null", NULL);
  if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0"))
    return error_obj(id, DVM_NODE_RPC_INVALID_REQUEST, "invalid request: \"jsonrpc\" must be \"2.0\"", NULL);
  if (!json_is_string(m)) return error_obj(id, DVM_NODE_RPC_INVALID_REQUEST, "invalid request: no method", NULL);
  const char *k;
  json_t *v;
  json_object_foreach(req, k, v) {
    if (strcmp(k, "jsonrpc") && strcmp(k, "method") && strcmp(k, "params") && strcmp(k, "id"))
      return error_obj(id, DVM_NODE_RPC_INVALID_REQUEST, "invalid request: unknown member", NULL);
  }
  method_fn fn = NULL;
  for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
    if (!strcmp(methods[i].name, json_string_value(m))) fn = methods[i].fn;
  json_t *result = NULL, *resp;
  node_rpc_err e = {0, "", NULL};
  if (!fn) {
    node_rpc_error(&e, DVM_NODE_RPC_NO_METHOD, "method not found: %.64s", json_string_value(m));
  } else if (p && !json_is_object(p)) {
    node_rpc_error(&e, DVM_NODE_RPC_INVALID_PARAMS, "params: must be an object (named parameters)");
  } else {
    json_t *empty = p ? NULL : json_object();
    result = fn(n, p ? p : empty, &e);
    json_decref(empty);
    if (!result && !e.code) node_rpc_error(&e, DVM_NODE_RPC_INTERNAL, "internal error");
  }
  if (!id) { /* a notification: no response */
    json_decref(result);
    json_decref(e.data);
    return NULL;
  }
  if (result) resp = json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id, "result", result);
  else resp = error_obj(id, e.code, e.msg, e.data);
  return resp;
}

char *dvm_node_rpc(dvm_node *n, const char *body, size_t len) {
  json_error_t je;
  json_t *req = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je), *resp = NULL;
  if (!req) {
    char msg[300];
    snprintf(msg, sizeof msg, "parse error: line %d column %d: %s", je.line, je.column, je.text);
    resp = error_obj(NULL, DVM_NODE_RPC_PARSE, msg, NULL);
  } else if (json_is_array(req)) {
    size_t cnt = json_array_size(req);
    if (cnt == 0) resp = error_obj(NULL, DVM_NODE_RPC_INVALID_REQUEST, "invalid request: empty batch", NULL);
    else if (cnt > DVM_NODE_MAX_BATCH) {
      char msg[100];
      snprintf(msg, sizeof msg, "batch of %zu requests: at most %u", cnt, DVM_NODE_MAX_BATCH);
      resp = error_obj(NULL, DVM_NODE_RPC_BATCH_TOO_LARGE, msg, NULL);
    } else {
      resp = json_array();
      for (size_t i = 0; i < cnt; i++) {
        json_t *r = handle_one(n, json_array_get(req, i));
        if (r) json_array_append_new(resp, r);
      }
      if (json_array_size(resp) == 0) {
        json_decref(resp);
        resp = NULL;
      }
    }
  } else {
    resp = handle_one(n, req);
  }
  json_decref(req);
  if (!resp) return NULL;
  char *out = json_dumps(resp, JSON_COMPACT);
  json_decref(resp);
  return out;
}
