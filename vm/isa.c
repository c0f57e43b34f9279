/* isa.c — the instruction table derived from isa.def, encoding and
 * decoding of instruction slots, and the VM's error texts. */
#include "vm.h"
#include "vm_private.h"

#include <string.h>

static const dvm_vm_isa_entry isa_table[] = {
#define DVM_ISA(ID, OPC, MATCH, MVAL, FMT, W, NAME, SEM) \
  {DVM_OP_##ID, OPC, DVM_MATCH_##MATCH, MVAL, DVM_FMT_##FMT, W, NAME, SEM},
#include "isa.def"
#undef DVM_ISA
};

#define ISA_N (sizeof isa_table / sizeof isa_table[0])

const dvm_vm_isa_entry *dvm_vm_isa_table(size_t *n) {
  if (n) *n = ISA_N;
  return isa_table;
}

static int entry_matches(const dvm_vm_isa_entry *e, const dvm_vm_insn *insn) {
  switch (e->match) {
  case DVM_MATCH_NONE: return 1;
  case DVM_MATCH_OFF: return insn->off == e->match_val;
  case DVM_MATCH_IMM: return insn->imm == e->match_val;
  case DVM_MATCH_SRC: return DVM_VM_INSN_SRC(insn) == e->match_val;
  default: return 0;
  }
}

const dvm_vm_isa_entry *dvm_vm_isa_lookup(const dvm_vm_insn *insn) {
  /* The table is sorted by opcode: binary search the first row of the
   * opcode, then try its (at most six) variants in order. */
  size_t lo = 0, hi = ISA_N;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (isa_table[mid].opcode < insn->opcode) lo = mid + 1;
    else hi = mid;
  }
  for (size_t i = lo; i < ISA_N && isa_table[i].opcode == insn->opcode; i++)
    if (entry_matches(&isa_table[i], insn)) return &isa_table[i];
  return NULL;
}

const dvm_vm_isa_entry *dvm_vm_isa_find(const char *name, int fmt) {
  for (size_t i = 0; i < ISA_N; i++)
    if (isa_table[i].fmt == fmt && strcmp(isa_table[i].name, name) == 0) return &isa_table[i];
  return NULL;
}

dvm_vm_insn dvm_vm_insn_decode(const uint8_t *code, uint32_t pc) {
  const uint8_t *b = code + (size_t)pc * 8;
  dvm_vm_insn i;
  i.opcode = b[0];
  i.regs = b[1];
  i.off = (int16_t)(uint16_t)(b[2] | (uint16_t)b[3] << 8);
  i.imm = (int32_t)dvm_load_u32(b + 4);
  return i;
}

void dvm_vm_insn_encode(const dvm_vm_insn *insn, uint8_t out[8]) {
  uint16_t off = (uint16_t)insn->off;
  uint32_t imm = (uint32_t)insn->imm;
  out[0] = insn->opcode;
  out[1] = insn->regs;
  out[2] = (uint8_t)off;
  out[3] = (uint8_t)(off >> 8);
  dvm_store_u32(out + 4, imm);
}

const char *dvm_vm_strerror(int code) {
  switch (code) {
  /* the texts of base/errors.def, word for word (test base_errors) */
  case DVM_VM_OK: return "ok";
  case DVM_VM_ERR_ARG: return "DVM_VM_ERR_ARG: invalid argument (a documented precondition was broken)";
  case DVM_VM_ERR_NOMEM: return "DVM_VM_ERR_NOMEM: out of memory; nothing was changed";
  case DVM_VM_ERR_CONTAINER: return "DVM_VM_ERR_CONTAINER: malformed container";
  case DVM_VM_ERR_VERIFY: return "DVM_VM_ERR_VERIFY: program rejected by the verifier";
  default: return "unknown error code (not in base/errors.def)";
  }
}

const char *dvm_vm_verr_name(int rule) {
  static const char *const names[DVM_VERR_COUNT_] = {
    [DVM_VERR_NONE] = "none",
    [DVM_VERR_EMPTY] = "empty",
    [DVM_VERR_SIZE] = "size",
    [DVM_VERR_TOO_LONG] = "too_long",
    [DVM_VERR_RODATA_TOO_LONG] = "rodata_too_long",
    [DVM_VERR_OPCODE] = "opcode",
    [DVM_VERR_REGISTER] = "register",
    [DVM_VERR_WRITE_R10] = "write_r10",
    [DVM_VERR_UNUSED_FIELD] = "unused_field",
    [DVM_VERR_BAD_IMM] = "bad_imm",
    [DVM_VERR_BAD_OFFSET] = "bad_offset",
    [DVM_VERR_JUMP_RANGE] = "jump_range",
    [DVM_VERR_JUMP_LDDW] = "jump_lddw",
    [DVM_VERR_CALL_RANGE] = "call_range",
    [DVM_VERR_SYSCALL] = "syscall",
    [DVM_VERR_LDDW_TRUNCATED] = "lddw_truncated",
    [DVM_VERR_LDDW_SECOND] = "lddw_second",
    [DVM_VERR_FALLS_OFF] = "falls_off",
    [DVM_VERR_EXPORT] = "export",
    [DVM_VERR_UNINIT] = "uninit",
  };
  if (rule < 0 || rule >= DVM_VERR_COUNT_) return "unknown";
  return names[rule];
}

const char *dvm_vm_trap_name(int trap) {
  switch (trap) {
  case DVM_TRAP_NONE: return "none";
  case DVM_TRAP_OUT_OF_GAS: return "out_of_gas";
  case DVM_TRAP_MEM_FAULT: return "mem_fault";
  case DVM_TRAP_CALL_DEPTH: return "call_depth";
  case DVM_TRAP_INVALID_SYSCALL: return "invalid_syscall";
  case DVM_TRAP_SYSCALL_ARG: return "syscall_arg";
  default: return "unknown";
  }
}
