/* program.c — loading: verify (verify.c), pre-decode (predecode.c), keep
 * an immutable copy. */
#include "vm_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(dvm_vm_error *err, int code, const char *msg) {
  if (err) {
    err->code = code;
    err->rule = DVM_VERR_NONE;
    err->pc = UINT32_MAX;
    snprintf(err->msg, sizeof err->msg, "%s", msg);
  }
  return code;
}

static int export_cmp(const void *a, const void *b) {
  return strcmp(((const dvm_vm_export *)a)->name, ((const dvm_vm_export *)b)->name);
}

void dvm_vm_program_free(dvm_vm_program *p) {
  if (!p) return;
  free(p->code);
  free(p->rodata);
  free(p->dcode);
  free(p->exports);
  free(p);
}

int dvm_vm_program_load(dvm_vm_program **out, const uint8_t *code, size_t code_len,
                        const uint8_t *rodata, size_t rodata_len,
                        const dvm_vm_export *exports, uint32_t export_count,
                        const dvm_vm_syscall_table *syscalls, dvm_vm_error *err) {
  dvm_vm_program *p;
  int rc;
  if (err) memset(err, 0, sizeof *err);
  if (!out) return fail(err, DVM_VM_ERR_ARG, "no output pointer");
  *out = NULL;
  if ((code_len && !code) || (rodata_len && !rodata) || (export_count && !exports))
    return fail(err, DVM_VM_ERR_ARG, "NULL buffer with a non-zero length");
  if (export_count > DVM_VM_MAX_EXPORTS) return fail(err, DVM_VM_ERR_ARG, "too many exports");
  if (code_len % 8 || code_len == 0 || code_len / 8 > DVM_VM_MAX_CODE_SLOTS ||
      rodata_len > DVM_VM_MAX_RODATA)
    /* The verifier words the size rules, before anything is allocated. */
    return dvm_vm_verify(code, code_len, rodata_len, NULL, 0, syscalls, err);

  p = calloc(1, sizeof *p);
  if (!p) return fail(err, DVM_VM_ERR_NOMEM, "out of memory");
  p->slots = (uint32_t)(code_len / 8);
  p->code = malloc(code_len);
  p->rodata = malloc(rodata_len ? rodata_len : 1);
  p->dcode = calloc(p->slots, sizeof *p->dcode);
  p->exports = calloc(export_count ? export_count : 1, sizeof *p->exports);
  if (!p->code || !p->rodata || !p->dcode || !p->exports) {
    dvm_vm_program_free(p);
    return fail(err, DVM_VM_ERR_NOMEM, "out of memory");
  }
  memcpy(p->code, code, code_len);
  if (rodata_len) memcpy(p->rodata, rodata, rodata_len);
  p->rodata_len = (uint32_t)rodata_len;
  if (export_count) memcpy(p->exports, exports, export_count * sizeof *exports);
  p->export_count = export_count;
  for (uint32_t i = 0; i < export_count; i++) p->exports[i].name[DVM_VM_MAX_NAME] = 0;
  qsort(p->exports, export_count, sizeof *p->exports, export_cmp);
  p->syscalls = syscalls;

  rc = dvm_vm_verify(p->code, code_len, rodata_len, p->exports, export_count, syscalls, err);
  if (rc == DVM_VM_OK) {
    rc = dvm_vm_predecode(p->code, p->slots, p->exports, export_count, p->dcode);
    if (rc != DVM_VM_OK) fail(err, rc, "out of memory");
  }
  if (rc != DVM_VM_OK) {
    dvm_vm_program_free(p);
    return rc;
  }
  *out = p;
  return DVM_VM_OK;
}

int dvm_vm_program_load_container(dvm_vm_program **out, const uint8_t *buf, size_t len,
                                  const dvm_vm_syscall_table *syscalls, dvm_vm_error *err) {
  dvm_vm_container c;
  int rc;
  if (out) *out = NULL;
  rc = dvm_vm_container_parse(&c, buf, len, err);
  if (rc != DVM_VM_OK) return rc;
  rc = dvm_vm_program_load(out, c.code, c.code_len, c.rodata, c.rodata_len, c.exports,
                           c.export_count, syscalls, err);
  if (rc == DVM_VM_OK) (*out)->flags = c.flags;
  dvm_vm_container_free(&c);
  return rc;
}

uint32_t dvm_vm_program_slots(const dvm_vm_program *p) { return p->slots; }
uint32_t dvm_vm_program_flags(const dvm_vm_program *p) { return p->flags; }
const uint8_t *dvm_vm_program_code(const dvm_vm_program *p) { return p->code; }

int dvm_vm_program_export(const dvm_vm_program *p, const char *name, uint32_t *pc) {
  dvm_vm_export key;
  const dvm_vm_export *e;
  if (!name || strlen(name) > DVM_VM_MAX_NAME) return DVM_VM_ERR_ARG;
  memset(&key, 0, sizeof key);
  strcpy(key.name, name);
  e = bsearch(&key, p->exports, p->export_count, sizeof *e, export_cmp);
  if (!e) return DVM_VM_ERR_ARG;
  *pc = e->pc;
  return DVM_VM_OK;
}
