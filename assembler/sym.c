/* sym.c — the symbol table and code emission: what the directives, both
 * dialects and constant expressions share. Calls down into lex.c only. */
#include "asm_private.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Symbols: open addressing on (scope, name). Scope -1 holds the .globl
 * names of every file, once linked. */

static uint64_t sym_hash(int scope, const char *name, size_t n) {
  uint64_t h = 1469598103934665603ull ^ (uint64_t)(uint32_t)scope;
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)name[i]) * 1099511628211ull;
  return h;
}

static int sym_grow(asm_ctx *a) {
  size_t cap = a->symcap ? a->symcap * 2 : 256;
  asm_sym *t = calloc(cap, sizeof *t);
  if (!t) {
    a->oom = 1;
    return -1;
  }
  for (size_t i = 0; i < a->symcap; i++) {
    asm_sym *s = &a->syms[i];
    if (!s->name) continue;
    size_t j = (size_t)sym_hash(s->scope, s->name, s->nlen) & (cap - 1);
    while (t[j].name) j = (j + 1) & (cap - 1);
    t[j] = *s;
  }
  free(a->syms);
  a->syms = t;
  a->symcap = cap;
  return 0;
}

asm_sym *asm_sym_find(asm_ctx *a, int scope, const char *name, size_t n) {
  if (!a->symcap) return NULL;
  size_t j = (size_t)sym_hash(scope, name, n) & (a->symcap - 1);
  while (a->syms[j].name) {
    asm_sym *s = &a->syms[j];
    if (s->scope == scope && s->nlen == n && !memcmp(s->name, name, n)) return s;
    j = (j + 1) & (a->symcap - 1);
  }
  return NULL;
}

asm_sym *asm_sym_get(asm_ctx *a, int scope, const char *name, size_t n) {
  asm_sym *s = asm_sym_find(a, scope, name, n);
  if (s) return s;
  if ((a->nsyms + 1) * 2 > a->symcap && sym_grow(a)) return NULL;
  char *copy = malloc(n + 1);
  if (!copy) {
    a->oom = 1;
    return NULL;
  }
  memcpy(copy, name, n);
  copy[n] = 0;
  size_t j = (size_t)sym_hash(scope, name, n) & (a->symcap - 1);
  while (a->syms[j].name) j = (j + 1) & (a->symcap - 1);
  s = &a->syms[j];
  memset(s, 0, sizeof *s);
  s->name = copy;
  s->nlen = (uint32_t)n;
  s->scope = scope;
  a->nsyms++;
  return s;
}

asm_sym *asm_equ_find(asm_ctx *a, const asm_tok *t) {
  if (t->kind != TK_IDENT) return NULL;
  asm_sym *s = asm_sym_find(a, a->scope, t->s, t->len);
  return s && s->kind == SYM_EQU ? s : NULL;
}

const char *asm_sym_kind_name(int kind) {
  switch (kind) {
  case SYM_CODE: return "a code label";
  case SYM_RODATA: return "a read-only data label";
  case SYM_EQU: return "a constant";
  default: return "undefined";
  }
}

void asm_sym_note_previous(asm_ctx *a, const asm_sym *s) {
  if (s->def.file < 0 || !s->def.line) return;
  dvm_buf_printf(&a->diag, "%s:%u:%u: note: previous definition is here\n", a->files[s->def.file].name,
                 s->def.line, s->def.col + 1);
}

/* ------------------------------------------------------------------ */
/* Emission */

void asm_note_terminator(asm_ctx *a, const char *what) {
  a->after_term = 1;
  a->term_name = what;
}

