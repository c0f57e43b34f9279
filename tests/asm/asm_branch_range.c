/* asm_branch_range.c — a 16-bit branch offset at its limits (issue 14): a
 * `ja` over exactly 32767 slots assembles to off 32767; one slot more is a
 * diagnostic (never a silently wrapped offset), and `ja32` reaches it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"

static int failures;

/* "ja L" (or ja32), n filler instructions, "L: exit". Returns the assembler's rc. */
static int build(const char *op, int n, int32_t *rel) {
  size_t cap = (size_t)n * 16 + 64, len = 0;
  char *src = malloc(cap);
  len += (size_t)snprintf(src + len, cap - len, "%s L\n", op);
  for (int i = 0; i < n; i++) len += (size_t)snprintf(src + len, cap - len, "mov %%r0, 0\n");
  len += (size_t)snprintf(src + len, cap - len, "L:\nexit\n");
  dvm_asm_output out;
  int rc = dvm_asm_assemble("range.s", src, len, NULL, &out, NULL);
  if (rc == 0) {
    dvm_vm_insn in = dvm_vm_insn_decode(out.c.code, 0);
    *rel = in.opcode == 0x06 ? in.imm : in.off;
    dvm_asm_output_free(&out);
  }
  free(src);
  return rc;
}

int main(void) {
  int32_t rel = 0;
  int rc = build("ja", 32767, &rel);
  if (rc != 0 || rel != 32767) printf("FAIL ja over 32767 slots: rc %d off %d\n", rc, rel), failures++;
  rc = build("ja", 32768, &rel);
  if (rc <= 0) printf("FAIL ja over 32768 slots: rc %d (off %d), expected a diagnostic\n", rc, rel), failures++;
  rc = build("ja32", 32768, &rel);
  if (rc != 0 || rel != 32768) printf("FAIL ja32 over 32768 slots: rc %d imm %d\n", rc, rel), failures++;
  printf("asm_branch_range: %s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
