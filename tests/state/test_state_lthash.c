/* test_state_lthash.c — the lattice hash against the vectors written in
 * spec/state.md §9 (read from the spec file itself, so spec and code cannot
 * drift), through the bare functions and through block commits; plus the
 * thread-count independence of the delta.
 * Usage: test_state_lthash path/to/spec/state.md */
#include "check.h"
#include "state.h"

#include <sodium.h>

#define NVEC 7
static const char *const vec_names[NVEC] = {
    "root(empty)",   "seed(alice)",  "lanes(alice)[0..7]", "root(genesis)",
    "root(insert)",  "root(delete)", "root(update)",
};
static char vec[NVEC][160];

static void load_vectors(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    exit(2);
  }
  char line[512];
  while (fgets(line, sizeof line, f)) {
    char *eq = strchr(line, '='), *b = line;
    if (!eq) continue;
    while (*b == ' ') b++;
    char *e = eq;
    while (e > b && e[-1] == ' ') e--;
    for (int i = 0; i < NVEC; i++) {
      size_t n = strlen(vec_names[i]);
      if ((size_t)(e - b) == n && !memcmp(b, vec_names[i], n)) {
        char *v = eq + 1;
        while (*v == ' ') v++;
        v[strcspn(v, "\r\n")] = 0;
        snprintf(vec[i], sizeof vec[i], "%s", v);
      }
    }
  }
  fclose(f);
  for (int i = 0; i < NVEC; i++)
    if (!vec[i][0]) {
      fprintf(stderr, "%s: vector %s missing\n", path, vec_names[i]);
      exit(2);
    }
}

static int root_is(const uint8_t root[32], int vi) {
  char h[65];
  hex(h, root, 32);
  if (strcmp(h, vec[vi])) {
    fprintf(stderr, "%s: got %s, spec says %s\n", vec_names[vi], h, vec[vi]);
    return 0;
  }
  return 1;
}

static void u64le(uint8_t b[8], uint64_t x) {
  for (int i = 0; i < 8; i++) b[i] = (uint8_t)(x >> (8 * i));
}

/* The entries of spec/state.md §9. */
static uint8_t contract[32], alice[32], bob[32], price_key[37], order_key[42];
static uint8_t v1000[8], v250[8], v42[8], v900[8];
static const uint8_t code_val[5] = {0x7f, 'D', 'V', 'M', 0x01};

static void setup_entries(void) {
  memset(contract, 0x01, 32);
  memset(alice, 0xa1, 32);
  memset(bob, 0xb0, 32);
  memcpy(price_key, contract, 32);
  memcpy(price_key + 32, "price", 5);
  memcpy(order_key, contract, 32);
  memcpy(order_key + 32, "order/0001", 10);
  u64le(v1000, 1000);
  u64le(v250, 250);
  u64le(v42, 42);
  u64le(v900, 900);
}

static void bare_functions(void) {
  dvm_state_lthash s, e, z;
  uint8_t root[32];
  dvm_state_lthash_zero(&s);
  dvm_state_lthash_root(&s, root);
  CHECK(root_is(root, 0));

  dvm_state_lthash_element(&e, DVM_STATE_T_ACCOUNTS, alice, 32, v1000, 8);
  char lanes[64];
  snprintf(lanes, sizeof lanes, "%04x %04x %04x %04x %04x %04x %04x %04x", e.lane[0], e.lane[1],
           e.lane[2], e.lane[3], e.lane[4], e.lane[5], e.lane[6], e.lane[7]);
  CHECK(!strcmp(lanes, vec[2]));
  dvm_state_lthash_add(&s, &e);
  dvm_state_lthash_element(&e, DVM_STATE_T_ACCOUNTS, bob, 32, v250, 8);
  dvm_state_lthash_add(&s, &e);
  dvm_state_lthash_element(&e, DVM_STATE_T_CODE, contract, 32, code_val, 5);
  dvm_state_lthash_add(&s, &e);
  dvm_state_lthash_element(&e, DVM_STATE_T_STORAGE, price_key, 37, v42, 8);
  dvm_state_lthash_add(&s, &e);
  dvm_state_lthash_root(&s, root);
  CHECK(root_is(root, 3));

  /* Round trip of the encoding; add then sub is the identity. */
  uint8_t enc[DVM_STATE_LTHASH_BYTES];
  dvm_state_lthash_encode(&s, enc);
  dvm_state_lthash_decode(&z, enc);
  CHECK(!memcmp(&z, &s, sizeof z));
  dvm_state_lthash_element(&e, DVM_STATE_T_STORAGE, order_key, 42, "bid 100@7", 9);
  dvm_state_lthash_add(&z, &e);
  dvm_state_lthash_root(&z, root);
  CHECK(root_is(root, 4));
  dvm_state_lthash_sub(&z, &e);
  CHECK(!memcmp(&z, &s, sizeof z));
  /* The table id is part of the element. */
  dvm_state_lthash a, b;
  dvm_state_lthash_element(&a, DVM_STATE_T_ACCOUNTS, "k", 1, "v", 1);
  dvm_state_lthash_element(&b, DVM_STATE_T_STORAGE, "k", 1, "v", 1);
  CHECK(memcmp(&a, &b, sizeof a));
  /* Length prefixes: ("ab","c") and ("a","bc") differ. */
  dvm_state_lthash_element(&a, DVM_STATE_T_STORAGE, "ab", 2, "c", 1);
  dvm_state_lthash_element(&b, DVM_STATE_T_STORAGE, "a", 1, "bc", 2);
  CHECK(memcmp(&a, &b, sizeof a));
}

