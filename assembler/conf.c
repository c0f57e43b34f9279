/* conf.c — the conformance dialect (the public eBPF conformance suite's
 * syntax): `mnemonic operand, operand, ...` with %rN registers, [%rN+off]
 * memory operands and labels. Mnemonics come from vm/isa.def. */
#include "asm_private.h"

#include <stdio.h>
#include <string.h>

/* Instruction with the fields that tell an entry apart already set. */
dvm_vm_insn asm_insn_base(const dvm_vm_isa_entry *e) {
  dvm_vm_insn in = {e->opcode, 0, 0, 0};
  if (e->match == DVM_MATCH_OFF) in.off = (int16_t)e->match_val;
  if (e->match == DVM_MATCH_IMM) in.imm = e->match_val;
  if (e->match == DVM_MATCH_SRC) in.regs = (uint8_t)(e->match_val << 4);
  return in;
}

static int operand_count(int fmt) {
  switch (fmt) {
  case DVM_FMT_EXIT: return 0;
  case DVM_FMT_UNARY: case DVM_FMT_ENDIAN: case DVM_FMT_JA: case DVM_FMT_JA32:
  case DVM_FMT_CALL: case DVM_FMT_CALL_LOCAL: return 1;
  case DVM_FMT_JMP_IMM: case DVM_FMT_JMP_REG: return 3;
  default: return 2;
  }
}

static const char *operand_help(int fmt) {
  switch (fmt) {
  case DVM_FMT_ALU_IMM: case DVM_FMT_ALU_REG: return "%rD, %rS|imm";
  case DVM_FMT_UNARY: case DVM_FMT_ENDIAN: return "%rD";
  case DVM_FMT_LDDW: return "%rD, imm64|symbol";
  case DVM_FMT_LDX: return "%rD, [%rS+off]";
  case DVM_FMT_ST: return "[%rD+off], imm";
  case DVM_FMT_STX: case DVM_FMT_ATOMIC: return "[%rD+off], %rS";
  case DVM_FMT_JA: case DVM_FMT_JA32: return "label|+off";
  case DVM_FMT_JMP_IMM: case DVM_FMT_JMP_REG: return "%rD, %rS|imm, label|+off";
  case DVM_FMT_CALL: return "number|name";
  case DVM_FMT_CALL_LOCAL: return "label";
  default: return "no operands";
  }
}

/* Names the conformance suite accepts besides the table's. */
static const char *alias_of(const char *m, char *buf, size_t bn) {
  if (!strcmp(m, "swap16")) return "bswap16";
  if (!strcmp(m, "swap32")) return "bswap32";
  if (!strcmp(m, "swap64")) return "bswap64";
  size_t n = strlen(m);
  if (n > 2 && n - 2 < bn && !strcmp(m + n - 2, "64")) { /* add64 = add */
    memcpy(buf, m, n - 2);
    buf[n - 2] = 0;
    return buf;
  }
  return NULL;
}

/* Entries named m: up to two (immediate and register forms). */
static size_t find_entries(const char *m, const dvm_vm_isa_entry **out) {
  size_t n, k = 0;
  const dvm_vm_isa_entry *t = dvm_vm_isa_table(&n);
  for (size_t i = 0; i < n && k < 2; i++)
    if (!strcmp(t[i].name, m)) out[k++] = &t[i];
  return k;
}

int asm_conf_classify(const asm_ctx *a, size_t i) {
  const asm_tok *t = &a->toks[i];
  if (t->kind != TK_IDENT || t->len >= 24) return 0;
  char m[24], buf[24];
  memcpy(m, t->s, t->len);
  m[t->len] = 0;
  if (!strcmp(m, "call") || !strcmp(m, "exit")) return 0;
  if (!strcmp(m, "lock")) return DIALECT_CONF;
  const dvm_vm_isa_entry *e[2];
  if (find_entries(m, e)) return DIALECT_CONF;
  const char *al = alias_of(m, buf, sizeof buf);
  if (al && find_entries(al, e)) return DIALECT_CONF;
  return 0;
}

/* ---- operands ---- */

