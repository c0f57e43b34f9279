/* tx.h — transactions, blocks, receipts and genesis: binary encodings,
 * hashes and signatures (spec/tx.md). Public: libdvm's users (cli/, node/,
 * clients, embedders) encode, sign and decode with it; runtime.h re-exports
 * the receipt types under their dvm_rt_ names.
 *
 * Every encoding is little-endian, versioned and canonical: decode(b)
 * succeeds only for bytes that encode(decode(b)) reproduces exactly, so a
 * transaction has exactly one encoding and one hash. Decoders never trust
 * a length: every read is bounds-checked against the buffer, and every
 * count is capped (DVM_TX_MAX_*). Decoded structures borrow from the input
 * buffer (pointers into it): the buffer must outlive them.
 *
 * Errors: 0, or a negative dvm_tx_err with a message in the caller's
 * buffer saying what and at which byte offset. */
#ifndef DVM_TX_H
#define DVM_TX_H

#include <stddef.h>
#include <stdint.h>

#include "base.h" /* dvm_hex_*, dvm_le_*, dvm_strerror */

#define DVM_TX_VERSION 1u
#define DVM_BLOCK_VERSION 2u /* 2: the header carries gas_limit and gas_used */

#define DVM_ADDR_BYTES 32u
#define DVM_HASH_BYTES 32u
#define DVM_SIG_BYTES 64u
#define DVM_CHAIN_ID_MAX 32u

/* Caps on untrusted counts and sizes (spec/tx.md). */
#define DVM_TX_MAX_BYTES (1u << 20)      /* one encoded transaction: 1 MiB */
#define DVM_TX_MAX_CALLS 256u            /* calls in one batch */
#define DVM_TX_MAX_ASSETS 16u            /* assets attached to one call */
#define DVM_TX_MAX_METHOD 64u            /* method name bytes */
#define DVM_TX_MAX_INPUT (64u << 10)     /* call input bytes */
#define DVM_TX_MAX_UPDATES 256u          /* entries of one system transaction */
#define DVM_BLOCK_MAX_TXS 65536u
#define DVM_BLOCK_MAX_BYTES (32u << 20) /* one encoded block: 32 MiB */

/* Domain separation for hashes (spec/tx.md §Hashes). */
#define DVM_DOMAIN_TX_SIGN "DVM/tx-sign/v1"
#define DVM_DOMAIN_TX_ID "DVM/tx-id/v1"
#define DVM_DOMAIN_BLOCK "DVM/block/v1"
#define DVM_DOMAIN_TX_ROOT "DVM/tx-root/v1"
#define DVM_DOMAIN_RECEIPTS_ROOT "DVM/receipts-root/v1"
#define DVM_DOMAIN_CONTRACT "DVM/contract/v1"
#define DVM_DOMAIN_RECEIPT "DVM/receipt/v1"

typedef enum dvm_tx_err {
  DVM_TX_OK = 0,
  DVM_TX_ERR_TRUNCATED = -301, /* the buffer ends inside a field */
  DVM_TX_ERR_TRAILING = -302,  /* bytes after the end of the encoding */
  DVM_TX_ERR_VERSION = -303,   /* unknown version */
  DVM_TX_ERR_KIND = -304,      /* unknown transaction / system kind */
  DVM_TX_ERR_LIMIT = -305,     /* a count or size above its cap */
  DVM_TX_ERR_FIELD = -306,     /* a field out of its range (non-canonical) */
  DVM_TX_ERR_SIG = -307,       /* the signature does not verify */
  DVM_TX_ERR_NOMEM = -308,
  DVM_TX_ERR_JSON = -309,      /* genesis file malformed */
} dvm_tx_err;

const char *dvm_tx_strerror(int code);

enum dvm_tx_kind {
  DVM_TX_TRANSFER = 1,
  DVM_TX_DEPLOY = 2,
  DVM_TX_CALL = 3,
  DVM_TX_SYSTEM = 4,
};

