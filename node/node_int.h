/* node_int.h — private to node/: the node object shared by the producer,
 * the RPC methods and the server, the node-side index, JSON helpers. */
#ifndef DVM_NODE_INT_H
#define DVM_NODE_INT_H

#include <limits.h>
#include <pthread.h>

#include "node.h"
#include "runtime.h"
#include "tx.h"

int node_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- index.c: what the node knows beside the chain (DIR/index, LMDB):
 * block hash -> height, contract -> (code hash, height, deploy tx id),
 * contract -> ABI (JSON), deploy tx id -> ABI until the deploy lands.
 * Derived from the chain: rebuilt from the blocks after a crash
 * (node_index_catch_up), except the ABIs, which only clients supply. */
typedef struct node_index node_index;

int node_index_open(const char *dir, node_index **out, char *err, size_t errlen);
void node_index_close(node_index *x);
/* Index the committed blocks after the last indexed one, up to the head. */
int node_index_catch_up(node_index *x, dvm_rt_chain *c, char *err, size_t errlen);
int node_index_height(node_index *x, const uint8_t hash[32], uint64_t *height); /* 0, or -1 not found */
/* 0 found, -1 not found. abi: malloc'd JSON text or NULL when none. */
int node_index_contract(node_index *x, const uint8_t addr[32], uint8_t code_hash[32], uint64_t *height,
                        uint8_t tx_id[32], char **abi);
int node_index_pending_abi(node_index *x, const uint8_t tx_id[32], const char *abi, size_t len);

/* ---- the node ---- */
struct dvm_node {
  char dir[PATH_MAX];
  int lock_fd;
  dvm_rt_chain *chain;
  node_index *idx;
  dvm_node_opts o;
  json_t *assets; /* genesis assets [{id, symbol, decimals}] */
  pthread_mutex_t mu;      /* mempool, counters, stop */
  pthread_cond_t wake;     /* to the producer: work, or stop */
  pthread_cond_t blocked;  /* from the producer: a block was committed */
  pthread_mutex_t write_mu; /* one block production at a time */
  dvm_node_mempool *mp;
  uint64_t blocks; /* produced by this process */
  int stop;
  int has_producer;
  pthread_t producer;
};

/* Produce one block from the mempool (empty only when force) at time `at`
 * (0: the wall clock; never before the parent's). 0 with *info filled, 1
 * when nothing to do, -1 on a chain error (err). */
int node_produce(dvm_node *n, int force, uint64_t at, dvm_rt_block_info *info, char *err, size_t errlen);

/* ---- views.c: chain objects as JSON (spec/rpc.md §Objects) ---- */
json_t *node_hex(const uint8_t *p, size_t n);
int node_parse_hex32(json_t *v, uint8_t out[32]);
json_t *node_u64(uint64_t v); /* decimal string */
/* A receipt with return data and logs decoded by the contracts' ABIs
 * where the node has them; method: the call's method for simulations
 * (NULL: read from the transaction in its block). */
json_t *node_receipt_json(dvm_node *n, const uint8_t *enc, size_t len, const uint8_t *contract,
                          const char *method);
json_t *node_block_json(dvm_node *n, const uint8_t *enc, size_t len, int full);
json_t *node_tx_json(const dvm_tx *tx);
/* The ABI of a contract, or NULL. Caller frees. */
dvm_node_abi *node_abi_of(dvm_node *n, const uint8_t addr[32]);

/* ---- rpc_methods.c / rpc_send.c: one method call ---- */
typedef struct node_rpc_err {
  int code; /* dvm_node_rpc_code */
  char msg[400];
  json_t *data; /* optional, owned */
} node_rpc_err;
json_t *node_rpc_error(node_rpc_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
json_t *node_m_send(dvm_node *n, json_t *params, node_rpc_err *e);
json_t *node_m_simulate(dvm_node *n, json_t *params, node_rpc_err *e);
json_t *node_m_mine(dvm_node *n, json_t *params, node_rpc_err *e);
/* Parameter helpers: 0, or -1 with an INVALID_PARAMS error in e. */
int node_param_addr(json_t *params, const char *key, int required, uint8_t out[32], node_rpc_err *e);
int node_param_u64(json_t *params, const char *key, int required, uint64_t *out, node_rpc_err *e);


#endif
