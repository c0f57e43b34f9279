/* vm_cases.c — table-driven VM tests, run against both interpreters.
 *
 *   vm_cases --conformance DIR [--negative DIR]
 *       every .data file of the public eBPF conformance suite: assembled by
 *       the project's assembler, verified, run by the fast and the
 *       reference interpreter; both must give the expected r0, agree on
 *       status, gas and instructions, and use gas == instructions. Files of
 *       the negative directory must not pass. Exclusions: spec/isa.md §6.
 *
 *   vm_cases FILE.cases ...
 *       DVM's own cases. A case starts with "== NAME  [spec reference]",
 *       followed by assembly (conformance dialect) and by lines
 *         :: mem HEX        writable memory (heap), r1 = its address, r2 = its length
 *         :: input HEX      read-only input region, r3 = its address, r4 = its length (the
 *                           verifier knows r1, r2, r10 only: a case that reads r3 first
 *                           loads it, lddw %r3, 0x400000000)
 *         :: gas N          gas limit (default 1,000,000)
 *         :: raw HEX        the code as bytes instead of assembly
 *         -> r0 VALUE       expect status ok with this r0
 *         -> trap KIND [pc N]  expect this trap (and pc)
 *         -> gas N          expect gas_used
 *         -> insns N        expect instructions executed
 *         -> fault ADDR SIZE read|write   expect these fault details
 *         -> verify RULE    expect the verifier to reject with RULE
 *       '#' starts a comment line.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"
#include "bpf_data.h"
#include "vm.h"

static unsigned passed, failed;

#define FAIL(...)                      \
  do {                                 \
    fprintf(stderr, "FAIL ");          \
    fprintf(stderr, __VA_ARGS__);      \
    fprintf(stderr, "\n");             \
    failed++;                          \
  } while (0)

typedef struct run_out {
  dvm_vm_result res[2]; /* fast, ref */
} run_out;

/* Run p from slot 0 in both interpreters with the given memory. */
static void run_both(const dvm_vm_program *p, const uint8_t *mem, size_t mem_len, int has_mem,
                     const uint8_t *input, size_t input_len, uint64_t gas, run_out *o) {
  static dvm_vm_exec vm;
  for (int k = 0; k < 2; k++) {
    uint8_t *heap = calloc(mem_len ? mem_len : 1, 1);
    if (mem_len) memcpy(heap, mem, mem_len);
    dvm_vm_exec_init(&vm, p, 0, gas, heap, (uint32_t)mem_len, (uint32_t)mem_len, input,
                     (uint32_t)input_len, NULL);
    if (has_mem) {
      dvm_vm_reg_set(&vm, 1, DVM_VM_ADDR(DVM_VM_REGION_HEAP, 0));
      dvm_vm_reg_set(&vm, 2, mem_len);
    }
    if (input_len) {
      dvm_vm_reg_set(&vm, 3, DVM_VM_ADDR(DVM_VM_REGION_INPUT, 0));
      dvm_vm_reg_set(&vm, 4, input_len);
    }
    o->res[k] = *(k == 0 ? dvm_vm_run_fast(&vm) : dvm_vm_run_ref(&vm));
    free(heap);
  }
}

/* The two interpreters must agree on everything observable. */
static int agree(const char *name, const run_out *o) {
  const dvm_vm_result *a = &o->res[0], *b = &o->res[1];
  if (a->status != b->status || a->trap != b->trap || a->pc != b->pc || a->r0 != b->r0 ||
      a->gas_used != b->gas_used || a->insns != b->insns || a->fault_addr != b->fault_addr ||
      a->fault_size != b->fault_size || a->fault_access != b->fault_access) {
    FAIL("%s: interpreters differ: fast status %d trap %s pc %u r0 0x%" PRIx64 " gas %" PRIu64
         " insns %" PRIu64 " / ref status %d trap %s pc %u r0 0x%" PRIx64 " gas %" PRIu64
         " insns %" PRIu64,
         name, a->status, dvm_vm_trap_name(a->trap), a->pc, a->r0, a->gas_used, a->insns,
         b->status, dvm_vm_trap_name(b->trap), b->pc, b->r0, b->gas_used, b->insns);
    return 0;
  }
  return 1;
}

