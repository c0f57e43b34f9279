/* state.h — the runtime's state layer: LMDB store, journaled overlay,
 * lattice-hash state commitment and block commit. Private to runtime/
 * (the supervisor builds on it; cli/, node/ and embedders use runtime.h).
 * Normative text: spec/state.md.
 *
 * Objects and threads, in one paragraph. A dvm_state_store is one LMDB
 * environment (a directory). It has ONE writer: the thread that holds the
 * store's only dvm_state_overlay (the block being built) and commits it.
 * Read-only views (dvm_state_view) may be begun, used and ended by any number of
 * other threads at the same time, each view by one thread; they read the last
 * committed block and never block the writer (except map growth, below).
 * Only one process may open a store directory for writing, and a process
 * opens a directory at most once (an LMDB rule).
 *
 * Tables: keys are 1..DVM_STATE_KEY_MAX bytes, values 0..DVM_STATE_VAL_MAX bytes
 * (records written by a commit: 0..DVM_STATE_RECORD_VAL_MAX, for whole blocks),
 * both opaque byte strings ordered by memcmp, a shorter key first when one is
 * a prefix of the other. ACCOUNTS, CODE and STORAGE are the state tables,
 * committed by the state root; BLOCKS, RECEIPTS and META are not.
 *
 * Pointers handed out (dvm_state_bytes) point into the overlay or into LMDB's
 * map; each function says how long they stay valid. Never write through them.
 *
 * Errors: every function returns DVM_STATE_OK (0) or a negative code of
 * dvm_state_err; dvm_state_strerror() names it, and
 * dvm_state_store_errmsg() says what and where for the last failure on a store.
 * No function prints, exits or aborts on a run-time failure. */
#ifndef DVM_STATE_H
#define DVM_STATE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Tables (spec/state.md §1). The numbers are part of the commitment.  */

#define DVM_STATE_T_ACCOUNTS 0u /* state: account records */
#define DVM_STATE_T_CODE     1u /* state: contract code */
#define DVM_STATE_T_STORAGE  2u /* state: contract storage */
#define DVM_STATE_T_BLOCKS   3u /* history: block records */
#define DVM_STATE_T_RECEIPTS 4u /* history: receipts */
#define DVM_STATE_T_META     5u /* chain metadata; keys "dvm.state.*" reserved */
#define DVM_STATE_TABLE_COUNT 6u
#define DVM_STATE_TABLES 3u /* tables 0..2 are committed by the root */

#define DVM_STATE_KEY_MAX 511u      /* LMDB's default maximum key size */
#define DVM_STATE_VAL_MAX 1048576u  /* 1 MiB: values of the overlay (state, META) */
#define DVM_STATE_RECORD_VAL_MAX (64u << 20) /* values of commit records (blocks, receipts) */

/* Reserved META keys the commit writes (spec/state.md §6). */
#define DVM_STATE_META_PREFIX "dvm.state."
#define DVM_STATE_META_HEIGHT "dvm.state.height" /* u64 little-endian */
#define DVM_STATE_META_ROOT   "dvm.state.root"   /* 32 bytes */
#define DVM_STATE_META_LTHASH "dvm.state.lthash" /* 2048 bytes: the lattice sum */
#define DVM_STATE_META_FORMAT "dvm.state.format" /* u32 little-endian, = 1 */

/* ------------------------------------------------------------------ */
/* The state layer's codes: -201..-299 of the one error space
 * (spec/errors.md, base/errors.def), never clashing with errno values,
 * LMDB codes (-30800..) or other dvm_ layers. */

