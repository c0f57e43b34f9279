/* fuzz_rtnames.h — the runtime's syscall numbering (runtime.h) with no
 * handlers: the verifier knows every number of spec/syscalls.md, and a
 * program that calls one traps invalid_syscall at the call. Lets the
 * verify_exec and asm targets take real contracts without a supervisor. */
#ifndef DVM_FUZZ_RTNAMES_H
#define DVM_FUZZ_RTNAMES_H

#include "runtime.h"

static inline const dvm_vm_syscall_table *fuzz_rt_names(void) {
  static dvm_vm_syscall_fn fns[DVM_VM_MAX_SYSCALLS]; /* all NULL */
  static dvm_vm_syscall_table t;
  if (!t.names) {
    const dvm_vm_syscall_table *rt = dvm_rt_syscalls();
    t.count = rt->count < DVM_VM_MAX_SYSCALLS ? rt->count : DVM_VM_MAX_SYSCALLS;
    t.fns = fns;
    t.names = rt->names;
  }
  return &t;
}

#endif
