/* rt_private.h — what the supervisor's files share: the chain, the
 * per-transaction execution context, contract call frames, the gas
 * schedule (spec/syscalls.md, spec/tx.md) and the state key layout
 * (spec/state.md §Keys). Private to runtime/. */
#ifndef DVM_RT_PRIVATE_H
#define DVM_RT_PRIVATE_H

#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#include "runtime.h"
#include "state.h"
#include "tx.h"
#include "vm.h"

/* ---- gas schedule (spec/tx.md §Gas schedule, spec/syscalls.md) ---- */
/* G_TX_BASE pays, besides decoding and the receipt, the first writes in
 * the block of the keys every transaction writes (the sender's account and
 * balances, a transfer's receiver): 2,000 before the commit-aware schedule;
 * 15,000 keeps a block of transfers from distinct senders in a deep
 * accounts table within 1.2x of the ALU loop (spec/gas.md "Measured cost"). */
#define G_TX_BASE 15000u       /* every transaction */
#define G_TX_BYTE 8u           /* per byte of the encoded transaction */
#define G_TX_CALL 500u         /* per call of a batch */
#define G_DEPLOY_BYTE 50u      /* per byte of deployed code */
#define G_SYSTEM_ENTRY 8000u   /* per entry of a system transaction: a new key (price history) or a
                                  * key's first write in the block (latest price, parameter), as G_SFIRST */

#define G_SC_BASE 10u          /* the cheap syscalls: caller, self, height, ... */
#define G_RETURN 10u           /* return / revert, plus 1 per byte */
#define G_RETURN_RECEIPT_BYTE 3u /* ... plus 3 more per byte from the outermost call (into the receipt) */
#define G_LOG 100u             /* plus 50 per topic and 2 per data byte */
#define G_LOG_TOPIC 50u
#define G_LOG_BYTE 2u
#define G_SGET 600u            /* storage get / next, plus 1 per byte read (spec/gas.md) */
#define G_SSET 500u            /* storage set, plus 5 per key+value byte */
#define G_SSET_BYTE 5u
#define G_SDEL 300u
/* Commit-aware storage pricing (spec/gas.md "Storage and the commit"): the
 * first write of a key in a block (set, or del of a key that exists) pays
 * G_SFIRST (its LMDB page and the new lattice element); when the key
 * exists in the last block it also pays G_SOLD + G_SOLD_BYTE per byte of
 * that value (read and hashed out at commit, its pages freed). */
#define G_SFIRST 8000u
#define G_SOLD 500u
#define G_SOLD_BYTE 2u
#define G_SNEXT_SKIP 200u      /* storage_next: per shadowed entry skipped */
#define G_BALANCE 400u         /* a cold descent of a deep accounts table (spec/gas.md) */
#define G_TRANSFER 500u
#define G_ORACLE 100u
#define G_PARAM 200u
#define G_CALL 1000u           /* plus 1 per input byte; the callee's gas is carved out */
#define G_HASH 80u             /* plus 1 per byte (an empty hash is one BLAKE2b block, spec/gas.md) */
#define G_ED25519 45000u       /* about 43 us here at 1 ns per gas */
#define G_HEAP_PAGE 200u       /* per 4 KiB heap page grown */

/* ---- limits ---- */
/* The test build (cmake -DDVM_TEST_LIMITS=ON, as Lua's ltests.h) shrinks a
 * few limits so small tests reach them; never a consensus build. */
#ifdef DVM_TEST_LIMITS
#define RT_MAX_CALL_DEPTH 4u
#define RT_HEAP_CAP (256u << 10)
#define RT_MAX_LOGS 16u
#else
#define RT_MAX_CALL_DEPTH 8u         /* contract frames: the outermost call plus 7 nested */
#define RT_HEAP_CAP (1u << 20)       /* the heap grows by syscall up to 1 MiB */
#define RT_MAX_LOGS 1024u            /* per transaction */
#endif
#define RT_HEAP_PAGE 4096u
#define RT_MAX_TOPICS 4u
#define RT_MAX_LOG_DATA 4096u
#define RT_MAX_RETURN (64u << 10)
#define RT_MAX_STORAGE_KEY (DVM_STATE_KEY_MAX - DVM_ADDR_BYTES)
#define RT_MAX_STORAGE_VALUE (64u << 10)

