/* store.c — the LMDB environment: open/close, metadata, read-only views,
 * reset after a failure and the from-scratch audit (spec/state.md §5-§7). */
#include "state_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

const char *dvm_state_strerror(int code) { return dvm_strerror(code); }

const char *dvm_state_store_errmsg(const dvm_state_store *s) { return s->errmsg; }

size_t dvm_state_store_map_size(const dvm_state_store *s) { return s->map_size; }

void dvm_state_store_opts_default(dvm_state_store_opts *o) {
  o->map_size_initial = (size_t)64 << 20;
  o->map_size_max = sizeof(size_t) >= 8 ? (size_t)1 << 40 : (size_t)1 << 30;
  o->threads = 0;
  o->no_sync = 0;
}

static MDB_val mval(const void *p, size_t n) {
  MDB_val v;
  v.mv_data = (void *)(uintptr_t)p;
  v.mv_size = n;
  return v;
}

int dvm_state__meta_read(dvm_state_store *s, MDB_txn *txn, uint64_t *height, uint8_t root[32],
                      dvm_state_lthash *sum) {
  MDB_dbi m = s->dbi[DVM_STATE_T_META];
  MDB_val k = mval(DVM_STATE_META_HEIGHT, strlen(DVM_STATE_META_HEIGHT)), vh, vr, vs;
  int rc = mdb_get(txn, m, &k, &vh);
  if (rc == MDB_NOTFOUND) {
    *height = 0;
    dvm_state_lthash_zero(sum);
    dvm_state_lthash_root(sum, root);
    return DVM_STATE_NOTFOUND;
  }
  if (rc) return DVM_STATE_ERR_LMDB;
  k = mval(DVM_STATE_META_ROOT, strlen(DVM_STATE_META_ROOT));
  if ((rc = mdb_get(txn, m, &k, &vr))) return rc == MDB_NOTFOUND ? DVM_STATE_ERR_CORRUPT : DVM_STATE_ERR_LMDB;
  k = mval(DVM_STATE_META_LTHASH, strlen(DVM_STATE_META_LTHASH));
  if ((rc = mdb_get(txn, m, &k, &vs))) return rc == MDB_NOTFOUND ? DVM_STATE_ERR_CORRUPT : DVM_STATE_ERR_LMDB;
  if (vh.mv_size != 8 || vr.mv_size != DVM_STATE_ROOT_BYTES || vs.mv_size != DVM_STATE_LTHASH_BYTES)
    return DVM_STATE_ERR_CORRUPT;
  uint8_t check[DVM_STATE_ROOT_BYTES];
  *height = dvm_le_get64(vh.mv_data);
  dvm_state_lthash_decode(sum, vs.mv_data);
  dvm_state_lthash_root(sum, check);
  if (memcmp(check, vr.mv_data, sizeof check)) return DVM_STATE_ERR_CORRUPT;
  memcpy(root, vr.mv_data, DVM_STATE_ROOT_BYTES);
  return DVM_STATE_OK;
}

/* Load height/root/sum of the last block into `s` (fresh read txn). */
static int store_load(dvm_state_store *s) {
  MDB_txn *txn;
  int rc = mdb_txn_begin(s->env, NULL, MDB_RDONLY, &txn);
  if (rc) {
    dvm_state__errf(s, "mdb_txn_begin(read): %s", mdb_strerror(rc));
    return DVM_STATE_ERR_LMDB;
  }
  uint64_t h;
  uint8_t root[DVM_STATE_ROOT_BYTES];
  dvm_state_lthash sum;
  rc = dvm_state__meta_read(s, txn, &h, root, &sum);
  mdb_txn_abort(txn);
  if (rc != DVM_STATE_OK && rc != DVM_STATE_NOTFOUND) {
    dvm_state__errf(s, "reading meta (height, root, lthash): %s", dvm_state_strerror(rc));
    return rc;
  }
  s->has_block = rc == DVM_STATE_OK;
  s->height = h;
  memcpy(s->root, root, sizeof root);
  s->sum = sum;
  return DVM_STATE_OK;
}

