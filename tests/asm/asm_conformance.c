/* asm_conformance.c — the assembler against the public eBPF conformance
 * suite (spec/assembler.md, "Acceptance"):
 *   tests/: every -- asm section assembles; where a -- raw section exists
 *           the code is byte-identical to it; asm -> disasm -> asm gives
 *           the identical container.
 *   negative/: the files that are assembler errors are rejected with a
 *           diagnostic naming the offending line; the others assemble (or
 *           carry raw code, which must disassemble and reassemble).
 * usage: asm_conformance SUITE_DIR   (the folder holding tests/ and negative/) */
#include "assembler.h"
#include "bpf_data.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                   \
  do {                                     \
    if (!(cond)) {                         \
      fprintf(stderr, "FAIL: " __VA_ARGS__); \
      fputc('\n', stderr);                 \
      failures++;                          \
    }                                      \
  } while (0)

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static size_t list_data(const char *dir, char ***out) {
  DIR *d = opendir(dir);
  size_t n = 0, cap = 0;
  char **v = NULL;
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 6 || strcmp(e->d_name + l - 5, ".data")) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 64;
      v = realloc(v, cap * sizeof *v);
      if (!v) abort();
    }
    size_t pl = strlen(dir) + l + 2;
    v[n] = malloc(pl);
    if (!v[n]) abort();
    snprintf(v[n], pl, "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n) qsort(v, n, sizeof *v, cmp_str);
  *out = v;
  return n;
}

/* container -> disasm -> asm -> identical bytes */
static int round_trip_in(const char *name, const dvm_vm_container *c, int llvm);

/* the disassembly in both dialects */
static int round_trip(const char *name, const dvm_vm_container *c) {
  int a = round_trip_in(name, c, 0);
  int b = round_trip_in(name, c, 1);
  return a && b;
}

static int round_trip_in(const char *name, const dvm_vm_container *c, int llvm) {
  dvm_asm_disasm_opts opts = {NULL, llvm ? DVM_ASM_DISASM_LLVM : 0};
  uint8_t *b1 = NULL, *b2 = NULL;
  size_t l1 = 0, l2 = 0;
  char *text = NULL, *diag = NULL;
  int ok = 0;
  dvm_asm_output o2;
  memset(&o2, 0, sizeof o2);
  if (dvm_vm_container_write(c, &b1, &l1)) {
    CHECK(0, "%s: container_write", name);
    goto out;
  }
  if (dvm_asm_disasm_container(c, &opts, &text)) {
    CHECK(0, "%s: disasm", name);
    goto out;
  }
  int rc = dvm_asm_assemble("disasm.s", text, strlen(text), NULL, &o2, &diag);
  if (rc) {
    CHECK(0, "%s: reassembly failed:\n%s\n--- text:\n%s", name, diag ? diag : "", text);
    goto out;
  }
  if (dvm_vm_container_write(&o2.c, &b2, &l2)) {
    CHECK(0, "%s: container_write 2", name);
    goto out;
  }
  ok = l1 == l2 && !memcmp(b1, b2, l1);
  CHECK(ok, "%s: round trip differs\n--- text:\n%s", name, text);
out:
  free(b1);
  free(b2);
  free(text);
  free(diag);
  dvm_asm_output_free(&o2);
  return ok;
}

static int first_asm_line(const dvm_bpf_data *d) {
  /* line of the first statement in the asm text */
  int line = 1;
  const char *s = d->asm_text;
  while (*s) {
    const char *e = strchr(s, '\n');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    size_t k = 0;
    while (k < n && (s[k] == ' ' || s[k] == '\t')) k++;
    if (k < n && s[k] != '#') return line;
    if (!e) break;
    s = e + 1;
    line++;
  }
  return 0;
}

/* negative/ files that are assembler (or .data syntax) errors */
static const char *const asm_errors[] = {
  "invalid_imm32_dec_range", "invalid_imm32_hex_range", "invalid_label",    "invalid_lock",
  "invalid_lock2",           "invalid_mnemonic",        "invalid_offset",   "invalid_offset_range",
  "invalid_operand_count",   "invalid_register",        "invalid_unknown_directive",
};