enum dvm_tx_system_kind {
  DVM_SYS_ORACLE = 1, /* price updates: feed -> (price, publish time) */
  DVM_SYS_PARAM = 2,  /* market parameters: key -> value */
};

typedef struct dvm_tx_asset_amount {
  uint32_t asset;
  uint64_t amount;
} dvm_tx_asset_amount;

/* One call of a batch. Pointers borrow from the decoded buffer. */
typedef struct dvm_tx_call {
  uint8_t contract[DVM_ADDR_BYTES];
  const char *method; /* not NUL-terminated */
  uint8_t method_len; /* 1..DVM_TX_MAX_METHOD */
  const uint8_t *input;
  uint32_t input_len;
  uint64_t gas_limit; /* this call's own gas limit */
  uint8_t asset_count;
  dvm_tx_asset_amount assets[DVM_TX_MAX_ASSETS]; /* strictly increasing asset ids */
} dvm_tx_call;

typedef struct dvm_tx_oracle {
  uint32_t feed;
  int64_t price;         /* fx, 1e9 scale */
  uint64_t publish_time; /* unix seconds */
} dvm_tx_oracle;

typedef struct dvm_tx_param {
  const uint8_t *key;
  uint8_t key_len; /* 1..64 */
  const uint8_t *val;
  uint16_t val_len;
} dvm_tx_param;

typedef struct dvm_tx {
  uint8_t version;
  uint8_t kind;
  uint8_t chain_id_len;
  char chain_id[DVM_CHAIN_ID_MAX + 1]; /* NUL-terminated copy */
  uint8_t sender[DVM_ADDR_BYTES];      /* Ed25519 public key */
  uint64_t nonce;
  uint64_t gas_limit;
  uint64_t gas_price; /* fee per gas, in asset 0 */
  union {
    struct { /* DVM_TX_TRANSFER */
      uint8_t to[DVM_ADDR_BYTES];
      uint32_t asset;
      uint64_t amount;
    } transfer;
    struct { /* DVM_TX_DEPLOY */
      const uint8_t *code; /* a .dvm container */
      uint32_t code_len;
      const uint8_t *init_input; /* for the exported "init", if any */
      uint32_t init_input_len;
      uint64_t init_gas;
    } deploy;
    struct { /* DVM_TX_CALL */
      uint16_t count;        /* 1..DVM_TX_MAX_CALLS */
      dvm_tx_call *calls;    /* allocated by decode; dvm_tx_free() */
    } call;
    struct { /* DVM_TX_SYSTEM */
      uint8_t sys_kind;
      uint16_t count;        /* 1..DVM_TX_MAX_UPDATES */
      dvm_tx_oracle *oracle; /* sys_kind ORACLE; allocated */
      dvm_tx_param *params;  /* sys_kind PARAM; allocated */
    } sys;
  } u;
  uint8_t signature[DVM_SIG_BYTES];
  /* Filled by decode: */
  uint8_t id[DVM_HASH_BYTES];       /* BLAKE2b-256(DOMAIN_TX_ID || whole encoding) */
  uint8_t sign_hash[DVM_HASH_BYTES];/* BLAKE2b-256(DOMAIN_TX_SIGN || encoding without signature) */
  uint32_t encoded_len;
} dvm_tx;

/* Decode one transaction occupying exactly buf[0..len). Does not verify
 * the signature (dvm_tx_verify does; blocks verify in parallel). */
int dvm_tx_decode(const uint8_t *buf, size_t len, dvm_tx *tx, char *err, size_t errlen);
void dvm_tx_free(dvm_tx *tx);

/* Encode tx (all fields but signature, id, sign_hash, encoded_len are
 * inputs) and sign it with the 64-byte libsodium secret key: fills
 * signature, id, sign_hash, encoded_len; *out is malloc'd. */
int dvm_tx_encode_signed(dvm_tx *tx, const uint8_t secret_key[64], uint8_t **out, size_t *out_len);

/* Encode tx with tx->signature as given (no signing): for external signers
 * and for tests. Same checks and outputs as dvm_tx_encode_signed (the
 * sign_hash it fills is what an external signer signs). */
