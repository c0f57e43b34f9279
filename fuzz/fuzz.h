/* fuzz.h — what every DVM fuzz harness shares.
 *
 * A harness is one file fuzz/fuzz_<target>.c that defines the libFuzzer
 * entry point below and nothing else global. The same object links into:
 *   - fuzz_<target>        libFuzzer (-fsanitize=fuzzer), DVM_FUZZ_ENGINE=libfuzzer
 *   - fuzz_<target>        AFL++ (afl-clang-fast + libAFLDriver), DVM_FUZZ_ENGINE=afl
 *   - fuzz_<target>        a plain replay main (replay_main.c): coverage
 *                          builds (DVM_FUZZ_ENGINE=cov) and the regression
 *                          tests of tests/fuzz_regress.cmake (gcc, no sanitizer)
 * A finding is an abort(): the harness prints what differs first. */
#ifndef DVM_FUZZ_H
#define DVM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a finding and abort (libFuzzer and AFL++ both treat SIGABRT as a
 * crash and keep the input). */
#define FUZZ_FAIL(...)                                                  \
  do {                                                                  \
    fprintf(stderr, "\n==== DVM FUZZ FINDING (%s:%d)\n", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__);                                       \
    fprintf(stderr, "\n");                                              \
    fflush(stderr);                                                     \
    abort();                                                            \
  } while (0)

#endif
