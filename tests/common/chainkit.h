/* chainkit.h — test helpers over libdvm: deterministic keys, signed
 * transactions of every kind, containers assembled from source, a genesis
 * document, and one-call block production. Shared by the runtime tests,
 * the diff_block fuzz target and the benchmarks. Aborts on misuse: these
 * are test tools, and a failure here is a failed test. */
#ifndef DVM_TEST_CHAINKIT_H
#define DVM_TEST_CHAINKIT_H

#include <stddef.h>
#include <stdint.h>

#include "runtime.h"
#include "tx.h"

typedef struct ck_key {
  uint8_t pk[32];
  uint8_t sk[64];
} ck_key;

/* Key number `n`: the Ed25519 key of seed (n, 0, 0, ...). */
void ck_key_make(ck_key *k, uint32_t n);

/* A genesis JSON (malloc'd) for chain "dvm-test" at time 1700000000 with
 * assets GAS (0), USD (1), BTC (2), `n` funded keys (each 10^15 of every
 * asset) and key 0 as the only authority. */
char *ck_genesis(const ck_key *keys, size_t n);
/* The same with the genesis' block_gas_limit and min_gas_price written out. */
char *ck_genesis_gas(const ck_key *keys, size_t n, uint64_t block_gas_limit, uint64_t min_gas_price);

/* An encoded signed transaction; free() it. gas_price is 1. */
typedef struct ck_tx {
  uint8_t *bytes;
  size_t len;
  uint8_t id[32];
} ck_tx;

void ck_transfer(ck_tx *t, const ck_key *from, uint64_t nonce, const uint8_t to[32], uint32_t asset,
                 uint64_t amount, uint64_t gas_limit);
void ck_deploy(ck_tx *t, const ck_key *from, uint64_t nonce, const uint8_t *code, size_t code_len,
               uint64_t init_gas, uint64_t gas_limit);
/* A batch of calls to contracts[i].methods[i] with inputs; every call gets
 * call_gas; asset attachments optional (asset_amount 0: none). */
typedef struct ck_call {
  const uint8_t *contract;
  const char *method;
  const uint8_t *input;
  uint32_t input_len;
  uint64_t gas;
  uint32_t asset;
  uint64_t amount;
} ck_call;
void ck_calls(ck_tx *t, const ck_key *from, uint64_t nonce, const ck_call *calls, size_t n,
              uint64_t gas_limit);
void ck_oracle(ck_tx *t, const ck_key *from, uint64_t nonce, uint32_t feed, int64_t price,
               uint64_t publish_time, uint64_t gas_limit);

/* Assemble a source file into container bytes (malloc'd). */
uint8_t *ck_assemble(const char *path, size_t *len);

/* Produce one block from txs; returns the result of dvm_rt_chain_produce
 * and fills *info. rejected may be NULL. */
int ck_block(dvm_rt_chain *c, ck_tx *txs, size_t n, uint64_t time, int *rejected,
             dvm_rt_block_info *info);

/* Decode the stored receipt of a transaction (aborts if absent). */
void ck_receipt(dvm_rt_chain *c, const uint8_t id[32], dvm_rt_receipt *r, uint8_t **raw);

#endif