void dvm_state_store_close(dvm_state_store *s) {
  if (!s) return;
  if (s->env) mdb_env_close(s->env);
  pthread_rwlock_destroy(&s->map_lock);
  free(s);
}

int dvm_state_store_open(const char *dir, const dvm_state_store_opts *opts, dvm_state_store **out,
                      char errbuf[DVM_STATE_ERRMSG_MAX]) {
  if (errbuf) errbuf[0] = 0;
  if (!out) return DVM_STATE_ERR_ARG;
  *out = NULL;
  if (!dir) return DVM_STATE_ERR_ARG;
  if (sodium_init() < 0) return DVM_STATE_ERR_NOMEM;
  dvm_state_store *s = calloc(1, sizeof *s);
  if (!s) return DVM_STATE_ERR_NOMEM;
  if (opts) s->opts = *opts;
  else dvm_state_store_opts_default(&s->opts);
  if (!s->opts.map_size_initial || s->opts.map_size_max < s->opts.map_size_initial) {
    free(s);
    return DVM_STATE_ERR_ARG;
  }
  if (pthread_rwlock_init(&s->map_lock, NULL)) {
    free(s);
    return DVM_STATE_ERR_NOMEM;
  }
  unsigned t = s->opts.threads;
  if (!t) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    t = n < 1 ? 1u : n > 64 ? 64u : (unsigned)n;
  }
  s->threads = t;

  int rc;
  const char *what = "mkdir";
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
    rc = errno;
    goto lmdb_fail;
  }
  what = "mdb_env_create";
  if ((rc = mdb_env_create(&s->env))) goto lmdb_fail;
  what = "mdb_env_set_maxdbs";
  if ((rc = mdb_env_set_maxdbs(s->env, 8))) goto lmdb_fail;
  what = "mdb_env_set_mapsize";
  if ((rc = mdb_env_set_mapsize(s->env, s->opts.map_size_initial))) goto lmdb_fail;
  /* MDB_NOTLS: read txns are not tied to threads (the writer holds its
   * snapshot while it writes). Sync on commit stays on (durability) unless
   * the store is a throwaway one (no_sync). */
  what = "mdb_env_open";
  if ((rc = mdb_env_open(s->env, dir, MDB_NOTLS | (s->opts.no_sync ? MDB_NOSYNC : 0), 0600))) goto lmdb_fail;

  /* Free reader slots of processes that died (kill -9) so they pin no pages. */
  int dead = 0;
  what = "mdb_reader_check";
  if ((rc = mdb_reader_check(s->env, &dead))) goto lmdb_fail;

  MDB_txn *txn;
  what = "mdb_txn_begin";
  if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn))) goto lmdb_fail;
  for (unsigned i = 0; i < DVM_STATE_TABLE_COUNT; i++) {
    if ((rc = mdb_dbi_open(txn, dvm_state__table_name(i), MDB_CREATE, &s->dbi[i]))) {
      mdb_txn_abort(txn);
      what = "mdb_dbi_open";
      goto lmdb_fail;
    }
  }
  MDB_val fk = mval(DVM_STATE_META_FORMAT, strlen(DVM_STATE_META_FORMAT)), fv;
  rc = mdb_get(txn, s->dbi[DVM_STATE_T_META], &fk, &fv);
  if (rc == MDB_NOTFOUND) {
    uint8_t one[4] = {1, 0, 0, 0};
    fv = mval(one, 4);
    rc = mdb_put(txn, s->dbi[DVM_STATE_T_META], &fk, &fv, 0);
  } else if (rc == 0 && (fv.mv_size != 4 || memcmp(fv.mv_data, "\1\0\0\0", 4))) {
    mdb_txn_abort(txn);
    dvm_state__errf(s, "%s: unknown state format", dir);
    goto corrupt;
  }
  what = "mdb_put(meta format)";
  if (rc) {
    mdb_txn_abort(txn);
    goto lmdb_fail;
  }
  what = "mdb_txn_commit";
  if ((rc = mdb_txn_commit(txn))) goto lmdb_fail;
  MDB_envinfo info;
  mdb_env_info(s->env, &info);
  s->map_size = info.me_mapsize;
  if ((rc = store_load(s)) != DVM_STATE_OK) {
    if (errbuf) memcpy(errbuf, s->errmsg, DVM_STATE_ERRMSG_MAX);
    dvm_state_store_close(s);
    return rc;
  }
  *out = s;
  return DVM_STATE_OK;

