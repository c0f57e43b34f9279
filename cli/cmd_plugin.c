/* cmd_plugin.c — `dvm plugin [--interp fast|ref] [MEM]`: the plugin
 * protocol of the public eBPF conformance suite, so its own runner can
 * drive the VM. Program bytes arrive on stdin as hex ("b7 00 00 ..."), the
 * memory as one argument in the same format; r1 points to a writable copy
 * of the memory, r2 holds its length. Prints r0 in hex and exits 0, or
 * prints the error and exits 1. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "cli.h"
#include "vm.h"

int dvm_cli_cmd_plugin(int argc, char **argv) {
  const char *mem_hex = NULL;
  int use_ref = 0, rc = 1;
  uint8_t *text = NULL, *code = NULL, *mem = NULL, *heap = NULL;
  size_t text_len, code_len = 0, mem_len = 0;
  char err[128];
  dvm_vm_program *prog = NULL;
  dvm_vm_exec *vm = NULL;

  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--interp") && i + 1 < argc) {
      use_ref = !strcmp(argv[++i], "ref");
    } else if (!mem_hex) {
      mem_hex = argv[i];
    } else {
      fprintf(stderr, "dvm plugin: unexpected argument '%s'\n", argv[i]);
      return 1;
    }
  }
  if (dvm_cli_read_file("-", &text, &text_len)) {
    fprintf(stderr, "dvm plugin: stdin: %s\n", strerror(errno));
    return 1;
  }
  if (dvm_hex_parse_loose((const char *)text, &code, &code_len, err, sizeof err)) {
    fprintf(stderr, "dvm plugin: program: %s\n", err);
    goto out;
  }
  if (mem_hex && dvm_hex_parse_loose(mem_hex, &mem, &mem_len, err, sizeof err)) {
    fprintf(stderr, "dvm plugin: memory: %s\n", err);
    goto out;
  }
  if (mem_len > UINT32_MAX) {
    fprintf(stderr, "dvm plugin: memory larger than 4 GiB - 1\n");
    goto out;
  }
  /* The protocol has no host functions: no syscall is known. */
  if (dvm_cli_load_raw(code, code_len, NULL, &prog, "program")) goto out;
  heap = calloc(mem_len ? mem_len : 1, 1);
  vm = malloc(sizeof *vm);
  if (!heap || !vm) {
    fprintf(stderr, "dvm plugin: out of memory\n");
    goto out;
  }
  if (mem_len) memcpy(heap, mem, mem_len);
  if (dvm_vm_exec_init(vm, prog, 0, 1000000000ull, heap, (uint32_t)mem_len, (uint32_t)mem_len, NULL,
                       0, NULL) != DVM_VM_OK)
    goto out;
  dvm_vm_reg_set(vm, 1, mem_len ? DVM_VM_ADDR(DVM_VM_REGION_HEAP, 0) : 0);
  dvm_vm_reg_set(vm, 2, mem_len);
  const dvm_vm_result *res = use_ref ? dvm_vm_run_ref(vm) : dvm_vm_run_fast(vm);
  if (res->status == DVM_VM_STATUS_TRAP) {
    fprintf(stderr, "dvm plugin: trap %s at pc %" PRIu32 "\n", dvm_vm_trap_name(res->trap), res->pc);
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