typedef enum dvm_state_err {
  DVM_STATE_OK = 0,
  DVM_STATE_NOTFOUND = -201,    /* no such key / no further key / no block yet */
  DVM_STATE_ERR_ARG = -202,     /* a documented precondition was broken */
  DVM_STATE_ERR_NOMEM = -203,   /* allocation failed */
  DVM_STATE_ERR_SIZE = -204,    /* key or value length out of range */
  DVM_STATE_ERR_LMDB = -205,    /* LMDB failed; dvm_state_store_errmsg() has the detail */
  DVM_STATE_ERR_FAILED = -206,  /* store refuses writes after a failed commit */
  DVM_STATE_ERR_CORRUPT = -207, /* stored metadata malformed or root mismatch */
  DVM_STATE_ERR_HEIGHT = -208,  /* commit height is not last height + 1 */
  DVM_STATE_ERR_BUSY = -209,    /* store has its overlay / map growth timed out on views */
  DVM_STATE_ERR_MAPFULL = -210, /* map would grow beyond map_size_max */
  DVM_STATE_ERR_THREAD = -211,  /* a worker thread could not be started */
  DVM_STATE_ERR_LIMIT = -212,   /* next() would skip more shadowed entries than allowed */
} dvm_state_err;

/* libsodium must be initialised (sodium_init) before the dvm_state_lthash_
 * functions are used on their own; dvm_state_store_open does it. */

/* Same as dvm_strerror() (base.h): "NAME: message" for any code of any
 * library; static storage, never NULL. */
const char *dvm_state_strerror(int code);

/* A byte string somebody else owns; see each function for its lifetime. */
typedef struct dvm_state_bytes {
  const uint8_t *data;
  size_t len;
} dvm_state_bytes;

/* ------------------------------------------------------------------ */
/* Lattice hash (spec/state.md §4). A value type: 1024 u16 lanes.       */

#define DVM_STATE_LTHASH_LANES 1024u
#define DVM_STATE_LTHASH_BYTES 2048u
#define DVM_STATE_ROOT_BYTES 32u

typedef struct dvm_state_lthash {
  uint16_t lane[DVM_STATE_LTHASH_LANES];
} dvm_state_lthash;

/* The element of one entry: ChaCha20 keystream keyed by the BLAKE2b-256 of
 * the entry's encoding. `key` may be NULL iff klen is 0, same for `val`.
 * Pure; no failure; about 1.2 us. */
void dvm_state_lthash_element(dvm_state_lthash *out, unsigned table, const void *key,
                           size_t klen, const void *val, size_t vlen);
void dvm_state_lthash_zero(dvm_state_lthash *h);
void dvm_state_lthash_add(dvm_state_lthash *acc, const dvm_state_lthash *x); /* lane-wise, mod 2^16 */
void dvm_state_lthash_sub(dvm_state_lthash *acc, const dvm_state_lthash *x);
/* Root = BLAKE2b-256 of the 2048-byte little-endian encoding. */
void dvm_state_lthash_root(const dvm_state_lthash *h, uint8_t root[DVM_STATE_ROOT_BYTES]);
void dvm_state_lthash_encode(const dvm_state_lthash *h, uint8_t out[DVM_STATE_LTHASH_BYTES]);
void dvm_state_lthash_decode(dvm_state_lthash *h, const uint8_t in[DVM_STATE_LTHASH_BYTES]);

/* One entry's net change over a block: present flags say whether the key
 * existed before (old) and exists after (new). Pointers borrowed. */
typedef struct dvm_state_lthash_change {
  unsigned table;
  int old_present, new_present;
  dvm_state_bytes key, old_val, new_val;
} dvm_state_lthash_change;

/* delta = sum over changes of element(new) - element(old), computed on
 * `threads` threads (0 or 1: the calling thread only). The result does not
 * depend on the thread count. On ERR_THREAD/ERR_NOMEM *delta is unspecified. */
int dvm_state_lthash_delta(dvm_state_lthash *delta, const dvm_state_lthash_change *changes,
                        size_t n, unsigned threads);

/* ------------------------------------------------------------------ */
/* Store.                                                              */

typedef struct dvm_state_store dvm_state_store;

#define DVM_STATE_ERRMSG_MAX 256u /* bytes of an error message, NUL included */

typedef struct dvm_state_store_opts {
  size_t map_size_initial; /* bytes; default 64 MiB; rounded up by LMDB to pages */
  size_t map_size_max;     /* growth stops here (ERR_MAPFULL); default 1 TiB */
  unsigned threads;        /* lattice worker threads; 0 = online cores */
  int no_sync;             /* a throwaway store (replay's fresh state): commits do not
                            * fsync (LMDB MDB_NOSYNC); a crash may lose or corrupt it */
} dvm_state_store_opts;

