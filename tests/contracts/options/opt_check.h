/* opt_check.h — the CHECK macro and small helpers of the options tests. */
#ifndef OPT_CHECK_H
#define OPT_CHECK_H

#include <inttypes.h>
#include <stdio.h>

static unsigned passed, failed;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) passed++;                                    \
    else {                                                 \
      failed++;                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

#endif
