/* asm.c — the assembler driver: files and lines, labels, directives,
 * symbol tables, linking of several sources, fixups and the container. */
#include "asm_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INCLUDE_DEPTH 16
#define MAX_FILES 4096 /* sources and includes together */
#define EXIT_ALIAS " exit" /* hidden symbol: the file's first exit (conformance `ja exit`) */

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

static const char *sym_kind_name(int kind) {
  switch (kind) {
  case SYM_CODE: return "a code label";
  case SYM_RODATA: return "a read-only data label";
  case SYM_EQU: return "a constant";
  default: return "undefined";
  }
}

static void note_previous(asm_ctx *a, const asm_sym *s) {
  if (s->def.file < 0 || !s->def.line) return;
  dvm_buf_printf(&a->diag, "%s:%u:%u: note: previous definition is here\n", a->files[s->def.file].name,
                 s->def.line, s->def.col + 1);
}

/* Define `name` (token t) in the current scope as kind/value. */
static asm_sym *define(asm_ctx *a, const asm_tok *t, int kind, uint64_t value, int redefinable) {
  asm_sym *s = asm_sym_get(a, a->scope, t->s, t->len);
  if (!s) return NULL;
  asm_loc l = asm_tok_loc(a, t);
  if (s->kind != SYM_NONE && !(redefinable && s->kind == SYM_EQU)) {
    asm_error(a, &l, "redefinition of '%.*s' (already %s)", (int)t->len, t->s, sym_kind_name(s->kind));
    note_previous(a, s);
    return NULL;
  }
  s->kind = (uint8_t)kind;
  s->value = value;
  s->def = l;
  return s;
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

/* ------------------------------------------------------------------ */
/* Directives */

static int expect_end(asm_ctx *a, size_t i) {
  if (i >= a->ntoks) return 0;
  asm_loc l = asm_tok_loc(a, &a->toks[i]);
  asm_error(a, &l, "unexpected '%.*s' at the end of the statement", (int)a->toks[i].len, a->toks[i].s);
  return -1;
}

static int expect_comma(asm_ctx *a, size_t *i) {
  if (*i < a->ntoks && asm_tok_is(&a->toks[*i], ",")) {
    (*i)++;
    return 0;
  }
  asm_loc l = *i < a->ntoks ? asm_tok_loc(a, &a->toks[*i]) : asm_eol_loc(a);
  asm_error(a, &l, "expected ','");
  return -1;
}

static int rodata_room(asm_ctx *a, uint64_t n, const asm_loc *at) {
  if (a->rodata.len + n > DVM_VM_MAX_RODATA) {
    asm_error(a, at, "read-only data exceeds %u bytes", DVM_VM_MAX_RODATA);
    return -1;
  }
  return 0;
}

static int need_rodata(asm_ctx *a, const asm_tok *d) {
  asm_loc l = asm_tok_loc(a, d);
  if (a->section == SEC_RODATA) return 0;
  asm_error(a, &l, "data directive '%.*s' in .text (code holds only instructions; put data in .section .rodata)",
            (int)d->len, d->s);
  return -1;
}

static void dir_data(asm_ctx *a, const asm_tok *d, size_t i, unsigned width) {
  if (need_rodata(a, d)) return;
  for (;;) {
    const asm_tok *t = i < a->ntoks ? &a->toks[i] : NULL;
    asm_loc l = t ? asm_tok_loc(a, t) : asm_eol_loc(a);
    if (!t) {
      asm_error(a, &l, "expected a value");
      return;
    }
    if (rodata_room(a, width, &l)) return;
    if (t->kind == TK_IDENT && !asm_equ_find(a, t)) {
      /* a symbol's address: only a 64-bit slot can hold it */
      if (width != 8) {
        asm_error(a, &l, "the address of '%.*s' needs 64 bits (use .quad)", (int)t->len, t->s);
        return;
      }
      size_t j = i + 1;
      int64_t addend = 0;
      if (j < a->ntoks && (asm_tok_is(&a->toks[j], "+") || asm_tok_is(&a->toks[j], "-"))) {
        int neg = asm_tok_is(&a->toks[j], "-");
        j++;
        asm_val v;
        if (asm_expr(a, &j, &v)) return;
        addend = (int64_t)(neg ? 0 - (uint64_t)v.v : (uint64_t)v.v); /* no int64 negation */
      }
      asm_fixup_add(a, FX_QUAD, (uint32_t)a->rodata.len, t, addend, &l);
      dvm_buf_zero(&a->rodata, 8);
      i = j;
    } else {
      asm_val v;
      if (asm_expr(a, &i, &v)) return;
      if (width < 8) {
        int64_t s = (int64_t)v.v;
        int64_t lo = -((int64_t)1 << (width * 8 - 1));
        uint64_t hi = ((uint64_t)1 << (width * 8)) - 1;
        if (s < lo || (s >= 0 && v.v > hi)) {
          asm_error(a, &l, "value %lld does not fit in %u byte%s", (long long)s, width, width > 1 ? "s" : "");
          return;
        }
      }
      dvm_buf_le(&a->rodata, v.v, width);
    }
    if (i >= a->ntoks) return;
    if (expect_comma(a, &i)) return;
  }
}

static void dir_ascii(asm_ctx *a, const asm_tok *d, size_t i, int zero) {
  if (need_rodata(a, d)) return;
  if (i >= a->ntoks) {
    asm_loc l = asm_eol_loc(a);
    asm_error(a, &l, "expected a string");
    return;
  }
  for (;;) {
    const asm_tok *t = &a->toks[i];
    asm_loc l = asm_tok_loc(a, t);
    if (t->kind != TK_STR) {
      asm_error(a, &l, "expected a string");
      return;
    }
    dvm_buf s = {0};
    if (asm_str_decode(a, t, &s)) {
      dvm_buf_free(&s);
      return;
    }
    if (!rodata_room(a, s.len + (size_t)zero, &l)) {
      dvm_buf_put(&a->rodata, s.p, s.len);
      if (zero) dvm_buf_putc(&a->rodata, 0);
    }
    if (s.oom) a->oom = 1;
    dvm_buf_free(&s);
    if (++i >= a->ntoks) return;
    if (expect_comma(a, &i)) return;
    if (i >= a->ntoks) {
      asm_loc e = asm_eol_loc(a);
      asm_error(a, &e, "expected a string");
      return;
    }
  }
}

/* Pad to a power-of-two alignment. */
static void align_to(asm_ctx *a, uint64_t align, uint8_t fill, const asm_loc *at) {
  if (a->section == SEC_TEXT) {
    if (align > 8) asm_error(a, at, "code alignment above 8 bytes is not supported (instructions are 8 bytes)");
    return;
  }
  if (a->section != SEC_RODATA) return;
  uint64_t pad = (align - (a->rodata.len & (align - 1))) & (align - 1);
  if (rodata_room(a, pad, at)) return;
  for (uint64_t k = 0; k < pad; k++) dvm_buf_putc(&a->rodata, fill);
}

static void dir_align(asm_ctx *a, const asm_tok *d, size_t i, int pow2) {
  asm_loc l = i < a->ntoks ? asm_tok_loc(a, &a->toks[i]) : asm_eol_loc(a);
  asm_val v, fill = {0, 0};
  if (asm_expr(a, &i, &v)) return;
  if (i < a->ntoks) {
    if (expect_comma(a, &i) || asm_expr(a, &i, &fill)) return;
    if (i < a->ntoks) { /* max-skip: accepted, ignored */
      asm_val m;
      if (expect_comma(a, &i) || asm_expr(a, &i, &m)) return;
    }
  }
  if (expect_end(a, i)) return;
  uint64_t align;
  if (pow2) {
    if (v.v > 16) {
      asm_error(a, &l, "alignment 2^%llu is too large (at most 2^16)", (unsigned long long)v.v);
      return;
    }
    align = (uint64_t)1 << v.v;
  } else {
    if (v.v == 0 || v.v > 65536 || (v.v & (v.v - 1))) {
      asm_error(a, &l, "alignment %llu is not a power of two up to 65536", (unsigned long long)v.v);
      return;
    }
    align = v.v;
  }
  (void)d;
  align_to(a, align, (uint8_t)fill.v, &l);
}

static void dir_zero(asm_ctx *a, const asm_tok *d, size_t i) {
  if (need_rodata(a, d)) return;
  asm_loc l = i < a->ntoks ? asm_tok_loc(a, &a->toks[i]) : asm_eol_loc(a);
  asm_val n, fill = {0, 0};
  if (asm_expr(a, &i, &n)) return;
  if (i < a->ntoks && (expect_comma(a, &i) || asm_expr(a, &i, &fill))) return;
  if (expect_end(a, i)) return;
  if ((int64_t)n.v < 0 || rodata_room(a, n.v, &l)) {
    if ((int64_t)n.v < 0) asm_error(a, &l, "negative size");
    return;
  }
  for (uint64_t k = 0; k < n.v; k++) dvm_buf_putc(&a->rodata, (int)(uint8_t)fill.v);
}

static int set_section_by_name(asm_ctx *a, const char *nm, size_t n, const char *flags, size_t fl,
                               const asm_loc *at) {
#define PREFIX(p) (n >= sizeof(p) - 1 && !memcmp(nm, p, sizeof(p) - 1))
  int has_w = flags && memchr(flags, 'w', fl) != NULL;
  int has_x = flags && memchr(flags, 'x', fl) != NULL;
  if (PREFIX(".debug") || PREFIX(".BTF") || PREFIX(".llvm") || PREFIX(".note") || PREFIX(".comment") ||
      PREFIX(".eh_frame") || PREFIX("license") || PREFIX(".maps") || PREFIX("maps")) {
    a->section = SEC_IGNORED;
    return 0;
  }
  if (PREFIX(".data") || PREFIX(".bss") || PREFIX(".tbss") || PREFIX(".tdata") || has_w) {
    asm_error(a, at, "writable section '%.*s' is not supported: contracts have no global mutable state "
              "(make the data const, or keep it on the stack or heap)", (int)n, nm);
    return -1;
  }
  if (PREFIX(".text") || has_x) {
    a->section = SEC_TEXT;
    return 0;
  }
  if (PREFIX(".rodata") || (flags && memchr(flags, 'a', fl))) {
    if (a->section != SEC_RODATA) align_to(a, 1, 0, at);
    a->section = SEC_RODATA;
    return 0;
  }
  asm_error(a, at, "unknown section '%.*s' (use .text or .rodata)", (int)n, nm);
  return -1;
#undef PREFIX
}

static void dir_section(asm_ctx *a, size_t i) {
  if (i >= a->ntoks) {
    asm_loc l = asm_eol_loc(a);
    asm_error(a, &l, "expected a section name");
    return;
  }
  const asm_tok *t = &a->toks[i];
  asm_loc l = asm_tok_loc(a, t);
  const char *nm = t->s;
  size_t n = t->len;
  if (t->kind == TK_STR) nm++, n -= 2;
  else if (t->kind != TK_IDENT) {
    asm_error(a, &l, "expected a section name");
    return;
  }
  const char *flags = NULL;
  size_t fl = 0;
  if (i + 2 < a->ntoks && asm_tok_is(&a->toks[i + 1], ",") && a->toks[i + 2].kind == TK_STR) {
    flags = a->toks[i + 2].s + 1;
    fl = a->toks[i + 2].len - 2;
  }
  set_section_by_name(a, nm, n, flags, fl, &l);
}

static void dir_globl(asm_ctx *a, size_t i) {
  for (;;) {
    if (i >= a->ntoks || a->toks[i].kind != TK_IDENT) {
      asm_loc l = i < a->ntoks ? asm_tok_loc(a, &a->toks[i]) : asm_eol_loc(a);
      asm_error(a, &l, "expected a symbol name");
      return;
    }
    const asm_tok *t = &a->toks[i];
    asm_sym *s = asm_sym_get(a, a->scope, t->s, t->len);
    if (!s) return;
    if (!s->global) {
      s->global = 1;
      s->gloc = asm_tok_loc(a, t);
    }
    if (++i >= a->ntoks) return;
    if (expect_comma(a, &i)) return;
  }
}

static void dir_equ(asm_ctx *a, size_t i, int redefinable) {
  if (i >= a->ntoks || a->toks[i].kind != TK_IDENT) {
    asm_loc l = i < a->ntoks ? asm_tok_loc(a, &a->toks[i]) : asm_eol_loc(a);
    asm_error(a, &l, "expected a constant name");
    return;
  }
  const asm_tok *name = &a->toks[i++];
  if (expect_comma(a, &i)) return;
  asm_val v;
  if (asm_expr(a, &i, &v) || expect_end(a, i)) return;
  asm_sym *s = define(a, name, SYM_EQU, v.v, redefinable);
  if (s) s->hexlit = (uint8_t)v.hexlit;
}

static void dir_insn(asm_ctx *a, size_t i) {
  asm_val v[4];
  asm_loc l[4];
  for (int k = 0; k < 4; k++) {
    l[k] = i < a->ntoks ? asm_tok_loc(a, &a->toks[i]) : asm_eol_loc(a);
    if (k && expect_comma(a, &i)) return;
    if (k) l[k] = i < a->ntoks ? asm_tok_loc(a, &a->toks[i]) : asm_eol_loc(a);
    if (asm_expr(a, &i, &v[k])) return;
  }
  if (expect_end(a, i)) return;
  if (v[0].v > 255 || v[1].v > 255) {
    asm_error(a, &l[v[0].v > 255 ? 0 : 1], ".insn opcode and register bytes are 0..255");
    return;
  }
  dvm_vm_insn in = {(uint8_t)v[0].v, (uint8_t)v[1].v, 0, 0};
  if (asm_fit_off16(a, &v[2], &l[2], ".insn offset", &in.off) ||
      asm_fit_imm32(a, &v[3], &l[3], ".insn immediate", &in.imm))
    return;
  /* emitted as one raw slot, whatever the opcode says */
  if (a->section != SEC_TEXT) {
    asm_error(a, &a->line, "instruction outside .text (the current section holds read-only data)");
    return;
  }
  if (a->code.len / 8 + 1 > DVM_VM_MAX_CODE_SLOTS) {
    if (!a->too_big) asm_error(a, &a->line, "program exceeds %u instruction slots", DVM_VM_MAX_CODE_SLOTS);
    a->too_big = 1;
    return;
  }
  a->after_term = 0; /* raw slots may be data the program jumps over */
  uint8_t b[8];
  dvm_vm_insn_encode(&in, b);
  dvm_buf_put(&a->code, b, 8);
}

static void process_file(asm_ctx *a, int fi);

static char *path_join(const char *base, const char *rel, size_t rn) {
  const char *slash = strrchr(base, '/');
  size_t bn = (rel[0] == '/' || !slash) ? 0 : (size_t)(slash - base) + 1;
  char *p = malloc(bn + rn + 1);
  if (!p) return NULL;
  memcpy(p, base, bn);
  memcpy(p + bn, rel, rn);
  p[bn + rn] = 0;
  return p;
}

static int add_file(asm_ctx *a, char *name, const char *text, size_t len, char *owned, int scope, int depth) {
  if (a->nfiles == a->capfiles) {
    size_t cap = a->capfiles ? a->capfiles * 2 : 8;
    asm_file *f = realloc(a->files, cap * sizeof *f);
    if (!f) {
      a->oom = 1;
      free(name);
      free(owned);
      return -1;
    }
    a->files = f;
    a->capfiles = cap;
  }
  asm_file *f = &a->files[a->nfiles];
  f->name = name;
  f->text = text;
  f->len = len;
  f->owned = owned;
  f->scope = scope;
  f->depth = depth;
  return (int)a->nfiles++;
}

static void dir_include(asm_ctx *a, size_t i) {
  asm_loc l = i < a->ntoks ? asm_tok_loc(a, &a->toks[i]) : asm_eol_loc(a);
  if (i >= a->ntoks || a->toks[i].kind != TK_STR) {
    asm_error(a, &l, "expected a file name in quotes");
    return;
  }
  if (expect_end(a, i + 1)) return;
  const asm_file *cur = &a->files[a->cur_file];
  if (a->nfiles >= MAX_FILES) {
    asm_error(a, &l, "more than %d files included", MAX_FILES);
    return;
  }
  if (cur->depth + 1 > MAX_INCLUDE_DEPTH) {
    asm_error(a, &l, ".include nested more than %d deep (a file includes itself?)", MAX_INCLUDE_DEPTH);
    return;
  }
  dvm_buf rel = {0};
  if (asm_str_decode(a, &a->toks[i], &rel)) {
    dvm_buf_free(&rel);
    return;
  }
  if (rel.oom || rel.len == 0 || memchr(rel.p, 0, rel.len)) {
    asm_error(a, &l, "invalid file name");
    dvm_buf_free(&rel);
    return;
  }
  char *path = path_join(cur->name, (const char *)rel.p, rel.len);
  dvm_buf_free(&rel);
  if (!path) {
    a->oom = 1;
    return;
  }
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    asm_error(a, &l, "cannot open '%s'", path);
    free(path);
    return;
  }
  dvm_buf text = {0};
  char chunk[65536];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, fp)) > 0) {
    dvm_buf_put(&text, chunk, got);
    if (text.len > 64u * 1024 * 1024) break;
  }
  int bad = ferror(fp) || text.len > 64u * 1024 * 1024;
  fclose(fp);
  if (bad || text.oom) {
    asm_error(a, &l, "cannot read '%s'", path);
    free(path);
    dvm_buf_free(&text);
    return;
  }
  char *body = (char *)text.p;
  size_t blen = text.len;
  int fi = add_file(a, path, body ? body : "", blen, body, a->scope, cur->depth + 1);
  if (fi < 0) return;
  /* the included text gets its own dialect detection; labels and
   * sections carry over as if pasted in */
  int saved_file = a->cur_file, saved_dialect = a->dialect;
  asm_loc saved_dl = a->dialect_loc;
  process_file(a, fi);
  a->cur_file = saved_file;
  a->dialect = saved_dialect;
  a->dialect_loc = saved_dl;
}

