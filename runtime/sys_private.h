/* sys_private.h — what the syscall handlers (runtime/sys_*.c) share: their
 * prototypes, expanded from syscalls.def, and the few macros every handler
 * is written with. Private to runtime/.
 *
 * Every handler charges its gas before it acts, translates every pointer
 * through the caller's memory map (a bad pointer is a mem_fault trap at the
 * call), checks every length against its limit before computing a cost
 * from it (so costs cannot overflow), and writes state only through the
 * overlay. A state (LMDB) failure is not a contract outcome: it is
 * recorded in the execution context and fails the block.
 *
 * Handlers are reached only through the table of syscalls.c: no other
 * file calls one by name, and the handlers call down only (call.c,
 * accounts.c, state/, fx/). */
#ifndef DVM_SYS_PRIVATE_H
#define DVM_SYS_PRIVATE_H

#include "rt_private.h"

#define DVM_SYSCALL(num, name, args, gas, handler, result) \
  int handler(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0);
#include "syscalls.def"
#undef DVM_SYSCALL

/* A host that runs a program without a supervisor context (ctx NULL) gets
 * invalid_syscall for every syscall that needs one. */
#define CTX                                                              \
  rt_frame *f = ctx;                                                     \
  if (!f) {                                                              \
    dvm_vm_trap_raise(vm, DVM_TRAP_INVALID_SYSCALL, 0);                  \
    return DVM_VM_SC_TRAP;                                               \
  }                                                                      \
  rt_exec *x = f->x;                                                     \
  (void)x
#define CHARGE(n) do { if (dvm_vm_gas_charge(vm, (n))) return DVM_VM_SC_TRAP; } while (0)
#define PTR(p, addr, len, acc) \
  do { if (!((p) = dvm_vm_translate(vm, (addr), (len), (acc)))) return DVM_VM_SC_TRAP; } while (0)
#define REFUSE(detail) do { dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, (detail)); return DVM_VM_SC_TRAP; } while (0)
#define STATE(rc)                                                       \
  do {                                                                  \
    int rc_ = (rc);                                                     \
    if (rc_ < 0 && rc_ != DVM_STATE_NOTFOUND) {                         \
      x->fatal = rc_;                                                   \
      dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, DVM_RT_F_NONE);       \
      return DVM_VM_SC_TRAP;                                            \
    }                                                                   \
  } while (0)

static inline uint64_t rt_sc_min64(uint64_t a, uint64_t b) { return a < b ? a : b; }

#endif
