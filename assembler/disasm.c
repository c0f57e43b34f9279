/* disasm.c — container or raw code back to conformance-dialect source that
 * assembles to the identical bytes: names from the export and symbol
 * tables become labels, canonical instructions print as mnemonics and
 * anything else as a raw `.insn` slot. */
#include "asm_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct dname {
  uint32_t value;
  const char *name;
  uint8_t len;
} dname;

static int dname_cmp(const void *x, const void *y) {
  const dname *a = x, *b = y;
  if (a->value != b->value) return a->value < b->value ? -1 : 1;
  size_t n = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->name, b->name, n);
  return r ? r : (int)a->len - (int)b->len;
}

typedef struct dis {
  dvm_buf out;
  const dvm_vm_container *c;
  const dvm_asm_disasm_opts *o;
  dname *code;   /* code labels sorted by slot */
  size_t ncode;
  dname *ro;     /* rodata labels sorted by offset */
  size_t nro;
  dname *byname; /* every label sorted by name */
  size_t nbyname;
} dis;

/* First name at value v in a sorted array, or NULL. */
static const dname *name_at(const dname *arr, size_t n, uint32_t v) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (arr[mid].value < v) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && arr[lo].value == v ? &arr[lo] : NULL;
}

/* The name to print for value v: the first that is not an assembler-local
 * ".L" name, else the first. */
static const dname *best_name(const dname *arr, size_t n, uint32_t v) {
  const dname *p = name_at(arr, n, v), *first = p;
  for (; p && p < arr + n && p->value == v; p++)
    if (!(p->len >= 2 && p->name[0] == '.' && p->name[1] == 'L')) return p;
  return first;
}

static int byname_cmp(const void *x, const void *y) {
  const dname *a = x, *b = y;
  size_t n = a->len < b->len ? a->len : b->len;
  int r = memcmp(a->name, b->name, n);
  return r ? r : (int)a->len - (int)b->len;
}

/* Is `name` a label of this container? (binary search by name) */
static int name_taken(const dis *d, const char *name) {
  size_t n = strlen(name);
  if (n > DVM_VM_MAX_NAME || !d->byname) return 0;
  dname key = {0, name, (uint8_t)n};
  return bsearch(&key, d->byname, d->nbyname, sizeof key, byname_cmp) != NULL;
}

static void print_labels(dis *d, const dname *arr, size_t n, uint32_t v) {
  const dname *p = name_at(arr, n, v);
  for (; p && p < arr + n && p->value == v; p++) dvm_buf_printf(&d->out, "%.*s:\n", (int)p->len, p->name);
}

static void print_target(dis *d, uint32_t pc, int64_t rel, uint32_t slots) {
  int64_t t = (int64_t)pc + 1 + rel;
  if (t >= 0 && t <= (int64_t)slots) {
    const dname *p = best_name(d->code, d->ncode, (uint32_t)t);
    if (p) {
      dvm_buf_printf(&d->out, "%.*s", (int)p->len, p->name);
      return;
    }
  }
  dvm_buf_printf(&d->out, "%+lld", (long long)rel);
}

static void print_mem(dis *d, int reg, int16_t off) {
  if (off) dvm_buf_printf(&d->out, "[%%r%d%+d]", reg, off);
  else dvm_buf_printf(&d->out, "[%%r%d]", reg);
}

