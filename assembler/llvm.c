/* llvm.c — the LLVM BPF pseudo-C dialect that `clang -target bpf -S`
 * emits: `r1 = *(u64 *)(r10 - 8)`, `if r1 s> 5 goto LBB0_3`,
 * `w2 += w3`, `r1 = .L.str ll`, `call name`, `lock *(u32 *)(r1 + 0) += w2`,
 * `r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)`. Each statement is mapped
 * to a mnemonic of vm/isa.def and encoded from the table entry. */
#include "asm_private.h"

#include <stdio.h>
#include <string.h>

typedef struct lp {
  asm_ctx *a;
  size_t i; /* next token */
} lp;

static const asm_tok *peek(const lp *p, size_t k) {
  static const asm_tok eol = {0};
  return p->i + k < p->a->ntoks ? &p->a->toks[p->i + k] : &eol;
}

static asm_loc here(const lp *p) {
  return p->i < p->a->ntoks ? asm_tok_loc(p->a, &p->a->toks[p->i]) : asm_eol_loc(p->a);
}

static int is(const lp *p, size_t k, const char *text) { return asm_tok_is(peek(p, k), text); }

static int expect(lp *p, const char *text) {
  if (is(p, 0, text)) {
    p->i++;
    return 0;
  }
  asm_loc l = here(p);
  if (peek(p, 0)->kind == TK_EOL) asm_error(p->a, &l, "expected '%s' before the end of the line", text);
  else asm_error(p->a, &l, "expected '%s', found '%.*s'", text, (int)peek(p, 0)->len, peek(p, 0)->s);
  return -1;
}

static int at_end(lp *p) {
  if (p->i >= p->a->ntoks) return 0;
  asm_loc l = here(p);
  asm_error(p->a, &l, "unexpected '%.*s' at the end of the instruction", (int)peek(p, 0)->len, peek(p, 0)->s);
  return -1;
}

/* A register r0..r10 / w0..w10: its number, *w set for w registers. */
static int reg(lp *p, int *w) {
  const asm_tok *t = peek(p, 0);
  int r = asm_reg_llvm(t, w);
  if (r < 0) {
    asm_loc l = here(p);
    if (t->kind == TK_IDENT && t->len <= 4 && (t->s[0] == 'r' || t->s[0] == 'w') && t->len > 1 && t->s[1] >= '0' &&
        t->s[1] <= '9')
      asm_error(p->a, &l, "invalid register '%.*s' (registers are r0..r10, or w0..w10 for 32 bits)", (int)t->len, t->s);
    else
      asm_error(p->a, &l, "expected a register (r0..r10 or w0..w10)");
    return -1;
  }
  p->i++;
  return r;
}

static int is_reg(const lp *p, size_t k) { return asm_reg_llvm(peek(p, k), NULL) >= 0; }

static const dvm_vm_isa_entry *entry(lp *p, const char *name, int fmt, const asm_loc *l) {
  const dvm_vm_isa_entry *e = dvm_vm_isa_find(name, fmt);
  if (!e) asm_error(p->a, l, "no instruction '%s' in this form", name);
  return e;
}

static void emit(lp *p, const dvm_vm_insn *in) { asm_emit(p->a, in, &p->a->line); }

static void set_regs(dvm_vm_insn *in, int dst, int src) {
  in->regs = (uint8_t)((in->regs & 0xf0) | (dst & 0xf));
  if (src >= 0) in->regs = (uint8_t)((in->regs & 0x0f) | (src << 4));
}

/* `(u64 *)` / `(s8 *)`: size in bytes, *sign set for s. */
static int size_cast(lp *p, int *bytes, int *sign) {
  if (expect(p, "(")) return -1;
  const asm_tok *t = peek(p, 0);
  asm_loc l = here(p);
  static const char *const names[] = {"u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64"};
  int k = -1;
  for (int j = 0; j < 8; j++)
    if (asm_tok_is(t, names[j])) k = j;
  if (k < 0) {
    asm_error(p->a, &l, "expected a memory size u8, u16, u32, u64 (or s8, s16, s32 for sign-extending loads)");
    return -1;
  }
  p->i++;
  *bytes = 1 << (k & 3);
  *sign = k >= 4;
  if (expect(p, "*") || expect(p, ")")) return -1;
  return 0;
}

