/* chainkit.c — see chainkit.h. */
#include "chainkit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"

#define CK_CHAIN "dvm-test"

static void die(const char *what) {
  fprintf(stderr, "chainkit: %s\n", what);
  abort();
}

void ck_key_make(ck_key *k, uint32_t n) {
  uint8_t seed[32] = {0};
  if (sodium_init() < 0) die("sodium_init");
  memcpy(seed, &n, sizeof n);
  crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

char *ck_genesis(const ck_key *keys, size_t n) {
  size_t cap = 1024 + n * 400;
  char *j = malloc(cap), hex[65];
  size_t at = 0;
  if (!j) die("oom");
  at += (size_t)snprintf(j + at, cap - at,
                         "{\"chain_id\":\"" CK_CHAIN "\",\"time\":1700000000,\"assets\":["
                         "{\"id\":0,\"symbol\":\"GAS\",\"decimals\":9},"
                         "{\"id\":1,\"symbol\":\"USD\",\"decimals\":6},"
                         "{\"id\":2,\"symbol\":\"BTC\",\"decimals\":8}],\"balances\":[");
  for (size_t i = 0; i < n; i++) {
    dvm_hex_encode(keys[i].pk, 32, hex);
    for (int a = 0; a < 3; a++)
      at += (size_t)snprintf(j + at, cap - at, "%s{\"address\":\"%s\",\"asset\":%d,\"amount\":\"1000000000000000\"}",
                             i || a ? "," : "", hex, a);
  }
  dvm_hex_encode(keys[0].pk, 32, hex);
  at += (size_t)snprintf(j + at, cap - at, "],\"authorities\":[\"%s\"]}", hex);
  return j;
}

char *ck_genesis_gas(const ck_key *keys, size_t n, uint64_t block_gas_limit, uint64_t min_gas_price) {
  char *j = ck_genesis(keys, n);
  size_t at = strlen(j);
  char *g = realloc(j, at + 128);
  if (!g) die("oom");
  snprintf(g + at - 1, 129, ",\"block_gas_limit\":\"%" PRIu64 "\",\"min_gas_price\":\"%" PRIu64 "\"}",
           block_gas_limit, min_gas_price);
  return g;
}

static void head(dvm_tx *tx, const ck_key *from, uint64_t nonce, uint8_t kind, uint64_t gas_limit) {
  memset(tx, 0, sizeof *tx);
  tx->version = DVM_TX_VERSION;
  tx->kind = kind;
  tx->chain_id_len = (uint8_t)strlen(CK_CHAIN);
  memcpy(tx->chain_id, CK_CHAIN, tx->chain_id_len);
  memcpy(tx->sender, from->pk, 32);
  tx->nonce = nonce;
  tx->gas_limit = gas_limit;
  tx->gas_price = 1;
}

static void sign(ck_tx *t, dvm_tx *tx, const ck_key *from) {
  if (dvm_tx_encode_signed(tx, from->sk, &t->bytes, &t->len)) die("encode");
  memcpy(t->id, tx->id, 32);
}

void ck_transfer(ck_tx *t, const ck_key *from, uint64_t nonce, const uint8_t to[32], uint32_t asset,
                 uint64_t amount, uint64_t gas_limit) {
  dvm_tx tx;
  head(&tx, from, nonce, DVM_TX_TRANSFER, gas_limit);
  memcpy(tx.u.transfer.to, to, 32);
  tx.u.transfer.asset = asset;
  tx.u.transfer.amount = amount;
  sign(t, &tx, from);
}

void ck_deploy(ck_tx *t, const ck_key *from, uint64_t nonce, const uint8_t *code, size_t code_len,
               uint64_t init_gas, uint64_t gas_limit) {
  dvm_tx tx;
  head(&tx, from, nonce, DVM_TX_DEPLOY, gas_limit);
  tx.u.deploy.code = code;
  tx.u.deploy.code_len = (uint32_t)code_len;
  tx.u.deploy.init_gas = init_gas;
  sign(t, &tx, from);
}

void ck_calls(ck_tx *t, const ck_key *from, uint64_t nonce, const ck_call *calls, size_t n,
              uint64_t gas_limit) {
  dvm_tx tx;
  dvm_tx_call *cl = calloc(n, sizeof *cl);
  if (!cl) die("oom");
  head(&tx, from, nonce, DVM_TX_CALL, gas_limit);
  for (size_t i = 0; i < n; i++) {
    memcpy(cl[i].contract, calls[i].contract, 32);
    cl[i].method = calls[i].method;
    cl[i].method_len = (uint8_t)strlen(calls[i].method);
    cl[i].input = calls[i].input;
    cl[i].input_len = calls[i].input_len;
    cl[i].gas_limit = calls[i].gas;
    if (calls[i].amount) {
      cl[i].asset_count = 1;
      cl[i].assets[0].asset = calls[i].asset;
      cl[i].assets[0].amount = calls[i].amount;
    }
  }
  tx.u.call.count = (uint16_t)n;
  tx.u.call.calls = cl;
  sign(t, &tx, from);
  free(cl);
}

void ck_oracle(ck_tx *t, const ck_key *from, uint64_t nonce, uint32_t feed, int64_t price,
               uint64_t publish_time, uint64_t gas_limit) {
  dvm_tx tx;
  dvm_tx_oracle o = {feed, price, publish_time};
  head(&tx, from, nonce, DVM_TX_SYSTEM, gas_limit);
  tx.u.sys.sys_kind = DVM_SYS_ORACLE;
  tx.u.sys.count = 1;
  tx.u.sys.oracle = &o;
  sign(t, &tx, from);
}

uint8_t *ck_assemble(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *text;
  long n;
  dvm_asm_output o;
  char *diag = NULL;
  uint8_t *bytes;
  if (!f) die(path);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = malloc((size_t)n + 1);
  if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) die("read");
  fclose(f);
  if (dvm_asm_assemble(path, text, (size_t)n, dvm_rt_syscalls(), &o, &diag)) {
    fprintf(stderr, "%s", diag ? diag : "");
    die("assembly failed");
  }
  free(diag);
  free(text);
  if (dvm_asm_output_write(&o, &bytes, len)) die("container");
  dvm_asm_output_free(&o);
  return bytes;
}

int ck_block(dvm_rt_chain *c, ck_tx *txs, size_t n, uint64_t time, int *rejected,
             dvm_rt_block_info *info) {
  const uint8_t **b = calloc(n ? n : 1, sizeof *b);
  size_t *l = calloc(n ? n : 1, sizeof *l);
  if (!b || !l) die("oom");
  for (size_t i = 0; i < n; i++) {
    b[i] = txs[i].bytes;
    l[i] = txs[i].len;
  }
  int rc = dvm_rt_chain_produce(c, b, l, n, time, rejected, info, NULL, NULL);
  free(b);
  free(l);
  return rc;
}

void ck_receipt(dvm_rt_chain *c, const uint8_t id[32], dvm_rt_receipt *r, uint8_t **raw) {
  size_t len;
  if (dvm_rt_chain_receipt(c, id, raw, &len)) die("no receipt");
  if (dvm_rt_receipt_decode(*raw, len, r)) die("receipt does not decode");
}
