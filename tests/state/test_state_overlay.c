/* test_state_overlay.c — overlay semantics (spec/state.md §3, §2):
 * directed cases for nested frames, tombstones and next() across overlay
 * and LMDB, then a seeded random walk checked against a naive model (a
 * copy of the whole map per frame) including commits and audits. */
#include "check.h"
#include "state.h"

#define T DVM_STATE_T_STORAGE

static dvm_state_store *open_store(const char *dir) {
  dvm_state_store *s = NULL;
  char err[DVM_STATE_ERRMSG_MAX];
  dvm_state_store_opts o;
  dvm_state_store_opts_default(&o);
  o.map_size_initial = 1 << 20;
  o.threads = 2;
  int rc = dvm_state_store_open(dir, &o, &s, err);
  if (rc) {
    fprintf(stderr, "open %s: %s\n", dir, err);
    exit(2);
  }
  return s;
}

static int get_is(dvm_state_overlay *ov, unsigned t, const char *k, const char *want) {
  dvm_state_bytes v;
  int rc = dvm_state_overlay_get(ov, t, k, strlen(k), &v);
  if (!want) return rc == DVM_STATE_NOTFOUND;
  return rc == DVM_STATE_OK && v.len == strlen(want) && !memcmp(v.data, want, v.len);
}

/* All keys of table t in the overlay's merged view, joined by ','. */
static void list_keys(dvm_state_overlay *ov, unsigned t, char *out, size_t n) {
  dvm_state_bytes k = {NULL, 0};
  uint8_t after[DVM_STATE_KEY_MAX];
  size_t alen = 0, o = 0;
  out[0] = 0;
  while (dvm_state_overlay_next(ov, t, after, alen, &k, NULL) == DVM_STATE_OK) {
    o += (size_t)snprintf(out + o, n - o, "%s%.*s", o ? "," : "", (int)k.len, k.data);
    memcpy(after, k.data, k.len);
    alen = k.len;
  }
}