/* Fill `o` with the defaults above. */
void dvm_state_store_opts_default(dvm_state_store_opts *o);

/* Open (creating if needed) the store in directory `dir` (created if missing,
 * mode 0700). `opts` may be NULL for defaults; it is copied. A new store has
 * no block (dvm_state_store_last() says NOTFOUND) and the empty state. An
 * existing one is checked: its stored root must equal BLAKE2b(stored sum),
 * else ERR_CORRUPT. On any error *out is NULL, nothing is left open and, if
 * `errbuf` is not NULL, it gets what failed and where. */
int dvm_state_store_open(const char *dir, const dvm_state_store_opts *opts, dvm_state_store **out,
                      char errbuf[DVM_STATE_ERRMSG_MAX]);

/* Close. The overlay and all views must have been freed / ended. NULL ok. */
void dvm_state_store_close(dvm_state_store *s);

/* Height and state root of the last committed block. Before the first
 * commit: NOTFOUND, *height = 0 and root = the empty-state root. Either
 * pointer may be NULL. Reads the in-memory copy the commit updates, so call
 * it from the writer's thread (others: dvm_state_view_last). Cannot fail. */
int dvm_state_store_last(const dvm_state_store *s, uint64_t *height, uint8_t root[DVM_STATE_ROOT_BYTES]);

/* The lattice sum of the last committed state (copied into *h). Writer's
 * thread, as dvm_state_store_last. */
void dvm_state_store_lthash(const dvm_state_store *s, dvm_state_lthash *h);

/* Text of the last failure of a writer-side call on `s` (open, overlay,
 * commit, reset), e.g. "mdb_put(storage) for block 7: MDB_MAP_FULL...";
 * "" after a successful commit or reset. Valid until the next such call.
 * Views never write it. */
const char *dvm_state_store_errmsg(const dvm_state_store *s);

/* Current LMDB map size in bytes (grows x2 each time it is full). Writer's
 * thread. */
size_t dvm_state_store_map_size(const dvm_state_store *s);

/* After a failed commit the store is FAILED: commits and overlay_begin
 * return ERR_FAILED. Reset re-reads height, root and sum from LMDB (the last
 * committed block) and clears FAILED; an existing overlay keeps its writes
 * and may be committed again. On error (ERR_LMDB, ERR_CORRUPT) the store
 * stays as it was. Writer's thread. */
int dvm_state_store_reset(dvm_state_store *s);

/* Recompute the state root from scratch over every entry of the state
 * tables in the last committed state (inside a view, so from any thread; on
 * the store's threads). Writes it to `root` (may be NULL). Returns OK if it
 * equals the stored root, ERR_CORRUPT if not, or another error. For audits
 * and tests: one lattice element per entry, and memory for one pointer pair
 * per entry. */
int dvm_state_store_audit(dvm_state_store *s, uint8_t root[DVM_STATE_ROOT_BYTES]);

/* ------------------------------------------------------------------ */
/* Overlay: the block being built, as a stack of frames.
 *
 * The overlay sees the last committed state (a read snapshot taken at
 * dvm_state_overlay_begin / after each commit) with its own writes on top.
 * Frame 0 is the block itself. push() opens a frame (a transaction, a
 * call); pop(keep=1) merges the top frame's writes into the one below, in
 * O(1); pop(keep=0) discards them (revert, trap), in O(writes of that
 * frame). Reads always see the merged view of all open frames.
 *
 * Pointers returned by get/next stay valid until the next call that
 * modifies the overlay (put, del, pop, commit, free). The overlay is used
 * by one thread at a time; it is the store's only writer. */

typedef struct dvm_state_overlay dvm_state_overlay;

/* Create the store's overlay (one per store: ERR_BUSY if it exists). Refused
 * (ERR_FAILED) while the store is FAILED. *out NULL on error. */
int dvm_state_overlay_begin(dvm_state_store *s, dvm_state_overlay **out);