static void directive(asm_ctx *a, size_t i) {
  const asm_tok *d = &a->toks[i];
  asm_loc l = asm_tok_loc(a, d);
  char name[32];
  if (d->len >= sizeof name) {
    asm_error(a, &l, "unknown directive '%.*s'", (int)(d->len > 64 ? 64 : d->len), d->s);
    return;
  }
  memcpy(name, d->s, d->len);
  name[d->len] = 0;
  i++;
  if (a->section == SEC_IGNORED && strcmp(name, ".section") && strcmp(name, ".text") && strcmp(name, ".rodata") &&
      strcmp(name, ".data") && strcmp(name, ".bss"))
    return; /* debug sections: skip their content */

  if (!strcmp(name, ".text")) {
    if (!expect_end(a, i)) a->section = SEC_TEXT;
  } else if (!strcmp(name, ".rodata")) {
    if (!expect_end(a, i)) set_section_by_name(a, ".rodata", 7, NULL, 0, &l);
  } else if (!strcmp(name, ".data") || !strcmp(name, ".bss")) {
    set_section_by_name(a, name, strlen(name), NULL, 0, &l);
  } else if (!strcmp(name, ".section") || !strcmp(name, ".pushsection")) {
    dir_section(a, i);
  } else if (!strcmp(name, ".globl") || !strcmp(name, ".global")) {
    dir_globl(a, i);
  } else if (!strcmp(name, ".byte")) {
    dir_data(a, d, i, 1);
  } else if (!strcmp(name, ".short") || !strcmp(name, ".hword") || !strcmp(name, ".2byte") || !strcmp(name, ".half")) {
    dir_data(a, d, i, 2);
  } else if (!strcmp(name, ".long") || !strcmp(name, ".int") || !strcmp(name, ".4byte") || !strcmp(name, ".word")) {
    dir_data(a, d, i, 4);
  } else if (!strcmp(name, ".quad") || !strcmp(name, ".8byte") || !strcmp(name, ".dword")) {
    dir_data(a, d, i, 8);
  } else if (!strcmp(name, ".ascii")) {
    dir_ascii(a, d, i, 0);
  } else if (!strcmp(name, ".asciz") || !strcmp(name, ".string")) {
    dir_ascii(a, d, i, 1);
  } else if (!strcmp(name, ".zero") || !strcmp(name, ".skip") || !strcmp(name, ".space")) {
    dir_zero(a, d, i);
  } else if (!strcmp(name, ".p2align")) {
    dir_align(a, d, i, 1);
  } else if (!strcmp(name, ".balign") || !strcmp(name, ".align")) {
    dir_align(a, d, i, 0);
  } else if (!strcmp(name, ".equ") || !strcmp(name, ".set")) {
    dir_equ(a, i, name[2] == 's');
  } else if (!strcmp(name, ".include")) {
    dir_include(a, i);
  } else if (!strcmp(name, ".insn")) {
    dir_insn(a, i);
  } else if (!strcmp(name, ".dvm_reentrant")) {
    if (!expect_end(a, i)) a->flags |= DVM_VM_FLAG_REENTRANT;
  } else if (!strcmp(name, ".comm") || !strcmp(name, ".lcomm")) {
    asm_error(a, &l, "writable data ('%s') is not supported: contracts have no global mutable state "
              "(make the data const, or keep it on the stack or heap)", name);
  } else if (!strcmp(name, ".weak")) {
    asm_error(a, &l, "weak symbols are not supported (every symbol is defined exactly once)");
  } else if (!strcmp(name, ".size") || !strcmp(name, ".type") || !strcmp(name, ".file") ||
             !strcmp(name, ".ident") || !strcmp(name, ".addrsig") || !strcmp(name, ".addrsig_sym") ||
             !strcmp(name, ".hidden") || !strcmp(name, ".protected") || !strcmp(name, ".internal") ||
             !strcmp(name, ".local") || !strcmp(name, ".loc") || !strcmp(name, ".popsection") ||
             !strcmp(name, ".previous") || !strncmp(name, ".cfi_", 5)) {
    /* object-file bookkeeping without meaning in a container */
  } else {
    asm_error(a, &l, "unknown directive '%s'", name);
  }
}

