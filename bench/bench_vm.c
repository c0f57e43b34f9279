/* bench_vm.c — the VM's interpreters against native code (bench/README.md).
 *
 * For each program of bench/programs/: assemble the clang BPF assembly
 * that bench/vm.cmake generated, then time the gcc -O2 native copy, the
 * fast interpreter and the reference interpreter on the same memory (a
 * fresh copy before every run, outside the timed span), in interleaved
 * rounds, at least --runs rounds (default 7) and at least --min-time
 * seconds (default 0.5), and print medians as a Markdown table. r0 and the final memory must be identical in all three;
 * any difference, trap or assembly failure exits non-zero.
 *
 *   bench_vm [--runs N] [--min-time S] [--only NAME] [--mode all|native|fast|ref]
 *            [--cpu-time] [--asm-dir DIR]
 *
 * A benchmark, never a test: nothing here asserts a time. */
#include "assembler.h"
#include "vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef DVM_BENCH_VM_ASM_DIR
#define DVM_BENCH_VM_ASM_DIR "."
#endif
#ifndef DVM_BENCH_VM_NATIVE_CC
#define DVM_BENCH_VM_NATIVE_CC "cc"
#endif
#ifndef DVM_BENCH_VM_CC
#define DVM_BENCH_VM_CC "cc"
#endif
#ifndef DVM_BENCH_VM_BUILD
#define DVM_BENCH_VM_BUILD "?"
#endif

typedef uint64_t (*bench_entry_fn)(uint8_t *mem, uint64_t len);

/* The native copies (bench/programs/<name>.c built with -Dentry=...). */
uint64_t bench_native_alu_loop(uint8_t *mem, uint64_t len);
uint64_t bench_native_recursion(uint8_t *mem, uint64_t len);
uint64_t bench_native_fnv1a(uint8_t *mem, uint64_t len);
uint64_t bench_native_sort(uint8_t *mem, uint64_t len);

enum { MODE_NATIVE, MODE_FAST, MODE_REF, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = {"native", "fast", "ref"};

#define ALU_ITERATIONS 5000000u
#define FIB_N 27u
#define BLOB_BYTES 65536u

typedef struct bench_prog {
  const char *name;
  const char *what;
  bench_entry_fn native;
  void (*fill)(uint8_t *mem, uint32_t len);
  uint32_t len;  /* memory bytes = heap region size */
  double target; /* fast/native ratio the issue asks for */
} bench_prog;

static void put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* xorshift64*: the harness's own data, the same on every run. */
static void fill_random(uint8_t *mem, uint32_t len) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (uint32_t i = 0; i + 8 <= len; i += 8) {
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    put_u64(mem + i, x * 0x2545f4914f6cdd1dull);
  }
}

static void fill_alu(uint8_t *mem, uint32_t len) {
  (void)len;
  put_u64(mem, ALU_ITERATIONS);
  put_u64(mem + 8, 0x0123456789abcdefull);
}

static void fill_fib(uint8_t *mem, uint32_t len) {
  (void)len;
  put_u64(mem, FIB_N);
}

static const bench_prog progs[] = {
    {"alu_loop", "xorshift64 + two sums, 5M iterations", bench_native_alu_loop, fill_alu, 16, 10.0},
    {"recursion", "naive fib(27) through local calls", bench_native_recursion, fill_fib, 8, 15.0},
    {"fnv1a", "FNV-1a 64 over 64 KiB, byte by byte", bench_native_fnv1a, fill_random, BLOB_BYTES, 8.0},
    {"sort", "insertion sort of 8,192 u64 in place", bench_native_sort, fill_random, BLOB_BYTES, 35.0},
};
#define NPROGS (sizeof progs / sizeof progs[0])

/* CLOCK_MONOTONIC, or the thread's CPU time with --cpu-time (which leaves
 * out the time other processes held the CPU: for A/B comparisons on a
 * loaded machine). */
static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(bench_clock, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Sorts s in place; returns the median. */
static double median(double *s, size_t n) {
  qsort(s, n, sizeof *s, cmp_double);
  return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* s sorted: inter-quartile range relative to the median, in percent. */
static double iqr_pct(const double *s, size_t n, double med) {
  if (n < 4 || med <= 0) return 0;
  return (s[(3 * n) / 4] - s[n / 4]) / med * 100.0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
      free(buf);
      buf = NULL;
    }
    if (buf) {
      buf[n] = 0;
      *len = (size_t)n;
    }
  }
  fclose(f);
  return buf;
}