/* The instruction the assembler makes from what the printed form keeps. */
static int canonical(const dvm_vm_isa_entry *e, const dvm_vm_insn *in) {
  dvm_vm_insn c = asm_insn_base(e);
  int dst = DVM_VM_INSN_DST(in), src = DVM_VM_INSN_SRC(in);
  int use_dst = 0, use_src = 0, use_off = 0, use_imm = 0;
  switch (e->fmt) {
  case DVM_FMT_ALU_IMM: use_dst = use_imm = 1; break;
  case DVM_FMT_ALU_REG: use_dst = use_src = 1; break;
  case DVM_FMT_UNARY: case DVM_FMT_ENDIAN: use_dst = 1; break;
  case DVM_FMT_LDDW: use_dst = use_imm = 1; break;
  case DVM_FMT_LDX: case DVM_FMT_STX: case DVM_FMT_ATOMIC: use_dst = use_src = use_off = 1; break;
  case DVM_FMT_ST: use_dst = use_off = use_imm = 1; break;
  case DVM_FMT_JA: use_off = 1; break;
  case DVM_FMT_JA32: use_imm = 1; break;
  case DVM_FMT_JMP_IMM: use_dst = use_imm = use_off = 1; break;
  case DVM_FMT_JMP_REG: use_dst = use_src = use_off = 1; break;
  case DVM_FMT_CALL: case DVM_FMT_CALL_LOCAL: use_imm = 1; break;
  default: break;
  }
  if ((use_dst && dst > 10) || (use_src && src > 10)) return 0;
  if (use_dst) c.regs = (uint8_t)((c.regs & 0xf0) | dst);
  if (use_src) c.regs = (uint8_t)((c.regs & 0x0f) | (src << 4));
  if (use_off) c.off = in->off;
  if (use_imm) c.imm = in->imm;
  return c.opcode == in->opcode && c.regs == in->regs && c.off == in->off && c.imm == in->imm;
}

static void print_raw(dis *d, const dvm_vm_insn *in, uint32_t pc);
static int print_llvm(dis *d, const dvm_vm_isa_entry *e, const dvm_vm_insn *in, uint32_t pc, uint32_t slots,
                      uint64_t imm64);

static void print_insn(dis *d, const dvm_vm_isa_entry *e, const dvm_vm_insn *in, uint32_t pc, uint32_t slots,
                       uint64_t imm64) {
  dvm_buf *o = &d->out;
  /* call, exit: the same in both dialects */
  if (d->o && (d->o->flags & DVM_ASM_DISASM_LLVM) && e->fmt != DVM_FMT_CALL && e->fmt != DVM_FMT_EXIT) {
    if (!print_llvm(d, e, in, pc, slots, imm64)) {
      print_raw(d, in, pc);
      if (e->fmt == DVM_FMT_LDDW) {
        dvm_vm_insn hi = dvm_vm_insn_decode(d->c->code, pc + 1);
        print_raw(d, &hi, pc + 1);
      }
    }
    return;
  }
  int dst = DVM_VM_INSN_DST(in), src = DVM_VM_INSN_SRC(in);
  dvm_buf_printf(o, "\t%s", e->name);
  switch (e->fmt) {
  case DVM_FMT_ALU_IMM: dvm_buf_printf(o, " %%r%d, %d", dst, in->imm); break;
  case DVM_FMT_ALU_REG: dvm_buf_printf(o, " %%r%d, %%r%d", dst, src); break;
  case DVM_FMT_UNARY: case DVM_FMT_ENDIAN: dvm_buf_printf(o, " %%r%d", dst); break;
  case DVM_FMT_LDDW: {
    uint64_t base = DVM_VM_ADDR(DVM_VM_REGION_RODATA, 0);
    const dname *p = NULL;
    if (imm64 >= base && imm64 - base <= d->c->rodata_len) p = best_name(d->ro, d->nro, (uint32_t)(imm64 - base));
    if (p) dvm_buf_printf(o, " %%r%d, %.*s", dst, (int)p->len, p->name);
    else dvm_buf_printf(o, " %%r%d, 0x%llx", dst, (unsigned long long)imm64);
    break;
  }
  case DVM_FMT_LDX:
    dvm_buf_printf(o, " %%r%d, ", dst);
    print_mem(d, src, in->off);
    break;
  case DVM_FMT_ST:
    dvm_buf_putc(o, ' ');
    print_mem(d, dst, in->off);
    dvm_buf_printf(o, ", %d", in->imm);
    break;
  case DVM_FMT_STX: case DVM_FMT_ATOMIC:
    dvm_buf_putc(o, ' ');
    print_mem(d, dst, in->off);
    dvm_buf_printf(o, ", %%r%d", src);
    break;
  case DVM_FMT_JA:
    dvm_buf_putc(o, ' ');
    print_target(d, pc, in->off, slots);
    break;
  case DVM_FMT_JA32: case DVM_FMT_CALL_LOCAL:
    dvm_buf_putc(o, ' ');
    print_target(d, pc, in->imm, slots);
    break;
  case DVM_FMT_JMP_IMM:
    dvm_buf_printf(o, " %%r%d, %d, ", dst, in->imm);
    print_target(d, pc, in->off, slots);
    break;
  case DVM_FMT_JMP_REG:
    dvm_buf_printf(o, " %%r%d, %%r%d, ", dst, src);
    print_target(d, pc, in->off, slots);
    break;
  case DVM_FMT_CALL: {
    const dvm_vm_syscall_table *t = d->o ? d->o->syscalls : NULL;
    const char *nm = NULL;
    if (t && t->names && in->imm >= 0 && (uint32_t)in->imm < t->count) nm = t->names[in->imm];
    if (nm && !name_taken(d, nm)) dvm_buf_printf(o, " %s", nm);
    else dvm_buf_printf(o, " %d", in->imm);
    break;
  }
  default: break;
  }
  if (d->o && (d->o->flags & DVM_ASM_DISASM_COMMENTS)) dvm_buf_printf(o, "\t# pc %u", pc);
  dvm_buf_putc(o, '\n');
}