/* `rA + off` or `rA - off` (no parentheses). */
static int addr(lp *p, int *base, int16_t *off) {
  int w = 0;
  asm_loc rl = here(p);
  if ((*base = reg(p, &w)) < 0) return -1;
  if (w) {
    asm_error(p->a, &rl, "an address register is 64-bit: use r%d", *base);
    return -1;
  }
  *off = 0;
  if (is(p, 0, "+") || is(p, 0, "-")) {
    int neg = is(p, 0, "-");
    p->i++;
    asm_loc l = here(p);
    asm_val v;
    if (asm_expr(p->a, &p->i, &v)) return -1;
    if (neg) v.v = (uint64_t)0 - v.v, v.hexlit = 0;
    if (asm_fit_off16(p->a, &v, &l, "offset", off)) return -1;
  }
  return 0;
}

/* `*(u64 *)(rA + off)` after the leading '*'. */
static int mem(lp *p, int *bytes, int *sign, int *base, int16_t *off) {
  if (size_cast(p, bytes, sign) || expect(p, "(") || addr(p, base, off) || expect(p, ")")) return -1;
  return 0;
}

static const char *size_suffix(int bytes) { return bytes == 1 ? "b" : bytes == 2 ? "h" : bytes == 4 ? "w" : "dw"; }

/* A jump target: label (fixup) or signed offset. */
static int target(lp *p, int fxkind, int wide, int32_t *rel) {
  asm_ctx *a = p->a;
  const asm_tok *t = peek(p, 0);
  asm_loc l = here(p);
  *rel = 0;
  if (t->kind == TK_IDENT && !asm_equ_find(a, t)) {
    asm_fixup_add(a, fxkind, (uint32_t)(a->code.len / 8), t, 0, &l);
    p->i++;
    return 0;
  }
  if (!asm_expr_starts(a, p->i) && t->kind != TK_IDENT) {
    asm_error(a, &l, "expected a label or an offset");
    return -1;
  }
  asm_val v;
  if (asm_expr(a, &p->i, &v)) return -1;
  if (wide) return asm_fit_imm32(a, &v, &l, "offset", rel);
  int16_t off;
  if (asm_fit_off16(a, &v, &l, "jump offset", &off)) return -1;
  *rel = off;
  return 0;
}

static void do_jump_cond(lp *p) {
  asm_ctx *a = p->a;
  int w = 0, w2 = 0;
  p->i++; /* if */
  asm_loc dl = here(p);
  int dst = reg(p, &w);
  if (dst < 0) return;
  /* operator: == != > >= < <= & and the signed s> s>= s< s<= */
  asm_loc ol = here(p);
  int sign = 0;
  if (is(p, 0, "s") && peek(p, 1)->kind == TK_PUNCT && !peek(p, 1)->space) sign = 1, p->i++;
  const asm_tok *op = peek(p, 0);
  static const struct {
    const char *op, *u, *s;
  } ops[] = {{"==", "jeq", NULL}, {"!=", "jne", NULL}, {">", "jgt", "jsgt"}, {">=", "jge", "jsge"},
             {"<", "jlt", "jslt"}, {"<=", "jle", "jsle"}, {"&", "jset", NULL}};
  const char *base = NULL;
  for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
    if (asm_tok_is(op, ops[k].op)) base = sign ? ops[k].s : ops[k].u;
  if (!base) {
    asm_error(a, &ol, "expected a comparison (==, !=, >, >=, <, <=, &, s>, s>=, s<, s<=)");
    return;
  }
  p->i++;
  char name[16];
  snprintf(name, sizeof name, "%s%s", base, w ? "32" : "");
  dvm_vm_insn in;
  if (is_reg(p, 0)) {
    asm_loc sl = here(p);
    int src = reg(p, &w2);
    if (w2 != w) {
      asm_error(a, &sl, "comparison mixes a %d-bit and a %d-bit register", w ? 32 : 64, w ? 64 : 32);
      return;
    }
    const dvm_vm_isa_entry *e = entry(p, name, DVM_FMT_JMP_REG, &ol);
    if (!e) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, src);
  } else {
    asm_loc il = here(p);
    asm_val v;
    int32_t imm;
    if (asm_expr(a, &p->i, &v) || asm_fit_imm32(a, &v, &il, "immediate", &imm)) return;
    const dvm_vm_isa_entry *e = entry(p, name, DVM_FMT_JMP_IMM, &ol);
    if (!e) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, -1);
    in.imm = imm;
  }
  (void)dl;
  if (expect(p, "goto")) return;
  int32_t rel;
  if (target(p, FX_JMP16, 0, &rel) || at_end(p)) return;
  in.off = (int16_t)rel;
  emit(p, &in);
}

