/* test_fxmath_ref.c -- every fxmath function against the 50-digit decimal
 * reference vectors of gen_vectors.py, asserting the bounds of
 * spec/fxmath.md and printing the largest error seen per function.
 *
 *   test_fxmath_ref VECTORS_FILE
 *
 * Errors are in ulps (1e-9) against the exact value.  Floating point is
 * used here only to report and compare errors (allowed in tests/). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fx.h"

/* An expected value: exact * 1e9 = ip + fr (fr in (-1, 1), same sign), or
 * out of range. */
typedef struct {
  int range;
  int64_t ip;
  double fr;
} expect;

static int parse_expect(const char *tok, expect *e) {
  const char *dot;
  char *end;
  memset(e, 0, sizeof *e);
  if (strcmp(tok, "R") == 0) {
    e->range = 1;
    return 0;
  }
  e->ip = strtoll(tok, &end, 10);
  dot = end;
  if (*dot == '.') {
    e->fr = strtod(dot, &end); /* ".123456789012" */
    if (tok[0] == '-')
      e->fr = -e->fr;
  }
  return *end == '\0' ? 0 : -1;
}

/* got - exact, in ulps */
static double err_of(int64_t got, const expect *e) {
  return (double)((__int128)got - e->ip) - e->fr;
}

typedef struct {
  const char *name;
  double bound_abs;  /* ulps */
  double bound_rel;  /* times |exact| in ulps */
  double bound_unit; /* times M max(1, e^-rT) (1 + sigma sqrt T) (BS only) */
  double max_err;    /* observed, ulps */
  double max_excess; /* observed max of err / bound */
  char worst[160];
  long n, fails;
} stat;

static void record(stat *st, double err, double exact, double unit, const char *where) {
  double bound = st->bound_abs + st->bound_rel * fabs(exact) + st->bound_unit * unit;
  double a = fabs(err);
  st->n++;
  if (a > st->max_err) {
    st->max_err = a;
    snprintf(st->worst, sizeof st->worst, "%s", where);
  }
  if (a / bound > st->max_excess)
    st->max_excess = a / bound;
  if (!(a <= bound)) {
    if (st->fails < 10)
      fprintf(stderr, "FAIL %s: %s err %.6g ulp > bound %.6g\n", st->name, where, err, bound);
    st->fails++;
  }
}

enum { S_EXP, S_LN, S_SQRT, S_POW, S_CDF, S_PDF, S_CALL, S_PUT, S_CDELTA, S_PDELTA,
       S_GAMMA, S_VEGA, S_CTHETA, S_PTHETA, S_N };

