/* bench_gas_tx.h — the transactions bench_gas builds beyond chainkit's:
 * maximal containers, oracle and parameter system transactions of many
 * entries. */
#ifndef DVM_BENCH_GAS_TX_H
#define DVM_BENCH_GAS_TX_H

#include <stddef.h>
#include <stdint.h>

#include "chainkit.h"

void bg_put64(uint8_t *p, uint64_t v);
/* The largest container a deploy transaction can carry (1 MiB less room
 * for the transaction): 98,304 code slots of branchy code with far back
 * jumps (the verifier's dataflow revisits every slot as often as it can),
 * 256 exports with 64-byte names, the rest read-only data. `seq` makes
 * each one different (a new code hash). malloc'd. */
uint8_t *bg_max_container(uint64_t seq, size_t *len);
/* An oracle system transaction: prices of feeds 0 .. n-1 (n <= 256) all
 * published at `time` (a transaction holds each feed at most once). */
void bg_oracle_tx(ck_tx *t, const ck_key *from, uint64_t nonce, uint64_t time, unsigned n, uint64_t gas_limit);
/* A parameter system transaction: keys 'P' || i BE || zeros (64 bytes) for
 * i in [i0, i0 + n), 1,024-byte values. */
void bg_param_tx(ck_tx *t, const ck_key *from, uint64_t nonce, uint64_t i0, unsigned n, uint64_t gas_limit);

#endif
