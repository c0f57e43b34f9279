/* state_commit.c — block commit (spec/state.md §6-§8):
 *   1. net changes: each state-table key of the overlay against its value in
 *      the snapshot (= the last committed block); unchanged keys drop out;
 *   2. lattice delta of the changes on the store's threads; new sum, root;
 *   3. one LMDB write transaction: overlay writes, records, META; on
 *      MDB_MAP_FULL abort, double the map, redo step 3 from the overlay. */
#include "state_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static MDB_val mval(const void *p, size_t n) {
  MDB_val v;
  v.mv_data = (void *)(uintptr_t)p;
  v.mv_size = n;
  return v;
}

/* ------------------------------------------------------------------ */
/* Step 1. In-order walk, so the change list is in key order (not needed
 * for the sum, but keeps everything reproducible). */

typedef struct collect_ctx {
  dvm_rt_store *s;
  MDB_txn *txn;
  unsigned table;
  dvm_rt_lthash_change *ch;
  size_t n;
  int rc;
} collect_ctx;

static void collect(collect_ctx *x, const ov_node *t) {
  while (t && x->rc == DVM_RT_STATE_OK) {
    collect(x, t->l);
    if (x->rc) return;
    MDB_val k = mval(t->key, t->klen), d;
    int mrc = mdb_get(x->txn, x->s->dbi[x->table], &k, &d);
    if (mrc && mrc != MDB_NOTFOUND) {
      dvm_rt__errf(x->s, "mdb_get(%s) in commit: %s", dvm_rt__table_name(x->table),
                   mdb_strerror(mrc));
      x->rc = DVM_RT_STATE_ERR_LMDB;
      return;
    }
    int oldp = mrc == 0, newp = !t->tomb;
    int same = oldp == newp && (!oldp || (d.mv_size == t->vlen &&
                                          (!t->vlen || !memcmp(d.mv_data, t->val, t->vlen))));
    if (!same) {
      dvm_rt_lthash_change *c = &x->ch[x->n++];
      c->table = x->table;
      c->old_present = oldp;
      c->new_present = newp;
      c->key.data = t->key;
      c->key.len = t->klen;
      c->old_val.data = oldp ? d.mv_data : NULL;
      c->old_val.len = oldp ? d.mv_size : 0;
      c->new_val.data = t->val;
      c->new_val.len = t->vlen;
    }
    t = t->r;
  }
}

/* ------------------------------------------------------------------ */
/* Step 3. */

typedef struct write_ctx {
  dvm_rt_store *s;
  MDB_txn *txn;
  unsigned table;
  int mrc;
  const char *what;
} write_ctx;

static void write_tree(write_ctx *x, const ov_node *t) {
  while (t && !x->mrc) {
    write_tree(x, t->l);
    if (x->mrc) return;
    MDB_val k = mval(t->key, t->klen);
    if (t->tomb) {
      int r = mdb_del(x->txn, x->s->dbi[x->table], &k, NULL);
      if (r && r != MDB_NOTFOUND) {
        x->mrc = r;
        x->what = "mdb_del";
      }
    } else {
      MDB_val d = mval(t->val, t->vlen);
      int r = mdb_put(x->txn, x->s->dbi[x->table], &k, &d, 0);
      if (r) {
        x->mrc = r;
        x->what = "mdb_put";
      }
    }
    t = t->r;
  }
}

static void put_u64le(uint8_t b[8], uint64_t v) {
  for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
}

/* One attempt at the write transaction. Returns an LMDB code (0 = committed)
 * and sets x->what/x->table for the message. */
