/* interp_fast.c — the fast interpreter.
 *
 * Runs the pre-decoded program (predecode.c) with computed-goto dispatch: one
 * label per line of isa.def. Gas is charged per basic block on entry: a
 * leader's `entry` dispatches to CHARGE, which takes the block's whole cost
 * and then runs its first instruction; jumps charge their target inline.
 * When a block costs more than the gas left, the block runs in step mode
 * (a second dispatch table whose every entry checks for the one
 * instruction that cannot be paid) so that a memory fault before that
 * point is reported as such, at its pc, exactly as per-instruction
 * charging would (spec/gas.md). Step mode never leaves the block it starts
 * in, so it is taken at most once per run.
 *
 * Registers and gas live in locals; vm is written back at the one exit
 * and synced before every syscall (SYNC). Nothing allocates. */
#include "vm_private.h"

#include <string.h>

#if !defined(__GNUC__)
#error "interp_fast.c needs computed goto (gcc or clang)"
#endif

#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define U32(x) ((uint64_t)(uint32_t)(x))

/* Instructions after `ip` in its basic block: those charged but not run
 * when a trap stops the block at ip. */
static uint64_t block_rest(const dvm_vm_program *p, const dvm_vm_dinsn *ip) {
  const dvm_vm_dinsn *end = p->dcode + p->slots;
  uint64_t n = 0;
  for (const dvm_vm_dinsn *s = ip + (ip->op == DVM_OP_LDDW ? 2 : 1); s < end && s->entry != DVM_OP_CHARGE_;
       s += s->op == DVM_OP_LDDW ? 2 : 1)
    n++;
  return n;
}

