/* progen.c — see progen.h. */
#include "progen.h"

#include <string.h>

uint8_t progen_u8(progen_src *s) { return s->pos < s->len ? s->data[s->pos++] : 0; }

uint32_t progen_u32(progen_src *s) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v |= (uint32_t)progen_u8(s) << (8 * i);
  return v;
}

uint64_t progen_u64(progen_src *s) { return (uint64_t)progen_u32(s) | (uint64_t)progen_u32(s) << 32; }

uint64_t progen_splitmix(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* ---- the test syscalls ---- */

static void log_call(void *ctx, uint32_t num, const uint64_t a[5], uint64_t ret) {
  progen_log *l = ctx;
  uint64_t v[7] = {num, a[0], a[1], a[2], a[3], a[4], ret};
  if (!l) return;
  for (int i = 0; i < 7; i++)
    for (int b = 0; b < 8; b++) l->hash = (l->hash ^ ((v[i] >> (8 * b)) & 0xff)) * 0x100000001b3ull;
  l->calls++;
}

static int sc_add(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  if (dvm_vm_gas_charge(vm, 5)) return DVM_VM_SC_TRAP;
  *r0 = a[0] + a[1];
  log_call(ctx, 0, a, *r0);
  return DVM_VM_SC_CONTINUE;
}

static int sc_sum(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  uint64_t len = a[1] & 0xfff, sum = 0;
  if (dvm_vm_gas_charge(vm, len)) return DVM_VM_SC_TRAP;
  const uint8_t *p = dvm_vm_translate(vm, a[0], len, DVM_VM_ACCESS_READ);
  if (!p) return DVM_VM_SC_TRAP;
  for (uint64_t i = 0; i < len; i++) sum = sum * 31 + p[i];
  *r0 = sum;
  log_call(ctx, 1, a, sum);
  return DVM_VM_SC_CONTINUE;
}

static int sc_halt(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  log_call(ctx, 2, a, 0);
  dvm_vm_halt(vm, (int)(a[0] & 0xff));
  return DVM_VM_SC_HALT;
}

static int sc_check(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  log_call(ctx, 3, a, 0);
  if (a[0] == 0) {
    dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, 7);
    return DVM_VM_SC_TRAP;
  }
  *r0 = a[0] - 1;
  return DVM_VM_SC_CONTINUE;
}

/* Heap resize to a0 & 0x7fff bytes (the caller's buffer decides the cap). */
static int sc_grow(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  if (dvm_vm_gas_charge(vm, 3)) return DVM_VM_SC_TRAP;
  if (dvm_vm_heap_resize(vm, (uint32_t)(a[0] & 0x7fff))) {
    log_call(ctx, 5, a, 0);
    dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, 9);
    return DVM_VM_SC_TRAP;
  }
  *r0 = dvm_vm_heap_len(vm);
  log_call(ctx, 5, a, *r0);
  return DVM_VM_SC_CONTINUE;
}

/* Charge 1 + (a0 & 0xff), then give back min(a1 & 0x1ff, what it charged):
 * the shape of a cross-contract call returning its callee's unused gas. */
static int sc_refund(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  uint64_t charge = 1 + (a[0] & 0xff), back = a[1] & 0x1ff;
  if (dvm_vm_gas_charge(vm, charge)) return DVM_VM_SC_TRAP;
  dvm_vm_gas_refund(vm, back < charge ? back : charge);
  *r0 = dvm_vm_gas_left(vm);
  log_call(ctx, 6, a, *r0);
  return DVM_VM_SC_CONTINUE;
}

static const char *const sc_names[7] = {"t_add", "t_sum", "t_halt", "t_check", "t_absent", "t_grow", "t_refund"};
static const dvm_vm_syscall_fn sc_fns[7] = {sc_add, sc_sum, sc_halt, sc_check, NULL, sc_grow, sc_refund};
static const dvm_vm_syscall_table sc_table = {7, sc_names, sc_fns};

const dvm_vm_syscall_table *progen_syscalls(void) { return &sc_table; }

/* ---- the generator ---- */

/* Items are laid out after generation so that branch targets can name
 * items that do not exist yet; `target` is an item index. */
typedef struct item {
  dvm_vm_insn in;
  int32_t target; /* -1: none; else item index (jumps, local calls) */
  uint8_t lddw;   /* two slots */
  uint32_t hi;    /* lddw: upper 32 bits */
} item;

#define MAX_ITEMS 4096

