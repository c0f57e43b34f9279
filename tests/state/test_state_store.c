/* test_state_store.c — the store (spec/state.md §5-§8): map growth from a
 * tiny map, a failed commit leaves the previous block and a FAILED handle,
 * records and reserved keys, views isolated from later commits and running
 * in another thread during commits and growth, the same roots whatever the
 * thread count, and a corrupt root detected at open. */
#include "check.h"
#include "state.h"

#include <lmdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

static dvm_state_store *open_opts(const char *dir, size_t initial, size_t max, unsigned threads) {
  dvm_state_store *s = NULL;
  char err[DVM_STATE_ERRMSG_MAX];
  dvm_state_store_opts o;
  dvm_state_store_opts_default(&o);
  o.map_size_initial = initial;
  if (max) o.map_size_max = max;
  o.threads = threads;
  int rc = dvm_state_store_open(dir, &o, &s, err);
  if (rc) {
    fprintf(stderr, "open %s: %s (%s)\n", dir, err, dvm_state_strerror(rc));
    exit(2);
  }
  return s;
}

static void key_of(uint8_t k[12], uint32_t i) {
  memcpy(k, "key/", 4);
  for (int b = 0; b < 8; b++) k[4 + b] = "0123456789abcdef"[(i >> (28 - 4 * b)) & 15];
}

/* Map growth: a 64 KiB map takes a 1 MiB value and thousands of entries. */
static void growth(void) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "grow");
  dvm_state_store *s = open_opts(dir, 65536, 0, 2);
  size_t before = dvm_state_store_map_size(s);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  uint8_t *big = malloc(DVM_STATE_VAL_MAX);
  for (size_t i = 0; i < DVM_STATE_VAL_MAX; i++) big[i] = (uint8_t)(i * 7);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_CODE, "big", 3, big, DVM_STATE_VAL_MAX), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_CODE, "big2", 4, big, DVM_STATE_VAL_MAX + 1), DVM_STATE_ERR_SIZE);
  uint8_t k[12], v[100];
  memset(v, 'v', sizeof v);
  for (uint32_t i = 0; i < 3000; i++) {
    key_of(k, i);
    CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, k, 12, v, sizeof v), 0);
  }
  uint8_t root[32], stored[32];
  CHECK_RC(dvm_state_commit(ov, 0, NULL, 0, root), 0);
  CHECK(dvm_state_store_map_size(s) > before);
  CHECK(dvm_state_store_map_size(s) >= 2 * DVM_STATE_VAL_MAX);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  s = open_opts(dir, 65536, 0, 1);
  CHECK_RC(dvm_state_store_last(s, NULL, stored), 0);
  CHECK(!memcmp(root, stored, 32));
  CHECK_RC(dvm_state_store_audit(s, NULL), 0);
  dvm_state_view *vw;
  dvm_state_bytes got;
  CHECK_RC(dvm_state_view_begin(s, &vw), 0);
  CHECK_RC(dvm_state_view_get(vw, DVM_STATE_T_CODE, "big", 3, &got), 0);
  CHECK(got.len == DVM_STATE_VAL_MAX && !memcmp(got.data, big, got.len));
  dvm_state_view_end(vw);
  free(big);
  dvm_state_store_close(s);
  test_rmdir(dir);
}

/* A commit that cannot fit: the previous block survives; the store is
 * FAILED until reset; a smaller block then commits. */