static int is_asm_error(const char *path) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  for (size_t i = 0; i < sizeof asm_errors / sizeof *asm_errors; i++)
    if (!strncmp(b, asm_errors[i], strlen(asm_errors[i])) && !strcmp(b + strlen(asm_errors[i]), ".data")) return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s SUITE_DIR\n", argv[0]);
    return 2;
  }
  char dir[4096];
  char **files;
  int assembled = 0, raw_checked = 0, trips = 0, rejected = 0, raw_only = 0;

  snprintf(dir, sizeof dir, "%s/tests", argv[1]);
  size_t n = list_data(dir, &files);
  CHECK(n > 0, "no .data files in %s", dir);
  for (size_t i = 0; i < n; i++) {
    dvm_bpf_data d;
    char err[512];
    if (dvm_bpf_data_load(files[i], &d, err, sizeof err)) {
      CHECK(0, "%s", err);
      free(files[i]);
      continue;
    }
    CHECK(d.asm_text != NULL, "%s: no -- asm section", files[i]);
    if (d.asm_text) {
      dvm_asm_output o;
      char *diag = NULL;
      int rc = dvm_asm_assemble(files[i], d.asm_text, d.asm_len, NULL, &o, &diag);
      CHECK(rc == 0, "%s: assembly failed (%d):\n%s", files[i], rc, diag ? diag : "");
      if (rc == 0) {
        assembled++;
        if (d.has_raw) {
          CHECK(d.raw_len == o.c.code_len && !memcmp(d.raw, o.c.code, d.raw_len), "%s: code differs from -- raw",
                files[i]);
          raw_checked++;
        }
        trips += round_trip(files[i], &o.c);
        dvm_asm_output_free(&o);
      }
      free(diag);
    }
    dvm_bpf_data_free(&d);
    free(files[i]);
  }
  free(files);

  snprintf(dir, sizeof dir, "%s/negative", argv[1]);
  n = list_data(dir, &files);
  CHECK(n > 0, "no .data files in %s", dir);
  for (size_t i = 0; i < n; i++) {
    dvm_bpf_data d;
    char err[512];
    int expect_err = is_asm_error(files[i]);
    if (dvm_bpf_data_load(files[i], &d, err, sizeof err)) {
      /* a .data syntax error is reported with its line */
      CHECK(expect_err, "%s", err);
      CHECK(strstr(err, ".data:") != NULL, "%s: error names no line", err);
      if (expect_err) rejected++;
      free(files[i]);
      continue;
    }
    if (d.asm_text) {
      dvm_asm_output o;
      char *diag = NULL;
      int rc = dvm_asm_assemble(files[i], d.asm_text, d.asm_len, NULL, &o, &diag);
      if (expect_err) {
        char want[4200];
        snprintf(want, sizeof want, "%s:%d:", files[i], first_asm_line(&d));
        CHECK(rc > 0, "%s: accepted, expected an assembler error", files[i]);
        CHECK(diag && strstr(diag, want) && strstr(diag, ": error: "), "%s: diagnostic does not name %s:\n%s",
              files[i], want, diag ? diag : "(none)");
        if (rc > 0) rejected++;
      } else {
        CHECK(rc == 0, "%s: assembly failed:\n%s", files[i], diag ? diag : "");
        if (rc == 0) trips += round_trip(files[i], &o.c);
      }
      if (rc == 0) dvm_asm_output_free(&o);
      free(diag);
    } else if (d.has_raw) {
      dvm_vm_container c;
      memset(&c, 0, sizeof c);
      c.version = DVM_VM_CONTAINER_VERSION;
      c.code = d.raw;
      c.code_len = (uint32_t)d.raw_len;
      if (d.raw_len) trips += round_trip(files[i], &c), raw_only++;
    } else {
      CHECK(!expect_err, "%s: no asm", files[i]);
    }
    dvm_bpf_data_free(&d);
    free(files[i]);
  }
  free(files);
  printf("assembled %d, matched -- raw %d, round trips %d (%d raw-only), assembler errors rejected %d/%zu\n",
         assembled, raw_checked, trips, raw_only, rejected, sizeof asm_errors / sizeof *asm_errors);
  CHECK(rejected == (int)(sizeof asm_errors / sizeof *asm_errors), "not every assembler-error file was rejected");
  if (failures) fprintf(stderr, "%d failure(s)\n", failures);
  return failures ? 1 : 0;
}