/* ------------------------------------------------------------------ */
/* Lines */

static int classify(asm_ctx *a, size_t i) {
  const asm_tok *t = &a->toks[i];
  for (size_t k = i; k < a->ntoks; k++) {
    const asm_tok *u = &a->toks[k];
    if (u->kind == TK_PCT) return DIALECT_CONF;
    if (u->kind == TK_PUNCT && (strchr(u->op, '=') || !strcmp(u->op, "*") || !strcmp(u->op, "(")) &&
        strcmp(u->op, "==") && strcmp(u->op, "!=") && strcmp(u->op, ">=") && strcmp(u->op, "<="))
      if (u->op[0] != '(' || k > i) return DIALECT_LLVM;
  }
  if (asm_tok_is(t, "if") || asm_tok_is(t, "goto") || asm_tok_is(t, "gotol") || asm_tok_is(t, "callx"))
    return DIALECT_LLVM;
  if (asm_reg_llvm(t, NULL) >= 0) return DIALECT_LLVM;
  return asm_conf_classify(a, i);
}

static void statement(asm_ctx *a) {
  size_t i = 0;
  /* labels */
  while (i + 1 < a->ntoks && a->toks[i].kind == TK_IDENT && asm_tok_is(&a->toks[i + 1], ":")) {
    const asm_tok *t = &a->toks[i];
    if (a->section == SEC_TEXT) {
      define(a, t, SYM_CODE, a->code.len / 8, 0);
      a->after_term = 0;
    } else if (a->section == SEC_RODATA) {
      define(a, t, SYM_RODATA, a->rodata.len, 0);
    }
    i += 2;
  }
  if (i >= a->ntoks) return;
  const asm_tok *t = &a->toks[i];
  if (t->kind == TK_IDENT && t->s[0] == '.' && !(i + 1 < a->ntoks && asm_tok_is(&a->toks[i + 1], "="))) {
    directive(a, i);
    return;
  }
  if (a->section == SEC_IGNORED) return;
  if (t->kind != TK_IDENT && !(t->kind == TK_PUNCT && asm_tok_is(t, "*"))) {
    asm_loc l = asm_tok_loc(a, t);
    asm_error(a, &l, "expected an instruction, a directive or a label");
    return;
  }
  int d = classify(a, i);
  if (d && !a->dialect) {
    a->dialect = d;
    a->dialect_loc = asm_tok_loc(a, t);
  } else if (d && d != a->dialect) {
    asm_loc l = asm_tok_loc(a, t);
    asm_error(a, &l, "%s-dialect instruction in a file written in the %s dialect (decided at line %u)",
              d == DIALECT_LLVM ? "LLVM" : "conformance", a->dialect == DIALECT_LLVM ? "LLVM" : "conformance",
              a->dialect_loc.line);
    return;
  }
  if ((d ? d : a->dialect) == DIALECT_LLVM) asm_llvm_insn(a, i);
  else asm_conf_insn(a, i);
}