/* ---- chain metadata (META table, not committed by the root) ---- */
#define RT_META_CHAIN_ID "chain.id"
#define RT_META_GENESIS "chain.genesis"
/* The genesis' gas rules: u64 LE block_gas_limit || u64 LE min_gas_price. */
#define RT_META_GAS "chain.gas"

/* The chain's gas rules (genesis block_gas_limit, min_gas_price). */
typedef struct rt_gas_rules {
  uint64_t block_gas_limit;
  uint64_t min_gas_price;
} rt_gas_rules;

/* ---- state key layout (spec/state.md §Keys) ---- */
/* ACCOUNTS: addr || 0x00 -> account info; addr || 0x01 || asset BE32 -> u64 balance.
 * CODE: code hash -> container.
 * STORAGE: addr || user key -> value; the system address (all zero) holds
 *   "oracle" || feed BE32 -> price i64 || time u64, "param" || key -> value,
 *   "asset" || id BE32 -> symbol, "authority" || pubkey -> "". */
#define RT_ACCT_INFO 0x00u
#define RT_ACCT_BALANCE 0x01u
#define RT_ACCT_CONTRACT 0x1u /* account info flag */

typedef struct rt_account {
  uint64_t nonce;
  uint32_t flags;
  uint8_t code_hash[DVM_HASH_BYTES]; /* when RT_ACCT_CONTRACT */
} rt_account;

extern const uint8_t rt_system_addr[DVM_ADDR_BYTES];

int rt_account_get(dvm_state_overlay *ov, const uint8_t addr[32], rt_account *a); /* absent: zeros, OK */
int rt_account_put(dvm_state_overlay *ov, const uint8_t addr[32], const rt_account *a);
int rt_balance_get(dvm_state_overlay *ov, const uint8_t addr[32], uint32_t asset, uint64_t *amount);
int rt_balance_put(dvm_state_overlay *ov, const uint8_t addr[32], uint32_t asset, uint64_t amount);
/* What rt_transfer did (a state error is negative). */
typedef enum rt_moved {
  RT_MOVED = 0,          /* done */
  RT_MOVED_SHORT = 1,    /* `from` has too little: nothing changed */
  RT_MOVED_OVERFLOW = 2, /* `to` would overflow: nothing changed */
} rt_moved;
/* Move amount: an rt_moved, or a negative state error. */
int rt_transfer(dvm_state_overlay *ov, const uint8_t from[32], const uint8_t to[32], uint32_t asset,
                uint64_t amount);
/* The commit part of writing the balance key of (addr, asset) now
 * (spec/gas.md "Storage and the commit"), added to *gas: 0 when the key
 * was already written in the block, else G_SFIRST, plus G_SOLD +
 * G_SOLD_BYTE · 8 when it exists in the last block. 0 or a state error. */
int rt_balance_commit_gas(dvm_state_overlay *ov, const uint8_t addr[32], uint32_t asset, uint64_t *gas);
int rt_asset_known(dvm_state_overlay *ov, uint32_t asset);
int rt_is_authority(dvm_state_overlay *ov, const uint8_t pk[32]);
void rt_sys_key(uint8_t *key, size_t *klen, const char *tag, const void *suffix, size_t slen);

/* ---- programs ---- */
typedef struct rt_prog_entry {
  uint8_t hash[DVM_HASH_BYTES];
  dvm_vm_program *prog;
} rt_prog_entry;

/* ---- logs and receipts ---- */
typedef struct rt_log {
  uint8_t contract[DVM_ADDR_BYTES];
  uint8_t ntopics;
  uint8_t topics[RT_MAX_TOPICS][32];
  uint32_t data_len;
  uint8_t *data;
} rt_log;

/* ---- one VM and one heap per call depth, allocated on first use: the
 * chain has one set for its blocks, each simulation its own ---- */
typedef struct rt_vmset {
  dvm_vm_exec *vms[RT_MAX_CALL_DEPTH];
  uint8_t *heaps[RT_MAX_CALL_DEPTH];
} rt_vmset;

void rt_vmset_free(rt_vmset *s);

/* ---- a contract call frame ---- */
typedef struct rt_exec rt_exec;