const dvm_vm_result *dvm_vm_run_fast(dvm_vm_exec *vm) {
  static const void *const ops[DVM_OP_DISPATCH_COUNT_] = {
#define DVM_ISA(ID, OPC, MATCH, MVAL, FMT, W, NAME, SEM) [DVM_OP_##ID] = &&op_##ID,
#include "isa.def"
#undef DVM_ISA
    [DVM_OP_CHARGE_] = &&op_CHARGE_,
#define DVM_FUSE_OP(ID) [DVM_FOP_##ID] = &&fop_##ID,
    DVM_FUSE_LIST(DVM_FUSE_OP)
#undef DVM_FUSE_OP
  };
  static const void *const step[DVM_OP_DISPATCH_COUNT_] = {
#define DVM_ISA(ID, OPC, MATCH, MVAL, FMT, W, NAME, SEM) [DVM_OP_##ID] = &&op_STEP_,
#include "isa.def"
#undef DVM_ISA
    [DVM_OP_CHARGE_] = &&op_STEP_,
#define DVM_FUSE_OP(ID) [DVM_FOP_##ID] = &&op_STEP_,
    DVM_FUSE_LIST(DVM_FUSE_OP)
#undef DVM_FUSE_OP
  };

  const dvm_vm_program *const p = vm->prog;
  const dvm_vm_dinsn *const code = p->dcode;
  const dvm_vm_syscall_table *const sc = p->syscalls;
  uint8_t *const *const host = vm->rgn_host;
  const uint64_t *const rlen = vm->rgn_rlen;
  const uint64_t *const wlen = vm->rgn_wlen;
  const void *const *disp = ops;
  const dvm_vm_dinsn *ip = code + vm->pc;
  const dvm_vm_dinsn *stop = NULL;      /* step mode: the instruction gas cannot pay */
  const dvm_vm_dinsn *slow_leader = NULL;
  uint64_t gas = vm->gas_left;
  /* Written-chunk maps by region (XLATE_W): the stack's chunk numbers
   * stay below its 1024, the heap's wrap at DVM_VM_DIRTY_HEAP_MASK. */
  uint8_t *const dmark[DVM_VM_REGION_COUNT] = {
    [DVM_VM_REGION_RODATA] = vm->dirty_heap, [DVM_VM_REGION_STACK] = vm->dirty_stack,
    [DVM_VM_REGION_HEAP] = vm->dirty_heap, [DVM_VM_REGION_INPUT] = vm->dirty_heap,
    [0] = vm->dirty_heap, [5] = vm->dirty_heap, [6] = vm->dirty_heap, [7] = vm->dirty_heap,
  };
  uint64_t r[11];
  uint64_t fault_addr = 0;
  uint32_t fault_size = 0;
  int fault_access = 0;
  int trap = DVM_TRAP_NONE;

  memcpy(r, vm->reg, sizeof r);
  memset(&vm->res, 0, sizeof vm->res);
  vm->marks_ok = 1; /* every write below is marked (XLATE_W, dvm_vm_translate) */

#define DST r[ip->dst]
#define SRC r[ip->src]
#define IMM (ip->imm)
#define DISPATCH() goto *disp[ip->entry]
#define NEXT() do { ip++; DISPATCH(); } while (0)
  /* Enter the block at slot T (always a leader): charge it, run it. */
#define JUMP_TO(T)                                  \
  do {                                              \
    ip = code + (T);                                \
    if (UNLIKELY(ip->cost > gas)) goto slow_entry;  \
    gas -= ip->cost;                                \
    goto *disp[ip->op];                             \
  } while (0)
  /* Fall through to the next slot (a leader): same as JUMP_TO(pc + 1)
   * without turning ip back into a slot number. */
#define FALL()                                      \
  do {                                              \
    ip++;                                           \
    if (UNLIKELY(ip->cost > gas)) goto slow_entry;  \
    gas -= ip->cost;                                \
    goto *disp[ip->op];                             \
  } while (0)
  /* Translate [ADDR, ADDR+SZ) through table LIM into host pointer H: one
   * comparison. ix keeps bits 32..34 only; any higher bit stays in `o` and
   * makes o + SZ exceed every length (spec/memory.md). */
#define XLATE(H, ADDR, SZ, LIM, ACC)                       \
  do {                                                     \
    uint64_t a_ = (ADDR);                                  \
    unsigned ix_ = (unsigned)(a_ >> 32) & 7u;              \
    uint64_t o_ = a_ ^ ((uint64_t)ix_ << 32);              \
    if (UNLIKELY(o_ + (SZ) > LIM[ix_])) {                  \
      fault_addr = a_;                                     \
      fault_size = (SZ);                                   \
      fault_access = (ACC);                                \
      goto mem_fault;                                      \
    }                                                      \
    H = host[ix_] + o_;                                    \
  } while (0)
  /* The same for a write, which also marks its 256-byte chunk written
   * (dvm_vm_exec_init_clean zeroes only those): only the stack and the
   * heap are writable, so dmark[ix_] is one of their maps. Measured on
   * bench_perp part 2 (16,384 perp orders, callgrind): the mark adds 6.3 %
   * host instructions to this function (242.5 M -> 257.7 M) and replaces
   * zeroing 32 KiB of heap and 4 KiB per frame reached on every call: +10 %
   * orders per CPU second end to end (median of 7, against main). */
#define XLATE_W(H, ADDR, SZ)                               \
  do {                                                     \
    uint64_t a_ = (ADDR);                                  \
    unsigned ix_ = (unsigned)(a_ >> 32) & 7u;              \
    uint64_t o_ = a_ ^ ((uint64_t)ix_ << 32);              \
    if (UNLIKELY(o_ + (SZ) > wlen[ix_])) {                 \
      fault_addr = a_;                                     \
      fault_size = (SZ);                                   \
      fault_access = DVM_VM_ACCESS_WRITE;                  \
      goto mem_fault;                                      \
    }                                                      \
    H = host[ix_] + o_;                                    \
    dmark[ix_][(o_ >> DVM_VM_DIRTY_SHIFT) & DVM_VM_DIRTY_HEAP_MASK] = 1; \
  } while (0)
#define ADDR_SRC (SRC + (uint64_t)(int64_t)ip->off)
#define ADDR_DST (DST + (uint64_t)(int64_t)ip->off)

  DISPATCH();

op_CHARGE_:
  if (UNLIKELY(ip->cost > gas)) goto slow_entry;
  gas -= ip->cost;
  goto *ops[ip->op];

slow_entry:
  /* The block at ip costs more than the gas left: instruction number
   * `gas` of the block (0-based) is the first that cannot be paid. */
  slow_leader = ip;
  stop = ip;
  for (uint64_t k = gas; k; k--) stop += stop->op == DVM_OP_LDDW ? 2 : 1;
  disp = step;
  goto op_STEP_;

op_STEP_:
  if (ip == stop) {
    trap = DVM_TRAP_OUT_OF_GAS;
    goto trapped;
  }
  /* one instruction at a time: a fused pair runs as its mov */
  goto *ops[ip->op > DVM_OP_CHARGE_ ? DVM_OP_MOV64_REG : ip->op];

  /* ---- ALU64 and ALU32: see spec/isa.md for every line ---- */
#define BIN(ID, OP)                                                      \
  op_##ID##64_IMM: DST = DST OP IMM; NEXT();                             \
  op_##ID##64_REG: DST = DST OP SRC; NEXT();                             \
  op_##ID##32_IMM: DST = U32((uint32_t)DST OP (uint32_t)IMM); NEXT();    \
  op_##ID##32_REG: DST = U32((uint32_t)DST OP (uint32_t)SRC); NEXT();
  BIN(ADD, +)
  BIN(SUB, -)
  BIN(MUL, *)
  BIN(OR, |)
  BIN(AND, &)
  BIN(XOR, ^)
#undef BIN

op_LSH64_IMM: DST <<= IMM & 63; NEXT();
op_LSH64_REG: DST <<= SRC & 63; NEXT();
op_LSH32_IMM: DST = U32((uint32_t)DST << (IMM & 31)); NEXT();
op_LSH32_REG:
#ifdef DVM_PLANT_BUG
  /* Planted for the fuzzing experiment (fuzz/README.md): the count is
   * masked to 6 bits, so 32-bit shifts by 32..63 give 0. */
  DST = U32(DST << (SRC & 63));
#else
  DST = U32((uint32_t)DST << (SRC & 31));
#endif
  NEXT();
op_RSH64_IMM: DST >>= IMM & 63; NEXT();
op_RSH64_REG: DST >>= SRC & 63; NEXT();
op_RSH32_IMM: DST = U32((uint32_t)DST >> (IMM & 31)); NEXT();
op_RSH32_REG: DST = U32((uint32_t)DST >> (SRC & 31)); NEXT();
  /* >> of a negative signed value is arithmetic in gcc and clang (the
   * only compilers this file accepts). */
op_ARSH64_IMM: DST = (uint64_t)((int64_t)DST >> (IMM & 63)); NEXT();
op_ARSH64_REG: DST = (uint64_t)((int64_t)DST >> (SRC & 63)); NEXT();
op_ARSH32_IMM: DST = U32((int32_t)(uint32_t)DST >> (IMM & 31)); NEXT();
op_ARSH32_REG: DST = U32((int32_t)(uint32_t)DST >> (SRC & 31)); NEXT();

#define DIVMOD(SFX, X)                                                              \
  op_DIV64_##SFX: { uint64_t d_ = (X); DST = d_ ? DST / d_ : 0; NEXT(); }           \
  op_DIV32_##SFX: { uint32_t d_ = (uint32_t)(X); DST = d_ ? U32((uint32_t)DST / d_) : 0; NEXT(); } \
  op_MOD64_##SFX: { uint64_t d_ = (X); DST = d_ ? DST % d_ : DST; NEXT(); }         \
  op_MOD32_##SFX: { uint32_t d_ = (uint32_t)(X); DST = d_ ? U32((uint32_t)DST % d_) : U32(DST); NEXT(); } \
  op_SDIV64_##SFX: {                                                                \
    int64_t d_ = (int64_t)(X);                                                      \
    DST = d_ == 0 ? 0 : d_ == -1 ? 0 - DST : (uint64_t)((int64_t)DST / d_);         \
    NEXT();                                                                         \
  }                                                                                 \
  op_SDIV32_##SFX: {                                                                \
    int32_t d_ = (int32_t)(uint32_t)(X);                                            \
    DST = d_ == 0 ? 0 : d_ == -1 ? U32(0u - (uint32_t)DST) : U32((int32_t)(uint32_t)DST / d_); \
    NEXT();                                                                         \
  }                                                                                 \
  op_SMOD64_##SFX: {                                                                \
    int64_t d_ = (int64_t)(X);                                                      \
    DST = d_ == 0 ? DST : d_ == -1 ? 0 : (uint64_t)((int64_t)DST % d_);             \
    NEXT();                                                                         \
  }                                                                                 \
  op_SMOD32_##SFX: {                                                                \
    int32_t d_ = (int32_t)(uint32_t)(X);                                            \
    DST = d_ == 0 ? U32(DST) : d_ == -1 ? 0 : U32((int32_t)(uint32_t)DST % d_);     \
    NEXT();                                                                         \
  }
  DIVMOD(IMM, IMM)
  DIVMOD(REG, SRC)
