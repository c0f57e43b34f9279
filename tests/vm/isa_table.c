/* isa_table.c — spec/isa.md's instruction table is derived from
 * vm/isa.def. `isa_table --print` prints it; `isa_table SPEC` checks that
 * the block between the markers in SPEC is exactly that text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

static const char *const fmt_names[] = {
  "dst, imm", "dst, src", "dst", "dst (width in imm)", "dst, imm64", "dst, [src+off]",
  "[dst+off], imm", "[dst+off], src", "[dst+off], src", "off", "imm", "dst, imm, off",
  "dst, src, off", "imm (syscall number)", "imm (pc-relative)", "-",
};

static size_t render(char *out, size_t cap) {
  size_t n = 0, count;
  const dvm_vm_isa_entry *t = dvm_vm_isa_table(&count);
  n += (size_t)snprintf(out + n, cap - n,
                        "| opcode | variant | mnemonic | operands | semantics |\n"
                        "|---|---|---|---|---|\n");
  for (size_t i = 0; i < count && n < cap; i++) {
    char variant[32] = "";
    if (t[i].match == DVM_MATCH_OFF) snprintf(variant, sizeof variant, "off=%d", t[i].match_val);
    else if (t[i].match == DVM_MATCH_IMM) snprintf(variant, sizeof variant, "imm=0x%02x", t[i].match_val);
    else if (t[i].match == DVM_MATCH_SRC) snprintf(variant, sizeof variant, "src=%d", t[i].match_val);
    n += (size_t)snprintf(out + n, cap - n, "| 0x%02x | %s | `%s` | %s | %s |\n", t[i].opcode,
                          variant, t[i].name, fmt_names[t[i].fmt], t[i].sem);
  }
  return n;
}

int main(int argc, char **argv) {
  static char table[65536];
  size_t n = render(table, sizeof table);
  if (argc == 2 && !strcmp(argv[1], "--print")) {
    fwrite(table, 1, n, stdout);
    return 0;
  }
  if (argc != 2) {
    fprintf(stderr, "usage: isa_table --print | isa_table spec/isa.md\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "rb");
  static char spec[1 << 20];
  size_t len = f ? fread(spec, 1, sizeof spec - 1, f) : 0;
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  fclose(f);
  spec[len] = 0;
  const char *begin = strstr(spec, "<!-- isa-table:begin -->\n");
  const char *end = strstr(spec, "<!-- isa-table:end -->");
  if (!begin || !end) {
    fprintf(stderr, "%s: isa-table markers not found\n", argv[1]);
    return 1;
  }
  begin += strlen("<!-- isa-table:begin -->\n");
  if ((size_t)(end - begin) != n || memcmp(begin, table, n)) {
    fprintf(stderr, "%s: the instruction table differs from vm/isa.def; regenerate it with "
                    "`isa_table --print`\n", argv[1]);
    return 1;
  }
  printf("spec/isa.md table matches vm/isa.def (%zu bytes)\n", n);
  return 0;
}
