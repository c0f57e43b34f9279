/* overlay.c — the journaled overlay of spec/state.md §3: one ordered map
 * (a treap per table) holding the merged value of every key written in the
 * block, plus an undo journal with a mark per open frame.
 *
 *  - put/del in frame f: if the node was last written by f, overwrite in
 *    place; else save its previous state in the journal (once per key per
 *    frame instance), then overwrite. O(log n).
 *  - pop(keep=1): drop the frame's mark; its journal entries now belong to
 *    the frame below, so a later revert there still restores them. O(1)
 *    (O(entries) when it reaches the block level, where the journal is freed).
 *  - pop(keep=0): replay the frame's journal backwards. O(writes log n).
 *
 * A hash index (table, key) -> node serves get and put in O(1) expected;
 * the treap serves next(). Both use XXH3 of the key under a secret random
 * per-overlay seed (treap priority = hash), so a contract cannot choose keys
 * that degrade them; neither the tree's shape nor the index's order reaches
 * any output (only the treap's in-order sequence does, which is the key
 * order), so determinism is unaffected. */
#include "state_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* ------------------------------------------------------------------ */
/* Treap (its successor walk, for merged iteration, is in keys.c). */

/* ------------------------------------------------------------------ */
/* Hash index: (table, key) -> node, so get and put cost O(1) expected
 * instead of a treap descent (about 1 us at 50k keys, cache misses). Never
 * iterated, so its order reaches nothing. */

static uint64_t key_hash(const dvm_state_overlay *ov, unsigned table, const void *key, size_t klen) {
  return XXH3_64bits_withSeed(key, klen, ov->seed + table);
}

static ov_node *ht_find(const dvm_state_overlay *ov, unsigned table, const void *key, size_t klen,
                        uint64_t h) {
  if (!ov->ht_cap) return NULL;
  size_t m = ov->ht_cap - 1;
  for (size_t i = (size_t)h & m;; i = (i + 1) & m) {
    ov_node *n = ov->ht[i];
    if (!n) return NULL;
    if (n->prio == h && n->table == table && n->klen == klen && !memcmp(n->key, key, klen))
      return n;
  }
}

static void ht_place(ov_node **ht, size_t cap, ov_node *n) {
  size_t m = cap - 1, i = (size_t)n->prio & m;
  while (ht[i]) i = (i + 1) & m;
  ht[i] = n;
}

/* Room for one more node (load stays <= 1/2). Changes nothing visible. */
static int ht_reserve(dvm_state_overlay *ov) {
  if ((ov->ht_n + 1) * 2 <= ov->ht_cap) return DVM_STATE_OK;
  size_t cap = ov->ht_cap ? 2 * ov->ht_cap : 64;
  ov_node **ht = calloc(cap, sizeof *ht);
  if (!ht) return DVM_STATE_ERR_NOMEM;
  for (size_t i = 0; i < ov->ht_cap; i++)
    if (ov->ht[i]) ht_place(ht, cap, ov->ht[i]);
  free(ov->ht);
  ov->ht = ht;
  ov->ht_cap = cap;
  return DVM_STATE_OK;
}

/* Remove `n` (present), with backward-shift deletion (no tombstones). */
static void ht_remove(dvm_state_overlay *ov, const ov_node *n) {
  size_t m = ov->ht_cap - 1, i = (size_t)n->prio & m;
  while (ov->ht[i] != n) i = (i + 1) & m;
  for (size_t j = (i + 1) & m; ov->ht[j]; j = (j + 1) & m) {
    size_t k = (size_t)ov->ht[j]->prio & m; /* home slot of the entry at j */
    int k_in = i <= j ? (i < k && k <= j) : (i < k || k <= j);
    if (!k_in) { /* its probe sequence passes i: move it there */
      ov->ht[i] = ov->ht[j];
      i = j;
    }
  }
  ov->ht[i] = NULL;
  ov->ht_n--;
}

