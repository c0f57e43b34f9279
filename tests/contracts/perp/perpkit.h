/* perpkit.h — driving the perp contract on a real chain from tests and
 * benchmarks: a chain with funded keys and the contract deployed, market
 * parameters and oracle prices by authority system transactions, batches
 * of encoded calls signed per sender, and the read-only views decoded.
 * Encodings follow contracts/perp/perp.abi.json; nothing here is shared
 * with the contract. Aborts on misuse (a test tool). */
#ifndef PERPKIT_H
#define PERPKIT_H

#include <stddef.h>
#include <stdint.h>

#include "chainkit.h"

#define PK_FX 1000000000ll
#define PK_MAX_CALLS 256

typedef struct pk_env {
  dvm_rt_chain *c;
  char dir[64];
  ck_key *keys;
  size_t nkeys;
  uint64_t *nonce;
  uint8_t perp[32];
  uint64_t time;
  uint64_t height;
} pk_env;

/* Market parameters (the 96-byte value of parameter "perp/m" || id BE32). */
typedef struct pk_market {
  uint32_t id;
  uint64_t feed;
  int64_t tick;
  uint64_t step;
  int64_t imf, mmf, maker_fee, taker_fee;
  uint64_t funding_interval;
  int64_t funding_clamp, liq_penalty;
  uint64_t oi_cap, impact_notional;
} pk_market;

/* A chain with `nkeys` funded keys (key 0 the authority), perp.dvm deployed
 * by key 0, quote asset 1 (USD) set. */
void pk_open(pk_env *e, size_t nkeys, const char *dvm_path, const dvm_rt_chain_opts *opts);
void pk_close(pk_env *e);

/* Signed system transactions from key 0. */
void pk_tx_markets(pk_env *e, ck_tx *t, const pk_market *m, size_t n);
void pk_tx_oracle(pk_env *e, ck_tx *t, uint32_t feed, int64_t price);

/* A batch of calls being built. */
typedef struct pk_batch {
  size_t n;
  ck_call calls[PK_MAX_CALLS];
  uint8_t in[PK_MAX_CALLS][40];
} pk_batch;

void pk_b_deposit(pk_batch *b, pk_env *e, uint8_t sub, uint64_t amount);
void pk_b_withdraw(pk_batch *b, pk_env *e, uint8_t sub, uint64_t amount);
void pk_b_place(pk_batch *b, pk_env *e, uint32_t market, uint8_t sub, uint8_t side, int64_t price, uint64_t size,
                uint8_t kind, uint8_t reduce_only, uint64_t client_id);
void pk_b_cancel(pk_batch *b, pk_env *e, uint64_t oid);
void pk_b_liquidate(pk_batch *b, pk_env *e, const uint8_t owner[32], uint8_t sub, uint32_t market);
void pk_b_funding(pk_batch *b, pk_env *e, uint32_t market);
/* A raw call (adversarial inputs). */
void pk_b_raw(pk_batch *b, pk_env *e, const char *method, const uint8_t *in, uint32_t len, uint32_t asset,
              uint64_t amount);
/* Sign the batch as key `k` (next nonce) and empty it. */
void pk_b_sign(pk_batch *b, pk_env *e, size_t k, ck_tx *t);

/* Produce a block of txs at time e->time + dt; aborts unless all are included. */
void pk_block(pk_env *e, ck_tx *txs, size_t n, uint64_t dt);
/* Produce a block of one batch signed by key k and return its decoded
 * receipt (free with pk_receipt_free). */
typedef struct pk_receipt {
  dvm_rt_receipt r;
  uint8_t *raw;
} pk_receipt;
void pk_run(pk_env *e, pk_batch *b, size_t k, uint64_t dt, pk_receipt *out);
void pk_receipt_free(pk_receipt *r);

/* Views (simulated calls). 0 ok, else the call failed. */
typedef struct pk_pos {
  uint32_t market;
  int64_t size, entry, fidx;
} pk_pos;
typedef struct pk_account {
  int64_t collateral, equity, imr, mmr;
  size_t npos;
  pk_pos pos[8];
} pk_account;
int pk_account_view(pk_env *e, const uint8_t owner[32], uint8_t sub, pk_account *a);
int64_t pk_pos_size(const pk_account *a, uint32_t market);

typedef struct pk_market_view {
  uint64_t oi;
  int64_t bid, ask, oracle, rate, findex, insurance;
  uint64_t fees;
  int64_t fpool;
} pk_market_view;
int pk_market_view_get(pk_env *e, uint32_t market, pk_market_view *m);

typedef struct pk_order {
  uint8_t owner[32];
  uint8_t sub;
  uint32_t market;
  uint8_t side, kind;
  int64_t price;
  uint64_t size, remaining, client_id;
} pk_order;
int pk_order_view(pk_env *e, uint64_t oid, pk_order *o);

/* The Fill event, decoded. */
typedef struct pk_fill {
  uint32_t market;
  uint64_t taker_oid, maker_oid;
  uint8_t taker[32];
  uint8_t taker_sub;
  uint8_t maker[32];
  uint8_t maker_sub, taker_side;
  int64_t price;
  uint64_t size;
  int64_t taker_cash, maker_cash;
  uint64_t taker_fee, maker_fee, penalty;
  uint8_t liq;
} pk_fill;
/* 1 when log `l` is an event named `name`. */
int pk_is_event(const dvm_rt_log_view *l, const char *name);
int pk_fill_decode(const dvm_rt_log_view *l, pk_fill *f);

uint64_t pk_le(const uint8_t *p, size_t n);

#endif
