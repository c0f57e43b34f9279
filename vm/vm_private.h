/* vm_private.h — what the files of vm/ share and nobody else sees. */
#ifndef DVM_VM_PRIVATE_H
#define DVM_VM_PRIVATE_H

#include "vm.h"

#include <stdint.h>
#include <string.h>

/* Dense instruction ids, one per line of isa.def. */
enum dvm_vm_op {
#define DVM_ISA(ID, OPC, MATCH, MVAL, FMT, W, NAME, SEM) DVM_OP_##ID,
#include "isa.def"
#undef DVM_ISA
  DVM_OP_COUNT_
};

/* Explicit little-endian accessors: memory is little-endian whatever the
 * host. memcpy keeps unaligned accesses defined; compilers fold it. */
static inline uint16_t dvm_load_u16(const uint8_t *p) {
  return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}
static inline uint32_t dvm_load_u32(const uint8_t *p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
#else
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
/* Written-chunk marks (dvm_vm_exec_init_clean): the heap's chunk numbers
 * wrap at DVM_VM_DIRTY_HEAP_MAX, so a larger heap (only with plain
 * dvm_vm_exec_init, which ignores the marks) never writes past the map. */
#define DVM_VM_DIRTY_HEAP_MASK ((DVM_VM_DIRTY_HEAP_MAX >> DVM_VM_DIRTY_SHIFT) - 1u)

#endif
}
static inline uint64_t dvm_load_u64(const uint8_t *p) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
#else
  return (uint64_t)dvm_load_u32(p) | (uint64_t)dvm_load_u32(p + 4) << 32;
/* Written-chunk marks (dvm_vm_exec_init_clean): the heap's chunk numbers
 * wrap at DVM_VM_DIRTY_HEAP_MAX, so a larger heap (only with plain
 * dvm_vm_exec_init, which ignores the marks) never writes past the map. */
#define DVM_VM_DIRTY_HEAP_MASK ((DVM_VM_DIRTY_HEAP_MAX >> DVM_VM_DIRTY_SHIFT) - 1u)

#endif
}
static inline void dvm_store_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void dvm_store_u32(uint8_t *p, uint32_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(p, &v, 4);
#else
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
/* Written-chunk marks (dvm_vm_exec_init_clean): the heap's chunk numbers
 * wrap at DVM_VM_DIRTY_HEAP_MAX, so a larger heap (only with plain
 * dvm_vm_exec_init, which ignores the marks) never writes past the map. */
#define DVM_VM_DIRTY_HEAP_MASK ((DVM_VM_DIRTY_HEAP_MAX >> DVM_VM_DIRTY_SHIFT) - 1u)

#endif
}
static inline void dvm_store_u64(uint8_t *p, uint64_t v) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(p, &v, 8);
#else
  dvm_store_u32(p, (uint32_t)v);
  dvm_store_u32(p + 4, (uint32_t)(v >> 32));
/* Written-chunk marks (dvm_vm_exec_init_clean): the heap's chunk numbers
 * wrap at DVM_VM_DIRTY_HEAP_MAX, so a larger heap (only with plain
 * dvm_vm_exec_init, which ignores the marks) never writes past the map. */
#define DVM_VM_DIRTY_HEAP_MASK ((DVM_VM_DIRTY_HEAP_MAX >> DVM_VM_DIRTY_SHIFT) - 1u)

#endif
}

/* A pre-decoded instruction of the fast interpreter: one per slot (the
 * second slot of lddw holds a copy that is never dispatched). 24 bytes. */
typedef struct dvm_vm_dinsn {
  uint16_t op;     /* enum dvm_vm_op */
  uint16_t entry;  /* dispatch index on fall-through: op, or DVM_OP_CHARGE_ for leaders */
  uint8_t dst;
  uint8_t src;
  int16_t off;
  uint32_t cost;   /* leaders: instructions in the block (its gas); else 0 */
  uint32_t target; /* jumps and local calls: target slot */
  uint64_t imm;    /* sign-extended imm, or lddw's imm64 */
} dvm_vm_dinsn;

/* Dispatch index of a leader: charge the block, then run its first op. */
#define DVM_OP_CHARGE_ DVM_OP_COUNT_

/* Fused pairs: `mov rD, rS` followed, in the same block, by a 64-bit ALU
 * instruction whose destination is rD (clang's two-operand idiom for
 * rD = rS OP x). The mov's op (and entry, unless it is a leader) is the
 * pair's id, > DVM_OP_CHARGE_; the second instruction is unchanged. Step
 * mode runs a pair as its plain mov (interp_fast.c). */
#define DVM_FUSE_LIST(X)                                                     \
  X(ADD64_IMM) X(ADD64_REG) X(SUB64_IMM) X(SUB64_REG) X(MUL64_IMM) X(MUL64_REG) \
  X(OR64_IMM) X(OR64_REG) X(AND64_IMM) X(AND64_REG) X(XOR64_IMM) X(XOR64_REG)   \
  X(LSH64_IMM) X(LSH64_REG) X(RSH64_IMM) X(RSH64_REG) X(ARSH64_IMM) X(ARSH64_REG)