typedef struct gen {
  progen_src *s;
  item *it;
  uint32_t n, cap;
} gen;

/* Append an item; returns its index, or UINT32_MAX when the program is
 * full (the item is dropped, so callers fix up targets only by index). */
static uint32_t emit(gen *g, uint8_t op, unsigned dst, unsigned src, int16_t off, int32_t imm) {
  if (g->n >= g->cap) return UINT32_MAX;
  item *t = &g->it[g->n++];
  memset(t, 0, sizeof *t);
  t->in.opcode = op;
  t->in.regs = (uint8_t)(src << 4 | dst);
  t->in.off = off;
  t->in.imm = imm;
  t->target = -1;
  return g->n - 1;
}

static void emit_lddw(gen *g, unsigned dst, uint64_t v) {
  uint32_t i = emit(g, 0x18, dst, 0, 0, (int32_t)(uint32_t)v);
  if (i == UINT32_MAX) return;
  g->it[i].lddw = 1;
  g->it[i].hi = (uint32_t)(v >> 32);
}

static int32_t interesting_imm(gen *g) {
  static const int32_t v[] = {0, 1, -1, 2, 7, 8, 16, 31, 32, 33, 63, 64, 255, 0x7fffffff,
                              (int32_t)0x80000000, -2, 0x10000, 4096, -4096};
  uint8_t b = progen_u8(g->s);
  if (b < 160) return v[b % (sizeof v / sizeof v[0])];
  return (int32_t)progen_u32(g->s);
}

/* r9 is the loop counter and never a random destination. */
static unsigned rdst(gen *g) { return progen_u8(g->s) % 9; }
static unsigned rsrc(gen *g) { return progen_u8(g->s) % 11; }

static void gen_alu(gen *g) {
  size_t n;
  const dvm_vm_isa_entry *t = dvm_vm_isa_table(&n);
  /* Pick ALU-class entries only (formats that compute into dst). */
  for (int tries = 0; tries < 8; tries++) {
    const dvm_vm_isa_entry *e = &t[progen_u8(g->s) % n];
    unsigned dst = rdst(g);
    int16_t off = e->match == DVM_MATCH_OFF ? (int16_t)e->match_val : 0;
    switch (e->fmt) {
    case DVM_FMT_ALU_IMM: emit(g, e->opcode, dst, 0, off, interesting_imm(g)); return;
    case DVM_FMT_ALU_REG: emit(g, e->opcode, dst, rsrc(g), off, 0); return;
    case DVM_FMT_UNARY: emit(g, e->opcode, dst, 0, 0, 0); return;
    case DVM_FMT_ENDIAN: emit(g, e->opcode, dst, 0, 0, e->match_val); return;
    case DVM_FMT_LDDW: emit_lddw(g, dst, progen_u64(g->s)); return;
    default: break;
    }
  }
  emit(g, 0x07, rdst(g), 0, 0, interesting_imm(g));
}

/* Point r8 somewhere: mostly the stack or heap in bounds, sometimes at
 * rodata, input, nothing, or the edge of a region. Returns the offset
 * range that is safe to use from it. */
static void gen_pointer(gen *g) {
  uint8_t b = progen_u8(g->s);
  if (b < 110) { /* stack: r8 = r10 - k */
    emit(g, 0xbf, 8, 10, 0, 0);
    emit(g, 0x07, 8, 0, 0, -(int32_t)(72 + (progen_u8(g->s) % 48) * 8));
  } else if (b < 220) { /* heap (tests map at least 512 bytes) */
    emit_lddw(g, 8, DVM_VM_ADDR(DVM_VM_REGION_HEAP, 64 + (progen_u8(g->s) % 48) * 8));
  } else if (b < 235) { /* the input region (read-only) */
    emit_lddw(g, 8, DVM_VM_ADDR(DVM_VM_REGION_INPUT, progen_u8(g->s) % 32));
  } else if (b < 245) { /* just past the current frame, or region edges */
    emit(g, 0xbf, 8, 10, 0, 0);
  } else { /* anything */
    emit_lddw(g, 8, progen_u64(g->s));
  }
}

