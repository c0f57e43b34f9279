/* runtime.h — libdvm: the DVM supervisor a node embeds. Syscalls, gas
 * schedule, contract call frames, journaled LMDB state, transactions,
 * blocks and receipts. The only public header of runtime/.
 * Normative text: spec/syscalls.md, spec/tx.md, spec/state.md, spec/gas.md.
 *
 * Threads: one thread at a time is the chain's writer: it calls genesis,
 * produce, apply, audit, errmsg and close (the store's only writer).
 * Signature checks of a block run on every core inside produce/apply;
 * execution is sequential. The queries (dvm_rt_chain_head, _gas_rules,
 * _balance, _nonce, _storage, _block, _receipt, _simulate) and dvm_rt_chain_check_tx
 * may be called from any number of other threads at the same time as the
 * writer and each other: each call reads its own LMDB read view of the
 * last committed block (a block being produced is not seen until it
 * commits) and writes nothing the writer reads. Close only when no other
 * thread is inside a call.
 *
 * Errors: 0 or a negative dvm_rt_err; dvm_rt_chain_errmsg() says what and
 * where for the writer's last failure (queries return the code only). A
 * failed produce/apply changes nothing: the chain still holds its last
 * committed block. */
#ifndef DVM_RUNTIME_H
#define DVM_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#include "tx.h"
#include "vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The syscall table of spec/syscalls.md: stable numbers, names and the
 * handlers. Static storage; valid for the process. */
const dvm_vm_syscall_table *dvm_rt_syscalls(void);
/* Number of the syscall called `name`, or -1. */
int dvm_rt_syscall_number(const char *name);

typedef enum dvm_rt_err {
  DVM_RT_OK = 0,
  DVM_RT_ERR_ARG = -401,      /* a documented precondition was broken */
  DVM_RT_ERR_STATE = -402,    /* the store failed (LMDB, disk, map size) */
  DVM_RT_ERR_TX = -403,       /* a transaction is invalid (signature, nonce, fee, format) */
  DVM_RT_ERR_BLOCK = -404,    /* a block is invalid (parent, height, time, roots) */
  DVM_RT_ERR_GENESIS = -405,  /* genesis malformed, or already applied / missing */
  DVM_RT_ERR_NOMEM = -406,
  DVM_RT_ERR_NOTFOUND = -407, /* no such block, receipt, account or key */
  DVM_RT_ERR_FULL = -408,     /* the block is full (bytes or gas): left for the next one */
} dvm_rt_err;

const char *dvm_rt_strerror(int code);

/* Status of one call (a receipt entry). */
enum {
  DVM_RT_CALL_OK = 0,     /* returned (exit or dvm_return) */
  DVM_RT_CALL_REVERT = 1, /* dvm_revert: effects undone, gas used so far charged */
  DVM_RT_CALL_TRAP = 2,   /* trap: effects undone, the call's whole gas limit charged */
  DVM_RT_CALL_FAILED = 3, /* refused before running (detail: dvm_rt_fail) */
};

/* Why a call or transaction failed (receipt detail of FAILED and of a
 * syscall_arg trap raised by the supervisor). */
typedef enum dvm_rt_fail {
  DVM_RT_F_NONE = 0,
  DVM_RT_F_NO_CONTRACT = 1,   /* no contract at the address */
  DVM_RT_F_NO_METHOD = 2,     /* the contract exports no such method */
  DVM_RT_F_DEPTH = 3,         /* cross-contract call depth limit */
  DVM_RT_F_REENTRANCY = 4,    /* callee on the call stack and not re-entrant */
  DVM_RT_F_FUNDS = 5,         /* not enough balance to transfer / attach */
  DVM_RT_F_ASSET = 6,         /* unknown asset id */
  DVM_RT_F_NOT_AUTHORITY = 7, /* a system transaction from a non-authority */
  DVM_RT_F_BAD_CODE = 8,      /* deployed code does not load (container, verifier) */
  DVM_RT_F_BAD_ARG = 9,       /* a syscall argument out of range */
  DVM_RT_F_FX = 10,           /* a fixed-point function's domain or range error */
  DVM_RT_F_LIMIT = 11,        /* a size limit (logs, return data, key, value, heap) */
  DVM_RT_F_OVERFLOW = 12,     /* a balance would overflow */
} dvm_rt_fail;

const char *dvm_rt_fail_name(int detail);