/* Assemble DIR/NAME.s and load it; NULL after a message on failure. */
static dvm_vm_program *load_program(const char *dir, const char *name, uint32_t *entry_pc) {
  char path[4096];
  size_t len = 0;
  char *text, *diag = NULL;
  dvm_asm_output out;
  dvm_vm_program *p = NULL;
  dvm_vm_error err;
  int rc;
  snprintf(path, sizeof path, "%s/%s.s", dir, name);
  text = read_file(path, &len);
  if (!text) {
    fprintf(stderr, "bench_vm: cannot read %s\n", path);
    return NULL;
  }
  memset(&out, 0, sizeof out);
  rc = dvm_asm_assemble(path, text, len, NULL, &out, &diag);
  free(text);
  if (rc != 0) {
    fprintf(stderr, "bench_vm: %s does not assemble (%d):\n%s\n", path, rc, diag ? diag : "");
    free(diag);
    return NULL;
  }
  free(diag);
  rc = dvm_vm_program_load(&p, out.c.code, out.c.code_len, out.c.rodata, out.c.rodata_len,
                           out.c.exports, out.c.export_count, NULL, &err);
  dvm_asm_output_free(&out);
  if (rc != DVM_VM_OK) {
    fprintf(stderr, "bench_vm: %s does not load: %s\n", path, err.msg);
    return NULL;
  }
  if (dvm_vm_program_export(p, "entry", entry_pc) != DVM_VM_OK) {
    fprintf(stderr, "bench_vm: %s exports no `entry`\n", path);
    dvm_vm_program_free(p);
    return NULL;
  }
  return p;
}

typedef struct bench_ctx {
  const bench_prog *b;
  dvm_vm_program *prog;
  uint32_t entry_pc;
  dvm_vm_exec *vm;
  const uint8_t *init; /* the memory every run starts from */
  uint8_t *work;       /* the copy a run works on */
} bench_ctx;

/* One run in `mode`; returns seconds, r0 in *r0, instructions in *insns.
 * Returns a negative time when the VM did not end with exit. */
static double run_once(bench_ctx *c, int mode, uint64_t *r0, uint64_t *insns) {
  static bench_entry_fn volatile native_fn; /* keeps gcc from inlining or folding */
  const uint32_t len = c->b->len;
  double t0, t1;
  memcpy(c->work, c->init, len);
  if (mode == MODE_NATIVE) {
    native_fn = c->b->native;
    t0 = now_s();
    *r0 = native_fn(c->work, len);
    t1 = now_s();
    *insns = 0;
    return t1 - t0;
  }
  const dvm_vm_result *res;
  if (dvm_vm_exec_init(c->vm, c->prog, c->entry_pc, (uint64_t)1 << 50, c->work, len, len, NULL, 0,
                       NULL) != DVM_VM_OK) {
    fprintf(stderr, "bench_vm: %s: dvm_vm_exec_init failed\n", c->b->name);
    return -1;
  }
  dvm_vm_reg_set(c->vm, 1, DVM_VM_ADDR(DVM_VM_REGION_HEAP, 0));
  dvm_vm_reg_set(c->vm, 2, len);
  t0 = now_s();
  res = mode == MODE_FAST ? dvm_vm_run_fast(c->vm) : dvm_vm_run_ref(c->vm);
  t1 = now_s();
  if (res->status != DVM_VM_STATUS_OK) {
    fprintf(stderr, "bench_vm: %s (%s): status %d, trap %s at pc %u\n", c->b->name, mode_names[mode],
            res->status, dvm_vm_trap_name(res->trap), res->pc);
    return -1;
  }
  *r0 = res->r0;
  *insns = res->insns;
  return t1 - t0;
}

typedef struct bench_stat {
  int done;
  size_t runs;
  double med, iqr, best;
  uint64_t r0, insns;
  uint8_t *final_mem; /* memory after the first run */
} bench_stat;

/* Runs the enabled modes in rounds (native, fast, ref, native, ...), so
 * that load from other processes on a shared machine hits all three
 * alike, until there are at least min_runs rounds and the rounds took at
 * least min_time seconds in all. */
