/* bench_gas.c — is gas honest? For every instruction class, syscall and
 * transaction kind, the worst case we could construct (bench/gas/: slowest
 * inputs, largest lengths, cold keys of a deep store and of a deep accounts
 * table, tombstones, shadowed entries, large values deleted or shrunk, calls
 * of tiny callees, deep recursion, 64 KiB returns into receipts, maximal
 * containers deployed, maximal batches) spends a fixed gas budget through
 * signed transactions in a block, timed from production to the end of its
 * commit (LMDB fsync included). Prints nanoseconds per gas (block time /
 * block gas used) and the ratio to the plain ALU loop; medians of RUNS
 * blocks. Target: every ratio <= 3 (spec/gas.md "Measured cost").
 * Signatures are not checked (skip_signatures): their verification is
 * outside gas (spec/gas.md); everything else a block does is timed.
 * Usage: bench_gas [--quick] [--runs N] [--deep N] [--only SUBSTRING] [--dvm FILE]
 *   --quick: tiny sizes, 1 run: checks it runs (ctest bench_gas_quick),
 *   never its timings. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_gas_tx.h"

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

/* Produce one block of the n transactions t (freed here); returns its wall
 * time, *gas_used the block's gas. Aborts unless every transaction was
 * included and every call in it returned ok (or reverted, when
 * `revert_ok`). */
static double run_block(ck_tx *t, size_t n, int revert_ok, uint64_t *gas_used) {
  dvm_rt_block_info info;
  int *rej = calloc(n, sizeof *rej);
  if (!rej) abort();
  double t0 = now();
  if (ck_block(chain, t, n, height_time++, rej, &info) || info.included != (uint32_t)n) {
    fprintf(stderr, "bench_gas: block: %s (%u of %zu included)\n", dvm_rt_chain_errmsg(chain), info.included, n);
    exit(1);
  }
  double dt = now() - t0;
  for (size_t i = 0; i < n; i++) {
    dvm_rt_receipt r;
    uint8_t *raw;
    ck_receipt(chain, t[i].id, &r, &raw);
    if (r.status != 0 && !(revert_ok && r.status == 1)) {
      fprintf(stderr, "bench_gas: transaction %zu failed (status %d)\n", i, (int)r.status);
      exit(1);
    }
    free(raw);
    free(t[i].bytes);
  }
  free(rej);
  *gas_used = info.gas_used;
  return dt;
}

/* What a row's block holds. */
enum { K_CALL, K_TRANSFER_TX, K_TRANSFER_MANY, K_DEPLOY, K_ORACLE_TX };

typedef struct row {
  const char *name, *method, *what;
  uint64_t a, b;   /* arguments; a advances by a_step per call */
  uint64_t a_step;
  uint64_t gas;    /* per call */
  int ntx;         /* transactions per block */
  int batch;       /* calls per transaction (0: 1) */
  uint64_t amount; /* asset 1 attached to each call */
  int kind;
  int revert_ok;
} row;

static uint64_t deploy_seq;
static ck_key *senders; /* K_TRANSFER_MANY: one funded sender per transaction */
static uint64_t *sender_nonce;
static int nsenders;

static uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 29;
  return x;
}

