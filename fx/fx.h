/* fxmath.h -- deterministic fixed-point math of the DVM runtime (DESIGN §6).
 *
 * Private header of the runtime layer; normative text in spec/fxmath.md.
 *
 * Representation: a `dvm_fx` is a signed 64-bit integer scaled by 1e9
 * (DVM_FX_ONE), used for prices, rates, volatilities and times in years.
 * Amounts are unsigned 64-bit base units.  One "ulp" below is one unit of the
 * last place, 1e-9.
 *
 * Every function is pure and deterministic: integer arithmetic only (64-bit
 * and 128-bit intermediates via the gcc/clang extension `__int128`, so a
 * 64-bit gcc or clang is required), no global state, no allocation, no
 * undefined behaviour for any input.  Each returns a status (DVM_FX_OK = 0 or
 * a negative DVM_FX_E* code) and writes its result through the out pointer
 * only on success; on error *out is left untouched.  A NULL out pointer (or
 * NULL input struct) gives DVM_FX_EINVAL.
 *
 * Internally the transcendental functions work in Q96 fixed point (128-bit
 * values scaled by 2^96, 256-bit products) and round once, at the end, to
 * the nearest fx (ties to even).  Error bounds below are against the exact
 * mathematical value of the function at the exact input; they are asserted
 * by tests/fx against a 50-digit decimal reference.
 *
 * Gas: DVM_FX_GAS_<NAME> is the cost the syscall layer charges per call,
 * about one gas per 1.5 ns of measured work (bench/bench_fxmath.c, typical
 * x86-64 core), minimum 10.  The work varies little with the arguments;
 * early exits (errors, saturated tails) are cheaper than charged.
 */
#ifndef DVM_FX_H
#define DVM_FX_H

#include <stdint.h>

typedef int64_t dvm_fx;

#define DVM_FX_ONE ((dvm_fx)1000000000) /* 1.0 */

/* ---- status codes: -501..-599 of the one error space (spec/errors.md,
 * base/errors.def); never clash with errno or another library's codes --- */
typedef enum dvm_fx_err {
  DVM_FX_OK = 0,
  DVM_FX_EDOM = -501,     /* an argument is outside the function's domain */
  DVM_FX_ERANGE = -502,   /* the exact result does not fit the output type */
  DVM_FX_EDIVZERO = -503, /* mul_div with divisor 0 */
  DVM_FX_EINVAL = -504,   /* NULL pointer or unknown rounding mode */
} dvm_fx_err;

/* dvm_strerror(status) (base.h): "DVM_FX_ERANGE: result out of range", ...;
 * a static string, never NULL, also for unknown codes. */
const char *dvm_fx_strerror(int status);

/* ---- rounding modes of mul_div ------------------------------------------ */
#define DVM_FX_RND_FLOOR 0     /* toward -infinity */
#define DVM_FX_RND_CEIL 1      /* toward +infinity */
#define DVM_FX_RND_HALF_EVEN 2 /* to nearest, ties to even */
#define DVM_FX_RND_TRUNC 3     /* toward zero */

/* ---- gas costs (spec/fxmath.md §Gas) ------------------------------------ */
#define DVM_FX_GAS_MUL_DIV 10
#define DVM_FX_GAS_MUL_DIV_U64 10
#define DVM_FX_GAS_EXP 65
#define DVM_FX_GAS_LN 85
#define DVM_FX_GAS_SQRT 25
#define DVM_FX_GAS_POW 160
#define DVM_FX_GAS_CDF 150
#define DVM_FX_GAS_PDF 65
#define DVM_FX_GAS_BLACK_SCHOLES 750

/* a*b/c, exact 128-bit product, one rounding with `mode` (DVM_FX_RND_*).
 * Domain: any int64 a, b; c != 0.  Error: exactly rounded (0 ulp of the
 * chosen mode).  Errors: DVM_FX_EDIVZERO (c == 0), DVM_FX_ERANGE (rounded
 * quotient outside int64), DVM_FX_EINVAL (bad mode, NULL out).
 * With c = DVM_FX_ONE this is the fx product; with b = DVM_FX_ONE the fx
 * quotient a/c. */
int dvm_fx_mul_div(int64_t a, int64_t b, int64_t c, int mode, int64_t *out);

/* Unsigned a*b/c for amounts.  Same contract; FLOOR and TRUNC coincide. */
int dvm_fx_mul_div_u64(uint64_t a, uint64_t b, uint64_t c, int mode, uint64_t *out);

