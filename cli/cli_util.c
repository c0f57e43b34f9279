/* cli_util.c — see cli_util.h. */
#include "cli_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"

int dvm_cli_read_file(const char *path, uint8_t **buf, size_t *len) {
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  size_t cap = 4096, n = 0;
  uint8_t *b;
  if (!f) return -1;
  b = malloc(cap + 1);
  if (!b) goto fail;
  for (;;) {
    size_t got = fread(b + n, 1, cap - n, f);
    n += got;
    if (n < cap) {
      if (ferror(f)) goto fail;
      break;
    }
    uint8_t *nb = cap > SIZE_MAX / 4 ? NULL : realloc(b, cap * 2 + 1);
    if (!nb) goto fail;
    b = nb;
    cap *= 2;
  }
  b[n] = 0;
  if (f != stdin) fclose(f);
  *buf = b;
  *len = n;
  return 0;
fail: {
  int e = errno ? errno : ENOMEM;
  free(b);
  if (f != stdin) fclose(f);
  errno = e;
  return -1;
}
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int dvm_cli_parse_hex(const char *text, uint8_t **buf, size_t *len, char *err, size_t errlen) {
  size_t tl = strlen(text), n = 0;
  uint8_t *b = malloc(tl / 2 + 1);
  const char *s = text;
  if (!b) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',') s++;
    if (!*s) break;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    int hi = hexval((unsigned char)s[0]), lo = hi < 0 ? -1 : hexval((unsigned char)s[1]);
    if (hi < 0 || lo < 0) {
      snprintf(err, errlen, "bad hex at offset %zu: expected two hex digits", (size_t)(s - text));
      free(b);
      return -1;
    }
    b[n++] = (uint8_t)(hi << 4 | lo);
    s += 2;
  }
  *buf = b;
  *len = n;
  return 0;
}

int dvm_cli_load_raw(const uint8_t *code, size_t len, const dvm_vm_syscall_table *syscalls,
                     dvm_vm_program **out, const char *what) {
  dvm_vm_error err;
  if (dvm_vm_program_load(out, code, len, NULL, 0, NULL, 0, syscalls, &err) != DVM_VM_OK) {
    fprintf(stderr, "dvm: %s: %s: %s\n", what, dvm_vm_strerror(err.code), err.msg);
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
  if (dvm_cli_read_file(path, &buf, &len)) {
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
        fprintf(stderr, "dvm: %s: %s: %s\n", path, dvm_vm_strerror(err.code), err.msg);
      dvm_asm_output_free(&o);
    }
  } else if (ends_with(path, ".dvm") || dvm_vm_is_container(buf, len)) {
    if (dvm_vm_program_load_container(out, buf, len, syscalls, &err) == DVM_VM_OK)
      rc = 0;
    else
      fprintf(stderr, "dvm: %s: %s: %s\n", path, dvm_vm_strerror(err.code), err.msg);
  } else {
    rc = dvm_cli_load_raw(buf, len, syscalls, out, path);
  }
  free(buf);
  return rc;
}
