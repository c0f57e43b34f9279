/* state_commit.c — block commit (spec/state.md §6-§8):
 *   1. net changes: each state-table key of the overlay against its value in
 *      the snapshot (= the last committed block); unchanged keys drop out;
 *   2. lattice delta of the changes; steps 1-2 run on the store's threads;
 *      then the new sum and root;
 *   3. one LMDB write transaction: overlay writes, records, META; on
 *      MDB_MAP_FULL abort, grow the map x2, redo step 3 from the overlay. */
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
/* Steps 1-2, on the store's threads. The overlay's state entries are
 * listed in key order; worker w takes a contiguous range, reads each key's
 * old value in its own read transaction of the same snapshot (worker 0 uses
 * the overlay's), drops unchanged keys and sums element(new) - element(old)
 * into its partial sum. The partials are added: the sum is commutative, so
 * the split cannot change it (spec/state.md §4.4). */

typedef struct net_item {
  const ov_node *node;
  unsigned table;
} net_item;

typedef struct net_job {
  dvm_state_store *s;
  const net_item *items;
  size_t lo, hi;
  MDB_txn *txn; /* NULL: the worker opens its own */
  size_t snapshot_id; /* mdb_txn_id of the overlay's snapshot */
  int rc;       /* DVM_RT_STATE_* */
  int mrc;      /* the LMDB code behind ERR_LMDB */
  size_t changed;
  dvm_state_lthash sum;
} net_job;

static void list_nodes(const ov_node *t, unsigned table, net_item *out, size_t *n) {
  while (t) {
    list_nodes(t->l, table, out, n);
    out[*n].node = t;
    out[(*n)++].table = table;
    t = t->r;
  }
}

static void *net_work(void *arg) {
  net_job *j = arg;
  MDB_txn *txn = j->txn;
  dvm_state_lthash e;
  dvm_state_lthash_zero(&j->sum);
  j->changed = 0;
  if (!txn) {
    if ((j->mrc = mdb_txn_begin(j->s->env, NULL, MDB_RDONLY, &txn))) {
      j->rc = DVM_STATE_ERR_LMDB;
      return NULL;
    }
    if (mdb_txn_id(txn) != j->snapshot_id) { /* another process wrote: refuse */
      mdb_txn_abort(txn);
      j->rc = DVM_STATE_ERR_LMDB;
      j->mrc = MDB_BAD_TXN;
      return NULL;
    }
  }
  for (size_t i = j->lo; i < j->hi; i++) {
    const ov_node *t = j->items[i].node;
    unsigned table = j->items[i].table;
    MDB_val k = mval(t->key, t->klen), d;
    int mrc = mdb_get(txn, j->s->dbi[table], &k, &d);
    if (mrc && mrc != MDB_NOTFOUND) {
      j->mrc = mrc;
      j->rc = DVM_STATE_ERR_LMDB;
      break;
    }
    int oldp = mrc == 0, newp = !t->tomb;
    if (oldp == newp &&
        (!oldp || (d.mv_size == t->vlen && (!t->vlen || !memcmp(d.mv_data, t->val, t->vlen)))))
      continue; /* no net change */
    j->changed++;
    if (oldp) {
      dvm_state_lthash_element(&e, table, t->key, t->klen, d.mv_data, d.mv_size);
      dvm_state_lthash_sub(&j->sum, &e);
    }
    if (newp) {
      dvm_state_lthash_element(&e, table, t->key, t->klen, t->val, t->vlen);
      dvm_state_lthash_add(&j->sum, &e);
    }
  }
  if (!j->txn) mdb_txn_abort(txn);
  return NULL;
}

#define NET_MIN_PER_THREAD 32u /* below this, a thread costs more than it saves */
#define NET_MAX_THREADS 64u