static void process_file(asm_ctx *a, int fi) {
  a->cur_file = fi;
  a->dialect = DIALECT_NONE;
  const char *text = a->files[fi].text;
  size_t len = a->files[fi].len;
  size_t pos = 0;
  uint32_t lineno = 0;
  while (pos < len && !a->oom) {
    size_t end = pos;
    while (end < len && text[end] != '\n') end++;
    lineno++;
    if (lineno == UINT32_MAX || end - pos > UINT32_MAX / 2) {
      asm_loc l = {fi, 0, 0, 1, NULL, 0};
      asm_error(a, &l, "file too large");
      return;
    }
    a->cur_file = fi;
    a->line = (asm_loc){fi, lineno, 0, 1, text + pos, (uint32_t)(end - pos)};
    if (!asm_lex_line(a)) statement(a);
    pos = end + 1;
  }
}

/* ------------------------------------------------------------------ */
/* Linking */

static asm_sym *resolve(asm_ctx *a, int scope, const char *name) {
  size_t n = strlen(name);
  asm_sym *s = asm_sym_find(a, scope, name, n);
  if (s && s->kind != SYM_NONE) return s;
  s = asm_sym_find(a, -1, name, n);
  if (s) return s;
  if (!strcmp(name, "exit")) {
    s = asm_sym_find(a, scope, EXIT_ALIAS, strlen(EXIT_ALIAS));
    if (s) return s;
  }
  return NULL;
}

