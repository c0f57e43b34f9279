/* assembler.h — the DVM assembler and disassembler (spec/assembler.md).
 *
 * The only public header of assembler/. It turns eBPF assembly, in either
 * of two syntaxes detected per file, into a program container
 * (spec/container.md), and a container or raw code back into source that
 * assembles to the same bytes:
 *   - the conformance dialect of the public eBPF conformance suite:
 *       mov %r0, 1 / ldxdw %r0, [%r1+8] / lock fetch add [%r10-8], %r1
 *   - the LLVM BPF pseudo-C dialect of `clang -target bpf -S`:
 *       r1 = *(u64 *)(r10 - 8) / if r1 s> 5 goto LBB0_3 / r1 = .L.str ll
 *
 * The library uses libc and vm/ only. It never aborts and never loops on
 * any input; every failure is a diagnostic. Nothing here keeps global
 * state: calls are independent and thread-safe. */
#ifndef DVM_ASSEMBLER_H
#define DVM_ASSEMBLER_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* API failures: -601..-699 of the one error space (spec/errors.md,
 * base/errors.def). Errors in the source are diagnostics, counted. */
typedef enum dvm_asm_err {
  DVM_ASM_OK = 0,
  DVM_ASM_ERR_NOMEM = -601, /* an allocation failed */
  DVM_ASM_ERR_ARG = -602,   /* a NULL output pointer or malformed code */
} dvm_asm_err;

/* An assembled program. c.code, c.rodata, c.exports and c.symbols all point
 * into memory the output owns; dvm_asm_output_free() releases it. */
typedef struct dvm_asm_output {
  dvm_vm_container c;
} dvm_asm_output;

/* One source text. `filename` names it in diagnostics and anchors relative
 * `.include` paths; the text need not be NUL-terminated. */
typedef struct dvm_asm_source {
  const char *filename;
  const char *text;
  size_t len;
} dvm_asm_source;

/* Assemble one source text (dialect detected). Returns 0 on success and
 * fills *out; otherwise the number of errors (> 0), or DVM_ASM_ERR_NOMEM
 * when memory ran out (DVM_ASM_ERR_ARG: out is NULL), and *out is zeroed. Diagnostics (errors and warnings, as
 * "FILE:LINE:COL: error: MESSAGE" followed by the source line and a caret)
 * are returned in *diag as a malloc'd NUL-terminated string the caller
 * frees, or NULL when there are none; diag may be NULL to discard them.
 * syscalls may be NULL: `call NAME` then resolves only to local functions.
 * The syscall table is read during the call only. */
int dvm_asm_assemble(const char *filename, const char *text, size_t len,
                     const dvm_vm_syscall_table *syscalls, dvm_asm_output *out, char **diag);

/* Assemble and link several sources into one container, in order: their
 * code is concatenated, then their read-only data (each file's data starts
 * 8-byte aligned). Labels are local to their file unless named by
 * `.globl`; `.globl` names are visible to every file and exported. Same
 * return and ownership rules as dvm_asm_assemble. */
int dvm_asm_assemble_many(const dvm_asm_source *srcs, size_t n,
                          const dvm_vm_syscall_table *syscalls, dvm_asm_output *out,
                          char **diag);

/* Release what an output owns and zero it. Safe on a zeroed output. */
void dvm_asm_output_free(dvm_asm_output *out);

/* Serialize an output's container (dvm_vm_container_write). */
int dvm_asm_output_write(const dvm_asm_output *out, uint8_t **bytes, size_t *len);

/* Disassembler options. */
typedef struct dvm_asm_disasm_opts {
  const dvm_vm_syscall_table *syscalls; /* print `call NAME` when known; may be NULL */
  unsigned flags;                       /* DVM_ASM_DISASM_* */
} dvm_asm_disasm_opts;

#define DVM_ASM_DISASM_COMMENTS 0x1u /* append a "# pc N" comment to each instruction */
#define DVM_ASM_DISASM_LLVM     0x2u /* print the LLVM dialect instead of the conformance one */

/* Disassemble a parsed container into source (conformance dialect, or the
 * LLVM dialect with DVM_ASM_DISASM_LLVM) that dvm_asm_assemble turns back into the
 * byte-identical container (same syscall table). Slots that are not canonical instructions print as
 * `.insn` directives. Returns 0 and a malloc'd NUL-terminated text in
 * *text (caller frees), or DVM_ASM_ERR_NOMEM when memory ran out
 * (DVM_ASM_ERR_ARG: text NULL, or no code / code not whole slots). opts may be NULL. */
int dvm_asm_disasm_container(const dvm_vm_container *c, const dvm_asm_disasm_opts *opts,
                             char **text);

/* Disassemble raw little-endian code (len a multiple of 8; a trailing
 * partial slot is printed as a comment). Same contract as above. */
int dvm_asm_disasm_code(const uint8_t *code, size_t len, const dvm_asm_disasm_opts *opts,
                        char **text);

#ifdef __cplusplus
}
#endif
#endif /* DVM_ASSEMBLER_H */