/* The transactions of one block of row r, starting at argument a. */
static size_t make_block(const row *r, uint64_t a, ck_tx **out) {
  int per = r->batch ? r->batch : 1;
  ck_tx *t = calloc((size_t)r->ntx, sizeof *t);
  if (!t) abort();
  for (int i = 0; i < r->ntx; i++) {
    if (r->kind == K_TRANSFER_TX || r->kind == K_TRANSFER_MANY) {
      uint8_t to[32] = {'T'}; /* a fresh random address, or (b) a random deep account 'A' || k */
      bg_put64(to + 1, mix64(a + (uint64_t)i));
      bg_put64(to + 9, mix64(~(a + (uint64_t)i)));
      if (r->b) {
        memset(to, 0, 32);
        to[0] = 'A';
        bg_put64(to + 1, mix64(a + (uint64_t)i) % r->b);
      }
      if (r->kind == K_TRANSFER_TX) ck_transfer(&t[i], &keys[3], nonce[3]++, to, 1, 1, 100000);
      else ck_transfer(&t[i], &senders[i], sender_nonce[i]++, to, 1, 1, 100000);
    } else if (r->kind == K_DEPLOY) {
      size_t clen;
      uint8_t *c = bg_max_container(deploy_seq++, &clen);
      ck_deploy(&t[i], &keys[1], nonce[1]++, c, clen, 0, 100000000);
      free(c);
    } else if (r->kind == K_ORACLE_TX) {
      bg_oracle_tx(&t[i], &keys[0], nonce[0]++, a + (uint64_t)i, 256, 10000000);
    } else {
      static uint8_t in[256][48];
      ck_call c[256];
      for (int j = 0; j < per; j++) {
        bg_put64(in[j], a + r->a_step * (uint64_t)(i * per + j));
        bg_put64(in[j] + 8, r->b);
        memcpy(in[j] + 16, callee_addr, 32);
        ck_call cj = {bench_addr, r->method, in[j], 48, r->gas, r->amount ? 1 : 0, r->amount};
        c[j] = cj;
      }
      ck_calls(&t[i], &keys[2], nonce[2]++, c, (size_t)per, (r->gas + 10000) * (uint64_t)per + 1000000);
    }
  }
  *out = t;
  return (size_t)r->ntx;
}

static double alu_ns;

static void run_row(const row *r, int runs) {
  double ns[32];
  uint64_t g = 0;
  int per = r->batch ? r->batch : 1;
  static uint64_t tx_seq = 1, oracle_time = 1u << 30;
  for (int i = 0; i < runs; i++) {
    ck_tx *t;
    uint64_t a = r->kind == K_TRANSFER_TX || r->kind == K_TRANSFER_MANY ? (tx_seq += (uint64_t)r->ntx)
                 : r->kind == K_ORACLE_TX ? (oracle_time += (uint64_t)r->ntx)
                                          : r->a + r->a_step * (uint64_t)(i * r->ntx * per);
    size_t n = make_block(r, a, &t);
    double dt = run_block(t, n, r->revert_ok, &g);
    free(t);
    ns[i] = dt * 1e9 / (double)g;
  }
  qsort(ns, (size_t)runs, sizeof *ns, cmp_d);
  double m = ns[runs / 2];
  if (!alu_ns) alu_ns = m;
  printf("| %s | %s | %" PRIu64 " | %.2f | %.2f |\n", r->name, r->what, g, m, m / alu_ns);
  fflush(stdout);
}

/* Setup (untimed): a call of `method` (a, b) with `gas`, carrying `amount`
 * of asset 1. */
static void setup_call(const char *method, uint64_t a, uint64_t b, uint64_t gas, uint64_t amount) {
  row r = {"setup", method, "", a, b, 0, gas, 1, 0, amount, K_CALL, 0};
  ck_tx *t;
  uint64_t g;
  make_block(&r, a, &t);
  run_block(t, 1, 0, &g);
  free(t);
}

/* Setup: fill tag||i, i in [from, from+count), vlen-byte values. */
static void fill(uint8_t tag, uint64_t from, uint64_t count, uint64_t vlen) {
  uint64_t per = vlen > 1024 ? 200 : 40000;
  for (uint64_t i = 0; i < count; i += per) {
    uint64_t n = count - i < per ? count - i : per;
    setup_call("fill", (uint64_t)tag << 56 | (from + i), n | vlen << 32, n * (10000 + 8 * (vlen + 5)) + 400000, 0);
  }
}

