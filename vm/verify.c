/* verify.c — the verifier (spec/verifier.md): rules only.
 *
 * One pass over the instructions checks every rule that concerns a single
 * instruction and notes the second slots of lddw; a second pass checks that
 * no jump or call lands in one (a forward target is only known to be bad
 * once the first pass has reached it); then the last instruction and the
 * entry points. The first broken rule, in that order and by rising pc,
 * is the one reported. Linear time and memory; no path exploration: memory
 * safety is enforced at run time by the bounds check of every access, not
 * proven here. Building what the fast interpreter runs (decoding, block
 * gas, fusion) is predecode.c's job, on code this file accepted. */
#include "vm_private.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>


__attribute__((format(printf, 4, 5)))
static int reject(dvm_vm_error *err, int rule, uint32_t pc, const char *fmt, ...) {
  if (err) {
    va_list ap;
    int n = 0;
    err->code = DVM_VM_ERR_VERIFY;
    err->rule = rule;
    err->pc = pc;
    if (pc != UINT32_MAX) n = snprintf(err->msg, sizeof err->msg, "pc %u: ", pc);
    if (n < 0) n = 0;
    va_start(ap, fmt);
    vsnprintf(err->msg + n, sizeof err->msg - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return DVM_VM_ERR_VERIFY;
}

/* Explain an instruction the table does not know, as precisely as we can. */
static int reject_unknown(dvm_vm_error *err, uint32_t pc, const dvm_vm_insn *in) {
  size_t n;
  const dvm_vm_isa_entry *t = dvm_vm_isa_table(&n);
  const dvm_vm_isa_entry *same = NULL;
  switch (in->opcode) {
  case 0x8d:
    return reject(err, DVM_VERR_OPCODE, pc, "callx (call through a register) is not supported");
  case 0x20: case 0x28: case 0x30: case 0x38:
  case 0x40: case 0x48: case 0x50: case 0x58:
    return reject(err, DVM_VERR_OPCODE, pc,
                  "legacy packet access (ld_abs/ld_ind, opcode 0x%02x) is not supported", in->opcode);
  case 0x18:
    return reject(err, DVM_VERR_OPCODE, pc,
                  "lddw with src %u (map or BTF relocation) is not supported; only src 0",
                  DVM_VM_INSN_SRC(in));
  case 0x85:
    if (DVM_VM_INSN_SRC(in) == 2)
      return reject(err, DVM_VERR_OPCODE, pc, "call by BTF id (src 2) is not supported");
    return reject(err, DVM_VERR_UNUSED_FIELD, pc,
                  "call src must be 0 (syscall) or 1 (local call), not %u", DVM_VM_INSN_SRC(in));
  default: break;
  }
  for (size_t i = 0; i < n; i++)
    if (t[i].opcode == in->opcode) {
      same = &t[i];
      break;
    }
  if (!same) return reject(err, DVM_VERR_OPCODE, pc, "unknown opcode 0x%02x", in->opcode);
  if (same->match == DVM_MATCH_IMM)
    return reject(err, DVM_VERR_BAD_IMM, pc, "imm %d is not valid for opcode 0x%02x (%s)",
                  in->imm, in->opcode, same->fmt == DVM_FMT_ENDIAN ? "width must be 16, 32 or 64"
                                                                   : "unknown atomic operation");
  if (same->match == DVM_MATCH_OFF) {
    /* mov-immediate, div and mod variants have off 0 or a meaning. */
    for (size_t i = 0; i < n; i++)
      if (t[i].opcode == in->opcode && t[i].match_val != 0)
        return reject(err, DVM_VERR_BAD_OFFSET, pc, "offset %d is not valid for opcode 0x%02x",
                      in->off, in->opcode);
    return reject(err, DVM_VERR_UNUSED_FIELD, pc, "offset must be 0 for %s, not %d", same->name,
                  in->off);
  }
  return reject(err, DVM_VERR_OPCODE, pc, "unknown opcode 0x%02x", in->opcode);
}

/* Fields an instruction does not use must be zero (spec/verifier.md).
 * Returns the name of the first offending field, or NULL. */
static const char *unused_field(const dvm_vm_isa_entry *e, const dvm_vm_insn *in) {
  unsigned dst = DVM_VM_INSN_DST(in), src = DVM_VM_INSN_SRC(in);
  int off_free = e->match == DVM_MATCH_OFF ? 1 : 0; /* off is the match value */
  switch (e->fmt) {
  case DVM_FMT_ALU_IMM:
    if (src) return "src";
    if (!off_free && in->off) return "offset";
    return NULL;
  case DVM_FMT_ALU_REG:
    if (in->imm) return "imm";
    if (!off_free && in->off) return "offset";
    return NULL;
  case DVM_FMT_UNARY:
    if (src) return "src";
    if (in->off) return "offset";
    if (in->imm) return "imm";
    return NULL;
  case DVM_FMT_ENDIAN:
    if (src) return "src";
    if (in->off) return "offset";
    return NULL;
  case DVM_FMT_LDDW:
    if (in->off) return "offset";
    return NULL; /* src != 0 is a different (unsupported) instruction */
  case DVM_FMT_LDX:
  case DVM_FMT_STX:
    if (in->imm) return "imm";
    return NULL;
  case DVM_FMT_ST:
    if (src) return "src";
    return NULL;
  case DVM_FMT_ATOMIC:
    return NULL;
  case DVM_FMT_JA:
    if (dst) return "dst";
    if (src) return "src";
    if (in->imm) return "imm";
    return NULL;
  case DVM_FMT_JA32:
    if (dst) return "dst";
    if (src) return "src";
    if (in->off) return "offset";
    return NULL;
  case DVM_FMT_JMP_IMM:
    if (src) return "src";
    return NULL;
  case DVM_FMT_JMP_REG:
    if (in->imm) return "imm";
    return NULL;
  case DVM_FMT_CALL:
  case DVM_FMT_CALL_LOCAL:
    if (dst) return "dst";
    if (in->off) return "offset";
    return NULL;
  case DVM_FMT_EXIT:
    if (dst) return "dst";
    if (src) return "src";
    if (in->off) return "offset";
    if (in->imm) return "imm";
    return NULL;
  default:
    return "opcode";
  }
}

static int writes_dst(int fmt) {
  return fmt == DVM_FMT_ALU_IMM || fmt == DVM_FMT_ALU_REG || fmt == DVM_FMT_UNARY ||
         fmt == DVM_FMT_ENDIAN || fmt == DVM_FMT_LDDW || fmt == DVM_FMT_LDX;
}

/* The target slot of a jump or local call (any int64: not yet checked). */
static int64_t branch_target(const dvm_vm_isa_entry *e, const dvm_vm_insn *in, uint32_t pc) {
  int64_t rel = e->fmt == DVM_FMT_JA32 || e->fmt == DVM_FMT_CALL_LOCAL ? in->imm : in->off;
  return (int64_t)pc + 1 + rel;
}

static int is_branch(int fmt) {
  return fmt == DVM_FMT_JA || fmt == DVM_FMT_JA32 || fmt == DVM_FMT_JMP_IMM ||
         fmt == DVM_FMT_JMP_REG || fmt == DVM_FMT_CALL_LOCAL;
}

int dvm_vm_verify(const uint8_t *code, size_t code_len, size_t rodata_len,
                  const dvm_vm_export *exports, uint32_t export_count,
                  const dvm_vm_syscall_table *syscalls, dvm_vm_error *err) {
  if (code_len % 8)
    return reject(err, DVM_VERR_SIZE, UINT32_MAX, "code is %zu bytes, not a multiple of 8", code_len);
  if (code_len == 0) return reject(err, DVM_VERR_EMPTY, UINT32_MAX, "program has no instructions");
  if (code_len / 8 > DVM_VM_MAX_CODE_SLOTS)
    return reject(err, DVM_VERR_TOO_LONG, UINT32_MAX, "program has %zu instruction slots, more than %u",
                  code_len / 8, DVM_VM_MAX_CODE_SLOTS);
  if (rodata_len > DVM_VM_MAX_RODATA)
    return reject(err, DVM_VERR_RODATA_TOO_LONG, UINT32_MAX,
                  "read-only data is %zu bytes, more than %u", rodata_len, DVM_VM_MAX_RODATA);

  uint32_t slots = (uint32_t)(code_len / 8); /* 1..DVM_VM_MAX_CODE_SLOTS */
  uint8_t *lddw_hi = calloc(slots, 1);       /* 1: second slot of an lddw */
  int rc = DVM_VM_OK;
  if (!lddw_hi) {
    if (err) {
      err->code = DVM_VM_ERR_NOMEM;
      err->rule = DVM_VERR_NONE;
      err->pc = UINT32_MAX;
      snprintf(err->msg, sizeof err->msg, "out of memory verifying %u slots", slots);
    }
    return DVM_VM_ERR_NOMEM;
  }

  /* Pass 1: every single-instruction rule. */
  for (uint32_t pc = 0; pc < slots; pc++) {
    dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
    unsigned dst = DVM_VM_INSN_DST(&in), src = DVM_VM_INSN_SRC(&in);
    const dvm_vm_isa_entry *e = dvm_vm_isa_lookup(&in);
    const char *field;
    /* lddw with a source is a map or BTF relocation: a different,
     * unsupported instruction that the table's lddw line would match. */
    if (!e || (e->fmt == DVM_FMT_LDDW && src != 0)) {
      rc = reject_unknown(err, pc, &in);
      goto out;
    }
    if (dst > 10 || src > 10) {
      rc = reject(err, DVM_VERR_REGISTER, pc, "%s register r%u does not exist (r0-r10)",
                  dst > 10 ? "destination" : "source", dst > 10 ? dst : src);
      goto out;
    }
    if ((field = unused_field(e, &in)) != NULL) {
      rc = reject(err, DVM_VERR_UNUSED_FIELD, pc, "%s does not use its %s field, which must be 0",
                  e->name, field);
      goto out;
    }
    if (writes_dst(e->fmt) && dst == 10) {
      rc = reject(err, DVM_VERR_WRITE_R10, pc, "%s writes r10, the read-only frame pointer", e->name);
      goto out;
    }
    if (e->fmt == DVM_FMT_ATOMIC && (in.imm & 1) && src == 10) {
      rc = reject(err, DVM_VERR_WRITE_R10, pc, "%s writes its source r10, the read-only frame pointer",
                  e->name);
      goto out;
    }

    if (e->fmt == DVM_FMT_LDDW) {
      if (pc + 1 >= slots) {
        rc = reject(err, DVM_VERR_LDDW_TRUNCATED, pc, "lddw needs two slots but is the last instruction");
        goto out;
      }
      dvm_vm_insn hi = dvm_vm_insn_decode(code, pc + 1);
      if (hi.opcode || hi.regs || hi.off) {
        rc = reject(err, DVM_VERR_LDDW_SECOND, pc + 1,
                    "second slot of lddw must have opcode, registers and offset 0");
        goto out;
      }
      lddw_hi[pc + 1] = 1;
      pc++;
    } else if (is_branch(e->fmt)) {
      int64_t t = branch_target(e, &in, pc);
      if (t < 0 || t >= (int64_t)slots) {
        rc = reject(err, e->fmt == DVM_FMT_CALL_LOCAL ? DVM_VERR_CALL_RANGE : DVM_VERR_JUMP_RANGE, pc,
                    "%s target %lld is outside the program (0-%u)", e->name, (long long)t, slots - 1);
        goto out;
      }
    } else if (e->fmt == DVM_FMT_CALL) {
      uint32_t num = (uint32_t)in.imm;
      if (!syscalls || num >= syscalls->count || !syscalls->names[num]) {
        rc = reject(err, DVM_VERR_SYSCALL, pc, "syscall %u is not in the syscall table", num);
        goto out;
      }
    }
  }

  /* Pass 2: branch targets (in range after pass 1) never land in the
   * second slot of an lddw. */
  for (uint32_t pc = 0; pc < slots; pc++) {
    if (lddw_hi[pc]) continue;
    dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
    const dvm_vm_isa_entry *e = dvm_vm_isa_lookup(&in);
    assert(e != NULL); /* pass 1 accepted every slot that is no lddw second slot */
    if (!is_branch(e->fmt)) continue;
    int64_t t = branch_target(e, &in, pc);
    assert(t >= 0 && t < (int64_t)slots);
    if (lddw_hi[t]) {
      int call = e->fmt == DVM_FMT_CALL_LOCAL;
      rc = reject(err, call ? DVM_VERR_CALL_RANGE : DVM_VERR_JUMP_LDDW, pc,
                  "%s target %u is the second slot of an lddw", call ? "call local" : "jump",
                  (uint32_t)t);
      goto out;
    }
  }

  /* The program cannot run off its end: the last instruction must leave. */
  {
    uint32_t last = slots - 1;
    dvm_vm_insn in = dvm_vm_insn_decode(code, last);
    const dvm_vm_isa_entry *e = lddw_hi[last] ? NULL : dvm_vm_isa_lookup(&in);
    if (!e || (e->id != DVM_OP_EXIT && e->id != DVM_OP_JA && e->id != DVM_OP_JA32)) {
      rc = reject(err, DVM_VERR_FALLS_OFF, last,
                  "the last instruction must be exit or an unconditional jump");
      goto out;
    }
  }

  for (uint32_t i = 0; i < export_count; i++) {
    if (exports[i].pc >= slots || lddw_hi[exports[i].pc]) {
      rc = reject(err, DVM_VERR_EXPORT, exports[i].pc,
                  "entry point '%s' is not an instruction of the program", exports[i].name);
      goto out;
    }
  }

  /* Dataflow: no read of a register that no path has written. */
  {
    uint32_t pc;
    unsigned reg;
    int u = dvm_vm_verify_init(code, slots, lddw_hi, exports, export_count, &pc, &reg);
    if (u < 0) {
      if (err) {
        err->code = DVM_VM_ERR_NOMEM;
        err->rule = DVM_VERR_NONE;
        err->pc = UINT32_MAX;
        snprintf(err->msg, sizeof err->msg, "out of memory verifying %u slots", slots);
      }
      rc = DVM_VM_ERR_NOMEM;
    } else if (u) {
      dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
      rc = reject(err, DVM_VERR_UNINIT, pc,
                  "%s reads r%u, which no path from an entry point writes", dvm_vm_isa_lookup(&in)->name, reg);
    }
  }

out:
  free(lddw_hi);
  return rc;
}