/* Live counts: every structural change recomputes the nodes it moved. */
static uint32_t live_of(const ov_node *t) { return t ? t->live : 0; }

static void fix_live(ov_node *t) { t->live = live_of(t->l) + live_of(t->r) + !t->tomb; }

static ov_node *rot_right(ov_node *t) {
  ov_node *l = t->l;
  t->l = l->r;
  l->r = t;
  fix_live(t);
  fix_live(l);
  return l;
}

static ov_node *rot_left(ov_node *t) {
  ov_node *r = t->r;
  t->r = r->l;
  r->l = t;
  fix_live(t);
  fix_live(r);
  return r;
}

/* Insert `n` (its key is absent). Recursion depth = tree depth, O(log n). */
static ov_node *treap_insert(ov_node *t, ov_node *n) {
  if (!t) return n;
  if (dvm_state__keycmp(n->key, n->klen, t->key, t->klen) < 0) {
    t->l = treap_insert(t->l, n);
    if (t->l->prio > t->prio) return rot_right(t);
  } else {
    t->r = treap_insert(t->r, n);
    if (t->r->prio > t->prio) return rot_left(t);
  }
  fix_live(t);
  return t;
}

/* Unlink `n` (present) from the tree rooted at t. */
static ov_node *treap_remove(ov_node *t, const ov_node *n) {
  if (t == n) {
    if (!t->l) return t->r;
    if (!t->r) return t->l;
    if (t->l->prio > t->r->prio) {
      t = rot_right(t);
      t->r = treap_remove(t->r, n);
    } else {
      t = rot_left(t);
      t->l = treap_remove(t->l, n);
    }
    fix_live(t);
    return t;
  }
  if (dvm_state__keycmp(n->key, n->klen, t->key, t->klen) < 0) t->l = treap_remove(t->l, n);
  else t->r = treap_remove(t->r, n);
  fix_live(t);
  return t;
}

/* Set n->tomb, adjusting the live counts on the path from the root. */
static void set_tomb(ov_node *root, ov_node *n, uint8_t tomb) {
  if (n->tomb == tomb) return;
  n->tomb = tomb;
  for (ov_node *t = root; t;) {
    if (tomb) t->live--;
    else t->live++;
    if (t == n) return;
    t = dvm_state__keycmp(n->key, n->klen, t->key, t->klen) < 0 ? t->l : t->r;
  }
}

static void treap_free(ov_node *t) {
  while (t) {
    treap_free(t->l);
    ov_node *r = t->r;
    free(t->val);
    free(t);
    t = r;
  }
}

/* ------------------------------------------------------------------ */
/* Snapshot transaction. */

/* The store's message is the writer's: a scratch overlay (another thread)
 * leaves it alone and reports by its return code only. */
#define ov_errf(ov, ...)                                                                          \
  do {                                                                                            \
    if (!(ov)->scratch) dvm_state__errf((ov)->s, __VA_ARGS__);                                    \
  } while (0)

int dvm_state__ov_base(dvm_state_overlay *ov, MDB_txn **txn) {
  if (!ov->base) {
    dvm_state_store *s = ov->s;
    if (pthread_rwlock_rdlock(&s->map_lock)) return DVM_STATE_ERR_THREAD;
    int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &ov->base);
    if (rc) {
      ov->base = NULL;
      pthread_rwlock_unlock(&s->map_lock);
      dvm_state__errf(s, "mdb_txn_begin(overlay snapshot): %s", mdb_strerror(rc));
      return DVM_STATE_ERR_LMDB;
    }
  }
  *txn = ov->base;
  return DVM_STATE_OK;
}

void dvm_state__ov_base_release(dvm_state_overlay *ov) {
  if (ov->base) {
    for (unsigned t = 0; t < DVM_STATE_TABLE_COUNT; t++)
      if (ov->cur[t]) {
        mdb_cursor_close(ov->cur[t]);
        ov->cur[t] = NULL;
      }
    if (ov->scratch) { /* the view owns the transaction and the lock */
      ov->base = NULL;
      return;
    }
    mdb_txn_abort(ov->base);
    ov->base = NULL;
    pthread_rwlock_unlock(&ov->s->map_lock);
  }
}