typedef struct ops {
  size_t start[8]; /* token index of each operand */
  size_t end[8];
  size_t n;
} ops;

static void split_operands(asm_ctx *a, size_t i, ops *o) {
  o->n = 0;
  if (i >= a->ntoks) return;
  int depth = 0;
  size_t s = i;
  for (size_t k = i; k <= a->ntoks; k++) {
    if (k < a->ntoks) {
      const asm_tok *t = &a->toks[k];
      if (asm_tok_is(t, "[") || asm_tok_is(t, "(")) depth++;
      if (asm_tok_is(t, "]") || asm_tok_is(t, ")")) depth--;
      if (!(asm_tok_is(t, ",") && depth == 0)) continue;
    }
    if (o->n < 8) {
      o->start[o->n] = s;
      o->end[o->n] = k;
    }
    o->n++;
    s = k + 1;
  }
}

static asm_loc op_loc(asm_ctx *a, const ops *o, size_t k) {
  if (o->start[k] < o->end[k]) {
    asm_loc l = asm_tok_loc(a, &a->toks[o->start[k]]);
    const asm_tok *last = &a->toks[o->end[k] - 1];
    l.span = last->col + last->len - l.col;
    return l;
  }
  if (o->start[k] < a->ntoks) return asm_tok_loc(a, &a->toks[o->start[k]]);
  return asm_eol_loc(a);
}

static int op_end(asm_ctx *a, const ops *o, size_t k, size_t i) {
  if (i == o->end[k]) return 0;
  asm_loc l = asm_tok_loc(a, &a->toks[i]);
  asm_error(a, &l, "unexpected '%.*s' in operand", (int)a->toks[i].len, a->toks[i].s);
  return -1;
}

static int op_reg(asm_ctx *a, const ops *o, size_t k) {
  size_t i = o->start[k];
  asm_loc l = op_loc(a, o, k);
  if (i >= o->end[k]) {
    asm_error(a, &l, "expected a register");
    return -1;
  }
  const asm_tok *t = &a->toks[i];
  int r = asm_reg_conf(t);
  if (r < 0) {
    if (t->kind == TK_PCT)
      asm_error(a, &l, "invalid register '%.*s' (registers are %%r0..%%r10)", (int)t->len, t->s);
    else
      asm_error(a, &l, "expected a register (%%r0..%%r10)");
    return -1;
  }
  if (op_end(a, o, k, i + 1)) return -1;
  return r;
}

/* [%rN], [%rN+off], [%rN-off] */
static int op_mem(asm_ctx *a, const ops *o, size_t k, int *reg, int16_t *off) {
  size_t i = o->start[k];
  asm_loc l = op_loc(a, o, k);
  if (i >= o->end[k] || !asm_tok_is(&a->toks[i], "[")) {
    asm_error(a, &l, "expected a memory operand [%%rN+offset]");
    return -1;
  }
  i++;
  if (i >= o->end[k] || asm_reg_conf(&a->toks[i]) < 0) {
    asm_loc r = i < o->end[k] ? asm_tok_loc(a, &a->toks[i]) : l;
    if (i < o->end[k] && a->toks[i].kind == TK_PCT)
      asm_error(a, &r, "invalid register '%.*s' (registers are %%r0..%%r10)", (int)a->toks[i].len, a->toks[i].s);
    else
      asm_error(a, &r, "expected a register after '['");
    return -1;
  }
  *reg = asm_reg_conf(&a->toks[i++]);
  *off = 0;
  if (i < o->end[k] && (asm_tok_is(&a->toks[i], "+") || asm_tok_is(&a->toks[i], "-"))) {
    int neg = asm_tok_is(&a->toks[i], "-");
    i++;
    asm_loc ol = i < o->end[k] ? asm_tok_loc(a, &a->toks[i]) : l;
    asm_val v;
    if (asm_expr(a, &i, &v)) return -1;
    if (neg) v.v = (uint64_t)0 - v.v, v.hexlit = 0;
    if (asm_fit_off16(a, &v, &ol, "offset", off)) return -1;
  }
  if (i >= o->end[k] || !asm_tok_is(&a->toks[i], "]")) {
    asm_loc r = i < o->end[k] ? asm_tok_loc(a, &a->toks[i]) : l;
    asm_error(a, &r, "expected ']'");
    return -1;
  }
  return op_end(a, o, k, i + 1);
}

