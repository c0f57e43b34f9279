/* tx_test.h — a minimal check harness and deterministic fixtures for the
 * tests of tx/tx.h (spec/tx.md). Header-only: each test is one .c. */
#ifndef DVM_TESTS_TX_TEST_H
#define DVM_TESTS_TX_TEST_H

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"

static int g_checks, g_failures;

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    g_checks++;                                                                                    \
    if (!(cond)) {                                                                                 \
      g_failures++;                                                                                \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);                    \
    }                                                                                              \
  } while (0)

#define CHECK_EQ(a, b)                                                                             \
  do {                                                                                             \
    long long a_ = (long long)(a), b_ = (long long)(b);                                            \
    g_checks++;                                                                                    \
    if (a_ != b_) {                                                                                \
      g_failures++;                                                                                \
      fprintf(stderr, "%s:%d: CHECK_EQ failed: %s = %lld, %s = %lld\n", __FILE__, __LINE__, #a,   \
              a_, #b, b_);                                                                         \
    }                                                                                              \
  } while (0)

/* err must contain the substring want. */
#define CHECK_MSG(err, want)                                                                       \
  do {                                                                                             \
    g_checks++;                                                                                    \
    if (!strstr((err), (want))) {                                                                  \
      g_failures++;                                                                                \
      fprintf(stderr, "%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, (err), (want));  \
    }                                                                                              \
  } while (0)

static inline int test_report(const char *name) {
  printf("%s: %d checks, %d failures\n", name, g_checks, g_failures);
  return g_failures ? 1 : 0;
}

/* Keys from fixed seeds: key k has seed bytes all equal to k. */
typedef struct test_key {
  uint8_t pk[32], sk[64];
} test_key;

static inline test_key test_key_make(uint8_t k) {
  test_key key;
  uint8_t seed[32];
  memset(seed, k, sizeof seed);
  if (sodium_init() < 0) abort();
  crypto_sign_seed_keypair(key.pk, key.sk, seed);
  return key;
}

/* A transaction with the common fields set. */
static inline dvm_tx test_tx_base(const test_key *key, uint8_t kind, uint64_t nonce) {
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.version = DVM_TX_VERSION;
  tx.kind = kind;
  strcpy(tx.chain_id, "dvm-test-1");
  tx.chain_id_len = (uint8_t)strlen(tx.chain_id);
  memcpy(tx.sender, key->pk, 32);
  tx.nonce = nonce;
  tx.gas_limit = 1000000;
  tx.gas_price = 2;
  return tx;
}

/* Storage behind the borrowed pointers of the sample transactions. */
typedef struct test_store {
  dvm_tx_call calls[16];
  dvm_tx_oracle oracle[4];
  dvm_tx_param params[3];
  uint8_t code[40];
  uint8_t input[16];
} test_store;

/* Sample i of each kind (0 transfer, 1 deploy, 2 call batch of 16 with
 * assets, 3 oracle, 4 param). */
static inline dvm_tx test_tx_sample(const test_key *key, int which, test_store *s) {
  static const char *const keys[3] = {"btc.im", "btc.mm", "eth.im"};
  dvm_tx tx;
  memset(s, 0, sizeof *s);
  for (unsigned i = 0; i < sizeof s->code; i++) s->code[i] = (uint8_t)(i * 7);
  for (unsigned i = 0; i < sizeof s->input; i++) s->input[i] = (uint8_t)(0xA0 + i);
  switch (which) {
  case 0:
    tx = test_tx_base(key, DVM_TX_TRANSFER, 1);
    memset(tx.u.transfer.to, 0x22, 32);
    tx.u.transfer.asset = 1;
    tx.u.transfer.amount = 1234567890123ull;
    break;
  case 1:
    tx = test_tx_base(key, DVM_TX_DEPLOY, 2);
    tx.u.deploy.code = s->code;
    tx.u.deploy.code_len = sizeof s->code;
    tx.u.deploy.init_input = s->input;
    tx.u.deploy.init_input_len = 5;
    tx.u.deploy.init_gas = 50000;
    break;
  case 2:
    tx = test_tx_base(key, DVM_TX_CALL, 3);
    for (unsigned i = 0; i < 16; i++) {
      dvm_tx_call *c = &s->calls[i];
      memset(c->contract, (int)(0x40 + i), 32);
      c->method = (i & 1) ? "cancel" : "place_order";
      c->method_len = (uint8_t)strlen(c->method);
      c->input = s->input;
      c->input_len = i;
      c->gas_limit = 10000 + i;
      c->asset_count = (uint8_t)(i % 3);
      for (unsigned k = 0; k < c->asset_count; k++) {
        c->assets[k].asset = k * 2;
        c->assets[k].amount = 100 + k;
      }
    }
    tx.u.call.count = 16;
    tx.u.call.calls = s->calls;
    break;
  case 3:
    tx = test_tx_base(key, DVM_TX_SYSTEM, 4);
    tx.u.sys.sys_kind = DVM_SYS_ORACLE;
    for (unsigned i = 0; i < 4; i++) {
      s->oracle[i].feed = 3 * i + 1;
      s->oracle[i].price = (int64_t)(i + 1) * 1000000000ll * (i == 2 ? -1 : 1);
      s->oracle[i].publish_time = 1700000000u + i;
    }
    tx.u.sys.count = 4;
    tx.u.sys.oracle = s->oracle;
    break;
  default:
    tx = test_tx_base(key, DVM_TX_SYSTEM, 5);
    tx.u.sys.sys_kind = DVM_SYS_PARAM;
    for (unsigned i = 0; i < 3; i++) {
      s->params[i].key = (const uint8_t *)keys[i];
      s->params[i].key_len = (uint8_t)strlen(keys[i]);
      s->params[i].val = s->input;
      s->params[i].val_len = (uint16_t)(i * 4);
    }
    tx.u.sys.count = 3;
    tx.u.sys.params = s->params;
    break;
  }
  return tx;
}
#define TEST_SAMPLES 5

static inline char *test_hex(const uint8_t *p, size_t n) {
  char *s = malloc(2 * n + 1);
  if (!s) abort();
  dvm_hex_encode(p, n, s);
  return s;
}

#endif