typedef struct rt_frame {
  rt_exec *x;
  unsigned depth;
  uint8_t self[DVM_ADDR_BYTES];
  uint8_t caller[DVM_ADDR_BYTES];
  uint8_t nreceived;
  dvm_tx_asset_amount received[DVM_TX_MAX_ASSETS];
  uint8_t *ret; /* data of dvm_return / dvm_revert (malloc'd) */
  uint32_t ret_len;
  int reverted; /* the halt was a revert */
  uint8_t *child_ret; /* the last callee's return data (malloc'd) */
  uint32_t child_ret_len;
} rt_frame;

struct rt_exec {
  dvm_rt_chain *chain;
  dvm_state_overlay *ov;
  rt_vmset *vm; /* the chain's (rt_exec_init), or a simulation's own */
  uint64_t height, time;
  uint8_t origin[DVM_ADDR_BYTES];
  rt_frame frames[RT_MAX_CALL_DEPTH];
  unsigned depth; /* frames in use */
  rt_log *logs;
  size_t nlogs, logs_cap;
  int fatal; /* a state error under a syscall: the block cannot complete */
  dvm_rt_tracer *trace; /* trace this transaction's calls (trace.c), or NULL */
};

/* Outcome of one contract call (spec/syscalls.md §Calls). */
typedef struct rt_call_out {
  uint8_t status; /* DVM_RT_CALL_* */
  uint8_t trap;
  uint32_t pc;
  int32_t detail;
  uint64_t gas_used;
  uint64_t r0;
  uint8_t *ret; /* malloc'd, caller frees */
  uint32_t ret_len;
} rt_call_out;

struct dvm_rt_chain {
  dvm_state_store *store;
  dvm_state_overlay *ov;
  char chain_id[DVM_CHAIN_ID_MAX + 1];
  rt_gas_rules gas_rules; /* META chain.gas, read with the head */
  int has_genesis;
  uint64_t height; /* last committed block */
  uint64_t time;
  uint8_t last_hash[DVM_HASH_BYTES];
  unsigned threads;
  int verify_sigs;
  /* The syscall table programs are loaded against (dvm_rt_syscalls(), set
   * at open): handed down as data so that call.c names no syscall file. */
  const dvm_vm_syscall_table *syscalls;
  /* program cache, sorted by hash (in memory only, never committed),
   * shared by the writer and simulations on other threads: prog_lock */
  pthread_mutex_t prog_lock;
  rt_prog_entry *progs;
  size_t nprogs, progs_cap;
  rt_vmset vm; /* the writer's */
  struct rt_observer *obs; /* replay.c: what block execution reports, or NULL */
  char err[256]; /* the writer's last failure (genesis, produce, apply) */
};

/* What block execution reports to replay.c while c->obs is set (NULL in
 * normal operation: no cost). */
typedef struct rt_observer {
  void *ctx;
  int64_t trace_index;   /* position of the transaction to trace, -1 none */
  dvm_rt_tracer *tracer;
  /* After each executed transaction: its position, the transaction and its
   * encoded receipt (borrowed for the call). */
  void (*tx_done)(void *ctx, uint32_t index, const dvm_tx *tx, const uint8_t *receipt, size_t len);
  /* The header execution gives, before the commit; non-zero aborts the
   * commit (nothing written; the block fails with ERR_BLOCK). */
  int (*roots)(void *ctx, const dvm_tx_block_header *computed);
  int64_t invalid_index; /* a strict apply sets it to the invalid transaction's position */
} rt_observer;

/* ---- reads of the last committed state, on any thread ---- */

/* A read view (its own LMDB read transaction) and a scratch overlay on it,
 * for the accessors above and for simulations; never committed. */
typedef struct rt_read {
  dvm_state_view *view;
  dvm_state_overlay *ov;
} rt_read;

/* The head the view sees: block height, header and hash, chain id. */
typedef struct rt_head {
  uint64_t height;
  dvm_tx_block_header header;
  uint8_t hash[DVM_HASH_BYTES];
  char chain_id[DVM_CHAIN_ID_MAX + 1];
  rt_gas_rules gas_rules;
} rt_head;

int rt_read_begin(dvm_rt_chain *c, rt_read *r); /* a dvm_rt_err */
void rt_read_end(rt_read *r);
/* DVM_RT_ERR_GENESIS before the first block. */
int rt_read_head(rt_read *r, rt_head *h);
/* A state code as a dvm_rt_err, without a message (any thread). */
int rt_state_err(int rc);

