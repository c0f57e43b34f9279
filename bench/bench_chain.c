/* bench_chain.c — transactions per second through libdvm's block
 * production: a call that stores (vault.inc), a batch of 16 such calls in
 * one transaction, and a transfer, each with signature verification on
 * and off. Transactions are built and signed before the clock starts;
 * each run produces BLOCKS blocks of TXS transactions into a fresh chain
 * (LMDB with its fsync per commit). Medians of RUNS runs.
 * Usage: bench_chain CONTRACTS_DIR [--runs N] [--txs N] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chainload.h"

#define BLOCKS 4

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One timed run: returns transactions per second (and calls per second
 * in *cps). */
static double run(const char *cdir, workload wl, int verify, int txs, double *cps) {
  char dir[64];
  ck_key k[4];
  dvm_rt_chain *c;
  dvm_rt_chain_opts o = {0, 0, !verify};
  uint8_t vault[32];
  c = chainload_open(cdir, &o, dir, k, vault);
  dvm_rt_block_info info;
  int total = txs * BLOCKS;
  ck_tx *t = chainload_txs(wl, total, k, vault);
  double t0 = now();
  for (int b = 0; b < BLOCKS; b++) {
    int rej[4096];
    if (ck_block(c, t + b * txs, (size_t)txs, 1700000002 + (uint64_t)b, rej, &info) || info.included != (uint32_t)txs) {
      fprintf(stderr, "bench: block %d: %s (%u included)\n", b, dvm_rt_chain_errmsg(c), info.included);
      exit(1);
    }
  }
  double dt = now() - t0;
  for (int i = 0; i < total; i++) free(t[i].bytes);
  free(t);
  dvm_rt_chain_close(c);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
  *cps = total * (wl == W_BATCH ? 16.0 : 1.0) / dt;
  return total / dt;
}

int main(int argc, char **argv) {
  const char *cdir = argc > 1 ? argv[1] : "tests/runtime/contracts";
  int runs = 5, txs = 2000;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--runs")) runs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--txs")) txs = atoi(argv[i + 1]);
  }
  if (txs > 4096) txs = 4096;
  const char *names[3] = {"call + store (vault.inc)", "batch of 16 call + store", "transfer"};
  printf("| workload | signatures | tx/s (median of %d) | calls/s |\n|---|---|---|---|\n", runs);
  for (int wl = 0; wl < 3; wl++)
    for (int verify = 1; verify >= 0; verify--) {
      double tps[32], cps[32], c0;
      for (int r = 0; r < runs && r < 32; r++) {
        tps[r] = run(cdir, (workload)wl, verify, txs, &c0);
        cps[r] = c0;
      }
      qsort(tps, (size_t)runs, sizeof *tps, cmp_d);
      qsort(cps, (size_t)runs, sizeof *cps, cmp_d);
      printf("| %s | %s | %.0f | %.0f |\n", names[wl], verify ? "verified" : "skipped", tps[runs / 2],
             cps[runs / 2]);
      fflush(stdout);
    }
  printf("\n%d blocks of %d transactions per run, fresh chain each run, LMDB fsync per block.\n", BLOCKS, txs);
  return 0;
}
