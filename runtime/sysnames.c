/* sysnames.c — the syscall names of syscalls.def by number, alone: a leaf
 * that the table (syscalls.c) and the tracer (trace.c) both read, so that
 * naming a syscall in a trace does not reach the handlers (and, through
 * them, the call path that runs the tracer). */
#include "rt_private.h"

const char *const rt_syscall_names[] = {
#define DVM_SYSCALL(num, name, args, gas, handler, result) [num] = #name,
#include "syscalls.def"
#undef DVM_SYSCALL
};

const uint32_t rt_syscall_names_count = sizeof rt_syscall_names / sizeof *rt_syscall_names;