static void gen_mem(gen *g) {
  static const uint8_t ldx[] = {0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91};
  static const uint8_t st[] = {0x62, 0x6a, 0x72, 0x7a};
  static const uint8_t stx[] = {0x63, 0x6b, 0x73, 0x7b};
  static const int32_t atomics[] = {0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1};
  int16_t off = (int16_t)((int)(progen_u8(g->s) % 32) * 4 - 64);
  gen_pointer(g);
  switch (progen_u8(g->s) % 4) {
  case 0: emit(g, ldx[progen_u8(g->s) % 7], rdst(g), 8, off, 0); break;
  case 1: emit(g, st[progen_u8(g->s) % 4], 8, 0, off, interesting_imm(g)); break;
  case 2: emit(g, stx[progen_u8(g->s) % 4], 8, rsrc(g), off, 0); break;
  default: {
    unsigned src = progen_u8(g->s) % 9; /* fetch forms write src: never r9/r10 */
    emit(g, progen_u8(g->s) & 1 ? 0xdb : 0xc3, 8, src, off, atomics[progen_u8(g->s) % 10]);
    break;
  }
  }
}

static void gen_syscall(gen *g) {
  static const int32_t sizes[8] = {0, 256, 512, 1024, 2048, 4096, 8192, 16384};
  uint8_t b = progen_u8(g->s);
  unsigned num = b % 7;
  if (num == 1) { /* t_sum over a pointer in r1 */
    gen_pointer(g);
    emit(g, 0xbf, 1, 8, 0, 0);
    emit(g, 0xb7, 2, 0, 0, progen_u8(g->s));
  } else if (num == 5) { /* t_grow: mostly to sizes that keep progen's 512 bytes */
    uint8_t k = progen_u8(g->s);
    emit(g, 0xb7, 1, 0, 0, k < 192 ? sizes[2 + k % 6] : sizes[k % 2]);
  } else if (num == 6) { /* t_refund */
    emit(g, 0xb7, 1, 0, 0, progen_u8(g->s));
    emit(g, 0xb7, 2, 0, 0, (int32_t)progen_u8(g->s) * 2);
  } else if (num == 4 && (progen_u8(g->s) & 3)) {
    num = 0; /* t_absent traps: only sometimes */
  }
  emit(g, 0x85, 0, 0, 0, (int32_t)num);
}

static void gen_block(gen *g, uint32_t budget, uint32_t funcs_first, uint32_t nfuncs);

/* A counted loop: r9 = k; L: body; r9 -= 1; jne r9, 0, L. The body may
 * not write r9 (rdst never picks it), so it terminates unless gas ends it. */
static void gen_loop(gen *g, uint32_t budget, uint32_t funcs_first, uint32_t nfuncs) {
  emit(g, 0xb7, 9, 0, 0, 1 + progen_u8(g->s) % 40);
  uint32_t head = g->n;
  gen_block(g, budget, funcs_first, nfuncs);
  emit(g, 0x17, 9, 0, 0, 1);
  uint32_t back = emit(g, 0x55, 9, 0, 0, 0);
  if (back != UINT32_MAX) g->it[back].target = (int32_t)head;
}

static void gen_block(gen *g, uint32_t budget, uint32_t funcs_first, uint32_t nfuncs) {
  for (uint32_t k = 0; k < budget && g->n + 16 < g->cap; k++) {
    uint8_t b = progen_u8(g->s);
    if (b < 110) gen_alu(g);
    else if (b < 170) gen_mem(g);
    else if (b < 195) { /* forward conditional branch over a few items */
      size_t n;
      const dvm_vm_isa_entry *t = dvm_vm_isa_table(&n);
      const dvm_vm_isa_entry *e = &t[progen_u8(g->s) % n];
      uint32_t skip = 1 + progen_u8(g->s) % 4, jump;
      if (e->fmt == DVM_FMT_JMP_IMM) jump = emit(g, e->opcode, rsrc(g) % 10, 0, 0, interesting_imm(g));
      else if (e->fmt == DVM_FMT_JMP_REG) jump = emit(g, e->opcode, rsrc(g) % 10, rsrc(g), 0, 0);
      else jump = emit(g, progen_u8(g->s) & 1 ? 0x05 : 0x06, 0, 0, 0, 0);
      for (uint32_t i = 0; i < skip; i++) gen_alu(g);
      if (jump != UINT32_MAX) g->it[jump].target = (int32_t)g->n; /* the item after the skipped ones */
    } else if (b < 210 && nfuncs) { /* local call */
      uint32_t call = emit(g, 0x85, 0, 1, 0, 0);
      if (call != UINT32_MAX) g->it[call].target = (int32_t)(funcs_first + progen_u8(g->s) % nfuncs);
    } else if (b < 225) {
      gen_syscall(g);
    } else if (b < 235 && budget > 4) {
      gen_loop(g, budget / 3, funcs_first, nfuncs);
    } else if (b < 240) { /* a backward jump: an endless loop that gas ends */
      uint32_t ja = emit(g, 0x05, 0, 0, 0, 0);
      if (ja != UINT32_MAX) g->it[ja].target = (int32_t)(ja - progen_u8(g->s) % (ja + 1));
    } else {
      gen_alu(g);
    }
  }
}

