/* optkit.c — see optkit.h. */
#include "optkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "optkit: %s\n", what);
  abort();
}

void ok_open(ok_chain *o) {
  char e[256];
  memset(o, 0, sizeof *o);
  for (uint32_t i = 0; i < OK_KEYS; i++) ck_key_make(&o->k[i], i);
  o->genesis = ck_genesis(o->k, OK_KEYS);
  snprintf(o->dir, sizeof o->dir, "/tmp/dvm-opt-XXXXXX");
  if (!mkdtemp(o->dir)) die("mkdtemp");
  dvm_rt_chain_opts opts = {0, 1, 0};
  if (dvm_rt_chain_open(o->dir, &opts, &o->c, e)) die(e);
  if (dvm_rt_chain_genesis(o->c, o->genesis, strlen(o->genesis))) die("genesis");
  o->time = OK_T0;
}

void ok_close(ok_chain *o) {
  char cmd[128];
  dvm_rt_chain_close(o->c);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", o->dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", o->dir);
  for (size_t i = 0; i < o->npend; i++) free(o->pend[i].bytes);
  free(o->pend);
  free(o->genesis);
}

uint8_t *ok_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)n + 1);
  if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) die("read");
  fclose(f);
  *len = (size_t)n;
  return b;
}

static ck_tx *next_slot(ok_chain *o) {
  if (o->npend == o->cap) {
    o->cap = o->cap ? 2 * o->cap : 64;
    o->pend = realloc(o->pend, o->cap * sizeof *o->pend);
    if (!o->pend) die("oom");
  }
  return &o->pend[o->npend++];
}

static void head(ok_chain *o, dvm_tx *tx, int key, uint8_t kind, uint64_t gas_limit) {
  memset(tx, 0, sizeof *tx);
  tx->version = DVM_TX_VERSION;
  tx->kind = kind;
  tx->chain_id_len = 8;
  memcpy(tx->chain_id, "dvm-test", 8);
  memcpy(tx->sender, o->k[key].pk, 32);
  tx->nonce = o->nonce[key]++;
  tx->gas_limit = gas_limit;
  tx->gas_price = 1;
}

static size_t sign(ok_chain *o, dvm_tx *tx, int key) {
  ck_tx *t = next_slot(o);
  if (dvm_tx_encode_signed(tx, o->k[key].sk, &t->bytes, &t->len)) die("encode");
  memcpy(t->id, tx->id, 32);
  return o->npend - 1;
}

void ok_deploy(ok_chain *o, int key, const char *path, const uint8_t *init, uint32_t init_len, uint8_t out[32]) {
  size_t len;
  uint8_t *code = ok_read_file(path, &len);
  dvm_tx tx;
  dvm_tx_contract_address(o->k[key].pk, o->nonce[key], out);
  head(o, &tx, key, DVM_TX_DEPLOY, 200000000);
  tx.u.deploy.code = code;
  tx.u.deploy.code_len = (uint32_t)len;
  tx.u.deploy.init_input = init;
  tx.u.deploy.init_input_len = init_len;
  tx.u.deploy.init_gas = 1000000;
  size_t at = sign(o, &tx, key);
  uint8_t id[32];
  memcpy(id, o->pend[at].id, 32);
  ok_block(o, o->time + 1, NULL);
  ok_receipt r;
  ok_receipt_get(o, id, &r);
  if (r.r.status != DVM_RT_CALL_OK || !r.r.has_contract) die("deploy failed");
  ok_receipt_free(&r);
  free(code);
}

size_t ok_calls(ok_chain *o, int key, const ok_call *calls, size_t n) {
  dvm_tx tx;
  dvm_tx_call *cl = calloc(n, sizeof *cl);
  uint64_t total = 0;
  if (!cl) die("oom");
  for (size_t i = 0; i < n; i++) {
    memcpy(cl[i].contract, calls[i].contract, 32);
    cl[i].method = calls[i].method;
    cl[i].method_len = (uint8_t)strlen(calls[i].method);
    cl[i].input = calls[i].input;
    cl[i].input_len = calls[i].input_len;
    cl[i].gas_limit = calls[i].gas ? calls[i].gas : 2000000;
    total += cl[i].gas_limit;
    for (int a = 0; a < 2; a++)
      if (calls[i].amount[a]) {
        cl[i].assets[cl[i].asset_count].asset = calls[i].asset[a];
        cl[i].assets[cl[i].asset_count].amount = calls[i].amount[a];
        cl[i].asset_count++;
      }
  }
  head(o, &tx, key, DVM_TX_CALL, total + 100000 + 2000 * n);
  tx.u.call.count = (uint16_t)n;
  tx.u.call.calls = cl;
  size_t at = sign(o, &tx, key);
  free(cl);
  return at;
}

