/* node.h — the DVM node library (DESIGN §8): the contract ABI codec, key
 * files, the dev genesis, the mempool, the node-side index (block hashes,
 * contracts and their ABIs), block production, the JSON-RPC 2.0 methods and
 * their HTTP server, and the JSON-RPC client the `dvm` commands use. The
 * only public header of node/. Normative text: spec/rpc.md.
 *
 * Nothing here is consensus code: the node only feeds transactions to
 * runtime.h and reads what it committed. JSON values are jansson's json_t;
 * a function that returns a json_t gives the caller one reference.
 *
 * Errors: 0, or -1 with a message in the caller's buffer (err, errlen)
 * that says what and where ("args.price: not a decimal fx"). */
#ifndef DVM_NODE_H
#define DVM_NODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "tx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* The contract ABI (DESIGN §9, spec/rpc.md §ABI): NAME.abi.json parsed,
 * JSON arguments packed into a method's input, return data and logs
 * decoded back into JSON.
 *
 * JSON forms: u8/u16/u32 integers (a decimal string is accepted too),
 * u64/i64 integers or decimal strings (printed as decimal strings), fx a
 * decimal string with at most 9 fraction digits ("3174.60"; an integer is
 * accepted; printed without trailing zeros), address 64 hex digits, bytes
 * an even number of hex digits (both may start with "0x"; printed lower
 * case without it). */

enum dvm_node_abi_type {
  DVM_NODE_ABI_U8 = 1,
  DVM_NODE_ABI_U16,
  DVM_NODE_ABI_U32,
  DVM_NODE_ABI_U64,
  DVM_NODE_ABI_I64,
  DVM_NODE_ABI_FX,
  DVM_NODE_ABI_ADDRESS,
  DVM_NODE_ABI_BYTES,
};

#define DVM_NODE_ABI_MAX_NAME 64u    /* method, argument and field names */
#define DVM_NODE_ABI_MAX_EVENT 32u   /* an event name fills one topic */
#define DVM_NODE_ABI_MAX_ITEMS 256u  /* methods, events, arguments, fields */
#define DVM_NODE_ABI_MAX_BYTES (64u << 10) /* one `bytes` value */

typedef struct dvm_node_abi_field {
  char name[DVM_NODE_ABI_MAX_NAME + 1];
  uint8_t type; /* dvm_node_abi_type */
} dvm_node_abi_field;

typedef struct dvm_node_abi_method {
  char name[DVM_NODE_ABI_MAX_NAME + 1];
  int readonly;
  uint32_t nargs, nreturns;
  dvm_node_abi_field *args, *returns;
} dvm_node_abi_method;

typedef struct dvm_node_abi_event {
  char name[DVM_NODE_ABI_MAX_EVENT + 1];
  uint32_t nfields;
  dvm_node_abi_field *fields;
} dvm_node_abi_event;

typedef struct dvm_node_abi {
  char contract[DVM_NODE_ABI_MAX_NAME + 1];
  uint32_t nmethods, nevents;
  dvm_node_abi_method *methods;
  dvm_node_abi_event *events;
} dvm_node_abi;

/* Parse an ABI document (strict: unknown keys, wrong types, duplicate or
 * over-long names are errors naming their JSON path). *out is allocated;
 * dvm_node_abi_free. */
int dvm_node_abi_parse(const char *json, size_t len, dvm_node_abi **out, char *err, size_t errlen);
int dvm_node_abi_parse_json(json_t *doc, dvm_node_abi **out, char *err, size_t errlen);
void dvm_node_abi_free(dvm_node_abi *a);
/* The ABI as a JSON document (canonical: the format of the file). */
json_t *dvm_node_abi_to_json(const dvm_node_abi *a);
const char *dvm_node_abi_type_name(int type);

const dvm_node_abi_method *dvm_node_abi_method_find(const dvm_node_abi *a, const char *name);
const dvm_node_abi_event *dvm_node_abi_event_find(const dvm_node_abi *a, const uint8_t topic[32]);

/* Pack `fields` from `args`: an object with exactly one member per field
 * (missing or extra members are errors), or an array of exactly nfields
 * values in order (NULL = no arguments). *out is malloc'd (never NULL on
 * success, even when empty). */
int dvm_node_abi_encode(const dvm_node_abi_field *fields, uint32_t n, json_t *args, uint8_t **out,
                        size_t *len, char *err, size_t errlen);