/* Discard every write and free the overlay. NULL ok. */
void dvm_state_overlay_free(dvm_state_overlay *ov);

/* Open a frame. ERR_NOMEM leaves the depth unchanged. */
int dvm_state_overlay_push(dvm_state_overlay *ov);
/* Close the top frame: keep=1 merges it down, keep=0 discards it.
 * ERR_ARG if no frame is open (depth 0). Cannot fail otherwise. */
int dvm_state_overlay_pop(dvm_state_overlay *ov, int keep);
/* Number of open frames above the block frame (0 = block level). */
unsigned dvm_state_overlay_depth(const dvm_state_overlay *ov);

/* Value of `key` in `table`: OK and *val (may be NULL), or NOTFOUND
 * (deleted or never written). ERR_SIZE for a bad key length, ERR_ARG for a
 * bad table, ERR_LMDB on a read failure. O(1) expected in the overlay, then
 * one LMDB lookup. */
int dvm_state_overlay_get(dvm_state_overlay *ov, unsigned table, const void *key, size_t klen,
                       dvm_state_bytes *val);

/* 1 if the overlay holds a write of `key` (put or del, in any open frame
 * or merged into the block), else 0: the commit will hash this key's
 * change. Bad arguments: 0. O(1) expected. */
int dvm_state_overlay_written(const dvm_state_overlay *ov, unsigned table, const void *key,
                              size_t klen);

/* Set `key` to a copy of `val` in the top frame. ERR_SIZE (lengths),
 * ERR_ARG (reserved META key, bad table), ERR_NOMEM: nothing changed. */
int dvm_state_overlay_put(dvm_state_overlay *ov, unsigned table, const void *key, size_t klen,
                       const void *val, size_t vlen);

/* Delete `key` (a tombstone in the top frame; deleting an absent key is
 * OK and leaves the state unchanged). Errors as put; nothing changed. */
int dvm_state_overlay_del(dvm_state_overlay *ov, unsigned table, const void *key, size_t klen);

/* The smallest key of `table` strictly greater than `after` in the merged
 * view (after_len 0: the smallest key). OK with *key and *val (either may be
 * NULL), NOTFOUND past the end. Cost (spec/state.md §2): O(log n) in the
 * overlay whatever the number of overlay tombstones (live counts per
 * subtree), plus one LMDB cursor seek, plus one cursor step and one treap
 * descent per *shadowed* entry skipped (an LMDB key the overlay deleted). */
int dvm_state_overlay_next(dvm_state_overlay *ov, unsigned table, const void *after,
                        size_t after_len, dvm_state_bytes *key, dvm_state_bytes *val);

/* Options of dvm_state_overlay_next_opt. */
typedef struct dvm_state_next_opts {
  const void *prefix;  /* only keys starting with these bytes count: past */
  size_t prefix_len;   /* them the walk stops (NOTFOUND); 0: no prefix */
  uint64_t max_skip;   /* shadowed entries it may skip; one more: ERR_LIMIT */
  uint64_t skipped;    /* out: shadowed entries skipped (also on ERR_LIMIT) */
} dvm_state_next_opts;

/* As dvm_state_overlay_next within `o->prefix`, skipping at most
 * `o->max_skip` shadowed entries: the work is bounded before it is done
 * (the supervisor sizes max_skip from the gas left, spec/syscalls.md). */
int dvm_state_overlay_next_opt(dvm_state_overlay *ov, unsigned table, const void *after,
                            size_t after_len, dvm_state_next_opts *o, dvm_state_bytes *key,
                            dvm_state_bytes *val);

/* Treap nodes visited plus LMDB cursor moves by every next() of this
 * overlay so far: a debug counter for tests of the cost bound. */
uint64_t dvm_state_overlay_steps(const dvm_state_overlay *ov);

/* Bytes of keys and values held by the overlay (for the caller's limits). */
size_t dvm_state_overlay_bytes(const dvm_state_overlay *ov);

/* ------------------------------------------------------------------ */
/* Block commit.                                                       */

