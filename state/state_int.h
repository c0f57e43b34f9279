/* state_int.h — internals shared by store.c, overlay.c and state_commit.c,
 * and keys.c, the leaf all three call (it calls none of them).
 * Not an API: nothing outside the state layer includes this. */
#ifndef DVM_STATE_INT_H
#define DVM_STATE_INT_H

#include "base.h"
#include "state.h"

#include <lmdb.h>
#include <pthread.h>

#define DVM_STATE_GROW_WAIT_S 10 /* map growth waits this long for views */

struct dvm_state_store {
  MDB_env *env;
  MDB_dbi dbi[DVM_STATE_TABLE_COUNT];
  dvm_state_store_opts opts;
  unsigned threads;         /* lattice workers, >= 1 */
  size_t map_size;          /* current LMDB map size */
  /* Views and the overlay's snapshot hold it shared while their read
   * transaction is open; map growth takes it exclusive, because
   * mdb_env_set_mapsize() remaps and needs no transaction in the process. */
  pthread_rwlock_t map_lock;
  int failed;               /* a write failed: commits refused until reset */
  int has_block;            /* a block was committed */
  uint64_t height;          /* of the last block (0 if none) */
  uint8_t root[DVM_STATE_ROOT_BYTES];
  dvm_state_lthash sum;        /* lattice sum of the last committed state */
  dvm_state_overlay *overlay;  /* the store's only overlay, or NULL */
  char errmsg[DVM_STATE_ERRMSG_MAX];
};

/* One overlay entry: the merged value of (table, key) over all open frames.
 * Ordered by key (memcmp, shorter first) in a treap per table. */
typedef struct ov_node {
  struct ov_node *l, *r;
  uint64_t prio;   /* XXH3 of (table, key) under a secret seed: the treap's
                      heap priority and the hash index's hash */
  uint64_t serial; /* serial of the frame that wrote the current value */
  uint8_t *val;    /* malloc'd copy, NULL if vlen 0 or tomb */
  uint32_t vlen;
  uint32_t live;   /* live (not tomb) nodes in this subtree, itself included:
                      next() skips runs of tombstones in O(log n) */
  uint16_t klen;
  uint8_t tomb;    /* 1: deleted in the overlay */
  uint8_t table;
  uint8_t key[];
} ov_node;

typedef struct ov_undo {
  ov_node *node;
  uint8_t *val;    /* the value before the write (owned by the undo entry) */
  uint64_t serial; /* node->serial before the write */
  uint32_t vlen;
  uint8_t existed; /* 0: the write created the node; undo removes it */
  uint8_t tomb;
  uint8_t table;
} ov_undo;

typedef struct ov_frame {
  size_t undo_start; /* first undo entry of the frame */
  uint64_t serial;   /* unique per frame instance (never reused) */
} ov_frame;

struct dvm_state_overlay {
  dvm_state_store *s;
  ov_node *root[DVM_STATE_TABLE_COUNT];
  size_t count[DVM_STATE_TABLE_COUNT]; /* nodes per table (tombstones included) */
  uint64_t seed;                    /* hash seed (random, secret) */
  ov_node **ht;                     /* hash index of all nodes: linear probing, */
  size_t ht_cap, ht_n;              /* capacity a power of 2, load <= 1/2 */
  ov_undo *undo;
  size_t nundo, capundo;
  ov_frame *frames;                 /* frames[0..depth-1]: frames above block level */
  unsigned depth, capframes;
  uint64_t next_serial;             /* block level is serial 0 */
  size_t bytes;
  MDB_txn *base;                    /* snapshot read txn or NULL */
  MDB_cursor *cur[DVM_STATE_TABLE_COUNT]; /* cursors of `base` for next(), opened lazily */
  int scratch;                      /* begun on a view: `base` is the view's, never committed */
  uint64_t steps;                   /* next(): treap nodes visited + LMDB cursor moves */
};

/* ---- keys.c ---- */
/* Set *msg (printf-style) as the store's last error text. */
void dvm_state__errf(dvm_state_store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Table name for messages and the LMDB database name. */
const char *dvm_state__table_name(unsigned table);
/* Key ordering of spec/state.md §2. */
int dvm_state__keycmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* ---- store.c ---- */
/* Read META (height, root, sum) in `txn` into the out params. OK, NOTFOUND
 * (no block yet: height 0, empty root/sum) or ERR_CORRUPT / ERR_LMDB. */
int dvm_state__meta_read(dvm_state_store *s, MDB_txn *txn, uint64_t *height, uint8_t root[32],
                      dvm_state_lthash *sum);
/* Merged successor (keys.c): smallest key > after in LMDB (cursor `c` of the
 * table, in a read txn) overlaid by the treap `ov_root` (NULL for none),
 * as dvm_state_overlay_next_opt (o NULL: no prefix, no skip limit); adds
 * the treap nodes visited and LMDB cursor moves to *steps. */
int dvm_state__merged_next(MDB_cursor *c, const ov_node *ov_root, const void *after,
                        size_t after_len, dvm_state_next_opts *o, uint64_t *steps,
                        dvm_state_bytes *key, dvm_state_bytes *val);
/* ---- overlay.c ---- */
/* Overlay's snapshot transaction: open it (shared map lock) if needed. */
int dvm_state__ov_base(dvm_state_overlay *ov, MDB_txn **txn);
/* Close the snapshot (and release the shared lock). */
void dvm_state__ov_base_release(dvm_state_overlay *ov);
/* Drop every write and frame (after a commit); keeps the journal buffers. */
void dvm_state__ov_clear(dvm_state_overlay *ov);

#endif
