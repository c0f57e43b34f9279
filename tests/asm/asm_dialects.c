/* asm_dialects.c — the LLVM dialect against the conformance dialect
 * (spec/assembler.md §2.2-2.3): each line of dialects.txt encodes the same
 * in both, and whole programs in both dialects give identical containers.
 * usage: asm_dialects tests/asm/dialects.txt */
#include "assembler.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static int assemble(const char *name, const char *text, dvm_asm_output *o) {
  char *diag = NULL;
  int rc = dvm_asm_assemble(name, text, strlen(text), dvm_rt_syscalls(), o, &diag);
  if (rc) fprintf(stderr, "%s: assembly failed:\n%s--- source:\n%s\n", name, diag ? diag : "", text);
  free(diag);
  return rc;
}

static int same_container(const dvm_asm_output *a, const dvm_asm_output *b) {
  uint8_t *x = NULL, *y = NULL;
  size_t xl = 0, yl = 0;
  int same = !dvm_asm_output_write(a, &x, &xl) && !dvm_asm_output_write(b, &y, &yl) && xl == yl && !memcmp(x, y, xl);
  free(x);
  free(y);
  return same;
}

static const char llvm_prog[] =
  "\t.text\n"
  "\t.globl\tmain                            # -- Begin function main\n"
  "\t.p2align\t3\n"
  "\t.type\tmain,@function\n"
  "main:                                   # @main\n"
  "# %bb.0:\n"
  "\tr1 = msg ll\n"
  "\tr6 = 0\n"
  "LBB0_1:\n"
  "\tr2 = *(u8 *)(r1 + 0)\n"
  "\tif r2 == 0 goto LBB0_3\n"
  "\tr6 += r2\n"
  "\tr1 += 1\n"
  "\tgoto LBB0_1\n"
  "LBB0_3:\n"
  "\tr1 = r6\n"
  "\tcall square\n"
  "\tcall dvm_block_height\n"
  "\texit\n"
  ".Lfunc_end0:\n"
  "\t.size\tmain, .Lfunc_end0-main\n"
  "square:\n"
  "\tr0 = r1\n"
  "\tr0 *= r1\n"
  "\texit\n"
  "\t.section\t.rodata.str1.1,\"aMS\",@progbits,1\n"
  "msg:\n"
  "\t.asciz\t\"abc\"\n"
  "\t.size\tmsg, 4\n"
  "\t.addrsig\n";

static const char conf_prog[] =
  ".globl main\n"
  "main:\n"
  "\tlddw %r1, msg\n"
  "\tmov %r6, 0\n"
  "LBB0_1:\n"
  "\tldxb %r2, [%r1]\n"
  "\tjeq %r2, 0, LBB0_3\n"
  "\tadd %r6, %r2\n"
  "\tadd %r1, 1\n"
  "\tja LBB0_1\n"
  "LBB0_3:\n"
  "\tmov %r1, %r6\n"
  "\tcall local square\n"
  "\tcall dvm_block_height\n"
  "\texit\n"
  ".Lfunc_end0:\n"
  "square:\n"
  "\tmov %r0, %r1\n"
  "\tmul %r0, %r1\n"
  "\texit\n"
  ".section .rodata\n"
  "msg:\n"
  "\t.asciz \"abc\"\n";

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s dialects.txt\n", argv[0]);
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  char line[1024];
  int n = 0, lineno = 0;
  while (fgets(line, sizeof line, f)) {
    lineno++;
    line[strcspn(line, "\n")] = 0;
    if (!line[0] || line[0] == '#') continue;
    char *sep = strstr(line, " || ");
    if (!sep) {
      fprintf(stderr, "%s:%d: no ' || '\n", argv[1], lineno);
      failures++;
      continue;
    }
    *sep = 0;
    char l1[1100], l2[1100];
    snprintf(l1, sizeof l1, "%s\n", line);
    snprintf(l2, sizeof l2, "%s\n", sep + 4);
    dvm_asm_output a, b;
    int ra = assemble("llvm.s", l1, &a), rb = assemble("conf.s", l2, &b);
    if (ra || rb) {
      fprintf(stderr, "%s:%d: not assembled\n", argv[1], lineno);
      failures++;
    } else if (a.c.code_len != b.c.code_len || memcmp(a.c.code, b.c.code, a.c.code_len)) {
      fprintf(stderr, "%s:%d: '%s' and '%s' encode differently\n", argv[1], lineno, line, sep + 4);
      failures++;
    }
    if (!ra) dvm_asm_output_free(&a);
    if (!rb) dvm_asm_output_free(&b);
    n++;
  }
  fclose(f);

  /* whole programs: labels, local calls, syscalls, read-only data */
  dvm_asm_output a, b;
  if (assemble("llvm_prog.s", llvm_prog, &a) || assemble("conf_prog.s", conf_prog, &b)) {
    failures++;
  } else {
    if (!same_container(&a, &b)) {
      fprintf(stderr, "the two programs give different containers\n");
      failures++;
    }
    dvm_asm_output_free(&a);
    dvm_asm_output_free(&b);
  }
  printf("%d instruction pairs, 1 program pair, %d failures\n", n, failures);
  return failures || n < 100 ? 1 : 0;
}
