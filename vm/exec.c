/* exec.c — execution context: initialisation, the region table, and the
 * services syscall handlers use (gas, pointer translation, traps, heap). */
#include "vm_private.h"

#include <string.h>

static int init_args_ok(const dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                        const uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                        const uint8_t *input, uint32_t input_len) {
  if (!vm || !p || heap_len > heap_cap || (heap_cap && !heap) || (input_len && !input)) return 0;
  /* Entry points must be instruction starts the verifier marked. */
  return entry_pc < p->slots && p->dcode[entry_pc].cost != 0;
}

/* Everything but the arguments' checks and the stack's zeroing. */
static void init_common(dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                        uint64_t gas_limit, uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                        const uint8_t *input, uint32_t input_len, void *ctx);

int dvm_vm_exec_init(dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                     uint64_t gas_limit, uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                     const uint8_t *input, uint32_t input_len, void *ctx) {
  if (!init_args_ok(vm, p, entry_pc, heap, heap_len, heap_cap, input, input_len)) return DVM_VM_ERR_ARG;
  vm->clean = 0;
  vm->marks_ok = 0;
  memset(vm->stack, 0, DVM_VM_FRAME_SIZE); /* frame 0; the others when first reached */
  init_common(vm, p, entry_pc, gas_limit, heap, heap_len, heap_cap, input, input_len, ctx);
  return DVM_VM_OK;
}

void dvm_vm_exec_forget(dvm_vm_exec *vm) {
  vm->clean = 0;
  vm->marks_ok = 0;
}

/* Zero the marked chunks among the first n of map, in buf of len bytes. A
 * chunk's last store may spill up to 7 bytes into the next chunk. */
static void scrub(uint8_t *buf, size_t len, uint8_t *map, size_t n) {
  const size_t chunk = (size_t)1 << DVM_VM_DIRTY_SHIFT;
  for (size_t w = 0; w < n; w += 8) {
    uint64_t any;
    memcpy(&any, map + w, 8); /* n is a multiple of 8 */
    if (!any) continue;
    for (size_t i = w; i < w + 8; i++) {
      if (!map[i]) continue;
      map[i] = 0;
      size_t at = i * chunk, k = chunk + 8;
      if (at >= len) continue;
      if (at + k > len) k = len - at;
      memset(buf + at, 0, k);
    }
  }
}

int dvm_vm_exec_init_clean(dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                           uint64_t gas_limit, uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                           const uint8_t *input, uint32_t input_len, void *ctx) {
  if (!init_args_ok(vm, p, entry_pc, heap, heap_len, heap_cap, input, input_len) ||
      heap_cap > DVM_VM_DIRTY_HEAP_MAX)
    return DVM_VM_ERR_ARG;
  const size_t fchunks = DVM_VM_FRAME_SIZE >> DVM_VM_DIRTY_SHIFT;
  if (vm->clean && vm->clean_heap == heap && vm->clean_cap == heap_cap) {
    /* Both were zero when the previous run started; it wrote only frames
     * 0..depth_hwm and the heap below its final length. */
    size_t stack_used = (size_t)(vm->depth_hwm + 1) * DVM_VM_FRAME_SIZE;
    size_t heap_used = (size_t)vm->rgn_wlen[DVM_VM_REGION_HEAP];
    size_t sn = (size_t)(vm->depth_hwm + 1) * fchunks;
    size_t hn = (heap_used + ((size_t)1 << DVM_VM_DIRTY_SHIFT) - 1) >> DVM_VM_DIRTY_SHIFT;
    hn = (hn + 7) & ~(size_t)7;
    if (vm->marks_ok) {
      scrub(vm->stack, DVM_VM_STACK_SIZE, vm->dirty_stack, sn);
      scrub(heap, heap_cap, vm->dirty_heap, hn);
    } else { /* the reference interpreter ran: it does not mark */
      memset(vm->stack, 0, stack_used);
      if (heap_used) memset(heap, 0, heap_used);
      memset(vm->dirty_stack, 0, sn);
      memset(vm->dirty_heap, 0, hn);
    }
  } else {
    memset(vm->stack, 0, DVM_VM_STACK_SIZE);
    if (heap_cap) memset(heap, 0, heap_cap);
    memset(vm->dirty_stack, 0, sizeof vm->dirty_stack);
    memset(vm->dirty_heap, 0, sizeof vm->dirty_heap);
  }
  vm->clean = 1;
  vm->marks_ok = 0; /* dvm_vm_run_fast sets it */
  vm->clean_heap = heap;
  vm->clean_cap = heap_cap;
  init_common(vm, p, entry_pc, gas_limit, heap, heap_len, heap_cap, input, input_len, ctx);
  return DVM_VM_OK;
}

