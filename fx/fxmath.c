/* fxmath.c -- status messages, mul_div, sqrt and integer helpers of the
 * fixed-point math library (spec/fxmath.md). */
#include "fx.h"

#include "base.h"

#include "fxmath_int.h"

const char *dvm_fx_strerror(int status) { return dvm_strerror(status); }

/* ---- mul_div ------------------------------------------------------------ */

int dvm_fx_mul_div(int64_t a, int64_t b, int64_t c, int mode, int64_t *out) {
  fxi128 p, q, r;
  if (out == NULL || mode < DVM_FX_RND_FLOOR || mode > DVM_FX_RND_TRUNC)
    return DVM_FX_EINVAL;
  if (c == 0)
    return DVM_FX_EDIVZERO;
  /* |a*b| <= 2^126, so the product and the quotient (even for c = -1) fit
   * __int128; C division truncates toward zero. */
  p = (fxi128)a * (fxi128)b;
  q = p / c;
  r = p % c;
  if (r != 0) {
    /* exact quotient = q + r/c; the fraction is negative iff the signs of r
     * (that of p) and c differ */
    int neg = (r < 0) != (c < 0);
    fxu128 ar = fx_uabs(r), ac = fx_uabs(c);
    switch (mode) {
    case DVM_FX_RND_FLOOR:
      if (neg)
        q -= 1;
      break;
    case DVM_FX_RND_CEIL:
      if (!neg)
        q += 1;
      break;
    case DVM_FX_RND_HALF_EVEN:
      if (2 * ar > ac || (2 * ar == ac && (q % 2) != 0))
        q += neg ? -1 : 1;
      break;
    default: /* DVM_FX_RND_TRUNC */
      break;
    }
  }
  if (q > INT64_MAX || q < INT64_MIN)
    return DVM_FX_ERANGE;
  *out = (int64_t)q;
  return DVM_FX_OK;
}

int dvm_fx_mul_div_u64(uint64_t a, uint64_t b, uint64_t c, int mode, uint64_t *out) {
  fxu128 p, q, r;
  if (out == NULL || mode < DVM_FX_RND_FLOOR || mode > DVM_FX_RND_TRUNC)
    return DVM_FX_EINVAL;
  if (c == 0)
    return DVM_FX_EDIVZERO;
  p = (fxu128)a * b;
  q = p / c;
  r = p % c;
  if (r != 0) {
    if (mode == DVM_FX_RND_CEIL)
      q += 1;
    else if (mode == DVM_FX_RND_HALF_EVEN && (2 * r > c || (2 * r == c && (q & 1))))
      q += 1;
  }
  if (q > UINT64_MAX)
    return DVM_FX_ERANGE;
  *out = (uint64_t)q;
  return DVM_FX_OK;
}

/* ---- sqrt --------------------------------------------------------------- */

uint64_t dvm_fxi_isqrt(fxu128 n) {
  fxu128 x, y;
  if (n == 0)
    return 0;
  /* start above sqrt(n) and descend (Newton on integers: the sequence
   * decreases strictly until it reaches floor(sqrt(n))) */
  x = (fxu128)1 << ((fx_bitlen128(n) + 1) / 2);
  for (;;) {
    y = (x + n / x) >> 1;
    if (y >= x)
      break;
    x = y;
  }
  return (uint64_t)x;
}

int dvm_fx_sqrt(dvm_fx x, dvm_fx *out) {
  fxu128 n;
  uint64_t s;
  if (out == NULL)
    return DVM_FX_EINVAL;
  if (x < 0)
    return DVM_FX_EDOM;
  /* sqrt(x / 1e9) * 1e9 = sqrt(x * 1e9); n < 2^93 */
  n = (fxu128)(uint64_t)x * FX_ONE_U;
  s = dvm_fxi_isqrt(n);
  /* round to nearest: (s + 1/2)^2 = s^2 + s + 1/4 is never an integer, so
   * round up iff n - s^2 > s; no ties */
  if (n - (fxu128)s * s > s)
    s++;
  *out = (dvm_fx)s; /* s < 2^47 */
  return DVM_FX_OK;
}

/* ---- Q96 division ------------------------------------------------------- */

fxu128 dvm_fxi_divq(fxu128 a, fxu128 b) {
  unsigned bl = fx_bitlen128(b), sh = bl > 64 ? bl - 64 : 0;
  uint64_t d = (uint64_t)(b >> sh);
  /* a * 2^96 / b ~= (a * 2^(96 - sh)) / (b >> sh); a < 2^127 and the
   * quotient < 2^127 keep a * 2^(96 - sh) below 2^223 */
  fx_u256 n = sh <= FXQ_SHIFT ? fx_u256_shl(a, FXQ_SHIFT - sh)
                              : fx_u256_from(a >> (sh - FXQ_SHIFT));
  fx_u256_divmod64(&n, d);
  return fx_u256_shr(n, 0);
}