/* Setup: accounts 'A' || i (a balance record each), i < count. */
static void accounts(uint64_t count) {
  uint64_t per = 20000;
  for (uint64_t i = 0; i < count; i += per) {
    uint64_t n = count - i < per ? count - i : per;
    setup_call("mkacct", i, n, n * 10000 + 400000, n);
  }
}

/* Setup: the price history of feeds 0 .. 255, one price a second for
 * `count` / 256 seconds from time 1, and `nparams` parameters 'P' || i BE
 * (64-byte keys, 1,024-byte values). */
static void history_and_params(uint64_t count, uint64_t nparams) {
  for (uint64_t s = 1; s <= count / 256; s += 64) {
    ck_tx t[64];
    size_t n = 0;
    for (uint64_t u = s; u <= count / 256 && n < 64; u++) bg_oracle_tx(&t[n++], &keys[0], nonce[0]++, u, 256, 10000000);
    uint64_t g;
    run_block(t, n, 0, &g);
  }
  for (uint64_t i = 0; i < nparams; i += 256) {
    ck_tx t;
    uint64_t g;
    bg_param_tx(&t, &keys[0], nonce[0]++, i, (unsigned)(nparams - i < 256 ? nparams - i : 256), 10000000);
    run_block(&t, 1, 0, &g);
  }
}

/* Setup: n senders (keys 4 ..), each given GAS and USD by key 3. */
static void make_senders(int n) {
  nsenders = n;
  senders = calloc((size_t)n, sizeof *senders);
  sender_nonce = calloc((size_t)n, sizeof *sender_nonce);
  ck_tx *t = calloc(2 * (size_t)n, sizeof *t);
  if (!senders || !sender_nonce || !t) abort();
  for (int i = 0; i < n; i++) {
    ck_key_make(&senders[i], 4 + (uint32_t)i);
    ck_transfer(&t[2 * i], &keys[3], nonce[3]++, senders[i].pk, 0, 10000000000ull, 100000);
    ck_transfer(&t[2 * i + 1], &keys[3], nonce[3]++, senders[i].pk, 1, 10000000000ull, 100000);
  }
  uint64_t g;
  run_block(t, 2 * (size_t)n, 0, &g);
  free(t);
}

