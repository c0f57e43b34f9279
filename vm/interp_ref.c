/* interp_ref.c — the reference interpreter.
 *
 * Written from spec/isa.md, spec/memory.md and spec/gas.md for clarity,
 * never for speed: a plain switch over the raw instruction bytes, one gas
 * per instruction charged before it runs, its own address translation. It
 * shares no semantics with interp_fast.c on purpose: the differential
 * fuzzer compares the two, and a bug copied into both would hide. */
#include "vm_private.h"

#include <string.h>

/* spec/memory.md: region = addr >> 32 must be 1..4; offset + size must not
 * pass the region's length; writes only to the stack and the heap. */
static uint8_t *ref_translate(dvm_vm_exec *vm, uint64_t addr, uint32_t size, int access) {
  uint64_t region = addr >> 32;
  uint64_t offset = addr & 0xffffffffu;
  uint64_t length;
  if (region < DVM_VM_REGION_RODATA || region > DVM_VM_REGION_INPUT) goto fault;
  if (access == DVM_VM_ACCESS_WRITE) {
    if (region != DVM_VM_REGION_STACK && region != DVM_VM_REGION_HEAP) goto fault;
    length = vm->rgn_wlen[region];
  } else {
    length = vm->rgn_rlen[region];
  }
  if (offset + size > length) goto fault;
  return vm->rgn_host[region] + offset;
fault:
  vm->res.status = DVM_VM_STATUS_TRAP;
  vm->res.trap = DVM_TRAP_MEM_FAULT;
  vm->res.fault_addr = addr;
  vm->res.fault_size = size;
  vm->res.fault_access = access;
  return NULL;
}