#undef DIVMOD

  /* Fused `mov rD, rS; OP rD, x` (vm_private.h): the second instruction
   * is ip[1]; its src may be rD, so it is read after the mov's store. */
#define FUSE_BIN(ID, OP)                                                        \
  fop_##ID##64_IMM: DST = SRC; DST = DST OP ip[1].imm; ip += 2; DISPATCH();     \
  fop_##ID##64_REG: DST = SRC; DST = DST OP r[ip[1].src]; ip += 2; DISPATCH();
  FUSE_BIN(ADD, +)
  FUSE_BIN(SUB, -)
  FUSE_BIN(MUL, *)
  FUSE_BIN(OR, |)
  FUSE_BIN(AND, &)
  FUSE_BIN(XOR, ^)
#undef FUSE_BIN
fop_LSH64_IMM: DST = SRC << (ip[1].imm & 63); ip += 2; DISPATCH();
fop_LSH64_REG: DST = SRC; DST <<= r[ip[1].src] & 63; ip += 2; DISPATCH();
fop_RSH64_IMM: DST = SRC >> (ip[1].imm & 63); ip += 2; DISPATCH();
fop_RSH64_REG: DST = SRC; DST >>= r[ip[1].src] & 63; ip += 2; DISPATCH();
fop_ARSH64_IMM: DST = (uint64_t)((int64_t)SRC >> (ip[1].imm & 63)); ip += 2; DISPATCH();
fop_ARSH64_REG: DST = SRC; DST = (uint64_t)((int64_t)DST >> (r[ip[1].src] & 63)); ip += 2; DISPATCH();