/* `*(uN *)(rA + off) = rB | wB | imm` */
static void do_store(lp *p) {
  asm_ctx *a = p->a;
  asm_loc ml = here(p);
  p->i++; /* '*' */
  int bytes, sign, base;
  int16_t off;
  if (mem(p, &bytes, &sign, &base, &off)) return;
  if (sign) {
    asm_error(a, &ml, "stores take an unsigned size (u8, u16, u32, u64)");
    return;
  }
  if (expect(p, "=")) return;
  char name[16];
  dvm_vm_insn in;
  if (is_reg(p, 0)) {
    int w;
    asm_loc sl = here(p);
    int src = reg(p, &w);
    if (w && bytes == 8) {
      asm_error(a, &sl, "a 64-bit store needs a 64-bit register: r%d", src);
      return;
    }
    snprintf(name, sizeof name, "stx%s", size_suffix(bytes));
    const dvm_vm_isa_entry *e = entry(p, name, DVM_FMT_STX, &ml);
    if (!e) return;
    in = asm_insn_base(e);
    set_regs(&in, base, src);
  } else {
    asm_loc il = here(p);
    asm_val v;
    int32_t imm;
    if (asm_expr(a, &p->i, &v) || asm_fit_imm32(a, &v, &il, "immediate", &imm)) return;
    snprintf(name, sizeof name, "st%s", size_suffix(bytes));
    const dvm_vm_isa_entry *e = entry(p, name, DVM_FMT_ST, &ml);
    if (!e) return;
    in = asm_insn_base(e);
    set_regs(&in, base, -1);
    in.imm = imm;
  }
  in.off = off;
  if (at_end(p)) return;
  emit(p, &in);
}

/* `lock *(u64 *)(rA + off) += rB` (also &=, |=, ^=) */
static void do_lock(lp *p) {
  asm_ctx *a = p->a;
  asm_loc ml = here(p);
  p->i++; /* lock */
  if (expect(p, "*")) return;
  int bytes, sign, base;
  int16_t off;
  if (mem(p, &bytes, &sign, &base, &off)) return;
  if (sign || (bytes != 4 && bytes != 8)) {
    asm_error(a, &ml, "atomic operations are 32-bit (u32) or 64-bit (u64)");
    return;
  }
  asm_loc ol = here(p);
  const char *op = NULL;
  if (is(p, 0, "+=")) op = "add";
  else if (is(p, 0, "&=")) op = "and";
  else if (is(p, 0, "|=")) op = "or";
  else if (is(p, 0, "^=")) op = "xor";
  if (!op) {
    asm_error(a, &ol, "expected +=, &=, |= or ^= after an atomic memory operand");
    return;
  }
  p->i++;
  int w;
  asm_loc sl = here(p);
  int src = reg(p, &w);
  if (src < 0 || at_end(p)) return;
  if ((bytes == 4) != (w == 1)) {
    asm_error(a, &sl, "operand width does not match the u%d memory operand (use %c%d)", bytes * 8,
              bytes == 4 ? 'w' : 'r', src);
    return;
  }
  char name[24];
  snprintf(name, sizeof name, "lock %s%s", op, bytes == 4 ? "32" : "");
  const dvm_vm_isa_entry *e = entry(p, name, DVM_FMT_ATOMIC, &ml);
  if (!e) return;
  dvm_vm_insn in = asm_insn_base(e);
  set_regs(&in, base, src);
  in.off = off;
  emit(p, &in);
}

/* dst = atomic_fetch_OP((uN *)(rA + off), src) / xchg_64(rA + off, src) /
 * cmpxchg_64(rA + off, r0, src) and their 32-bit forms. */
