/* cmd_demo_chain.c — the chain driver of `dvm demo` (cmd_demo.h): the node
 * library in-process, driven through its JSON-RPC methods exactly as the
 * client commands drive it (dvm_sendTransaction with a deploy's ABI,
 * dvm_mine, dvm_getReceipt, dvm_simulate by method name), transactions
 * signed per account, calls packed from JSON by the contracts' ABIs. */
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "cli_util.h"
#include "cmd_demo.h"

void demo_die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "dvm demo: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

json_t *demo_rpc(demo *d, const char *method, json_t *params, json_t **error) {
  json_t *req = json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", 1, "method", method, "params",
                          params ? params : json_object());
  char *body = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  char *resp = body ? dvm_node_rpc(d->n, body, strlen(body)) : NULL;
  free(body);
  json_t *r = resp ? json_loads(resp, 0, NULL) : NULL;
  free(resp);
  if (!r) demo_die("%s: no response", method);
  json_t *err = json_object_get(r, "error"), *res = json_object_get(r, "result");
  if (err) {
    if (!error) demo_die("%s: error %" JSON_INTEGER_FORMAT ": %s", method, json_integer_value(json_object_get(err, "code")),
                         json_string_value(json_object_get(err, "message")));
    *error = json_incref(err);
    json_decref(r);
    return NULL;
  }
  json_incref(res);
  json_decref(r);
  return res;
}

void demo_key_derive(uint64_t seed, uint32_t index, dvm_node_key *k) {
  static const char dom[] = "DVM/demo-key/v1";
  uint8_t in[sizeof dom - 1 + 12], s[32];
  memcpy(in, dom, sizeof dom - 1);
  dvm_le_put64(in + sizeof dom - 1, seed);
  dvm_le_put32(in + sizeof dom - 1 + 8, index);
  crypto_generichash(s, 32, in, sizeof in, NULL, 0);
  dvm_node_key_from_seed(k, s);
}

int demo_acct_add(demo *d, const char *name, int role, const dvm_node_key *k) {
  if (d->nacct == DEMO_MAX_ACCTS) demo_die("too many accounts");
  demo_acct *a = &d->acct[d->nacct];
  memset(a, 0, sizeof *a);
  snprintf(a->name, sizeof a->name, "%s", name);
  a->role = role;
  a->k = *k;
  dvm_hex_encode(k->pk, 32, a->hex);
  json_t *r = demo_rpc(d, "dvm_getNonce", json_pack("{s:s}", "address", a->hex), NULL);
  a->nonce = (uint64_t)json_integer_value(json_object_get(r, "nonce"));
  json_decref(r);
  return d->nacct++;
}

void demo_contract_load(demo *d, demo_contract *c, const char *name, uint8_t **code, size_t *len) {
  char path[4096], err[512];
  json_error_t je;
  c->name = name;
  snprintf(path, sizeof path, "%s/%s.dvm", d->contracts, name);
  if (dvm_buf_read_file(path, code, len)) demo_die("%s: cannot read (build the contracts, or give --contracts DIR)", path);
  /* the ABI: beside the .dvm, else in the source tree the build came from */
  snprintf(path, sizeof path, "%s/%s.abi.json", d->contracts, name);
  if (!(c->abi_json = json_load_file(path, JSON_REJECT_DUPLICATES, &je))) {
    snprintf(path, sizeof path, "%s/%s/%s.abi.json", DVM_DEMO_SOURCE_CONTRACTS, name, name);
    if (!(c->abi_json = json_load_file(path, JSON_REJECT_DUPLICATES, &je))) demo_die("%s: %s", path, je.text);
  }
  if (dvm_node_abi_parse_json(c->abi_json, &c->abi, err, sizeof err)) demo_die("%s: %s", path, err);
}

void demo_submit(demo *d, int acct, dvm_tx *tx, json_t *abi, int tag) {
  demo_acct *a = &d->acct[acct];
  uint8_t *enc;
  size_t len;
  tx->version = DVM_TX_VERSION;
  tx->chain_id_len = (uint8_t)strlen(d->chain_id);
  memcpy(tx->chain_id, d->chain_id, tx->chain_id_len + 1);
  memcpy(tx->sender, a->k.pk, 32);
  tx->nonce = a->nonce;
  tx->gas_price = d->gas_price;
  if (dvm_tx_encode_signed(tx, a->k.sk, &enc, &len)) demo_die("a transaction of %s does not encode", a->name);
  char *hex = malloc(2 * len + 1);
  dvm_hex_encode(enc, len, hex);
  free(enc);
  json_t *p = json_pack("{s:s}", "tx", hex);
  free(hex);
  if (abi) json_object_set(p, "abi", abi);
  json_t *r = demo_rpc(d, "dvm_sendTransaction", p, NULL);
  if (d->npend == DEMO_MAX_PENDING) demo_die("too many transactions in one block");
  demo_pending *pd = &d->pend[d->npend++];
  const char *id = json_string_value(json_object_get(r, "id"));
  if (!id || strlen(id) != 64 || dvm_hex_decode(id, pd->id, 32)) demo_die("sendTransaction: no id");
  pd->acct = acct;
  pd->tag = tag;
  json_decref(r);
  a->nonce++;
  d->st.txs++;
}