/* chain.c: the writer's side of the chain */
/* Set the chain's message (printf-style); returns 0 so that callers can
 * write `return rt_errf(c, ...), CODE;`. */
int rt_errf(dvm_rt_chain *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A state code as a dvm_rt_err, with "what: ..." in the message. */
int rt_state_rc(dvm_rt_chain *c, int rc, const char *what);
/* Throw away every uncommitted write (a failed block) and re-read the head;
 * the chain's message is kept. */
void rt_reset_overlay(dvm_rt_chain *c);
/* Key of a block in BLOCKS: the height, big-endian. */
void rt_height_key(uint8_t key[8], uint64_t height);

/* execute.c: one transaction, one receipt */
/* One entry of a receipt while the transaction runs: the call's outcome
 * (return data owned) and its logs, x->logs[log_from..log_to). */
typedef struct rt_entry {
  rt_call_out o;
  size_t log_from, log_to;
} rt_entry;
/* Encode receipt `r` (its calls ignored) with entries e[0..n) over `logs`;
 * *out malloc'd. 0 or DVM_STATE_ERR_NOMEM. */
int rt_receipt_encode(dvm_tx_receipt *r, const rt_entry *e, unsigned n, const rt_log *logs, uint8_t **out,
                      size_t *out_len);
/* Execute a valid transaction (tx_valid said so; `intrinsic` is its
 * intrinsic gas) into the chain's overlay as transaction `index` of block
 * `height`: nonce, fee escrow, the kind's effects, fee and refund. On 0,
 * *receipt (malloc'd) is its encoded receipt and *gas the gas it used; any
 * other return is a state error and the block must fail. */
int rt_tx_execute(dvm_rt_chain *c, const dvm_tx *tx, uint64_t height, uint64_t time, uint32_t index,
                  uint64_t intrinsic, uint8_t **receipt, size_t *receipt_len, uint64_t *gas);

/* call.c */
int rt_invoke(rt_exec *x, const uint8_t caller[32], const uint8_t contract[32], const char *method,
              size_t method_len, const uint8_t *input, uint32_t input_len,
              const dvm_tx_asset_amount *assets, unsigned nassets, uint64_t gas, rt_call_out *out);
/* The loaded program of a code hash, from the cache or read through `ov`
 * (any thread; programs stay until the chain closes). */
int rt_prog_get(dvm_rt_chain *c, dvm_state_overlay *ov, const uint8_t hash[32], dvm_vm_program **out);
void rt_exec_init(rt_exec *x, dvm_rt_chain *c, dvm_state_overlay *ov, uint64_t height, uint64_t time);
void rt_exec_release(rt_exec *x);
int rt_log_push(rt_exec *x, const rt_log *l);
int rt_vm_for_depth(rt_vmset *s, unsigned depth, dvm_vm_exec **vm, uint8_t **heap);

/* check.c: spec/tx.md §Validity, the part that depends on the sender's
 * account and balance of asset 0 (chain id and signature are checked
 * before). A block takes the next nonce only; a mempool takes later ones. */
typedef enum rt_nonce_rule {
  RT_NONCE_NEXT,          /* nonce == the account's */
  RT_NONCE_NEXT_OR_LATER, /* nonce >= the account's */
} rt_nonce_rule;
uint64_t rt_intrinsic_gas(const dvm_tx *tx);
/* DVM_RT_OK with *intrinsic, or DVM_RT_ERR_TX with the reason in err. */
int rt_tx_admissible(const dvm_tx *tx, const rt_gas_rules *g, const rt_account *a, uint64_t gas_balance,
                     rt_nonce_rule rule, uint64_t *intrinsic, char *err, size_t errlen);

/* chain.c: dvm_rt_chain_open, or with scratch = 1 a throwaway state whose
 * commits do not fsync (replay's fresh states). */
int rt_chain_open(const char *dir, const dvm_rt_chain_opts *opts, int scratch, dvm_rt_chain **out, char *errbuf);

/* sysnames.c: the name of syscall n (n < rt_syscall_names_count; NULL for 0). */
extern const char *const rt_syscall_names[];
extern const uint32_t rt_syscall_names_count;

/* trace.c: a line to the sink unless it asked to stop (then -1). */
int rt_trace_emit(dvm_rt_tracer *t, const char *line, size_t len);


#endif
