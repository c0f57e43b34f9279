/* fxmath_int.h -- internals shared by fx/fxmath*.c (not a public API).
 *
 * Q96: a real v is held as the integer round-or-floor(v * 2^96) in a signed
 * or unsigned __int128, so |v| < 2^31 and the resolution is 2^-96 ~ 1.3e-29.
 * Products go through a full 256-bit product (fx_u256), so nothing is lost
 * before the final shift.  Every helper states the operand ranges it relies
 * on; callers keep to them (the comments at the call sites say why).
 */
#ifndef DVM_FXMATH_INT_H
#define DVM_FXMATH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "fx.h"

typedef unsigned __int128 fxu128;
typedef __int128 fxi128;

#define FXQ_SHIFT 96
#define FXQ_ONE ((fxu128)1 << FXQ_SHIFT)
#define FXQ_INT(n) ((fxi128)(n) * (fxi128)FXQ_ONE) /* small integer n in Q96 */
#define FX_ONE_U ((uint64_t)1000000000u)

/* 256-bit unsigned integer, little-endian 64-bit limbs. */
typedef struct fx_u256 {
  uint64_t w[4];
} fx_u256;

/* Full product a*b of two 128-bit values. */
static inline fx_u256 fx_mul128(fxu128 a, fxu128 b) {
  uint64_t a0 = (uint64_t)a, a1 = (uint64_t)(a >> 64);
  uint64_t b0 = (uint64_t)b, b1 = (uint64_t)(b >> 64);
  fxu128 p00 = (fxu128)a0 * b0, p01 = (fxu128)a0 * b1;
  fxu128 p10 = (fxu128)a1 * b0, p11 = (fxu128)a1 * b1;
  fx_u256 r;
  fxu128 t;
  r.w[0] = (uint64_t)p00;
  t = (p00 >> 64) + (uint64_t)p01 + (uint64_t)p10; /* < 3 * 2^64 */
  r.w[1] = (uint64_t)t;
  t = (t >> 64) + (p01 >> 64) + (p10 >> 64) + (uint64_t)p11; /* < 4 * 2^64 */
  r.w[2] = (uint64_t)t;
  t = (t >> 64) + (p11 >> 64);
  r.w[3] = (uint64_t)t;
  return r;
}

static inline fx_u256 fx_u256_from(fxu128 a) {
  fx_u256 r = {{(uint64_t)a, (uint64_t)(a >> 64), 0, 0}};
  return r;
}

static inline uint64_t fx_u256_word(const fx_u256 *x, unsigned i) {
  return i < 4 ? x->w[i] : 0;
}

/* Bits [s, s + 128) of x, i.e. floor(x / 2^s) mod 2^128; s < 256. */
static inline fxu128 fx_u256_shr(fx_u256 x, unsigned s) {
  unsigned q = s / 64, b = s % 64;
  uint64_t r0, r1;
  if (b == 0) {
    r0 = fx_u256_word(&x, q);
    r1 = fx_u256_word(&x, q + 1);
  } else {
    r0 = (fx_u256_word(&x, q) >> b) | (fx_u256_word(&x, q + 1) << (64 - b));
    r1 = (fx_u256_word(&x, q + 1) >> b) | (fx_u256_word(&x, q + 2) << (64 - b));
  }
  return ((fxu128)r1 << 64) | r0;
}

/* x * 2^s for s < 128 and x < 2^128 (the result always fits 256 bits). */
static inline fx_u256 fx_u256_shl(fxu128 x, unsigned s) {
  fx_u256 r = {{0, 0, 0, 0}};
  uint64_t v[2] = {(uint64_t)x, (uint64_t)(x >> 64)};
  unsigned q = s / 64, b = s % 64, i;
  for (i = 0; i < 2; i++) {
    r.w[q + i] |= v[i] << b;
    if (b != 0)
      r.w[q + i + 1] |= v[i] >> (64 - b);
  }
  return r;
}

/* In place x = floor(x / d), returns x mod d; d != 0. */
static inline uint64_t fx_u256_divmod64(fx_u256 *x, uint64_t d) {
  fxu128 rem = 0;
  int i;
  for (i = 3; i >= 0; i--) {
    if (rem == 0) { /* 64-bit division: cheaper, same result */
      uint64_t w = x->w[i];
      x->w[i] = w / d;
      rem = w % d;
    } else {
      fxu128 cur = (rem << 64) | x->w[i]; /* rem < d, so cur / d < 2^64 */
      x->w[i] = (uint64_t)(cur / d);
      rem = cur % d;
    }
  }
  return (uint64_t)rem;
}

/* Is any bit in [0, n) of x set?  n <= 256. */
static inline int fx_u256_low_nonzero(const fx_u256 *x, unsigned n) {
  unsigned i;
  for (i = 0; i < 4 && n > 0; i++) {
    uint64_t m = n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
    if (x->w[i] & m)
      return 1;
    n = n >= 64 ? n - 64 : 0;
  }
  return 0;
}