/* Assemble text; on failure return non-zero with diagnostics in *diag. */
static int assemble(const char *name, const char *text, size_t len, dvm_asm_output *out, char **diag) {
  return dvm_asm_assemble(name, text, len, NULL, out, diag);
}

/* ---------------- the conformance suite ---------------- */

static int is_excluded(const char *file) {
  /* spec/isa.md §6: callx is not supported; call_unwind_fail calls a
   * test-only helper of the suite's plugin. Both must be rejected. */
  return !strcmp(file, "callx.data") || !strcmp(file, "call_unwind_fail.data");
}

/* How far a conformance file got. */
enum { ST_PARSE, ST_ASSEMBLY, ST_VERIFIER, ST_RAN };

/* Outcome of one conformance file: 1 passes, 0 does not (why in *why);
 * *stage says where it stopped, *wants_error whether it expects an error. */
static int conformance_one(const char *path, const char *file, char *why, size_t cap, int *excluded_ok,
                           int *stage, int *wants_error) {
  dvm_bpf_data d;
  char err[256];
  dvm_asm_output o;
  char *diag = NULL;
  const uint8_t *code;
  size_t code_len;
  dvm_vm_program *p = NULL;
  dvm_vm_error verr;
  int ok = 0;

  memset(&o, 0, sizeof o);
  *excluded_ok = 0;
  *stage = ST_PARSE;
  *wants_error = 0;
  if (dvm_bpf_data_load(path, &d, err, sizeof err)) {
    snprintf(why, cap, "parse: %s", err);
    return 0;
  }
  *wants_error = d.has_error;
  if (d.has_raw) {
    code = d.raw;
    code_len = d.raw_len;
  } else if (d.asm_text) {
    *stage = ST_ASSEMBLY;
    if (assemble(path, d.asm_text, d.asm_len, &o, &diag)) {
      snprintf(why, cap, "assembly failed: %.180s", diag ? diag : "");
      goto out;
    }
    code = o.c.code;
    code_len = o.c.code_len;
  } else {
    snprintf(why, cap, "no program");
    goto out;
  }
  *stage = ST_VERIFIER;
  if (dvm_vm_program_load(&p, code, code_len, NULL, 0, NULL, 0, NULL, &verr)) {
    if (is_excluded(file)) *excluded_ok = 1;
    snprintf(why, cap, "rejected: %s", verr.msg);
    goto out;
  }
  if (is_excluded(file)) {
    snprintf(why, cap, "excluded test was accepted by the verifier");
    goto out;
  }
  *stage = ST_RAN;
  run_out r;
  run_both(p, d.mem, d.mem_len, d.has_mem, NULL, 0, 1000000000ull, &r);
  if (!agree(file, &r)) {
    snprintf(why, cap, "interpreters differ");
    goto out;
  }
  if (r.res[0].status != DVM_VM_STATUS_OK) {
    snprintf(why, cap, "trap %s at pc %u", dvm_vm_trap_name(r.res[0].trap), r.res[0].pc);
    goto out;
  }
  if (r.res[0].gas_used != r.res[0].insns) {
    snprintf(why, cap, "gas used %" PRIu64 " != instructions %" PRIu64, r.res[0].gas_used,
             r.res[0].insns);
    goto out;
  }
  if (d.has_error) {
    snprintf(why, cap, "expected error '%s' but ran to r0 0x%" PRIx64, d.error, r.res[0].r0);
    goto out;
  }
  if (!d.has_result || r.res[0].r0 != d.result) {
    snprintf(why, cap, "r0 0x%" PRIx64 ", expected 0x%" PRIx64, r.res[0].r0, d.result);
    goto out;
  }
  ok = 1;
out:
  free(diag);
  dvm_asm_output_free(&o);
  dvm_vm_program_free(p);
  dvm_bpf_data_free(&d);
  return ok;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int conformance_dir(const char *dir, int negative) {
  DIR *dh = opendir(dir);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0;
  unsigned count = 0, refused[ST_RAN + 1] = {0};
  if (!dh) {
    FAIL("%s: %s", dir, strerror(errno));
    return 0;
  }
  while ((de = readdir(dh)) != NULL) {
    size_t l = strlen(de->d_name);
    if (l < 6 || strcmp(de->d_name + l - 5, ".data")) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      names = realloc(names, cap * sizeof *names);
    }
    names[n++] = strdup(de->d_name);
  }
  closedir(dh);
  qsort(names, n, sizeof *names, name_cmp); /* readdir order is not ours to depend on */
  for (size_t i = 0; i < n; i++) {
    char path[4096], why[512];
    int excluded_ok, stage, wants_error;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    int ok = conformance_one(path, names[i], why, sizeof why, &excluded_ok, &stage, &wants_error);
    count++;
    refused[stage]++;
    if (negative) {
      /* A file that expects an error must be refused (not assembled or not
       * verified), not merely give another result: error.data (`or %r0,
       * %r10` at entry) is refused by the verifier's uninit rule. */
      if (ok) FAIL("negative/%s passes but must not", names[i]);
      else if (wants_error && stage == ST_RAN) FAIL("negative/%s expects an error but runs: %s", names[i], why);
      else passed++;
    } else if (is_excluded(names[i])) {
      if (excluded_ok) passed++;
      else FAIL("%s (excluded): %s", names[i], why);
    } else if (ok) {
      passed++;
    } else {
      FAIL("%s: %s", names[i], why);
    }
    free(names[i]);
  }
  free(names);
  printf("%s: %u files (%u not parsed, %u not assembled, %u refused by the verifier, %u ran)\n", dir, count,
         refused[ST_PARSE], refused[ST_ASSEMBLY], refused[ST_VERIFIER], refused[ST_RAN]);
  return 1;
}