/* ---- the LLVM dialect ---- */

static int looks_like_reg(const dname *p) {
  if (p->len < 2 || p->len > 3 || (p->name[0] != 'r' && p->name[0] != 'w')) return 0;
  for (uint8_t k = 1; k < p->len; k++)
    if (p->name[k] < '0' || p->name[k] > '9') return 0;
  return 1;
}

static const char *llvm_alu_op(const char *base) {
  static const char *const map[][2] = {{"add", "+="}, {"sub", "-="}, {"mul", "*="}, {"div", "/="}, {"sdiv", "s/="},
                                       {"mod", "%="}, {"smod", "s%="}, {"or", "|="}, {"and", "&="}, {"lsh", "<<="},
                                       {"rsh", ">>="}, {"arsh", "s>>="}, {"xor", "^="}, {"mov", "="}};
  for (size_t k = 0; k < sizeof map / sizeof *map; k++)
    if (!strcmp(map[k][0], base)) return map[k][1];
  return NULL;
}

static const char *llvm_jmp_op(const char *base) {
  static const char *const map[][2] = {{"jeq", "=="}, {"jne", "!="}, {"jgt", ">"}, {"jge", ">="}, {"jlt", "<"},
                                       {"jle", "<="}, {"jset", "&"}, {"jsgt", "s>"}, {"jsge", "s>="},
                                       {"jslt", "s<"}, {"jsle", "s<="}};
  for (size_t k = 0; k < sizeof map / sizeof *map; k++)
    if (!strcmp(map[k][0], base)) return map[k][1];
  return NULL;
}

static const char *size_name(int width, int sign) {
  switch (width) {
  case 8: return sign ? "s8" : "u8";
  case 16: return sign ? "s16" : "u16";
  case 32: return sign ? "s32" : "u32";
  default: return "u64";
  }
}

static void llvm_addr(dvm_buf *o, int reg, int16_t off) {
  if (off < 0) dvm_buf_printf(o, "r%d - %d", reg, -(int)off);
  else dvm_buf_printf(o, "r%d + %d", reg, off);
}

/* Print e as LLVM pseudo-C; 0 when it has no LLVM spelling here (the
 * caller then prints .insn). */
