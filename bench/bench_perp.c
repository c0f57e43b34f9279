/* bench_perp.c — the perp contract's cost per operation and its
 * end-to-end throughput (not a test: nothing here asserts a time).
 *
 * Part 1, per operation (VM instructions, gas, microseconds): perp.dvm runs
 * in the `dvm exec` sandbox (dvm_rt_sandbox: the runtime's own syscalls,
 * storage through its journaled overlay) with four syscalls replaced by the
 * bench — caller (to act as several traders), value_received (to attach
 * collateral), oracle_price and param_get (a fixed market) — charging the
 * gas of spec/syscalls.md. Measured: a resting limit order, a crossing
 * order with one fill, a cancel, a liquidation filled on the book.
 *
 * Part 2, end to end: orders per second through dvm_rt_chain_produce
 * (signature checks on all cores, execution, LMDB commit with fsync) in
 * signed batch transactions, mix 60 % resting limits, 30 % cancels, 10 %
 * crossing IOC orders; with signature checks on and off.
 *
 * Usage: bench_perp PERP_DVM [--n N] [--traders T] [--calls C] [--blocks B]
 *                   [--part 1|2] [--sigs both|on|off] [--repeat R]
 * --repeat R runs part 2 R times (a fresh chain each time) and prints every
 * run's rate and their median. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "perpkit.h"
#include "vm.h"

#define ONE 1000000000ll
#define USD 1000000ll
#define ETH 1000000ll

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void le(uint8_t *p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- part 1: the sandbox with four syscalls of the bench ---- */
static struct {
  uint8_t caller[32];
  uint64_t attached;
  int64_t oracle;
  uint8_t params[96];
} H;

static int sc_caller(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  (void)ctx;
  if (dvm_vm_gas_charge(vm, 10)) return DVM_VM_SC_TRAP;
  uint8_t *p = dvm_vm_translate(vm, a[0], 32, DVM_VM_ACCESS_WRITE);
  if (!p) return DVM_VM_SC_TRAP;
  memcpy(p, H.caller, 32);
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}

static int sc_value(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  (void)ctx;
  if (dvm_vm_gas_charge(vm, 10)) return DVM_VM_SC_TRAP;
  *r0 = a[0] == 1 ? H.attached : 0;
  return DVM_VM_SC_CONTINUE;
}

static int sc_oracle(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  (void)ctx;
  if (dvm_vm_gas_charge(vm, 100)) return DVM_VM_SC_TRAP;
  uint8_t *p = dvm_vm_translate(vm, a[1], 16, DVM_VM_ACCESS_WRITE);
  if (!p) return DVM_VM_SC_TRAP;
  le(p, (uint64_t)H.oracle, 8);
  le(p + 8, 1700000000, 8);
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}

static int sc_param(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  (void)ctx;
  if (dvm_vm_gas_charge(vm, 200 + a[1])) return DVM_VM_SC_TRAP;
  const uint8_t *k = dvm_vm_translate(vm, a[0], a[1], DVM_VM_ACCESS_READ);
  uint8_t *out = dvm_vm_translate(vm, a[2], a[3], DVM_VM_ACCESS_WRITE);
  if (!k || !out) return DVM_VM_SC_TRAP;
  if (a[1] == 10 && !memcmp(k, "perp/quote", 10)) {
    uint8_t q[4] = {1, 0, 0, 0};
    memcpy(out, q, a[3] < 4 ? a[3] : 4);
    *r0 = 4;
  } else if (a[1] == 10 && !memcmp(k, "perp/m\0\0\0\1", 10)) {
    memcpy(out, H.params, a[3] < 96 ? a[3] : 96);
    *r0 = 96;
  } else {
    *r0 = UINT64_MAX;
  }
  return DVM_VM_SC_CONTINUE;
}

typedef struct cost {
  uint64_t insns, gas, n;
  double sec;
} cost;