/* ---------------- DVM's own cases ---------------- */

typedef struct expect {
  int has_r0, has_trap, has_trap_pc, has_gas, has_insns, has_fault, has_verify;
  uint64_t r0, gas, insns, fault_addr;
  uint32_t trap_pc, fault_size;
  int fault_access;
  char trap[32], verify[32];
} expect;

static int parse_hex(const char *s, uint8_t **buf, size_t *len) {
  size_t cap = strlen(s) / 2 + 1, n = 0;
  uint8_t *b = malloc(cap);
  while (*s) {
    while (*s == ' ' || *s == '\t') s++;
    if (!*s || *s == '\n') break;
    unsigned v;
    if (sscanf(s, "%2x", &v) != 1) {
      free(b);
      return -1;
    }
    b[n++] = (uint8_t)v;
    s += 2;
  }
  *buf = b;
  *len = n;
  return 0;
}

static int trap_kind(const char *name) {
  for (int t = 0; t < DVM_TRAP_COUNT_; t++)
    if (!strcmp(dvm_vm_trap_name(t), name)) return t;
  return -1;
}

static void run_case(const char *file, const char *name, int line, const char *text, size_t len,
                     const uint8_t *raw, size_t raw_len, const uint8_t *mem, size_t mem_len,
                     int has_mem, const uint8_t *input, size_t input_len, uint64_t gas,
                     const expect *e) {
  dvm_asm_output o;
  char *diag = NULL;
  dvm_vm_program *p = NULL;
  dvm_vm_error verr;
  const uint8_t *code = raw;
  size_t code_len = raw_len;
  char label[300];
  memset(&o, 0, sizeof o);
  snprintf(label, sizeof label, "%s:%d: %s", file, line, name);
  if (!raw) {
    if (assemble(file, text, len, &o, &diag)) {
      FAIL("%s: assembly failed:\n%s", label, diag ? diag : "");
      goto out;
    }
    code = o.c.code;
    code_len = o.c.code_len;
  }
  int lrc = dvm_vm_program_load(&p, code, code_len, o.c.rodata, o.c.rodata_len, NULL, 0, NULL, &verr);
  if (e->has_verify) {
    if (lrc == DVM_VM_OK) FAIL("%s: verifier accepted, expected rule %s", label, e->verify);
    else if (strcmp(dvm_vm_verr_name(verr.rule), e->verify))
      FAIL("%s: verifier rule %s (%s), expected %s", label, dvm_vm_verr_name(verr.rule), verr.msg,
           e->verify);
    else passed++;
    goto out;
  }
  if (lrc != DVM_VM_OK) {
    FAIL("%s: rejected: %s", label, verr.msg);
    goto out;
  }
  run_out r;
  run_both(p, mem, mem_len, has_mem, input, input_len, gas, &r);
  if (!agree(label, &r)) goto out;
  const dvm_vm_result *res = &r.res[0];
  if (e->has_r0 && (res->status != DVM_VM_STATUS_OK || res->r0 != e->r0)) {
    FAIL("%s: status %d (%s at pc %u) r0 0x%" PRIx64 ", expected ok with r0 0x%" PRIx64, label,
         res->status, dvm_vm_trap_name(res->trap), res->pc, res->r0, e->r0);
    goto out;
  }
  if (e->has_trap) {
    if (res->status != DVM_VM_STATUS_TRAP || res->trap != trap_kind(e->trap)) {
      FAIL("%s: status %d trap %s, expected trap %s", label, res->status,
           dvm_vm_trap_name(res->trap), e->trap);
      goto out;
    }
    if (e->has_trap_pc && res->pc != e->trap_pc) {
      FAIL("%s: trap at pc %u, expected pc %u", label, res->pc, e->trap_pc);
      goto out;
    }
    if (res->gas_used != gas) {
      FAIL("%s: trap used %" PRIu64 " gas, not the whole limit %" PRIu64, label, res->gas_used, gas);
      goto out;
    }
  }
  if (e->has_gas && res->gas_used != e->gas) {
    FAIL("%s: gas used %" PRIu64 ", expected %" PRIu64, label, res->gas_used, e->gas);
    goto out;
  }
  if (e->has_insns && res->insns != e->insns) {
    FAIL("%s: %" PRIu64 " instructions, expected %" PRIu64, label, res->insns, e->insns);
    goto out;
  }
  if (e->has_fault && (res->fault_addr != e->fault_addr || res->fault_size != e->fault_size ||
                       res->fault_access != e->fault_access)) {
    FAIL("%s: fault 0x%" PRIx64 "/%u/%d, expected 0x%" PRIx64 "/%u/%d", label, res->fault_addr,
         res->fault_size, res->fault_access, e->fault_addr, e->fault_size, e->fault_access);
    goto out;
  }
  if (res->status == DVM_VM_STATUS_OK && res->gas_used != res->insns) {
    FAIL("%s: gas used %" PRIu64 " != instructions %" PRIu64, label, res->gas_used, res->insns);
    goto out;
  }
  passed++;
out:
  free(diag);
  dvm_asm_output_free(&o);
  dvm_vm_program_free(p);
}