static void failed_commit(void) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "fail");
  dvm_state_store *s = open_opts(dir, 65536, 262144, 1);
  dvm_state_overlay *ov;
  uint8_t r0[32], r[32];
  uint64_t h;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, "a", 1, "1", 1), 0);
  CHECK_RC(dvm_state_commit(ov, 0, NULL, 0, r0), 0);

  uint8_t *big = calloc(1, 600000);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, "a", 1, "2", 1), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_CODE, "big", 3, big, 600000), 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, r), DVM_STATE_ERR_MAPFULL);
  CHECK(strstr(dvm_state_store_errmsg(s), "map full") != NULL);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, r), DVM_STATE_ERR_FAILED);
  CHECK_RC(dvm_state_store_last(s, &h, r), 0);
  CHECK(h == 0 && !memcmp(r, r0, 32));
  /* Reads still work: the overlay keeps its writes; views see block 0. */
  dvm_state_bytes v;
  CHECK_RC(dvm_state_overlay_get(ov, DVM_STATE_T_ACCOUNTS, "a", 1, &v), 0);
  CHECK(v.len == 1 && v.data[0] == '2');
  dvm_state_view *vw;
  CHECK_RC(dvm_state_view_begin(s, &vw), 0);
  CHECK_RC(dvm_state_view_get(vw, DVM_STATE_T_ACCOUNTS, "a", 1, &v), 0);
  CHECK(v.len == 1 && v.data[0] == '1');
  CHECK_RC(dvm_state_view_get(vw, DVM_STATE_T_CODE, "big", 3, &v), DVM_STATE_NOTFOUND);
  CHECK_RC(dvm_state_view_last(vw, &h, r), 0);
  CHECK(h == 0 && !memcmp(r, r0, 32));
  dvm_state_view_end(vw);
  /* Reset, then the same overlay fails again (the map cannot grow). */
  CHECK_RC(dvm_state_store_reset(s), 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, r), DVM_STATE_ERR_MAPFULL);
  dvm_state_overlay_free(ov);
  CHECK_RC(dvm_state_overlay_begin(s, &ov), DVM_STATE_ERR_FAILED);
  CHECK_RC(dvm_state_store_reset(s), 0);
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, "a", 1, "3", 1), 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, r), 0);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  s = open_opts(dir, 65536, 262144, 1);
  CHECK_RC(dvm_state_store_last(s, &h, r0), 0);
  CHECK(h == 1 && !memcmp(r, r0, 32));
  CHECK_RC(dvm_state_store_audit(s, NULL), 0);
  dvm_state_store_close(s);
  free(big);
  test_rmdir(dir);
}

/* Records: written with the block, refused for state tables and reserved
 * META keys, a later write of a key wins over the overlay's. */
static void records(void) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "rec");
  dvm_state_store *s = open_opts(dir, 1 << 20, 0, 1);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  dvm_state_record bad1 = {DVM_STATE_T_STORAGE, {(const uint8_t *)"k", 1}, {NULL, 0}};
  dvm_state_record bad2 = {DVM_STATE_T_META, {(const uint8_t *)DVM_STATE_META_HEIGHT, 16}, {NULL, 0}};
  dvm_state_record bad3 = {DVM_STATE_T_BLOCKS, {NULL, 0}, {NULL, 0}};
  CHECK_RC(dvm_state_commit(ov, 0, &bad1, 1, NULL), DVM_STATE_ERR_ARG);
  CHECK_RC(dvm_state_commit(ov, 0, &bad2, 1, NULL), DVM_STATE_ERR_ARG);
  CHECK_RC(dvm_state_commit(ov, 0, &bad3, 1, NULL), DVM_STATE_ERR_SIZE);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_RECEIPTS, "r1", 2, "overlay", 7), 0);
  dvm_state_record rec[3] = {
      {DVM_STATE_T_BLOCKS, {(const uint8_t *)"b0", 2}, {(const uint8_t *)"block0", 6}},
      {DVM_STATE_T_RECEIPTS, {(const uint8_t *)"r1", 2}, {(const uint8_t *)"record", 6}},
      {DVM_STATE_T_META, {(const uint8_t *)"chain.id", 8}, {NULL, 0}},
  };
  CHECK_RC(dvm_state_commit(ov, 0, rec, 3, NULL), 0);
  dvm_state_view *vw;
  dvm_state_bytes v;
  CHECK_RC(dvm_state_view_begin(s, &vw), 0);
  CHECK_RC(dvm_state_view_get(vw, DVM_STATE_T_RECEIPTS, "r1", 2, &v), 0);
  CHECK(v.len == 6 && !memcmp(v.data, "record", 6));
  CHECK_RC(dvm_state_view_get(vw, DVM_STATE_T_META, "chain.id", 8, &v), 0);
  CHECK(v.len == 0);
  CHECK_RC(dvm_state_view_get(vw, DVM_STATE_T_BLOCKS, "b0", 2, &v), 0);
  dvm_state_view_end(vw);
  /* The root did not change: no state table was written. */
  uint8_t r[32], empty[32];
  dvm_state_lthash z;
  dvm_state_lthash_zero(&z);
  dvm_state_lthash_root(&z, empty);
  CHECK_RC(dvm_state_store_last(s, NULL, r), 0);
  CHECK(!memcmp(r, empty, 32));
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  test_rmdir(dir);
}