typedef struct dvm_rt_chain dvm_rt_chain;

typedef struct dvm_rt_chain_opts {
  size_t map_size_initial; /* LMDB map, bytes; 0 = 64 MiB (grows by itself) */
  unsigned threads;        /* signature and lattice threads; 0 = online cores */
  int skip_signatures;     /* benchmarks only: do not verify signatures */
} dvm_rt_chain_opts;

/* Open (create) the chain state in directory `dir`. A new directory has no
 * genesis: call dvm_rt_chain_genesis. On error *out is NULL and errbuf (if
 * not NULL, 256 bytes) says why. */
int dvm_rt_chain_open(const char *dir, const dvm_rt_chain_opts *opts, dvm_rt_chain **out,
                      char *errbuf);
void dvm_rt_chain_close(dvm_rt_chain *c);
const char *dvm_rt_chain_errmsg(const dvm_rt_chain *c);

/* Apply a genesis JSON document (spec/tx.md §Genesis) as block 0. Refused
 * (ERR_GENESIS) when the chain already has a block. */
int dvm_rt_chain_genesis(dvm_rt_chain *c, const char *json, size_t len);

/* The last committed block: height, hash, state root, time, chain id.
 * ERR_GENESIS before genesis. Any pointer may be NULL. */
int dvm_rt_chain_head(const dvm_rt_chain *c, uint64_t *height, uint8_t hash[32], uint8_t root[32],
                      uint64_t *time);
const char *dvm_rt_chain_id(const dvm_rt_chain *c);

/* The chain's gas rules (genesis `block_gas_limit` and `min_gas_price`,
 * spec/tx.md §7 rule 8), read on a read view of the last committed block:
 * thread-safe like the other queries. ERR_GENESIS before genesis. Either
 * pointer may be NULL. */
int dvm_rt_chain_gas_rules(const dvm_rt_chain *c, uint64_t *block_gas_limit, uint64_t *min_gas_price);

/* What the mempool learns from a transaction check. */
typedef struct dvm_rt_tx_info {
  uint8_t id[32]; /* transaction id */
  uint8_t sender[32];
  uint8_t kind;           /* DVM_TX_* */
  uint64_t nonce;         /* the transaction's nonce */
  uint64_t account_nonce; /* the sender's next nonce in the committed state */
  uint64_t gas_limit;
  uint64_t gas_price;
  uint64_t max_fee; /* gas_limit x gas_price (UINT64_MAX when that overflows: refused) */
  uint32_t ncalls;  /* call batch size (1 for other kinds) */
  uint32_t len;     /* encoded length */
} dvm_rt_tx_info;

/* Check an encoded transaction against the last committed state without
 * executing anything, in this order: encoding, chain id, signature (unless
 * the chain skips signatures), sender not a contract, nonce >= the
 * account's next nonce, gas price >= the chain's minimum, gas limit >=
 * intrinsic gas plus the calls' (or init's) gas limits and <= the block gas
 * limit, fee funds (balance of asset 0 >= max fee). A block
 * takes the transaction when in addition its nonce is exactly the
 * account's next one. Returns 0, or DVM_RT_ERR_TX with the reason in
 * errbuf (256 bytes; may be NULL), e.g. "encoding: ...", "chain id 'x' is
 * not 'y'", "signature does not verify", "sender is a contract", "nonce 3,
 * expected at least 5", "gas limit 100 below the 2904 the transaction
 * needs", "gas price 0 below the chain's minimum 1", "gas limit 2000000000
 * above the block gas limit 1000000000", "balance 0 of asset 0 below the
 * maximum fee 5000";
 * DVM_RT_ERR_GENESIS ("no genesis") before genesis, DVM_RT_ERR_STATE,
 * DVM_RT_ERR_NOMEM, DVM_RT_ERR_ARG. info (may be NULL) is filled as far as
 * the transaction decoded (account_nonce once the state was read).
 * Thread-safe: may run on any thread concurrently with produce/apply (own
 * LMDB read view). */
int dvm_rt_chain_check_tx(dvm_rt_chain *c, const uint8_t *tx, size_t len, dvm_rt_tx_info *info,
                          char *errbuf);

