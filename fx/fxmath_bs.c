/* fxmath_bs.c -- Black-Scholes price and greeks (spec/fxmath.md §BS).
 *
 * Everything is computed per unit of M = max(S, K) in Q96, where every
 * intermediate stays below 2^31, then scaled by M and rounded once:
 *   s = S/M, k = K/M (one of them is exactly 1), D = e^(-rT), v = sigma sqrt T
 *   d1 = (ln S - ln K + (r + sigma^2/2) T) / v,  d2 = d1 - v
 *   call/M = s N(d1) - k D N(d2)        put/M = k D Q(d2) - s Q(d1)
 *   delta_c = N(d1), delta_p = -Q(d1), gamma = phi(d1) / (S v)
 *   vega/M = s phi(d1) sqrt T
 *   theta_c/M = -s phi(d1) sigma / (2 sqrt T) - r k D N(d2)
 *   theta_p/M = -s phi(d1) sigma / (2 sqrt T) + r k D Q(d2)
 * with N = 1 - Q.  |d1| is clamped to 64 (N is then exactly 0 or 1 in Q96).
 */
#include "fx.h"

#include "fxmath_int.h"

#define FX_BS_T_MAX (20 * (dvm_fx)DVM_FX_ONE)
#define FX_BS_VOL_MAX (10 * (dvm_fx)DVM_FX_ONE)
#define FX_BS_D_MAX 64

/* sqrt(T) in Q96 for an fx T in [0, 20]; relative error < 2^-61. */
static fxu128 fx_sqrt_t(dvm_fx t) {
  fxu128 n = (fxu128)(uint64_t)t * FX_ONE_U; /* T * 1e18 as a real, < 2^65 */
  unsigned p;
  uint64_t r;
  if (n == 0)
    return 0;
  /* n * 4^p in [2^124, 2^126): isqrt has 62-63 significant bits */
  p = (126 - fx_bitlen128(n)) / 2;
  r = dvm_fxi_isqrt(n << (2 * p)); /* = sqrt(T) * 1e9 * 2^p */
  /* sqrt(T) * 2^96 = r * 2^(96 - p) / 1e9; p <= 48 (the product may need
   * 129 bits, the quotient < 2^99) */
  {
    fx_u256 w = fx_u256_shl(r, FXQ_SHIFT - p);
    fx_u256_divmod64(&w, FX_ONE_U);
    return fx_u256_shr(w, 0);
  }
}

/* |a| * b * 2^96 / (d1 * d2) as Q96 with the sign of a; the caller knows the
 * quotient is < 2^127.  Exact floor of the magnitude. */
static fxi128 fx_ratio_q96(fxi128 a, uint64_t b, uint64_t d1, uint64_t d2) {
  fx_u256 t = fx_mul128(fx_uabs(a), b);
  fxu128 m;
  /* shift by 96 = 64 + 32: move words, then shift the rest */
  fx_u256 s = {{0, 0, 0, 0}};
  s.w[1] = t.w[0] << 32;
  s.w[2] = (t.w[0] >> 32) | (t.w[1] << 32);
  s.w[3] = (t.w[1] >> 32) | (t.w[2] << 32);
  /* t < 2^160 (|a| < 2^128 with b == 1, or |a| < 2^96 otherwise) */
  fx_u256_divmod64(&s, d1);
  fx_u256_divmod64(&s, d2);
  m = fx_u256_shr(s, 0);
  return a < 0 ? -(fxi128)m : (fxi128)m;
}

/* gamma = phi / (S v) as an fx: round(phi * 1e18 / (S_fx * v)) with phi, v
 * in Q96 (v > 0).  v is truncated to its 64 leading bits (relative error
 * < 2^-62); 40 extra bits are kept for the final rounding (the floor
 * divisions are exact, so the rounding decision is off by < 2^-40 ulp). */
static int fx_gamma(fxu128 phi, fxu128 v, uint64_t spot, dvm_fx *out) {
  unsigned bl = fx_bitlen128(v), sh = bl > 64 ? bl - 64 : 0;
  fx_u256 n = fx_mul128(phi, (fxu128)1000000000000000000ull << 40); /* < 2^195 */
  uint64_t q;
  if (sh > 0) {
    fxu128 lo = fx_u256_shr(n, sh);
    fxu128 hi = fx_u256_shr(n, sh + 128);
    n.w[0] = (uint64_t)lo;
    n.w[1] = (uint64_t)(lo >> 64);
    n.w[2] = (uint64_t)hi;
    n.w[3] = (uint64_t)(hi >> 64);
  }
  fx_u256_divmod64(&n, (uint64_t)(v >> sh));
  fx_u256_divmod64(&n, spot);
  if (fx_u256_round_shr(n, 40, &q) != 0 || q > (uint64_t)INT64_MAX)
    return DVM_FX_ERANGE;
  *out = (dvm_fx)q;
  return DVM_FX_OK;
}

