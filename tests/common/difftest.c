/* difftest.c — see difftest.h. */
#include "difftest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progen.h"

static int describe(char *buf, size_t cap, const char *who, const dvm_vm_result *r, const progen_log *l) {
  return snprintf(buf, cap,
                  "%s: status=%d trap=%s pc=%" PRIu32 " r0=0x%" PRIx64 " gas_used=%" PRIu64
                  " insns=%" PRIu64 " fault=0x%" PRIx64 "/%" PRIu32 "/%d detail=%d syscalls=%" PRIu32
                  " log=0x%016" PRIx64 "\n",
                  who, r->status, dvm_vm_trap_name(r->trap), r->pc, r->r0, r->gas_used, r->insns,
                  r->fault_addr, r->fault_size, r->fault_access, r->detail, l->calls, l->hash);
}

int difftest_run(const uint8_t *code, size_t code_len, const uint8_t *heap_init, uint32_t heap_len,
                 const uint8_t *input, uint32_t input_len, uint64_t gas, difftest_outcome *out,
                 char *report, size_t cap) {
  dvm_vm_program *p = NULL;
  dvm_vm_error err;
  if (report && cap) report[0] = 0;
  if (dvm_vm_program_load(&p, code, code_len, NULL, 0, NULL, 0, progen_syscalls(), &err)) {
    if (report) snprintf(report, cap, "load: %s", err.msg);
    return -1;
  }
  int rc = difftest_run_prog(p, 0, heap_init, heap_len, input, input_len, gas, out, report, cap);
  dvm_vm_program_free(p);
  return rc;
}

int difftest_run_prog(const dvm_vm_program *p, uint32_t entry_pc, const uint8_t *heap_init,
                      uint32_t heap_len, const uint8_t *input, uint32_t input_len, uint64_t gas,
                      difftest_outcome *out, char *report, size_t cap) {
  /* The two contexts (256 KiB of stack each) are allocated once per
   * thread and reused: fuzzing runs this thousands of times a second. */
  static __thread dvm_vm_exec *vm_cache[2];
  for (int k = 0; k < 2; k++)
    if (!vm_cache[k]) vm_cache[k] = malloc(sizeof(dvm_vm_exec));
  dvm_vm_exec *vm[2] = {vm_cache[0], vm_cache[1]};
  /* Capacity beyond the visible heap, so that heap growth (t_grow) has
   * room; all of it is compared afterwards. */
  uint32_t heap_cap = heap_len + DIFFTEST_HEAP_SPARE;
  uint8_t *heap[2] = {calloc(heap_cap + 1, 1), calloc(heap_cap + 1, 1)};
  progen_log log[2];
  const dvm_vm_result *res[2];
  int rc = 0;

  if (report && cap) report[0] = 0;
  if (!vm[0] || !vm[1] || !heap[0] || !heap[1]) {
    rc = -1;
    if (report) snprintf(report, cap, "out of memory");
    goto out;
  }
  for (int k = 0; k < 2; k++) {
    memset(&log[k], 0, sizeof log[k]);
    log[k].hash = 0xcbf29ce484222325ull;
    if (heap_len) memcpy(heap[k], heap_init, heap_len);
    /* Same contents in the not-yet-zeroed parts of the stack, so that a
     * difference can only come from the interpreters. */
    memset(vm[k]->stack, 0xa5, sizeof vm[k]->stack);
    if (dvm_vm_exec_init(vm[k], p, entry_pc, gas, heap[k], heap_len, heap_cap, input, input_len,
                         &log[k])) {
      rc = -1;
      if (report) snprintf(report, cap, "exec_init: bad entry point %" PRIu32, entry_pc);
      goto out;
    }
    dvm_vm_reg_set(vm[k], 1, DVM_VM_ADDR(DVM_VM_REGION_HEAP, 0));
    dvm_vm_reg_set(vm[k], 2, heap_len);
    res[k] = k == 0 ? dvm_vm_run_fast(vm[k]) : dvm_vm_run_ref(vm[k]);
  }
  {
    const dvm_vm_result *a = res[0], *b = res[1];
    const char *what = NULL;
    if (a->status != b->status) what = "status";
    else if (a->trap != b->trap) what = "trap kind";
    else if (a->pc != b->pc) what = "pc";
    else if (a->gas_used != b->gas_used) what = "gas used";
    else if (a->insns != b->insns) what = "instructions executed";
    else if (a->detail != b->detail) what = "detail";
    else if (a->trap == DVM_TRAP_MEM_FAULT &&
             (a->fault_addr != b->fault_addr || a->fault_size != b->fault_size ||
              a->fault_access != b->fault_access))
      what = "fault details";
    else if (memcmp(vm[0]->reg, vm[1]->reg, sizeof vm[0]->reg)) what = "registers";
    else if (dvm_vm_heap_len(vm[0]) != dvm_vm_heap_len(vm[1])) what = "heap length";
    else if (memcmp(heap[0], heap[1], heap_cap)) what = "heap contents";
    else if (vm[0]->depth_hwm != vm[1]->depth_hwm ||
             memcmp(vm[0]->stack, vm[1]->stack,
                    (size_t)(vm[0]->depth_hwm + 1) * DVM_VM_FRAME_SIZE))
      what = "stack contents";
    else if (log[0].calls != log[1].calls || log[0].hash != log[1].hash) what = "syscall sequence";
    if (what) {
      rc = 1;
      if (report) {
        int n = snprintf(report, cap, "interpreters differ in %s\n", what);
        if (n > 0 && (size_t)n < cap) n += describe(report + n, cap - (size_t)n, "fast", a, &log[0]);
        if (n > 0 && (size_t)n < cap) describe(report + n, cap - (size_t)n, "ref ", b, &log[1]);
      }
    }
    if (out) {
      out->res = *a;
      out->syscalls = log[0].calls;
    }
  }
out:
  free(heap[0]);
  free(heap[1]);
  return rc;
}
