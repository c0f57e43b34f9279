/* difftest.h — run one program through both interpreters and compare
 * everything observable: status, trap kind, pc, r0 and every register,
 * gas used, instructions executed, fault details, the heap and the stack
 * afterwards, and the sequence of syscalls (progen's test table). Used by
 * the vm_diff test and by the diff_interp fuzz target. */
#ifndef DVM_TEST_DIFFTEST_H
#define DVM_TEST_DIFFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

typedef struct difftest_outcome {
  dvm_vm_result res; /* the fast interpreter's (equal to the reference's when it returns 0) */
  uint32_t syscalls;
} difftest_outcome;

/* Returns 0 when both interpreters agree, 1 when they differ (report
 * holds both results), -1 when the program does not load (report says
 * why). heap_init is copied into a fresh heap of heap_len visible bytes
 * (capacity heap_len + DIFFTEST_HEAP_SPARE, zeroed: room for t_grow) for
 * each interpreter; input is mapped read-only. */
#define DIFFTEST_HEAP_SPARE 8192u
int difftest_run(const uint8_t *code, size_t code_len, const uint8_t *heap_init, uint32_t heap_len,
                 const uint8_t *input, uint32_t input_len, uint64_t gas, difftest_outcome *out,
                 char *report, size_t cap);

/* The same for a loaded program (rodata, exports: any entry point), which
 * the caller keeps; -1 when entry_pc is not an instruction start. Used by
 * the verify_exec and asm fuzz targets on containers. */
int difftest_run_prog(const dvm_vm_program *p, uint32_t entry_pc, const uint8_t *heap_init,
                      uint32_t heap_len, const uint8_t *input, uint32_t input_len, uint64_t gas,
                      difftest_outcome *out, char *report, size_t cap);

#endif
