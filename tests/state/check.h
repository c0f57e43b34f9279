/* check.h — tiny test harness for the state tests: CHECK() reports the
 * file, line and expression, and counts failures; main returns nonzero. */
#ifndef DVM_TEST_STATE_CHECK_H
#define DVM_TEST_STATE_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures __attribute__((unused));

#define CHECK(e)                                                            \
  do {                                                                      \
    if (!(e)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #e); \
      check_failures++;                                                     \
    }                                                                       \
  } while (0)

#define CHECK_RC(e, want)                                                      \
  do {                                                                         \
    int rc_ = (e);                                                             \
    if (rc_ != (want)) {                                                       \
      fprintf(stderr, "%s:%d: %s returned %d (%s), want %d\n", __FILE__,        \
              __LINE__, #e, rc_, dvm_state_strerror(rc_), (int)(want));     \
      check_failures++;                                                        \
    }                                                                          \
  } while (0)

/* Deterministic PRNG (splitmix64): tests never seed from the clock. */
static inline uint64_t prng_next(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* A fresh empty directory under $TMPDIR (or /tmp) named after `tag`. */
static inline void test_tmpdir(char *buf, size_t n, const char *tag) {
  const char *t = getenv("TMPDIR");
  snprintf(buf, n, "%s/dvm-state-%s-XXXXXX", t && *t ? t : "/tmp", tag);
  if (!mkdtemp(buf)) {
    perror("mkdtemp");
    exit(2);
  }
}

/* Remove the store files and the directory. */
static inline void test_rmdir(const char *dir) {
  char p[512];
  snprintf(p, sizeof p, "%s/data.mdb", dir);
  remove(p);
  snprintf(p, sizeof p, "%s/lock.mdb", dir);
  remove(p);
  remove(dir);
}

static inline void hex(char *out, const uint8_t *b, size_t n) {
  for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

#endif