typedef struct sbx {
  dvm_rt_sandbox *sb;
  dvm_vm_program *prog;
  dvm_vm_exec *vm;
  uint8_t *heap;
} sbx;

static dvm_vm_syscall_table table;
static const char *names[1024];
static dvm_vm_syscall_fn fns[1024];

static void sbx_open(sbx *s, const uint8_t *code, size_t len) {
  char e[256];
  dvm_vm_error err;
  if (!table.count) {
    const dvm_vm_syscall_table *rt = dvm_rt_syscalls();
    for (uint32_t i = 0; i < rt->count; i++) {
      names[i] = rt->names[i];
      fns[i] = rt->fns[i];
    }
    fns[10] = sc_caller;
    fns[12] = sc_value;
    fns[15] = sc_oracle;
    fns[29] = sc_param;
    table.count = rt->count;
    table.names = names;
    table.fns = fns;
  }
  if (dvm_rt_sandbox_open(&s->sb, e)) {
    fprintf(stderr, "sandbox: %s\n", e);
    exit(1);
  }
  if (dvm_vm_program_load_container(&s->prog, code, len, &table, &err)) {
    fprintf(stderr, "perp.dvm does not load\n");
    exit(1);
  }
  s->vm = malloc(sizeof *s->vm);
  s->heap = malloc(1u << 20);
}

static void sbx_close(sbx *s) {
  dvm_vm_program_free(s->prog);
  dvm_rt_sandbox_close(s->sb);
  free(s->vm);
  free(s->heap);
}

/* Run one method; adds to *c (may be NULL); returns the return data's first u64. */
static uint64_t sbx_call(sbx *s, const char *method, const uint8_t *in, uint32_t len, cost *c) {
  uint32_t pc;
  if (dvm_vm_program_export(s->prog, method, &pc) != DVM_VM_OK) abort();
  memset(s->heap, 0, 32768);
  dvm_vm_exec_init(s->vm, s->prog, pc, 100000000, s->heap, 32768, 1u << 20, in, len, dvm_rt_sandbox_ctx(s->sb));
  dvm_vm_reg_set(s->vm, 1, DVM_VM_ADDR(DVM_VM_REGION_INPUT, 0));
  dvm_vm_reg_set(s->vm, 2, len);
  double t0 = now();
  const dvm_vm_result *r = dvm_vm_run_fast(s->vm);
  double dt = now() - t0;
  const uint8_t *ret;
  uint32_t rl, nlogs;
  int rev;
  dvm_rt_sandbox_output(s->sb, &ret, &rl, &rev, &nlogs);
  if (r->status == DVM_VM_STATUS_TRAP || rev) {
    fprintf(stderr, "bench: %s: %s %.*s\n", method, rev ? "reverted" : dvm_vm_trap_name(r->trap), rev ? (int)rl : 0,
            rev ? (const char *)ret : "");
    exit(1);
  }
  if (c) {
    c->insns += r->insns;
    c->gas += r->gas_used;
    c->sec += dt;
    c->n++;
  }
  uint64_t v = 0;
  if (rl >= 8) memcpy(&v, ret, 8);
  return v;
}

static void as(int who) {
  memset(H.caller, 0, 32);
  le(H.caller, (uint64_t)who + 1, 4);
}

static uint64_t place(sbx *s, int who, int side, int64_t price, uint64_t size, int kind, cost *c) {
  uint8_t in[32];
  as(who);
  le(in, 1, 4);
  in[4] = 0;
  in[5] = (uint8_t)side;
  le(in + 6, (uint64_t)price, 8);
  le(in + 14, size, 8);
  in[22] = (uint8_t)kind;
  in[23] = 0;
  le(in + 24, 0, 8);
  return sbx_call(s, "place_order", in, 32, c);
}

static void deposit(sbx *s, int who, uint64_t amount) {
  uint8_t in[1] = {0};
  as(who);
  H.attached = amount;
  sbx_call(s, "deposit", in, 1, NULL);
  H.attached = 0;
}