/* Warnings that need only the encoded instruction. */
static void check_suspicious(asm_ctx *a, const dvm_vm_insn *insn, const asm_loc *at) {
  const dvm_vm_isa_entry *e = dvm_vm_isa_lookup(insn);
  if (!e) return;
  asm_loc l = *at;
  l.col = 0;
  while (l.col < l.ll && (l.ls[l.col] == ' ' || l.ls[l.col] == '\t')) l.col++;
  int writes_dst = e->fmt == DVM_FMT_ALU_IMM || e->fmt == DVM_FMT_ALU_REG || e->fmt == DVM_FMT_UNARY ||
                   e->fmt == DVM_FMT_ENDIAN || e->fmt == DVM_FMT_LDDW || e->fmt == DVM_FMT_LDX;
  if (writes_dst && DVM_VM_INSN_DST(insn) == 10)
    asm_warning(a, &l, "instruction writes r10, the read-only frame pointer (the verifier rejects it)");
  if (e->fmt == DVM_FMT_ALU_IMM && insn->imm == 0) {
    const char *n = e->name;
    if (!strncmp(n, "div", 3) || !strncmp(n, "sdiv", 4))
      asm_warning(a, &l, "division by the constant 0 (the result is 0, RFC 9669)");
    else if (!strncmp(n, "mod", 3) || !strncmp(n, "smod", 4))
      asm_warning(a, &l, "modulo by the constant 0 (dst is left unchanged, RFC 9669)");
  }
}

int64_t asm_emit(asm_ctx *a, const dvm_vm_insn *insn, const asm_loc *at) {
  if (a->section != SEC_TEXT) {
    asm_error(a, at, "instruction outside .text (the current section holds read-only data)");
    return -1;
  }
  if (a->after_term) {
    asm_loc l = *at;
    l.col = 0;
    while (l.col < l.ll && (l.ls[l.col] == ' ' || l.ls[l.col] == '\t')) l.col++;
    asm_warning(a, &l, "unreachable code after '%s' (no label leads here)", a->term_name);
    a->after_term = 0;
  }
  check_suspicious(a, insn, at);
  size_t slots = a->code.len / 8;
  size_t need = insn->opcode == 0x18 ? 2 : 1;
  if (slots + need > DVM_VM_MAX_CODE_SLOTS) {
    if (!a->too_big) asm_error(a, at, "program exceeds %u instruction slots", DVM_VM_MAX_CODE_SLOTS);
    a->too_big = 1;
    return -1;
  }
  uint8_t b[8];
  dvm_vm_insn_encode(insn, b);
  dvm_buf_put(&a->code, b, 8);
  return (int64_t)slots;
}

void asm_fixup_add(asm_ctx *a, int kind, uint32_t at_slot, const asm_tok *name, int64_t addend,
                   const asm_loc *loc) {
  if (a->nfx == a->capfx) {
    size_t cap = a->capfx ? a->capfx * 2 : 64;
    asm_fixup *f = realloc(a->fx, cap * sizeof *f);
    if (!f) {
      a->oom = 1;
      return;
    }
    a->fx = f;
    a->capfx = cap;
  }
  char *copy = malloc(name->len + 1);
  if (!copy) {
    a->oom = 1;
    return;
  }
  memcpy(copy, name->s, name->len);
  copy[name->len] = 0;
  asm_fixup *f = &a->fx[a->nfx++];
  f->kind = (uint8_t)kind;
  f->scope = a->scope;
  f->at = at_slot;
  f->name = copy;
  f->addend = addend;
  f->loc = *loc;
}

void asm_check_shift(asm_ctx *a, const dvm_vm_isa_entry *e, int32_t imm, const asm_loc *at) {
  const char *n = e->name;
  int shift = !strncmp(n, "lsh", 3) || !strncmp(n, "rsh", 3) || !strncmp(n, "arsh", 4);
  int width = e->width;
  if (shift && (imm < 0 || imm >= width))
    asm_warning(a, at, "shift count %d is outside 0..%d for a %d-bit operand (the count is taken modulo %d)", imm,
                width - 1, width, width);
}

void asm_note_exit(asm_ctx *a, int64_t slot) {
  asm_sym *s = asm_sym_get(a, a->scope, EXIT_ALIAS, strlen(EXIT_ALIAS));
  if (s && s->kind == SYM_NONE) {
    s->kind = SYM_CODE;
    s->value = (uint64_t)slot;
    s->def = a->line;
  }
}