static void do_atomic_call(lp *p, int dst, int dw, const asm_loc *dl) {
  asm_ctx *a = p->a;
  const asm_tok *f = peek(p, 0);
  asm_loc fl = here(p);
  char fn[32];
  if (f->len >= sizeof fn) return;
  memcpy(fn, f->s, f->len);
  fn[f->len] = 0;
  p->i++;
  if (expect(p, "(")) return;
  int bytes = 8, sign = 0, base, src, w;
  int16_t off;
  char name[32];
  if (!strncmp(fn, "atomic_fetch_", 13)) {
    if (expect(p, "(")) return;
    p->i--; /* size_cast wants the '(' */
    if (size_cast(p, &bytes, &sign) || expect(p, "(") || addr(p, &base, &off) || expect(p, ")") || expect(p, ","))
      return;
    asm_loc sl = here(p);
    if ((src = reg(p, &w)) < 0 || expect(p, ")") || at_end(p)) return;
    if (src != dst || w != dw) {
      asm_error(a, &sl, "%s writes the old value into its value register: use %c%d on both sides", fn, dw ? 'w' : 'r',
                dst);
      return;
    }
    snprintf(name, sizeof name, "lock fetch %s%s", fn + 13, bytes == 4 ? "32" : "");
  } else {
    int is32 = !strcmp(fn, "xchg32_32") || !strcmp(fn, "cmpxchg32_32");
    int cmp = !strncmp(fn, "cmpxchg", 7);
    bytes = is32 ? 4 : 8;
    if (addr(p, &base, &off) || expect(p, ",")) return;
    if (cmp) {
      asm_loc rl = here(p);
      int r0w, r0 = reg(p, &r0w);
      if (r0 < 0) return;
      if (r0 != 0 || dst != 0) {
        asm_error(a, &rl, "%s compares with and returns in r0", fn);
        return;
      }
      if (expect(p, ",")) return;
    }
    asm_loc sl = here(p);
    if ((src = reg(p, &w)) < 0 || expect(p, ")") || at_end(p)) return;
    if (!cmp && src != dst) {
      asm_error(a, &sl, "%s returns the old value in its value register: use %c%d on both sides", fn, dw ? 'w' : 'r',
                dst);
      return;
    }
    snprintf(name, sizeof name, "lock %s%s", cmp ? "cmpxchg" : "xchg", is32 ? "32" : "");
  }
  if ((bytes == 4) != (dw == 1)) {
    asm_error(a, dl, "result width does not match the u%d memory operand", bytes * 8);
    return;
  }
  if (sign || (bytes != 4 && bytes != 8)) {
    asm_error(a, &fl, "atomic operations are 32-bit (u32) or 64-bit (u64)");
    return;
  }
  const dvm_vm_isa_entry *e = dvm_vm_isa_find(name, DVM_FMT_ATOMIC);
  if (!e) {
    asm_error(a, &fl, "unknown atomic operation '%s'", fn);
    return;
  }
  dvm_vm_insn in = asm_insn_base(e);
  set_regs(&in, base, src);
  in.off = off;
  emit(p, &in);
}

static int is_atomic_fn(const asm_tok *t) {
  static const char *const fns[] = {"atomic_fetch_add", "atomic_fetch_and", "atomic_fetch_or", "atomic_fetch_xor",
                                    "xchg_64",          "xchg32_32",        "cmpxchg_64",      "cmpxchg32_32"};
  for (size_t k = 0; k < sizeof fns / sizeof *fns; k++)
    if (asm_tok_is(t, fns[k])) return 1;
  return 0;
}