static int print_llvm(dis *d, const dvm_vm_isa_entry *e, const dvm_vm_insn *in, uint32_t pc, uint32_t slots,
                      uint64_t imm64) {
  dvm_buf *o = &d->out;
  int dst = DVM_VM_INSN_DST(in), src = DVM_VM_INSN_SRC(in);
  char base[24];
  size_t nl = strlen(e->name);
  if (nl >= sizeof base) return 0;
  memcpy(base, e->name, nl + 1);
  int w32 = nl > 2 && !strcmp(base + nl - 2, "32") && e->fmt != DVM_FMT_ENDIAN && e->fmt != DVM_FMT_ATOMIC;
  if (w32) base[nl - 2] = 0;
  char R = w32 ? 'w' : 'r';
  switch (e->fmt) {
  case DVM_FMT_ALU_IMM:
  case DVM_FMT_ALU_REG: {
    if (!strncmp(base, "movsx", 5)) { /* movsx832: (s8), 32-bit */
      int bits = base[5] == '8' ? 8 : base[5] == '1' ? 16 : 32;
      int wide = e->width == 32 ? 'w' : 'r';
      dvm_buf_printf(o, "\t%c%d = (s%d)%c%d", wide, dst, bits, wide, src);
      break;
    }
    const char *op = llvm_alu_op(base);
    if (!op) return 0;
    if (e->fmt == DVM_FMT_ALU_IMM) dvm_buf_printf(o, "\t%c%d %s %d", R, dst, op, in->imm);
    else dvm_buf_printf(o, "\t%c%d %s %c%d", R, dst, op, R, src);
    break;
  }
  case DVM_FMT_UNARY: dvm_buf_printf(o, "\t%c%d = -%c%d", R, dst, R, dst); break;
  case DVM_FMT_ENDIAN: dvm_buf_printf(o, "\tr%d = %s r%d", dst, e->name, dst); break;
  case DVM_FMT_LDDW: {
    uint64_t b = DVM_VM_ADDR(DVM_VM_REGION_RODATA, 0);
    const dname *p = NULL;
    if (imm64 >= b && imm64 - b <= d->c->rodata_len) p = best_name(d->ro, d->nro, (uint32_t)(imm64 - b));
    if (p && !looks_like_reg(p)) dvm_buf_printf(o, "\tr%d = %.*s ll", dst, (int)p->len, p->name);
    else dvm_buf_printf(o, "\tr%d = 0x%llx ll", dst, (unsigned long long)imm64);
    break;
  }
  case DVM_FMT_LDX:
    dvm_buf_printf(o, "\tr%d = *(%s *)(", dst, size_name(e->width, base[3] == 's'));
    llvm_addr(o, src, in->off);
    dvm_buf_putc(o, ')');
    break;
  case DVM_FMT_ST:
  case DVM_FMT_STX:
    dvm_buf_printf(o, "\t*(%s *)(", size_name(e->width, 0));
    llvm_addr(o, dst, in->off);
    if (e->fmt == DVM_FMT_ST) dvm_buf_printf(o, ") = %d", in->imm);
    else dvm_buf_printf(o, ") = %c%d", e->width == 64 ? 'r' : 'w', src);
    break;
  case DVM_FMT_ATOMIC: {
    int is32 = e->width == 32;
    char W = is32 ? 'w' : 'r';
    const char *sz = is32 ? "u32" : "u64";
    const char *n = e->name + 5; /* after "lock " */
    char op[16];
    size_t k = 0;
    int fetch = !strncmp(n, "fetch ", 6);
    if (fetch) n += 6;
    while (n[k] && n[k] != '3' && k + 1 < sizeof op) op[k] = n[k], k++;
    op[k] = 0;
    if (!strcmp(op, "xchg")) {
      dvm_buf_printf(o, "\t%c%d = %s(", W, src, is32 ? "xchg32_32" : "xchg_64");
      llvm_addr(o, dst, in->off);
      dvm_buf_printf(o, ", %c%d)", W, src);
    } else if (!strcmp(op, "cmpxchg")) {
      dvm_buf_printf(o, "\t%c0 = %s(", W, is32 ? "cmpxchg32_32" : "cmpxchg_64");
      llvm_addr(o, dst, in->off);
      dvm_buf_printf(o, ", %c0, %c%d)", W, W, src);
    } else if (fetch) {
      dvm_buf_printf(o, "\t%c%d = atomic_fetch_%s((%s *)(", W, src, op, sz);
      llvm_addr(o, dst, in->off);
      dvm_buf_printf(o, "), %c%d)", W, src);
    } else {
      const char *aop = !strcmp(op, "add") ? "+=" : !strcmp(op, "and") ? "&=" : !strcmp(op, "or") ? "|=" : "^=";
      dvm_buf_printf(o, "\tlock *(%s *)(", sz);
      llvm_addr(o, dst, in->off);
      dvm_buf_printf(o, ") %s %c%d", aop, W, src);
    }
    break;
  }
  case DVM_FMT_JA:
    dvm_buf_printf(o, "\tgoto ");
    print_target(d, pc, in->off, slots);
    break;
  case DVM_FMT_JA32:
    dvm_buf_printf(o, "\tgotol ");
    print_target(d, pc, in->imm, slots);
    break;
  case DVM_FMT_JMP_IMM:
  case DVM_FMT_JMP_REG: {
    const char *op = llvm_jmp_op(base);
    if (!op) return 0;
    if (e->fmt == DVM_FMT_JMP_IMM) dvm_buf_printf(o, "\tif %c%d %s %d goto ", R, dst, op, in->imm);
    else dvm_buf_printf(o, "\tif %c%d %s %c%d goto ", R, dst, op, R, src);
    print_target(d, pc, in->off, slots);
    break;
  }
  case DVM_FMT_CALL_LOCAL: {
    /* only a label can name a local call in this dialect */
    int64_t t = (int64_t)pc + 1 + in->imm;
    const dname *p = t >= 0 && t <= (int64_t)slots ? best_name(d->code, d->ncode, (uint32_t)t) : NULL;
    if (!p) return 0;
    dvm_buf_printf(o, "\tcall %.*s", (int)p->len, p->name);
    break;
  }
  default: return 0;
  }
  if (d->o && (d->o->flags & DVM_ASM_DISASM_COMMENTS)) dvm_buf_printf(o, "\t# pc %u", pc);
  dvm_buf_putc(o, '\n');
  return 1;
}