enum dvm_vm_fused_op {
  DVM_FOP_BASE_ = DVM_OP_CHARGE_,
#define DVM_FUSE_ENUM(ID) DVM_FOP_##ID,
  DVM_FUSE_LIST(DVM_FUSE_ENUM)
#undef DVM_FUSE_ENUM
  DVM_OP_DISPATCH_COUNT_ /* size of the fast interpreter's dispatch tables */
};

struct dvm_vm_program {
  uint32_t slots;
  uint32_t flags;
  uint8_t *code;          /* raw bytecode, slots * 8 bytes */
  uint8_t *rodata;
  uint32_t rodata_len;
  dvm_vm_dinsn *dcode;    /* slots entries */
  dvm_vm_export *exports; /* sorted by name */
  uint32_t export_count;
  const dvm_vm_syscall_table *syscalls; /* the caller's, outlives the program */
};

/* verify.c: check every rule of spec/verifier.md, nothing else. 0, or
 * DVM_VM_ERR_VERIFY with the first broken rule in *err (may be NULL), or
 * DVM_VM_ERR_NOMEM. Reads code only. */
int dvm_vm_verify(const uint8_t *code, size_t code_len, size_t rodata_len,
                  const dvm_vm_export *exports, uint32_t export_count,
                  const dvm_vm_syscall_table *syscalls, dvm_vm_error *err);

/* verify_init.c: the `uninit` rule, on code every other rule accepted
 * (lddw_hi marks the second slots of lddw). 1 with the first read of a
 * register that no path from an entry point (slot 0, the exports) writes,
 * by rising pc and lowest register, in *bad_pc and *bad_reg; 0 when there
 * is none; -1 out of memory. */
int dvm_vm_verify_init(const uint8_t *code, uint32_t slots, const uint8_t *lddw_hi,
                       const dvm_vm_export *exports, uint32_t export_count, uint32_t *bad_pc,
                       unsigned *bad_reg);

/* predecode.c: what the fast interpreter runs, from code dvm_vm_verify
 * accepted (on other code the result is unspecified). `kind` is scratch,
 * one byte per slot, carried between the steps: */
#define DVM_VM_K_LDDW_HI 0x1u /* second slot of an lddw */
#define DVM_VM_K_LEADER  0x2u /* first instruction of a basic block */
#define DVM_VM_K_ENDS    0x4u /* ends its basic block: jump, call or exit */
/* Fill dcode[0..slots) (op = entry = the isa id, cost 0, target of jumps
 * and local calls, imm64 of lddw in both its slots) and kind (LDDW_HI,
 * ENDS, LEADER for branch targets). */
void dvm_vm_decode(const uint8_t *code, uint32_t slots, dvm_vm_dinsn *dcode, uint8_t *kind);
/* Mark the remaining leaders (slot 0, entry points, after ENDS) and give
 * each leader entry = DVM_OP_CHARGE_ and cost = its block's instruction
 * count (lddw counts once). */
void dvm_vm_price_blocks(dvm_vm_dinsn *dcode, uint8_t *kind, uint32_t slots,
                         const dvm_vm_export *exports, uint32_t export_count);
/* Fuse mov rD, rS with a following 64-bit ALU op on rD when the second is
 * no leader: the mov's op (and its entry, unless it is CHARGE) becomes the
 * pair's DVM_FOP_ id. */
void dvm_vm_fuse(dvm_vm_dinsn *dcode, const uint8_t *kind, uint32_t slots);
/* All three, with the scratch allocated here: DVM_VM_OK or DVM_VM_ERR_NOMEM. */
int dvm_vm_predecode(const uint8_t *code, uint32_t slots, const dvm_vm_export *exports,
                     uint32_t export_count, dvm_vm_dinsn *dcode);

/* Frame bookkeeping shared by both interpreters (spec/memory.md): make
 * frame `depth` current and visible. Frames are zeroed the first time they
 * are reached (a high-water mark), never on every call: a 4 KiB memset per
 * local call would cost more than the call. A frame reached again holds
 * what its previous occupant left: deterministic, the same in both
 * interpreters. */
static inline void dvm_vm_stack_enter(dvm_vm_exec *vm, uint32_t depth) {
  if (depth > vm->depth_hwm) {
    if (!vm->clean) /* after dvm_vm_exec_init_clean the whole stack is zero */
      memset(vm->stack + (size_t)(vm->depth_hwm + 1) * DVM_VM_FRAME_SIZE, 0,
             (size_t)(depth - vm->depth_hwm) * DVM_VM_FRAME_SIZE);
    vm->depth_hwm = depth;
  }
  vm->depth = depth;
  vm->rgn_rlen[DVM_VM_REGION_STACK] = (uint64_t)(depth + 1) * DVM_VM_FRAME_SIZE;
  vm->rgn_wlen[DVM_VM_REGION_STACK] = (uint64_t)(depth + 1) * DVM_VM_FRAME_SIZE;
}

/* Written-chunk marks (dvm_vm_exec_init_clean): the heap's chunk numbers
 * wrap at DVM_VM_DIRTY_HEAP_MAX, so a larger heap (only with plain
 * dvm_vm_exec_init, which ignores the marks) never writes past the map. */
#define DVM_VM_DIRTY_HEAP_MASK ((DVM_VM_DIRTY_HEAP_MAX >> DVM_VM_DIRTY_SHIFT) - 1u)

#endif
