/* fuzz_asm.c — arbitrary text into the assembler (either dialect).
 *
 * Properties:
 *   - dvm_asm_assemble never crashes or hangs; a rejection (rc > 0) comes
 *     with a diagnostic "FILE:LINE:COL: error: ...";
 *   - an assembled container is loaded by the verifier, which accepts it
 *     or rejects it with a message; an accepted program runs (small gas,
 *     each export and slot 0) identically in both interpreters;
 *   - disassembly round trip: dvm_asm_disasm_container() of the output
 *     assembles again (same syscall table) into the byte-identical
 *     container, with and without comments; the raw-code disassembler
 *     reassembles to the same code.
 * `.include` opens files relative to the (nonexistent) directory of the
 * source name; inputs that mention include and a path separator are
 * skipped so the fuzzer never reads the host's files. The syscall table is
 * progen's test table (t_add, t_sum, t_halt, t_check, t_absent), or, for
 * texts that contain "dvm_", the runtime's numbering without handlers
 * (fuzz_rtnames.h), so contracts assemble and verify. */
#include <ctype.h>
#include <string.h>

#include "assembler.h"
#include "difftest.h"
#include "fuzz.h"
#include "fuzz_rtnames.h"
#include "progen.h"

#define SRC_NAME "/nonexistent-dvm-fuzz/input.s"

static const dvm_vm_syscall_table *table; /* for the input being run */

static int mentions_include_path(const uint8_t *d, size_t n) {
  static const char kw[] = "include";
  int inc = 0, sep = 0;
  for (size_t i = 0; i < n; i++) {
    if (d[i] == '/' || d[i] == '\\') sep = 1;
    if (i + 7 <= n && !inc) {
      size_t k = 0;
      while (k < 7 && tolower(d[i + k]) == kw[k]) k++;
      if (k == 7) inc = 1;
    }
  }
  return inc && sep;
}

static void write_or_die(const dvm_asm_output *o, uint8_t **b, size_t *l, const char *what) {
  if (dvm_asm_output_write(o, b, l)) FUZZ_FAIL("dvm_asm_output_write failed on %s", what);
}

static void roundtrip(const dvm_asm_output *out, const uint8_t *bytes, size_t len, int comments) {
  dvm_asm_disasm_opts opts = {table, comments};
  char *text = NULL, *diag = NULL;
  dvm_asm_output again;
  uint8_t *b2 = NULL;
  size_t l2 = 0;
  if (dvm_asm_disasm_container(&out->c, &opts, &text)) return; /* out of memory */
  int rc = dvm_asm_assemble("roundtrip.s", text, strlen(text), table, &again, &diag);
  if (rc != 0) FUZZ_FAIL("disassembly (comments %d) does not assemble (rc %d):\n%s\n---- text:\n%s",
                         comments, rc, diag ? diag : "(no diagnostic)", text);
  write_or_die(&again, &b2, &l2, "the reassembled output");
  if (l2 != len || memcmp(b2, bytes, len))
    FUZZ_FAIL("round trip changed the container (%zu -> %zu bytes, comments %d):\n%s", len, l2,
              comments, text);
  free(b2);
  free(diag);
  free(text);
  dvm_asm_output_free(&again);
}

static void roundtrip_code(const dvm_vm_container *c) {
  char *text = NULL, *diag = NULL;
  dvm_asm_output again;
  if (!c->code_len) return;
  if (dvm_asm_disasm_code(c->code, c->code_len, NULL, &text)) return;
  int rc = dvm_asm_assemble("code.s", text, strlen(text), table, &again, &diag);
  if (rc != 0) FUZZ_FAIL("raw-code disassembly does not assemble (rc %d):\n%s\n---- text:\n%s", rc,
                         diag ? diag : "(no diagnostic)", text);
  if (again.c.code_len != c->code_len || memcmp(again.c.code, c->code, c->code_len))
    FUZZ_FAIL("raw-code round trip changed the code (%u -> %u bytes):\n%s", c->code_len,
              again.c.code_len, text);
  free(diag);
  free(text);
  dvm_asm_output_free(&again);
}

static void run(const dvm_asm_output *out, const uint8_t *bytes, size_t len) {
  static uint8_t heap[512];
  static char report[4096];
  dvm_vm_program *p = NULL;
  dvm_vm_error err;
  memset(&err, 0, sizeof err);
  int rc = dvm_vm_program_load_container(&p, bytes, len, table, &err);
  if (rc != 0) {
    if (p || !err.msg[0]) FUZZ_FAIL("verifier rejection (rc %d) without a message", rc);
    return;
  }
  for (uint32_t i = 0; i <= out->c.export_count && i < 4; i++) {
    uint32_t entry = i < out->c.export_count ? out->c.exports[i].pc : 0;
    difftest_outcome o;
    rc = difftest_run_prog(p, entry, heap, sizeof heap, NULL, 0, 20000, &o, report, sizeof report);
    if (rc < 0) FUZZ_FAIL("accepted program does not start at %u: %s", entry, report);
    if (rc > 0) FUZZ_FAIL("%s(entry %u, gas 20000)", report, entry);
  }
  dvm_vm_program_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 65536 || mentions_include_path(data, size)) return 0;
  dvm_asm_output out;
  char *diag = NULL;
  table = progen_syscalls();
  for (size_t i = 0; i + 4 <= size; i++)
    if (!memcmp(data + i, "dvm_", 4)) {
      table = fuzz_rt_names();
      break;
    }
  int rc = dvm_asm_assemble(SRC_NAME, (const char *)data, size, table, &out, &diag);
  if (rc > 0) {
    if (!diag || !strstr(diag, "error")) FUZZ_FAIL("%d errors but no error diagnostic", rc);
    free(diag);
    return 0;
  }
  free(diag);
  if (rc < 0) return 0; /* out of memory */
  uint8_t *bytes = NULL;
  size_t len = 0;
  write_or_die(&out, &bytes, &len, "the assembled output");
  run(&out, bytes, len);
  roundtrip(&out, bytes, len, 0);
  roundtrip(&out, bytes, len, 1);
  roundtrip_code(&out.c);
  free(bytes);
  dvm_asm_output_free(&out);
  return 0;
}