/* Statements that start with a register: assignments. */
static void do_assign(lp *p) {
  asm_ctx *a = p->a;
  asm_loc dl = here(p);
  int w = 0;
  int dst = reg(p, &w);
  if (dst < 0) return;
  const char *w32 = w ? "32" : "";
  char name[24];
  asm_loc ol = here(p);
  /* compound assignment: += ... and the signed s>>= s/= s%= */
  int sign = 0;
  if (is(p, 0, "s") && peek(p, 1)->kind == TK_PUNCT && !peek(p, 1)->space) sign = 1, p->i++;
  const asm_tok *op = peek(p, 0);
  static const struct {
    const char *op, *u, *s;
  } cops[] = {{"+=", "add", NULL}, {"-=", "sub", NULL}, {"*=", "mul", NULL},  {"/=", "div", "sdiv"},
              {"%=", "mod", "smod"}, {"|=", "or", NULL}, {"&=", "and", NULL},  {"^=", "xor", NULL},
              {"<<=", "lsh", NULL}, {">>=", "rsh", "arsh"}};
  for (size_t k = 0; k < sizeof cops / sizeof *cops; k++) {
    if (!asm_tok_is(op, cops[k].op)) continue;
    const char *base = sign ? cops[k].s : cops[k].u;
    if (!base) break;
    p->i++;
    snprintf(name, sizeof name, "%s%s", base, w32);
    dvm_vm_insn in;
    if (is_reg(p, 0)) {
      int sw;
      asm_loc sl = here(p);
      int src = reg(p, &sw);
      if (sw != w) {
        asm_error(a, &sl, "operation mixes a %d-bit and a %d-bit register", w ? 32 : 64, w ? 64 : 32);
        return;
      }
      const dvm_vm_isa_entry *e = entry(p, name, DVM_FMT_ALU_REG, &ol);
      if (!e || at_end(p)) return;
      in = asm_insn_base(e);
      set_regs(&in, dst, src);
    } else {
      asm_loc il = here(p);
      asm_val v;
      int32_t imm;
      if (asm_expr(a, &p->i, &v) || asm_fit_imm32(a, &v, &il, "immediate", &imm) || at_end(p)) return;
      const dvm_vm_isa_entry *e = entry(p, name, DVM_FMT_ALU_IMM, &ol);
      if (!e) return;
      in = asm_insn_base(e);
      set_regs(&in, dst, -1);
      in.imm = imm;
      asm_check_shift(a, e, imm, &il);
    }
    emit(p, &in);
    return;
  }
  if (sign || !asm_tok_is(op, "=")) {
    asm_error(a, &ol, "expected '=' or a compound assignment (+=, -=, *=, /=, %%=, |=, &=, ^=, <<=, >>=, s>>=, s/=, s%%=)");
    return;
  }
  p->i++;
  const asm_tok *t = peek(p, 0);
  asm_loc tl = here(p);
  dvm_vm_insn in;
  const dvm_vm_isa_entry *e;
  /* load: *(u64 *)(rA + off) */
  if (asm_tok_is(t, "*")) {
    p->i++;
    int bytes, sgn, base;
    int16_t off;
    if (mem(p, &bytes, &sgn, &base, &off) || at_end(p)) return;
    if (bytes == 8 && (w || sgn)) {
      asm_error(a, &dl, sgn ? "there is no sign-extending 64-bit load (use u64)"
                            : "a 64-bit load needs a 64-bit register: r%d", dst);
      return;
    }
    if (sgn && w) {
      asm_error(a, &dl, "sign-extending loads write a 64-bit register: r%d", dst);
      return;
    }
    snprintf(name, sizeof name, "ldx%s%s", sgn ? "s" : "", size_suffix(bytes));
    if (!(e = entry(p, name, DVM_FMT_LDX, &tl))) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, base);
    in.off = off;
    emit(p, &in);
    return;
  }
  /* neg: rD = -rD */
  if (asm_tok_is(t, "-") && is_reg(p, 1)) {
    p->i++;
    int sw;
    asm_loc sl = here(p);
    int src = reg(p, &sw);
    if (at_end(p)) return;
    if (src != dst || sw != w) {
      asm_error(a, &sl, "negation is in place: write %c%d = -%c%d", w ? 'w' : 'r', dst, w ? 'w' : 'r', dst);
      return;
    }
    snprintf(name, sizeof name, "neg%s", w32);
    if (!(e = entry(p, name, DVM_FMT_UNARY, &tl))) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, -1);
    emit(p, &in);
    return;
  }
  /* sign-extending move: rD = (s8)rS, wD = (s16)wS */
  if (asm_tok_is(t, "(") && (asm_tok_is(peek(p, 1), "s8") || asm_tok_is(peek(p, 1), "s16") ||
                              asm_tok_is(peek(p, 1), "s32")) && is(p, 2, ")")) {
    int bits = peek(p, 1)->len == 2 ? 8 : peek(p, 1)->s[1] == '1' ? 16 : 32;
    p->i += 3;
    int sw;
    asm_loc sl = here(p);
    int src = reg(p, &sw);
    if (src < 0 || at_end(p)) return;
    if (sw != w) {
      asm_error(a, &sl, "sign extension keeps the register width: use %c%d", w ? 'w' : 'r', src);
      return;
    }
    snprintf(name, sizeof name, "movsx%d%s", bits, w ? "32" : "64");
    if (!(e = entry(p, name, DVM_FMT_ALU_REG, &tl))) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, src);
    emit(p, &in);
    return;
  }
  /* byte swaps: rD = be16 rD */
  if (t->kind == TK_IDENT && is_reg(p, 1) &&
      (asm_tok_is(t, "be16") || asm_tok_is(t, "be32") || asm_tok_is(t, "be64") || asm_tok_is(t, "le16") ||
       asm_tok_is(t, "le32") || asm_tok_is(t, "le64") || asm_tok_is(t, "bswap16") || asm_tok_is(t, "bswap32") ||
       asm_tok_is(t, "bswap64"))) {
    snprintf(name, sizeof name, "%.*s", (int)t->len, t->s);
    p->i++;
    int sw;
    asm_loc sl = here(p);
    int src = reg(p, &sw);
    if (src < 0 || at_end(p)) return;
    if (src != dst) {
      asm_error(a, &sl, "byte swaps are in place: write r%d = %s r%d", dst, name, dst);
      return;
    }
    if (!(e = entry(p, name, DVM_FMT_ENDIAN, &tl))) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, -1);
    emit(p, &in);
    return;
  }
  if (t->kind == TK_IDENT && is_atomic_fn(t) && is(p, 1, "(")) {
    do_atomic_call(p, dst, w, &dl);
    return;
  }
  /* register move */
  if (is_reg(p, 0)) {
    int sw;
    int src = reg(p, &sw);
    if (at_end(p)) return;
    /* rD = wS zero-extends: the same as the 32-bit move */
    int is32 = w || sw;
    if (w && !sw) {
      asm_error(a, &tl, "a 32-bit register takes a 32-bit source: w%d", src);
      return;
    }
    if (!(e = entry(p, is32 ? "mov32" : "mov", DVM_FMT_ALU_REG, &tl))) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, src);
    emit(p, &in);
    return;
  }
  /* rD = SYMBOL [+ k] ll, rD = IMM ll (lddw), rD = IMM (mov) */
  if (t->kind == TK_IDENT && !asm_equ_find(a, t)) {
    const asm_tok *sym = t;
    p->i++;
    int64_t addend = 0;
    if (is(p, 0, "+") || is(p, 0, "-")) {
      int neg = is(p, 0, "-");
      p->i++;
      asm_val v;
      if (asm_expr(a, &p->i, &v)) return;
      /* Two's complement in unsigned arithmetic: -INT64_MIN must not be
       * computed in int64_t (found by the asm fuzzer). */
      addend = (int64_t)(neg ? 0 - (uint64_t)v.v : (uint64_t)v.v);
    }
    if (!is(p, 0, "ll")) {
      asm_loc l = here(p);
      asm_error(a, &l, "a symbol's address is 64 bits: write r%d = %.*s ll", dst, (int)sym->len, sym->s);
      return;
    }
    p->i++;
    if (at_end(p)) return;
    if (w) {
      asm_error(a, &dl, "a 64-bit constant needs a 64-bit register: r%d", dst);
      return;
    }
    if (!(e = entry(p, "lddw", DVM_FMT_LDDW, &tl))) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, -1);
    dvm_vm_insn hi = {0, 0, 0, 0};
    int64_t s = asm_emit(a, &in, &a->line);
    if (s < 0) return;
    asm_emit(a, &hi, &a->line);
    asm_fixup_add(a, FX_LDDW, (uint32_t)s, sym, addend, &tl);
    return;
  }
  asm_val v;
  if (asm_expr(a, &p->i, &v)) return;
  if (is(p, 0, "ll")) {
    p->i++;
    if (at_end(p)) return;
    if (w) {
      asm_error(a, &dl, "a 64-bit constant needs a 64-bit register: r%d", dst);
      return;
    }
    if (!(e = entry(p, "lddw", DVM_FMT_LDDW, &tl))) return;
    in = asm_insn_base(e);
    set_regs(&in, dst, -1);
    in.imm = (int32_t)(uint32_t)v.v;
    dvm_vm_insn hi = {0, 0, 0, (int32_t)(uint32_t)(v.v >> 32)};
    if (asm_emit(a, &in, &a->line) >= 0) asm_emit(a, &hi, &a->line);
    return;
  }
  if (at_end(p)) return;
  int32_t imm;
  if (asm_fit_imm32(a, &v, &tl, "immediate", &imm)) return;
  if (!(e = entry(p, w ? "mov32" : "mov", DVM_FMT_ALU_IMM, &tl))) return;
  in = asm_insn_base(e);
  set_regs(&in, dst, -1);
  in.imm = imm;
  emit(p, &in);
}