/* The same vectors through block commits: genesis, insert, delete, update. */
static void through_commits(void) {
  char dir[256], err[DVM_STATE_ERRMSG_MAX];
  test_tmpdir(dir, sizeof dir, "lth");
  dvm_state_store *s;
  dvm_state_overlay *ov;
  uint8_t root[32];
  CHECK_RC(dvm_state_store_open(dir, NULL, &s, err), 0);
  CHECK_RC(dvm_state_store_last(s, NULL, root), DVM_STATE_NOTFOUND);
  CHECK(root_is(root, 0));
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, alice, 32, v1000, 8), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, bob, 32, v250, 8), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_CODE, contract, 32, code_val, 5), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, price_key, 37, v42, 8), 0);
  /* Not part of the root: history and metadata tables. */
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_META, "chain", 5, "dvm-test", 8), 0);
  dvm_state_record rec = {DVM_STATE_T_BLOCKS, {(const uint8_t *)"\0\0\0\0\0\0\0\0", 8},
                       {(const uint8_t *)"genesis", 7}};
  CHECK_RC(dvm_state_commit(ov, 0, &rec, 1, root), 0);
  CHECK(root_is(root, 3));

  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, order_key, 42, "bid 100@7", 9), 0);
  /* A key written and deleted within the block is no net change. */
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, "tmp", 3, "x", 1), 0);
  CHECK_RC(dvm_state_overlay_del(ov, DVM_STATE_T_STORAGE, "tmp", 3), 0);
  /* A key rewritten with its old value is no net change either. */
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, bob, 32, v900, 8), 0);
  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, bob, 32, v250, 8), 0);
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, root), 0);
  CHECK(root_is(root, 4));

  CHECK_RC(dvm_state_overlay_del(ov, DVM_STATE_T_ACCOUNTS, bob, 32), 0);
  CHECK_RC(dvm_state_commit(ov, 2, NULL, 0, root), 0);
  CHECK(root_is(root, 5));

  CHECK_RC(dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, alice, 32, v900, 8), 0);
  CHECK_RC(dvm_state_commit(ov, 3, NULL, 0, root), 0);
  CHECK(root_is(root, 6));
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);

  /* After reopening: the stored root, and the same root from scratch. */
  uint64_t h;
  CHECK_RC(dvm_state_store_open(dir, NULL, &s, err), 0);
  CHECK_RC(dvm_state_store_last(s, &h, root), 0);
  CHECK(h == 3 && root_is(root, 6));
  memset(root, 0, 32);
  CHECK_RC(dvm_state_store_audit(s, root), 0);
  CHECK(root_is(root, 6));
  dvm_state_store_close(s);
  test_rmdir(dir);
}

/* The delta is the same for any thread count (spec/state.md §4.4). */
static void thread_independence(void) {
  enum { N = 700 };
  static dvm_state_lthash_change ch[N];
  static uint8_t keys[N][16], vals[N][2][12];
  uint64_t seed = 7;
  for (int i = 0; i < N; i++) {
    for (int b = 0; b < 16; b++) keys[i][b] = (uint8_t)prng_next(&seed);
    for (int b = 0; b < 12; b++) vals[i][0][b] = (uint8_t)prng_next(&seed), vals[i][1][b] = (uint8_t)prng_next(&seed);
    uint64_t r = prng_next(&seed);
    ch[i].table = (unsigned)(r % 3);
    ch[i].old_present = (r >> 8) % 3 != 0;
    ch[i].new_present = !ch[i].old_present || (r >> 16) % 2;
    ch[i].key = (dvm_state_bytes){keys[i], 1 + (r >> 24) % 16};
    ch[i].old_val = (dvm_state_bytes){vals[i][0], (r >> 32) % 13};
    ch[i].new_val = (dvm_state_bytes){vals[i][1], (r >> 40) % 13};
  }
  dvm_state_lthash one, many;
  CHECK_RC(dvm_state_lthash_delta(&one, ch, N, 1), 0);
  for (unsigned t = 2; t <= 9; t++) {
    CHECK_RC(dvm_state_lthash_delta(&many, ch, N, t), 0);
    CHECK(!memcmp(&one, &many, sizeof one));
  }
  CHECK_RC(dvm_state_lthash_delta(&many, ch, 0, 4), 0); /* empty: zero */
  dvm_state_lthash z;
  dvm_state_lthash_zero(&z);
  CHECK(!memcmp(&z, &many, sizeof z));
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s spec/state.md\n", argv[0]);
    return 2;
  }
  if (sodium_init() < 0) return 2;
  load_vectors(argv[1]);
  setup_entries();
  bare_functions();
  through_commits();
  thread_independence();
  if (check_failures) fprintf(stderr, "%d check(s) failed\n", check_failures);
  else printf("state lthash: ok\n");
  return check_failures != 0;
}
