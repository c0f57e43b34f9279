/* test_verifier.c — verifier rules that cases/verifier.cases cannot state
 * in a few bytes (size limits, entry points), and the shape of every
 * rejection: rule, pc and a "pc N: why" message (spec/verifier.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

static unsigned passed, failed;

static void check(int cond, const char *what) {
  if (cond) passed++;
  else {
    failed++;
    fprintf(stderr, "FAIL %s\n", what);
  }
}

static void put(uint8_t *code, uint32_t pc, uint8_t op, uint8_t regs, int16_t off, int32_t imm) {
  dvm_vm_insn i = {op, regs, off, imm};
  dvm_vm_insn_encode(&i, code + 8 * (size_t)pc);
}

int main(void) {
  dvm_vm_program *p;
  dvm_vm_error err;
  uint8_t small[32];

  /* too_long: one slot past the limit. */
  {
    size_t n = DVM_VM_MAX_CODE_SLOTS + 1;
    uint8_t *code = calloc(n, 8);
    for (uint32_t i = 0; i < n; i++) put(code, i, 0x95, 0, 0, 0);
    int rc = dvm_vm_program_load(&p, code, n * 8, NULL, 0, NULL, 0, NULL, &err);
    check(rc == DVM_VM_ERR_VERIFY && err.rule == DVM_VERR_TOO_LONG && p == NULL, "too_long");
    /* and exactly the limit is fine */
    rc = dvm_vm_program_load(&p, code, (n - 1) * 8, NULL, 0, NULL, 0, NULL, &err);
    check(rc == DVM_VM_OK, "max slots accepted");
    dvm_vm_program_free(p);
    free(code);
  }
  /* rodata_too_long */
  {
    uint8_t *ro = calloc(DVM_VM_MAX_RODATA + 1, 1);
    put(small, 0, 0x95, 0, 0, 0);
    int rc = dvm_vm_program_load(&p, small, 8, ro, DVM_VM_MAX_RODATA + 1, NULL, 0, NULL, &err);
    check(rc == DVM_VM_ERR_VERIFY && err.rule == DVM_VERR_RODATA_TOO_LONG, "rodata_too_long");
    free(ro);
  }
  /* export: an entry point must be an instruction start. */
  {
    dvm_vm_export ex;
    memset(&ex, 0, sizeof ex);
    strcpy(ex.name, "f");
    ex.name_len = 1;
    put(small, 0, 0x18, 0, 0, 1);
    put(small, 1, 0x00, 0, 0, 0);
    put(small, 2, 0x95, 0, 0, 0);
    ex.pc = 1;
    int rc = dvm_vm_program_load(&p, small, 24, NULL, 0, &ex, 1, NULL, &err);
    check(rc == DVM_VM_ERR_VERIFY && err.rule == DVM_VERR_EXPORT && err.pc == 1, "export into lddw");
    ex.pc = 3;
    rc = dvm_vm_program_load(&p, small, 24, NULL, 0, &ex, 1, NULL, &err);
    check(rc == DVM_VM_ERR_VERIFY && err.rule == DVM_VERR_EXPORT, "export past the end");
    ex.pc = 2;
    rc = dvm_vm_program_load(&p, small, 24, NULL, 0, &ex, 1, NULL, &err);
    uint32_t pc = 99;
    check(rc == DVM_VM_OK && dvm_vm_program_export(p, "f", &pc) == DVM_VM_OK && pc == 2,
          "export accepted and found");
    check(dvm_vm_program_export(p, "g", &pc) == DVM_VM_ERR_ARG, "unknown export");
    /* An entry point is a leader: execution may start there. */
    dvm_vm_exec *vm = malloc(sizeof *vm);
    check(dvm_vm_exec_init(vm, p, 2, 10, NULL, 0, 0, NULL, 0, NULL) == DVM_VM_OK, "start at export");
    check(dvm_vm_exec_init(vm, p, 1, 10, NULL, 0, 0, NULL, 0, NULL) == DVM_VM_ERR_ARG,
          "no start inside lddw");
    free(vm);
    dvm_vm_program_free(p);
  }
  /* Message shape: names the pc and says why. */
  {
    put(small, 0, 0xb7, 0, 0, 0);
    put(small, 1, 0x8d, 0, 0, 0);
    put(small, 2, 0x95, 0, 0, 0);
    int rc = dvm_vm_program_load(&p, small, 24, NULL, 0, NULL, 0, NULL, &err);
    check(rc == DVM_VM_ERR_VERIFY && err.pc == 1 && !strncmp(err.msg, "pc 1: ", 6) &&
              strstr(err.msg, "callx") != NULL,
          "message names pc and reason");
    check(!strcmp(dvm_vm_verr_name(err.rule), "opcode"), "rule name");
  }
  /* Every rule has a name. */
  for (int r = 0; r < DVM_VERR_COUNT_; r++) check(strcmp(dvm_vm_verr_name(r), "unknown") != 0, "rule named");
  /* A failed load leaves *out NULL and allocates nothing (ASan checks). */
  {
    p = (dvm_vm_program *)small;
    int rc = dvm_vm_program_load(&p, small, 3, NULL, 0, NULL, 0, NULL, &err);
    check(rc == DVM_VM_ERR_VERIFY && p == NULL, "out cleared on failure");
  }
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