static int syscall_number(const dvm_vm_syscall_table *t, const char *name) {
  if (!t || !t->names) return -1;
  for (uint32_t i = 0; i < t->count && i <= INT32_MAX; i++)
    if (t->names[i] && !strcmp(t->names[i], name)) return (int)i;
  return -1;
}

static void link_globals(asm_ctx *a) {
  for (size_t k = 0; k < a->symcap; k++) {
    asm_sym *s = &a->syms[k];
    if (!s->name || !s->global || s->scope < 0) continue;
    if (s->kind == SYM_NONE) {
      asm_error(a, &s->gloc, "'.globl %s' names no label defined in this file", s->name);
      continue;
    }
    if (s->kind == SYM_EQU) {
      asm_error(a, &s->gloc, "'%s' is a constant; .globl names code labels (entry points) or read-only data",
                s->name);
      continue;
    }
    if (s->kind == SYM_CODE && s->nlen > DVM_VM_MAX_NAME) {
      asm_error(a, &s->gloc, "exported name '%s' is longer than %u bytes", s->name, DVM_VM_MAX_NAME);
      continue;
    }
    /* An entry point must be an instruction: a label after the last one
     * cannot be exported (found by the asm fuzzer: the container refused
     * an output the assembler had accepted). */
    if (s->kind == SYM_CODE && s->value >= a->code.len / 8) {
      asm_error(a, &s->gloc, "entry point '%s' is at the end of the code: no instruction follows it",
                s->name);
      continue;
    }
  }
  /* second loop: the table may grow while inserting scope -1 entries, so
   * collect first */
  size_t cap = a->symcap;
  asm_sym **list = malloc((cap ? cap : 1) * sizeof *list);
  if (!list) {
    a->oom = 1;
    return;
  }
  size_t n = 0;
  for (size_t k = 0; k < cap; k++)
    if (a->syms[k].name && a->syms[k].global && a->syms[k].scope >= 0 &&
        ((a->syms[k].kind == SYM_CODE && a->syms[k].nlen <= DVM_VM_MAX_NAME) || a->syms[k].kind == SYM_RODATA))
      list[n++] = &a->syms[k];
  /* copy what we need, pointers die on growth */
  typedef struct gl {
    char *name;
    uint32_t nlen;
    uint8_t kind;
    uint64_t value;
    asm_loc def;
  } gl;
  gl *g = malloc((n ? n : 1) * sizeof *g);
  if (!g) {
    free(list);
    a->oom = 1;
    return;
  }
  for (size_t k = 0; k < n; k++) g[k] = (gl){list[k]->name, list[k]->nlen, list[k]->kind, list[k]->value, list[k]->def};
  free(list);
  for (size_t k = 0; k < n; k++) {
    asm_sym *prev = asm_sym_find(a, -1, g[k].name, g[k].nlen);
    if (prev) {
      asm_error(a, &g[k].def, "global symbol '%s' is defined by two files", g[k].name);
      note_previous(a, prev);
      continue;
    }
    asm_sym *s = asm_sym_get(a, -1, g[k].name, g[k].nlen);
    if (!s) break;
    s->kind = g[k].kind;
    s->global = 1;
    s->value = g[k].value;
    s->def = g[k].def;
  }
  free(g);
}