/* Build, execute and commit the next block from candidate transactions
 * (encoded, in order). Invalid ones (bad encoding, chain id, signature,
 * nonce, gas price below the minimum, gas limit above the block gas limit,
 * fee funds, intrinsic gas) are left out and counted; rejected[i] (if not
 * NULL) gets the dvm_rt_err of candidate i, 0 when included, and
 * DVM_RT_ERR_FULL for those past the block size limit (32 MiB encoded) and
 * for the first valid one whose gas limit is above the block's gas left
 * (block gas limit - gas used so far) and every candidate after it: a
 * producer offers them again in the next block.
 * time must be >= the parent's. On OK, *block (if not NULL) receives the
 * encoded block (malloc'd; caller frees) and *block_len its length. */
typedef struct dvm_rt_block_info {
  uint64_t height;
  uint8_t hash[32];
  uint8_t state_root[32];
  uint8_t receipts_root[32];
  uint32_t included;
  uint32_t rejected;
  uint64_t gas_used;
} dvm_rt_block_info;

int dvm_rt_chain_produce(dvm_rt_chain *c, const uint8_t *const *txs, const size_t *lens, size_t n,
                         uint64_t time, int *rejected, dvm_rt_block_info *info, uint8_t **block,
                         size_t *block_len);

/* Validate and execute an encoded block (a replica, or replay): it must
 * extend the head, every transaction must be valid, and the header's
 * tx root, state root and receipts root must equal what execution gives.
 * Commits on success; on ERR_BLOCK the message names the first difference. */
int dvm_rt_chain_apply(dvm_rt_chain *c, const uint8_t *block, size_t len, dvm_rt_block_info *info);

/* Queries of the last committed state (any thread, see above). */
int dvm_rt_chain_balance(dvm_rt_chain *c, const uint8_t addr[32], uint32_t asset, uint64_t *amount);
int dvm_rt_chain_nonce(dvm_rt_chain *c, const uint8_t addr[32], uint64_t *nonce);
/* A contract's storage value: *val malloc'd (caller frees). */
int dvm_rt_chain_storage(dvm_rt_chain *c, const uint8_t contract[32], const uint8_t *key,
                         size_t klen, uint8_t **val, size_t *vlen);
/* The encoded block at height / the encoded receipt of a transaction id:
 * malloc'd (caller frees). */
int dvm_rt_chain_block(dvm_rt_chain *c, uint64_t height, uint8_t **out, size_t *len);
int dvm_rt_chain_receipt(dvm_rt_chain *c, const uint8_t tx_id[32], uint8_t **out, size_t *len);
/* Recompute the state root over every entry and compare with the stored
 * one (an audit): OK, or ERR_STATE with the message. The writer's thread. */
int dvm_rt_chain_audit(dvm_rt_chain *c, uint8_t root[32]);

/* ------------------------------------------------------------------ */
/* Receipts (spec/tx.md §Receipts), decoded: the codec is tx/tx.h's
 * (dvm_tx_receipt_*); these names and functions stay for libdvm's users.
 * Pointers borrow from the encoded buffer; calls and logs are allocated
 * (dvm_rt_receipt_free). decode: 0, ERR_ARG (malformed), ERR_NOMEM. */

typedef dvm_tx_log_view dvm_rt_log_view;
typedef dvm_tx_receipt_call dvm_rt_call_receipt; /* status DVM_RT_CALL_*, detail dvm_rt_fail */
typedef dvm_tx_receipt dvm_rt_receipt;

int dvm_rt_receipt_decode(const uint8_t *buf, size_t len, dvm_rt_receipt *r);
void dvm_rt_receipt_free(dvm_rt_receipt *r);

/* Run one call against the last committed state and throw the effects
 * away (eth_call), as if in block head + 1 at the head's time, with at
 * most the block gas limit (a larger `gas` is cut to it). The receipt
 * is encoded into *out (malloc'd). Any thread: its own read view, scratch
 * overlay and VMs. */
int dvm_rt_chain_simulate(dvm_rt_chain *c, const uint8_t from[32], const uint8_t contract[32],
                          const char *method, const uint8_t *input, uint32_t input_len,
                          uint64_t gas, uint8_t **out, size_t *out_len);

/* ------------------------------------------------------------------ */
/* Instruction traces (spec/trace.md): JSON lines, one object per executed
 * instruction (pc, op, name, gas, gasCost, depth, frame, regs, and for a
 * syscall its name and r1..r5), then one summary line per transaction,
 * shaped like EIP-3155 traces so that two traces diff line by line.
 *
 * A sink receives each line (NUL-terminated, without the newline; borrowed
 * for the call). It returns 0, or non-zero to stop the trace: no further
 * line is formatted, and the execution itself goes on unchanged. */
