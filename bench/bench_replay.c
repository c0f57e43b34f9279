/* bench_replay.c — `dvm replay` against live execution: the same blocks
 * produced by dvm_rt_chain_produce (live: signatures verified, executed,
 * committed with LMDB's fsync) and then replayed by dvm_rt_replay (every
 * block re-executed into a fresh state with signatures verified, every
 * receipt and the block record compared, then the final state compared
 * entry by entry). Workloads of bench_chain.c. Transactions are signed
 * before the clock starts. Medians of RUNS runs.
 * Usage: bench_replay CONTRACTS_DIR [--runs N] [--txs N] [--blocks N] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chainload.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU time of the process, every thread (less sensitive to other load on a
 * shared machine than the wall clock). */
static double cpu(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One run: live tx/s into *live, replay tx/s into *rep (wall clock), and
 * the same per CPU second into *lcpu, *rcpu. */
static void run(const char *cdir, workload wl, int txs, int blocks, double *live, double *rep, double *lcpu,
                double *rcpu) {
  char dir[64], e[256];
  ck_key k[4];
  dvm_rt_chain *c;
  uint8_t vault[32];
  c = chainload_open(cdir, NULL, dir, k, vault);
  dvm_rt_block_info info;
  int total = txs * blocks;
  ck_tx *t = chainload_txs(wl, total, k, vault);
  double t0 = now(), c0 = cpu();
  for (int b = 0; b < blocks; b++) {
    int rej[4096];
    if (ck_block(c, t + b * txs, (size_t)txs, 1700000002 + (uint64_t)b, rej, &info) || info.included != (uint32_t)txs) {
      fprintf(stderr, "bench: block %d: %s (%u included)\n", b, dvm_rt_chain_errmsg(c), info.included);
      exit(1);
    }
  }
  *live = total / (now() - t0);
  *lcpu = total / (cpu() - c0);
  for (int i = 0; i < total; i++) free(t[i].bytes);
  free(t);
  dvm_rt_chain_close(c);

  dvm_rt_replay *r;
  dvm_rt_replay_step_info si;
  dvm_rt_divergence div;
  t0 = now();
  c0 = cpu();
  if (dvm_rt_replay_open(dir, NULL, &r, e)) {
    fprintf(stderr, "replay: %s\n", e);
    exit(1);
  }
  int rc;
  double t1 = now(), t2 = t1;
  while ((rc = dvm_rt_replay_step(r, &si, &div)) == DVM_RT_REPLAY_MATCH) t2 = now();
  if (getenv("BENCH_REPLAY_PHASES"))
    fprintf(stderr, "open %.3f s, blocks 0..%d %.3f s, last block + state %.3f s\n", t1 - t0, blocks, t2 - t1, now() - t2);
  if (rc != DVM_RT_REPLAY_DONE || !si.state_compared) {
    fprintf(stderr, "replay: %d at block %" PRIu64 ": %s %s\n", rc, div.height, div.what, dvm_rt_replay_errmsg(r));
    exit(1);
  }
  dvm_rt_replay_close(r);
  *rep = total / (now() - t0); /* open, the deploy block, the state comparison: all against replay */
  *rcpu = total / (cpu() - c0);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
}

int main(int argc, char **argv) {
  const char *cdir = argc > 1 ? argv[1] : "tests/runtime/contracts";
  int runs = 3, txs = 2000, blocks = 4;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--runs")) runs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--txs")) txs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--blocks")) blocks = atoi(argv[i + 1]);
  }
  if (txs > 4096) txs = 4096;
  if (runs > 32) runs = 32;
  const char *names[3] = {"call + store (vault.inc)", "batch of 16 call + store", "transfer"};
  printf("| workload | live tx/s | replay tx/s | replay / live (wall) | replay / live (CPU time) |\n"
         "|---|---|---|---|---|\n");
  for (int wl = 0; wl < 3; wl++) {
    double l[32], rp[32], ratio[32], cratio[32], lc, rc;
    for (int i = 0; i < runs; i++) {
      run(cdir, (workload)wl, txs, blocks, &l[i], &rp[i], &lc, &rc);
      ratio[i] = rp[i] / l[i];
      cratio[i] = rc / lc;
    }
    qsort(l, (size_t)runs, sizeof *l, cmp_d);
    qsort(rp, (size_t)runs, sizeof *rp, cmp_d);
    qsort(ratio, (size_t)runs, sizeof *ratio, cmp_d);
    qsort(cratio, (size_t)runs, sizeof *cratio, cmp_d);
    printf("| %s | %.0f | %.0f | %.2f | %.2f |\n", names[wl], l[runs / 2], rp[runs / 2], ratio[runs / 2],
           cratio[runs / 2]);
    fflush(stdout);
  }
  printf("\n%d blocks of %d transactions, signatures verified in both, medians of %d runs.\n", blocks, txs, runs);
  return 0;
}