static int op_imm(asm_ctx *a, const ops *o, size_t k, asm_val *v) {
  size_t i = o->start[k];
  if (i >= o->end[k]) {
    asm_loc l = op_loc(a, o, k);
    asm_error(a, &l, "expected an immediate value");
    return -1;
  }
  if (asm_expr(a, &i, v)) return -1;
  return op_end(a, o, k, i);
}

/* A jump or call target: a label (fixup) or a signed slot offset. */
static int op_target(asm_ctx *a, const ops *o, size_t k, int fxkind, int64_t slot, int wide, int32_t *rel) {
  size_t i = o->start[k];
  asm_loc l = op_loc(a, o, k);
  *rel = 0;
  if (i >= o->end[k]) {
    asm_error(a, &l, "expected a label or an offset");
    return -1;
  }
  const asm_tok *t = &a->toks[i];
  if (t->kind == TK_IDENT && !asm_equ_find(a, t)) {
    if (op_end(a, o, k, i + 1)) return -1;
    if (slot >= 0) asm_fixup_add(a, fxkind, (uint32_t)slot, t, 0, &l);
    return 0;
  }
  if (t->kind == TK_PCT) {
    asm_error(a, &l, "expected a label or an offset, not a register");
    return -1;
  }
  asm_val v;
  if (asm_expr(a, &i, &v) || op_end(a, o, k, i)) return -1;
  if (wide) return asm_fit_imm32(a, &v, &l, "offset", rel);
  int16_t off;
  if (asm_fit_off16(a, &v, &l, "jump offset", &off)) return -1;
  *rel = off;
  return 0;
}

static void set_regs(dvm_vm_insn *in, int dst, int src) {
  in->regs = (uint8_t)((in->regs & 0xf0) | (dst & 0xf));
  if (src >= 0) in->regs = (uint8_t)((in->regs & 0x0f) | (src << 4));
}

