/* bench_gas.c — is gas honest? For every instruction class and syscall,
 * the worst case we could construct (bench/gas/gasbench.c: slowest inputs,
 * largest lengths, cold keys of a deep store, tombstones, shadowed
 * entries, large values deleted or shrunk, calls of a tiny callee) spends
 * a fixed gas budget through signed transactions in a block, timed from
 * production to the end of its commit (LMDB fsync included). Prints
 * nanoseconds per gas (block time / block gas used) and the ratio to the
 * plain ALU loop; medians of RUNS blocks. Target: every ratio <= 3
 * (spec/gas.md "Measured cost").
 * Usage: bench_gas [--quick] [--runs N] [--deep N] [--dvm FILE]
 *   --quick: tiny sizes, 1 run: checks it runs (ctest bench_gas_quick),
 *   never its timings. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chainkit.h"

#ifndef GASBENCH_DVM
#define GASBENCH_DVM "gasbench.dvm"
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static dvm_rt_chain *chain;
static ck_key keys[4];
static uint64_t nonce[4], height_time = 1700000001;
static uint8_t bench_addr[32], callee_addr[32];

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* One block of `ntx` calls of `method` (a + i·step, b) with `gas` each,
 * from key 2; returns its wall time, *gas_used the block's gas. Aborts
 * unless every call succeeded. */
static double block(const char *method, uint64_t a, uint64_t step, uint64_t b, uint64_t gas, int ntx,
                    uint64_t *gas_used) {
  ck_tx t[64];
  uint8_t in[64][48];
  uint32_t ilen = strcmp(method, "calls") ? 16 : 48;
  for (int i = 0; i < ntx; i++) {
    put64(in[i], a + step * (uint64_t)i);
    put64(in[i] + 8, b);
    memcpy(in[i] + 16, callee_addr, 32);
    ck_call c = {bench_addr, method, in[i], ilen, gas, 0, 0};
    ck_calls(&t[i], &keys[2], nonce[2]++, &c, 1, gas + 100000);
  }
  dvm_rt_block_info info;
  int rej[64];
  double t0 = now();
  if (ck_block(chain, t, (size_t)ntx, height_time++, rej, &info) || info.included != (uint32_t)ntx) {
    fprintf(stderr, "bench_gas: %s: %s (%u included)\n", method, dvm_rt_chain_errmsg(chain), info.included);
    exit(1);
  }
  double dt = now() - t0;
  for (int i = 0; i < ntx; i++) {
    dvm_rt_receipt r;
    uint8_t *raw;
    ck_receipt(chain, t[i].id, &r, &raw);
    if (r.status != 0) {
      fprintf(stderr, "bench_gas: %s: call failed (status %d)\n", method, (int)r.status);
      exit(1);
    }
    free(raw);
    free(t[i].bytes);
  }
  *gas_used = info.gas_used;
  return dt;
}

typedef struct row {
  const char *name, *method, *what;
  uint64_t a, b;      /* arguments; a advances by a_step per transaction */
  uint64_t a_step;
  uint64_t gas;       /* per transaction */
  int ntx;            /* transactions per block */
} row;

static double alu_ns;

static void run_row(const row *r, int runs) {
  double ns[32];
  uint64_t g = 0;
  for (int i = 0; i < runs; i++) {
    double dt = block(r->method, r->a + r->a_step * (uint64_t)(i * r->ntx), r->a_step, r->b, r->gas,
                      r->ntx, &g);
    ns[i] = dt * 1e9 / (double)g;
  }
  qsort(ns, (size_t)runs, sizeof *ns, cmp_d);
  double m = ns[runs / 2];
  if (!alu_ns) alu_ns = m;
  printf("| %s | %s | %" PRIu64 " | %.2f | %.2f |\n", r->name, r->what, g, m, m / alu_ns);
  fflush(stdout);
}

/* Setup (untimed): fill tag||i, i in [from, from+count), vlen-byte values. */
static void fill(uint8_t tag, uint64_t from, uint64_t count, uint64_t vlen) {
  uint64_t per = vlen > 1024 ? 200 : 40000, g;
  for (uint64_t i = 0; i < count; i += per) {
    uint64_t n = count - i < per ? count - i : per;
    uint64_t cost = n * (10000 + 8 * (vlen + 5)) + 400000;
    block("fill", (uint64_t)tag << 56 | (from + i), 0, n | vlen << 32, cost, 1, &g);
  }
}