static uint64_t ref_load(const uint8_t *p, uint32_t size) {
  uint64_t v = 0;
  for (uint32_t i = 0; i < size; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static void ref_store(uint8_t *p, uint32_t size, uint64_t v) {
  for (uint32_t i = 0; i < size; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t sext(uint64_t v, unsigned bits) {
  uint64_t sign = (uint64_t)1 << (bits - 1);
  v &= bits == 64 ? UINT64_MAX : (sign << 1) - 1;
  return (v ^ sign) - sign;
}

static uint64_t bswap(uint64_t v, unsigned bits) {
  uint64_t r = 0;
  for (unsigned i = 0; i < bits / 8; i++) r = (r << 8) | ((v >> (8 * i)) & 0xff);
  return r;
}

static uint64_t arsh(uint64_t v, unsigned n, unsigned bits) {
  uint64_t r = v >> n;
  if ((v >> (bits - 1)) & 1) r |= (bits == 64 ? UINT64_MAX : 0xffffffffu) & ~((bits == 64 ? UINT64_MAX : 0xffffffffu) >> n);
  return r;
}

/* Signed division and remainder on `bits`-bit two's complement values
 * given as unsigned, truncating toward zero (spec/isa.md). */
static uint64_t sdiv(uint64_t a, uint64_t b, unsigned bits) {
  uint64_t mask = bits == 64 ? UINT64_MAX : 0xffffffffu;
  uint64_t min = (uint64_t)1 << (bits - 1);
  if (b == 0) return 0;
  if (a == min && b == mask) return min; /* INT_MIN / -1 */
  int an = (a & min) != 0, bn = (b & min) != 0;
  uint64_t ua = an ? (~a + 1) & mask : a, ub = bn ? (~b + 1) & mask : b;
  uint64_t q = ua / ub;
  return (an != bn ? ~q + 1 : q) & mask;
}

static uint64_t smod(uint64_t a, uint64_t b, unsigned bits) {
  uint64_t mask = bits == 64 ? UINT64_MAX : 0xffffffffu;
  uint64_t min = (uint64_t)1 << (bits - 1);
  if (b == 0) return a;
  if (a == min && b == mask) return 0; /* INT_MIN % -1 */
  int an = (a & min) != 0, bn = (b & min) != 0;
  uint64_t ua = an ? (~a + 1) & mask : a, ub = bn ? (~b + 1) & mask : b;
  uint64_t m = ua % ub;
  return (an ? ~m + 1 : m) & mask; /* sign of the dividend */
}

/* One ALU operation (opcode bits 4..7) on `bits`-bit operands. */
static uint64_t ref_alu(unsigned op, int16_t off, uint64_t dst, uint64_t src, unsigned bits) {
  uint64_t mask = bits == 64 ? UINT64_MAX : 0xffffffffu;
  dst &= mask;
  switch (op) {
  case 0x00: return (dst + src) & mask;
  case 0x10: return (dst - src) & mask;
  case 0x20: return (dst * (src & mask)) & mask;
  case 0x30:
    if (off == 1) return sdiv(dst, src & mask, bits);
    return (src & mask) == 0 ? 0 : dst / (src & mask);
  case 0x40: return (dst | src) & mask;
  case 0x50: return dst & src;
  case 0x60: return (dst << (src & (bits - 1))) & mask;
  case 0x70: return dst >> (src & (bits - 1));
  case 0x80: return (~dst + 1) & mask;
  case 0x90:
    if (off == 1) return smod(dst, src & mask, bits);
    return (src & mask) == 0 ? dst : dst % (src & mask);
  case 0xa0: return (dst ^ src) & mask;
  case 0xb0:
    if (off != 0) return sext(src, (unsigned)off) & mask; /* movsx */
    return src & mask;
  case 0xc0: return arsh(dst, (unsigned)(src & (bits - 1)), bits);
  default: return dst; /* unreachable: the verifier admits no other */
  }
}

static int ref_jump_taken(unsigned op, uint64_t a, uint64_t b, unsigned bits) {
  if (bits == 32) {
    a &= 0xffffffffu;
    b &= 0xffffffffu;
  }
  uint64_t sa = sext(a, bits), sb = sext(b, bits);
  /* Signed comparison of sign-extended values: flip the sign bit so the
   * unsigned order is the signed one. */
  uint64_t fa = sa ^ ((uint64_t)1 << 63), fb = sb ^ ((uint64_t)1 << 63);
  switch (op) {
  case 0x10: return a == b;
  case 0x20: return a > b;
  case 0x30: return a >= b;
  case 0x40: return (a & b) != 0;
  case 0x50: return a != b;
  case 0x60: return fa > fb;
  case 0x70: return fa >= fb;
  case 0xa0: return a < b;
  case 0xb0: return a <= b;
  case 0xc0: return fa < fb;
  case 0xd0: return fa <= fb;
  default: return 0;
  }
}

static const dvm_vm_result *ref_finish(dvm_vm_exec *vm, uint32_t pc, uint64_t insns) {
  vm->pc = pc;
  vm->res.pc = pc;
  vm->res.insns = insns;
  vm->res.r0 = vm->reg[0];
  if (vm->res.status == DVM_VM_STATUS_TRAP) {
    vm->gas_left = 0; /* a trap consumes the whole limit (spec/gas.md) */
    vm->res.gas_used = vm->gas_limit;
  } else {
    vm->res.gas_used = vm->gas_limit - vm->gas_left;
  }
  return &vm->res;
}

const dvm_vm_result *dvm_vm_run_ref(dvm_vm_exec *vm) {
  const dvm_vm_program *p = vm->prog;
  uint64_t *r = vm->reg;
  uint64_t insns = 0;
  static const uint32_t sizes[4] = {4, 2, 1, 8}; /* opcode bits 3..4 */

  memset(&vm->res, 0, sizeof vm->res);
  for (;;) {
    uint32_t pc = vm->pc;
    dvm_vm_insn in = dvm_vm_insn_decode(p->code, pc);
    unsigned cls = in.opcode & 0x07, dst = DVM_VM_INSN_DST(&in), src = DVM_VM_INSN_SRC(&in);
    uint64_t imm = (uint64_t)(int64_t)in.imm;

    if (vm->trace) vm->trace(vm->trace_ctx, vm, pc, &in, vm->gas_left, r, vm->depth);
    if (vm->gas_left < 1) {
      dvm_vm_trap_raise(vm, DVM_TRAP_OUT_OF_GAS, 0);
      return ref_finish(vm, pc, insns);
    }
    vm->gas_left -= 1;
    insns++;
    vm->pc = pc + 1;

    switch (cls) {
    case 0x04: /* ALU (32-bit) */
    case 0x07: /* ALU64 */ {
      unsigned bits = cls == 0x07 ? 64 : 32;
      unsigned op = in.opcode & 0xf0;
      uint64_t operand = (in.opcode & 0x08) ? r[src] : imm;
      if (op == 0xd0) { /* byte swaps: le / be (ALU), bswap (ALU64) */
        unsigned w = (unsigned)in.imm;
        uint64_t low = r[dst] & (w == 64 ? UINT64_MAX : (((uint64_t)1 << w) - 1));
        int swap = cls == 0x07 || (in.opcode & 0x08); /* bswap, or be on a little-endian VM */
        r[dst] = swap ? bswap(low, w) : low;
      } else {
        r[dst] = ref_alu(op, in.off, r[dst], operand, bits);
      }
      break;
    }
    case 0x00: { /* lddw: the only LD instruction admitted */
      dvm_vm_insn hi = dvm_vm_insn_decode(p->code, pc + 1);
      r[dst] = (uint64_t)(uint32_t)in.imm | (uint64_t)(uint32_t)hi.imm << 32;
      vm->pc = pc + 2;
      break;
    }
    case 0x01: { /* LDX: MEM (0x60) zero-extends, MEMSX (0x80) sign-extends */
      uint32_t size = sizes[(in.opcode >> 3) & 3];
      uint8_t *h = ref_translate(vm, r[src] + (uint64_t)(int64_t)in.off, size, DVM_VM_ACCESS_READ);
      if (!h) return ref_finish(vm, pc, insns);
      uint64_t v = ref_load(h, size);
      r[dst] = (in.opcode & 0xe0) == 0x80 ? sext(v, size * 8) : v;
      break;
    }
    case 0x02:   /* ST */
    case 0x03: { /* STX, and the atomics */
      uint32_t size = sizes[(in.opcode >> 3) & 3];
      uint8_t *h = ref_translate(vm, r[dst] + (uint64_t)(int64_t)in.off, size, DVM_VM_ACCESS_WRITE);
      if (!h) return ref_finish(vm, pc, insns);
      if (cls == 0x02) {
        ref_store(h, size, imm);
      } else if ((in.opcode & 0xe0) != 0xc0) {
        ref_store(h, size, r[src]);
      } else { /* atomic: single-threaded read-modify-write */
        uint64_t mask = size == 8 ? UINT64_MAX : 0xffffffffu;
        uint64_t old = ref_load(h, size), v = r[src] & mask;
        int aop = in.imm & 0xf0, fetch = in.imm & 1;
        if (in.imm == 0xe1) { /* xchg */
          ref_store(h, size, v);
          r[src] = old;
        } else if (in.imm == 0xf1) { /* cmpxchg */
          if (old == (r[0] & mask)) ref_store(h, size, v);
          r[0] = old;
        } else {
          uint64_t nv = aop == 0x00 ? old + v : aop == 0x40 ? old | v : aop == 0x50 ? old & v : old ^ v;
          ref_store(h, size, nv & mask);
          if (fetch) r[src] = old;
        }
      }
      break;
    }
    case 0x05:   /* JMP */
    case 0x06: { /* JMP32 */
      unsigned op = in.opcode & 0xf0;
      if (op == 0x00) { /* ja (off) / ja32 (imm) */
        vm->pc = pc + 1 + (cls == 0x05 ? (uint32_t)(int32_t)in.off : (uint32_t)in.imm);
      } else if (op == 0x80) { /* call */
        if (src == 1) {
          if (vm->depth + 1 >= DVM_VM_MAX_DEPTH) {
            dvm_vm_trap_raise(vm, DVM_TRAP_CALL_DEPTH, 0);
            return ref_finish(vm, pc, insns);
          }
          for (int i = 0; i < 4; i++) vm->frames[vm->depth].r6_r9[i] = r[6 + i];
          vm->frames[vm->depth].r10 = r[10];
          vm->frames[vm->depth].ret_pc = pc + 1;
          dvm_vm_stack_enter(vm, vm->depth + 1);
          r[10] += DVM_VM_FRAME_SIZE;
          vm->pc = pc + 1 + (uint32_t)in.imm;
        } else {
          uint32_t num = (uint32_t)in.imm;
          const dvm_vm_syscall_table *t = p->syscalls;
          dvm_vm_syscall_fn fn = t && num < t->count ? t->fns[num] : NULL;
          if (!fn) {
            dvm_vm_trap_raise(vm, DVM_TRAP_INVALID_SYSCALL, 0);
            return ref_finish(vm, pc, insns);
          }
          uint64_t ret = 0;
          int rc = fn(vm, vm->ctx, &r[1], &ret);
          if (rc != DVM_VM_SC_CONTINUE) {
            if (rc != DVM_VM_SC_HALT && vm->res.status != DVM_VM_STATUS_TRAP)
              dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, 0);
            if (rc == DVM_VM_SC_HALT && vm->res.status != DVM_VM_STATUS_HALT)
              dvm_vm_halt(vm, 0);
            return ref_finish(vm, pc, insns);
          }
          r[0] = ret;
        }
      } else if (op == 0x90) { /* exit */
        if (vm->depth == 0) {
          vm->res.status = DVM_VM_STATUS_OK;
          return ref_finish(vm, pc, insns);
        }
        uint32_t d = vm->depth - 1;
        for (int i = 0; i < 4; i++) r[6 + i] = vm->frames[d].r6_r9[i];
        r[10] = vm->frames[d].r10;
        vm->pc = vm->frames[d].ret_pc;
        dvm_vm_stack_enter(vm, d);
      } else {
        uint64_t b = (in.opcode & 0x08) ? r[src] : imm;
        if (ref_jump_taken(op, r[dst], b, cls == 0x05 ? 64 : 32))
          vm->pc = pc + 1 + (uint32_t)(int32_t)in.off;
      }
      break;
    }
    }
  }
}