op_NEG64: DST = 0 - DST; NEXT();
op_NEG32: DST = U32(0u - (uint32_t)DST); NEXT();
op_MOV64_IMM: DST = IMM; NEXT();
op_MOV64_REG: DST = SRC; NEXT();
op_MOV32_IMM: DST = U32(IMM); NEXT();
op_MOV32_REG: DST = U32(SRC); NEXT();
op_MOVSX8_64: DST = (uint64_t)(int64_t)(int8_t)(uint8_t)SRC; NEXT();
op_MOVSX16_64: DST = (uint64_t)(int64_t)(int16_t)(uint16_t)SRC; NEXT();
op_MOVSX32_64: DST = (uint64_t)(int64_t)(int32_t)(uint32_t)SRC; NEXT();
op_MOVSX8_32: DST = U32((int32_t)(int8_t)(uint8_t)SRC); NEXT();
op_MOVSX16_32: DST = U32((int32_t)(int16_t)(uint16_t)SRC); NEXT();

  /* Registers are values; VM memory is little-endian. le keeps the low
   * bits, be and bswap reverse them, whatever the host's byte order. */
op_LE16: DST = (uint16_t)DST; NEXT();
op_LE32: DST = (uint32_t)DST; NEXT();
op_LE64: NEXT();
op_BE16:
op_BSWAP16: DST = __builtin_bswap16((uint16_t)DST); NEXT();
op_BE32:
op_BSWAP32: DST = __builtin_bswap32((uint32_t)DST); NEXT();
op_BE64:
op_BSWAP64: DST = __builtin_bswap64(DST); NEXT();