/* ------------------------------------------------------------------ */
/* Lifecycle. */

int dvm_state_overlay_begin(dvm_state_store *s, dvm_state_overlay **out) {
  if (!out) return DVM_STATE_ERR_ARG;
  *out = NULL;
  if (!s) return DVM_STATE_ERR_ARG;
  if (s->overlay) return DVM_STATE_ERR_BUSY;
  if (s->failed) return DVM_STATE_ERR_FAILED;
  dvm_state_overlay *ov = calloc(1, sizeof *ov);
  if (!ov) return DVM_STATE_ERR_NOMEM;
  ov->s = s;
  randombytes_buf(&ov->seed, sizeof ov->seed);
  s->overlay = ov;
  *out = ov;
  return DVM_STATE_OK;
}

static void undo_free_range(dvm_state_overlay *ov, size_t from) {
  for (size_t i = from; i < ov->nundo; i++) {
    ov->bytes -= ov->undo[i].vlen;
    free(ov->undo[i].val);
  }
  ov->nundo = from;
}

void dvm_state__ov_clear(dvm_state_overlay *ov) {
  undo_free_range(ov, 0);
  ov->depth = 0;
  for (unsigned t = 0; t < DVM_STATE_TABLE_COUNT; t++) {
    treap_free(ov->root[t]);
    ov->root[t] = NULL;
    ov->count[t] = 0;
  }
  ov->bytes = 0;
  if (ov->ht_cap > 65536) { /* after a big block, give the memory back */
    free(ov->ht);
    ov->ht = NULL;
    ov->ht_cap = 0;
  } else if (ov->ht_cap) {
    memset(ov->ht, 0, ov->ht_cap * sizeof *ov->ht);
  }
  ov->ht_n = 0;
}

void dvm_state_overlay_free(dvm_state_overlay *ov) {
  if (!ov) return;
  dvm_state__ov_base_release(ov);
  dvm_state__ov_clear(ov);
  free(ov->undo);
  free(ov->frames);
  free(ov->ht);
  if (!ov->scratch) ov->s->overlay = NULL;
  free(ov);
}

size_t dvm_state_overlay_bytes(const dvm_state_overlay *ov) { return ov->bytes; }

unsigned dvm_state_overlay_depth(const dvm_state_overlay *ov) { return ov->depth; }

/* ------------------------------------------------------------------ */
/* Frames. */

int dvm_state_overlay_push(dvm_state_overlay *ov) {
  if (ov->depth == ov->capframes) {
    unsigned nc = ov->capframes ? 2 * ov->capframes : 16;
    void *p = realloc(ov->frames, nc * sizeof *ov->frames);
    if (!p) return DVM_STATE_ERR_NOMEM;
    ov->frames = p;
    ov->capframes = nc;
  }
  ov_frame *f = &ov->frames[ov->depth++];
  f->undo_start = ov->nundo;
  f->serial = ++ov->next_serial;
  return DVM_STATE_OK;
}

int dvm_state_overlay_pop(dvm_state_overlay *ov, int keep) {
  if (ov->depth == 0) return DVM_STATE_ERR_ARG;
  ov_frame *f = &ov->frames[--ov->depth];
  if (keep) {
    /* Merge: the entries stay for the frame below; at block level there is
     * nothing left to undo. */
    if (ov->depth == 0) undo_free_range(ov, 0);
    return DVM_STATE_OK;
  }
  while (ov->nundo > f->undo_start) {
    ov_undo *u = &ov->undo[--ov->nundo];
    ov_node *n = u->node;
    if (!u->existed) {
      ov->root[u->table] = treap_remove(ov->root[u->table], n);
      ht_remove(ov, n);
      ov->count[u->table]--;
      ov->bytes -= n->klen + n->vlen;
      free(n->val);
      free(n);
    } else {
      ov->bytes -= n->vlen;
      free(n->val);
      n->val = u->val;
      n->vlen = u->vlen;
      set_tomb(ov->root[u->table], n, u->tomb);
      n->serial = u->serial;
    }
  }
  return DVM_STATE_OK;
}

