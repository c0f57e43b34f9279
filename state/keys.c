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

/* Smallest node of the treap with a key > k (k empty: the smallest). */
static const ov_node *treap_succ(const ov_node *t, const uint8_t *k, size_t klen) {
  const ov_node *best = NULL;
  while (t) {
    if (klen == 0 || dvm_state__keycmp(k, klen, t->key, t->klen) < 0) {
      best = t;
      t = t->l;
    } else {
      t = t->r;
    }
  }
  return best;
}

int dvm_state__merged_next(MDB_cursor *c, const ov_node *ov_root, const void *after,
                        size_t after_len, dvm_state_bytes *key, dvm_state_bytes *val) {
  MDB_val lk, lv;
  int lrc;
  if (after_len == 0) {
    lrc = mdb_cursor_get(c, &lk, &lv, MDB_FIRST);
  } else {
    lk.mv_data = (void *)(uintptr_t)after;
    lk.mv_size = after_len;
    lrc = mdb_cursor_get(c, &lk, &lv, MDB_SET_RANGE);
    if (lrc == 0 && !dvm_state__keycmp(lk.mv_data, lk.mv_size, after, after_len))
      lrc = mdb_cursor_get(c, &lk, &lv, MDB_NEXT);
  }
  const ov_node *o = treap_succ(ov_root, after, after_len);
  int rc;
  /* Merge two ascending sequences; the overlay wins on equal keys; an
   * overlay tombstone hides the equal LMDB key and is itself skipped. */
  for (;;) {
    if (lrc != 0 && lrc != MDB_NOTFOUND) {
      rc = DVM_STATE_ERR_LMDB;
      break;
    }
    int have_l = lrc == 0;
    if (!o && !have_l) {
      rc = DVM_STATE_NOTFOUND;
      break;
    }
    int cmp = !o ? 1 : !have_l ? -1 : dvm_state__keycmp(o->key, o->klen, lk.mv_data, lk.mv_size);
    if (cmp > 0) {
      if (key) {
        key->data = lk.mv_data;
        key->len = lk.mv_size;
      }
      if (val) {
        val->data = lv.mv_data;
        val->len = lv.mv_size;
      }
      rc = DVM_STATE_OK;
      break;
    }
    if (!o->tomb) {
      if (key) {
        key->data = o->key;
        key->len = o->klen;
      }
      if (val) {
        val->data = o->val;
        val->len = o->vlen;
      }
      rc = DVM_STATE_OK;
      break;
    }
    if (cmp == 0) lrc = mdb_cursor_get(c, &lk, &lv, MDB_NEXT);
    o = treap_succ(ov_root, o->key, o->klen);
  }
  return rc;
}
