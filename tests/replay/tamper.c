/* tamper.c — alter a data directory behind the engine's back, with LMDB
 * directly (the tables of spec/state.md), for the replay tests:
 *
 *   tamper receipt DIR H I         add 1 to gas_used of the stored receipt
 *                                  of transaction I of block H; prints its id
 *   tamper state DIR TABLE KEYHEX  add 1 to the last byte of the value of
 *                                  KEYHEX in TABLE (accounts, code, storage)
 *   tamper header DIR H            flip a bit of block H's stored state root
 *
 * Nothing else changes: no root, no lattice sum, no other record. */
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"

static MDB_env *env;

static void die(const char *what, int rc) {
  fprintf(stderr, "tamper: %s: %s\n", what, rc ? mdb_strerror(rc) : "failed");
  exit(1);
}

static void open_db(const char *dir, const char *table, MDB_txn **txn, MDB_dbi *dbi) {
  int rc;
  if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, 8)) || (rc = mdb_env_open(env, dir, 0, 0600)))
    die("open", rc);
  if ((rc = mdb_txn_begin(env, NULL, 0, txn))) die("txn", rc);
  if ((rc = mdb_dbi_open(*txn, table, 0, dbi))) die(table, rc);
}

/* Replace key's value by a copy changed by fn, and commit. */
static void rewrite(MDB_txn *txn, MDB_dbi dbi, MDB_val *k, void (*fn)(uint8_t *, size_t, void *), void *arg) {
  MDB_val v;
  int rc = mdb_get(txn, dbi, k, &v);
  if (rc) die("get", rc);
  uint8_t *copy = malloc(v.mv_size ? v.mv_size : 1);
  memcpy(copy, v.mv_data, v.mv_size);
  fn(copy, v.mv_size, arg);
  MDB_val nv = {v.mv_size, copy};
  if ((rc = mdb_put(txn, dbi, k, &nv, 0))) die("put", rc);
  if ((rc = mdb_txn_commit(txn))) die("commit", rc);
  free(copy);
  mdb_env_close(env);
}

static void bump_gas(uint8_t *p, size_t n, void *arg) {
  (void)arg;
  size_t at = 32 + 8 + 4 + 1 + 1; /* receipt: id, height, index, kind, status, gas_used u64 LE */
  if (n < at + 8) die("receipt too short", 0);
  for (size_t i = at; i < at + 8 && ++p[i] == 0; i++) {}
}
static void bump_last(uint8_t *p, size_t n, void *arg) {
  (void)arg;
  if (!n) die("empty value", 0);
  p[n - 1]++;
}
static void flip_root(uint8_t *p, size_t n, void *arg) {
  (void)arg;
  size_t at = 1 + 8 + 32 + 8 + 32; /* header: version, height, parent, time, tx root, state root */
  if (n < at + 32) die("block too short", 0);
  p[at] ^= 1;
}

static void block_key(uint8_t k[8], unsigned long long h) {
  for (int i = 0; i < 8; i++) k[i] = (uint8_t)(h >> (56 - 8 * i));
}

int main(int argc, char **argv) {
  MDB_txn *txn;
  MDB_dbi dbi;
  if (argc == 5 && !strcmp(argv[1], "receipt")) {
    uint8_t bk[8];
    unsigned long long h = strtoull(argv[3], NULL, 10), i = strtoull(argv[4], NULL, 10);
    block_key(bk, h);
    open_db(argv[2], "blocks", &txn, &dbi);
    MDB_val k = {8, bk}, v;
    int rc = mdb_get(txn, dbi, &k, &v);
    if (rc) die("block", rc);
    dvm_tx_block b;
    char e[160];
    if (dvm_tx_block_decode(v.mv_data, v.mv_size, &b, e, sizeof e) || i >= b.tx_count) die("block decode / index", 0);
    uint8_t id[32];
    memcpy(id, b.txs[i].id, 32);
    dvm_tx_block_free(&b);
    if ((rc = mdb_dbi_open(txn, "receipts", 0, &dbi))) die("receipts", rc);
    MDB_val rk = {32, id};
    rewrite(txn, dbi, &rk, bump_gas, NULL);
    char hx[65];
    dvm_hex_encode(id, 32, hx);
    printf("%s\n", hx);
    return 0;
  }
  if (argc == 5 && !strcmp(argv[1], "state")) {
    size_t n = strlen(argv[4]) / 2;
    uint8_t key[512];
    if (n == 0 || n > sizeof key || dvm_hex_decode(argv[4], key, n)) die("key hex", 0);
    open_db(argv[2], argv[3], &txn, &dbi);
    MDB_val k = {n, key};
    rewrite(txn, dbi, &k, bump_last, NULL);
    return 0;
  }
  if (argc == 4 && !strcmp(argv[1], "header")) {
    uint8_t bk[8];
    block_key(bk, strtoull(argv[3], NULL, 10));
    open_db(argv[2], "blocks", &txn, &dbi);
    MDB_val k = {8, bk};
    rewrite(txn, dbi, &k, flip_root, NULL);
    return 0;
  }
  fprintf(stderr, "usage: tamper receipt DIR H I | state DIR TABLE KEYHEX | header DIR H\n");
  return 2;
}