/* An extra record for BLOCKS, RECEIPTS or META (not a state table, not a
 * reserved META key); val.data NULL with len 0 is an empty value. */
typedef struct dvm_state_record {
  unsigned table;
  dvm_state_bytes key, val;
} dvm_state_record;

/* Commit the overlay as block `height` (must be last height + 1, or 0 for
 * the first block) in ONE durable LMDB write transaction: every overlay
 * write, then `records` in order (a later write of a key wins), then height,
 * root and lattice sum into META. The lattice sum is updated by each state
 * key's net change (value in the last block against value now), hashed on
 * the store's threads. When the map is full the transaction is aborted, the
 * map grown x2 and the whole write retried from the overlay.
 *
 * Requires depth 0. On OK: `root` (may be NULL) gets the new root, the
 * overlay is empty and based on the new block, ready for the next one.
 * On any error the store still holds the previous block and the overlay
 * keeps its writes; ERR_ARG/ERR_SIZE/ERR_HEIGHT/ERR_NOMEM/ERR_THREAD leave
 * the store usable, and so does ERR_BUSY (the map had to grow, but read views
 * stayed open for 10 s: growth needs none open in the process, so never
 * commit while the same thread holds a view); ERR_LMDB and ERR_MAPFULL
 * make it FAILED until dvm_state_store_reset() (after which the same overlay
 * may be committed again). The records' memory is only read during the
 * call. */
int dvm_state_commit(dvm_state_overlay *ov, uint64_t height, const dvm_state_record *records,
                        size_t nrecords, uint8_t root[DVM_STATE_ROOT_BYTES]);

/* As dvm_state_commit, but the records are asked of `fn` once the new
 * root is known and before anything is written, so that they can carry it
 * (a block header holds its state root). fn is called at most once, on the
 * calling thread; it returns OK with the records, which (and their bytes)
 * must stay valid until dvm_state_commit_cb returns, or an error code,
 * which aborts the commit with nothing written and the store usable; that
 * code is returned as is. */
typedef int (*dvm_state_records_fn)(void *arg, const uint8_t root[DVM_STATE_ROOT_BYTES],
                                 const dvm_state_record **records, size_t *nrecords);
int dvm_state_commit_cb(dvm_state_overlay *ov, uint64_t height, dvm_state_records_fn fn, void *arg,
                           uint8_t root[DVM_STATE_ROOT_BYTES]);

/* ------------------------------------------------------------------ */
/* Read-only views: the last committed block, for queries.            */

typedef struct dvm_state_view dvm_state_view;

/* Begin a view (an LMDB read transaction). It sees the block committed
 * last when it began, whatever is committed later. A view must be ended by
 * the thread that began it; while any view is open, map growth waits. */
int dvm_state_view_begin(dvm_state_store *s, dvm_state_view **out);
/* End the view; every pointer it returned becomes invalid. NULL ok. */
void dvm_state_view_end(dvm_state_view *v);
/* As the overlay functions; pointers valid until dvm_state_view_end. */
int dvm_state_view_get(dvm_state_view *v, unsigned table, const void *key, size_t klen,
                    dvm_state_bytes *val);
int dvm_state_view_next(dvm_state_view *v, unsigned table, const void *after, size_t after_len,
                     dvm_state_bytes *key, dvm_state_bytes *val);
/* Height and root of the block the view sees (NOTFOUND before the first). */
int dvm_state_view_last(dvm_state_view *v, uint64_t *height, uint8_t root[DVM_STATE_ROOT_BYTES]);

/* A scratch overlay on view `v`: frames, reads and writes as any overlay,
 * over the block the view sees, on the view's thread, never committed
 * (dvm_state_commit* refuse it: ERR_ARG) and never the store's writer, so
 * any number may exist beside the store's overlay (simulations, checks on
 * other threads). Its failures do not touch dvm_state_store_errmsg. Free
 * it (dvm_state_overlay_free) before ending the view. */
int dvm_state_overlay_begin_view(dvm_state_view *v, dvm_state_overlay **out);

#ifdef __cplusplus
}
#endif
#endif