int dvm_fx_black_scholes(const dvm_fx_bs_in *in, dvm_fx_bs_out *out) {
  uint64_t S, K, M;
  fxi128 s, k, sig, v, num, d1, d2, disc, kd, rate, a, x;
  fxu128 sqt, q1, q2, n1, n2, phi;
  dvm_fx_bs_out o;
  int rc;
  if (in == NULL || out == NULL)
    return DVM_FX_EINVAL;
  if (in->spot <= 0 || in->strike <= 0 || in->time < 0 || in->time > FX_BS_T_MAX ||
      in->vol < 0 || in->vol > FX_BS_VOL_MAX || in->rate < -DVM_FX_ONE ||
      in->rate > DVM_FX_ONE)
    return DVM_FX_EDOM;
  S = (uint64_t)in->spot;
  K = (uint64_t)in->strike;
  M = S >= K ? S : K;
  /* s, k in (0, 1], exact floor of the ratio */
  s = S >= K ? (fxi128)FXQ_ONE : fx_ratio_q96(1, S, K, 1);
  k = K >= S ? (fxi128)FXQ_ONE : fx_ratio_q96(1, K, S, 1);
  sig = fx_to_q96(in->vol); /* <= 10 */
  rate = fx_to_q96(in->rate);
  sqt = fx_sqrt_t(in->time); /* <= 4.48 */
  v = fx_smulq(sig, (fxi128)sqt); /* <= 44.8 */
  /* (r + sigma^2/2) T exactly (floor) from the integers:
   * r T = rate * time / 1e18, sigma^2 T / 2 = vol^2 * time / (2 * 1e27) */
  x = fx_ratio_q96((fxi128)in->rate * in->time, 1, FX_ONE_U, FX_ONE_U); /* |rT| <= 20 */
  num = dvm_fxi_ln(S) - dvm_fxi_ln(K) + x +
        fx_ratio_q96((fxi128)in->vol * in->vol, (uint64_t)in->time, FX_ONE_U * 2,
                     FX_ONE_U * FX_ONE_U);
  /* d1 = num / v, clamped to [-64, 64]; v = 0 gives the limit +-64 or 0 */
  if (num == 0)
    d1 = 0;
  else if (v == 0 || fx_uabs(num) >= fx_uabs(v) * FX_BS_D_MAX)
    d1 = num > 0 ? FXQ_INT(FX_BS_D_MAX) : -FXQ_INT(FX_BS_D_MAX);
  else {
    fxu128 d = dvm_fxi_divq(fx_uabs(num), (fxu128)v);
    d1 = num > 0 ? (fxi128)d : -(fxi128)d;
  }
  d2 = d1 - v;
  q1 = dvm_fxi_upper(d1);
  q2 = dvm_fxi_upper(d2);
  n1 = FXQ_ONE - q1;
  n2 = FXQ_ONE - q2;
  phi = dvm_fxi_pdf(d1);
  disc = dvm_fxi_exp(-x); /* e^(-rT) <= e^20 */
  kd = fx_smulq(k, disc);

  /* prices per unit of M, clamped at the no-arbitrage floor 0 */
  a = fx_smulq(s, (fxi128)n1) - fx_smulq(kd, (fxi128)n2);
  if ((rc = fx_q96_round(a > 0 ? a : 0, M, &o.call)) != 0)
    return rc;
  a = fx_smulq(kd, (fxi128)q2) - fx_smulq(s, (fxi128)q1);
  if ((rc = fx_q96_round(a > 0 ? a : 0, M, &o.put)) != 0)
    return rc;
  if ((rc = fx_q96_round((fxi128)n1, FX_ONE_U, &o.call_delta)) != 0 ||
      (rc = fx_q96_round(-(fxi128)q1, FX_ONE_U, &o.put_delta)) != 0)
    return rc;
  if (v == 0)
    o.gamma = 0; /* the limit is a Dirac mass at the money: reported as 0 */
  else if ((rc = fx_gamma(phi, (fxu128)v, S, &o.gamma)) != 0)
    return rc;
  if ((rc = fx_q96_round(fx_smulq(fx_smulq(s, (fxi128)phi), (fxi128)sqt), M, &o.vega)) != 0)
    return rc;
  /* time decay term s phi sigma / (2 sqrt T); 0 when T = 0 (the limit is
   * -infinity at the money, 0 elsewhere) or sigma = 0.  sigma/(2 sqrt T)
   * <= 10 / (2 * 3.16e-5) < 2^18 since T >= 1e-9. */
  a = 0;
  if (sqt != 0 && sig != 0 && phi != 0)
    a = fx_smulq(fx_smulq(s, (fxi128)phi), (fxi128)dvm_fxi_divq((fxu128)sig, sqt << 1));
  x = fx_smulq(rate, kd);
  if ((rc = fx_q96_round(-a - fx_smulq(x, (fxi128)n2), M, &o.call_theta)) != 0 ||
      (rc = fx_q96_round(-a + fx_smulq(x, (fxi128)q2), M, &o.put_theta)) != 0)
    return rc;
  *out = o;
  return DVM_FX_OK;
}