op_LDDW: DST = IMM; ip += 2; DISPATCH();

  /* ---- memory ---- */
#define LOADS(W, SZ, LD, EXT)                                                   \
  op_LDX##W: { uint8_t *h_; XLATE(h_, ADDR_SRC, SZ, rlen, DVM_VM_ACCESS_READ);  \
    DST = LD(h_); NEXT(); }                                                     \
  op_LDXS##W: { uint8_t *h_; XLATE(h_, ADDR_SRC, SZ, rlen, DVM_VM_ACCESS_READ); \
    DST = (uint64_t)(int64_t)(EXT)LD(h_); NEXT(); }
#define LD8(h) (*(h))
  LOADS(8, 1, LD8, int8_t)
  LOADS(16, 2, dvm_load_u16, int16_t)
  LOADS(32, 4, dvm_load_u32, int32_t)
#undef LOADS
op_LDX64: { uint8_t *h_; XLATE(h_, ADDR_SRC, 8, rlen, DVM_VM_ACCESS_READ); DST = dvm_load_u64(h_); NEXT(); }

#define STORES(W, SZ, ST)                                                        \
  op_ST##W: { uint8_t *h_; XLATE_W(h_, ADDR_DST, SZ);   \
    ST(h_, IMM); NEXT(); }                                                       \
  op_STX##W: { uint8_t *h_; XLATE_W(h_, ADDR_DST, SZ);  \
    ST(h_, SRC); NEXT(); }
#define ST8(h, v) (*(h) = (uint8_t)(v))
#define ST16(h, v) dvm_store_u16(h, (uint16_t)(v))
#define ST32(h, v) dvm_store_u32(h, (uint32_t)(v))
  STORES(8, 1, ST8)
  STORES(16, 2, ST16)
  STORES(32, 4, ST32)
  STORES(64, 8, dvm_store_u64)
#undef STORES

  /* Atomics: single-threaded, so plain read-modify-write. */
#define ATOMIC(ID, W, LD, ST, OP, FETCH)                                        \
  op_AT_##ID##W: {                                                              \
    uint8_t *h_; XLATE_W(h_, ADDR_DST, W / 8);         \
    uint64_t old_ = LD(h_);                                                     \
    ST(h_, old_ OP SRC);                                                        \
    if (FETCH) SRC = old_;                                                      \
    NEXT();                                                                     \
  }
  ATOMIC(ADD, 32, dvm_load_u32, ST32, +, 0)
  ATOMIC(OR, 32, dvm_load_u32, ST32, |, 0)
  ATOMIC(AND, 32, dvm_load_u32, ST32, &, 0)
  ATOMIC(XOR, 32, dvm_load_u32, ST32, ^, 0)
  ATOMIC(FADD, 32, dvm_load_u32, ST32, +, 1)
  ATOMIC(FOR, 32, dvm_load_u32, ST32, |, 1)
  ATOMIC(FAND, 32, dvm_load_u32, ST32, &, 1)
  ATOMIC(FXOR, 32, dvm_load_u32, ST32, ^, 1)
  ATOMIC(ADD, 64, dvm_load_u64, dvm_store_u64, +, 0)
  ATOMIC(OR, 64, dvm_load_u64, dvm_store_u64, |, 0)
  ATOMIC(AND, 64, dvm_load_u64, dvm_store_u64, &, 0)
  ATOMIC(XOR, 64, dvm_load_u64, dvm_store_u64, ^, 0)
  ATOMIC(FADD, 64, dvm_load_u64, dvm_store_u64, +, 1)
  ATOMIC(FOR, 64, dvm_load_u64, dvm_store_u64, |, 1)
  ATOMIC(FAND, 64, dvm_load_u64, dvm_store_u64, &, 1)
  ATOMIC(FXOR, 64, dvm_load_u64, dvm_store_u64, ^, 1)