typedef int (*dvm_rt_trace_sink)(void *ctx, const char *line, size_t len);

typedef struct dvm_rt_tracer dvm_rt_tracer;

int dvm_rt_tracer_new(dvm_rt_trace_sink sink, void *ctx, dvm_rt_tracer **out);
void dvm_rt_tracer_free(dvm_rt_tracer *t);
/* Run vm (initialised, not yet run) on the reference interpreter, writing
 * a line per instruction at contract call depth `depth` (1 = a
 * transaction's own call). Same result as dvm_vm_run_ref. */
const dvm_vm_result *dvm_rt_tracer_run(dvm_rt_tracer *t, dvm_vm_exec *vm, unsigned depth);
/* Instruction lines written so far. */
uint64_t dvm_rt_tracer_lines(const dvm_rt_tracer *t);

/* The trace of one committed transaction (the engine of the node's
 * dvm_traceTransaction): rebuilds the state before its block in a
 * temporary directory by re-executing the chain from genesis (signatures
 * are not checked again: the chain committed these blocks), then executes
 * the block with the transaction traced, its lines and summary going to
 * `sink`. Reads c only through LMDB read views, so it may run on another
 * thread while c produces blocks; cost: one replay up to that block.
 * ERR_NOTFOUND when no receipt has that id; errbuf (256 bytes, may be NULL)
 * says what failed. */
int dvm_rt_chain_trace_tx(dvm_rt_chain *c, const uint8_t tx_id[32], dvm_rt_trace_sink sink, void *ctx,
                          char *errbuf);

/* The genesis document the chain was created from (malloc'd; caller frees). */
int dvm_rt_chain_genesis_json(dvm_rt_chain *c, char **json, size_t *len);

/* ------------------------------------------------------------------ */
/* Replay (README §Replay, spec/trace.md §Divergence): re-execute a data
 * directory's stored blocks from genesis into a fresh state and compare,
 * block by block, the stored block records and every stored receipt with
 * what execution gives, then the stored state entries with the replayed
 * ones. The data directory is only read (LMDB read views). */

typedef struct dvm_rt_replay dvm_rt_replay;

typedef struct dvm_rt_replay_opts {
  uint64_t from;           /* compare from this block on; the blocks before it are
                            * re-executed without signature checks or receipt
                            * comparison, only to rebuild the state (0 = 1) */
  uint64_t to;             /* last block (0 = the stored head) */
  const uint8_t *trace_tx; /* 32 bytes: trace this transaction when its block runs; NULL none */
  dvm_rt_trace_sink sink;  /* where traces go (trace_tx, and the divergent transaction) */
  void *sink_ctx;
  const char *work_dir;    /* parent of the fresh state's temporary directory; NULL: $TMPDIR or /tmp */
  unsigned threads;        /* 0 = online cores */
  int skip_signatures;     /* trust the signatures of every block */
} dvm_rt_replay_opts;

/* One divergence: the first place the stored record and the re-execution
 * disagree. Text fields are NUL-terminated, long values cut with "...". */
typedef struct dvm_rt_divergence {
  uint64_t height;  /* the block */
  int64_t index;    /* the transaction's position in it, or -1: the block as a whole */
  uint8_t tx_id[32];/* when index >= 0 */
  char what[96];    /* e.g. "receipt.calls[0].gas_used", "header.state_root",
                     * "state entry", "transaction validity" */
  char expected[320]; /* the stored value */
  char actual[320];   /* what re-execution gives */
  char detail[320];   /* more context (the state key, why a transaction is invalid) */
  int traced;       /* a trace of the transaction went to the sink */
} dvm_rt_divergence;

typedef struct dvm_rt_replay_step_info {
  uint64_t height;  /* block just replayed */
  uint64_t last;    /* last block this replay will do */
  uint32_t txs;
  uint64_t gas;
  int compared;     /* 1 when this block was compared (height >= from) */
  /* DONE only: whether the stored state was compared entry by entry (not
   * when `to` is below the head, or a live node has moved on), and how
   * many entries matched. */
  int state_compared;
  uint64_t state_entries;
} dvm_rt_replay_step_info;