lmdb_fail:
  if (errbuf) snprintf(errbuf, DVM_STATE_ERRMSG_MAX, "%s: %s: %s", dir, what, mdb_strerror(rc));
  dvm_state_store_close(s);
  return DVM_STATE_ERR_LMDB;
corrupt:
  if (errbuf) memcpy(errbuf, s->errmsg, DVM_STATE_ERRMSG_MAX);
  dvm_state_store_close(s);
  return DVM_STATE_ERR_CORRUPT;
}

int dvm_state_store_last(const dvm_state_store *s, uint64_t *height, uint8_t root[DVM_STATE_ROOT_BYTES]) {
  if (height) *height = s->height;
  if (root) memcpy(root, s->root, DVM_STATE_ROOT_BYTES);
  return s->has_block ? DVM_STATE_OK : DVM_STATE_NOTFOUND;
}

void dvm_state_store_lthash(const dvm_state_store *s, dvm_state_lthash *h) { *h = s->sum; }

int dvm_state_store_reset(dvm_state_store *s) {
  int rc = store_load(s);
  if (rc != DVM_STATE_OK) return rc;
  s->failed = 0;
  s->errmsg[0] = 0;
  return DVM_STATE_OK;
}

/* ------------------------------------------------------------------ */
/* Views. */

struct dvm_state_view {
  dvm_state_store *s;
  MDB_txn *txn;
  MDB_cursor *cur[DVM_STATE_TABLE_COUNT]; /* for next(), opened lazily */
};

int dvm_state_view_begin(dvm_state_store *s, dvm_state_view **out) {
  if (!out) return DVM_STATE_ERR_ARG;
  *out = NULL;
  dvm_state_view *v = calloc(1, sizeof *v);
  if (!v) return DVM_STATE_ERR_NOMEM;
  v->s = s;
  if (pthread_rwlock_rdlock(&s->map_lock)) {
    free(v);
    return DVM_STATE_ERR_THREAD;
  }
  if (mdb_txn_begin(s->env, NULL, MDB_RDONLY, &v->txn)) {
    pthread_rwlock_unlock(&s->map_lock);
    free(v);
    return DVM_STATE_ERR_LMDB;
  }
  *out = v;
  return DVM_STATE_OK;
}

void dvm_state_view_end(dvm_state_view *v) {
  if (!v) return;
  for (unsigned t = 0; t < DVM_STATE_TABLE_COUNT; t++)
    if (v->cur[t]) mdb_cursor_close(v->cur[t]);
  mdb_txn_abort(v->txn);
  pthread_rwlock_unlock(&v->s->map_lock);
  free(v);
}

int dvm_state_overlay_begin_view(dvm_state_view *v, dvm_state_overlay **out) {
  if (!out) return DVM_STATE_ERR_ARG;
  *out = NULL;
  if (!v) return DVM_STATE_ERR_ARG;
  dvm_state_overlay *ov = calloc(1, sizeof *ov);
  if (!ov) return DVM_STATE_ERR_NOMEM;
  ov->s = v->s;
  ov->scratch = 1;
  ov->base = v->txn;
  randombytes_buf(&ov->seed, sizeof ov->seed);
  *out = ov;
  return DVM_STATE_OK;
}

int dvm_state_view_get(dvm_state_view *v, unsigned table, const void *key, size_t klen,
                    dvm_state_bytes *val) {
  if (table >= DVM_STATE_TABLE_COUNT) return DVM_STATE_ERR_ARG;
  if (klen < 1 || klen > DVM_STATE_KEY_MAX || !key) return DVM_STATE_ERR_SIZE;
  MDB_val k = mval(key, klen), d;
  int rc = mdb_get(v->txn, v->s->dbi[table], &k, &d);
  if (rc == MDB_NOTFOUND) return DVM_STATE_NOTFOUND;
  if (rc) return DVM_STATE_ERR_LMDB;
  if (val) {
    val->data = d.mv_data;
    val->len = d.mv_size;
  }
  return DVM_STATE_OK;
}