int dvm_tx_encode(dvm_tx *tx, uint8_t **out, size_t *out_len);

/* Check tx->signature over tx->sign_hash with tx->sender. 0 or ERR_SIG. */
int dvm_tx_verify(const dvm_tx *tx);

/* Verify n signatures on `threads` threads (0 = online cores); ok[i] = 1
 * when transaction i verifies. Deterministic: the answer never depends on
 * the thread count. Returns 0, or ERR_NOMEM if threads could not start
 * (then it verifies on the calling thread). */
int dvm_tx_verify_batch(const dvm_tx *const *txs, size_t n, unsigned threads, uint8_t *ok);

/* Address of the contract deployed by `deployer` with its nonce `nonce`:
 * BLAKE2b-256(DOMAIN_CONTRACT || deployer || nonce u64 LE). */
void dvm_tx_contract_address(const uint8_t deployer[DVM_ADDR_BYTES], uint64_t nonce,
                          uint8_t out[DVM_ADDR_BYTES]);

/* ------------------------------------------------------------------ */
/* Blocks. */

typedef struct dvm_tx_block_header {
  uint8_t version;
  uint64_t height;
  uint8_t parent[DVM_HASH_BYTES];
  uint64_t time; /* unix seconds, >= parent's */
  uint8_t tx_root[DVM_HASH_BYTES];
  uint8_t state_root[DVM_HASH_BYTES];    /* after this block */
  uint8_t receipts_root[DVM_HASH_BYTES];
  uint64_t gas_limit; /* the chain's block gas limit (genesis block_gas_limit) */
  uint64_t gas_used;  /* the sum of the receipts' gas used, <= gas_limit */
} dvm_tx_block_header;

#define DVM_BLOCK_HEADER_BYTES (1 + 8 + 32 + 8 + 32 + 32 + 32 + 8 + 8)

void dvm_tx_block_header_encode(const dvm_tx_block_header *h, uint8_t out[DVM_BLOCK_HEADER_BYTES]);
int dvm_tx_block_header_decode(const uint8_t *buf, size_t len, dvm_tx_block_header *h, char *err,
                            size_t errlen);
/* BLAKE2b-256(DOMAIN_BLOCK || header encoding). */
void dvm_tx_block_hash(const dvm_tx_block_header *h, uint8_t out[DVM_HASH_BYTES]);

/* A whole block: header, u32 tx count, then each transaction as u32
 * length + bytes. Decoding checks the structure and decodes every
 * transaction (txs allocated; dvm_tx_block_free). */
typedef struct dvm_tx_block {
  dvm_tx_block_header header;
  uint32_t tx_count;
  dvm_tx *txs;
  const uint8_t **tx_bytes; /* borrowed, for re-encoding and hashing */
  uint32_t *tx_lens;
} dvm_tx_block;

int dvm_tx_block_decode(const uint8_t *buf, size_t len, dvm_tx_block *b, char *err, size_t errlen);
void dvm_tx_block_free(dvm_tx_block *b);
int dvm_tx_block_encode(const dvm_tx_block_header *h, const uint8_t *const *txs, const uint32_t *lens,
                     uint32_t n, uint8_t **out, size_t *out_len);

/* Roots: BLAKE2b-256(domain || u32 n || item hash 0 || ... ). */
void dvm_tx_hash_list(const char *domain, const uint8_t (*hashes)[DVM_HASH_BYTES], size_t n,
                   uint8_t out[DVM_HASH_BYTES]);

/* ------------------------------------------------------------------ */
/* Receipts (spec/tx.md §Receipts). Decoded pointers borrow from the
 * encoded buffer; the calls and logs arrays are allocated by decode
 * (dvm_tx_receipt_free). For encode the same structure is the input. */

#define DVM_TX_MAX_TOPICS 4u /* topics of one log */

typedef struct dvm_tx_log_view {
  const uint8_t *contract; /* 32 bytes */
  uint8_t ntopics;         /* 0..DVM_TX_MAX_TOPICS */
  const uint8_t *topics;   /* ntopics x 32 bytes */
  const uint8_t *data;
  uint32_t data_len;
} dvm_tx_log_view;