uint32_t progen_program(progen_src *s, uint8_t *code, uint32_t max_slots) {
  static __thread item items[MAX_ITEMS];
  gen g = {s, items, 0, max_slots / 2 < MAX_ITEMS ? max_slots / 2 : MAX_ITEMS};
  uint32_t nfuncs = progen_u8(s) % 3, budget = 4 + progen_u8(s) % 48;
  uint32_t func_item[3] = {0, 0, 0};

  if (g.cap < 64) {
    dvm_vm_insn ex = {0x95, 0, 0, 0};
    dvm_vm_insn_encode(&ex, code);
    return 1;
  }
  g.cap -= 8; /* room for the closing exits */
  /* Interesting register values first. */
  for (unsigned r = 0; r < 9; r++)
    if (progen_u8(s) & 1) emit_lddw(&g, r, progen_u64(s));
    else emit(&g, 0xb7, r, 0, 0, interesting_imm(&g));
  /* r9, the loop counter, is read outside loops too: written here so that
   * no read is of a register nothing writes (spec/verifier.md `uninit`);
   * consumes no input, so a seed draws the same program otherwise. */
  emit(&g, 0xb7, 9, 0, 0, 0);
  /* Main body, then the functions; call targets are fixed up below. */
  uint32_t first_call_fixup = g.n;
  gen_block(&g, budget, 0, nfuncs);
  emit(&g, 0x95, 0, 0, 0, 0);
  for (uint32_t f = 0; f < nfuncs && g.n + 16 < g.cap + 8; f++) {
    func_item[f] = g.n;
    gen_block(&g, 2 + progen_u8(s) % 12, 0, nfuncs);
    emit(&g, 0x95, 0, 0, 0, 0);
  }
  g.cap += 8;
  if (g.n == 0 || g.n >= g.cap || g.it[g.n - 1].in.opcode != 0x95) emit(&g, 0x95, 0, 0, 0, 0);

  /* Local calls chose a function index; map it to the function's item. */
  for (uint32_t i = first_call_fixup; i < g.n; i++)
    if (g.it[i].in.opcode == 0x85 && DVM_VM_INSN_SRC(&g.it[i].in) == 1)
      g.it[i].target = nfuncs ? (int32_t)func_item[(uint32_t)g.it[i].target % nfuncs] : -1;

  /* Layout: item -> slot. */
  static __thread uint32_t slot_of[MAX_ITEMS + 1];
  uint32_t slot = 0;
  for (uint32_t i = 0; i < g.n; i++) {
    slot_of[i] = slot;
    slot += g.it[i].lddw ? 2 : 1;
  }
  slot_of[g.n] = slot;
  for (uint32_t i = 0; i < g.n; i++) {
    item *t = &g.it[i];
    if (t->in.opcode == 0x85 && DVM_VM_INSN_SRC(&t->in) == 1) {
      if (t->target < 0 || (uint32_t)t->target >= g.n) { /* no function: make it a harmless mov */
        t->in.opcode = 0xb7;
        t->in.regs = 0;
        t->in.imm = 0;
      } else {
        t->in.imm = (int32_t)(slot_of[t->target] - slot_of[i] - 1);
      }
    } else if (t->target >= 0) {
      uint32_t tgt = (uint32_t)t->target < g.n ? slot_of[t->target] : slot_of[g.n - 1];
      int64_t rel = (int64_t)tgt - (int64_t)slot_of[i] - 1;
      if (t->in.opcode == 0x06) t->in.imm = (int32_t)rel;
      else t->in.off = (int16_t)(rel < -32768 ? -32768 : rel > 32767 ? 32767 : rel);
    }
    dvm_vm_insn_encode(&t->in, code + 8 * (size_t)slot_of[i]);
    if (t->lddw) {
      dvm_vm_insn hi = {0, 0, 0, (int32_t)t->hi};
      dvm_vm_insn_encode(&hi, code + 8 * ((size_t)slot_of[i] + 1));
    }
  }
  return slot;
}