size_t ok_call1(ok_chain *o, int key, const uint8_t *contract, const char *method, const uint8_t *in, uint32_t ilen,
                uint32_t asset, uint64_t amount) {
  ok_call c = {contract, method, in, ilen, {asset, 0}, {amount, 0}, 0};
  return ok_calls(o, key, &c, 1);
}

size_t ok_transfer(ok_chain *o, int key, const uint8_t to[32], uint32_t asset, uint64_t amount) {
  dvm_tx tx;
  head(o, &tx, key, DVM_TX_TRANSFER, 100000);
  memcpy(tx.u.transfer.to, to, 32);
  tx.u.transfer.asset = asset;
  tx.u.transfer.amount = amount;
  return sign(o, &tx, key);
}

size_t ok_oracle(ok_chain *o, uint32_t feed, int64_t price, uint64_t publish_time) {
  dvm_tx tx;
  dvm_tx_oracle e = {feed, price, publish_time};
  head(o, &tx, 0, DVM_TX_SYSTEM, 100000);
  tx.u.sys.sys_kind = DVM_SYS_ORACLE;
  tx.u.sys.count = 1;
  tx.u.sys.oracle = &e;
  return sign(o, &tx, 0);
}

size_t ok_param(ok_chain *o, int key, const void *k, uint8_t klen, const void *v, uint16_t vlen) {
  dvm_tx tx;
  dvm_tx_param e = {k, klen, v, vlen};
  head(o, &tx, key, DVM_TX_SYSTEM, 100000);
  tx.u.sys.sys_kind = DVM_SYS_PARAM;
  tx.u.sys.count = 1;
  tx.u.sys.params = &e;
  return sign(o, &tx, key);
}

void ok_block(ok_chain *o, uint64_t time, uint8_t (*ids)[32]) {
  int *rej = calloc(o->npend ? o->npend : 1, sizeof *rej);
  dvm_rt_block_info info;
  if (!rej) die("oom");
  if (time < o->time) time = o->time;
  int rc = ck_block(o->c, o->pend, o->npend, time, rej, &info);
  if (rc) {
    fprintf(stderr, "produce: %s: %s\n", dvm_rt_strerror(rc), dvm_rt_chain_errmsg(o->c));
    die("block");
  }
  for (size_t i = 0; i < o->npend; i++) {
    if (rej[i]) {
      fprintf(stderr, "transaction %zu left out: %s\n", i, dvm_rt_strerror(rej[i]));
      die("block");
    }
    if (ids) memcpy(ids[i], o->pend[i].id, 32);
    free(o->pend[i].bytes);
  }
  o->npend = 0;
  o->time = time;
  free(rej);
}

void ok_receipt_get(ok_chain *o, const uint8_t id[32], ok_receipt *r) { ck_receipt(o->c, id, &r->r, &r->raw); }
void ok_receipt_free(ok_receipt *r) {
  dvm_rt_receipt_free(&r->r);
  free(r->raw);
}

int ok_view(ok_chain *o, int key, const uint8_t *contract, const char *method, const uint8_t *in, uint32_t ilen,
            uint8_t *out, uint32_t cap, uint32_t *out_len, uint64_t *gas) {
  uint8_t *sim;
  size_t simlen;
  dvm_rt_receipt r;
  if (dvm_rt_chain_simulate(o->c, o->k[key].pk, contract, method, in, ilen, 5000000, &sim, &simlen)) die("simulate");
  if (dvm_rt_receipt_decode(sim, simlen, &r)) die("simulate receipt");
  int st = r.calls[0].status;
  uint32_t n = r.calls[0].ret_len < cap ? r.calls[0].ret_len : cap;
  if (out && n) memcpy(out, r.calls[0].ret, n);
  if (out_len) *out_len = r.calls[0].ret_len;
  if (gas) *gas = r.calls[0].gas_used;
  dvm_rt_receipt_free(&r);
  free(sim);
  return st;
}

uint64_t ok_bal(ok_chain *o, const uint8_t addr[32], uint32_t asset) {
  uint64_t v = 0;
  dvm_rt_chain_balance(o->c, addr, asset, &v);
  return v;
}

void pk_u8(ok_pack *p, uint8_t v) { p->b[p->n++] = v; }
void pk_u32(ok_pack *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p->b[p->n++] = (uint8_t)(v >> (8 * i));
}
void pk_u64(ok_pack *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p->b[p->n++] = (uint8_t)(v >> (8 * i));
}
void pk_addr(ok_pack *p, const uint8_t a[32]) {
  memcpy(p->b + p->n, a, 32);
  p->n += 32;
}
uint64_t ld_u64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
uint32_t ld_u32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