/* ------------------------------------------------------------------ */
/* Reads. */

static int check_key(unsigned table, const void *key, size_t klen) {
  if (table >= DVM_STATE_TABLE_COUNT) return DVM_STATE_ERR_ARG;
  if (klen < 1 || klen > DVM_STATE_KEY_MAX || !key) return DVM_STATE_ERR_SIZE;
  return DVM_STATE_OK;
}

int dvm_state_overlay_get(dvm_state_overlay *ov, unsigned table, const void *key, size_t klen,
                       dvm_state_bytes *val) {
  int rc = check_key(table, key, klen);
  if (rc) return rc;
  const ov_node *n = ht_find(ov, table, key, klen, key_hash(ov, table, key, klen));
  if (n) {
    if (n->tomb) return DVM_STATE_NOTFOUND;
    if (val) {
      val->data = n->val;
      val->len = n->vlen;
    }
    return DVM_STATE_OK;
  }
  MDB_txn *txn;
  if ((rc = dvm_state__ov_base(ov, &txn))) return rc;
  MDB_val k, d;
  k.mv_data = (void *)(uintptr_t)key;
  k.mv_size = klen;
  rc = mdb_get(txn, ov->s->dbi[table], &k, &d);
  if (rc == MDB_NOTFOUND) return DVM_STATE_NOTFOUND;
  if (rc) {
    ov_errf(ov, "mdb_get(%s): %s", dvm_state__table_name(table), mdb_strerror(rc));
    return DVM_STATE_ERR_LMDB;
  }
  if (val) {
    val->data = d.mv_data;
    val->len = d.mv_size;
  }
  return DVM_STATE_OK;
}

int dvm_state_overlay_written(const dvm_state_overlay *ov, unsigned table, const void *key,
                              size_t klen) {
  if (check_key(table, key, klen)) return 0;
  return ht_find(ov, table, key, klen, key_hash(ov, table, key, klen)) != NULL;
}

int dvm_state_overlay_next(dvm_state_overlay *ov, unsigned table, const void *after,
                        size_t after_len, dvm_state_bytes *key, dvm_state_bytes *val) {
  return dvm_state_overlay_next_opt(ov, table, after, after_len, NULL, key, val);
}

uint64_t dvm_state_overlay_steps(const dvm_state_overlay *ov) { return ov->steps; }

int dvm_state_overlay_next_opt(dvm_state_overlay *ov, unsigned table, const void *after,
                            size_t after_len, dvm_state_next_opts *o, dvm_state_bytes *key,
                            dvm_state_bytes *val) {
  if (o) o->skipped = 0;
  if (o && o->prefix_len && !o->prefix) return DVM_STATE_ERR_ARG;
  if (table >= DVM_STATE_TABLE_COUNT) return DVM_STATE_ERR_ARG;
  if (after_len > DVM_STATE_KEY_MAX || (after_len && !after)) return DVM_STATE_ERR_SIZE;
  MDB_txn *txn;
  int rc = dvm_state__ov_base(ov, &txn);
  if (rc) return rc;
  if (!ov->cur[table] && mdb_cursor_open(txn, ov->s->dbi[table], &ov->cur[table])) {
    ov->cur[table] = NULL;
    ov_errf(ov, "mdb_cursor_open(%s) failed", dvm_state__table_name(table));
    return DVM_STATE_ERR_LMDB;
  }
  rc = dvm_state__merged_next(ov->cur[table], ov->root[table], after, after_len, o, &ov->steps,
                           key, val);
  if (rc == DVM_STATE_ERR_LMDB)
    ov_errf(ov, "cursor over %s failed", dvm_state__table_name(table));
  return rc;
}

