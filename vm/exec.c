/* exec.c — execution context: initialisation, the region table, and the
 * services syscall handlers use (gas, pointer translation, traps, heap). */
#include "vm_private.h"

#include <string.h>

int dvm_vm_exec_init(dvm_vm_exec *vm, const dvm_vm_program *p, uint32_t entry_pc,
                     uint64_t gas_limit, uint8_t *heap, uint32_t heap_len, uint32_t heap_cap,
                     const uint8_t *input, uint32_t input_len, void *ctx) {
  if (!vm || !p || heap_len > heap_cap || (heap_cap && !heap) || (input_len && !input))
    return DVM_VM_ERR_ARG;
  /* Entry points must be instruction starts the verifier marked. */
  if (entry_pc >= p->slots || p->dcode[entry_pc].cost == 0) return DVM_VM_ERR_ARG;

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

  memset(vm->stack, 0, DVM_VM_FRAME_SIZE);
  vm->depth_hwm = 0;
  dvm_vm_stack_enter(vm, 0);
  vm->reg[10] = DVM_VM_ADDR(DVM_VM_REGION_STACK, DVM_VM_FRAME_SIZE);
  return DVM_VM_OK;
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
