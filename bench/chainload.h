/* chainload.h — the chain workloads bench_chain and bench_replay share: a
 * fresh chain with the test vault contract deployed, and the signed
 * transactions of one workload (a call that stores, a batch of 16 such
 * calls, a transfer), built before any clock starts. */
#ifndef DVM_BENCH_CHAINLOAD_H
#define DVM_BENCH_CHAINLOAD_H

#include "chainkit.h"

typedef enum { W_CALL, W_BATCH, W_TRANSFER } workload;

/* Open a chain in a new /tmp directory (its path into dir, 64 bytes) with
 * options o (NULL: defaults), apply a genesis funding k[0..3] (a block gas
 * limit of 1e10: blocks of 2,000 x 1M-gas transactions) and deploy
 * CONTRACTS_DIR/vault.s from k[1] in block 1 (time 1700000001); the
 * vault's address into vault. Exits on failure (a benchmark). */
dvm_rt_chain *chainload_open(const char *cdir, const dvm_rt_chain_opts *o, char dir[64], ck_key k[4],
                             uint8_t vault[32]);

/* `total` signed transactions of workload wl from k[2] and k[3] in turn
 * (nonces sequential per sender); calloc'd, each ck_tx's bytes malloc'd. */
ck_tx *chainload_txs(workload wl, int total, const ck_key k[4], const uint8_t vault[32]);

#endif
