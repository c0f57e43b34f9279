/* runtime.h — the DVM supervisor ("libdvm"): syscalls, gas schedule, call
 * frames, journaled LMDB state, transactions, blocks and receipts.
 * The only public header of runtime/; node/ and embedders include this.
 * Normative text: spec/syscalls.md, spec/gas.md, spec/state.md, spec/tx.md. */
#ifndef DVM_RUNTIME_H
#define DVM_RUNTIME_H

#include "vm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The syscall table of spec/syscalls.md: stable numbers and names, with
 * the handlers this build offers. Static storage; valid for the process. */
const dvm_vm_syscall_table *dvm_rt_syscalls(void);
/* Number of the syscall called `name`, or -1. */
int dvm_rt_syscall_number(const char *name);

#ifdef __cplusplus
}
#endif
#endif