enum {
  DVM_RT_REPLAY_MATCH = 0,    /* the block matched; more to do */
  DVM_RT_REPLAY_DONE = 1,     /* everything matched, final state included */
  DVM_RT_REPLAY_DIVERGED = 2, /* *div says where; the replay is over */
};

/* Open the data directory `data_dir` (a chain's LMDB directory; it must
 * exist) and start a fresh state from its genesis. ERR_* and errbuf (256
 * bytes, may be NULL) on failure. */
int dvm_rt_replay_open(const char *data_dir, const dvm_rt_replay_opts *opts, dvm_rt_replay **out,
                       char *errbuf);
/* The same over a chain this process has open (the data directory cannot be
 * opened twice by one process); c must outlive the replay. */
int dvm_rt_replay_open_chain(dvm_rt_chain *c, const dvm_rt_replay_opts *opts, dvm_rt_replay **out,
                             char *errbuf);
/* Stored head height and the first and last block this replay covers. */
void dvm_rt_replay_range(const dvm_rt_replay *r, uint64_t *head, uint64_t *from, uint64_t *to);
/* Replay the next block (after the last one, compare the final state when
 * `to` is the head). MATCH, DONE, DIVERGED (with *div), or a negative
 * dvm_rt_err (I/O, memory; dvm_rt_replay_errmsg says what). */
int dvm_rt_replay_step(dvm_rt_replay *r, dvm_rt_replay_step_info *info, dvm_rt_divergence *div);
const char *dvm_rt_replay_errmsg(const dvm_rt_replay *r);
/* Close, removing the fresh state. NULL ok. */
void dvm_rt_replay_close(dvm_rt_replay *r);

/* ------------------------------------------------------------------ */
/* Export and import (README §Export): a chain's genesis and blocks in one
 * file (spec/export.md) that `dvm import` turns into a data directory on
 * another machine, where `dvm replay` verifies them. */

/* Write genesis and blocks 0..head of the data directory to `path`
 * (created or replaced; written to path.tmp then renamed). *blocks (may be
 * NULL) gets the number of blocks written. */
int dvm_rt_export(const char *data_dir, const char *path, uint64_t *blocks, char *errbuf);
/* Check the whole file (structure, lengths, checksum) before anything is
 * written, then build the data directory in a temporary sibling of
 * `data_dir` by applying every block (full validation) and rename it into
 * place. data_dir must not exist or be empty; on any failure it is left as
 * it was. *blocks (may be NULL) gets the head height. */
int dvm_rt_import(const char *path, const char *data_dir, const dvm_rt_chain_opts *opts, uint64_t *blocks,
                  char *errbuf);

/* ------------------------------------------------------------------ */
/* Sandbox for `dvm exec`: an ephemeral chain in a temporary directory with
 * every syscall available to a standalone program. */

typedef struct dvm_rt_sandbox dvm_rt_sandbox;

int dvm_rt_sandbox_open(dvm_rt_sandbox **out, char *errbuf);
void dvm_rt_sandbox_close(dvm_rt_sandbox *s);
/* The ctx to pass to dvm_vm_exec_init for a run in the sandbox. */
void *dvm_rt_sandbox_ctx(dvm_rt_sandbox *s);
/* After a run: the return data or revert message (borrowed until the next
 * run or close), whether it was a revert, and the number of logs. */
void dvm_rt_sandbox_output(dvm_rt_sandbox *s, const uint8_t **ret, uint32_t *ret_len,
                           int *reverted, uint32_t *nlogs);
/* After a run: log i (< nlogs): its topics (ntopics x 32 bytes) and data,
 * borrowed like the return data. 0, or -1 when i is out of range. */
int dvm_rt_sandbox_log(dvm_rt_sandbox *s, uint32_t i, const uint8_t **topics, uint32_t *ntopics,
                       const uint8_t **data, uint32_t *data_len);
/* The heap of a contract call starts at DVM_VM_HEAP_DEFAULT bytes and grows
 * by dvm_heap_grow to this cap (spec/syscalls.md); the test-limits build
 * shrinks it as rt_private.h's RT_HEAP_CAP. */
#ifdef DVM_TEST_LIMITS
#define DVM_RT_HEAP_CAP (256u << 10)
#else
#define DVM_RT_HEAP_CAP (1u << 20)
#endif

#ifdef __cplusplus
}
#endif
#endif