static int write_block(write_ctx *x, const dvm_rt_overlay *ov, const dvm_rt_record *rec,
                       size_t nrec, uint64_t height, const uint8_t root[32],
                       const dvm_rt_lthash *sum) {
  dvm_rt_store *s = x->s;
  x->mrc = 0;
  x->what = "mdb_txn_begin";
  x->table = DVM_RT_T_META;
  int r = mdb_txn_begin(s->env, NULL, 0, &x->txn);
  if (r) return r;
  for (unsigned t = 0; t < DVM_RT_TABLE_COUNT && !x->mrc; t++) {
    x->table = t;
    write_tree(x, ov->root[t]);
  }
  for (size_t i = 0; i < nrec && !x->mrc; i++) {
    MDB_val k = mval(rec[i].key.data, rec[i].key.len);
    MDB_val d = mval(rec[i].val.data, rec[i].val.len);
    x->table = rec[i].table;
    x->what = "mdb_put";
    x->mrc = mdb_put(x->txn, s->dbi[rec[i].table], &k, &d, 0);
  }
  if (!x->mrc) {
    uint8_t hb[8], enc[DVM_RT_LTHASH_BYTES];
    put_u64le(hb, height);
    dvm_rt_lthash_encode(sum, enc);
    const struct {
      const char *k;
      const void *v;
      size_t n;
    } meta[3] = {
        {DVM_RT_META_HEIGHT, hb, 8},
        {DVM_RT_META_ROOT, root, DVM_RT_ROOT_BYTES},
        {DVM_RT_META_LTHASH, enc, DVM_RT_LTHASH_BYTES},
    };
    x->table = DVM_RT_T_META;
    x->what = "mdb_put";
    for (unsigned i = 0; i < 3 && !x->mrc; i++) {
      MDB_val k = mval(meta[i].k, strlen(meta[i].k)), d = mval(meta[i].v, meta[i].n);
      x->mrc = mdb_put(x->txn, s->dbi[DVM_RT_T_META], &k, &d, 0);
    }
  }
  if (x->mrc) {
    mdb_txn_abort(x->txn);
    return x->mrc;
  }
  x->what = "mdb_txn_commit";
  return mdb_txn_commit(x->txn); /* frees the txn whatever the result */
}

/* Double the map (capped at map_size_max). Needs no transaction open in
 * the process: the exclusive map lock waits for views to end, at most
 * DVM_RT_GROW_WAIT_S seconds (a view held by the committing thread itself
 * would otherwise wait forever). */
static int grow_map(dvm_rt_store *s) {
  if (s->map_size >= s->opts.map_size_max) {
    dvm_rt__errf(s, "LMDB map full at %zu bytes (map_size_max)", s->map_size);
    return DVM_RT_STATE_ERR_MAPFULL;
  }
  size_t want = s->map_size > s->opts.map_size_max / 2 ? s->opts.map_size_max : 2 * s->map_size;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += DVM_RT_GROW_WAIT_S;
  int lr = pthread_rwlock_timedwrlock(&s->map_lock, &until);
  if (lr == ETIMEDOUT) {
    dvm_rt__errf(s, "map growth to %zu bytes waited %d s for read views to end", want,
                 DVM_RT_GROW_WAIT_S);
    return DVM_RT_STATE_ERR_BUSY;
  }
  if (lr) {
    dvm_rt__errf(s, "map growth: cannot take the map lock: %s", strerror(lr));
    return DVM_RT_STATE_ERR_THREAD;
  }
  int r = mdb_env_set_mapsize(s->env, want);
  MDB_envinfo info;
  mdb_env_info(s->env, &info);
  pthread_rwlock_unlock(&s->map_lock);
  if (r) {
    dvm_rt__errf(s, "mdb_env_set_mapsize(%zu): %s", want, mdb_strerror(r));
    return DVM_RT_STATE_ERR_LMDB;
  }
  s->map_size = info.me_mapsize;
  return DVM_RT_STATE_OK;
}

static int check_records(const dvm_rt_record *rec, size_t n) {
  size_t pl = sizeof DVM_RT_META_PREFIX - 1;
  for (size_t i = 0; i < n; i++) {
    const dvm_rt_record *r = &rec[i];
    if (r->table < DVM_RT_STATE_TABLES || r->table >= DVM_RT_TABLE_COUNT)
      return DVM_RT_STATE_ERR_ARG;
    if (r->key.len < 1 || r->key.len > DVM_RT_KEY_MAX || !r->key.data)
      return DVM_RT_STATE_ERR_SIZE;
    if (r->val.len > DVM_RT_VAL_MAX || (r->val.len && !r->val.data)) return DVM_RT_STATE_ERR_SIZE;
    if (r->table == DVM_RT_T_META && r->key.len >= pl &&
        !memcmp(r->key.data, DVM_RT_META_PREFIX, pl))
      return DVM_RT_STATE_ERR_ARG;
  }
  return DVM_RT_STATE_OK;
}

typedef struct static_records {
  const dvm_rt_record *records;
  size_t n;
} static_records;

