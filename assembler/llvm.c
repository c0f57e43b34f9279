/* llvm.c — the LLVM BPF pseudo-C dialect (placeholder). */
#include "asm_private.h"

void asm_llvm_insn(asm_ctx *a, size_t i) {
  asm_loc l = asm_tok_loc(a, &a->toks[i]);
  asm_error(a, &l, "LLVM dialect not implemented yet");
}
