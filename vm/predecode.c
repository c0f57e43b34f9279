/* predecode.c — the fast interpreter's pre-decoded program, built from
 * code the verifier (verify.c) has accepted. Three steps, each its own
 * function so each can be tested on its own (tests/vm/test_predecode.c):
 *
 *   dvm_vm_decode         one dvm_vm_dinsn per slot: op id, registers,
 *                         offset, sign-extended imm (lddw: imm64), and the
 *                         target slot of jumps and local calls; marks in
 *                         `kind` what the next steps need
 *   dvm_vm_price_blocks   basic blocks: leaders get entry = CHARGE and the
 *                         block's instruction count as cost (spec/gas.md)
 *   dvm_vm_fuse           mov rD, rS + 64-bit ALU on rD in one block: the
 *                         mov's op becomes the pair's id (vm_private.h)
 *
 * None of them checks a rule: on code the verifier rejected their result
 * is unspecified (but they stay in bounds). Linear time; no allocation
 * but the `kind` scratch array of dvm_vm_predecode. */
#include "vm_private.h"

#include <assert.h>
#include <stdlib.h>

void dvm_vm_decode(const uint8_t *code, uint32_t slots, dvm_vm_dinsn *dcode, uint8_t *kind) {
  for (uint32_t pc = 0; pc < slots; pc++) kind[pc] = 0;
  for (uint32_t pc = 0; pc < slots; pc++) {
    dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
    const dvm_vm_isa_entry *e = dvm_vm_isa_lookup(&in);
    assert(e != NULL); /* verified: every slot but lddw's second is in the table */
    if (!e) continue;
    dvm_vm_dinsn *d = &dcode[pc];
    d->op = e->id;
    d->entry = e->id;
    d->dst = DVM_VM_INSN_DST(&in);
    d->src = DVM_VM_INSN_SRC(&in);
    d->off = in.off;
    d->cost = 0;
    d->target = 0;
    d->imm = (uint64_t)(int64_t)in.imm; /* ALU32/JMP32 use its low 32 bits */
    /* Ranges the interpreters rely on (checked by the verifier): */
    assert(d->dst <= 10 && d->src <= 10);
    switch (e->fmt) {
    case DVM_FMT_LDDW: {
      assert(pc + 1 < slots);
      if (pc + 1 >= slots) break;
      dvm_vm_insn hi = dvm_vm_insn_decode(code, pc + 1);
      d->imm = (uint64_t)(uint32_t)in.imm | (uint64_t)(uint32_t)hi.imm << 32;
      /* the second slot holds a copy that is never dispatched */
      dcode[pc + 1] = *d;
      kind[pc + 1] |= DVM_VM_K_LDDW_HI;
      pc++;
      break;
    }
    case DVM_FMT_JA:
    case DVM_FMT_JA32:
    case DVM_FMT_JMP_IMM:
    case DVM_FMT_JMP_REG:
    case DVM_FMT_CALL_LOCAL: {
      int64_t rel = e->fmt == DVM_FMT_JA32 || e->fmt == DVM_FMT_CALL_LOCAL ? in.imm : in.off;
      int64_t t = (int64_t)pc + 1 + rel;
      assert(t >= 0 && t < (int64_t)slots); /* verified: jump_range, call_range */
      if (t < 0 || t >= (int64_t)slots) break;
      d->target = (uint32_t)t;
      kind[t] |= DVM_VM_K_LEADER;
      kind[pc] |= DVM_VM_K_ENDS;
      break;
    }
    case DVM_FMT_CALL:
    case DVM_FMT_EXIT:
      kind[pc] |= DVM_VM_K_ENDS;
      break;
    default:
      break;
    }
  }
}

void dvm_vm_price_blocks(dvm_vm_dinsn *dcode, uint8_t *kind, uint32_t slots,
                         const dvm_vm_export *exports, uint32_t export_count) {
  /* Leaders: the first slot, jump and call targets (dvm_vm_decode),
   * entry points, and the slot after a jump, call or exit (the fall-through
   * or the return lands there). */
  kind[0] |= DVM_VM_K_LEADER;
  for (uint32_t i = 0; i < export_count; i++)
    if (exports[i].pc < slots) kind[exports[i].pc] |= DVM_VM_K_LEADER;
  for (uint32_t pc = 0; pc < slots; pc++)
    if ((kind[pc] & DVM_VM_K_ENDS) && pc + 1 < slots) kind[pc + 1] |= DVM_VM_K_LEADER;
  /* A block runs from a leader to the next leader or past the instruction
   * that ends it; its gas is its instruction count, lddw counting once. */
  for (uint32_t pc = 0; pc < slots;) {
    uint32_t start = pc, n = 0;
    assert(!(kind[pc] & DVM_VM_K_LDDW_HI)); /* a block never starts inside an lddw */
    for (;;) {
      n++;
      int ends = (kind[pc] & DVM_VM_K_ENDS) != 0;
      pc += dcode[pc].op == DVM_OP_LDDW ? 2 : 1;
      if (ends || pc >= slots || (kind[pc] & DVM_VM_K_LEADER)) break;
    }
    /* n <= slots <= DVM_VM_MAX_CODE_SLOTS: a block's gas fits 32 bits */
    assert(n >= 1 && n <= slots);
    dcode[start].cost = n;
    dcode[start].entry = DVM_OP_CHARGE_;
  }
}

void dvm_vm_fuse(dvm_vm_dinsn *dcode, const uint8_t *kind, uint32_t slots) {
  /* The pair must lie in one block (the second is no leader), so the
   * block's charge covers both. A leader keeps CHARGE as its entry. */
  for (uint32_t pc = 0; pc + 1 < slots; pc++) {
    uint16_t f = 0;
    if (dcode[pc].op != DVM_OP_MOV64_REG || (kind[pc + 1] & DVM_VM_K_LEADER) ||
        dcode[pc + 1].dst != dcode[pc].dst)
      continue;
    switch (dcode[pc + 1].op) {
#define DVM_FUSE_CASE(ID) case DVM_OP_##ID: f = DVM_FOP_##ID; break;
      DVM_FUSE_LIST(DVM_FUSE_CASE)
#undef DVM_FUSE_CASE
    default: break;
    }
    if (!f) continue;
    dcode[pc].op = f; /* what a jump or a block's charge dispatches to */
    if (dcode[pc].entry != DVM_OP_CHARGE_) dcode[pc].entry = f;
  }
}

int dvm_vm_predecode(const uint8_t *code, uint32_t slots, const dvm_vm_export *exports,
                     uint32_t export_count, dvm_vm_dinsn *dcode) {
  uint8_t *kind = malloc(slots ? slots : 1);
  if (!kind) return DVM_VM_ERR_NOMEM;
  dvm_vm_decode(code, slots, dcode, kind);
  dvm_vm_price_blocks(dcode, kind, slots, exports, export_count);
  dvm_vm_fuse(dcode, kind, slots);
  free(kind);
  return DVM_VM_OK;
}
