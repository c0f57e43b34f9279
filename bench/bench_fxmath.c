/* bench_fxmath.c -- ns per call of every fxmath function (median of 7 runs
 * over 1024 varied inputs in the function's typical domain), beside the gas
 * constant of fxmath.h.  Not a test: numbers depend on the machine.  Time is
 * the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so a busy machine inflates
 * the figures less than wall-clock time would.
 *
 *   bench_fxmath [iterations-per-run]   (default 200000) */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "fx.h"

#define N_IN 1024
#define RUNS 7
#define ONE DVM_FX_ONE

static uint64_t rng_state = 7;
static uint64_t rng(void) {
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static int64_t uniform(int64_t lo, int64_t hi) {
  return lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum { F_MULDIV, F_MULDIV_U64, F_EXP, F_LN, F_SQRT, F_POW, F_CDF, F_PDF, F_BS, F_N };
static const char *names[F_N] = {"mul_div", "mul_div_u64", "exp", "ln", "sqrt",
                                 "pow", "cdf", "pdf", "black_scholes"};
static const int gas[F_N] = {DVM_FX_GAS_MUL_DIV, DVM_FX_GAS_MUL_DIV_U64, DVM_FX_GAS_EXP,
                             DVM_FX_GAS_LN, DVM_FX_GAS_SQRT, DVM_FX_GAS_POW, DVM_FX_GAS_CDF,
                             DVM_FX_GAS_PDF, DVM_FX_GAS_BLACK_SCHOLES};

static int64_t xa[N_IN], xb[N_IN], xc[N_IN];
static dvm_fx_bs_in bsin[N_IN];

static void fill(int f) {
  int i;
  for (i = 0; i < N_IN; i++) {
    switch (f) {
    case F_MULDIV:
    case F_MULDIV_U64:
      xa[i] = uniform(1, INT64_MAX / 2), xb[i] = uniform(1, 100 * ONE), xc[i] = uniform(ONE, 1000 * ONE);
      break;
    case F_EXP:
      xa[i] = uniform(-20 * ONE, 22 * ONE);
      break;
    case F_LN:
      xa[i] = uniform(1, INT64_MAX);
      break;
    case F_SQRT:
      xa[i] = uniform(0, INT64_MAX);
      break;
    case F_POW:
      xa[i] = uniform(ONE / 10, 10 * ONE), xb[i] = uniform(-5 * ONE, 5 * ONE);
      break;
    case F_CDF:
    case F_PDF:
      xa[i] = uniform(-6 * ONE, 6 * ONE);
      break;
    default:
      bsin[i].spot = 100 * ONE;
      bsin[i].strike = uniform(20 * ONE, 500 * ONE);
      bsin[i].time = uniform(ONE / 8766, 2 * ONE);
      bsin[i].vol = uniform(ONE / 100, 5 * ONE);
      bsin[i].rate = uniform(-ONE / 10, ONE);
    }
  }
}

static volatile int64_t sink;

static double run(int f, long iters) {
  long n;
  int64_t acc = 0, v = 0;
  uint64_t u = 0;
  dvm_fx_bs_out o;
  double t0 = now_ns();
  for (n = 0; n < iters; n++) {
    int i = (int)(n & (N_IN - 1));
    switch (f) {
    case F_MULDIV:
      dvm_fx_mul_div(xa[i], xb[i], xc[i], DVM_FX_RND_HALF_EVEN, &v);
      break;
    case F_MULDIV_U64:
      dvm_fx_mul_div_u64((uint64_t)xa[i], (uint64_t)xb[i], (uint64_t)xc[i], DVM_FX_RND_HALF_EVEN, &u);
      v = (int64_t)u;
      break;
    case F_EXP:
      dvm_fx_exp(xa[i], &v);
      break;
    case F_LN:
      dvm_fx_ln(xa[i], &v);
      break;
    case F_SQRT:
      dvm_fx_sqrt(xa[i], &v);
      break;
    case F_POW:
      dvm_fx_pow(xa[i], xb[i], &v);
      break;
    case F_CDF:
      dvm_fx_cdf(xa[i], &v);
      break;
    case F_PDF:
      dvm_fx_pdf(xa[i], &v);
      break;
    default:
      dvm_fx_black_scholes(&bsin[i], &o);
      v = o.call;
    }
    acc += v;
  }
  sink = acc;
  return (now_ns() - t0) / (double)iters;
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 200000;
  int f, r;
  if (iters <= 0)
    iters = 200000;
  printf("%-14s %10s %10s %10s %8s %10s\n", "function", "median ns", "min ns", "max ns", "gas",
         "ns/gas");
  for (f = 0; f < F_N; f++) {
    double t[RUNS];
    long it = f == F_BS ? iters / 10 : iters;
    fill(f);
    run(f, it / 10 + 1); /* warm up */
    for (r = 0; r < RUNS; r++)
      t[r] = run(f, it);
    qsort(t, RUNS, sizeof t[0], cmp_d);
    printf("%-14s %10.1f %10.1f %10.1f %8d %10.2f\n", names[f], t[RUNS / 2], t[0], t[RUNS - 1],
           gas[f], t[RUNS / 2] / gas[f]);
  }
  return 0;
}
