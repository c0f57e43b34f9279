/* asm_private.h — what the files of assembler/ share and nobody else sees:
 * growable buffers, the lexer's tokens, the assembler context, symbols,
 * fixups and diagnostics. */
#ifndef DVM_ASM_PRIVATE_H
#define DVM_ASM_PRIVATE_H

#include "assembler.h"
#include "base.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Growable byte buffers are base.h's dvm_buf (sticky oom flag). */

/* ---- tokens of one line ---- */
enum {
  TK_EOL = 0,
  TK_IDENT, /* [A-Za-z_.$][A-Za-z0-9_.$]* */
  TK_PCT,   /* %name (conformance registers) */
  TK_NUM,   /* decimal or 0x hex or 0b binary literal */
  TK_STR,   /* "..." with C escapes; s/len include the quotes */
  TK_PUNCT, /* operator or punctuation, text in op */
};

typedef struct asm_tok {
  uint8_t kind;
  uint8_t hex;     /* TK_NUM written in hexadecimal (a bit pattern) */
  uint8_t space;   /* whitespace precedes the token */
  char op[5];      /* TK_PUNCT text */
  uint32_t col;    /* byte offset in the line */
  uint32_t len;    /* bytes of source text */
  const char *s;   /* start in the line */
  uint64_t num;    /* TK_NUM value */
} asm_tok;

/* ---- source files and locations ---- */
typedef struct asm_file {
  char *name;       /* as given (owned) */
  const char *text; /* borrowed or owned */
  size_t len;
  char *owned;      /* text read by .include, freed at the end */
  int scope;        /* label scope: the top-level source's index */
  int depth;        /* .include nesting */
} asm_file;

typedef struct asm_loc {
  int file;       /* index into ctx->files, -1 when none */
  uint32_t line;  /* 1-based */
  uint32_t col;   /* byte offset in the line (0-based) */
  uint32_t span;  /* caret length, >= 1 */
  const char *ls; /* the line's text */
  uint32_t ll;    /* its length */
} asm_loc;

/* ---- symbols ---- */
enum { SYM_NONE = 0, SYM_CODE, SYM_RODATA, SYM_EQU };

typedef struct asm_sym {
  char *name;
  uint32_t nlen;
  int scope;
  uint8_t kind;    /* SYM_* (SYM_NONE: only named by .globl so far) */
  uint8_t global;  /* named by .globl */
  uint8_t hexlit;  /* EQU whose value is a plain hex literal */
  uint64_t value;  /* slot, rodata offset or constant */
  asm_loc def;     /* where defined */
  asm_loc gloc;    /* where .globl named it */
} asm_sym;

/* ---- fixups: operands that name labels, resolved after all files ---- */
enum {
  FX_JMP16,      /* off = target - (slot + 1) */
  FX_JMP32,      /* imm = target - (slot + 1) (ja32) */
  FX_CALL_LOCAL, /* imm = target - (slot + 1), src = 1 */
  FX_CALL,       /* local function if a code label, else syscall by name */
  FX_LDDW,       /* imm64 = rodata address of the symbol + addend */
  FX_QUAD,       /* rodata u64 = rodata address of the symbol + addend */
};

typedef struct asm_fixup {
  uint8_t kind;
  int scope;
  uint32_t at; /* slot, or rodata offset for FX_QUAD */
  char *name;
  int64_t addend;
  asm_loc loc;
} asm_fixup;

enum { DIALECT_NONE = 0, DIALECT_CONF = 1, DIALECT_LLVM = 2 };
enum { SEC_TEXT = 0, SEC_RODATA = 1, SEC_IGNORED = 2 };

typedef struct asm_ctx {
  const dvm_vm_syscall_table *syscalls;
  dvm_buf diag;
  int nerr, nwarn;
  int oom;

  asm_file *files;
  size_t nfiles, capfiles;

  dvm_buf code;   /* 8 bytes per slot */
  dvm_buf rodata;
  uint32_t flags;

  asm_sym *syms;  /* open-addressing hash by (scope, name) */
  size_t symcap, nsyms;
  asm_fixup *fx;
  size_t nfx, capfx;

  /* per-file state */
  int cur_file;   /* index of the file being read */
  int scope;
  int section;
  int dialect;
  asm_loc dialect_loc;
  int after_term;   /* last code statement was exit or an unconditional jump */
  const char *term_name;
  int too_big;

  /* the line being parsed */
  asm_tok *toks;
  size_t ntoks, captoks;
  asm_loc line;
} asm_ctx;

