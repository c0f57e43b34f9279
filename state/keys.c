/* keys.c — what the store, the overlay and the commit share, below all
 * three: the key order of spec/state.md §2, the tables' names, the merged
 * successor of an LMDB cursor and an overlay treap, and the store's error
 * text. It names no other file of state/, so store.c, overlay.c and
 * state_commit.c each call down into it and never into one another in a
 * circle. */
#include "state_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const table_names[DVM_STATE_TABLE_COUNT] = {
    "accounts", "code", "storage", "blocks", "receipts", "meta",
};

const char *dvm_state__table_name(unsigned table) {
  return table < DVM_STATE_TABLE_COUNT ? table_names[table] : "?";
}

void dvm_state__errf(dvm_state_store *s, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
  va_end(ap);
}

int dvm_state__keycmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  size_t n = alen < blen ? alen : blen;
  int c = n ? memcmp(a, b, n) : 0;
  if (c) return c;
  return alen < blen ? -1 : alen > blen;
}

/* Smallest LIVE node of the treap with a key > k (k empty: the smallest),
 * in O(depth) whatever the number of tombstones: on the search path for k,
 * the last node where the path turns left whose own entry or right subtree
 * holds a live node comes first; then the leftmost live node below it,
 * steered by the live counts. */
static const ov_node *live_succ(const ov_node *t, const uint8_t *k, size_t klen, uint64_t *steps) {
  const ov_node *best = NULL;
  while (t) {
    ++*steps;
    if (klen == 0 || dvm_state__keycmp(k, klen, t->key, t->klen) < 0) {
      if (!t->tomb || (t->r && t->r->live)) best = t;
      t = t->l;
    } else {
      t = t->r;
    }
  }
  if (!best || !best->tomb) return best;
  t = best->r; /* holds a live node */
  for (;;) {
    ++*steps;
    if (t->l && t->l->live) t = t->l;
    else if (!t->tomb) return t;
    else t = t->r;
  }
}

/* The node with key k, or NULL. */
static const ov_node *treap_find(const ov_node *t, const uint8_t *k, size_t klen, uint64_t *steps) {
  while (t) {
    ++*steps;
    int c = dvm_state__keycmp(k, klen, t->key, t->klen);
    if (!c) return t;
    t = c < 0 ? t->l : t->r;
  }
  return NULL;
}

static int has_prefix(const void *k, size_t klen, const dvm_state_next_opts *o) {
  return !o || !o->prefix_len || (klen >= o->prefix_len && !memcmp(k, o->prefix, o->prefix_len));
}

int dvm_state__merged_next(MDB_cursor *c, const ov_node *ov_root, const void *after,
                        size_t after_len, dvm_state_next_opts *o, uint64_t *steps,
                        dvm_state_bytes *key, dvm_state_bytes *val) {
  MDB_val lk, lv;
  int lrc;
  ++*steps;
  if (after_len == 0) {
    lrc = mdb_cursor_get(c, &lk, &lv, MDB_FIRST);
  } else {
    lk.mv_data = (void *)(uintptr_t)after;
    lk.mv_size = after_len;
    lrc = mdb_cursor_get(c, &lk, &lv, MDB_SET_RANGE);
    if (lrc == 0 && !dvm_state__keycmp(lk.mv_data, lk.mv_size, after, after_len)) {
      ++*steps;
      lrc = mdb_cursor_get(c, &lk, &lv, MDB_NEXT);
    }
  }
  /* The overlay's candidate: its smallest live key > after (tombstones are
   * passed over by the live counts, not one by one). */
  const ov_node *ob = live_succ(ov_root, after, after_len, steps);
  if (ob && !has_prefix(ob->key, ob->klen, o)) ob = NULL;
  /* LMDB's candidate: its smallest key > after that the overlay neither
   * deleted nor rewrote. A key below `ob` that the overlay holds is a
   * tombstone (ob is the smallest live overlay key > after): a shadowed
   * entry, skipped at one cursor step and one treap descent each. */
  for (;;) {
    if (lrc == MDB_NOTFOUND) break;
    if (lrc != 0) return DVM_STATE_ERR_LMDB;
    if (!has_prefix(lk.mv_data, lk.mv_size, o)) break;
    if (ob && dvm_state__keycmp(ob->key, ob->klen, lk.mv_data, lk.mv_size) <= 0) break;
    if (!treap_find(ov_root, lk.mv_data, lk.mv_size, steps)) {
      if (key) {
        key->data = lk.mv_data;
        key->len = lk.mv_size;
      }
      if (val) {
        val->data = lv.mv_data;
        val->len = lv.mv_size;
      }
      return DVM_STATE_OK;
    }
    if (o) {
      if (o->skipped >= o->max_skip) return DVM_STATE_ERR_LIMIT;
      o->skipped++;
    }
    ++*steps;
    lrc = mdb_cursor_get(c, &lk, &lv, MDB_NEXT);
  }
  if (!ob) return DVM_STATE_NOTFOUND;
  if (key) {
    key->data = ob->key;
    key->len = ob->klen;
  }
  if (val) {
    val->data = ob->val;
    val->len = ob->vlen;
  }
  return DVM_STATE_OK;
}