static void directed(void) {
  char dir[256], keys[512];
  test_tmpdir(dir, sizeof dir, "ovd");
  dvm_state_store *s = open_store(dir);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), DVM_STATE_OK);
  dvm_state_overlay *ov2;
  CHECK_RC(dvm_state_overlay_begin(s, &ov2), DVM_STATE_ERR_BUSY);

  /* Block 0 in LMDB: a, ab, b, d. */
  const char *base[] = {"a", "ab", "b", "d"};
  for (int i = 0; i < 4; i++) CHECK_RC(dvm_state_overlay_put(ov, T, base[i], strlen(base[i]), "0", 1), 0);
  CHECK_RC(dvm_state_commit(ov, 0, NULL, 0, NULL), 0);
  list_keys(ov, T, keys, sizeof keys);
  CHECK(!strcmp(keys, "a,ab,b,d"));

  /* Frame 1 deletes ab, adds c; frame 2 updates a, deletes c, adds aa. */
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  CHECK_RC(dvm_state_overlay_del(ov, T, "ab", 2), 0);
  CHECK_RC(dvm_state_overlay_put(ov, T, "c", 1, "1", 1), 0);
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, T, "a", 1, "2", 1), 0);
  CHECK_RC(dvm_state_overlay_put(ov, T, "a", 1, "22", 2), 0); /* same frame: overwrite */
  CHECK_RC(dvm_state_overlay_del(ov, T, "c", 1), 0);
  CHECK_RC(dvm_state_overlay_put(ov, T, "aa", 2, "2", 1), 0);
  CHECK(dvm_state_overlay_depth(ov) == 2);
  list_keys(ov, T, keys, sizeof keys);
  CHECK(!strcmp(keys, "a,aa,b,d"));
  CHECK(get_is(ov, T, "a", "22"));
  CHECK(get_is(ov, T, "c", NULL));
  /* Discard frame 2: back to frame 1's view. */
  CHECK_RC(dvm_state_overlay_pop(ov, 0), 0);
  list_keys(ov, T, keys, sizeof keys);
  CHECK(!strcmp(keys, "a,b,c,d"));
  CHECK(get_is(ov, T, "a", "0"));
  CHECK(get_is(ov, T, "c", "1"));
  /* Frame 2' writes b, merges into frame 1; then frame 1 is discarded:
   * both frames' writes go. */
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, T, "b", 1, "3", 1), 0);
  CHECK_RC(dvm_state_overlay_pop(ov, 1), 0);
  CHECK(get_is(ov, T, "b", "3"));
  CHECK_RC(dvm_state_overlay_put(ov, T, "b", 1, "4", 1), 0); /* frame 1 again over 2's write */
  CHECK_RC(dvm_state_overlay_pop(ov, 0), 0);
  CHECK(dvm_state_overlay_depth(ov) == 0);
  list_keys(ov, T, keys, sizeof keys);
  CHECK(!strcmp(keys, "a,ab,b,d"));
  CHECK(get_is(ov, T, "b", "0"));
  CHECK(dvm_state_overlay_bytes(ov) == 0);
  CHECK_RC(dvm_state_overlay_pop(ov, 1), DVM_STATE_ERR_ARG);

  /* next() from keys absent everywhere, and past the end. */
  dvm_state_bytes k;
  CHECK_RC(dvm_state_overlay_next(ov, T, "aa", 2, &k, NULL), 0);
  CHECK(k.len == 2 && !memcmp(k.data, "ab", 2));
  CHECK_RC(dvm_state_overlay_next(ov, T, "d", 1, &k, NULL), DVM_STATE_NOTFOUND);
  CHECK_RC(dvm_state_overlay_next(ov, DVM_STATE_T_CODE, NULL, 0, &k, NULL), DVM_STATE_NOTFOUND);
  /* A run of tombstones over LMDB keys is skipped. */
  CHECK_RC(dvm_state_overlay_del(ov, T, "a", 1), 0);
  CHECK_RC(dvm_state_overlay_del(ov, T, "ab", 2), 0);
  CHECK_RC(dvm_state_overlay_del(ov, T, "b", 1), 0);
  CHECK_RC(dvm_state_overlay_del(ov, T, "zz", 2), 0); /* absent: no effect */
  list_keys(ov, T, keys, sizeof keys);
  CHECK(!strcmp(keys, "d"));
  CHECK_RC(dvm_state_overlay_put(ov, T, "", 0, "x", 1), DVM_STATE_ERR_SIZE);
  char big[DVM_STATE_KEY_MAX + 1];
  memset(big, 'k', sizeof big);
  CHECK_RC(dvm_state_overlay_put(ov, T, big, sizeof big, "x", 1), DVM_STATE_ERR_SIZE);
  CHECK_RC(dvm_state_overlay_put(ov, T, big, DVM_STATE_KEY_MAX, "x", 1), DVM_STATE_OK);
  CHECK_RC(dvm_state_overlay_put(ov, 6, "a", 1, "x", 1), DVM_STATE_ERR_ARG);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_META, DVM_STATE_META_ROOT, strlen(DVM_STATE_META_ROOT), "x", 1),
           DVM_STATE_ERR_ARG);
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, NULL), DVM_STATE_ERR_ARG); /* frame open */
  CHECK_RC(dvm_state_overlay_pop(ov, 1), 0);
  CHECK_RC(dvm_state_commit(ov, 2, NULL, 0, NULL), DVM_STATE_ERR_HEIGHT);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, NULL), 0);
  CHECK_RC(dvm_state_store_audit(s, NULL), 0);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  test_rmdir(dir);
}

/* ------------------------------------------------------------------ */
/* Model-checked random walk. */

#define NKEYS 39 /* 3 + 9 + 27 */
#define MAXD 8
#define VMAX 24

typedef struct mval {
  uint8_t present;
  uint8_t len;
  uint8_t v[VMAX];
} mval;
typedef struct mmap {
  mval e[2][NKEYS]; /* [table index][key index] */
} mmap;

static const unsigned tabs[2] = {DVM_STATE_T_ACCOUNTS, DVM_STATE_T_STORAGE};
static uint8_t kbuf[NKEYS][8];
static size_t klen[NKEYS];
static int order[NKEYS]; /* key indices sorted by key order */

