/* bench_state.c — costs of the state layer (not a test; no assertions):
 *   1. block commit vs entries changed (10 .. 10k), store of 20k entries,
 *      LMDB sync on (the real durability cost), default threads;
 *   2. lattice delta per changed entry (an update = 2 elements), 1 and 2
 *      threads;
 *   3. overlay: put, get and one next() step over a table of 100k keys
 *      half in LMDB, half in the overlay.
 * Medians of 7 runs. Usage: bench_state [dir]  (default: a new dir in
 * $TMPDIR or /tmp; the figures depend on that disk's fsync). */
#include "state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static uint64_t cpu_ns(void) { /* CPU time of all threads of the process */
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_u64);
  return v[n / 2];
}

static void key_of(uint8_t k[40], uint32_t i) {
  memset(k, 0x01, 32); /* a contract address, then an 8-byte slot */
  for (int b = 0; b < 8; b++) k[32 + b] = (uint8_t)((uint64_t)i >> (56 - 8 * b));
}

static void die(const char *what, int rc) {
  fprintf(stderr, "bench_state: %s: %s\n", what, dvm_state_strerror(rc));
  exit(1);
}

/* Print "a.bcd" for x/1000 without floating point. */
static void pr_milli(const char *label, uint64_t x) {
  printf("%s%llu.%03llu", label, (unsigned long long)(x / 1000), (unsigned long long)(x % 1000));
}

int main(int argc, char **argv) {
  char dir[256], err[DVM_STATE_ERRMSG_MAX];
  if (argc > 1) snprintf(dir, sizeof dir, "%s", argv[1]);
  else {
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/dvm-bench-state-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
  }
  dvm_state_store *s;
  dvm_state_overlay *ov;
  int rc;
  if ((rc = dvm_state_store_open(dir, NULL, &s, err))) {
    fprintf(stderr, "bench_state: %s\n", err);
    return 1;
  }
  if ((rc = dvm_state_overlay_begin(s, &ov))) die("overlay", rc);
  uint64_t height = 0;
  int has = dvm_state_store_last(s, &height, NULL) == DVM_STATE_OK;
  height = has ? height + 1 : 0;

  enum { BASE = 20000 };
  uint8_t k[40], v[64];
  memset(v, 0x5a, sizeof v);
  for (uint32_t i = 0; i < BASE; i++) {
    key_of(k, i);
    if ((rc = dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, k, 40, v, sizeof v))) die("put", rc);
  }
  if ((rc = dvm_state_commit(ov, height++, NULL, 0, NULL))) die("commit", rc);

  printf("block commit (store of %d entries, 40-byte keys, 64-byte values, sync on):\n", BASE);
  printf("  %8s %12s %14s\n", "changed", "median ms", "us per entry");
  static const uint32_t sizes[4] = {10, 100, 1000, 10000};
  uint32_t round = 1;
  for (int si = 0; si < 4; si++) {
    uint64_t t[RUNS];
    for (int r = 0; r < RUNS; r++, round++) {
      for (uint32_t i = 0; i < sizes[si]; i++) {
        key_of(k, (i * 7919u + round * 104729u) % BASE);
        memcpy(v, &round, sizeof round);
        if ((rc = dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, k, 40, v, sizeof v))) die("put", rc);
      }
      uint64_t t0 = now_ns();
      if ((rc = dvm_state_commit(ov, height++, NULL, 0, NULL))) die("commit", rc);
      t[r] = now_ns() - t0;
    }
    uint64_t m = median(t, RUNS);
    printf("  %8u ", sizes[si]);
    pr_milli("", m / 1000);
    pr_milli("         ", m / sizes[si]);
    printf("\n");
  }

  printf("lattice delta, 10000 updated entries (2 elements each):\n");
  enum { NCH = 10000 };
  static dvm_state_lthash_change ch[NCH];
  static uint8_t keys[NCH][40];
  for (uint32_t i = 0; i < NCH; i++) {
    key_of(keys[i], i);
    ch[i].table = DVM_STATE_T_STORAGE;
    ch[i].old_present = ch[i].new_present = 1;
    ch[i].key = (dvm_state_bytes){keys[i], 40};
    ch[i].old_val = (dvm_state_bytes){v, 64};
    ch[i].new_val = (dvm_state_bytes){v, 32};
  }
  for (unsigned th = 1; th <= 2; th++) {
    uint64_t t[RUNS], c[RUNS];
    dvm_state_lthash d;
    for (int r = 0; r < RUNS; r++) {
      uint64_t t0 = now_ns(), c0 = cpu_ns();
      if ((rc = dvm_state_lthash_delta(&d, ch, NCH, th))) die("delta", rc);
      t[r] = now_ns() - t0;
      c[r] = cpu_ns() - c0;
    }
    uint64_t m = median(t, RUNS), mc = median(c, RUNS);
    printf("  %u thread%s: wall ", th, th > 1 ? "s" : " ");
    pr_milli("", m / NCH);
    pr_milli(" us per changed entry (", m / NCH / 2);
    pr_milli(" us per element); cpu ", mc / NCH / 2);
    printf(" us per element\n");
  }

  printf("overlay over 100k keys (50k in LMDB, 50k in the overlay):\n");
  for (uint32_t i = BASE; i < 50000; i++) {
    key_of(k, 2 * i);
    if ((rc = dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, k, 40, v, 64))) die("put", rc);
  }
  if ((rc = dvm_state_commit(ov, height++, NULL, 0, NULL))) die("commit", rc);
  uint64_t tput[RUNS], tget[RUNS], tnext[RUNS];
  for (int r = 0; r < RUNS; r++) {
    uint64_t t0 = now_ns();
    for (uint32_t i = 0; i < 50000; i++) {
      key_of(k, 2 * i + 1);
      if ((rc = dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, k, 40, v, 64))) die("put", rc);
    }
    tput[r] = (now_ns() - t0) / 50000;
    t0 = now_ns();
    for (uint32_t i = 0; i < 100000; i++) {
      key_of(k, (i * 7919u) % 100000);
      rc = dvm_state_overlay_get(ov, DVM_STATE_T_STORAGE, k, 40, NULL);
      if (rc && rc != DVM_STATE_NOTFOUND) die("get", rc);
    }
    tget[r] = (now_ns() - t0) / 100000;
    t0 = now_ns();
    uint8_t after[40];
    size_t alen = 0, n = 0;
    dvm_state_bytes kk;
    while ((rc = dvm_state_overlay_next(ov, DVM_STATE_T_STORAGE, after, alen, &kk, NULL)) == 0) {
      memcpy(after, kk.data, kk.len);
      alen = kk.len;
      n++;
    }
    tnext[r] = (now_ns() - t0) / (n ? n : 1);
    dvm_state_overlay_free(ov); /* drop the writes: the next run starts alike */
    if ((rc = dvm_state_overlay_begin(s, &ov))) die("overlay", rc);
  }
  printf("  put %llu ns, get %llu ns, next() step %llu ns (medians)\n",
         (unsigned long long)median(tput, RUNS), (unsigned long long)median(tget, RUNS),
         (unsigned long long)median(tnext, RUNS));
  dvm_state_overlay_free(ov);
  dvm_state_store_close(s);
  if (argc <= 1) {
    char p[300];
    snprintf(p, sizeof p, "%s/data.mdb", dir);
    remove(p);
    snprintf(p, sizeof p, "%s/lock.mdb", dir);
    remove(p);
    remove(dir);
  }
  return 0;
}
