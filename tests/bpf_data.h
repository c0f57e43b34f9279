/* bpf_data.h — parser for the .data files of the public eBPF conformance
 * suite (../shared/conformance/bpf_conformance/tests). A file is a list of
 * sections, each opened by a line starting with "-- ":
 *   -- asm                 assembly (conformance dialect), '#' comments
 *   -- raw                 code bytes: either lines of 0xHHHHHHHHHHHHHHHH
 *                          (one little-endian 64-bit slot per token) or
 *                          lines of two-digit hex bytes
 *   -- mem                 the input memory, two-digit hex bytes
 *   -- result              the expected r0, 0x... or decimal
 *   -- error               the expected error message (may be empty)
 *   -- no register offset  ignored text (the suite's note)
 *   -- c                   the C source the test came from (ignored)
 * Lines starting with '#' outside -- asm and -- c are comments. Used by the
 * assembler tests and the VM conformance runner (library dvm_bpf_data). */
#ifndef DVM_BPF_DATA_H
#define DVM_BPF_DATA_H

#include <stddef.h>
#include <stdint.h>

typedef struct dvm_bpf_data {
  /* -- asm: the file's text with every line outside the asm sections
   * blanked, so line numbers of diagnostics are lines of the .data file.
   * NUL-terminated; NULL when there is no asm section. */
  char *asm_text;
  size_t asm_len;
  uint32_t asm_line; /* line of the first "-- asm" header (0: none) */
  uint8_t *raw;      /* -- raw bytes, NULL when absent */
  size_t raw_len;
  int has_raw;
  uint8_t *mem; /* -- mem bytes, NULL when absent or empty */
  size_t mem_len;
  int has_mem;
  uint64_t result;
  int has_result;
  char *error; /* -- error message (last non-empty line), "" when empty */
  int has_error;
  int no_register_offset;
} dvm_bpf_data;

/* Parse text. Returns 0, or -1 with a message "LINE: why" in err (the
 * structure is then freed and zeroed). Unknown section headers are errors. */
int dvm_bpf_data_parse(const char *text, size_t len, dvm_bpf_data *out, char *err, size_t errlen);
/* Read and parse a file; err says "PATH:LINE: why". */
int dvm_bpf_data_load(const char *path, dvm_bpf_data *out, char *err, size_t errlen);
void dvm_bpf_data_free(dvm_bpf_data *d);

#endif
