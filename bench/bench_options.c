/* bench_options.c — the options contract and the pricing pool on a real
 * chain: gas and microseconds per write, pool buy (Black-Scholes quote,
 * write with collateral and transfer through cross-contract calls), settle
 * and redeem. Each measured block holds N operations batched 16 calls per
 * transaction (signatures not verified: execution only); the time is that
 * of producing and committing the block, divided by N. Medians of RUNS.
 * VM instruction counts are not exposed by libdvm's receipts; the gas of a
 * call is its instructions plus the syscall gas (spec/syscalls.md §3).
 * Usage: bench_options OPTIONS.dvm OPTION_POOL.dvm [N] [RUNS] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "optkit.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

enum { B_WRITE, B_BUY, B_SETTLE, B_REDEEM, B_N };
static const char *names[B_N] = {"write", "pool buy", "settle", "redeem"};

/* Queue n calls (built by fill) as transactions of 16, from key. */
typedef void (*fill_fn)(ok_call *c, ok_pack *p, int i, void *ctx);

static void queue(ok_chain *o, int key, int n, fill_fn fill, void *ctx, ok_pack *packs) {
  for (int i = 0; i < n; i += 16) {
    ok_call calls[16];
    int m = n - i < 16 ? n - i : 16;
    for (int j = 0; j < m; j++) {
      memset(&calls[j], 0, sizeof calls[j]);
      packs[i + j].n = 0;
      fill(&calls[j], &packs[i + j], i + j, ctx);
    }
    ok_calls(o, key, calls, (size_t)m);
  }
}

typedef struct ctx {
  uint8_t *opt, *pool;
  uint64_t first; /* first series id */
} ctx;

static void f_create(ok_call *c, ok_pack *p, int i, void *x) {
  ctx *k = x;
  pk_u32(p, 1);
  pk_u32(p, OK_BTC);
  pk_u32(p, OK_USD);
  pk_u64(p, 30000000000000ull + (uint64_t)i * 1000000000ull);
  pk_u64(p, OK_T0 + 86400);
  pk_u8(p, 0);
  *c = (ok_call){k->opt, "create_series", p->b, p->n, {0, 0}, {0, 0}, 0};
}
static void f_write(ok_call *c, ok_pack *p, int i, void *x) {
  ctx *k = x;
  pk_u64(p, k->first + (uint64_t)i);
  pk_u64(p, 100000000);
  *c = (ok_call){k->opt, "write", p->b, p->n, {OK_BTC, 0}, {100000000, 0}, 0};
}
static void f_buy(ok_call *c, ok_pack *p, int i, void *x) {
  ctx *k = x;
  pk_u64(p, k->first + (uint64_t)i);
  pk_u64(p, 1000000);
  pk_u64(p, 1000000000000ull);
  *c = (ok_call){k->pool, "buy", p->b, p->n, {OK_USD, 0}, {100000000000ull, 0}, 0};
}
static void f_id(ok_call *c, ok_pack *p, int i, void *x) {
  ctx *k = x;
  pk_u64(p, k->first + (uint64_t)i);
  *c = (ok_call){k->opt, "settle", p->b, p->n, {0, 0}, {0, 0}, 0};
}
static void f_redeem(ok_call *c, ok_pack *p, int i, void *x) {
  f_id(c, p, i, x);
  c->method = "redeem";
}

/* Produce the queued block; returns its seconds and adds the mean call gas. */
static double timed_block(ok_chain *o, uint64_t t, double *gas) {
  size_t n = o->npend;
  uint8_t(*ids)[32] = malloc(32 * (n ? n : 1));
  double t0 = now();
  ok_block(o, t, ids);
  double dt = now() - t0;
  uint64_t g = 0, calls = 0;
  for (size_t i = 0; i < n; i++) {
    ok_receipt r;
    ok_receipt_get(o, ids[i], &r);
    for (unsigned j = 0; j < r.r.ncalls; j++) {
      if (r.r.calls[j].status != DVM_RT_CALL_OK) {
        fprintf(stderr, "bench call failed: status %u\n", r.r.calls[j].status);
        exit(1);
      }
      g += r.r.calls[j].gas_used;
      calls++;
    }
    ok_receipt_free(&r);
  }
  free(ids);
  *gas = calls ? (double)g / (double)calls : 0;
  return dt;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_options OPTIONS.dvm OPTION_POOL.dvm [N] [RUNS]\n");
    return 2;
  }
  int n = argc > 3 ? atoi(argv[3]) : 256, runs = argc > 4 ? atoi(argv[4]) : 5;
  double us[B_N][64], gas[B_N] = {0};
  ok_pack *packs = calloc((size_t)n, sizeof *packs);
  if (runs > 64) runs = 64;
  for (int r = 0; r < runs; r++) {
    ok_chain o;
    uint8_t opt[32], pool[32];
    ok_open(&o);
    ok_deploy(&o, 1, argv[1], NULL, 0, opt);
    ok_pack ip = {{0}, 0};
    pk_addr(&ip, opt);
    pk_u32(&ip, 1);
    pk_u32(&ip, OK_BTC);
    pk_u32(&ip, OK_USD);
    pk_u64(&ip, 20000000);
    pk_u64(&ip, 50000000);
    ok_deploy(&o, 1, argv[2], ip.b, ip.n, pool);
    ctx k = {opt, pool, 1};
    int64_t iv = 800000000;
    uint8_t ivk[34] = {'i', 'v'};
    memcpy(ivk + 2, pool, 32);
    ok_param(&o, 0, ivk, 34, &iv, 8);
    ok_oracle(&o, 1, 30000000000000, o.time + 1);
    ok_call dep = {pool, "deposit", NULL, 0, {OK_USD, OK_BTC}, {100000000000000ull, 100000000000ull}, 0};
    ok_calls(&o, 2, &dep, 1);
    queue(&o, 1, n, f_create, &k, packs);
    ok_block(&o, o.time + 1, NULL);
    double g;
    queue(&o, 1, n, f_write, &k, packs);
    us[B_WRITE][r] = timed_block(&o, o.time + 1, &g) * 1e6 / n;
    gas[B_WRITE] = g;
    queue(&o, 3, n, f_buy, &k, packs);
    us[B_BUY][r] = timed_block(&o, o.time + 1, &g) * 1e6 / n;
    gas[B_BUY] = g;
    ok_oracle(&o, 1, 31000000000000, OK_T0 + 86400);
    ok_block(&o, OK_T0 + 86400 + 1, NULL);
    queue(&o, 4, n, f_id, &k, packs);
    us[B_SETTLE][r] = timed_block(&o, o.time + 1, &g) * 1e6 / n;
    gas[B_SETTLE] = g;
    queue(&o, 1, n, f_redeem, &k, packs);
    us[B_REDEEM][r] = timed_block(&o, o.time + 1, &g) * 1e6 / n;
    gas[B_REDEEM] = g;
    ok_close(&o);
  }
  printf("options bench: %d operations per block, 16 calls per transaction, median of %d runs\n", n, runs);
  printf("%-10s %12s %12s\n", "operation", "gas/call", "us/op");
  for (int b = 0; b < B_N; b++) {
    qsort(us[b], (size_t)runs, sizeof us[b][0], cmp_d);
    printf("%-10s %12.0f %12.1f\n", names[b], gas[b], us[b][runs / 2]);
  }
  free(packs);
  return 0;
}