/* *delta = net lattice change of the overlay's state entries. */
static int net_delta(dvm_state_overlay *ov, dvm_state_lthash *delta) {
  dvm_state_store *s = ov->s;
  size_t n = 0, cap = 0;
  for (unsigned t = 0; t < DVM_STATE_TABLES; t++) cap += ov->count[t];
  dvm_state_lthash_zero(delta);
  if (!cap) return DVM_STATE_OK;
  net_item *items = malloc(cap * sizeof *items);
  net_job *jobs = malloc(NET_MAX_THREADS * sizeof *jobs);
  pthread_t tid[NET_MAX_THREADS];
  MDB_txn *base;
  int rc = !items || !jobs ? DVM_STATE_ERR_NOMEM : dvm_state__ov_base(ov, &base);
  if (rc) {
    free(items);
    free(jobs);
    return rc;
  }
  for (unsigned t = 0; t < DVM_STATE_TABLES; t++) list_nodes(ov->root[t], t, items, &n);

  size_t nt = s->threads < NET_MAX_THREADS ? s->threads : NET_MAX_THREADS;
  if (nt > 1 && n / nt < NET_MIN_PER_THREAD) nt = n / NET_MIN_PER_THREAD;
  if (nt < 1) nt = 1;
  for (size_t w = 0; w < nt; w++) {
    jobs[w] = (net_job){.s = s, .items = items, .lo = n * w / nt, .hi = n * (w + 1) / nt,
                        .snapshot_id = mdb_txn_id(base)};
  }
  jobs[0].txn = base;
  size_t started = 0;
  for (size_t w = 1; w < nt; w++) {
    if (pthread_create(&tid[w], NULL, net_work, &jobs[w])) {
      rc = DVM_STATE_ERR_THREAD;
      dvm_state__errf(s, "commit: cannot start lattice thread %zu of %zu", w, nt);
      break;
    }
    started = w;
  }
  if (!rc) net_work(&jobs[0]);
  for (size_t w = 1; w <= started; w++) pthread_join(tid[w], NULL);
  for (size_t w = 0; w < nt && !rc; w++) {
    if (jobs[w].rc) {
      rc = jobs[w].rc;
      dvm_state__errf(s, "commit: reading old values: %s", mdb_strerror(jobs[w].mrc));
    }
    dvm_state_lthash_add(delta, &jobs[w].sum);
  }
  free(items);
  free(jobs);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Step 3. */

typedef struct write_ctx {
  dvm_state_store *s;
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

/* One attempt at the write transaction. Returns an LMDB code (0 = committed)
 * and sets x->what/x->table for the message. */
static int write_block(write_ctx *x, const dvm_state_overlay *ov, const dvm_state_record *rec,
                       size_t nrec, uint64_t height, const uint8_t root[32],
                       const dvm_state_lthash *sum) {
  dvm_state_store *s = x->s;
  x->mrc = 0;
  x->what = "mdb_txn_begin";
  x->table = DVM_STATE_TABLE_COUNT; /* no table */
  int r = mdb_txn_begin(s->env, NULL, 0, &x->txn);
  if (r) return r;
  for (unsigned t = 0; t < DVM_STATE_TABLE_COUNT && !x->mrc; t++) {
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
    uint8_t hb[8], enc[DVM_STATE_LTHASH_BYTES];
    dvm_le_put64(hb, height);
    dvm_state_lthash_encode(sum, enc);
    const struct {
      const char *k;
      const void *v;
      size_t n;
    } meta[3] = {
        {DVM_STATE_META_HEIGHT, hb, 8},
        {DVM_STATE_META_ROOT, root, DVM_STATE_ROOT_BYTES},
        {DVM_STATE_META_LTHASH, enc, DVM_STATE_LTHASH_BYTES},
    };
    x->table = DVM_STATE_T_META;
    x->what = "mdb_put";
    for (unsigned i = 0; i < 3 && !x->mrc; i++) {
      MDB_val k = mval(meta[i].k, strlen(meta[i].k)), d = mval(meta[i].v, meta[i].n);
      x->mrc = mdb_put(x->txn, s->dbi[DVM_STATE_T_META], &k, &d, 0);
    }
  }
  if (x->mrc) {
    mdb_txn_abort(x->txn);
    return x->mrc;
  }
  x->what = "mdb_txn_commit";
  x->table = DVM_STATE_TABLE_COUNT;
  return mdb_txn_commit(x->txn); /* frees the txn whatever the result */
}

/* Grow the map x2 (capped at map_size_max). Needs no transaction open in
 * the process: the exclusive map lock waits for views to end, at most
 * DVM_STATE_GROW_WAIT_S seconds (a view held by the committing thread itself
 * would otherwise wait forever). */
static int grow_map(dvm_state_store *s) {
  if (s->map_size >= s->opts.map_size_max) {
    dvm_state__errf(s, "LMDB map full at %zu bytes (map_size_max)", s->map_size);
    return DVM_STATE_ERR_MAPFULL;
  }
  size_t want = s->map_size > s->opts.map_size_max / 2 ? s->opts.map_size_max : 2 * s->map_size;
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += DVM_STATE_GROW_WAIT_S;
  int lr = pthread_rwlock_timedwrlock(&s->map_lock, &until);
  if (lr == ETIMEDOUT) {
    dvm_state__errf(s, "map growth to %zu bytes waited %d s for read views to end", want,
                 DVM_STATE_GROW_WAIT_S);
    return DVM_STATE_ERR_BUSY;
  }
  if (lr) {
    dvm_state__errf(s, "map growth: cannot take the map lock: %s", strerror(lr));
    return DVM_STATE_ERR_THREAD;
  }
  int r = mdb_env_set_mapsize(s->env, want);
  MDB_envinfo info;
  mdb_env_info(s->env, &info);
  pthread_rwlock_unlock(&s->map_lock);
  if (r) {
    dvm_state__errf(s, "mdb_env_set_mapsize(%zu): %s", want, mdb_strerror(r));
    return DVM_STATE_ERR_LMDB;
  }
  s->map_size = info.me_mapsize;
  return DVM_STATE_OK;
}

static int check_records(const dvm_state_record *rec, size_t n) {
  size_t pl = sizeof DVM_STATE_META_PREFIX - 1;
  for (size_t i = 0; i < n; i++) {
    const dvm_state_record *r = &rec[i];
    if (r->table < DVM_STATE_TABLES || r->table >= DVM_STATE_TABLE_COUNT)
      return DVM_STATE_ERR_ARG;
    if (r->key.len < 1 || r->key.len > DVM_STATE_KEY_MAX || !r->key.data)
      return DVM_STATE_ERR_SIZE;
    if (r->val.len > DVM_STATE_RECORD_VAL_MAX || (r->val.len && !r->val.data)) return DVM_STATE_ERR_SIZE;
    if (r->table == DVM_STATE_T_META && r->key.len >= pl &&
        !memcmp(r->key.data, DVM_STATE_META_PREFIX, pl))
      return DVM_STATE_ERR_ARG;
  }
  return DVM_STATE_OK;
}

typedef struct static_records {
  const dvm_state_record *records;
  size_t n;
} static_records;

static int give_static(void *arg, const uint8_t root[DVM_STATE_ROOT_BYTES], const dvm_state_record **records,
                       size_t *n) {
  const static_records *sr = arg;
  (void)root;
  *records = sr->records;
  *n = sr->n;
  return DVM_STATE_OK;
}

int dvm_state_commit(dvm_state_overlay *ov, uint64_t height, const dvm_state_record *records,
                        size_t nrecords, uint8_t root_out[DVM_STATE_ROOT_BYTES]) {
  if (nrecords && !records) return DVM_STATE_ERR_ARG;
  static_records sr = {records, nrecords};
  return dvm_state_commit_cb(ov, height, give_static, &sr, root_out);
}

int dvm_state_commit_cb(dvm_state_overlay *ov, uint64_t height, dvm_state_records_fn fn, void *arg,
                           uint8_t root_out[DVM_STATE_ROOT_BYTES]) {
  const dvm_state_record *records = NULL;
  size_t nrecords = 0;
  if (!ov || !fn || ov->scratch) return DVM_STATE_ERR_ARG;
  dvm_state_store *s = ov->s;
  if (s->failed) return DVM_STATE_ERR_FAILED;
  if (ov->depth) return DVM_STATE_ERR_ARG;
  if (s->has_block ? height != s->height + 1 || height == 0 : height != 0)
    return DVM_STATE_ERR_HEIGHT;
  int rc;

  /* 1-2. net changes against the snapshot and their lattice delta (reads
   * the snapshot's pages, so before releasing it). */
  dvm_state_lthash sum = s->sum, delta;
  rc = net_delta(ov, &delta);
  dvm_state__ov_base_release(ov);
  if (rc) return rc;
  dvm_state_lthash_add(&sum, &delta);
  uint8_t root[DVM_STATE_ROOT_BYTES];
  dvm_state_lthash_root(&sum, root);
  /* The records may depend on the root (a block header carries it). */
  if ((rc = fn(arg, root, &records, &nrecords))) return rc;
  if (nrecords && !records) return DVM_STATE_ERR_ARG;
  if ((rc = check_records(records, nrecords))) return rc;

  /* 3. write; grow and retry while the map is full. */
  write_ctx wx = {.s = s};
  for (;;) {
    int mrc = write_block(&wx, ov, records, nrecords, height, root, &sum);
    if (mrc == 0) break;
    if (mrc == MDB_MAP_FULL) {
      if ((rc = grow_map(s)) == DVM_STATE_OK) continue;
      if (rc == DVM_STATE_ERR_BUSY) return rc; /* nothing written; not FAILED */
    } else {
      if (wx.table < DVM_STATE_TABLE_COUNT)
        dvm_state__errf(s, "%s(%s) for block %llu: %s", wx.what, dvm_state__table_name(wx.table),
                     (unsigned long long)height, mdb_strerror(mrc));
      else
        dvm_state__errf(s, "%s for block %llu: %s", wx.what, (unsigned long long)height,
                     mdb_strerror(mrc));
      rc = DVM_STATE_ERR_LMDB;
    }
    s->failed = 1; /* the previous block is intact; refuse writes until reset */
    return rc;
  }
  s->has_block = 1;
  s->height = height;
  memcpy(s->root, root, sizeof root);
  s->sum = sum;
  s->errmsg[0] = 0;
  dvm_state__ov_clear(ov);
  if (root_out) memcpy(root_out, root, sizeof root);
  return DVM_STATE_OK;
}