/* Decode data that is exactly the packed fields into an object. */
int dvm_node_abi_decode(const dvm_node_abi_field *fields, uint32_t n, const uint8_t *data,
                        size_t len, json_t **out, char *err, size_t errlen);
/* Decode a log: {"event": NAME, "fields": {...}} when its first topic names
 * an event of the ABI and the data decodes; -1 otherwise. */
int dvm_node_abi_decode_log(const dvm_node_abi *a, const uint8_t *topics, uint32_t ntopics,
                            const uint8_t *data, size_t len, json_t **out, char *err,
                            size_t errlen);

/* Every method of the ABI must be an export of the container (a .dvm), and
 * every export but "init" a method of the ABI: 0, or -1 naming the first
 * that is missing. */
int dvm_node_abi_check_exports(const dvm_node_abi *a, const uint8_t *container, size_t len,
                               char *err, size_t errlen);

/* fx text <-> value (i64 scaled by 1e9). out needs 32 bytes. */
int dvm_node_fx_parse(const char *s, int64_t *v);
void dvm_node_fx_format(int64_t v, char out[32]);

/* ------------------------------------------------------------------ */
/* The mempool (mempool.c): transactions that passed the runtime's check
 * (dvm_rt_chain_check_tx), per sender in nonce order. Not thread-safe: the
 * node guards it with its own lock. Blocks take, among the senders' next
 * transactions (each sender's in nonce order from its account nonce, no
 * gap), the highest gas price first, ties by arrival. A transaction with
 * the nonce of one already pending replaces it when its gas price is
 * strictly higher. When the pool is full, a new transaction evicts the
 * pending one with the lowest gas price among the senders' last ones, if
 * it pays more; a transaction pending for more than ttl_blocks blocks is
 * dropped with the ones after it from the same sender. */

typedef struct dvm_node_mempool dvm_node_mempool;

typedef struct dvm_node_mempool_opts {
  size_t max_txs;      /* pending transactions; 0 = 20000 */
  size_t max_bytes;    /* their encoded bytes; 0 = 64 MiB */
  uint32_t per_sender; /* pending per sender, and how far past the account nonce; 0 = 64 */
  uint64_t ttl_blocks; /* 0 = 600 */
} dvm_node_mempool_opts;

/* What the mempool keeps of a checked transaction. */
typedef struct dvm_node_mp_tx {
  uint8_t id[32];
  uint8_t sender[32];
  uint64_t nonce;
  uint64_t account_nonce; /* the sender's next nonce in the committed state at check time */
  uint64_t gas_price;
} dvm_node_mp_tx;

enum dvm_node_mp_result {
  DVM_NODE_MP_ADDED = 0,
  DVM_NODE_MP_REPLACED = 1,         /* took the place of a cheaper one with its nonce */
  DVM_NODE_MP_ERR_KNOWN = -1,       /* this very transaction is pending */
  DVM_NODE_MP_ERR_NONCE = -2,       /* nonce below the sender's next nonce */
  DVM_NODE_MP_ERR_UNDERPRICED = -3, /* same nonce pending at a gas price >= this one */
  DVM_NODE_MP_ERR_SENDER = -4,      /* sender limit, or nonce too far ahead */
  DVM_NODE_MP_ERR_FULL = -5,        /* pool full of transactions paying as much or more */
  DVM_NODE_MP_ERR_NOMEM = -6,
};
const char *dvm_node_mp_strerror(int rc);

int dvm_node_mempool_new(const dvm_node_mempool_opts *opts, dvm_node_mempool **out);
void dvm_node_mempool_free(dvm_node_mempool *mp);
/* Add (copies the bytes): a dvm_node_mp_result. */
int dvm_node_mempool_add(dvm_node_mempool *mp, const dvm_node_mp_tx *t, const uint8_t *tx, size_t len);
size_t dvm_node_mempool_count(const dvm_node_mempool *mp);
size_t dvm_node_mempool_bytes(const dvm_node_mempool *mp);
int dvm_node_mempool_has(const dvm_node_mempool *mp, const uint8_t id[32]);

/* A block's worth of transactions, copied out in block order. */
typedef struct dvm_node_mp_batch {
  size_t n;
  uint8_t **txs;
  size_t *lens;
  dvm_node_mp_tx *info;
} dvm_node_mp_batch;