static void init_common(dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                        uint64_t gas_limit, uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                        const uint8_t *input, uint32_t input_len, void *ctx) {

  memset(vm->rgn_host, 0, sizeof vm->rgn_host);
  memset(vm->rgn_rlen, 0, sizeof vm->rgn_rlen);
  memset(vm->rgn_wlen, 0, sizeof vm->rgn_wlen);
  vm->rgn_host[DVM_VM_REGION_RODATA] = p->rodata;
  vm->rgn_rlen[DVM_VM_REGION_RODATA] = p->rodata_len;
  vm->rgn_host[DVM_VM_REGION_STACK] = vm->stack;
  vm->rgn_host[DVM_VM_REGION_HEAP] = heap;
  vm->rgn_rlen[DVM_VM_REGION_HEAP] = heap_len;
  vm->rgn_wlen[DVM_VM_REGION_HEAP] = heap_len;
  /* The input is read-only; the cast is safe because rgn_wlen is 0. */
  vm->rgn_host[DVM_VM_REGION_INPUT] = (uint8_t *)(uintptr_t)input;
  vm->rgn_rlen[DVM_VM_REGION_INPUT] = input_len;

  vm->prog = p;
  vm->ctx = ctx;
  vm->gas_limit = gas_limit;
  vm->gas_left = gas_limit;
  vm->sys_gas = 0;
  memset(vm->reg, 0, sizeof vm->reg);
  vm->pc = entry_pc;
  vm->heap_cap = heap_cap;
  memset(&vm->res, 0, sizeof vm->res);
  vm->trace = NULL;
  vm->trace_ctx = NULL;

  vm->depth_hwm = 0;
  dvm_vm_stack_enter(vm, 0);
  vm->reg[10] = DVM_VM_ADDR(DVM_VM_REGION_STACK, DVM_VM_FRAME_SIZE);
}

void dvm_vm_reg_set(dvm_vm_exec *vm, unsigned reg, uint64_t value) {
  if (reg < 10) vm->reg[reg] = value;
}

int dvm_vm_gas_charge(dvm_vm_exec *vm, uint64_t cost) {
  if (cost > vm->gas_left) {
    dvm_vm_trap_raise(vm, DVM_TRAP_OUT_OF_GAS, 0);
    return -1;
  }
  vm->gas_left -= cost;
  vm->sys_gas += cost;
  return 0;
}

uint64_t dvm_vm_gas_left(const dvm_vm_exec *vm) { return vm->gas_left; }

void dvm_vm_gas_refund(dvm_vm_exec *vm, uint64_t n) {
  if (n > vm->sys_gas) n = vm->sys_gas; /* never more than syscalls charged */
  vm->gas_left += n;
  vm->sys_gas -= n;
}

void *dvm_vm_translate(dvm_vm_exec *vm, uint64_t addr, uint64_t len, int access) {
  unsigned ix = (unsigned)(addr >> 32) & (DVM_VM_REGION_COUNT - 1);
  uint64_t off = addr ^ ((uint64_t)ix << 32);
  const uint64_t *lim = access == DVM_VM_ACCESS_WRITE ? vm->rgn_wlen : vm->rgn_rlen;
  if (len == 0) return vm->stack; /* never dereferenced; any non-NULL will do */
  /* off < 2^64 - 2^35 (see spec/memory.md), so off + len cannot wrap for
   * len < 2^35; larger lengths are faults anyway. */
  if (len >= ((uint64_t)1 << 35) || off + len > lim[ix] || !vm->rgn_host[ix]) {
    dvm_vm_trap_raise(vm, DVM_TRAP_MEM_FAULT, 0);
    vm->res.fault_addr = addr;
    vm->res.fault_size = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
    vm->res.fault_access = access;
    return NULL;
  }
  if (access == DVM_VM_ACCESS_WRITE) { /* mark the chunks (dvm_vm_exec_init_clean) */
    uint64_t first = off >> DVM_VM_DIRTY_SHIFT, last = (off + len - 1) >> DVM_VM_DIRTY_SHIFT;
    if (ix == DVM_VM_REGION_STACK) {
      memset(vm->dirty_stack + first, 1, (size_t)(last - first + 1));
    } else if (ix != DVM_VM_REGION_HEAP) {
      /* no other region is writable */
    } else if (last - first >= DVM_VM_DIRTY_HEAP_MASK) {
      memset(vm->dirty_heap, 1, sizeof vm->dirty_heap);
    } else {
      for (uint64_t c = first; c <= last; c++) vm->dirty_heap[c & DVM_VM_DIRTY_HEAP_MASK] = 1;
    }
  }
  return vm->rgn_host[ix] + off;
}

void dvm_vm_trap_raise(dvm_vm_exec *vm, int kind, int detail) {
  vm->res.status = DVM_VM_STATUS_TRAP;
  vm->res.trap = kind;
  vm->res.detail = detail;
}

void dvm_vm_halt(dvm_vm_exec *vm, int detail) {
  vm->res.status = DVM_VM_STATUS_HALT;
  vm->res.trap = DVM_TRAP_NONE;
  vm->res.detail = detail;
}

int dvm_vm_heap_resize(dvm_vm_exec *vm, uint32_t heap_len) {
  if (heap_len > vm->heap_cap) return DVM_VM_ERR_ARG;
  vm->rgn_rlen[DVM_VM_REGION_HEAP] = heap_len;
  vm->rgn_wlen[DVM_VM_REGION_HEAP] = heap_len;
  return DVM_VM_OK;
}

uint32_t dvm_vm_heap_len(const dvm_vm_exec *vm) {
  return (uint32_t)vm->rgn_rlen[DVM_VM_REGION_HEAP];
}

void *dvm_vm_ctx(const dvm_vm_exec *vm) { return vm->ctx; }
