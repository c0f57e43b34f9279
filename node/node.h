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

#ifdef __cplusplus
}
#endif
#endif