/* Take up to max_txs ready transactions, max_bytes in all (they stay in
 * the pool until dvm_node_mempool_done). */
int dvm_node_mempool_select(dvm_node_mempool *mp, size_t max_txs, size_t max_bytes, dvm_node_mp_batch *b);
/* After the block: rejected[i] as dvm_rt_chain_produce gave it (0 included,
 * DVM_RT_ERR_FULL deferred, else invalid). Included and invalid ones leave
 * the pool; a sender's next nonce moves past its included ones, and what
 * is below it leaves too; one block older, expired ones leave. NULL
 * rejected: all included. */
void dvm_node_mempool_done(dvm_node_mempool *mp, const dvm_node_mp_batch *b, const int *rejected);
void dvm_node_mp_batch_free(dvm_node_mp_batch *b);

/* ------------------------------------------------------------------ */
/* Keys and data directories (keys.c). A key file is a JSON object
 * {"type": "ed25519", "address": 64 hex, "seed": 64 hex}, mode 0600. */

typedef struct dvm_node_key {
  uint8_t pk[32]; /* the address */
  uint8_t sk[64]; /* libsodium secret key (seed || pk) */
} dvm_node_key;

void dvm_node_key_from_seed(dvm_node_key *k, const uint8_t seed[32]);
void dvm_node_key_generate(dvm_node_key *k);
/* Write a new key file (refuses to overwrite). */
int dvm_node_key_save(const dvm_node_key *k, const char *path, char *err, size_t errlen);
int dvm_node_key_load(const char *path, dvm_node_key *k, char *err, size_t errlen);

/* The publicly known dev keys: 0..3 funded dev accounts, 4 the oracle
 * authority (seed = BLAKE2b-256("DVM/dev-key/v1" || u32 LE index)). */
#define DVM_NODE_DEV_ACCOUNTS 4u
#define DVM_NODE_DEV_ORACLE 4u
void dvm_node_dev_key(unsigned index, dvm_node_key *k);
/* The default dev genesis (malloc'd JSON): chain "dvm-devnet", assets
 * GAS (0, 9 decimals), USD (1, 6), BTC (2, 8), ETH (3, 18), the dev
 * accounts funded in each, the oracle authority funded in GAS. */
char *dvm_node_dev_genesis(void);

/* Create data directory `dir` (must not hold a chain): DIR/chain with the
 * genesis applied as block 0, DIR/genesis.json, DIR/index; with the dev
 * genesis (genesis NULL) also DIR/keys/dev0..3.key and oracle.key. */