static void print_raw(dis *d, const dvm_vm_insn *in, uint32_t pc) {
  dvm_buf_printf(&d->out, "\t.insn 0x%02x, 0x%02x, %d, %d", in->opcode, in->regs, in->off, in->imm);
  if (d->o && (d->o->flags & DVM_ASM_DISASM_COMMENTS)) dvm_buf_printf(&d->out, "\t# pc %u", pc);
  dvm_buf_putc(&d->out, '\n');
}

static void print_code(dis *d) {
  const uint8_t *code = d->c->code;
  uint32_t slots = d->c->code_len / 8;
  for (uint32_t pc = 0; pc < slots; pc++) {
    print_labels(d, d->code, d->ncode, pc);
    dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
    const dvm_vm_isa_entry *e = dvm_vm_isa_lookup(&in);
    if (e && e->fmt == DVM_FMT_LDDW) {
      dvm_vm_insn hi;
      int ok = pc + 1 < slots && !name_at(d->code, d->ncode, pc + 1);
      if (ok) {
        hi = dvm_vm_insn_decode(code, pc + 1);
        ok = hi.opcode == 0 && hi.regs == 0 && hi.off == 0 && canonical(e, &in);
      }
      if (!ok) {
        print_raw(d, &in, pc);
        continue;
      }
      uint64_t v = (uint64_t)(uint32_t)in.imm | (uint64_t)(uint32_t)hi.imm << 32;
      print_insn(d, e, &in, pc, slots, v);
      pc++;
      continue;
    }
    if (e && canonical(e, &in)) print_insn(d, e, &in, pc, slots, 0);
    else print_raw(d, &in, pc);
  }
  print_labels(d, d->code, d->ncode, slots);
}