void demo_transfer(demo *d, int from, int to, uint32_t asset, uint64_t amount) {
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_TRANSFER;
  memcpy(tx.u.transfer.to, d->acct[to].k.pk, 32);
  tx.u.transfer.asset = asset;
  tx.u.transfer.amount = amount;
  tx.gas_limit = 100000;
  demo_submit(d, from, &tx, NULL, 0);
}

void demo_deploy(demo *d, int from, demo_contract *c, json_t *init_args) {
  uint8_t *code, *in = NULL;
  size_t len, inlen = 0;
  char err[512];
  demo_contract_load(d, c, c->name, &code, &len);
  if (init_args) {
    const dvm_node_abi_method *m = dvm_node_abi_method_find(c->abi, "init");
    if (!m || dvm_node_abi_encode(m->args, m->nargs, init_args, &in, &inlen, err, sizeof err))
      demo_die("%s init: %s", c->name, m ? err : "no init method in the ABI");
    json_decref(init_args);
  }
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_DEPLOY;
  tx.u.deploy.code = code;
  tx.u.deploy.code_len = (uint32_t)len;
  tx.u.deploy.init_input = in;
  tx.u.deploy.init_input_len = (uint32_t)inlen;
  tx.u.deploy.init_gas = 2000000;
  tx.gas_limit = tx.u.deploy.init_gas + 60u * len + 8u * inlen + 100000u;
  dvm_tx_contract_address(d->acct[from].k.pk, d->acct[from].nonce, c->addr);
  dvm_hex_encode(c->addr, 32, c->hex);
  demo_submit(d, from, &tx, c->abi_json, 0);
  free(code);
  free(in);
}

static int oracle_acct(demo *d) {
  for (int i = 0; i < d->nacct; i++)
    if (d->acct[i].role == R_ORACLE) return i;
  demo_die("no oracle account");
}

void demo_oracle(demo *d, int64_t price) {
  dvm_tx_oracle u = {DEMO_FEED, price, d->time};
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_SYSTEM;
  tx.u.sys.sys_kind = DVM_SYS_ORACLE;
  tx.u.sys.count = 1;
  tx.u.sys.oracle = &u;
  tx.gas_limit = 100000;
  demo_submit(d, oracle_acct(d), &tx, NULL, 0);
}

void demo_param(demo *d, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen) {
  dvm_tx_param pm = {key, (uint8_t)klen, val, (uint16_t)vlen};
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_SYSTEM;
  tx.u.sys.sys_kind = DVM_SYS_PARAM;
  tx.u.sys.count = 1;
  tx.u.sys.params = &pm;
  tx.gas_limit = 100000;
  demo_submit(d, oracle_acct(d), &tx, NULL, 0);
}

void demo_b_add(demo *d, demo_batch *b, demo_contract *c, const char *method, json_t *args, uint32_t asset,
                uint64_t amount, uint64_t gas) {
  char err[512];
  size_t len;
  if (b->n == DEMO_MAX_CALLS) demo_die("batch full");
  const dvm_node_abi_method *m = dvm_node_abi_method_find(c->abi, method);
  if (!m) demo_die("%s has no method %s", c->name, method);
  dvm_tx_call *k = &b->calls[b->n];
  memset(k, 0, sizeof *k);
  if (dvm_node_abi_encode(m->args, m->nargs, args, &b->inputs[b->n], &len, err, sizeof err))
    demo_die("%s.%s: %s", c->name, method, err);
  json_decref(args);
  snprintf(b->methods[b->n], sizeof b->methods[b->n], "%s", method);
  if (!strcmp(method, "place_order")) d->st.orders++;
  if (!strcmp(method, "cancel")) d->st.cancels++;
  memcpy(k->contract, c->addr, 32);
  k->method = b->methods[b->n];
  k->method_len = (uint8_t)strlen(method);
  k->input = b->inputs[b->n];
  k->input_len = (uint32_t)len;
  k->gas_limit = gas;
  if (amount) {
    k->asset_count = 1;
    k->assets[0].asset = asset;
    k->assets[0].amount = amount;
  }
  b->n++;
}