int dvm_node_init_dir(const char *dir, const char *genesis, size_t len, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* The node (node.c, producer.c): a data directory made by
 * dvm_node_init_dir, held by one process at a time (DIR/node.lock).
 * Threads: dvm_node_rpc may run on any number of threads at once; blocks
 * are produced by one thread at a time (the producer, or dvm_mine). */

typedef struct dvm_node dvm_node;

typedef struct dvm_node_opts {
  unsigned block_time_ms; /* a block this often while transactions are pending; 0 = 1000 */
  size_t block_max_txs;   /* transactions per block; a full mempool block is made at once; 0 = 4096 */
  unsigned wait_ms;       /* longest wait of dvm_sendTransaction "wait": true; 0 = 30000 */
  unsigned threads;       /* signature threads of the chain; 0 = online cores */
  dvm_node_mempool_opts mempool;
} dvm_node_opts;

/* Open the data directory: -1 with err, or -2 when another process holds it. */
int dvm_node_open(const char *dir, const dvm_node_opts *opts, dvm_node **out, char *err, size_t errlen);
/* Start the producer thread (without it, blocks come only from dvm_mine). */
int dvm_node_start(dvm_node *n, char *err, size_t errlen);
/* Stop the producer (a block being made is finished and committed) and close. */
void dvm_node_close(dvm_node *n);
const char *dvm_node_dir(const dvm_node *n);

/* One JSON-RPC 2.0 request body (a request or a batch) to its response
 * body (malloc'd, NUL-terminated), or NULL when only notifications came.
 * Every failure is a JSON-RPC error object (spec/rpc.md §Errors). */
#define DVM_NODE_MAX_BATCH 100u
char *dvm_node_rpc(dvm_node *n, const char *body, size_t len);

/* JSON-RPC error codes (spec/rpc.md §Errors). */
enum dvm_node_rpc_code {
  DVM_NODE_RPC_PARSE = -32700,
  DVM_NODE_RPC_INVALID_REQUEST = -32600,
  DVM_NODE_RPC_NO_METHOD = -32601,
  DVM_NODE_RPC_INVALID_PARAMS = -32602,
  DVM_NODE_RPC_INTERNAL = -32603,
  DVM_NODE_RPC_TX_MALFORMED = -32000,
  DVM_NODE_RPC_TX_SIGNATURE = -32001,
  DVM_NODE_RPC_TX_CHAIN_ID = -32002,
  DVM_NODE_RPC_TX_NONCE = -32003,
  DVM_NODE_RPC_TX_FUNDS = -32004,
  DVM_NODE_RPC_TX_GAS = -32005,
  DVM_NODE_RPC_TX_KNOWN = -32006,
  DVM_NODE_RPC_TX_UNDERPRICED = -32007,
  DVM_NODE_RPC_TX_SENDER_LIMIT = -32008,
  DVM_NODE_RPC_MEMPOOL_FULL = -32009,
  DVM_NODE_RPC_NOT_FOUND = -32010,
  DVM_NODE_RPC_NOT_AVAILABLE = -32011,
  DVM_NODE_RPC_ABI = -32012,
  DVM_NODE_RPC_TOO_LARGE = -32020,
  DVM_NODE_RPC_RATE_LIMITED = -32021,
  DVM_NODE_RPC_BATCH_TOO_LARGE = -32022,
  DVM_NODE_RPC_SHUTTING_DOWN = -32023,
};

/* The HTTP server (rpc_server.c, libmicrohttpd): POST / with a JSON-RPC
 * body; one thread per connection, limits on body size, connections and
 * the request rate (token bucket per client address). */
typedef struct dvm_node_server dvm_node_server;
typedef struct dvm_node_server_opts {
  const char *host;      /* NULL = 127.0.0.1 */
  uint16_t port;         /* 0 = any free port (dvm_node_server_port says which) */
  size_t max_body;       /* bytes; 0 = 4 MiB */
  unsigned max_conns;    /* 0 = 64 */
  unsigned rate;         /* requests per second per client; 0 = 1000 */
  unsigned burst;        /* bucket size; 0 = 2 x rate */
  unsigned timeout_s;    /* idle connection timeout; 0 = 30 */
} dvm_node_server_opts;
int dvm_node_server_start(dvm_node *n, const dvm_node_server_opts *o, dvm_node_server **out, char *err,
                          size_t errlen);
uint16_t dvm_node_server_port(const dvm_node_server *s);
/* Stop accepting, finish the requests in flight, free. */
void dvm_node_server_stop(dvm_node_server *s);

/* ------------------------------------------------------------------ */
/* The client (client.c) of the `dvm` commands: JSON-RPC over HTTP
 * (libcurl) to a running node, or straight on a data directory that no
 * node holds (the same methods in-process; a transaction is then mined at
 * once). A data directory held by a running node is reached through the
 * URL it wrote to DIR/rpc.url. */
typedef struct dvm_node_client dvm_node_client;
/* url or dir (url wins). -1 with err when neither works. */
int dvm_node_client_open(const char *url, const char *dir, dvm_node_client **out, char *err, size_t errlen);
void dvm_node_client_close(dvm_node_client *c);
/* Call a method (params stolen; NULL = none). 0 with *result (caller's
 * reference); 1 with *result the JSON-RPC error object; -1 transport
 * failure (err). */
int dvm_node_client_call(dvm_node_client *c, const char *method, json_t *params, json_t **result, char *err,
                         size_t errlen);
/* Fill tx's chain id and nonce from the node and sign with k: *result
 * the encoded transaction in hex. Returns as dvm_node_client_call. */
int dvm_node_client_sign(dvm_node_client *c, dvm_tx *tx, const dvm_node_key *k, json_t **result, char *err,
                         size_t errlen);
/* Fill tx's chain id and nonce from the node, sign with k, submit (with a
 * deploy's ABI, may be NULL) and wait for the receipt. Returns as
 * dvm_node_client_call; *result is {"id", "receipt", ...}. */
int dvm_node_client_submit(dvm_node_client *c, dvm_tx *tx, const dvm_node_key *k, json_t *abi, json_t **result,
                           char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