/* One entry: a call of a batch, or the single entry of the other kinds. */
typedef struct dvm_tx_receipt_call {
  uint8_t status; /* 0 ok, 1 revert, 2 trap, 3 failed (runtime.h DVM_RT_CALL_*) */
  uint8_t trap;   /* dvm_vm_trap when status is trap, else 0 */
  uint32_t pc;
  int32_t detail; /* dvm_rt_fail, or the trap's detail */
  uint64_t gas_used;
  uint64_t r0;
  const uint8_t *ret; /* return data, or the revert message */
  uint32_t ret_len;
  uint16_t nlogs;
  dvm_tx_log_view *logs;
} dvm_tx_receipt_call;

typedef struct dvm_tx_receipt {
  uint8_t tx_id[32];
  uint8_t kind;
  uint8_t status; /* 0, or the status of the first entry that is not */
  uint64_t gas_used;
  uint64_t fee;
  uint8_t has_contract;
  uint8_t contract[32]; /* deploy: the new contract's address */
  uint64_t height;
  uint32_t index; /* position in its block */
  uint16_t ncalls;
  dvm_tx_receipt_call *calls;
} dvm_tx_receipt;

/* Encode (the canonical form; *out malloc'd). ERR_LIMIT for a count above
 * its cap (topics), ERR_FIELD for has_contract > 1, ERR_NOMEM. */
int dvm_tx_receipt_encode(const dvm_tx_receipt *r, uint8_t **out, size_t *out_len);
/* Decode exactly buf[0..len): every length checked, nothing trailing.
 * On error *r holds nothing to free and err says what and at which byte. */
int dvm_tx_receipt_decode(const uint8_t *buf, size_t len, dvm_tx_receipt *r, char *err, size_t errlen);
void dvm_tx_receipt_free(dvm_tx_receipt *r);
/* BLAKE2b-256(DOMAIN_RECEIPT || encoding): the item of the receipts root. */
void dvm_tx_receipt_hash(const uint8_t *enc, size_t len, uint8_t out[DVM_HASH_BYTES]);

/* ------------------------------------------------------------------ */
/* Genesis (JSON, spec/tx.md §Genesis). */

typedef struct dvm_tx_genesis_asset {
  uint32_t id;
  char symbol[17];
  uint8_t decimals;
} dvm_tx_genesis_asset;

typedef struct dvm_tx_genesis_balance {
  uint8_t address[DVM_ADDR_BYTES];
  uint32_t asset;
  uint64_t amount;
} dvm_tx_genesis_balance;

/* Defaults of the optional genesis keys (spec/tx.md §7). */
#define DVM_GENESIS_BLOCK_GAS_LIMIT 1000000000u /* about one second of execution */
#define DVM_GENESIS_MIN_GAS_PRICE 1u            /* 0 (free transactions) only when written */

typedef struct dvm_tx_genesis {
  char chain_id[DVM_CHAIN_ID_MAX + 1];
  uint64_t time;
  uint64_t block_gas_limit; /* > 0: the sum of a block's gas limits never exceeds it */
  uint64_t min_gas_price;   /* a transaction's gas price is at least this */
  uint32_t asset_count;
  dvm_tx_genesis_asset *assets;      /* sorted by id, unique; asset 0 is the gas token */
  uint32_t balance_count;
  dvm_tx_genesis_balance *balances;  /* in file order */
  uint32_t authority_count;
  uint8_t (*authorities)[DVM_ADDR_BYTES]; /* sorted, unique */
} dvm_tx_genesis;

/* Parse a genesis JSON document (len bytes, need not be NUL-terminated).
 * Every error names the JSON path ("balances[2].amount: ..."). */
int dvm_tx_genesis_parse(const char *json, size_t len, dvm_tx_genesis *g, char *err, size_t errlen);
void dvm_tx_genesis_free(dvm_tx_genesis *g);


#endif
