/* asm.c — the assembler driver: files and lines, labels, directives, and
 * dvm_asm_assemble_many, which reads every source, then links (link.c).
 * Below it: the dialects (conf.c, llvm.c), expressions (expr.c), symbols
 * and emission (sym.c), the lexer and diagnostics (lex.c); none calls back
 * up into this file. */
#include "asm_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INCLUDE_DEPTH 16
#define MAX_FILES 4096 /* sources and includes together */

/* Define `name` (token t) in the current scope as kind/value. */
static asm_sym *define(asm_ctx *a, const asm_tok *t, int kind, uint64_t value, int redefinable) {
  asm_sym *s = asm_sym_get(a, a->scope, t->s, t->len);
  if (!s) return NULL;
  asm_loc l = asm_tok_loc(a, t);
  if (s->kind != SYM_NONE && !(redefinable && s->kind == SYM_EQU)) {
    asm_error(a, &l, "redefinition of '%.*s' (already %s)", (int)t->len, t->s, asm_sym_kind_name(s->kind));
    asm_sym_note_previous(a, s);
    return NULL;
  }
  s->kind = (uint8_t)kind;
  s->value = value;
  s->def = l;
  return s;
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
      uint8_t b[8];
      for (unsigned k = 0; k < width; k++) b[k] = (uint8_t)(v.v >> (8 * k));
      dvm_buf_put(&a->rodata, b, width);
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
  if (!out) return -1;
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
  if (!a.oom) asm_link_globals(&a);
  if (!a.oom && !a.code.oom && !a.rodata.oom) asm_apply_fixups(&a);
  if (!a.oom && a.nerr == 0 && a.code.len == 0) {
    asm_loc l = {n ? 0 : -1, 0, 0, 0, NULL, 0};
    asm_error(&a, &l, "no instructions (a program needs at least one)");
  }
  int rc;
  if (a.oom || a.code.oom || a.rodata.oom) {
    rc = -1;
  } else if (a.nerr) {
    rc = a.nerr;
  } else {
    rc = asm_build_output(&a, out);
    if (a.oom) rc = -1;
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