#undef ATOMIC
op_AT_XCHG32: {
  uint8_t *h_; XLATE_W(h_, ADDR_DST, 4);
  uint64_t old_ = dvm_load_u32(h_);
  dvm_store_u32(h_, (uint32_t)SRC);
  SRC = old_;
  NEXT();
}
op_AT_XCHG64: {
  uint8_t *h_; XLATE_W(h_, ADDR_DST, 8);
  uint64_t old_ = dvm_load_u64(h_);
  dvm_store_u64(h_, SRC);
  SRC = old_;
  NEXT();
}
op_AT_CMPXCHG32: {
  uint8_t *h_; XLATE_W(h_, ADDR_DST, 4);
  uint64_t old_ = dvm_load_u32(h_);
  if (old_ == (uint32_t)r[0]) dvm_store_u32(h_, (uint32_t)SRC);
  r[0] = old_;
  NEXT();
}
op_AT_CMPXCHG64: {
  uint8_t *h_; XLATE_W(h_, ADDR_DST, 8);
  uint64_t old_ = dvm_load_u64(h_);
  if (old_ == r[0]) dvm_store_u64(h_, SRC);
  r[0] = old_;
  NEXT();
}

  /* ---- jumps: each ends its block; both successors are leaders ---- */
op_JA: JUMP_TO(ip->target);
op_JA32: JUMP_TO(ip->target);
#define CJ(ID, EXPR64, EXPR32)                                                        \
  op_##ID##64_IMM: { uint64_t a = DST, b = IMM; if (EXPR64) JUMP_TO(ip->target); FALL(); } \
  op_##ID##64_REG: { uint64_t a = DST, b = SRC; if (EXPR64) JUMP_TO(ip->target); FALL(); } \
  op_##ID##32_IMM: { uint32_t a = (uint32_t)DST, b = (uint32_t)IMM; if (EXPR32) JUMP_TO(ip->target); FALL(); } \
  op_##ID##32_REG: { uint32_t a = (uint32_t)DST, b = (uint32_t)SRC; if (EXPR32) JUMP_TO(ip->target); FALL(); }
  CJ(JEQ, a == b, a == b)
  CJ(JNE, a != b, a != b)
  CJ(JGT, a > b, a > b)
  CJ(JGE, a >= b, a >= b)
  CJ(JLT, a < b, a < b)
  CJ(JLE, a <= b, a <= b)
  CJ(JSET, (a & b) != 0, (a & b) != 0)
  CJ(JSGT, (int64_t)a > (int64_t)b, (int32_t)a > (int32_t)b)
  CJ(JSGE, (int64_t)a >= (int64_t)b, (int32_t)a >= (int32_t)b)
  CJ(JSLT, (int64_t)a < (int64_t)b, (int32_t)a < (int32_t)b)
  CJ(JSLE, (int64_t)a <= (int64_t)b, (int32_t)a <= (int32_t)b)
#undef CJ

op_CALL_LOCAL: {
  uint32_t d = vm->depth;
  if (UNLIKELY(d + 1 >= DVM_VM_MAX_DEPTH)) {
    trap = DVM_TRAP_CALL_DEPTH;
    goto trapped;
  }
  /* The return point is kept as an instruction pointer: turning ip into
   * a slot number and back costs a division and a multiplication. */
  __typeof__(vm->frames[0]) *fr = &vm->frames[d];
  fr->r6_r9[0] = r[6];
  fr->r6_r9[1] = r[7];
  fr->r6_r9[2] = r[8];
  fr->r6_r9[3] = r[9];
  fr->r10 = r[10];
  fr->ret_ip = ip + 1;
  dvm_vm_stack_enter(vm, d + 1);
  r[10] += DVM_VM_FRAME_SIZE;
  JUMP_TO(ip->target);
}

