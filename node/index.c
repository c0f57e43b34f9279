/* index.c — the node-side index in DIR/index (node_int.h): block hashes,
 * contracts, ABIs. LMDB with MDB_NOTLS: read transactions come from any
 * RPC thread; the producer is the only writer. */
#include <errno.h>
#include <lmdb.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "node_int.h"

struct node_index {
  MDB_env *env;
  MDB_dbi meta, hashes, contracts, abis, pending;
};

int node_index_open(const char *dir, node_index **out, char *err, size_t errlen) {
  char path[PATH_MAX];
  node_index *x = calloc(1, sizeof *x);
  MDB_txn *t = NULL;
  int rc;
  *out = NULL;
  if (!x) return node_fail(err, errlen, "out of memory");
  snprintf(path, sizeof path, "%s/index", dir);
  if (mkdir(path, 0755) && errno != EEXIST) {
    free(x);
    return node_fail(err, errlen, "%s: %s", path, strerror(errno));
  }
  if ((rc = mdb_env_create(&x->env)) || (rc = mdb_env_set_maxdbs(x->env, 8)) ||
      (rc = mdb_env_set_mapsize(x->env, (size_t)1 << 30)) || (rc = mdb_env_open(x->env, path, MDB_NOTLS, 0644)) ||
      (rc = mdb_txn_begin(x->env, NULL, 0, &t)) || (rc = mdb_dbi_open(t, "meta", MDB_CREATE, &x->meta)) ||
      (rc = mdb_dbi_open(t, "hashes", MDB_CREATE, &x->hashes)) ||
      (rc = mdb_dbi_open(t, "contracts", MDB_CREATE, &x->contracts)) ||
      (rc = mdb_dbi_open(t, "abis", MDB_CREATE, &x->abis)) ||
      (rc = mdb_dbi_open(t, "pending", MDB_CREATE, &x->pending)) || (rc = mdb_txn_commit(t))) {
    if (t) mdb_txn_abort(t);
    if (x->env) mdb_env_close(x->env);
    free(x);
    return node_fail(err, errlen, "%s: %s", path, mdb_strerror(rc));
  }
  *out = x;
  return 0;
}

void node_index_close(node_index *x) {
  if (!x) return;
  mdb_env_close(x->env);
  free(x);
}


/* Index one committed block inside write transaction t. */
static int index_block(node_index *x, MDB_txn *t, dvm_rt_chain *c, uint64_t height, char *err, size_t errlen) {
  uint8_t *enc = NULL, hash[32], hv[8];
  size_t len;
  dvm_tx_block b;
  char e[256];
  if (dvm_rt_chain_block(c, height, &enc, &len)) return node_fail(err, errlen, "block %llu: not readable", (unsigned long long)height);
  if (dvm_tx_block_decode(enc, len, &b, e, sizeof e)) {
    free(enc);
    return node_fail(err, errlen, "block %llu: %s", (unsigned long long)height, e);
  }
  dvm_tx_block_hash(&b.header, hash);
  dvm_le_put64(hv, height);
  MDB_val k = {32, hash}, v = {8, hv};
  int rc = mdb_put(t, x->hashes, &k, &v, 0);
  for (uint32_t i = 0; !rc && i < b.tx_count; i++) {
    const dvm_tx *tx = &b.txs[i];
    if (tx->kind != DVM_TX_DEPLOY) continue;
    uint8_t *renc;
    size_t rlen;
    dvm_rt_receipt r;
    if (dvm_rt_chain_receipt(c, tx->id, &renc, &rlen)) continue;
    if (dvm_rt_receipt_decode(renc, rlen, &r) == 0) {
      MDB_val pk = {32, (void *)tx->id}, pv;
      int has_abi = mdb_get(t, x->pending, &pk, &pv) == 0;
      if (r.has_contract && r.status == DVM_RT_CALL_OK) {
        uint8_t rec[72];
        crypto_generichash(rec, 32, tx->u.deploy.code, tx->u.deploy.code_len, NULL, 0);
        dvm_le_put64(rec + 32, height);
        memcpy(rec + 40, tx->id, 32);
        MDB_val ck = {32, r.contract}, cv = {sizeof rec, rec};
        rc = mdb_put(t, x->contracts, &ck, &cv, 0);
        if (!rc && has_abi) rc = mdb_put(t, x->abis, &ck, &pv, 0);
      }
      if (!rc && has_abi) rc = mdb_del(t, x->pending, &pk, NULL);
      dvm_rt_receipt_free(&r);
    }
    free(renc);
  }
  if (!rc) {
    MDB_val mk = {6, "height"};
    rc = mdb_put(t, x->meta, &mk, &v, 0);
  }
  dvm_tx_block_free(&b);
  free(enc);
  return rc ? node_fail(err, errlen, "index: %s", mdb_strerror(rc)) : 0;
}