static int printable(uint8_t ch) { return ch >= 32 && ch < 127; }

static void print_rodata(dis *d) {
  const uint8_t *p = d->c->rodata;
  uint32_t n = d->c->rodata_len;
  dvm_buf *o = &d->out;
  dvm_buf_printf(o, "\n\t.section .rodata\n");
  uint32_t i = 0;
  size_t next = 0; /* first label after i */
  while (i < n) {
    print_labels(d, d->ro, d->nro, i);
    /* the chunk ends at the next label */
    while (next < d->nro && d->ro[next].value <= i) next++;
    uint32_t end = next < d->nro && d->ro[next].value < n ? d->ro[next].value : n;
    while (i < end) {
      /* an 8-aligned slot holding the address of a data label: a pointer */
      if (i % 8 == 0 && end - i >= 8) {
        uint64_t v = dvm_le_get64(p + i);
        uint64_t base = DVM_VM_ADDR(DVM_VM_REGION_RODATA, 0);
        const dname *t = v >= base && v - base <= n ? best_name(d->ro, d->nro, (uint32_t)(v - base)) : NULL;
        if (t) {
          dvm_buf_printf(o, "\t.quad %.*s\n", (int)t->len, t->name);
          i += 8;
          continue;
        }
      }
      uint32_t zeros = 0;
      while (i + zeros < end && p[i + zeros] == 0) zeros++;
      if (zeros >= 16) {
        dvm_buf_printf(o, "\t.zero %u\n", zeros);
        i += zeros;
        continue;
      }
      uint32_t run = 0;
      while (i + run < end && run < 64 && printable(p[i + run])) run++;
      if (run >= 4) {
        dvm_buf_printf(o, "\t.ascii \"");
        for (uint32_t k = 0; k < run; k++) {
          uint8_t ch = p[i + k];
          if (ch == '"' || ch == '\\') dvm_buf_putc(o, '\\');
          dvm_buf_putc(o, ch);
        }
        dvm_buf_printf(o, "\"\n");
        i += run;
        continue;
      }
      /* .byte lines stop at 8-byte boundaries, where a pointer may start */
      uint32_t m = end - i < 8 - i % 8 ? end - i : 8 - i % 8;
      /* stop a .byte line where a printable run of 4+ starts */
      for (uint32_t k = 1; k < m; k++) {
        uint32_t r = 0;
        while (i + k + r < end && r < 4 && printable(p[i + k + r])) r++;
        if (r >= 4) {
          m = k;
          break;
        }
      }
      dvm_buf_printf(o, "\t.byte ");
      for (uint32_t k = 0; k < m; k++) dvm_buf_printf(o, "%s0x%02x", k ? ", " : "", p[i + k]);
      dvm_buf_putc(o, '\n');
      i += m;
    }
  }
  print_labels(d, d->ro, d->nro, n);
}

