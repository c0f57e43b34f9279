/* cli_util.c — see cli_util.h. */
#include "cli_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"
#include "base.h"

int dvm_cli_load_raw(const uint8_t *code, size_t len, const dvm_vm_syscall_table *syscalls,
                     dvm_vm_program **out, const char *what) {
  dvm_vm_error err;
  if (dvm_vm_program_load(out, code, len, NULL, 0, NULL, 0, syscalls, &err) != DVM_VM_OK) {
    fprintf(stderr, "dvm: %s: %s: %s\n", what, dvm_strerror(err.code), err.msg);
    return 1;
  }
  return 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && !strcmp(s + a - b, suffix);
}

int dvm_cli_load_program(const char *path, const dvm_vm_syscall_table *syscalls,
                         dvm_vm_program **out) {
  uint8_t *buf;
  size_t len;
  int rc = 1;
  dvm_vm_error err;
  if (dvm_buf_read_file(path, &buf, &len)) {
    fprintf(stderr, "dvm: %s: %s\n", path, strerror(errno));
    return 1;
  }
  if (ends_with(path, ".s") || ends_with(path, ".asm")) {
    dvm_asm_output o;
    char *diag = NULL;
    int n = dvm_asm_assemble(path, (const char *)buf, len, syscalls, &o, &diag);
    if (diag) fputs(diag, stderr);
    free(diag);
    if (n != 0) {
      fprintf(stderr, "dvm: %s: assembly failed\n", path);
    } else {
      if (dvm_vm_program_load(out, o.c.code, o.c.code_len, o.c.rodata, o.c.rodata_len, o.c.exports,
                              o.c.export_count, syscalls, &err) == DVM_VM_OK)
        rc = 0;
      else
        fprintf(stderr, "dvm: %s: %s: %s\n", path, dvm_strerror(err.code), err.msg);
      dvm_asm_output_free(&o);
    }
  } else if (ends_with(path, ".dvm") || dvm_vm_is_container(buf, len)) {
    if (dvm_vm_program_load_container(out, buf, len, syscalls, &err) == DVM_VM_OK)
      rc = 0;
    else
      fprintf(stderr, "dvm: %s: %s: %s\n", path, dvm_strerror(err.code), err.msg);
  } else {
    rc = dvm_cli_load_raw(buf, len, syscalls, out, path);
  }
  free(buf);
  return rc;
}
