/* test_state_skip.c — the cost bound of next() (spec/state.md §2), shown by
 * the overlay's step counter (treap nodes visited + LMDB cursor moves),
 * never by a clock:
 *  1. overlay tombstones (keys put and deleted in the block): a call costs
 *     O(log n) steps however many tombstones lie ahead (live counts);
 *  2. shadowed entries (committed keys deleted in the block): one cursor
 *     step and one treap descent each, counted in `skipped` and refused
 *     past `max_skip` (ERR_LIMIT) before the work is done;
 *  3. the prefix stops the walk: another prefix's shadowed run costs
 *     nothing;
 *  4. frames: reverting a frame restores the live counts (checked through
 *     the results and the step bound). */
#include "check.h"
#include "state.h"

#define T DVM_STATE_T_STORAGE

static dvm_state_store *open_store(const char *dir) {
  dvm_state_store *s = NULL;
  char err[DVM_STATE_ERRMSG_MAX];
  dvm_state_store_opts o;
  dvm_state_store_opts_default(&o);
  o.threads = 1;
  if (dvm_state_store_open(dir, &o, &s, err)) {
    fprintf(stderr, "open %s: %s\n", dir, err);
    exit(2);
  }
  return s;
}

/* Key "p" + 8-byte big-endian i (order = numeric order). */
static void mk(uint8_t k[9], uint8_t p, uint64_t i) {
  k[0] = p;
  for (int b = 0; b < 8; b++) k[1 + b] = (uint8_t)(i >> (56 - 8 * b));
}

static int log2i(uint64_t n) {
  int l = 0;
  while (n >>= 1) l++;
  return l;
}