int main(int argc, char **argv) {
  /* The documented bounds (spec/fxmath.md §Accuracy).  0.5 ulp is the final
   * rounding; the rest covers the internal Q96 error. */
  stat st[S_N] = {
      {"exp", 0.500001, 0, 0, 0, 0, "", 0, 0},
      {"ln", 0.500001, 0, 0, 0, 0, "", 0, 0},
      {"sqrt", 0.5, 0, 0, 0, 0, "", 0, 0},
      {"pow", 0.500001, 0, 0, 0, 0, "", 0, 0},
      {"cdf", 0.500001, 0, 0, 0, 0, "", 0, 0},
      {"pdf", 0.500001, 0, 0, 0, 0, "", 0, 0},
      {"bs.call", 0.500001, 0, 1e-9, 0, 0, "", 0, 0},
      {"bs.put", 0.500001, 0, 1e-9, 0, 0, "", 0, 0},
      {"bs.call_delta", 0.500001, 0, 0, 0, 0, "", 0, 0},
      {"bs.put_delta", 0.500001, 0, 0, 0, 0, "", 0, 0},
      {"bs.gamma", 0.500001, 1e-12, 1e-9, 0, 0, "", 0, 0},
      {"bs.vega", 0.500001, 1e-12, 1e-9, 0, 0, "", 0, 0},
      {"bs.call_theta", 0.500001, 1e-12, 1e-9, 0, 0, "", 0, 0},
      {"bs.put_theta", 0.500001, 1e-12, 1e-9, 0, 0, "", 0, 0},
  };
  char line[1024], where[160];
  long lineno = 0, bad = 0, status_fail = 0;
  int i;
  FILE *f;
  if (argc != 2) {
    fprintf(stderr, "usage: %s VECTORS\n", argv[0]);
    return 2;
  }
  f = fopen(argv[1], "r");
  if (!f) {
    perror(argv[1]);
    return 2;
  }
  while (fgets(line, sizeof line, f)) {
    char *tok[16] = {NULL};
    int nt = 0, rc = 0, si = -1;
    char *save = NULL, *p;
    int64_t got = 0;
    expect e;
    lineno++;
    if (line[0] == '#' || line[0] == '\n')
      continue;
    for (p = strtok_r(line, " \n", &save); p && nt < 16; p = strtok_r(NULL, " \n", &save))
      tok[nt++] = p;
    if (nt == 0)
      continue;
    if (strcmp(tok[0], "bs") == 0) {
      dvm_fx_bs_in in;
      dvm_fx_bs_out o;
      int64_t vals[8];
      double unit;
      if (nt != 14) {
        bad++;
        continue;
      }
      in.spot = strtoll(tok[1], NULL, 10);
      in.strike = strtoll(tok[2], NULL, 10);
      in.time = strtoll(tok[3], NULL, 10);
      in.vol = strtoll(tok[4], NULL, 10);
      in.rate = strtoll(tok[5], NULL, 10);
      /* the scale of the non-rounding error (spec/fxmath.md §6):
       * M max(1, e^(-rT)) (1 + sigma sqrt T), M = max(S, K) */
      {
        double M = (double)(in.spot > in.strike ? in.spot : in.strike) / 1e9;
        double rt = (double)in.rate / 1e9 * ((double)in.time / 1e9);
        double v = (double)in.vol / 1e9 * sqrt((double)in.time / 1e9);
        unit = M * (rt < 0 ? exp(-rt) : 1.0) * (1.0 + v);
      }
      snprintf(where, sizeof where, "line %ld bs S=%s K=%s T=%s v=%s r=%s", lineno, tok[1],
               tok[2], tok[3], tok[4], tok[5]);
      rc = dvm_fx_black_scholes(&in, &o);
      {
        /* some output out of int64 range: the call must fail with ERANGE */
        int any_range = 0;
        for (i = 0; i < 8; i++)
          any_range |= strcmp(tok[6 + i], "R") == 0;
        if (any_range) {
          if (rc != DVM_FX_ERANGE) {
            fprintf(stderr, "FAIL %s: expected DVM_FX_ERANGE, got %d\n", where, rc);
            status_fail++;
          }
          continue;
        }
      }
      if (rc != DVM_FX_OK) {
        fprintf(stderr, "FAIL %s: status %d\n", where, rc);
        status_fail++;
        continue;
      }
      vals[0] = o.call, vals[1] = o.put, vals[2] = o.call_delta, vals[3] = o.put_delta;
      vals[4] = o.gamma, vals[5] = o.vega, vals[6] = o.call_theta, vals[7] = o.put_theta;
      for (i = 0; i < 8; i++) {
        if (parse_expect(tok[6 + i], &e) != 0 || e.range) {
          bad++;
          continue;
        }
        record(&st[S_CALL + i], err_of(vals[i], &e), (double)e.ip, unit, where);
      }
      continue;
    }
    if (strcmp(tok[0], "pow") == 0) {
      if (nt != 4 || parse_expect(tok[3], &e) != 0) {
        bad++;
        continue;
      }
      si = S_POW;
      rc = dvm_fx_pow(strtoll(tok[1], NULL, 10), strtoll(tok[2], NULL, 10), &got);
      snprintf(where, sizeof where, "line %ld pow(%s, %s)", lineno, tok[1], tok[2]);
    } else {
      int64_t x;
      if (nt != 3 || parse_expect(tok[2], &e) != 0) {
        bad++;
        continue;
      }
      x = strtoll(tok[1], NULL, 10);
      snprintf(where, sizeof where, "line %ld %s(%s)", lineno, tok[0], tok[1]);
      if (strcmp(tok[0], "exp") == 0)
        si = S_EXP, rc = dvm_fx_exp(x, &got);
      else if (strcmp(tok[0], "ln") == 0)
        si = S_LN, rc = dvm_fx_ln(x, &got);
      else if (strcmp(tok[0], "sqrt") == 0)
        si = S_SQRT, rc = dvm_fx_sqrt(x, &got);
      else if (strcmp(tok[0], "cdf") == 0)
        si = S_CDF, rc = dvm_fx_cdf(x, &got);
      else if (strcmp(tok[0], "pdf") == 0)
        si = S_PDF, rc = dvm_fx_pdf(x, &got);
      else {
        bad++;
        continue;
      }
    }
    if (e.range) {
      if (rc != DVM_FX_ERANGE) {
        fprintf(stderr, "FAIL %s: expected DVM_FX_ERANGE, got status %d value %" PRId64 "\n",
                where, rc, got);
        status_fail++;
      }
      continue;
    }
    if (rc != DVM_FX_OK) {
      fprintf(stderr, "FAIL %s: status %d (%s)\n", where, rc, dvm_fx_strerror(rc));
      status_fail++;
      continue;
    }
    record(&st[si], err_of(got, &e), (double)e.ip, 0, where);
  }
  fclose(f);
  {
    long total = 0, fails = 0;
    printf("%-14s %8s %12s %12s  %s\n", "function", "cases", "max |err|", "err/bound",
           "worst case");
    for (i = 0; i < S_N; i++) {
      printf("%-14s %8ld %9.6f ulp %10.6f  %s\n", st[i].name, st[i].n, st[i].max_err,
             st[i].max_excess, st[i].worst);
      total += st[i].n;
      fails += st[i].fails;
    }
    printf("%ld comparisons, %ld over bound, %ld status failures, %ld malformed lines\n", total,
           fails, status_fail, bad);
    if (total < 1000)
      return 1;
    return fails || status_fail || bad ? 1 : 0;
  }
}
