/* syscalls.c — the syscall table of spec/syscalls.md, expanded from
 * syscalls.def: a number's name and handler, handed to the VM as data
 * (the program loader checks a program's `call imm` against it; the VM
 * calls handlers through it). Nothing here is called by call.c or by the
 * handlers: the chain fetches the table once (dvm_rt_syscalls) and passes
 * it down, so the files below it never name this one. The names alone
 * live in the leaf sysnames.c, for the tracer. */
#include <string.h>

#include "sys_private.h"

/* A name on two lines is a compile error here (a repeated enumerator). */
enum {
#define DVM_SYSCALL(num, name, args, gas, handler, result) RT_SC_NAME_##name = num,
#include "syscalls.def"
#undef DVM_SYSCALL
};

static const dvm_vm_syscall_fn syscall_fns[] = {
#define DVM_SYSCALL(num, name, args, gas, handler, result) [num] = handler,
#include "syscalls.def"
#undef DVM_SYSCALL
};

/* Numbers run 1, 2, 3, ... without a gap: the arrays are one longer than
 * the lines of syscalls.def only then. A number on two lines is a compile
 * error too (-Woverride-init, in -Wextra), and tests/runtime/syscall_table.c
 * checks every entry. */
_Static_assert(sizeof syscall_fns / sizeof *syscall_fns ==
                 0
#define DVM_SYSCALL(num, name, args, gas, handler, result) + 1
#include "syscalls.def"
#undef DVM_SYSCALL
                 + 1,
               "syscalls.def: numbers must run 1, 2, 3, ... without a gap");

static const dvm_vm_syscall_table syscall_table = {
  sizeof syscall_fns / sizeof *syscall_fns, rt_syscall_names, syscall_fns};

const dvm_vm_syscall_table *dvm_rt_syscalls(void) { return &syscall_table; }

int dvm_rt_syscall_number(const char *name) {
  for (uint32_t i = 0; i < syscall_table.count; i++)
    if (rt_syscall_names[i] && !strcmp(rt_syscall_names[i], name)) return (int)i;
  return -1;
}