int main(int argc, char **argv) {
  int quick = 0, runs = 5;
  uint64_t deep = 1000000;
  const char *dvm = GASBENCH_DVM;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--deep") && i + 1 < argc) deep = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--dvm") && i + 1 < argc) dvm = argv[++i];
  }
  if (quick) {
    runs = 1;
    deep = 2000;
  }
  if (runs < 1 || runs > 31) runs = 5;
  char dir[64], e[256];
  snprintf(dir, sizeof dir, "/tmp/dvm-bench-gas-XXXXXX");
  if (!mkdtemp(dir)) abort();
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&keys[i], i);
  dvm_rt_chain_opts o = {0, 1, 0}; /* one thread: a one-core validator */
  if (dvm_rt_chain_open(dir, &o, &chain, e)) {
    fprintf(stderr, "%s\n", e);
    return 1;
  }
  char *gj = ck_genesis(keys, 4);
  if (dvm_rt_chain_genesis(chain, gj, strlen(gj))) abort();
  free(gj);
  FILE *f = fopen(dvm, "rb");
  if (!f) {
    fprintf(stderr, "bench_gas: cannot open %s\n", dvm);
    return 1;
  }
  static uint8_t code[1 << 20];
  size_t clen = fread(code, 1, sizeof code, f);
  fclose(f);
  ck_tx dep[2];
  for (int i = 0; i < 2; i++) ck_deploy(&dep[i], &keys[1], nonce[1]++, code, clen, 100000, 100000000);
  dvm_rt_block_info info;
  ck_block(chain, dep, 2, height_time++, NULL, &info);
  free(dep[0].bytes);
  free(dep[1].bytes);
  dvm_tx_contract_address(keys[1].pk, 0, bench_addr);
  dvm_tx_contract_address(keys[1].pk, 1, callee_addr);

  uint64_t G = quick ? 2000000 : 10000000; /* gas per transaction */
  uint64_t K = quick ? 50 : 500;           /* tombstones / shadowed entries per call */
  uint64_t big = quick ? 4 : 75;           /* 64 KiB values per delete/shrink transaction */
  int bigtx = quick ? 1 : 4;                /* such transactions per block */
  double t0 = now();
  fill('d', 0, deep, 8);
  fill('s', 0, K * (uint64_t)runs * 4, 0);
  fill('B', 0, big * (uint64_t)(runs * bigtx), 65536);
  fill('C', 0, big * (uint64_t)(runs * bigtx), 65536);
  fprintf(stderr, "setup: %" PRIu64 " deep keys, %.1f s\n", deep, now() - t0);

  const row rows[] = {
      {"ALU loop (baseline)", "alu", "add/xor/shift/mul, branch", 1, 0, 0, G, 4},
      {"memory", "mem", "heap loads+stores", 1, 0, 0, G, 4},
      {"division", "divs", "64-bit div/mod, signed div", 1, 0, 0, G, 4},
      {"cheap syscall", "cheap", "dvm_block_height x100 per loop", 1, 0, 0, G, 4},
      {"storage_get cold", "sget", "random keys of the deep store", 7, deep, 1, G, 4},
      {"storage_set new", "snew", "random new 5-byte keys, empty values", 7, 0, 1000003, G, 4},
      {"storage_set new, deep", "sdeep", "random new keys between those of the deep store", 11, deep, 1, G, 4},
      {"storage_set overwrite", "sover", "random keys of the deep store", 9, deep, 1, G, 4},
      {"storage_del", "sdeld", "random keys of the deep store", 13, deep, 1, G, 4},
      {"storage_set shrink 64K", "sshrink", "64 KiB -> 1 byte", (uint64_t)'C' << 56, big, big, G, bigtx},
      {"storage_del 64K", "sdel", "64 KiB values", (uint64_t)'B' << 56, big, big, G, bigtx},
      {"storage_next tombstones", "ntomb", "K overlay tombstones ahead", 1, K, 0x100000, G, 4},
      {"storage_next shadowed", "nshadow", "K committed keys deleted ahead", (uint64_t)'s' << 56, K, K, G, 4},
      {"hash_blake2b 1 MiB", "hash", "1 MiB input", 1, 0, 0, G, 4},
      {"hash_blake2b empty", "hash0", "0 bytes", 1, 0, 0, G, 4},
      {"ed25519_verify 64 KiB", "ed", "64 KiB message", 1, 0, 0, G, 2},
      {"log 4 topics 4 KiB", "logs", "max topics and data, 100 per call", 1, 0, 0, 1000000, 40},
      {"fx_black_scholes", "bs", "", 1, 0, 0, G, 4},
      {"call tiny callee", "calls", "dvm_call of a method that returns", 1, 0, 0, G, 4},
  };
  printf("| row | worst case | gas (last block) | ns/gas (median of %d) | x ALU |\n|---|---|---|---|---|\n",
         runs);
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) run_row(&rows[i], runs);
  printf("\ndeep store: %" PRIu64 " keys; K = %" PRIu64 "; %" PRIu64 " gas per transaction; "
         "block time includes the commit (fsync); one lattice thread.\n", deep, K, G);
  dvm_rt_chain_close(chain);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
  return 0;
}