int dvm_asm_disasm_container(const dvm_vm_container *c, const dvm_asm_disasm_opts *opts, char **text) {
  if (!text) return DVM_ASM_ERR_ARG;
  *text = NULL;
  if (!c || !c->code || c->code_len % 8) return DVM_ASM_ERR_ARG;
  dis d;
  memset(&d, 0, sizeof d);
  d.c = c;
  d.o = opts;
  size_t ncode = (size_t)c->export_count, nro = 0;
  for (uint32_t i = 0; i < c->symbol_count; i++) {
    if (c->symbols[i].kind == 0) ncode++;
    else nro++;
  }
  d.code = calloc(ncode ? ncode : 1, sizeof *d.code);
  d.ro = calloc(nro ? nro : 1, sizeof *d.ro);
  if (!d.code || !d.ro) {
    free(d.code);
    free(d.ro);
    return DVM_ASM_ERR_NOMEM;
  }
  for (uint32_t i = 0; i < c->export_count; i++)
    d.code[d.ncode++] = (dname){c->exports[i].pc, c->exports[i].name, c->exports[i].name_len};
  for (uint32_t i = 0; i < c->symbol_count; i++) {
    const dvm_vm_symbol *s = &c->symbols[i];
    if (s->kind == 0) d.code[d.ncode++] = (dname){s->value, s->name, s->name_len};
    else d.ro[d.nro++] = (dname){s->value, s->name, s->name_len};
  }
  if (d.ncode) qsort(d.code, d.ncode, sizeof *d.code, dname_cmp);
  if (d.nro) qsort(d.ro, d.nro, sizeof *d.ro, dname_cmp);
  d.nbyname = d.ncode + d.nro;
  d.byname = calloc(d.nbyname ? d.nbyname : 1, sizeof *d.byname);
  if (!d.byname) {
    free(d.code);
    free(d.ro);
    return DVM_ASM_ERR_NOMEM;
  }
  if (d.ncode) memcpy(d.byname, d.code, d.ncode * sizeof *d.code);
  if (d.nro) memcpy(d.byname + d.ncode, d.ro, d.nro * sizeof *d.ro);
  if (d.nbyname) qsort(d.byname, d.nbyname, sizeof *d.byname, byname_cmp);

  dvm_buf_printf(&d.out, "# dvm disasm: %u instruction slots, %u bytes of read-only data\n", c->code_len / 8,
                 c->rodata_len);
  if (c->flags & DVM_VM_FLAG_REENTRANT) dvm_buf_printf(&d.out, "\t.dvm_reentrant\n");
  for (uint32_t i = 0; i < c->export_count; i++)
    dvm_buf_printf(&d.out, "\t.globl %.*s\n", (int)c->exports[i].name_len, c->exports[i].name);
  dvm_buf_printf(&d.out, "\t.text\n");
  print_code(&d);
  if (c->rodata_len || d.nro) {
    if (c->rodata_len) print_rodata(&d);
    else {
      dvm_buf_printf(&d.out, "\n\t.section .rodata\n");
      print_labels(&d, d.ro, d.nro, 0);
    }
  }
  free(d.code);
  free(d.ro);
  free(d.byname);
  *text = dvm_buf_cstr(&d.out);
  return *text ? 0 : DVM_ASM_ERR_NOMEM;
}

int dvm_asm_disasm_code(const uint8_t *code, size_t len, const dvm_asm_disasm_opts *opts, char **text) {
  if (!text) return DVM_ASM_ERR_ARG;
  *text = NULL;
  if (!code && len) return DVM_ASM_ERR_ARG;
  size_t whole = len / 8 * 8;
  if (whole > UINT32_MAX) return DVM_ASM_ERR_ARG;
  if (whole == 0) {
    dvm_buf b = {0};
    dvm_buf_printf(&b, "# dvm disasm: no complete instruction slot (%zu bytes)\n", len);
    *text = dvm_buf_cstr(&b);
    return *text ? 0 : DVM_ASM_ERR_NOMEM;
  }
  dvm_vm_container c;
  memset(&c, 0, sizeof c);
  c.version = DVM_VM_CONTAINER_VERSION;
  c.code = code;
  c.code_len = (uint32_t)whole;
  char *t;
  int rc = dvm_asm_disasm_container(&c, opts, &t);
  if (rc) return rc;
  if (whole == len) {
    *text = t;
    return 0;
  }
  dvm_buf b = {0};
  dvm_buf_put(&b, t, strlen(t));
  free(t);
  dvm_buf_printf(&b, "# %zu trailing bytes ignored (not a whole slot)\n", len - whole);
  *text = dvm_buf_cstr(&b);
  return *text ? 0 : DVM_ASM_ERR_NOMEM;
}
