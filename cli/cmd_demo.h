/* cmd_demo.h — `dvm demo`, private to its files: the chain driver
 * (cmd_demo_chain.c: the node library in-process, signed transactions and
 * batches of calls by method name with JSON arguments packed by the
 * contracts' ABIs, blocks at simulated times, receipts and views), the
 * market session (cmd_demo_session.c), the command with its summary, chart
 * and replay (cmd_demo.c). Not consensus code. */
#ifndef DVM_CLI_DEMO_H
#define DVM_CLI_DEMO_H

#include <stdint.h>

#include "node.h"

#define DEMO_FX ((int64_t)1000000000)
#define DEMO_USD 1u /* asset ids of the dev genesis */
#define DEMO_BTC 2u
#define DEMO_FEED 1u   /* the BTC/USD oracle feed */
#define DEMO_MARKET 1u /* the perp market BTC-PERP */
#define DEMO_MAX_ACCTS 32
#define DEMO_MAX_CALLS 64
#define DEMO_MAX_PENDING 256
#define DEMO_SERIES 8 /* option series ids followed by the summary */

enum demo_role { R_ADMIN, R_ORACLE, R_KEEPER, R_MAKER, R_TAKER, R_LEVERED, R_WRITER, R_BUYER, R_LP, R_VAULT };

typedef struct demo_acct {
  char name[16];
  int role;
  dvm_node_key k;
  char hex[65];
  uint64_t nonce;
  int64_t deposited; /* quote units put into the perp */
  /* last account view of subaccount 0 */
  int64_t collateral, equity, imr, mmr, size, entry;
  int liquidated, stopped;
} demo_acct;

typedef struct demo_contract {
  const char *name;
  uint8_t addr[32];
  char hex[65];
  json_t *abi_json;
  dvm_node_abi *abi;
} demo_contract;

/* A transaction sent in the block being made, with what to learn from it. */
typedef struct demo_pending {
  uint8_t id[32];
  int acct;
  int tag;
} demo_pending;

typedef struct demo_batch {
  size_t n;
  dvm_tx_call calls[DEMO_MAX_CALLS];
  uint8_t *inputs[DEMO_MAX_CALLS];
  char methods[DEMO_MAX_CALLS][32];
} demo_batch;

typedef struct demo_stats {
  uint64_t txs, calls, calls_failed, orders, cancels, fills, liq_fills, liquidations, deleverages, fundings;
  int64_t volume_quote;   /* Σ |cash| of fills, quote units */
  uint64_t volume_size;   /* Σ fill size, base units */
  int64_t funding_longs_paid, funding_shorts_paid; /* Σ over periods |Δindex| x open interest / 1e9 */
  int64_t insurance_draw; /* Σ drawn by liquidations */
  uint64_t liq_size;
  uint64_t written[DEMO_SERIES], bought, bought_premium, sold_to_pool, sold_premium;
  uint64_t redeemed_payout[DEMO_SERIES], reclaimed[DEMO_SERIES];
  int64_t settle_price[DEMO_SERIES];
  uint64_t vault_premium, vault_rolls, vault_series, vault_first;
  uint64_t blocks;
} demo_stats;

typedef struct demo {
  dvm_node *n;
  const char *dir, *contracts;
  uint64_t time, gas_price, t0;
  char chain_id[80];
  demo_acct acct[DEMO_MAX_ACCTS];
  int nacct;
  demo_contract perp, opt, pool, vault;
  demo_pending pend[DEMO_MAX_PENDING];
  int npend;
  demo_stats st;
  uint64_t rng;
  int verbose;
} demo;

/* ---- cmd_demo_chain.c (each dies with a message on failure: a demo) ---- */
void demo_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* One JSON-RPC call on the node (params stolen): the result, or NULL with
 * the error object in *error (when error is not NULL; else it dies). */
json_t *demo_rpc(demo *d, const char *method, json_t *params, json_t **error);
int demo_acct_add(demo *d, const char *name, int role, const dvm_node_key *k);
void demo_key_derive(uint64_t seed, uint32_t index, dvm_node_key *k);
/* Load NAME.dvm from the contracts directory and its ABI. */
void demo_contract_load(demo *d, demo_contract *c, const char *name, uint8_t **code, size_t *len);
/* Sign and submit (nonce from the account's counter); the id is recorded
 * as pending with `tag`. */
void demo_submit(demo *d, int acct, dvm_tx *tx, json_t *abi, int tag);
void demo_transfer(demo *d, int from, int to, uint32_t asset, uint64_t amount);
void demo_deploy(demo *d, int from, demo_contract *c, json_t *init_args);
void demo_oracle(demo *d, int64_t price);
void demo_param(demo *d, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen);
/* Add a call by method name, arguments as JSON (stolen) packed by the ABI. */
void demo_b_add(demo *d, demo_batch *b, demo_contract *c, const char *method, json_t *args, uint32_t asset,
                uint64_t amount, uint64_t gas);
void demo_b_send(demo *d, demo_batch *b, int acct, int tag);
/* Make the block(s) at time d->time + dt holding every pending
 * transaction; then receipts of the pending ones go to `each` and the
 * pending list is emptied. */
typedef void (*demo_receipt_fn)(demo *d, const demo_pending *p, json_t *receipt);
void demo_mine(demo *d, uint64_t dt, demo_receipt_fn each);
/* A read-only method's decoded return (simulation), or NULL when it fails. */
json_t *demo_view(demo *d, demo_contract *c, const char *method, json_t *args);
int64_t demo_jint(json_t *o, const char *key); /* integer or decimal string */
int64_t demo_jfx(json_t *o, const char *key);  /* fx decimal string */
uint64_t demo_rand(demo *d, uint64_t n);       /* 0 .. n-1 */
void demo_fx_text(int64_t v, int decimals, char *out, size_t cap);

/* ---- cmd_demo_session.c ---- */
typedef struct demo_point {
  uint64_t time;
  int64_t oracle, mid, rate;
  uint64_t oi;
  uint32_t liqs;
} demo_point;

typedef struct demo_session_opts {
  uint32_t blocks;  /* session blocks after setup */
  uint32_t dt;      /* seconds per block */
  uint64_t seed;
} demo_session_opts;

/* Setup (accounts, deploys, params, deposits) and the session; fills
 * points[0..blocks-1]. */
void demo_session(demo *d, const demo_session_opts *o, demo_point *points);

#endif