static int measure(bench_ctx *c, const int *modes, size_t min_runs, double min_time,
                   bench_stat *st) {
  enum { CAP = 4096 };
  double *s[MODE_COUNT] = {NULL, NULL, NULL}, total = 0;
  size_t n = 0;
  int rc = 0;
  for (int m = 0; m < MODE_COUNT; m++) {
    if (!modes[m]) continue;
    s[m] = malloc(CAP * sizeof *s[m]);
    st[m].final_mem = malloc(c->b->len);
    if (!s[m] || !st[m].final_mem) rc = -1;
    /* Warm-up run (page faults, caches, predictors): checked, not timed. */
    if (rc == 0 && run_once(c, m, &st[m].r0, &st[m].insns) < 0) rc = -1;
    if (rc == 0) memcpy(st[m].final_mem, c->work, c->b->len);
  }
  while (rc == 0 && n < CAP && (n < min_runs || total < min_time)) {
    for (int m = 0; m < MODE_COUNT && rc == 0; m++) {
      uint64_t r0 = 0, insns = 0;
      double t;
      if (!modes[m]) continue;
      t = run_once(c, m, &r0, &insns);
      if (t < 0) {
        rc = -1;
      } else if (r0 != st[m].r0 || insns != st[m].insns) {
        fprintf(stderr, "bench_vm: %s (%s): run %zu differs from the first (r0 %#llx vs %#llx)\n",
                c->b->name, mode_names[m], n, (unsigned long long)r0, (unsigned long long)st[m].r0);
        rc = -1;
      } else {
        s[m][n] = t;
        total += t;
      }
    }
    if (rc == 0) n++;
  }
  for (int m = 0; m < MODE_COUNT; m++) {
    if (!modes[m]) continue;
    if (rc == 0) {
      st[m].done = 1;
      st[m].runs = n;
      st[m].med = median(s[m], n);
      st[m].iqr = iqr_pct(s[m], n, st[m].med);
      st[m].best = s[m][0];
    }
    free(s[m]);
  }
  return rc;
}

static void usage(FILE *f) {
  fprintf(f, "usage: bench_vm [--runs N] [--min-time SECONDS] [--only NAME] "
             "[--mode all|native|fast|ref] [--cpu-time] [--asm-dir DIR]\n"
             "programs:");
  for (size_t i = 0; i < NPROGS; i++) fprintf(f, " %s", progs[i].name);
  fprintf(f, "\n");
}

static void machine_line(void) {
  char line[512], model[256] = "unknown";
  FILE *f = fopen("/proc/cpuinfo", "r");
  if (f) {
    while (fgets(line, sizeof line, f)) {
      if (strncmp(line, "model name", 10) == 0) {
        char *v = strchr(line, ':');
        if (v) {
          v++;
          while (*v == ' ') v++;
          v[strcspn(v, "\n")] = 0;
          snprintf(model, sizeof model, "%s", v);
        }
        break;
      }
    }
    fclose(f);
  }
  long ncpu = 0;
  f = fopen("/proc/cpuinfo", "r");
  if (f) {
    while (fgets(line, sizeof line, f))
      if (strncmp(line, "processor", 9) == 0) ncpu++;
    fclose(f);
  }
  printf("CPU: %s, %ld logical CPUs. VM: %s, build type %s. Native: %s -O2. Clock: %s.\n\n",
         model, ncpu, DVM_BENCH_VM_CC, DVM_BENCH_VM_BUILD, DVM_BENCH_VM_NATIVE_CC,
         bench_clock == CLOCK_MONOTONIC ? "CLOCK_MONOTONIC" : "CLOCK_THREAD_CPUTIME_ID");
}