static void apply_fixups(asm_ctx *a) {
  uint8_t *code = a->code.p;
  for (size_t k = 0; k < a->nfx && !a->oom; k++) {
    asm_fixup *f = &a->fx[k];
    asm_sym *s = resolve(a, f->scope, f->name);
    /* a fixup whose instruction failed to assemble points nowhere */
    if (f->kind == FX_QUAD ? (size_t)f->at + 8 > a->rodata.len
                           : ((size_t)f->at + (f->kind == FX_LDDW ? 2 : 1)) * 8 > a->code.len)
      continue;
    uint8_t *slot = (f->kind == FX_QUAD) ? a->rodata.p + f->at : code + (size_t)f->at * 8;
    if (f->kind == FX_CALL) {
      if (s && s->kind == SYM_CODE) {
        f->kind = FX_CALL_LOCAL;
        slot[1] = (uint8_t)((slot[1] & 0x0f) | 0x10);
      } else {
        int num = syscall_number(a->syscalls, f->name);
        if (num < 0) {
          if (s)
            asm_error(a, &f->loc, "cannot call '%s': it is %s", f->name, sym_kind_name(s->kind));
          else if (!strncmp(f->name, "__", 2) || !strcmp(f->name, "memcpy") || !strcmp(f->name, "memset") ||
                   !strcmp(f->name, "memmove") || !strcmp(f->name, "memcmp"))
            asm_error(a, &f->loc, "call to undefined function '%s' (a compiler runtime routine: contracts have "
                      "no libc or libgcc; rewrite the operation the compiler could not inline)", f->name);
          else if (a->syscalls)
            asm_error(a, &f->loc, "call to undefined function '%s' (not a label, not a syscall name)", f->name);
          else
            asm_error(a, &f->loc, "call to undefined function '%s' (no label; no syscall table given)", f->name);
          continue;
        }
        dvm_vm_insn in = dvm_vm_insn_decode(code, f->at);
        in.imm = num;
        dvm_vm_insn_encode(&in, slot);
        continue;
      }
    }
    if (!s || s->kind == SYM_NONE) {
      asm_error(a, &f->loc, "undefined label '%s'", f->name);
      continue;
    }
    switch (f->kind) {
    case FX_JMP16:
    case FX_JMP32:
    case FX_CALL_LOCAL: {
      if (s->kind != SYM_CODE) {
        asm_error(a, &f->loc, "'%s' is %s, not a code label", f->name, sym_kind_name(s->kind));
        break;
      }
      /* In unsigned arithmetic: a huge addend must not overflow int64_t. */
      int64_t rel = (int64_t)((uint64_t)s->value - ((uint64_t)f->at + 1) + (uint64_t)f->addend);
      dvm_vm_insn in = dvm_vm_insn_decode(code, f->at);
      if (f->kind == FX_JMP16) {
        if (rel < INT16_MIN || rel > INT16_MAX) {
          asm_error(a, &f->loc, "jump to '%s' is %lld slots away; a 16-bit offset reaches +-32767 (%s)", f->name,
                    (long long)rel, in.opcode == 0x05 ? "use ja32 / gotol" : "branch to a nearby ja32 / gotol instead");
          break;
        }
        in.off = (int16_t)rel;
      } else {
        in.imm = (int32_t)rel;
      }
      dvm_vm_insn_encode(&in, slot);
      break;
    }
    case FX_LDDW:
    case FX_QUAD: {
      uint64_t v;
      if (s->kind == SYM_RODATA) {
        v = DVM_VM_ADDR(DVM_VM_REGION_RODATA, 0) + s->value + (uint64_t)f->addend;
      } else if (s->kind == SYM_EQU) {
        v = s->value + (uint64_t)f->addend;
      } else {
        asm_error(a, &f->loc, "'%s' is a code label; only read-only data has an address (no function pointers)",
                  f->name);
        break;
      }
      if (f->kind == FX_LDDW) {
        dvm_vm_insn lo = dvm_vm_insn_decode(code, f->at), hi = dvm_vm_insn_decode(code, f->at + 1);
        lo.imm = (int32_t)(uint32_t)v;
        hi.imm = (int32_t)(uint32_t)(v >> 32);
        dvm_vm_insn_encode(&lo, slot);
        dvm_vm_insn_encode(&hi, slot + 8);
      } else {
        dvm_le_put64(slot, v);
      }
      break;
    }
    }
  }
}