/* A view keeps its snapshot across commits; a reader thread keeps reading
 * while the writer commits and the map grows. */
typedef struct reader_arg {
  dvm_state_store *s;
  volatile int stop;
  int errors;
  long reads;
} reader_arg;

static void *reader(void *p) {
  reader_arg *a = p;
  while (!a->stop) {
    dvm_state_view *v;
    if (dvm_state_view_begin(a->s, &v)) {
      a->errors++;
      continue;
    }
    /* Every committed block holds keys 0..n-1 with value = height (u64le),
     * n = 200 * (height + 1): check a consistent snapshot. */
    uint64_t h;
    int rc = dvm_state_view_last(v, &h, NULL);
    if (rc == DVM_STATE_OK) {
      dvm_state_bytes k, val;
      size_t n = 0;
      const uint8_t *after = NULL;
      size_t alen = 0;
      while (dvm_state_view_next(v, DVM_STATE_T_STORAGE, after, alen, &k, &val) == DVM_STATE_OK) {
        if (val.len != 8 || val.data[0] != (uint8_t)h) a->errors++;
        after = k.data;
        alen = k.len;
        n++;
      }
      if (n != 200 * (h + 1)) a->errors++;
    }
    dvm_state_view_end(v);
    a->reads++;
  }
  return NULL;
}

static void commit_blocks(dvm_state_store *s, dvm_state_overlay *ov, uint32_t from, uint32_t to) {
  for (uint32_t h = from; h < to; h++) {
    uint8_t k[12], v[8] = {(uint8_t)h};
    for (uint32_t i = 0; i < 200 * (h + 1); i++) {
      key_of(k, i);
      CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, k, 12, v, 8), 0);
    }
    CHECK_RC(dvm_state_commit(ov, h, NULL, 0, NULL), 0);
  }
}

static void views(void) {
  char dir[256];
  /* A reader thread during commits that grow a 64 KiB map many times. */
  test_tmpdir(dir, sizeof dir, "view");
  dvm_state_store *s = open_opts(dir, 65536, 0, 2);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  reader_arg ra = {.s = s};
  pthread_t th;
  CHECK(pthread_create(&th, NULL, reader, &ra) == 0);
  commit_blocks(s, ov, 0, 12);
  ra.stop = 1;
  pthread_join(th, NULL);
  CHECK(ra.errors == 0);
  CHECK(ra.reads > 0);
  CHECK(dvm_state_store_map_size(s) > 65536);
  CHECK_RC(dvm_state_store_audit(s, NULL), 0);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  test_rmdir(dir);

  /* A view keeps its snapshot while later blocks commit (no growth here:
   * the committing thread holds the view). */
  test_tmpdir(dir, sizeof dir, "view2");
  s = open_opts(dir, 64u << 20, 0, 2);
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  dvm_state_view *old = NULL;
  commit_blocks(s, ov, 0, 1);
  CHECK_RC(dvm_state_view_begin(s, &old), 0);
  commit_blocks(s, ov, 1, 4);
  uint64_t h;
  dvm_state_bytes v;
  uint8_t k[12];
  key_of(k, 0);
  CHECK_RC(dvm_state_view_last(old, &h, NULL), 0);
  CHECK(h == 0);
  CHECK_RC(dvm_state_view_get(old, DVM_STATE_T_STORAGE, k, 12, &v), 0);
  CHECK(v.len == 8 && v.data[0] == 0);
  key_of(k, 200);
  CHECK_RC(dvm_state_view_get(old, DVM_STATE_T_STORAGE, k, 12, &v), DVM_STATE_NOTFOUND);
  dvm_state_view_end(old);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  test_rmdir(dir);
}