static void print_cost(const char *what, const cost *c) {
  printf("| %s | %" PRIu64 " | %" PRIu64 " | %.2f |\n", what, c->insns / c->n, c->gas / c->n, c->sec / (double)c->n * 1e6);
}

static void part1(const uint8_t *code, size_t len, int n) {
  uint64_t f[12] = {1, 10000000, 1000, 100000000, 50000000, 200000, 500000, 3600, 10000000, 10000000,
                    1000000000000ull, 10000 * USD};
  for (int i = 0; i < 12; i++) le(H.params + 8 * i, f[i], 8);
  H.oracle = 3000 * ONE;
  cost rest = {0}, cross = {0}, canc = {0}, liq = {0};
  uint64_t *oids = calloc((size_t)n, sizeof *oids);
  sbx s;
  /* resting limits and their cancels; book depth grows to n */
  sbx_open(&s, code, len);
  deposit(&s, 1, 1000000 * USD);
  for (int i = 0; i < n; i++) oids[i] = place(&s, 1, 0, 2999 * ONE - (int64_t)(i % 500) * 10000000, ETH / 100, 0, &rest);
  for (int i = 0; i < n; i++) {
    uint8_t in[8];
    le(in, oids[i], 8);
    as(1);
    sbx_call(&s, "cancel", in, 8, &canc);
  }
  sbx_close(&s);
  /* crossing: trader 2 takes one step of trader 1's best ask per order
   * (a partial fill: no order is deleted, see below for why) */
  sbx_open(&s, code, len);
  deposit(&s, 1, 100000000 * USD);
  deposit(&s, 2, 100000000 * USD);
  for (int i = 0; i < 500; i++) place(&s, 1, 1, 3001 * ONE + (int64_t)i * 10000000, 100 * ETH, 0, NULL);
  for (int i = 0; i < n; i++) place(&s, 2, 0, 3100 * ONE, 1000, 2, &cross);
  sbx_close(&s);
  /* the same crossing order after k orders ahead of it were deleted in the
   * same block (state overlay tombstones: storage_next skips them one by one) */
  int ks[4] = {0, 10, 100, 500};
  cost tomb[4];
  memset(tomb, 0, sizeof tomb);
  for (int q = 0; q < 4; q++) {
    sbx_open(&s, code, len);
    deposit(&s, 1, 100000000 * USD);
    deposit(&s, 2, 100000000 * USD);
    for (int i = 0; i < ks[q] + 1; i++) place(&s, 1, 1, 3001 * ONE + (int64_t)i * 10000000, ETH / 100, 0, NULL);
    if (ks[q]) place(&s, 2, 0, 0, (uint64_t)ks[q] * (ETH / 100), 1, NULL); /* takes (deletes) the first k */
    for (int i = 0; i < 20; i++) place(&s, 2, 0, 3100 * ONE, 1000, 2, &tomb[q]);
    sbx_close(&s);
  }
  /* liquidation: n traders long 1 ETH on 310 each from trader 0's asks;
   * oracle 2800 (equity 110 < MMR 140); trader 0's bids at 2790 take them */
  int m = n > 300 ? 300 : n; /* the sandbox is one transaction: 1024 logs */
  sbx_open(&s, code, len);
  deposit(&s, 0, 100000000 * USD);
  place(&s, 0, 1, 3000 * ONE, (uint64_t)m * ETH, 0, NULL);
  for (int i = 1; i <= m; i++) {
    deposit(&s, i, 310 * USD);
    place(&s, i, 0, 0, ETH, 1, NULL);
  }
  place(&s, 0, 0, 2790 * ONE, (uint64_t)m * ETH, 0, NULL);
  H.oracle = 2800 * ONE;
  for (int i = 1; i <= m; i++) {
    uint8_t in[37];
    memset(in, 0, 32);
    le(in, (uint64_t)i + 1, 4);
    in[32] = 0;
    le(in + 33, 1, 4);
    as(999);
    sbx_call(&s, "liquidate", in, 37, &liq);
  }
  sbx_close(&s);
  printf("## Per operation (sandbox, fast interpreter, %d of each; book depth up to %d orders)\n\n", n,
         n < 500 ? n : 500);
  printf("| operation | VM instructions | gas | µs (VM + syscalls) |\n|---|---|---|---|\n");
  print_cost("resting limit order", &rest);
  print_cost("crossing IOC order, one fill", &cross);
  print_cost("cancel", &canc);
  print_cost("liquidation, one book fill", &liq);
  for (int q = 0; q < 4; q++) {
    char what[96];
    snprintf(what, sizeof what, "crossing IOC after %d orders ahead were deleted in the block", ks[q]);
    print_cost(what, &tomb[q]);
  }
  printf("\n");
  free(oids);
}