void asm_conf_insn(asm_ctx *a, size_t i) {
  const asm_tok *mt = &a->toks[i];
  asm_loc ml = asm_tok_loc(a, mt);
  char m[48], buf[48];
  if (mt->kind != TK_IDENT || mt->len >= 24) {
    asm_error(a, &ml, "unknown mnemonic '%.*s'", (int)(mt->len > 40 ? 40 : mt->len), mt->s);
    return;
  }
  memcpy(m, mt->s, mt->len);
  m[mt->len] = 0;
  i++;
  int want_fmt = -1;
  if (!strcmp(m, "lock")) {
    /* lock [fetch] OP: the words up to the first operand */
    size_t n = strlen(m);
    int words = 0;
    while (i < a->ntoks && a->toks[i].kind == TK_IDENT && words < 2) {
      if (n + 1 + a->toks[i].len >= sizeof m) break;
      m[n++] = ' ';
      memcpy(m + n, a->toks[i].s, a->toks[i].len);
      n += a->toks[i].len;
      m[n] = 0;
      ml.span = a->toks[i].col + a->toks[i].len - ml.col;
      i++;
      words++;
    }
    if (!words) {
      asm_error(a, &ml, "invalid number of operands for lock: expected lock [fetch] add|and|or|xor|xchg|cmpxchg[32] "
                        "[%%rD+off], %%rS");
      return;
    }
    want_fmt = DVM_FMT_ATOMIC;
  } else if (!strcmp(m, "call") && i < a->ntoks && asm_tok_is(&a->toks[i], "local")) {
    strcpy(m, "call local");
    i++;
    want_fmt = DVM_FMT_CALL_LOCAL;
  }

  ops o;
  split_operands(a, i, &o);

  if (!strcmp(m, "call") && o.n == 1 && o.start[0] < o.end[0] && a->toks[o.start[0]].kind == TK_PCT) {
    /* callx %rN: encoded as the conformance suite does (0x8d, dst = N);
     * the DVM verifier rejects it. */
    int r = op_reg(a, &o, 0);
    if (r < 0) return;
    dvm_vm_insn in = {0x8d, (uint8_t)r, 0, 0};
    asm_warning(a, &ml, "callx (call by register) is rejected by the DVM verifier");
    asm_emit(a, &in, &a->line);
    return;
  }

  const dvm_vm_isa_entry *e[2];
  size_t ne = find_entries(m, e);
  if (!ne) {
    const char *al = alias_of(m, buf, sizeof buf);
    if (al) ne = find_entries(al, e);
  }
  if (!ne) {
    if (want_fmt == DVM_FMT_ATOMIC)
      asm_error(a, &ml, "unknown atomic operation '%s' (lock [fetch] add|and|or|xor|xchg|cmpxchg[32])", m);
    else
      asm_error(a, &ml, "unknown mnemonic '%s'", m);
    return;
  }
  const dvm_vm_isa_entry *ent = e[0];
  if (ne == 2) {
    /* immediate or register form: by the shape of the second operand
     * (the first for jumps is dst, second decides too) */
    int reg = o.n >= 2 && o.start[1] < o.end[1] && a->toks[o.start[1]].kind == TK_PCT;
    for (size_t k = 0; k < ne; k++)
      if ((e[k]->fmt == DVM_FMT_ALU_REG || e[k]->fmt == DVM_FMT_JMP_REG) == reg) ent = e[k];
  }
  int fmt = ent->fmt;
  int want = operand_count(fmt);
  if ((int)o.n != want) {
    asm_loc l = o.n ? op_loc(a, &o, o.n < 8 ? o.n - 1 : 7) : ml;
    if (o.n == 0 || o.n < (size_t)want) l = asm_eol_loc(a);
    asm_error(a, &l, "invalid number of operands for '%s': expected %d (%s), got %zu", m, want, operand_help(fmt),
              o.n);
    return;
  }
  dvm_vm_insn in = asm_insn_base(ent);
  int64_t slot = (int64_t)(a->code.len / 8);
  int dst, src;
  int16_t off;
  int32_t imm;
  asm_val v;
  switch (fmt) {
  case DVM_FMT_ALU_IMM:
    if ((dst = op_reg(a, &o, 0)) < 0 || op_imm(a, &o, 1, &v)) return;
    {
      asm_loc l = op_loc(a, &o, 1);
      if (asm_fit_imm32(a, &v, &l, "immediate", &imm)) return;
      asm_check_shift(a, ent, imm, &l);
    }
    set_regs(&in, dst, -1);
    in.imm = imm;
    break;
  case DVM_FMT_ALU_REG:
    if ((dst = op_reg(a, &o, 0)) < 0 || (src = op_reg(a, &o, 1)) < 0) return;
    set_regs(&in, dst, src);
    break;
  case DVM_FMT_UNARY:
  case DVM_FMT_ENDIAN:
    if ((dst = op_reg(a, &o, 0)) < 0) return;
    set_regs(&in, dst, -1);
    break;
  case DVM_FMT_LDDW: {
    if ((dst = op_reg(a, &o, 0)) < 0) return;
    set_regs(&in, dst, -1);
    size_t k = o.start[1];
    const asm_tok *t = k < o.end[1] ? &a->toks[k] : NULL;
    dvm_vm_insn hi = {0, 0, 0, 0};
    if (t && t->kind == TK_IDENT && !asm_equ_find(a, t)) {
      /* symbol [+|- constant] */
      asm_loc l = op_loc(a, &o, 1);
      k++;
      int64_t addend = 0;
      if (k < o.end[1] && (asm_tok_is(&a->toks[k], "+") || asm_tok_is(&a->toks[k], "-"))) {
        int neg = asm_tok_is(&a->toks[k], "-");
        k++;
        if (asm_expr(a, &k, &v)) return;
        addend = (int64_t)(neg ? 0 - (uint64_t)v.v : (uint64_t)v.v); /* no int64 negation */
      }
      if (op_end(a, &o, 1, k)) return;
      int64_t s = asm_emit(a, &in, &a->line);
      if (s < 0) return;
      asm_emit(a, &hi, &a->line);
      asm_fixup_add(a, FX_LDDW, (uint32_t)s, t, addend, &l);
      return;
    }
    if (op_imm(a, &o, 1, &v)) return;
    in.imm = (int32_t)(uint32_t)v.v;
    hi.imm = (int32_t)(uint32_t)(v.v >> 32);
    if (asm_emit(a, &in, &a->line) >= 0) asm_emit(a, &hi, &a->line);
    return;
  }
  case DVM_FMT_LDX:
    if ((dst = op_reg(a, &o, 0)) < 0 || op_mem(a, &o, 1, &src, &off)) return;
    set_regs(&in, dst, src);
    in.off = off;
    break;
  case DVM_FMT_ST:
    if (op_mem(a, &o, 0, &dst, &off) || op_imm(a, &o, 1, &v)) return;
    {
      asm_loc l = op_loc(a, &o, 1);
      if (asm_fit_imm32(a, &v, &l, "immediate", &imm)) return;
    }
    set_regs(&in, dst, -1);
    in.off = off;
    in.imm = imm;
    break;
  case DVM_FMT_STX:
  case DVM_FMT_ATOMIC:
    if (op_mem(a, &o, 0, &dst, &off) || (src = op_reg(a, &o, 1)) < 0) return;
    set_regs(&in, dst, src);
    in.off = off;
    break;
  case DVM_FMT_JA:
  case DVM_FMT_JA32:
    if (op_target(a, &o, 0, fmt == DVM_FMT_JA ? FX_JMP16 : FX_JMP32, slot, fmt == DVM_FMT_JA32, &imm)) return;
    if (fmt == DVM_FMT_JA) in.off = (int16_t)imm;
    else in.imm = imm;
    if (asm_emit(a, &in, &a->line) >= 0) asm_note_terminator(a, m);
    return;
  case DVM_FMT_JMP_IMM:
  case DVM_FMT_JMP_REG:
    if ((dst = op_reg(a, &o, 0)) < 0) return;
    if (fmt == DVM_FMT_JMP_REG) {
      if ((src = op_reg(a, &o, 1)) < 0) return;
      set_regs(&in, dst, src);
    } else {
      if (op_imm(a, &o, 1, &v)) return;
      asm_loc l = op_loc(a, &o, 1);
      if (asm_fit_imm32(a, &v, &l, "immediate", &imm)) return;
      set_regs(&in, dst, -1);
      in.imm = imm;
    }
    if (op_target(a, &o, 2, FX_JMP16, slot, 0, &imm)) return;
    in.off = (int16_t)imm;
    break;
  case DVM_FMT_CALL: {
    size_t k = o.start[0];
    const asm_tok *t = k < o.end[0] ? &a->toks[k] : NULL;
    if (t && t->kind == TK_IDENT && !asm_equ_find(a, t)) {
      asm_loc l = op_loc(a, &o, 0);
      if (op_end(a, &o, 0, k + 1)) return;
      int64_t s = asm_emit(a, &in, &a->line);
      if (s >= 0) asm_fixup_add(a, FX_CALL, (uint32_t)s, t, 0, &l);
      return;
    }
    if (op_imm(a, &o, 0, &v)) return;
    asm_loc l = op_loc(a, &o, 0);
    if (asm_fit_imm32(a, &v, &l, "syscall number", &imm)) return;
    in.imm = imm;
    break;
  }
  case DVM_FMT_CALL_LOCAL:
    if (op_target(a, &o, 0, FX_CALL_LOCAL, slot, 1, &imm)) return;
    in.imm = imm;
    break;
  case DVM_FMT_EXIT: {
    int64_t s = asm_emit(a, &in, &a->line);
    if (s >= 0) {
      asm_note_exit(a, s);
      asm_note_terminator(a, "exit");
    }
    return;
  }
  default:
    asm_error(a, &ml, "unsupported instruction '%s'", m);
    return;
  }
  asm_emit(a, &in, &a->line);
}
