/* test_errors.c — the one error space (spec/errors.md): base/errors.def and
 * the enums of the library headers agree both ways, every code lies in its
 * library's range and is unique, dvm_strerror's text starts with the code's
 * name, every per-library strerror gives the same text, and spec/errors.md
 * lists every code.
 *
 * usage: test_errors SPEC_ERRORS_MD HEADER... */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"
#include "base.h"
#include "fx.h"
#include "runtime.h"
#include "state.h"
#include "tx.h"
#include "vm.h"

/* def -> headers: each code in errors.def has the same value in its header
 * (a compile error otherwise). */
#define DVM_ERR_SAME(name, value, message)                                                         \
  _Static_assert((int)(name) == (value), #name " differs between its header and base/errors.def");
#define DVM_ERR_VM DVM_ERR_SAME
#define DVM_ERR_STATE DVM_ERR_SAME
#define DVM_ERR_TX DVM_ERR_SAME
#define DVM_ERR_RT DVM_ERR_SAME
#define DVM_ERR_FX DVM_ERR_SAME
#define DVM_ERR_ASM DVM_ERR_SAME
#define DVM_ERR_BASE DVM_ERR_SAME
#include "errors.def"
#undef DVM_ERR_SAME

typedef struct row {
  const char *name;
  int value;
  int range; /* the hundreds of the library's range */
  const char *(*own)(int); /* the library's own strerror, or NULL */
} row;

static const row rows[] = {
#define DVM_ERR_VM(n, v, m) {#n, v, 1, dvm_vm_strerror},
#define DVM_ERR_STATE(n, v, m) {#n, v, 2, dvm_state_strerror},
#define DVM_ERR_TX(n, v, m) {#n, v, 3, dvm_tx_strerror},
#define DVM_ERR_RT(n, v, m) {#n, v, 4, dvm_rt_strerror},
#define DVM_ERR_FX(n, v, m) {#n, v, 5, dvm_fx_strerror},
#define DVM_ERR_ASM(n, v, m) {#n, v, 6, NULL},
#define DVM_ERR_BASE(n, v, m) {#n, v, 9, NULL},
#include "errors.def"
};
#define NROWS (sizeof rows / sizeof rows[0])

static int failures;
#define FAIL(...)                                                                                  \
  do {                                                                                             \
    fprintf(stderr, "FAIL: " __VA_ARGS__);                                                         \
    fputc('\n', stderr);                                                                           \
    failures++;                                                                                    \
  } while (0)

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  dvm_buf b = {0};
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) dvm_buf_put(&b, chunk, got);
  fclose(f);
  return dvm_buf_cstr(&b);
}

static const row *by_name(const char *name, size_t len) {
  for (size_t i = 0; i < NROWS; i++)
    if (strlen(rows[i].name) == len && !memcmp(rows[i].name, name, len)) return &rows[i];
  return NULL;
}

/* headers -> def: every "DVM_X = -N" (enum) or "#define DVM_X (-N)" with
 * N >= 100 in a header is a row of errors.def with the same value. */
static void scan_header(const char *path) {
  char *text = slurp(path);
  if (!text) {
    FAIL("%s: cannot read", path);
    return;
  }
  int found = 0;
  for (char *p = strstr(text, "DVM_"); p; p = strstr(p + 1, "DVM_")) {
    if (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) continue;
    size_t n = 0;
    while (isupper((unsigned char)p[n]) || isdigit((unsigned char)p[n]) || p[n] == '_') n++;
    const char *q = p + n;
    while (*q == ' ' || *q == '\t' || *q == '=' || *q == '(') q++;
    if (*q != '-' || !isdigit((unsigned char)q[1])) continue;
    long v = -strtol(q + 1, NULL, 10);
    if (v > -100) continue; /* not an error code (e.g. a -1 sentinel) */
    found++;
    const row *r = by_name(p, n);
    if (!r) FAIL("%s: %.*s = %ld is not in base/errors.def", path, (int)n, p, v);
    else if (r->value != v) FAIL("%s: %.*s = %ld, errors.def says %d", path, (int)n, p, v, r->value);
  }
  if (!found) FAIL("%s: no error codes found (wrong file?)", path);
  free(text);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: test_errors SPEC_ERRORS_MD HEADER...\n");
    return 2;
  }
  char *spec = slurp(argv[1]);
  if (!spec) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  for (size_t i = 0; i < NROWS; i++) {
    const row *r = &rows[i];
    if (r->value > -(r->range * 100 + 1) || r->value < -(r->range * 100 + 99))
      FAIL("%s = %d outside its library's range -%d01..-%d99", r->name, r->value, r->range, r->range);
    for (size_t j = 0; j < i; j++)
      if (rows[j].value == r->value) FAIL("%s and %s share %d", rows[j].name, r->name, r->value);
    const char *text = dvm_strerror(r->value);
    size_t nl = strlen(r->name);
    if (strncmp(text, r->name, nl) || strncmp(text + nl, ": ", 2) || !text[nl + 2])
      FAIL("dvm_strerror(%d) = \"%s\" does not start with \"%s: \"", r->value, text, r->name);
    if (!dvm_errname(r->value) || strcmp(dvm_errname(r->value), r->name))
      FAIL("dvm_errname(%d) is not %s", r->value, r->name);
    if (r->own && strcmp(r->own(r->value), text))
      FAIL("the library's strerror(%d) = \"%s\" differs from dvm_strerror's", r->value, r->own(r->value));
    char tick[80];
    snprintf(tick, sizeof tick, "`%s`", r->name);
    if (!strstr(spec, tick)) FAIL("%s: %s is not listed", argv[1], tick);
  }
  if (strcmp(dvm_strerror(0), "ok") || strcmp(dvm_errname(0), "DVM_OK"))
    FAIL("code 0 is not \"ok\" / DVM_OK");
  if (dvm_errname(-100) != NULL || dvm_errname(1) != NULL || dvm_errname(-30798) != NULL)
    FAIL("dvm_errname names an undefined code");
  if (strcmp(dvm_strerror(-100), "unknown error code (not in base/errors.def)"))
    FAIL("unknown code text: %s", dvm_strerror(-100));
  /* the VM keeps its own copy (it uses libc only): unknown codes alike too */
  if (strcmp(dvm_vm_strerror(-100), dvm_strerror(-100)) || strcmp(dvm_vm_strerror(0), "ok"))
    FAIL("dvm_vm_strerror differs from dvm_strerror on 0 or an unknown code");
  for (int i = 2; i < argc; i++) scan_header(argv[i]);
  free(spec);
  if (failures) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("error space: %zu codes, headers and spec agree\n", NROWS);
  return 0;
}