/* Same operations, 1 thread and 3 threads: the same root after each block. */
static void determinism(void) {
  char d1[256], d2[256];
  test_tmpdir(d1, sizeof d1, "det1");
  test_tmpdir(d2, sizeof d2, "det3");
  dvm_state_store *s[2] = {open_opts(d1, 1 << 20, 0, 1), open_opts(d2, 1 << 20, 0, 3)};
  dvm_state_overlay *ov[2];
  for (int j = 0; j < 2; j++) CHECK_RC(dvm_state_overlay_begin(s[j], &ov[j]), 0);
  for (uint64_t h = 0; h < 6; h++) {
    uint8_t root[2][32];
    for (int j = 0; j < 2; j++) {
      uint64_t seed = 1000 + h;
      for (int i = 0; i < 800; i++) {
        uint64_t r = prng_next(&seed);
        uint8_t k[12], v[40];
        key_of(k, (uint32_t)(r % 1500));
        unsigned t = (unsigned)((r >> 20) % 3);
        size_t vl = (r >> 24) % 41;
        for (size_t b = 0; b < vl; b++) v[b] = (uint8_t)(r >> (b % 8 * 8)) ^ (uint8_t)b;
        if ((r >> 40) % 4 == 0) CHECK_RC(dvm_state_overlay_del(ov[j], t, k, 12), 0);
        else CHECK_RC(dvm_state_overlay_put(ov[j], t, k, 12, v, vl), 0);
      }
      CHECK_RC(dvm_state_commit(ov[j], h, NULL, 0, root[j]), 0);
    }
    CHECK(!memcmp(root[0], root[1], 32));
  }
  uint8_t a[32], b[32];
  CHECK_RC(dvm_state_store_audit(s[0], a), 0);
  CHECK_RC(dvm_state_store_audit(s[1], b), 0);
  CHECK(!memcmp(a, b, 32));
  for (int j = 0; j < 2; j++) {
    dvm_state_overlay_free(ov[j]);
    dvm_state_store_close(s[j]);
  }
  test_rmdir(d1);
  test_rmdir(d2);
}

/* A root that does not match the stored sum is refused at open. */
static void corrupt_meta(void) {
  char dir[256], err[DVM_STATE_ERRMSG_MAX];
  test_tmpdir(dir, sizeof dir, "corrupt");
  dvm_state_store *s = open_opts(dir, 1 << 20, 0, 1);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, "a", 1, "1", 1), 0);
  CHECK_RC(dvm_state_commit(ov, 0, NULL, 0, NULL), 0);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);

  MDB_env *env;
  MDB_txn *txn;
  MDB_dbi dbi;
  CHECK(mdb_env_create(&env) == 0);
  CHECK(mdb_env_set_maxdbs(env, 8) == 0);
  CHECK(mdb_env_open(env, dir, 0, 0600) == 0);
  CHECK(mdb_txn_begin(env, NULL, 0, &txn) == 0);
  CHECK(mdb_dbi_open(txn, "meta", 0, &dbi) == 0);
  uint8_t zero[32] = {0};
  MDB_val k = {strlen(DVM_STATE_META_ROOT), (void *)DVM_STATE_META_ROOT}, v = {32, zero};
  CHECK(mdb_put(txn, dbi, &k, &v, 0) == 0);
  CHECK(mdb_txn_commit(txn) == 0);
  mdb_env_close(env);

  s = NULL;
  CHECK_RC(dvm_state_store_open(dir, NULL, &s, err), DVM_STATE_ERR_CORRUPT);
  CHECK(s == NULL && err[0] != 0);
  test_rmdir(dir);
}

/* dvm_state_commit_cb: the records see the new root before anything is
 * written; an error from the callback aborts with nothing written. */
typedef struct cb_arg {
  uint8_t seen[32];
  int calls, fail;
  dvm_state_record rec;
} cb_arg;