int main(void) {
  char dir[256];
  test_tmpdir(dir, sizeof dir, "ovskip");
  dvm_state_store *s = open_store(dir);
  dvm_state_overlay *ov;
  CHECK_RC(dvm_state_overlay_begin(s, &ov), 0);
  uint8_t k[9], after[9];
  dvm_state_bytes kk;
  const uint64_t N = 20000;

  /* Block 0: committed keys 'b' 0..N-1, and 'a' 0, 'c' 0. */
  for (uint64_t i = 0; i < N; i++) {
    mk(k, 'b', i);
    CHECK_RC(dvm_state_overlay_put(ov, T, k, 9, "v", 1), 0);
  }
  mk(k, 'a', 0);
  CHECK_RC(dvm_state_overlay_put(ov, T, k, 9, "v", 1), 0);
  mk(k, 'c', 0);
  CHECK_RC(dvm_state_overlay_put(ov, T, k, 9, "v", 1), 0);
  CHECK_RC(dvm_state_commit(ov, 0, NULL, 0, NULL), 0);

  /* 1. Overlay-only tombstones: 'a' 1..N put then deleted, in a frame
   * that is kept; 'a' N+1 live. next(after 'a' 0) must find 'a' N+1 in
   * O(log n) steps, not N. */
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  for (uint64_t i = 1; i <= N; i++) {
    mk(k, 'a', i);
    CHECK_RC(dvm_state_overlay_put(ov, T, k, 9, "x", 1), 0);
    CHECK_RC(dvm_state_overlay_del(ov, T, k, 9), 0);
  }
  mk(k, 'a', N + 1);
  CHECK_RC(dvm_state_overlay_put(ov, T, k, 9, "y", 1), 0);
  CHECK_RC(dvm_state_overlay_pop(ov, 1), 0);
  uint64_t n_ov = N + 1;
  /* A treap of n random priorities has depth <= ~3 log2 n with
   * overwhelming probability; the successor walks at most two paths. */
  uint64_t bound = 2 * (uint64_t)(4 * log2i(n_ov) + 8) + 4;
  mk(after, 'a', 0);
  uint64_t st0 = dvm_state_overlay_steps(ov);
  CHECK_RC(dvm_state_overlay_next(ov, T, after, 9, &kk, NULL), 0);
  uint64_t used = dvm_state_overlay_steps(ov) - st0;
  mk(k, 'a', N + 1);
  CHECK(kk.len == 9 && !memcmp(kk.data, k, 9));
  CHECK(used <= bound);
  printf("overlay tombstones: %llu ahead, %llu steps (bound %llu)\n", (unsigned long long)N,
         (unsigned long long)used, (unsigned long long)bound);
  /* Every start point in the run: the same bound. */
  uint64_t worst = 0;
  for (uint64_t i = 0; i <= N; i += 97) {
    mk(after, 'a', i);
    st0 = dvm_state_overlay_steps(ov);
    CHECK_RC(dvm_state_overlay_next(ov, T, after, 9, &kk, NULL), 0);
    used = dvm_state_overlay_steps(ov) - st0;
    if (used > worst) worst = used;
    CHECK(kk.len == 9 && !memcmp(kk.data, k, 9));
  }
  CHECK(worst <= bound);

  /* 2. Shadowed entries: delete committed 'b' 0..N-2, keep 'b' N-1. */
  for (uint64_t i = 0; i + 1 < N; i++) {
    mk(k, 'b', i);
    CHECK_RC(dvm_state_overlay_del(ov, T, k, 9), 0);
  }
  dvm_state_next_opts o = {.prefix = "b", .prefix_len = 1, .max_skip = N - 2};
  mk(after, 'a', N + 1);
  /* From the last 'a': the walk enters 'b' and must skip N-1 shadowed
   * entries; with room for N-2 it stops first (nothing returned). */
  o.prefix = NULL;
  o.prefix_len = 0;
  CHECK_RC(dvm_state_overlay_next_opt(ov, T, after, 9, &o, &kk, NULL), DVM_STATE_ERR_LIMIT);
  CHECK(o.skipped == N - 2);
  o.max_skip = N - 1;
  st0 = dvm_state_overlay_steps(ov);
  CHECK_RC(dvm_state_overlay_next_opt(ov, T, after, 9, &o, &kk, NULL), 0);
  used = dvm_state_overlay_steps(ov) - st0;
  mk(k, 'b', N - 1);
  CHECK(o.skipped == N - 1 && kk.len == 9 && !memcmp(kk.data, k, 9));
  /* Steps: per skipped entry one cursor move plus one treap descent. */
  uint64_t per = 1 + (uint64_t)(4 * log2i(2 * N) + 8);
  CHECK(used <= (N - 1) * per + bound);
  printf("shadowed entries: %llu skipped, %llu steps (%.1f per entry)\n",
         (unsigned long long)o.skipped, (unsigned long long)used, (double)used / (double)o.skipped);

  /* 3. Prefix: from 'a' N+1 within prefix "a" the walk ends at once
   * (the shadowed 'b' run is not walked). */
  o.prefix = "a";
  o.prefix_len = 1;
  o.max_skip = 0;
  mk(after, 'a', N + 1);
  CHECK_RC(dvm_state_overlay_next_opt(ov, T, after, 9, &o, &kk, NULL), DVM_STATE_NOTFOUND);
  CHECK(o.skipped == 0);
  /* The plain next() walks it all: no limit. */
  CHECK_RC(dvm_state_overlay_next(ov, T, after, 9, &kk, NULL), 0);
  CHECK(kk.len == 9 && !memcmp(kk.data, k, 9));

  /* 4. A reverted frame restores the counts: revive 'a' 5 in a frame,
   * see it, revert, the successor of 'a' 0 is 'a' N+1 again. */
  CHECK_RC(dvm_state_overlay_push(ov), 0);
  mk(k, 'a', 5);
  CHECK_RC(dvm_state_overlay_put(ov, T, k, 9, "z", 1), 0);
  mk(after, 'a', 0);
  CHECK_RC(dvm_state_overlay_next(ov, T, after, 9, &kk, NULL), 0);
  CHECK(kk.len == 9 && !memcmp(kk.data, k, 9));
  CHECK_RC(dvm_state_overlay_pop(ov, 0), 0);
  st0 = dvm_state_overlay_steps(ov);
  CHECK_RC(dvm_state_overlay_next(ov, T, after, 9, &kk, NULL), 0);
  used = dvm_state_overlay_steps(ov) - st0;
  mk(k, 'a', N + 1);
  CHECK(kk.len == 9 && !memcmp(kk.data, k, 9));
  CHECK(used <= bound);

  /* Commit and check: the survivors are 'a' 0, 'a' N+1, 'b' N-1, 'c' 0. */
  CHECK_RC(dvm_state_commit(ov, 1, NULL, 0, NULL), 0);
  size_t count = 0, alen = 0;
  uint8_t a2[9];
  while (dvm_state_overlay_next(ov, T, a2, alen, &kk, NULL) == 0) {
    memcpy(a2, kk.data, kk.len);
    alen = kk.len;
    count++;
  }
  CHECK(count == 4);
  CHECK_RC(dvm_state_store_audit(s, NULL), 0);
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  if (check_failures) fprintf(stderr, "%d check(s) failed\n", check_failures);
  else printf("state skip: ok\n");
  return check_failures != 0;
}