op_EXIT: {
  uint32_t d = vm->depth;
  if (d == 0) goto done;
  d--;
  __typeof__(vm->frames[0]) *fr = &vm->frames[d];
  r[6] = fr->r6_r9[0];
  r[7] = fr->r6_r9[1];
  r[8] = fr->r6_r9[2];
  r[9] = fr->r6_r9[3];
  r[10] = fr->r10;
  dvm_vm_stack_enter(vm, d);
  ip = fr->ret_ip;
  if (UNLIKELY(ip->cost > gas)) goto slow_entry;
  gas -= ip->cost;
  goto *disp[ip->op];
}

op_CALL: {
  uint32_t num = (uint32_t)IMM;
  dvm_vm_syscall_fn fn = sc && num < sc->count ? sc->fns[num] : NULL;
  uint64_t args[5] = {r[1], r[2], r[3], r[4], r[5]}; /* r itself never escapes */
  uint64_t ret = 0;
  int rc;
  if (UNLIKELY(!fn)) {
    trap = DVM_TRAP_INVALID_SYSCALL;
    goto trapped;
  }
  /* SYNC: the handler sees the gas left and the pc of the call. */
  vm->gas_left = gas;
  vm->pc = (uint32_t)(ip - code);
  rc = fn(vm, vm->ctx, args, &ret);
  gas = vm->gas_left;
  if (UNLIKELY(rc != DVM_VM_SC_CONTINUE)) {
    if (rc == DVM_VM_SC_HALT) {
      if (vm->res.status != DVM_VM_STATUS_HALT) dvm_vm_halt(vm, 0);
      goto finish;
    }
    if (vm->res.status != DVM_VM_STATUS_TRAP) dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, 0);
    trap = vm->res.trap;
    goto trapped;
  }
  r[0] = ret;
  FALL();
}

mem_fault:
  trap = DVM_TRAP_MEM_FAULT;
  vm->res.fault_addr = fault_addr;
  vm->res.fault_size = fault_size;
  vm->res.fault_access = fault_access;
  goto trapped;

trapped: {
  /* Instructions run: those paid for, less the rest of a charged block;
   * in step mode the block was not charged, so count up to ip. */
  uint64_t paid = vm->gas_limit - gas - vm->sys_gas;
  uint64_t insns;
  if (disp == step) {
    uint64_t k = 0;
    for (const dvm_vm_dinsn *s = slow_leader; s < ip; s += s->op == DVM_OP_LDDW ? 2 : 1) k++;
    insns = paid + k + (trap == DVM_TRAP_OUT_OF_GAS ? 0 : 1);
  } else {
    insns = paid - block_rest(p, ip);
  }
  int detail = vm->res.detail;
  vm->res.status = DVM_VM_STATUS_TRAP;
  vm->res.trap = trap;
  vm->res.detail = detail;
  vm->res.insns = insns;
  vm->res.gas_used = vm->gas_limit; /* a trap consumes the whole limit */
  vm->gas_left = 0;
  vm->pc = (uint32_t)(ip - code);
  vm->res.pc = vm->pc;
  vm->res.r0 = r[0];
  memcpy(vm->reg, r, sizeof r);
  return &vm->res;
}

done:
  vm->res.status = DVM_VM_STATUS_OK;
finish:
  vm->gas_left = gas;
  vm->pc = (uint32_t)(ip - code);
  vm->res.pc = vm->pc;
  vm->res.r0 = r[0];
  vm->res.gas_used = vm->gas_limit - gas;
  vm->res.insns = vm->res.gas_used - vm->sys_gas;
  memcpy(vm->reg, r, sizeof r);
  return &vm->res;

#undef DST
#undef SRC
#undef IMM
#undef DISPATCH
#undef NEXT
#undef JUMP_TO
#undef FALL
#undef XLATE
#undef XLATE_W
}
