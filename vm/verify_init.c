/* verify_init.c — the verifier's one dataflow rule, `uninit`
 * (spec/verifier.md): an instruction reachable from an entry point that
 * reads a register no path from an entry point has written. Such a read is
 * certainly of an uninitialised register (it reads 0, the start value):
 * always a bug, never something a compiler emits for a valid program. A
 * read that some path initialises stays legal.
 *
 * May-be-written dataflow over the control-flow graph, one 11-bit mask
 * (r0-r10) per instruction slot, joined by union:
 *   - entry points (slot 0 and every export) start with r1, r2, r10
 *     (spec/memory.md: the host sets r1, r2; r10 is the frame pointer);
 *   - an instruction adds what it writes;
 *   - a syscall writes r0 (r1-r5 are left as they are);
 *   - a local call enters its target with the caller's mask: the VM hands
 *     every register over as it is (by convention r1-r5 are the arguments,
 *     but a callee reading the caller's r6 reads a written value); after
 *     it, the caller continues with its own mask plus r0-r5 (r0 out, r1-r5
 *     whatever the callee left, r6-r9 and r10 restored);
 *   - exit has no successor (the return is the call's fall-through) and is
 *     not a read of r0: a void function returns without writing it.
 * Masks only grow and have 11 bits, so a slot is queued at most 11 times:
 * the work is at most 11 x slots instruction visits, checked below. */
#include "vm_private.h"

#include <assert.h>
#include <stdlib.h>

#define R(n) ((uint16_t)(1u << (n)))
#define ARGS ((uint16_t)(R(1) | R(2) | R(3) | R(4) | R(5)))
#define AT_ENTRY ((uint16_t)(R(1) | R(2) | R(10)))

static int is_mov(unsigned id) {
  return id == DVM_OP_MOV32_IMM || id == DVM_OP_MOV64_IMM || id == DVM_OP_MOV32_REG || id == DVM_OP_MOV64_REG ||
         id == DVM_OP_MOVSX8_32 || id == DVM_OP_MOVSX16_32 || id == DVM_OP_MOVSX8_64 || id == DVM_OP_MOVSX16_64 ||
         id == DVM_OP_MOVSX32_64;
}

/* The registers an instruction reads and writes (calls and exit: none;
 * their effects are edges, above). */
static void regs_of(const dvm_vm_isa_entry *e, const dvm_vm_insn *in, uint16_t *reads, uint16_t *writes) {
  unsigned dst = DVM_VM_INSN_DST(in), src = DVM_VM_INSN_SRC(in);
  *reads = *writes = 0;
  switch (e->fmt) {
  case DVM_FMT_ALU_IMM:
    if (!is_mov(e->id)) *reads = R(dst);
    *writes = R(dst);
    break;
  case DVM_FMT_ALU_REG:
    *reads = (uint16_t)(R(src) | (is_mov(e->id) ? 0 : R(dst)));
    *writes = R(dst);
    break;
  case DVM_FMT_UNARY:
  case DVM_FMT_ENDIAN:
    *reads = *writes = R(dst);
    break;
  case DVM_FMT_LDDW: *writes = R(dst); break;
  case DVM_FMT_LDX:
    *reads = R(src);
    *writes = R(dst);
    break;
  case DVM_FMT_ST:
  case DVM_FMT_JMP_IMM: *reads = R(dst); break;
  case DVM_FMT_STX:
  case DVM_FMT_JMP_REG: *reads = (uint16_t)(R(dst) | R(src)); break;
  case DVM_FMT_ATOMIC:
    *reads = (uint16_t)(R(dst) | R(src));
    if (e->id == DVM_OP_AT_CMPXCHG32 || e->id == DVM_OP_AT_CMPXCHG64) {
      *reads |= R(0);
      *writes = R(0);
    } else if (in->imm & 1) { /* fetch, xchg: the old value goes to src */
      *writes = R(src);
    }
    break;
  default: break;
  }
}

typedef struct flow {
  uint16_t *in; /* per slot: registers some path has written; 0 = not reached */
  uint32_t *stack;
  uint8_t *queued;
  uint32_t top;
} flow;

static void reach(flow *f, uint32_t pc, uint16_t mask) {
  uint16_t m = (uint16_t)(f->in[pc] | mask);
  if (m == f->in[pc]) return;
  f->in[pc] = m;
  if (!f->queued[pc]) {
    f->queued[pc] = 1;
    f->stack[f->top++] = pc;
  }
}

int dvm_vm_verify_init(const uint8_t *code, uint32_t slots, const uint8_t *lddw_hi,
                       const dvm_vm_export *exports, uint32_t export_count, uint32_t *bad_pc,
                       unsigned *bad_reg) {
  flow f = {calloc(slots, sizeof *f.in), calloc(slots, sizeof *f.stack), calloc(slots, 1), 0};
  int rc = 0;
  if (!f.in || !f.stack || !f.queued) {
    rc = -1;
    goto out;
  }
  reach(&f, 0, AT_ENTRY);
  for (uint32_t i = 0; i < export_count; i++) reach(&f, exports[i].pc, AT_ENTRY);
  uint64_t visits = 0;
  (void)visits; /* read only by the assert below (NDEBUG builds drop it) */
  while (f.top) {
    uint32_t pc = f.stack[--f.top];
    f.queued[pc] = 0;
    visits++;
    assert(visits <= (uint64_t)11 * slots); /* each slot's mask grows at most 11 times */
    dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
    const dvm_vm_isa_entry *e = dvm_vm_isa_lookup(&in);
    assert(e && !lddw_hi[pc]); /* the rules before this one hold */
    uint16_t reads, writes, out;
    regs_of(e, &in, &reads, &writes);
    out = (uint16_t)(f.in[pc] | writes);
    int64_t target = (int64_t)pc + 1 + (e->fmt == DVM_FMT_JA32 || e->fmt == DVM_FMT_CALL_LOCAL ? in.imm : in.off);
    switch (e->fmt) {
    case DVM_FMT_EXIT: break;
    case DVM_FMT_JA:
    case DVM_FMT_JA32: reach(&f, (uint32_t)target, out); break;
    case DVM_FMT_JMP_IMM:
    case DVM_FMT_JMP_REG:
      reach(&f, (uint32_t)target, out);
      reach(&f, pc + 1, out);
      break;
    case DVM_FMT_CALL: reach(&f, pc + 1, (uint16_t)(out | R(0))); break;
    case DVM_FMT_CALL_LOCAL:
      reach(&f, (uint32_t)target, out);
      reach(&f, pc + 1, (uint16_t)(out | R(0) | ARGS));
      break;
    case DVM_FMT_LDDW: reach(&f, pc + 2, out); break;
    default: reach(&f, pc + 1, out); break;
    }
  }
  /* The first read that no path initialises, by rising pc, lowest register. */
  for (uint32_t pc = 0; pc < slots && !rc; pc++) {
    if (!f.in[pc] || lddw_hi[pc]) continue;
    dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
    uint16_t reads, writes;
    regs_of(dvm_vm_isa_lookup(&in), &in, &reads, &writes);
    uint16_t never = (uint16_t)(reads & ~f.in[pc]);
    if (never) {
      unsigned r = 0;
      while (!(never & R(r))) r++;
      *bad_pc = pc;
      *bad_reg = r;
      rc = 1;
    }
  }
out:
  free(f.in);
  free(f.stack);
  free(f.queued);
  return rc;
}
