/* syscall_table.c — the stable syscall numbering of spec/syscalls.md.
 * Numbers never change meaning once released; new syscalls take new
 * numbers. Handlers are bound as the supervisor implements them; a known
 * number without a handler traps invalid_syscall when executed. */
#include "runtime.h"

#include <string.h>

#define SYSCALL_COUNT 32u

static const char *const syscall_names[SYSCALL_COUNT] = {
  [1] = "dvm_return",
  [2] = "dvm_revert",
  [3] = "dvm_log",
  [4] = "dvm_storage_get",
  [5] = "dvm_storage_set",
  [6] = "dvm_storage_del",
  [7] = "dvm_storage_next",
  [8] = "dvm_balance",
  [9] = "dvm_transfer",
  [10] = "dvm_caller",
  [11] = "dvm_self",
  [12] = "dvm_value_received",
  [13] = "dvm_block_height",
  [14] = "dvm_block_time",
  [15] = "dvm_oracle_price",
  [16] = "dvm_call",
  [17] = "dvm_return_data",
  [18] = "dvm_hash_blake2b",
  [19] = "dvm_ed25519_verify",
  [20] = "dvm_heap_grow",
  [21] = "dvm_fx_mul_div",
  [22] = "dvm_fx_exp",
  [23] = "dvm_fx_ln",
  [24] = "dvm_fx_sqrt",
  [25] = "dvm_fx_pow",
  [26] = "dvm_fx_cdf",
  [27] = "dvm_fx_pdf",
  [28] = "dvm_fx_black_scholes",
  [29] = "dvm_input",
};

static const dvm_vm_syscall_fn syscall_fns[SYSCALL_COUNT];

static const dvm_vm_syscall_table syscall_table = {SYSCALL_COUNT, syscall_names, syscall_fns};

const dvm_vm_syscall_table *dvm_rt_syscalls(void) { return &syscall_table; }

int dvm_rt_syscall_number(const char *name) {
  for (uint32_t i = 0; i < SYSCALL_COUNT; i++)
    if (syscall_names[i] && !strcmp(syscall_names[i], name)) return (int)i;
  return -1;
}