/* ---- part 2: end to end ---- */
static double part2(const char *dvm, int traders, int calls, int blocks, int verify, uint64_t *ops_out,
                    uint64_t *ok_out, double *gas_per_op, double *cpu_rate) {
  pk_env e;
  dvm_rt_chain_opts o = {0, 0, !verify};
  pk_open(&e, (size_t)traders + 1, dvm, &o);
  pk_market mk = {1, 1, 10000000, 1000, 50000000, 30000000, 200000, 500000, 3600, 500000, 10000000,
                  1000000000000ull, 10000 * USD};
  ck_tx t[2];
  pk_tx_markets(&e, &t[0], &mk, 1);
  pk_tx_oracle(&e, &t[1], 1, 3000 * ONE);
  pk_block(&e, t, 2, 1);
  free(t[0].bytes);
  free(t[1].bytes);
  pk_batch *b = calloc(1, sizeof *b);
  ck_tx *dep = calloc((size_t)traders, sizeof *dep);
  for (int i = 1; i <= traders; i++) {
    pk_b_deposit(b, &e, 0, 10000000 * USD);
    pk_b_sign(b, &e, (size_t)i, &dep[i - 1]);
  }
  pk_block(&e, dep, (size_t)traders, 1);
  for (int i = 0; i < traders; i++) free(dep[i].bytes);
  free(dep);
  /* generate every block's transactions first (signing is not timed); the
   * order ids are predictable: market << 40 | seq, one seq per placed order */
  uint64_t seq = 1, rng = 12345;
  uint64_t **own = calloc((size_t)traders + 1, sizeof *own);
  size_t *nown = calloc((size_t)traders + 1, sizeof *nown);
  for (int i = 1; i <= traders; i++) own[i] = calloc((size_t)(calls * blocks + 1), sizeof **own);
  ck_tx *all = calloc((size_t)(traders * blocks), sizeof *all);
  for (int bl = 0; bl < blocks; bl++)
    for (int i = 1; i <= traders; i++) {
      int bias = i & 1;
      for (int j = 0; j < calls; j++) {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        int r = (int)(rng % 100), side = (int)(rng >> 8 & 1);
        int64_t off = (int64_t)(rng >> 16 & 31) + 1;
        if (r < 60 || (r < 90 && nown[i] == 0)) { /* resting limit, 1..32 ticks off the mid */
          int64_t price = side == 0 ? 3000 * ONE - off * 10000000 : 3000 * ONE + off * 10000000;
          pk_b_place(b, &e, 1, 0, (uint8_t)side, price, 10 * 1000, 0, 0, 0);
          own[i][nown[i]++] = (uint64_t)1 << 40 | seq++;
        } else if (r < 90) { /* cancel the trader's latest resting order */
          pk_b_cancel(b, &e, own[i][--nown[i]]);
        } else { /* crossing IOC, one step, toward the trader's bias */
          int64_t price = bias == 0 ? 3000 * ONE + 40 * 10000000 : 3000 * ONE - 40 * 10000000;
          pk_b_place(b, &e, 1, 0, (uint8_t)bias, price, 1000, 2, 0, 0);
          seq++;
        }
      }
      pk_b_sign(b, &e, (size_t)i, &all[bl * traders + (i - 1)]);
    }
  uint64_t ops = 0, ok = 0, gas = 0;
  double t0 = now(), c0 = cpu_now();
  for (int bl = 0; bl < blocks; bl++) pk_block(&e, &all[bl * traders], (size_t)traders, 1);
  double dt = now() - t0, dc = cpu_now() - c0;
  for (int i = 0; i < traders * blocks; i++) {
    dvm_rt_receipt r;
    uint8_t *raw;
    ck_receipt(e.c, all[i].id, &r, &raw);
    for (size_t j = 0; j < r.ncalls; j++) {
      ops++;
      ok += r.calls[j].status == DVM_RT_CALL_OK;
      gas += r.calls[j].gas_used;
    }
    dvm_rt_receipt_free(&r);
    free(raw);
    free(all[i].bytes);
  }
  for (int i = 1; i <= traders; i++) free(own[i]);
  free(own);
  free(nown);
  free(all);
  free(b);
  pk_close(&e);
  *ops_out = ops;
  *ok_out = ok;
  *gas_per_op = (double)gas / (double)ops;
  *cpu_rate = (double)ops / dc;
  return (double)ops / dt;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: bench_perp PERP_DVM [--n N] [--traders T] [--calls C] [--blocks B] [--part 1|2] [--sigs both|on|off] [--repeat R]\n");
    return 2;
  }
  int n = 1000, traders = 64, calls = 128, blocks = 4, part = 0, repeat = 1, sig_on = 1, sig_off = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--n")) n = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--traders")) traders = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--calls")) calls = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--blocks")) blocks = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--part")) part = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--repeat")) repeat = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--sigs")) {
      sig_on = strcmp(argv[i + 1], "off") != 0;
      sig_off = strcmp(argv[i + 1], "on") != 0;
    }
  }
  if (calls > PK_MAX_CALLS) calls = PK_MAX_CALLS;
  if (repeat < 1) repeat = 1;
  if (repeat > 99) repeat = 99;
  if (n > 1000) n = 1000; /* the sandbox is one transaction: at most 1024 logs */
  FILE *f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *code = malloc((size_t)len);
  if (fread(code, 1, (size_t)len, f) != (size_t)len) return 1;
  fclose(f);
  if (part != 2) part1(code, (size_t)len, n);
  if (part != 1) {
    printf("## End to end (%d traders x %d calls per block, %d blocks; 60 %% resting, 30 %% cancels, 10 %% "
           "crossing IOC)\n\n| signatures | operations | succeeded | gas per op | ops/s | ops per CPU second |\n"
           "|---|---|---|---|---|---|\n",
           traders, calls, blocks);
    for (int verify = 1; verify >= 0; verify--) {
      if (!(verify ? sig_on : sig_off)) continue;
      uint64_t ops = 0, ok = 0;
      double gpo = 0, rates[99], cpu[99];
      for (int k = 0; k < repeat; k++)
        rates[k] = part2(argv[1], traders, calls, blocks, verify, &ops, &ok, &gpo, &cpu[k]);
      qsort(rates, (size_t)repeat, sizeof *rates, cmp_double);
      qsort(cpu, (size_t)repeat, sizeof *cpu, cmp_double);
      printf("| %s | %" PRIu64 " | %" PRIu64 " | %.0f | %.0f | %.0f |", verify ? "verified" : "skipped", ops, ok, gpo,
             rates[repeat / 2], cpu[repeat / 2]);
      if (repeat > 1) {
        printf(" median of %d:", repeat);
        for (int k = 0; k < repeat; k++) printf(" %.0f", rates[k]);
      }
      printf("\n");
      fflush(stdout);
    }
  }
  free(code);
  return 0;
}
