/* plugin.c — see plugin.h. */
#include "plugin.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"
#include "vm.h"

#define PLUGIN_GAS 1000000000ull /* far above any suite test; bounds a loop */

static char *read_stdin(void) {
  dvm_buf b = {0};
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0) dvm_buf_put(&b, chunk, got);
  if (ferror(stdin)) {
    dvm_buf_free(&b);
    return NULL;
  }
  return dvm_buf_cstr(&b);
}

int dvm_cli_plugin_run(const char *name, const char *mem_hex, int use_ref, FILE *errout) {
  int rc = 1;
  char *text = NULL;
  uint8_t *code = NULL, *mem = NULL, *heap = NULL;
  size_t code_len = 0, mem_len = 0;
  char err[128];
  dvm_vm_program *prog = NULL;
  dvm_vm_exec *vm = NULL;
  dvm_vm_error verr;

  if (!(text = read_stdin())) {
    fprintf(errout, "%s: stdin: %s\n", name, errno ? strerror(errno) : "read failed");
    return 1;
  }
  if (dvm_hex_parse_loose(text, &code, &code_len, err, sizeof err)) {
    fprintf(errout, "%s: program: %s\n", name, err);
    goto out;
  }
  if (mem_hex && dvm_hex_parse_loose(mem_hex, &mem, &mem_len, err, sizeof err)) {
    fprintf(errout, "%s: memory: %s\n", name, err);
    goto out;
  }
  if (mem_len > UINT32_MAX) {
    fprintf(errout, "%s: memory larger than 4 GiB - 1\n", name);
    goto out;
  }
  /* The protocol has no host functions: no syscall is known. */
  if (dvm_vm_program_load(&prog, code, code_len, NULL, 0, NULL, 0, NULL, &verr) != DVM_VM_OK) {
    fprintf(errout, "%s: program: %s: %s\n", name, dvm_strerror(verr.code), verr.msg);
    goto out;
  }
  heap = calloc(mem_len ? mem_len : 1, 1);
  vm = malloc(sizeof *vm);
  if (!heap || !vm) {
    fprintf(errout, "%s: out of memory\n", name);
    goto out;
  }
  if (mem_len) memcpy(heap, mem, mem_len);
  int irc = dvm_vm_exec_init(vm, prog, 0, PLUGIN_GAS, heap, (uint32_t)mem_len, (uint32_t)mem_len,
                             NULL, 0, NULL);
  if (irc != DVM_VM_OK) {
    fprintf(errout, "%s: %s\n", name, dvm_strerror(irc));
    goto out;
  }
  dvm_vm_reg_set(vm, 1, mem_len ? DVM_VM_ADDR(DVM_VM_REGION_HEAP, 0) : 0);
  dvm_vm_reg_set(vm, 2, mem_len);
  const dvm_vm_result *res = use_ref ? dvm_vm_run_ref(vm) : dvm_vm_run_fast(vm);
  if (res->status == DVM_VM_STATUS_TRAP) {
    fprintf(errout, "%s: trap %s at pc %" PRIu32 "\n", name, dvm_vm_trap_name(res->trap), res->pc);
    goto out;
  }
  printf("%" PRIx64 "\n", res->r0);
  rc = 0;
out:
  free(vm);
  free(heap);
  free(mem);
  free(code);
  free(text);
  dvm_vm_program_free(prog);
  return rc;
}