static void make_keys(void) {
  /* Short keys over a 3-letter alphabet including 0x00 and 0xff, so that
   * prefixes and extreme bytes are common. */
  static const uint8_t alpha[3] = {0x00, 'a', 0xff};
  int n = 0;
  for (int len = 1; len <= 3 && n < NKEYS; len++) {
    int combos = len == 1 ? 3 : len == 2 ? 9 : 27;
    for (int c = 0; c < combos && n < NKEYS; c++) {
      int x = c;
      for (int i = 0; i < len; i++, x /= 3) kbuf[n][i] = alpha[x % 3];
      klen[n++] = (size_t)len;
    }
  }
  for (int i = 0; i < NKEYS; i++) order[i] = i;
  for (int i = 1; i < NKEYS; i++) /* insertion sort by memcmp order */
    for (int j = i; j > 0; j--) {
      const uint8_t *a = kbuf[order[j - 1]], *b = kbuf[order[j]];
      size_t la = klen[order[j - 1]], lb = klen[order[j]], m = la < lb ? la : lb;
      int c = memcmp(a, b, m);
      if (c < 0 || (c == 0 && la < lb)) break;
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
}

/* Root of a model map, computed independently of the store. */
static void model_root(const mmap *m, uint8_t root[32]) {
  dvm_state_lthash sum, e;
  dvm_state_lthash_zero(&sum);
  for (int t = 0; t < 2; t++)
    for (int i = 0; i < NKEYS; i++)
      if (m->e[t][i].present) {
        dvm_state_lthash_element(&e, tabs[t], kbuf[i], klen[i], m->e[t][i].v, m->e[t][i].len);
        dvm_state_lthash_add(&sum, &e);
      }
  dvm_state_lthash_root(&sum, root);
}

static void check_iteration(dvm_state_overlay *ov, const mmap *m, int t) {
  dvm_state_bytes k, v;
  const uint8_t *after = NULL;
  size_t alen = 0;
  uint8_t abuf[8];
  for (int oi = 0; oi < NKEYS; oi++) {
    int i = order[oi];
    if (!m->e[t][i].present) continue;
    int rc = dvm_state_overlay_next(ov, tabs[t], after, alen, &k, &v);
    CHECK_RC(rc, DVM_STATE_OK);
    if (rc) return;
    CHECK(k.len == klen[i] && !memcmp(k.data, kbuf[i], k.len));
    CHECK(v.len == m->e[t][i].len && (!v.len || !memcmp(v.data, m->e[t][i].v, v.len)));
    memcpy(abuf, kbuf[i], klen[i]);
    after = abuf;
    alen = klen[i];
  }
  CHECK_RC(dvm_state_overlay_next(ov, tabs[t], after, alen, &k, &v), DVM_STATE_NOTFOUND);
}

static void random_walk(uint64_t seed, int steps) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "ovr");
  dvm_state_store *s = open_store(dir);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  static mmap cur, committed, saved[MAXD];
  memset(&cur, 0, sizeof cur);
  committed = cur;
  int depth = 0;
  uint64_t height = 0;
  int has_block = 0;
  for (int step = 0; step < steps && !check_failures; step++) {
    uint64_t r = prng_next(&seed);
    int op = (int)(r % 100);
    int t = (int)((r >> 8) & 1), i = (int)((r >> 16) % NKEYS);
    if (op < 30) { /* put */
      mval nv;
      nv.present = 1;
      nv.len = (uint8_t)((r >> 24) % (VMAX + 1));
      for (int b = 0; b < nv.len; b++) nv.v[b] = (uint8_t)(prng_next(&seed));
      CHECK_RC(dvm_state_overlay_put(ov, tabs[t], kbuf[i], klen[i], nv.v, nv.len), 0);
      cur.e[t][i] = nv;
    } else if (op < 45) { /* del */
      CHECK_RC(dvm_state_overlay_del(ov, tabs[t], kbuf[i], klen[i]), 0);
      memset(&cur.e[t][i], 0, sizeof cur.e[t][i]);
    } else if (op < 60) { /* get */
      dvm_state_bytes v;
      int rc = dvm_state_overlay_get(ov, tabs[t], kbuf[i], klen[i], &v);
      const mval *m = &cur.e[t][i];
      if (!m->present) CHECK_RC(rc, DVM_STATE_NOTFOUND);
      else {
        CHECK_RC(rc, 0);
        CHECK(v.len == m->len && (!v.len || !memcmp(v.data, m->v, v.len)));
      }
    } else if (op < 70) { /* push */
      if (depth < MAXD) {
        CHECK_RC(dvm_state_overlay_push(ov), 0);
        saved[depth++] = cur;
      }
    } else if (op < 86) { /* pop: keep or discard */
      if (depth) {
        int keep = (r >> 40) & 1;
        CHECK_RC(dvm_state_overlay_pop(ov, keep), 0);
        depth--;
        if (!keep) cur = saved[depth];
      }
    } else if (op < 94) { /* full ordered iteration */
      check_iteration(ov, &cur, t);
    } else { /* commit (closing frames first, merged) */
      while (depth) {
        CHECK_RC(dvm_state_overlay_pop(ov, 1), 0);
        depth--;
      }
      uint64_t h = has_block ? height + 1 : 0;
      uint8_t root[32], want[32];
      CHECK_RC(dvm_state_commit(ov, h, NULL, 0, root), 0);
      height = h;
      has_block = 1;
      committed = cur;
      model_root(&committed, want);
      CHECK(!memcmp(root, want, 32));
      if ((r >> 40) % 4 == 0) CHECK_RC(dvm_state_store_audit(s, NULL), 0);
    }
    CHECK(dvm_state_overlay_depth(ov) == (unsigned)depth);
  }
  /* Reopen: last committed state, root and height survive. */
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  s = open_store(dir);
  uint64_t h;
  uint8_t root[32], want[32];
  CHECK_RC(dvm_state_store_last(s, &h, root), has_block ? 0 : DVM_STATE_NOTFOUND);
  CHECK(h == height);
  model_root(&committed, want);
  CHECK(!memcmp(root, want, 32));
  CHECK_RC(dvm_state_store_audit(s, NULL), 0);
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  check_iteration(ov, &committed, 0);
  check_iteration(ov, &committed, 1);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  test_rmdir(dir);
}