/* e^x.  Domain: x <= 22.945006538 (the largest x whose rounded result
 * fits int64; above it DVM_FX_ERANGE).  For x < -21.5 the result is 0.
 * Rounding: to nearest; max error 0.5 ulp + 1e-6 ulp (faithful; correctly
 * rounded unless the exact value lies within 1e-6 ulp of a tie). */
int dvm_fx_exp(dvm_fx x, dvm_fx *out);

/* ln x.  Domain: x > 0 (x <= 0: DVM_FX_EDOM).  Rounding: to nearest;
 * max error 0.5 ulp + 1e-6 ulp.  ln(1) = 0 exactly. */
int dvm_fx_ln(dvm_fx x, dvm_fx *out);

/* sqrt x.  Domain: x >= 0 (else DVM_FX_EDOM).  Correctly rounded to nearest
 * (isqrt of x*1e9; ties cannot occur); max error 0.5 ulp. */
int dvm_fx_sqrt(dvm_fx x, dvm_fx *out);

/* x^y = e^(y ln x).  Domain: x > 0, any y; x = 0 with y > 0 gives 0,
 * 0^0 = 1, 0^y with y < 0 and x < 0 give DVM_FX_EDOM.  y = 0 gives 1,
 * y = 1 gives x exactly.  DVM_FX_ERANGE when the result exceeds int64;
 * results below 0.46e-9 are 0.  Rounding: to nearest; max error
 * 0.5 ulp + 1e-6 ulp (y ln x is formed from exact integers with one final
 * division, so this holds even for x within 1e-9 of 1 and |y| ~ 9e9). */
int dvm_fx_pow(dvm_fx x, dvm_fx y, dvm_fx *out);

/* Standard normal cumulative distribution Phi(x).  Domain: all x (for
 * |x| > 10.03 the result is exactly 0 or 1).  Rounding: to nearest; max
 * error 0.5 ulp + 1e-6 ulp. */
int dvm_fx_cdf(dvm_fx x, dvm_fx *out);

/* Standard normal density phi(x) = e^(-x^2/2)/sqrt(2 pi).  Domain: all x
 * (|x| > 7: 0).  Rounding: to nearest; max error 0.5 ulp + 1e-6 ulp. */
int dvm_fx_pdf(dvm_fx x, dvm_fx *out);

/* Black-Scholes inputs (European options, no dividends), all fx. */
typedef struct dvm_fx_bs_in {
  dvm_fx spot;   /* S > 0 */
  dvm_fx strike; /* K > 0 */
  dvm_fx time;   /* T in years, 0 <= T <= 20 */
  dvm_fx vol;    /* sigma, annualised, 0 <= sigma <= 10 (1000%) */
  dvm_fx rate;   /* r, annualised continuously compounded, -1 <= r <= 1 */
} dvm_fx_bs_in;

/* Black-Scholes outputs, all fx.  Prices in the unit of S and K. */
typedef struct dvm_fx_bs_out {
  dvm_fx call, put;             /* prices */
  dvm_fx call_delta, put_delta; /* dV/dS */
  dvm_fx gamma;                 /* d2V/dS2 (same for call and put) */
  dvm_fx vega;                  /* dV/dsigma per 1.00 of sigma (not per 1%) */
  dvm_fx call_theta, put_theta; /* dV/dt per year (calendar time, = -dV/dT) */
} dvm_fx_bs_out;

/* Black-Scholes price and greeks of a European call and put.
 * Domain: as in dvm_fx_bs_in (else DVM_FX_EDOM).  T = 0 gives intrinsic
 * values, delta 1/0 (1/2 at S = K), gamma = vega = 0; sigma*sqrt(T) = 0
 * gives the discounted-forward limit; gamma is then reported as 0.
 * Errors: DVM_FX_ERANGE if any output does not fit int64 (e.g. gamma or
 * theta of a near-expiry at-the-money option with tiny S*sigma*sqrt(T)).
 * Accuracy (spec/fxmath.md §6), with M = max(S, K) as a real and
 * W = M * max(1, e^(-rT)) * (1 + sigma sqrt T):
 *   prices:  0.5 ulp + 1e-9 * W ulp
 *   deltas:  0.5 ulp + 1e-6 ulp
 *   gamma, vega, thetas:  0.5 ulp + 1e-12 * |value| + 1e-9 * W ulp
 * so a price is within 2e-9 * S of exact whenever S >= 0.25, K <= 5 S,
 * T <= 2, sigma <= 5 and r >= -0.1.  Vega is per 1.00 of sigma, thetas per
 * year. */
int dvm_fx_black_scholes(const dvm_fx_bs_in *in, dvm_fx_bs_out *out);

#endif /* DVM_FX_H */