static int sym_out_cmp(const void *x, const void *y) {
  const dvm_vm_symbol *a = x, *b = y;
  size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
  int r = memcmp(a->name, b->name, n);
  if (r) return r;
  return (int)a->name_len - (int)b->name_len;
}

/* Labels kept as debug names: code labels that are not exports, and every
 * read-only data label. */
static int debug_symbol(const asm_sym *s) {
  if (s->nlen > DVM_VM_MAX_NAME || s->name[0] == ' ') return 0;
  return (s->kind == SYM_CODE && !s->global) || s->kind == SYM_RODATA;
}

static int build_output(asm_ctx *a, dvm_asm_output *out) {
  dvm_vm_container *c = &out->c;
  memset(out, 0, sizeof *out);
  c->version = DVM_VM_CONTAINER_VERSION;
  c->flags = a->flags;
  /* exports: scope -1 */
  size_t nex = 0, nsy = 0;
  for (size_t k = 0; k < a->symcap; k++) {
    const asm_sym *s = &a->syms[k];
    if (!s->name) continue;
    if (s->scope == -1) nex += s->kind == SYM_CODE;
    else if (debug_symbol(s)) nsy++;
  }
  if (nex > DVM_VM_MAX_EXPORTS) {
    asm_loc l = {-1, 0, 0, 0, NULL, 0};
    asm_error(a, &l, "%zu exported entry points; at most %u", nex, DVM_VM_MAX_EXPORTS);
    return -1;
  }
  dvm_vm_export *ex = nex ? calloc(nex, sizeof *ex) : NULL;
  dvm_vm_symbol *sy = nsy ? calloc(nsy, sizeof *sy) : NULL;
  if ((nex && !ex) || (nsy && !sy)) {
    free(ex);
    free(sy);
    a->oom = 1;
    return -1;
  }
  size_t ie = 0, is = 0;
  for (size_t k = 0; k < a->symcap; k++) {
    const asm_sym *s = &a->syms[k];
    if (!s->name) continue;
    if (s->scope == -1 && s->kind == SYM_CODE) {
      ex[ie].pc = (uint32_t)s->value;
      ex[ie].name_len = (uint8_t)s->nlen;
      memcpy(ex[ie].name, s->name, s->nlen);
      ie++;
    } else if (s->scope >= 0 && debug_symbol(s)) {
      sy[is].value = (uint32_t)s->value;
      sy[is].kind = s->kind == SYM_CODE ? 0 : 1;
      sy[is].name_len = (uint8_t)s->nlen;
      memcpy(sy[is].name, s->name, s->nlen);
      is++;
    }
  }
  /* Debug names must be unique and distinct from exports: drop every
   * symbol whose name repeats (labels of the same name in two files). */
  if (nsy) qsort(sy, nsy, sizeof *sy, sym_out_cmp);
  size_t w = 0;
  for (size_t k = 0; k < nsy;) {
    size_t e = k + 1;
    while (e < nsy && !sym_out_cmp(&sy[k], &sy[e])) e++;
    const asm_sym *g = asm_sym_find(a, -1, sy[k].name, sy[k].name_len);
    int clash = e - k > 1 || (g && g->kind == SYM_CODE);
    if (!clash) sy[w++] = sy[k];
    k = e;
  }
  nsy = w;
  c->exports = ex;
  c->export_count = (uint32_t)nex;
  c->symbols = sy;
  c->symbol_count = (uint32_t)nsy;
  /* hand over code and rodata */
  c->code = a->code.p;
  c->code_len = (uint32_t)a->code.len;
  a->code.p = NULL;
  a->code.len = a->code.cap = 0;
  if (a->rodata.len) {
    c->rodata = a->rodata.p;
    c->rodata_len = (uint32_t)a->rodata.len;
    a->rodata.p = NULL;
    a->rodata.len = a->rodata.cap = 0;
  }
  /* canonical order, as the container writer would produce */
  uint8_t *bytes;
  size_t blen;
  dvm_vm_container tmp;
  if (dvm_vm_container_write(c, &bytes, &blen) == DVM_VM_OK) {
    if (dvm_vm_container_parse(&tmp, bytes, blen, NULL) == DVM_VM_OK) {
      if (nex) memcpy(ex, tmp.exports, nex * sizeof *ex);
      if (nsy) memcpy(sy, tmp.symbols, nsy * sizeof *sy);
      dvm_vm_container_free(&tmp);
    }
    free(bytes);
  }
  return 0;
}