void asm_llvm_insn(asm_ctx *a, size_t i) {
  lp p = {a, i};
  const asm_tok *t = peek(&p, 0);
  asm_loc l = here(&p);
  if (asm_tok_is(t, "exit")) {
    p.i++;
    if (at_end(&p)) return;
    dvm_vm_insn in = {0x95, 0, 0, 0};
    int64_t s = asm_emit(a, &in, &a->line);
    if (s >= 0) {
      asm_note_exit(a, s);
      asm_note_terminator(a, "exit");
    }
    return;
  }
  if (asm_tok_is(t, "goto") || asm_tok_is(t, "gotol")) {
    int wide = asm_tok_is(t, "gotol");
    p.i++;
    int32_t rel;
    if (target(&p, wide ? FX_JMP32 : FX_JMP16, wide, &rel) || at_end(&p)) return;
    dvm_vm_insn in = {(uint8_t)(wide ? 0x06 : 0x05), 0, 0, 0};
    if (wide) in.imm = rel;
    else in.off = (int16_t)rel;
    if (asm_emit(a, &in, &a->line) >= 0) asm_note_terminator(a, wide ? "gotol" : "goto");
    return;
  }
  if (asm_tok_is(t, "if")) {
    do_jump_cond(&p);
    return;
  }
  if (asm_tok_is(t, "call")) {
    p.i++;
    const asm_tok *n = peek(&p, 0);
    asm_loc nl = here(&p);
    dvm_vm_insn in = {0x85, 0, 0, 0};
    if (n->kind == TK_IDENT && !asm_equ_find(a, n)) {
      p.i++;
      if (at_end(&p)) return;
      int64_t s = asm_emit(a, &in, &a->line);
      if (s >= 0) asm_fixup_add(a, FX_CALL, (uint32_t)s, n, 0, &nl);
      return;
    }
    asm_val v;
    int32_t imm;
    if (n->kind == TK_EOL) {
      asm_error(a, &nl, "expected a function name or a syscall number after 'call'");
      return;
    }
    if (asm_expr(a, &p.i, &v) || asm_fit_imm32(a, &v, &nl, "syscall number", &imm) || at_end(&p)) return;
    in.imm = imm;
    asm_emit(a, &in, &a->line);
    return;
  }
  if (asm_tok_is(t, "callx")) {
    p.i++;
    int w;
    int r = reg(&p, &w);
    if (r < 0 || at_end(&p)) return;
    dvm_vm_insn in = {0x8d, (uint8_t)r, 0, 0};
    asm_warning(a, &l, "callx (call by register) is rejected by the DVM verifier");
    asm_emit(a, &in, &a->line);
    return;
  }
  if (asm_tok_is(t, "lock")) {
    do_lock(&p);
    return;
  }
  if (asm_tok_is(t, "*")) {
    do_store(&p);
    return;
  }
  if (is_reg(&p, 0)) {
    do_assign(&p);
    return;
  }
  if (t->kind == TK_IDENT && t->len <= 4 && (t->s[0] == 'r' || t->s[0] == 'w') && t->len > 1 && t->s[1] >= '0' &&
      t->s[1] <= '9') {
    asm_error(a, &l, "invalid register '%.*s' (registers are r0..r10, or w0..w10 for 32 bits)", (int)t->len, t->s);
    return;
  }
  asm_error(a, &l, "unknown instruction '%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s);
}
