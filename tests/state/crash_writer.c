/* crash_writer.c — the writer and checker of the kill -9 test
 * (tests/state/crash_test.sh, spec/state.md §8).
 *
 *   crash_writer run   DIR SEED        commit blocks forever; after each
 *                                      commit returns, print "committed H"
 *   crash_writer check DIR SEED LAST   reopen; LAST = highest height the
 *                                      writer printed, -1 if none
 *
 * Block h's operations depend only on (SEED, h): random puts, updates and
 * deletes over 3 x 4000 keys, grouped in transactions (frames) of which one
 * in five is reverted. So `check` can rebuild the expected state of any
 * height in memory and compare: stored height in {LAST, LAST+1}; stored
 * root == root recomputed from LMDB == root of the rebuilt state. */
#include "check.h"
#include "state.h"

#define NK 4000
#define VMAXW 64
#define OPS 400
#define TXOPS 10

typedef struct ent {
  uint8_t present, len;
  uint8_t v[VMAXW];
} ent;

static ent model[3][NK];

static void key_of(uint8_t k[10], unsigned i) {
  k[0] = 'k';
  for (int b = 0; b < 8; b++) k[1 + b] = "0123456789abcdef"[(i >> (28 - 4 * b)) & 15];
  k[9] = (uint8_t)(i % 7); /* a varying last byte */
}

typedef struct op {
  unsigned t, i;
  int del;
  ent e;
} op;

/* The ops of block h, in order, with each tx's fate; calls f per op. */
static void gen_block(uint64_t seed, uint64_t h, op *ops, int *keep_tx) {
  uint64_t s = seed * 0x100000001b3ull ^ h;
  for (int j = 0; j < OPS; j++) {
    uint64_t r = prng_next(&s);
    op *o = &ops[j];
    o->t = (unsigned)(r % 3);
    o->i = (unsigned)((r >> 8) % NK);
    o->del = (r >> 24) % 4 == 0;
    memset(&o->e, 0, sizeof o->e);
    if (!o->del) {
      o->e.present = 1;
      o->e.len = (uint8_t)((r >> 32) % (VMAXW + 1));
      uint64_t x = prng_next(&s);
      for (int b = 0; b < o->e.len; b++) o->e.v[b] = (uint8_t)(x >> (b % 8 * 8)) ^ (uint8_t)b;
    }
  }
  for (int tx = 0; tx < OPS / TXOPS; tx++) keep_tx[tx] = prng_next(&s) % 5 != 0;
}

static void model_apply(uint64_t seed, uint64_t h) {
  static op ops[OPS];
  int keep[OPS / TXOPS];
  gen_block(seed, h, ops, keep);
  for (int j = 0; j < OPS; j++)
    if (keep[j / TXOPS]) model[ops[j].t][ops[j].i] = ops[j].e;
}