static void ctx_free(asm_ctx *a) {
  dvm_buf_free(&a->diag);
  dvm_buf_free(&a->code);
  dvm_buf_free(&a->rodata);
  for (size_t k = 0; k < a->nfiles; k++) {
    free(a->files[k].name);
    free(a->files[k].owned);
  }
  free(a->files);
  for (size_t k = 0; k < a->symcap; k++) free(a->syms[k].name);
  free(a->syms);
  for (size_t k = 0; k < a->nfx; k++) free(a->fx[k].name);
  free(a->fx);
  free(a->toks);
}

static char *str_dup(const char *s) {
  size_t n = strlen(s);
  char *p = malloc(n + 1);
  if (p) memcpy(p, s, n + 1);
  return p;
}

int dvm_asm_assemble_many(const dvm_asm_source *srcs, size_t n, const dvm_vm_syscall_table *syscalls,
                          dvm_asm_output *out, char **diag) {
  if (diag) *diag = NULL;
  if (!out) return DVM_ASM_ERR_ARG;
  memset(out, 0, sizeof *out);
  asm_ctx a;
  memset(&a, 0, sizeof a);
  a.syscalls = syscalls;
  for (size_t k = 0; k < n && !a.oom; k++) {
    char *name = str_dup(srcs[k].filename ? srcs[k].filename : "<input>");
    if (!name) {
      a.oom = 1;
      break;
    }
    int fi = add_file(&a, name, srcs[k].text ? srcs[k].text : "", srcs[k].text ? srcs[k].len : 0, NULL, (int)k, 0);
    if (fi < 0) break;
    a.scope = (int)k;
    a.section = SEC_TEXT;
    a.after_term = 0;
    /* each file's data starts 8-byte aligned */
    size_t pad = (8 - (a.rodata.len & 7)) & 7;
    dvm_buf_zero(&a.rodata, pad);
    size_t rodata_start = a.rodata.len;
    process_file(&a, fi);
    if (a.rodata.len == rodata_start) a.rodata.len -= pad; /* no data: no padding */
  }
  /* link even after errors, so every undefined name is reported too */
  if (!a.oom) link_globals(&a);
  if (!a.oom && !a.code.oom && !a.rodata.oom) apply_fixups(&a);
  if (!a.oom && a.nerr == 0 && a.code.len == 0) {
    asm_loc l = {n ? 0 : -1, 0, 0, 0, NULL, 0};
    asm_error(&a, &l, "no instructions (a program needs at least one)");
  }
  int rc;
  if (a.oom || a.code.oom || a.rodata.oom) {
    rc = DVM_ASM_ERR_NOMEM;
  } else if (a.nerr) {
    rc = a.nerr;
  } else {
    rc = build_output(&a, out);
    if (a.oom) rc = DVM_ASM_ERR_NOMEM;
    else if (a.nerr) rc = a.nerr;
    if (rc) dvm_asm_output_free(out);
  }
  if (a.nerr > 0 || a.nwarn > 0) {
    if (a.nerr) dvm_buf_printf(&a.diag, "%d error%s generated.\n", a.nerr, a.nerr == 1 ? "" : "s");
    if (diag) *diag = dvm_buf_cstr(&a.diag);
  }
  ctx_free(&a);
  return rc;
}

int dvm_asm_assemble(const char *filename, const char *text, size_t len, const dvm_vm_syscall_table *syscalls,
                     dvm_asm_output *out, char **diag) {
  dvm_asm_source s = {filename, text, len};
  return dvm_asm_assemble_many(&s, 1, syscalls, out, diag);
}

void dvm_asm_output_free(dvm_asm_output *out) {
  if (!out) return;
  free((void *)out->c.code);
  free((void *)out->c.rodata);
  free(out->c.exports);
  free(out->c.symbols);
  memset(out, 0, sizeof *out);
}

int dvm_asm_output_write(const dvm_asm_output *out, uint8_t **bytes, size_t *len) {
  if (!out) return DVM_VM_ERR_ARG;
  return dvm_vm_container_write(&out->c, bytes, len);
}

void asm_note_exit(asm_ctx *a, int64_t slot) {
  asm_sym *s = asm_sym_get(a, a->scope, EXIT_ALIAS, strlen(EXIT_ALIAS));
  if (s && s->kind == SYM_NONE) {
    s->kind = SYM_CODE;
    s->value = (uint64_t)slot;
    s->def = a->line;
  }
}