int main(int argc, char **argv) {
  size_t min_runs = 7;
  double min_time = 0.5;
  const char *only = NULL, *asm_dir = DVM_BENCH_VM_ASM_DIR;
  int modes[MODE_COUNT] = {1, 1, 1};
  int failed = 0;

  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) {
      long v = strtol(argv[++i], NULL, 10);
      if (v < 1) {
        usage(stderr);
        return 2;
      }
      min_runs = (size_t)v;
    } else if (!strcmp(argv[i], "--min-time") && i + 1 < argc) {
      min_time = strtod(argv[++i], NULL);
    } else if (!strcmp(argv[i], "--cpu-time")) {
      bench_clock = CLOCK_THREAD_CPUTIME_ID;
    } else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
      only = argv[++i];
    } else if (!strcmp(argv[i], "--asm-dir") && i + 1 < argc) {
      asm_dir = argv[++i];
    } else if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
      const char *m = argv[++i];
      int all = !strcmp(m, "all");
      for (int k = 0; k < MODE_COUNT; k++) modes[k] = all || !strcmp(m, mode_names[k]);
      if (!all && !modes[0] && !modes[1] && !modes[2]) {
        usage(stderr);
        return 2;
      }
    } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      usage(stdout);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (only) {
    size_t i = 0;
    while (i < NPROGS && strcmp(progs[i].name, only)) i++;
    if (i == NPROGS) {
      fprintf(stderr, "bench_vm: no program named %s\n", only);
      usage(stderr);
      return 2;
    }
  }

  dvm_vm_exec *vm = malloc(sizeof *vm);
  if (!vm) return 1;

  machine_line();
  printf("| program | instructions | native ms | fast ms | fast Minsn/s | ref ms | ref Minsn/s "
         "| fast/native | ref/native | target (fast) |\n");
  printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
  char notes[NPROGS][256];
  memset(notes, 0, sizeof notes);

  for (size_t i = 0; i < NPROGS; i++) {
    const bench_prog *b = &progs[i];
    bench_stat st[MODE_COUNT];
    bench_ctx c;
    uint8_t *init, *work;
    if (only && strcmp(only, b->name)) continue;
    memset(st, 0, sizeof st);
    memset(&c, 0, sizeof c);
    init = calloc(1, b->len);
    work = calloc(1, b->len);
    if (!init || !work) return 1;
    b->fill(init, b->len);
    c.b = b;
    c.vm = vm;
    c.init = init;
    c.work = work;
    if (modes[MODE_FAST] || modes[MODE_REF]) {
      c.prog = load_program(asm_dir, b->name, &c.entry_pc);
      if (!c.prog) {
        failed = 1;
        free(init);
        free(work);
        continue;
      }
    }
    if (measure(&c, modes, min_runs, min_time, st) != 0) failed = 1;
    /* The three must agree on r0, on the memory left behind and (the two
     * interpreters) on the instruction count. */
    int ref_mode = st[MODE_NATIVE].done ? MODE_NATIVE : st[MODE_FAST].done ? MODE_FAST : MODE_REF;
    for (int m = 0; m < MODE_COUNT; m++) {
      if (!st[m].done || m == ref_mode) continue;
      if (st[m].r0 != st[ref_mode].r0 || memcmp(st[m].final_mem, st[ref_mode].final_mem, b->len)) {
        fprintf(stderr, "bench_vm: %s: %s and %s disagree: r0 %#llx vs %#llx%s\n", b->name,
                mode_names[m], mode_names[ref_mode], (unsigned long long)st[m].r0,
                (unsigned long long)st[ref_mode].r0,
                st[m].r0 == st[ref_mode].r0 ? " (memory differs)" : "");
        failed = 1;
      }
    }
    if (st[MODE_FAST].done && st[MODE_REF].done && st[MODE_FAST].insns != st[MODE_REF].insns) {
      fprintf(stderr, "bench_vm: %s: instruction counts differ (fast %llu, ref %llu)\n", b->name,
              (unsigned long long)st[MODE_FAST].insns, (unsigned long long)st[MODE_REF].insns);
      failed = 1;
    }

    uint64_t insns = st[MODE_FAST].done ? st[MODE_FAST].insns : st[MODE_REF].insns;
    char cell[MODE_COUNT][32], rate[MODE_COUNT][32], ratio[MODE_COUNT][32], met[48];
    for (int m = 0; m < MODE_COUNT; m++) {
      snprintf(cell[m], sizeof cell[m], "-");
      snprintf(rate[m], sizeof rate[m], "-");
      snprintf(ratio[m], sizeof ratio[m], "-");
      if (!st[m].done) continue;
      snprintf(cell[m], sizeof cell[m], "%.3f", st[m].med * 1e3);
      if (m != MODE_NATIVE && st[m].med > 0)
        snprintf(rate[m], sizeof rate[m], "%.0f", (double)insns / st[m].med / 1e6);
      if (m != MODE_NATIVE && st[MODE_NATIVE].done && st[MODE_NATIVE].med > 0)
        snprintf(ratio[m], sizeof ratio[m], "%.1fx", st[m].med / st[MODE_NATIVE].med);
    }
    if (st[MODE_FAST].done && st[MODE_NATIVE].done)
      snprintf(met, sizeof met, "%.0fx: %s", b->target,
               st[MODE_FAST].med / st[MODE_NATIVE].med <= b->target ? "met" : "**missed**");
    else
      snprintf(met, sizeof met, "%.0fx", b->target);
    printf("| %s | %llu | %s | %s | %s | %s | %s | %s | %s | %s |\n", b->name,
           (unsigned long long)insns, cell[MODE_NATIVE], cell[MODE_FAST], rate[MODE_FAST],
           cell[MODE_REF], rate[MODE_REF], ratio[MODE_FAST], ratio[MODE_REF], met);
    fflush(stdout);
    snprintf(notes[i], sizeof notes[i],
             "%s (%s): %zu runs; IQR native/fast/ref %.1f%%/%.1f%%/%.1f%%; best-of fast/native %.1fx",
             b->name, b->what, st[0].runs ? st[0].runs : st[1].runs ? st[1].runs : st[2].runs,
             st[0].iqr, st[1].iqr, st[2].iqr,
             st[0].done && st[1].done && st[0].best > 0 ? st[1].best / st[0].best : 0.0);

    for (int m = 0; m < MODE_COUNT; m++) free(st[m].final_mem);
    dvm_vm_program_free(c.prog);
    free(init);
    free(work);
  }
  printf("\n");
  for (size_t i = 0; i < NPROGS; i++)
    if (notes[i][0]) printf("- %s\n", notes[i]);
  free(vm);
  if (failed) fprintf(stderr, "bench_vm: FAILED (see above)\n");
  return failed;
}