int main(int argc, char **argv) {
  int quick = 0, runs = 5;
  uint64_t deep = 1000000;
  const char *dvm = GASBENCH_DVM, *only = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--quick")) quick = 1;
    else if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--deep") && i + 1 < argc) deep = strtoull(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
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
  dvm_rt_chain_opts o = {0, 1, 1}; /* one thread: a one-core validator; no signatures */
  if (dvm_rt_chain_open(dir, &o, &chain, e)) {
    fprintf(stderr, "%s\n", e);
    return 1;
  }
  char *gj = ck_genesis_gas(keys, 4, 10000000000ull, 1);
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
  uint64_t g;
  run_block(dep, 2, 0, &g);
  dvm_tx_contract_address(keys[1].pk, 0, bench_addr);
  dvm_tx_contract_address(keys[1].pk, 1, callee_addr);

  uint64_t G = quick ? 2000000 : 10000000; /* gas per call */
  uint64_t K = quick ? 50 : 500;           /* tombstones / shadowed entries per call */
  uint64_t big = quick ? 4 : 75;           /* 64 KiB values per delete/shrink call */
  int bigtx = quick ? 1 : 4;               /* such transactions per block */
  uint64_t hist = quick ? 1000 : 100000;   /* oracle history entries */
  uint64_t nparam = quick ? 300 : 4096;    /* parameters */
  int q = quick ? 8 : 1;                   /* divides the per-transaction rows */
  double t0 = now();
  fill('d', 0, deep, 8);
  fill('s', 0, K * (uint64_t)runs * 4, 0);
  fill('B', 0, big * (uint64_t)(runs * bigtx), 65536);
  fill('C', 0, big * (uint64_t)(runs * bigtx), 65536);
  accounts(deep);
  history_and_params(hist, nparam);
  make_senders(8192 / q);
  fprintf(stderr, "setup: %" PRIu64 " deep keys and accounts, %" PRIu64 " prices, %" PRIu64 " params, %.1f s\n",
          deep, hist, nparam, now() - t0);

  const row rows[] = {
      {"ALU loop (baseline)", "alu", "add/xor/shift/mul, branch", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"ALU32", "alu32", "32-bit add/xor/shift/mul/and/or", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"jumps", "jumps", "data-dependent conditional jumps", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"memory 64-bit", "mem", "heap loads+stores", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"memory 8/16/32-bit", "memw", "heap and stack, sign-extending loads", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"atomics", "atomics", "fetch-add/or/xor, xchg, cmpxchg, 32/64", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"byte swaps", "bswaps", "bswap16/32/64", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"lddw", "lddws", "64-bit immediates", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"division", "divs", "64-bit div/mod, signed div", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"local calls", "recurse", "recursion 60 deep, a stack write per frame", 1, 60, 0, G, 4, 0, 0, K_CALL, 0},
      {"cheap syscall", "cheap", "dvm_block_height x100 per loop", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"caller", "env", "dvm_caller x100", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"self", "env", "dvm_self x100", 1, 1, 0, G, 4, 0, 0, K_CALL, 0},
      {"value_received", "env", "dvm_value_received x100, 1 asset attached", 1, 2, 0, G, 4, 0, 5, K_CALL, 0},
      {"gas_left", "env", "dvm_gas_left x100", 1, 3, 0, G, 4, 0, 0, K_CALL, 0},
      {"asset_decimals", "env", "known and unknown ids", 1, 4, 0, G, 4, 0, 0, K_CALL, 0},
      {"balance absent", "env", "random absent addresses", 1, 5, 0, G, 4, 0, 0, K_CALL, 0},
      {"balance deep", "env", "random accounts of the deep table", deep, 6, 0, G, 4, 0, 0, K_CALL, 0},
      {"transfer new", "xfer", "1 unit to fresh random addresses", 3, 0, 1000003, G, 4, 0, 1000000000, K_CALL, 0},
      {"transfer deep", "xfer", "1 unit to random deep accounts", 5, deep, 1000003, G, 4, 0, 1000000000, K_CALL, 0},
      {"oracle_price_at", "pat", "random feeds and times of a deep history", 1, hist / 256, 1, G, 4, 0, 0, K_CALL, 0},
      {"param_get", "param", "random 64-byte keys, 1 KiB values", 1, nparam, 1, G, 4, 0, 0, K_CALL, 0},
      {"fx_mul_div", "fxs", "full 128-bit product, half-even", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"fx_exp", "fxs", "x = -20", 1, 1, 0, G, 4, 0, 0, K_CALL, 0},
      {"fx_ln", "fxs", "x = 1.414", 1, 2, 0, G, 4, 0, 0, K_CALL, 0},
      {"fx_sqrt", "fxs", "x near 2^63", 1, 3, 0, G, 4, 0, 0, K_CALL, 0},
      {"fx_pow", "fxs", "0.123^(-1/3)", 1, 4, 0, G, 4, 0, 0, K_CALL, 0},
      {"fx_cdf", "fxs", "x = 1", 1, 5, 0, G, 4, 0, 0, K_CALL, 0},
      {"fx_pdf", "fxs", "x = 6", 1, 6, 0, G, 4, 0, 0, K_CALL, 0},
      {"fx_black_scholes", "bs", "", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"storage_get cold", "sget", "random keys of the deep store", 7, deep, 1, G, 4, 0, 0, K_CALL, 0},
      {"storage_set new", "snew", "random new 5-byte keys, empty values", 7, 0, 1000003, G, 4, 0, 0, K_CALL, 0},
      {"storage_set new, deep", "sdeep", "random new keys between those of the deep store", 11, deep, 1, G, 4, 0, 0,
       K_CALL, 0},
      {"storage_set overwrite", "sover", "random keys of the deep store", 9, deep, 1, G, 4, 0, 0, K_CALL, 0},
      {"storage_del", "sdeld", "random keys of the deep store", 13, deep, 1, G, 4, 0, 0, K_CALL, 0},
      {"storage_set shrink 64K", "sshrink", "64 KiB -> 1 byte", (uint64_t)'C' << 56, big, big, G, bigtx, 0, 0, K_CALL,
       0},
      {"storage_del 64K", "sdel", "64 KiB values", (uint64_t)'B' << 56, big, big, G, bigtx, 0, 0, K_CALL, 0},
      {"storage_next tombstones", "ntomb", "K overlay tombstones ahead", 1, K, 0x100000, G, 4, 0, 0, K_CALL, 0},
      {"storage_next shadowed", "nshadow", "K committed keys deleted ahead", (uint64_t)'s' << 56, K, K, G, 4, 0, 0,
       K_CALL, 0},
      {"hash_blake2b 1 MiB", "hash", "1 MiB input", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"hash_blake2b empty", "hash0", "0 bytes", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"ed25519_verify 64 KiB", "ed", "64 KiB message", 1, 0, 0, G, 2, 0, 0, K_CALL, 0},
      {"log 4 topics 4 KiB", "logs", "max topics and data, 100 per call", 1, 0, 0, 1000000, 40, 0, 0, K_CALL, 0},
      {"heap_grow", "calls", "a callee grows its heap to 1 MiB", 1, 1, 0, G, 4, 0, 0, K_CALL, 0},
      {"call tiny callee", "calls", "dvm_call of a method that returns", 1, 0, 0, G, 4, 0, 0, K_CALL, 0},
      {"return_data", "rdata", "of a 64 KiB return, cap 32", 1, 32, 0, G, 4, 0, 0, K_CALL, 0},
      {"return 64 KiB", "ret64k", "256 calls per transaction, into the receipt", 1, 0, 0, 300000, 1, 256, 0, K_CALL,
       0},
      {"revert 64 KiB", "ret64k", "256 calls per transaction, into the receipt", 1, 1, 0, 300000, 1, 256, 0, K_CALL,
       1},
      {"call batch", "tiny", "256 calls of a tiny method per transaction", 1, 0, 0, 2000, 128 / q, 256, 0, K_CALL,
       0},
      {"transfer tx", "", "one sender, to fresh random addresses", 0, 0, 0, 0, 8192 / q, 0, 0, K_TRANSFER_TX, 0},
      {"transfer tx, many senders", "", "a sender per transaction, to fresh random addresses", 0, 0, 0, 0, 8192 / q, 0,
       0, K_TRANSFER_MANY, 0},
      {"transfer tx, many senders, deep", "", "a sender per transaction, to random deep accounts", 0, deep, 0, 0,
       8192 / q, 0, 0, K_TRANSFER_MANY, 0},
      {"oracle system tx", "", "256 new prices per transaction", 0, 0, 0, 0, 64 / q, 0, 0, K_ORACLE_TX, 0},
      {"deploy", "", "maximal containers (1 MiB: code, rodata, 256 exports)", 0, 0, 0, 0, 1, 0, 0, K_DEPLOY, 0},
  };
  printf("| row | worst case | gas (last block) | ns/gas (median of %d) | x ALU |\n|---|---|---|---|---|\n",
         runs);
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
    if (!i || !only || strstr(rows[i].name, only)) run_row(&rows[i], runs);
  printf("\ndeep store and accounts table: %" PRIu64 " keys each; K = %" PRIu64 "; %" PRIu64
         " gas per call; block time includes the commit (fsync); one lattice thread; signatures not checked.\n",
         deep, K, G);
  dvm_rt_chain_close(chain);
  free(senders);
  free(sender_nonce);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
  return 0;
}
