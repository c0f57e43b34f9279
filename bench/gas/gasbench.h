/* gasbench.h — what the two files of the gasbench contract share
 * (bench/gas/gasbench.c, gasbench2.c): input decoding, the result, keys. */
#ifndef GASBENCH_H
#define GASBENCH_H

#include <dvm_contract.h>

#define RESERVE 300000u /* enough for the largest single step (+ return) */
#define HEAP ((u8 *)0x300000000ull)

DVM_INLINE u64 ld64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
DVM_INLINE u64 mix(u64 x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 29;
  return x;
}
DVM_INLINE void key5(u8 k[5], u8 tag, u64 i) {
  k[0] = tag;
  k[1] = (u8)(i >> 24);
  k[2] = (u8)(i >> 16);
  k[3] = (u8)(i >> 8);
  k[4] = (u8)i;
}
#define ARGS                                                                                      \
  if (len < 16) dvm_revert("len", 3);                                                             \
  u64 a = ld64(in), b = ld64(in + 8);                                                             \
  (void)a;                                                                                        \
  (void)b
#define DONE(n)                                                                                   \
  do {                                                                                            \
    u64 r_ = (n);                                                                                 \
    dvm_return(&r_, 8);                                                                           \
    return 0;                                                                                     \
  } while (0)

#endif