static int give_header(void *p, const uint8_t root[32], const dvm_state_record **rec, size_t *n) {
  cb_arg *a = p;
  a->calls++;
  if (a->fail) return DVM_STATE_ERR_NOMEM;
  memcpy(a->seen, root, 32);
  a->rec = (dvm_state_record){DVM_STATE_T_BLOCKS, {(const uint8_t *)"hdr", 3}, {a->seen, 32}};
  *rec = &a->rec;
  *n = 1;
  return DVM_STATE_OK;
}

static void commit_callback(void) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "cb");
  dvm_state_store *s = open_opts(dir, 1 << 20, 0, 1);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, "a", 1, "1", 1), 0);
  cb_arg a = {.fail = 1};
  uint8_t root[32];
  CHECK_RC(dvm_state_commit_cb(ov, 0, give_header, &a, root), DVM_STATE_ERR_NOMEM);
  CHECK(a.calls == 1);
  CHECK_RC(dvm_state_store_last(s, NULL, NULL), DVM_STATE_NOTFOUND);
  a.fail = 0;
  CHECK_RC(dvm_state_commit_cb(ov, 0, give_header, &a, root), 0);
  CHECK(!memcmp(a.seen, root, 32));
  dvm_state_view *v;
  dvm_state_bytes got;
  CHECK_RC(dvm_state_view_begin(s, &v), 0);
  CHECK_RC(dvm_state_view_get(v, DVM_STATE_T_BLOCKS, "hdr", 3, &got), 0);
  CHECK(got.len == 32 && !memcmp(got.data, root, 32));
  dvm_state_view_end(v);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  test_rmdir(dir);
}

/* A write that fails inside LMDB (file size limit: EFBIG at commit): the
 * previous block survives, the store is FAILED, reset lets the same overlay
 * commit once the disk accepts it. */
static void failed_write(void) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "efbig");
  dvm_state_store *s = open_opts(dir, 64u << 20, 0, 1);
  dvm_state_overlay *ov;
  uint8_t r0[32], r[32];
  uint64_t h;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, "a", 1, "1", 1), 0);
  CHECK_RC(dvm_state_commit(ov, 0, NULL, 0, r0), 0);

  uint8_t *big = calloc(1, 4u << 20);
  for (int i = 0; i < 4; i++) {
    char k[4] = {'b', 'i', 'g', (char)('0' + i)};
    CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_CODE, k, 4, big + (i << 20), 1u << 20), 0);
  }
  struct rlimit old, lim;
  CHECK(getrlimit(RLIMIT_FSIZE, &old) == 0);
  lim = old;
  lim.rlim_cur = 1u << 20; /* the file may not grow past 1 MiB */
  signal(SIGXFSZ, SIG_IGN);
  CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, r), DVM_STATE_ERR_LMDB);
  fprintf(stderr, "(expected failure: %s)\n", dvm_state_store_errmsg(s));
  CHECK(dvm_state_store_errmsg(s)[0] != 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, r), DVM_STATE_ERR_FAILED);
  CHECK_RC(dvm_state_store_last(s, &h, r), 0);
  CHECK(h == 0 && !memcmp(r, r0, 32));
  CHECK(setrlimit(RLIMIT_FSIZE, &old) == 0);
  signal(SIGXFSZ, SIG_DFL);
  CHECK_RC(dvm_state_store_audit(s, NULL), 0); /* block 0, intact */
  CHECK_RC(dvm_state_store_reset(s), 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, r), 0);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  s = open_opts(dir, 1 << 20, 0, 1);
  CHECK_RC(dvm_state_store_last(s, &h, r0), 0);
  CHECK(h == 1 && !memcmp(r, r0, 32));
  CHECK_RC(dvm_state_store_audit(s, NULL), 0);
  dvm_state_store_close(s);
  free(big);
  test_rmdir(dir);
}

int main(void) {
  failed_write();
  commit_callback();
  growth();
  failed_commit();
  records();
  views();
  determinism();
  corrupt_meta();
  if (check_failures) fprintf(stderr, "%d check(s) failed\n", check_failures);
  else printf("state store: ok\n");
  return check_failures != 0;
}