/* Thousands of keys created and discarded in nested frames: exercises the
 * index's growth and deletion (probe chains) and the treap's rotations. */
static void big_frames(void) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "ovbig");
  dvm_state_store *s = open_store(dir);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  enum { N = 6000 };
  uint8_t k[6];
  dvm_state_bytes v;
#define KEY(i) (k[0] = 'x', k[1] = (uint8_t)((i) >> 8), k[2] = (uint8_t)(i), k[3] = (uint8_t)((i) % 3), k)
  for (uint32_t i = 0; i < N; i += 2) CHECK_RC(dvm_state_overlay_put(ov, T, KEY(i), 4, "b", 1), 0);
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  for (uint32_t i = 0; i < N; i++) CHECK_RC(dvm_state_overlay_put(ov, T, KEY(i), 4, "1", 1), 0);
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  for (uint32_t i = 0; i < N; i += 3) CHECK_RC(dvm_state_overlay_del(ov, T, KEY(i), 4), 0);
  for (uint32_t i = N; i < 2 * N; i++) CHECK_RC(dvm_state_overlay_put(ov, T, KEY(i), 4, "2", 1), 0);
  for (uint32_t i = 0; i < 2 * N; i += 97) {
    int rc = dvm_state_overlay_get(ov, T, KEY(i), 4, &v);
    if (i < N && i % 3 == 0) CHECK_RC(rc, DVM_STATE_NOTFOUND);
    else CHECK(rc == 0 && v.len == 1 && v.data[0] == (i < N ? '1' : '2'));
  }
  CHECK_RC(dvm_state_overlay_pop(ov, 0), 0);
  for (uint32_t i = 0; i < 2 * N; i++) {
    int rc = dvm_state_overlay_get(ov, T, KEY(i), 4, &v);
    if (i >= N) CHECK_RC(rc, DVM_STATE_NOTFOUND);
    else CHECK(rc == 0 && v.len == 1 && v.data[0] == '1');
  }
  CHECK_RC(dvm_state_overlay_pop(ov, 0), 0);
  size_t n = 0, alen = 0;
  uint8_t after[8];
  dvm_state_bytes kk;
  while (dvm_state_overlay_next(ov, T, after, alen, &kk, &v) == 0) {
    CHECK(v.len == 1 && v.data[0] == 'b');
    memcpy(after, kk.data, kk.len);
    alen = kk.len;
    n++;
  }
  CHECK(n == N / 2);
  for (uint32_t i = 0; i < N; i++) {
    int rc = dvm_state_overlay_get(ov, T, KEY(i), 4, &v);
    if (i % 2) CHECK_RC(rc, DVM_STATE_NOTFOUND);
    else CHECK(rc == 0 && v.data[0] == 'b');
  }
#undef KEY
  CHECK(dvm_state_overlay_bytes(ov) == (size_t)(N / 2) * 5);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  test_rmdir(dir);
}

int main(void) {
  directed();
  big_frames();
  make_keys();
  for (uint64_t seed = 1; seed <= 4 && !check_failures; seed++) random_walk(seed, 4000);
  if (check_failures) fprintf(stderr, "%d check(s) failed\n", check_failures);
  else printf("state overlay: ok\n");
  return check_failures != 0;
}