void demo_b_send(demo *d, demo_batch *b, int acct, int tag) {
  if (!b->n) return;
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_CALL;
  tx.u.call.count = (uint16_t)b->n;
  tx.u.call.calls = b->calls;
  tx.gas_limit = 20000 + 600u * b->n; /* G_TX_BASE and more, spec/tx.md §9 */
  for (size_t i = 0; i < b->n; i++) tx.gas_limit += b->calls[i].gas_limit + 8u * (b->calls[i].input_len + 120u);
  demo_submit(d, acct, &tx, NULL, tag);
  d->st.calls += b->n;
  for (size_t i = 0; i < b->n; i++) free(b->inputs[i]);
  b->n = 0;
}

void demo_mine(demo *d, uint64_t dt, demo_receipt_fn each) {
  d->time += dt;
  /* A block gas limit (or the block size) may leave some for later blocks
   * at the same time: mine until nothing is pending. */
  for (int round = 0;; round++) {
    json_t *m = demo_rpc(d, "dvm_mine", json_pack("{s:I}", "time", (json_int_t)d->time), NULL);
    json_decref(m);
    d->st.blocks++;
    json_t *h = demo_rpc(d, "dvm_head", NULL, NULL);
    json_int_t pending = json_integer_value(json_object_get(h, "pending"));
    json_decref(h);
    if (!pending) break;
    if (round == 64) demo_die("%" JSON_INTEGER_FORMAT " transactions stay pending", pending);
  }
  for (int i = 0; i < d->npend; i++) {
    char hex[65];
    dvm_hex_encode(d->pend[i].id, 32, hex);
    json_t *err = NULL, *r = demo_rpc(d, "dvm_getReceipt", json_pack("{s:s}", "id", hex), &err);
    if (!r) demo_die("transaction %s of %s was not included: %s", hex, d->acct[d->pend[i].acct].name,
                     json_string_value(json_object_get(err, "message")));
    json_t *calls = json_object_get(r, "calls"), *c;
    size_t k;
    json_array_foreach(calls, k, c) {
      if (strcmp(json_string_value(json_object_get(c, "status")), "ok")) {
        d->st.calls_failed++;
        if (d->verbose)
          fprintf(stderr, "  [%s] %s: %s %s\n", d->acct[d->pend[i].acct].name,
                  json_string_value(json_object_get(c, "method")) ? json_string_value(json_object_get(c, "method")) : "?",
                  json_string_value(json_object_get(c, "status")),
                  json_string_value(json_object_get(c, "revert")) ? json_string_value(json_object_get(c, "revert")) : "");
      }
    }
    if (each) each(d, &d->pend[i], r);
    json_decref(r);
  }
  d->npend = 0;
}

json_t *demo_view(demo *d, demo_contract *c, const char *method, json_t *args) {
  json_t *err = NULL;
  json_t *r = demo_rpc(d, "dvm_simulate", json_pack("{s:s,s:s,s:o}", "contract", c->hex, "method", method, "args", args), &err);
  json_decref(err);
  if (!r) return NULL;
  json_t *dec = json_incref(json_object_get(r, "decoded"));
  int ok = !strcmp(json_string_value(json_object_get(r, "status")), "ok");
  json_decref(r);
  if (!ok) {
    json_decref(dec);
    return NULL;
  }
  return dec;
}

int64_t demo_jint(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  if (json_is_integer(v)) return (int64_t)json_integer_value(v);
  if (json_is_string(v)) return (int64_t)strtoll(json_string_value(v), NULL, 10);
  return 0;
}

int64_t demo_jfx(json_t *o, const char *key) {
  int64_t v = 0;
  json_t *s = json_object_get(o, key);
  if (json_is_string(s)) dvm_node_fx_parse(json_string_value(s), &v);
  else if (json_is_integer(s)) v = (int64_t)json_integer_value(s) * DEMO_FX;
  return v;
}

uint64_t demo_rand(demo *d, uint64_t n) {
  /* xorshift64*: the session's only randomness, seeded */
  d->rng ^= d->rng >> 12;
  d->rng ^= d->rng << 25;
  d->rng ^= d->rng >> 27;
  return n ? (d->rng * 2685821657736338717ull >> 11) % n : 0;
}

void demo_fx_text(int64_t v, int decimals, char *out, size_t cap) {
  /* v scaled by 10^decimals, printed with thousands separators and 2 places */
  int neg = v < 0;
  uint64_t u = neg ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, scale = 1;
  for (int i = 0; i < decimals; i++) scale *= 10;
  uint64_t whole = u / scale, frac = decimals >= 2 ? (u % scale) / (scale / 100) : 0;
  char w[32], g[48];
  snprintf(w, sizeof w, "%" PRIu64, whole);
  size_t n = strlen(w), j = 0;
  for (size_t i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) g[j++] = ',';
    g[j++] = w[i];
  }
  g[j] = 0;
  if (decimals >= 2) snprintf(out, cap, "%s%s.%02" PRIu64, neg ? "-" : "", g, frac);
  else snprintf(out, cap, "%s%s", neg ? "-" : "", g);
}