int dvm_state_view_next(dvm_state_view *v, unsigned table, const void *after, size_t after_len,
                     dvm_state_bytes *key, dvm_state_bytes *val) {
  if (table >= DVM_STATE_TABLE_COUNT) return DVM_STATE_ERR_ARG;
  if (after_len > DVM_STATE_KEY_MAX || (after_len && !after)) return DVM_STATE_ERR_SIZE;
  if (!v->cur[table] && mdb_cursor_open(v->txn, v->s->dbi[table], &v->cur[table])) {
    v->cur[table] = NULL;
    return DVM_STATE_ERR_LMDB;
  }
  uint64_t steps = 0;
  return dvm_state__merged_next(v->cur[table], NULL, after, after_len, NULL, &steps, key, val);
}

int dvm_state_view_last(dvm_state_view *v, uint64_t *height, uint8_t root[DVM_STATE_ROOT_BYTES]) {
  uint64_t h;
  uint8_t r[DVM_STATE_ROOT_BYTES];
  dvm_state_lthash sum;
  int rc = dvm_state__meta_read(v->s, v->txn, &h, r, &sum);
  if (rc != DVM_STATE_OK && rc != DVM_STATE_NOTFOUND) return rc;
  if (height) *height = h;
  if (root) memcpy(root, r, sizeof r);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Audit: recompute the root over every state entry. */

int dvm_state_store_audit(dvm_state_store *s, uint8_t root_out[DVM_STATE_ROOT_BYTES]) {
  dvm_state_view *v;
  int rc = dvm_state_view_begin(s, &v);
  if (rc) return rc;
  dvm_state_lthash_change *ch = NULL;
  size_t n = 0, cap = 0;
  for (unsigned t = 0; t < DVM_STATE_TABLES && rc == DVM_STATE_OK; t++) {
    MDB_cursor *c;
    if (mdb_cursor_open(v->txn, s->dbi[t], &c)) {
      rc = DVM_STATE_ERR_LMDB;
      break;
    }
    MDB_val k, d;
    int mrc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
    for (; mrc == 0; mrc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
      if (n == cap) {
        size_t nc = cap ? 2 * cap : 1024;
        void *p = realloc(ch, nc * sizeof *ch);
        if (!p) {
          rc = DVM_STATE_ERR_NOMEM;
          break;
        }
        ch = p;
        cap = nc;
      }
      dvm_state_lthash_change *e = &ch[n++];
      memset(e, 0, sizeof *e);
      e->table = t;
      e->new_present = 1;
      e->key.data = k.mv_data;
      e->key.len = k.mv_size;
      e->new_val.data = d.mv_data;
      e->new_val.len = d.mv_size;
    }
    mdb_cursor_close(c);
    if (rc == DVM_STATE_OK && mrc != MDB_NOTFOUND) rc = DVM_STATE_ERR_LMDB;
  }
  dvm_state_lthash sum;
  if (rc == DVM_STATE_OK) rc = dvm_state_lthash_delta(&sum, ch, n, s->threads);
  if (rc == DVM_STATE_OK) {
    uint8_t stored[DVM_STATE_ROOT_BYTES], mine[DVM_STATE_ROOT_BYTES];
    uint64_t h;
    dvm_state_lthash ssum;
    dvm_state_lthash_root(&sum, mine);
    if (root_out) memcpy(root_out, mine, sizeof mine);
    rc = dvm_state__meta_read(s, v->txn, &h, stored, &ssum);
    if (rc == DVM_STATE_NOTFOUND) rc = DVM_STATE_OK; /* stored = empty root */
    if (rc == DVM_STATE_OK && memcmp(stored, mine, sizeof mine)) rc = DVM_STATE_ERR_CORRUPT;
  }
  free(ch);
  dvm_state_view_end(v);
  return rc;
}