/* ------------------------------------------------------------------ */
/* Writes. */

static int reserved_meta(unsigned table, const void *key, size_t klen) {
  size_t pl = sizeof DVM_STATE_META_PREFIX - 1;
  return table == DVM_STATE_T_META && klen >= pl && !memcmp(key, DVM_STATE_META_PREFIX, pl);
}

/* Common body of put (tomb 0) and del (tomb 1). All allocations happen
 * before the first change, so an error leaves the overlay as it was. */
static int ov_write(dvm_state_overlay *ov, unsigned table, const void *key, size_t klen,
                    const void *val, size_t vlen, int tomb) {
  int rc = check_key(table, key, klen);
  if (rc) return rc;
  if (vlen > DVM_STATE_VAL_MAX || (vlen && !val)) return DVM_STATE_ERR_SIZE;
  if (reserved_meta(table, key, klen)) return DVM_STATE_ERR_ARG;

  uint64_t serial = ov->depth ? ov->frames[ov->depth - 1].serial : 0;
  uint64_t h = key_hash(ov, table, key, klen);
  ov_node *n = ht_find(ov, table, key, klen, h);
  if (!n && (rc = ht_reserve(ov))) return rc;
  int journal = ov->depth > 0 && (!n || n->serial != serial);
  if (journal && ov->nundo == ov->capundo) {
    size_t nc = ov->capundo ? 2 * ov->capundo : 64;
    void *p = realloc(ov->undo, nc * sizeof *ov->undo);
    if (!p) return DVM_STATE_ERR_NOMEM;
    ov->undo = p;
    ov->capundo = nc;
  }
  uint8_t *copy = NULL;
  if (vlen) {
    if (!(copy = malloc(vlen))) return DVM_STATE_ERR_NOMEM;
    memcpy(copy, val, vlen);
  }
  if (!n) {
    n = malloc(sizeof *n + klen);
    if (!n) {
      free(copy);
      return DVM_STATE_ERR_NOMEM;
    }
    n->l = n->r = NULL;
    n->prio = h;
    n->table = (uint8_t)table;
    n->klen = (uint16_t)klen;
    memcpy(n->key, key, klen);
    n->val = NULL;
    n->vlen = 0;
    n->tomb = 1;
    n->live = 0;
    n->serial = serial;
    ov->root[table] = treap_insert(ov->root[table], n);
    ht_place(ov->ht, ov->ht_cap, n);
    ov->ht_n++;
    ov->count[table]++;
    ov->bytes += klen;
    if (journal) {
      ov_undo *u = &ov->undo[ov->nundo++];
      memset(u, 0, sizeof *u);
      u->node = n;
      u->table = (uint8_t)table;
    }
  } else if (journal) {
    ov_undo *u = &ov->undo[ov->nundo++];
    u->node = n;
    u->val = n->val; /* ownership moves to the journal; bytes stay counted */
    u->vlen = n->vlen;
    u->serial = n->serial;
    u->existed = 1;
    u->tomb = n->tomb;
    u->table = (uint8_t)table;
    n->val = NULL;
    n->vlen = 0;
  } else {
    ov->bytes -= n->vlen;
    free(n->val);
    n->val = NULL;
    n->vlen = 0;
  }
  n->val = copy;
  n->vlen = (uint32_t)vlen;
  set_tomb(ov->root[table], n, (uint8_t)tomb);
  n->serial = serial;
  ov->bytes += vlen;
  return DVM_STATE_OK;
}

int dvm_state_overlay_put(dvm_state_overlay *ov, unsigned table, const void *key, size_t klen,
                       const void *val, size_t vlen) {
  return ov_write(ov, table, key, klen, val, vlen, 0);
}

int dvm_state_overlay_del(dvm_state_overlay *ov, unsigned table, const void *key, size_t klen) {
  return ov_write(ov, table, key, klen, NULL, 0, 1);
}