static void cases_file(const char *path) {
  FILE *f = fopen(path, "r");
  char line[4096];
  char *text = NULL;
  size_t len = 0, cap = 0;
  char name[200] = "";
  int name_line = 0, lineno = 0, in_case = 0;
  expect e;
  uint8_t *raw = NULL, *mem = NULL, *input = NULL;
  size_t raw_len = 0, mem_len = 0, input_len = 0;
  int has_mem = 0;
  uint64_t gas = 1000000;
  unsigned cases = 0;
  if (!f) {
    FAIL("%s: %s", path, strerror(errno));
    return;
  }
  memset(&e, 0, sizeof e);
  for (;;) {
    char *got = fgets(line, sizeof line, f);
    lineno++;
    if (!got || !strncmp(line, "== ", 3)) {
      if (in_case) {
        int any = e.has_r0 || e.has_trap || e.has_verify || e.has_gas || e.has_insns;
        if (!any) FAIL("%s:%d: %s: case has no expectation", path, name_line, name);
        else run_case(path, name, name_line, text ? text : "", len, raw, raw_len, mem, mem_len,
                      has_mem, input, input_len, gas, &e);
        cases++;
      }
      free(raw);
      free(mem);
      free(input);
      raw = mem = input = NULL;
      raw_len = mem_len = input_len = 0;
      has_mem = 0;
      gas = 1000000;
      memset(&e, 0, sizeof e);
      len = 0;
      if (text) text[0] = 0;
      if (!got) break;
      /* Pad with the lines before the case so diagnostics name file lines. */
      if (cap < (size_t)lineno + 1) {
        cap = (size_t)lineno * 2 + 64;
        text = realloc(text, cap);
      }
      memset(text, '\n', (size_t)lineno - 1);
      len = (size_t)lineno - 1;
      text[len] = 0;
      in_case = 1;
      name_line = lineno;
      sscanf(line + 3, "%199s", name);
      /* keep line numbers of the asm equal to the file's: blank line */
    }
    /* The asm text keeps one line per file line so diagnostics point
     * into the .cases file; non-asm lines are blanked. */
    const char *keep = "\n";
    if (in_case && lineno != name_line) {
      if (!strncmp(line, ":: ", 3)) {
        char key[16];
        int consumed = 0;
        sscanf(line + 3, "%15s %n", key, &consumed);
        const char *val = line + 3 + consumed;
        if (!strcmp(key, "mem")) {
          if (parse_hex(val, &mem, &mem_len)) FAIL("%s:%d: bad hex", path, lineno);
          has_mem = 1;
        } else if (!strcmp(key, "input")) {
          if (parse_hex(val, &input, &input_len)) FAIL("%s:%d: bad hex", path, lineno);
        } else if (!strcmp(key, "raw")) {
          if (parse_hex(val, &raw, &raw_len)) FAIL("%s:%d: bad hex", path, lineno);
        } else if (!strcmp(key, "gas")) {
          gas = strtoull(val, NULL, 0);
        } else {
          FAIL("%s:%d: unknown option '%s'", path, lineno, key);
        }
      } else if (!strncmp(line, "-> ", 3)) {
        char key[16], a[64] = "", b[64] = "", c[64] = "";
        int nf = sscanf(line + 3, "%15s %63s %63s %63s", key, a, b, c);
        if (nf >= 2 && !strcmp(key, "r0")) {
          e.has_r0 = 1;
          e.r0 = strtoull(a, NULL, 0);
        } else if (nf >= 2 && !strcmp(key, "trap")) {
          e.has_trap = 1;
          snprintf(e.trap, sizeof e.trap, "%.*s", (int)(sizeof e.trap - 1), a); /* trap names are short */
          if (nf >= 4 && !strcmp(b, "pc")) {
            e.has_trap_pc = 1;
            e.trap_pc = (uint32_t)strtoul(c, NULL, 0);
          }
        } else if (nf >= 2 && !strcmp(key, "gas")) {
          e.has_gas = 1;
          e.gas = strtoull(a, NULL, 0);
        } else if (nf >= 2 && !strcmp(key, "insns")) {
          e.has_insns = 1;
          e.insns = strtoull(a, NULL, 0);
        } else if (nf >= 4 && !strcmp(key, "fault")) {
          e.has_fault = 1;
          e.fault_addr = strtoull(a, NULL, 0);
          e.fault_size = (uint32_t)strtoul(b, NULL, 0);
          e.fault_access = !strcmp(c, "write");
        } else if (nf >= 2 && !strcmp(key, "verify")) {
          e.has_verify = 1;
          snprintf(e.verify, sizeof e.verify, "%.*s", (int)(sizeof e.verify - 1), a); /* rule names are short */
        } else {
          FAIL("%s:%d: bad expectation", path, lineno);
        }
      } else if (line[0] != '#') {
        keep = line;
      }
    }
    size_t kl = strlen(keep);
    if (len + kl + 1 > cap) {
      cap = (len + kl + 1) * 2;
      text = realloc(text, cap);
    }
    memcpy(text + len, keep, kl + 1);
    len += kl;
  }
  fclose(f);
  free(text);
  printf("%s: %u cases\n", path, cases);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: vm_cases --conformance DIR [--negative DIR] | vm_cases FILE.cases...\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--conformance") && i + 1 < argc) conformance_dir(argv[++i], 0);
    else if (!strcmp(argv[i], "--negative") && i + 1 < argc) conformance_dir(argv[++i], 1);
    else cases_file(argv[i]);
  }
  printf("%u passed, %u failed\n", passed, failed);
  return failed || !passed ? 1 : 0;
}