int node_index_catch_up(node_index *x, dvm_rt_chain *c, char *err, size_t errlen) {
  uint64_t head, next = 0;
  MDB_txn *t;
  MDB_val mk = {6, "height"}, v;
  if (dvm_rt_chain_head(c, &head, NULL, NULL, NULL)) return 0; /* no genesis yet */
  int rc = mdb_txn_begin(x->env, NULL, 0, &t);
  if (rc) return node_fail(err, errlen, "index: %s", mdb_strerror(rc));
  if (mdb_get(t, x->meta, &mk, &v) == 0 && v.mv_size == 8) next = dvm_le_get64(v.mv_data) + 1;
  for (; next <= head; next++)
    if (index_block(x, t, c, next, err, errlen)) {
      mdb_txn_abort(t);
      return -1;
    }
  rc = mdb_txn_commit(t);
  return rc ? node_fail(err, errlen, "index: %s", mdb_strerror(rc)) : 0;
}

static int get_copy(node_index *x, MDB_dbi db, const void *key, size_t klen, MDB_val *out, uint8_t **copy) {
  MDB_txn *t;
  MDB_val k = {klen, (void *)key};
  if (mdb_txn_begin(x->env, NULL, MDB_RDONLY, &t)) return -1;
  int rc = mdb_get(t, db, &k, out);
  if (!rc) {
    *copy = malloc(out->mv_size + 1);
    if (*copy) {
      memcpy(*copy, out->mv_data, out->mv_size);
      (*copy)[out->mv_size] = 0;
    } else {
      rc = -1;
    }
  }
  mdb_txn_abort(t);
  return rc ? -1 : 0;
}

int node_index_height(node_index *x, const uint8_t hash[32], uint64_t *height) {
  MDB_val v;
  uint8_t *p;
  if (get_copy(x, x->hashes, hash, 32, &v, &p)) return -1;
  *height = v.mv_size == 8 ? dvm_le_get64(p) : 0;
  free(p);
  return v.mv_size == 8 ? 0 : -1;
}

int node_index_contract(node_index *x, const uint8_t addr[32], uint8_t code_hash[32], uint64_t *height,
                        uint8_t tx_id[32], char **abi) {
  MDB_val v;
  uint8_t *p;
  if (abi) *abi = NULL;
  if (get_copy(x, x->contracts, addr, 32, &v, &p)) return -1;
  if (v.mv_size != 72) {
    free(p);
    return -1;
  }
  if (code_hash) memcpy(code_hash, p, 32);
  if (height) *height = dvm_le_get64(p + 32);
  if (tx_id) memcpy(tx_id, p + 40, 32);
  free(p);
  if (abi && get_copy(x, x->abis, addr, 32, &v, &p) == 0) *abi = (char *)p;
  return 0;
}

int node_index_pending_abi(node_index *x, const uint8_t tx_id[32], const char *abi, size_t len) {
  MDB_txn *t = NULL;
  MDB_val k = {32, (void *)tx_id}, v = {len, (void *)abi};
  if (mdb_txn_begin(x->env, NULL, 0, &t)) return -1;
  if (mdb_put(t, x->pending, &k, &v, 0)) {
    mdb_txn_abort(t);
    return -1;
  }
  return mdb_txn_commit(t) ? -1 : 0;
}