static int run(const char *dir, uint64_t seed) {
  dvm_state_store *s;
  dvm_state_overlay *ov;
  char err[DVM_STATE_ERRMSG_MAX];
  dvm_state_store_opts o;
  dvm_state_store_opts_default(&o);
  o.map_size_initial = 65536; /* grow often, also while being killed */
  o.threads = 2;
  int rc = dvm_state_store_open(dir, &o, &s, err);
  if (rc) {
    fprintf(stderr, "run: open: %s\n", err);
    return 1;
  }
  if ((rc = dvm_state_overlay_begin(s, &ov))) return 1;
  uint64_t h;
  int has = dvm_state_store_last(s, &h, NULL) == DVM_STATE_OK;
  h = has ? h + 1 : 0;
  static op ops[OPS];
  int keep[OPS / TXOPS];
  for (;; h++) {
    gen_block(seed, h, ops, keep);
    for (int tx = 0; tx < OPS / TXOPS; tx++) {
      if (dvm_state_overlay_push(ov)) return 1;
      for (int j = tx * TXOPS; j < (tx + 1) * TXOPS; j++) {
        uint8_t k[10];
        key_of(k, ops[j].i);
        rc = ops[j].del ? dvm_state_overlay_del(ov, ops[j].t, k, 10)
                        : dvm_state_overlay_put(ov, ops[j].t, k, 10, ops[j].e.v, ops[j].e.len);
        if (rc) return 1;
      }
      if (dvm_state_overlay_pop(ov, keep[tx])) return 1;
    }
    uint8_t hb[8];
    for (int b = 0; b < 8; b++) hb[b] = (uint8_t)(h >> (56 - 8 * b)); /* big-endian: sorted */
    dvm_state_record rec = {DVM_STATE_T_BLOCKS, {hb, 8}, {(const uint8_t *)"block", 5}};
    if ((rc = dvm_state_commit(ov, h, &rec, 1, NULL))) {
      fprintf(stderr, "run: commit %llu: %s: %s\n", (unsigned long long)h,
              dvm_state_strerror(rc), dvm_state_store_errmsg(s));
      return 1;
    }
    printf("committed %llu\n", (unsigned long long)h);
    fflush(stdout);
  }
}

static int check(const char *dir, uint64_t seed, long long last) {
  dvm_state_store *s;
  char err[DVM_STATE_ERRMSG_MAX];
  int rc = dvm_state_store_open(dir, NULL, &s, err);
  if (rc) {
    fprintf(stderr, "check: open: %s (%s)\n", err, dvm_state_strerror(rc));
    return 1;
  }
  uint64_t h;
  uint8_t stored[32], audit[32], want[32];
  int has = dvm_state_store_last(s, &h, stored) == DVM_STATE_OK;
  long long hh = has ? (long long)h : -1;
  if (hh < last || hh > last + 1) {
    fprintf(stderr, "check: stored height %lld, writer last printed %lld\n", hh, last);
    return 1;
  }
  if ((rc = dvm_state_store_audit(s, audit))) {
    fprintf(stderr, "check: audit: %s\n", dvm_state_strerror(rc));
    return 1;
  }
  memset(model, 0, sizeof model);
  for (long long b = 0; b <= hh; b++) model_apply(seed, (uint64_t)b);
  dvm_state_lthash sum, e;
  dvm_state_lthash_zero(&sum);
  for (unsigned t = 0; t < 3; t++)
    for (unsigned i = 0; i < NK; i++)
      if (model[t][i].present) {
        uint8_t k[10];
        key_of(k, i);
        dvm_state_lthash_element(&e, t, k, 10, model[t][i].v, model[t][i].len);
        dvm_state_lthash_add(&sum, &e);
      }
  dvm_state_lthash_root(&sum, want);
  if (memcmp(stored, want, 32) || memcmp(audit, want, 32)) {
    fprintf(stderr, "check: height %lld: root differs from the rebuilt state\n", hh);
    return 1;
  }
  if (has) { /* the block record was committed with the block */
    dvm_state_view *v;
    uint8_t hb[8];
    for (int b = 0; b < 8; b++) hb[b] = (uint8_t)(h >> (56 - 8 * b));
    if (dvm_state_view_begin(s, &v) || dvm_state_view_get(v, DVM_STATE_T_BLOCKS, hb, 8, NULL)) {
      fprintf(stderr, "check: block record %lld missing\n", hh);
      return 1;
    }
    dvm_state_view_end(v);
  }
  dvm_state_store_close(s);
  printf("ok height %lld\n", hh);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && !strcmp(argv[1], "run")) return run(argv[2], strtoull(argv[3], NULL, 10));
  if (argc == 5 && !strcmp(argv[1], "check"))
    return check(argv[2], strtoull(argv[3], NULL, 10), strtoll(argv[4], NULL, 10));
  fprintf(stderr, "usage: %s run DIR SEED | check DIR SEED LAST\n", argv[0]);
  return 2;
}
