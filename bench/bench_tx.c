/* bench_tx — transaction throughput (spec/tx.md): Ed25519 signatures
 * verified per second by dvm_tx_verify_batch on 1 thread and on all online
 * cores, and dvm_tx_decode ns per transaction for a transfer and for a
 * 16-call batch. Each figure is the median of 7 runs. Not a test.
 * Usage: bench_tx [signatures per run (default 20000)]. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tx.h"

#define RUNS 7

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void) { /* CPU time of the whole process (all threads) */
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_d);
  return v[n / 2];
}

static dvm_tx base(const uint8_t pk[32], uint8_t kind, uint64_t nonce) {
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.version = DVM_TX_VERSION;
  tx.kind = kind;
  strcpy(tx.chain_id, "dvm-bench");
  tx.chain_id_len = 9;
  memcpy(tx.sender, pk, 32);
  tx.nonce = nonce;
  tx.gas_limit = 1000000;
  tx.gas_price = 1;
  return tx;
}

static uint8_t *transfer(const uint8_t pk[32], const uint8_t sk[64], uint64_t nonce, size_t *n) {
  dvm_tx tx = base(pk, DVM_TX_TRANSFER, nonce);
  memset(tx.u.transfer.to, 0x42, 32);
  tx.u.transfer.amount = 1000 + nonce;
  uint8_t *enc;
  if (dvm_tx_encode_signed(&tx, sk, &enc, n) != 0) abort();
  return enc;
}

/* A market maker's batch: 16 calls, 40-byte inputs, one asset each. */
static uint8_t *batch16(const uint8_t pk[32], const uint8_t sk[64], size_t *n) {
  dvm_tx tx = base(pk, DVM_TX_CALL, 1);
  dvm_tx_call calls[16];
  uint8_t input[40];
  memset(input, 0x17, sizeof input);
  memset(calls, 0, sizeof calls);
  for (int i = 0; i < 16; i++) {
    memset(calls[i].contract, 0x60 + i, 32);
    calls[i].method = i % 2 ? "cancel_order" : "place_order";
    calls[i].method_len = (uint8_t)strlen(calls[i].method);
    calls[i].input = input;
    calls[i].input_len = sizeof input;
    calls[i].gas_limit = 50000;
    calls[i].asset_count = 1;
    calls[i].assets[0].asset = 1;
    calls[i].assets[0].amount = 1000;
  }
  tx.u.call.count = 16;
  tx.u.call.calls = calls;
  uint8_t *enc;
  if (dvm_tx_encode_signed(&tx, sk, &enc, n) != 0) abort();
  return enc;
}

/* Median ns per decode, by wall clock (*wall) and by CPU time (returned:
 * the figure that holds on a shared machine). */
static double decode_ns(const uint8_t *enc, size_t n, long iters, double *wall) {
  double t[RUNS], c[RUNS];
  for (int r = 0; r < RUNS; r++) {
    double t0 = now_s(), c0 = cpu_s();
    for (long i = 0; i < iters; i++) {
      dvm_tx tx;
      if (dvm_tx_decode(enc, n, &tx, NULL, 0) != 0) abort();
      dvm_tx_free(&tx);
    }
    t[r] = (now_s() - t0) * 1e9 / (double)iters;
    c[r] = (cpu_s() - c0) * 1e9 / (double)iters;
  }
  *wall = median(t, RUNS);
  return median(c, RUNS);
}

int main(int argc, char **argv) {
  long nsig = argc > 1 ? atol(argv[1]) : 20000;
  if (nsig < 1) nsig = 1;
  if (sodium_init() < 0) return 1;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  enum { KEYS = 64 };
  uint8_t pk[KEYS][32], sk[KEYS][64];
  for (int k = 0; k < KEYS; k++) {
    uint8_t seed[32];
    memset(seed, k + 1, sizeof seed);
    crypto_sign_seed_keypair(pk[k], sk[k], seed);
  }
  uint8_t **encs = calloc((size_t)nsig, sizeof *encs);
  dvm_tx *txs = calloc((size_t)nsig, sizeof *txs);
  const dvm_tx **ptrs = calloc((size_t)nsig, sizeof *ptrs);
  uint8_t *ok = calloc((size_t)nsig, 1);
  if (!encs || !txs || !ptrs || !ok) return 1;
  for (long i = 0; i < nsig; i++) {
    size_t n;
    encs[i] = transfer(pk[i % KEYS], sk[i % KEYS], (uint64_t)i, &n);
    if (dvm_tx_decode(encs[i], n, &txs[i], NULL, 0) != 0) return 1;
    ptrs[i] = &txs[i];
  }
  printf("bench_tx: %ld signatures per run, median of %d runs, %ld online cores\n", nsig, RUNS,
         cores);
  unsigned threads[2] = {1, 0};
  for (int t = 0; t < 2; t++) {
    double rate[RUNS], cpu_rate[RUNS];
    for (int r = 0; r < RUNS; r++) {
      memset(ok, 0, (size_t)nsig);
      double t0 = now_s(), c0 = cpu_s();
      dvm_tx_verify_batch(ptrs, (size_t)nsig, threads[t], ok);
      rate[r] = (double)nsig / (now_s() - t0);
      cpu_rate[r] = (double)nsig / (cpu_s() - c0);
      for (long i = 0; i < nsig; i++)
        if (!ok[i]) return 1;
    }
    /* Wall-clock rate, and per CPU-second (what one core does when it is
     * not shared: compare the two to see how loaded the machine was). */
    printf("verify  %-14s %9.0f signatures/s  (%.0f per CPU-second)\n",
           t ? "all threads" : "1 thread", median(rate, RUNS), median(cpu_rate, RUNS));
  }
  size_t tn, bn;
  uint8_t *tenc = transfer(pk[0], sk[0], 1, &tn), *benc = batch16(pk[1], sk[1], &bn);
  double l[3];
  if (getloadavg(l, 3) == 3) printf("load average %.2f (%ld cores)\n", l[0], cores);
  double wall, cpu = decode_ns(tenc, tn, 200000, &wall);
  printf("decode  transfer       %9.0f ns/tx CPU (%.0f wall), %zu bytes\n", cpu, wall, tn);
  cpu = decode_ns(benc, bn, 50000, &wall);
  printf("decode  16-call batch  %9.0f ns/tx CPU (%.0f wall), %zu bytes\n", cpu, wall, bn);
  free(tenc);
  free(benc);
  for (long i = 0; i < nsig; i++) {
    dvm_tx_free(&txs[i]);
    free(encs[i]);
  }
  free(encs);
  free(txs);
  free(ptrs);
  free(ok);
  return 0;
}