static int give_static(void *arg, const uint8_t root[DVM_RT_ROOT_BYTES], const dvm_rt_record **records,
                       size_t *n) {
  const static_records *sr = arg;
  (void)root;
  *records = sr->records;
  *n = sr->n;
  return DVM_RT_STATE_OK;
}

int dvm_rt_state_commit(dvm_rt_overlay *ov, uint64_t height, const dvm_rt_record *records,
                        size_t nrecords, uint8_t root_out[DVM_RT_ROOT_BYTES]) {
  if (nrecords && !records) return DVM_RT_STATE_ERR_ARG;
  static_records sr = {records, nrecords};
  return dvm_rt_state_commit_cb(ov, height, give_static, &sr, root_out);
}

int dvm_rt_state_commit_cb(dvm_rt_overlay *ov, uint64_t height, dvm_rt_records_fn fn, void *arg,
                           uint8_t root_out[DVM_RT_ROOT_BYTES]) {
  const dvm_rt_record *records = NULL;
  size_t nrecords = 0;
  if (!ov || !fn) return DVM_RT_STATE_ERR_ARG;
  dvm_rt_store *s = ov->s;
  if (s->failed) return DVM_RT_STATE_ERR_FAILED;
  if (ov->depth) return DVM_RT_STATE_ERR_ARG;
  if (s->has_block ? height != s->height + 1 || height == 0 : height != 0)
    return DVM_RT_STATE_ERR_HEIGHT;
  int rc;

  /* 1. net changes against the snapshot. */
  size_t nstate = 0;
  for (unsigned t = 0; t < DVM_RT_STATE_TABLES; t++) nstate += ov->count[t];
  collect_ctx cx = {.s = s, .rc = DVM_RT_STATE_OK};
  if (nstate && !(cx.ch = malloc(nstate * sizeof *cx.ch))) return DVM_RT_STATE_ERR_NOMEM;
  if ((rc = dvm_rt__ov_base(ov, &cx.txn))) {
    free(cx.ch);
    return rc;
  }
  for (unsigned t = 0; t < DVM_RT_STATE_TABLES && cx.rc == DVM_RT_STATE_OK; t++) {
    cx.table = t;
    collect(&cx, ov->root[t]);
  }
  /* 2. lattice delta (reads the snapshot's pages, so before releasing it). */
  dvm_rt_lthash sum = s->sum, delta;
  rc = cx.rc;
  if (rc == DVM_RT_STATE_OK) rc = dvm_rt_lthash_delta(&delta, cx.ch, cx.n, s->threads);
  free(cx.ch);
  dvm_rt__ov_base_release(ov);
  if (rc) {
    if (rc == DVM_RT_STATE_ERR_THREAD) dvm_rt__errf(s, "commit: cannot start lattice threads");
    return rc;
  }
  dvm_rt_lthash_add(&sum, &delta);
  uint8_t root[DVM_RT_ROOT_BYTES];
  dvm_rt_lthash_root(&sum, root);
  /* The records may depend on the root (a block header carries it). */
  if ((rc = fn(arg, root, &records, &nrecords))) return rc;
  if (nrecords && !records) return DVM_RT_STATE_ERR_ARG;
  if ((rc = check_records(records, nrecords))) return rc;

  /* 3. write; grow and retry while the map is full. */
  write_ctx wx = {.s = s};
  for (;;) {
    int mrc = write_block(&wx, ov, records, nrecords, height, root, &sum);
    if (mrc == 0) break;
    if (mrc == MDB_MAP_FULL) {
      if ((rc = grow_map(s)) == DVM_RT_STATE_OK) continue;
      if (rc == DVM_RT_STATE_ERR_BUSY) return rc; /* nothing written; not FAILED */
    } else {
      dvm_rt__errf(s, "%s(%s) for block %llu: %s", wx.what, dvm_rt__table_name(wx.table),
                   (unsigned long long)height, mdb_strerror(mrc));
      rc = DVM_RT_STATE_ERR_LMDB;
    }
    s->failed = 1; /* the previous block is intact; refuse writes until reset */
    return rc;
  }
  s->has_block = 1;
  s->height = height;
  memcpy(s->root, root, sizeof root);
  s->sum = sum;
  s->errmsg[0] = 0;
  dvm_rt__ov_clear(ov);
  if (root_out) memcpy(root_out, root, sizeof root);
  return DVM_RT_STATE_OK;
}