/* ---- diagnostics (lex.c) ---- */
void asm_error(asm_ctx *a, const asm_loc *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void asm_warning(asm_ctx *a, const asm_loc *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
asm_loc asm_tok_loc(const asm_ctx *a, const asm_tok *t); /* location of a token of the current line */
asm_loc asm_eol_loc(const asm_ctx *a);                  /* just past the last token */

/* ---- lexer (lex.c): tokenizes a->line into a->toks; 0 or -1 after a diagnostic ---- */
int asm_lex_line(asm_ctx *a);
/* Decode a TK_STR into out; 0 or -1 after a diagnostic. */
int asm_str_decode(asm_ctx *a, const asm_tok *t, dvm_buf *out);
int asm_tok_is(const asm_tok *t, const char *text); /* ident or punct with this text */

/* ---- constant expressions (expr.c) ---- */
typedef struct asm_val {
  uint64_t v;
  int hexlit; /* a lone hex literal: may spell a bit pattern */
} asm_val;
/* Parse an expression from toks[*i]; constants only (numbers and .equ
 * names). 0 on success, -1 after a diagnostic. */
int asm_expr(asm_ctx *a, size_t *i, asm_val *out);
/* True when toks[i] can start an expression. */
int asm_expr_starts(const asm_ctx *a, size_t i);
/* Range checks; 0 or -1 after a diagnostic naming `what` at loc. */
int asm_fit_imm32(asm_ctx *a, const asm_val *v, const asm_loc *at, const char *what, int32_t *out);
int asm_fit_off16(asm_ctx *a, const asm_val *v, const asm_loc *at, const char *what, int16_t *out);

/* ---- symbols and code emission (sym.c) ---- */
#define EXIT_ALIAS " exit" /* hidden symbol: the file's first exit (conformance `ja exit`) */
asm_sym *asm_sym_find(asm_ctx *a, int scope, const char *name, size_t n);
asm_sym *asm_sym_get(asm_ctx *a, int scope, const char *name, size_t n); /* create if absent */
const char *asm_sym_kind_name(int kind);              /* "a code label", ... for messages */
void asm_sym_note_previous(asm_ctx *a, const asm_sym *s); /* "note: previous definition is here" */
/* Append an instruction to .text; returns its slot or -1. `t` locates errors. */
int64_t asm_emit(asm_ctx *a, const dvm_vm_insn *insn, const asm_loc *at);
void asm_fixup_add(asm_ctx *a, int kind, uint32_t at_slot, const asm_tok *name, int64_t addend,
                   const asm_loc *loc);
/* Record the current file's first exit (target of a conformance `ja exit`). */
void asm_note_exit(asm_ctx *a, int64_t slot);
/* Shared instruction helpers for both dialects. */
void asm_note_terminator(asm_ctx *a, const char *what);
/* Warn for a constant shift count >= the operand width. */
void asm_check_shift(asm_ctx *a, const dvm_vm_isa_entry *e, int32_t imm, const asm_loc *at);
/* Is this identifier an .equ constant visible here? */
asm_sym *asm_equ_find(asm_ctx *a, const asm_tok *t);

/* The instruction of entry e with its distinguishing fields set. */
dvm_vm_insn asm_insn_base(const dvm_vm_isa_entry *e);

/* ---- the two dialects: parse toks[i..] as one instruction ---- */
void asm_conf_insn(asm_ctx *a, size_t i);
void asm_llvm_insn(asm_ctx *a, size_t i);
/* 1 conformance, 2 llvm, 0 either */
int asm_conf_classify(const asm_ctx *a, size_t i);

/* ---- linking (link.c), after every file is read ---- */
void asm_link_globals(asm_ctx *a);
void asm_apply_fixups(asm_ctx *a);
int asm_build_output(asm_ctx *a, dvm_asm_output *out);

/* Register numbers (expr.c): "%r0".."%r10" (conformance), "r0".."r10"/"w0".."w10"
 * (llvm). Return the number, or -1. */
int asm_reg_conf(const asm_tok *t);
int asm_reg_llvm(const asm_tok *t, int *is_w);

#endif