/* round(x / 2^s) to nearest, ties to even, 1 <= s < 256.  Returns 0 and the
 * result if it is < 2^64, else -1. */
static inline int fx_u256_round_shr(fx_u256 x, unsigned s, uint64_t *out) {
  fxu128 q = fx_u256_shr(x, s);
  int half = (int)((fx_u256_shr(x, s - 1)) & 1);
  int sticky = fx_u256_low_nonzero(&x, s - 1);
  /* bits at and above s + 128 must be zero */
  if (s + 128 < 256 && fx_u256_shr(x, s + 128) != 0)
    return -1;
  if (half && (sticky || (q & 1)))
    q++;
  if (q >> 64)
    return -1;
  *out = (uint64_t)q;
  return 0;
}

static inline fxu128 fx_uabs(fxi128 a) {
  return a < 0 ? (fxu128)0 - (fxu128)a : (fxu128)a;
}

/* floor(a * b / 2^96) for unsigned Q96 a, b whose product is < 2^224. */
static inline fxu128 fx_mulq(fxu128 a, fxu128 b) {
  return fx_u256_shr(fx_mul128(a, b), FXQ_SHIFT);
}

/* a * b / 2^96 truncated toward zero, signed; |a * b| < 2^223. */
static inline fxi128 fx_smulq(fxi128 a, fxi128 b) {
  fxu128 m = fx_mulq(fx_uabs(a), fx_uabs(b));
  return ((a < 0) != (b < 0)) ? -(fxi128)m : (fxi128)m;
}

static inline unsigned fx_bitlen128(fxu128 x) {
  uint64_t hi = (uint64_t)(x >> 64), lo = (uint64_t)x;
  if (hi)
    return 128u - (unsigned)__builtin_clzll(hi);
  if (lo)
    return 64u - (unsigned)__builtin_clzll(lo);
  return 0;
}

/* An fx value as Q96, truncated toward zero (error < 2^-96).  Requires
 * |x| < 2^31 * 1e9 (callers check; larger values are rejected earlier). */
static inline fxi128 fx_to_q96(int64_t x) {
  uint64_t m = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
  fxu128 v = ((fxu128)(m / FX_ONE_U) << FXQ_SHIFT) +
             (((fxu128)(m % FX_ONE_U) << FXQ_SHIFT) / FX_ONE_U);
  return x < 0 ? -(fxi128)v : (fxi128)v;
}

/* round(v * scale / 2^96) to nearest (ties to even, symmetric in sign) as an
 * int64; DVM_FX_ERANGE if it does not fit. scale is usually 1e9 (Q96 to fx)
 * or a price (per-unit Q96 value times an fx price). */
static inline int fx_q96_round(fxi128 v, uint64_t scale, int64_t *out) {
  uint64_t m;
  if (fx_u256_round_shr(fx_mul128(fx_uabs(v), scale), FXQ_SHIFT, &m) != 0)
    return DVM_FX_ERANGE;
  if (v < 0) {
    if (m > (uint64_t)1 << 63)
      return DVM_FX_ERANGE;
    *out = (int64_t)((uint64_t)0 - m);
  } else {
    if (m > (uint64_t)INT64_MAX)
      return DVM_FX_ERANGE;
    *out = (int64_t)m;
  }
  return DVM_FX_OK;
}

/* ---- internal functions (fxmath_fn.c; divq and isqrt in fxmath.c) ------ */

/* e^s = mant * 2^k with mant in Q96, mant in [0.70, 1.42]; |s| <= 100.
 * Relative error < 2^-90. */
void dvm_fxi_exp_split(fxi128 s, fxu128 *mant, int *k);

/* e^s in Q96 for s <= 21 (so the result is < 2^31); 0 below s = -70.
 * Absolute error < 2^-90 * max(1, e^s). */
fxi128 dvm_fxi_exp(fxi128 s);

/* ln(x / 1e9) in Q96 for 0 < x < 2^63 (x an fx).  Absolute error
 * < 2^-90, relative error < 2^-90 when |ln| < 0.35. */
fxi128 dvm_fxi_ln(uint64_t x);

/* Q(x) = P(Z > x) = 1 - Phi(x) in Q96 for |x| < 2^31, absolute error
 * < 2^-88; 0 for x >= 10 + 1/32, 1 for x <= -(10 + 1/32). */
fxu128 dvm_fxi_upper(fxi128 x);

/* phi(x), the standard normal density, in Q96 for |x| < 2^31; absolute
 * error < 2^-90; 0 for |x| >= 13. */
fxu128 dvm_fxi_pdf(fxi128 x);

/* floor(a * 2^96 / b) for a >= 0, b > 0 Q96, with b truncated to its 64
 * leading bits (relative error < 2^-62).  Requires the quotient < 2^127. */
fxu128 dvm_fxi_divq(fxu128 a, fxu128 b);

/* floor(sqrt(n)) for n < 2^128. */
uint64_t dvm_fxi_isqrt(fxu128 n);

#endif /* DVM_FXMATH_INT_H */
