/* test_diff.c — the two interpreters agree on generated programs (the
 * property the diff_interp fuzzer hunts at scale), and gas obeys
 * spec/gas.md: a completed run uses its instructions plus syscall gas; a
 * trap uses the whole limit. Seeds are fixed: the run is reproducible. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "difftest.h"
#include "progen.h"

#define PROGRAMS 4000
#define MAX_SLOTS 1024

int main(int argc, char **argv) {
  int programs = argc > 1 ? atoi(argv[1]) : PROGRAMS;
  static uint8_t code[MAX_SLOTS * 8], bytes[8192], heap[512], input[32];
  static char report[2048];
  unsigned status_seen[3] = {0}, trap_seen[DVM_TRAP_COUNT_] = {0}, failures = 0;
  uint64_t total_insns = 0;

  for (int i = 0; i < programs; i++) {
    uint64_t st = 0x5eed0000u + (uint64_t)i;
    for (size_t k = 0; k < sizeof bytes; k += 8) {
      uint64_t v = progen_splitmix(&st);
      memcpy(bytes + k, &v, 8);
    }
    for (size_t k = 0; k < sizeof heap; k++) heap[k] = (uint8_t)progen_splitmix(&st);
    for (size_t k = 0; k < sizeof input; k++) input[k] = (uint8_t)progen_splitmix(&st);
    progen_src src = {bytes, sizeof bytes, 0};
    uint32_t slots = progen_program(&src, code, MAX_SLOTS);
    /* Gas limits: tiny (step mode and out-of-gas at every position),
     * medium, and large enough for most programs to finish. */
    uint64_t choice = progen_splitmix(&st) % 3;
    uint64_t gas = choice == 0 ? progen_splitmix(&st) % 64 : choice == 1 ? 2000 : 200000;
    difftest_outcome o;
    int rc = difftest_run(code, (size_t)slots * 8, heap, sizeof heap, input, sizeof input, gas, &o,
                          report, sizeof report);
    if (rc != 0) {
      fprintf(stderr, "program %d (seed 0x%" PRIx64 ", %u slots, gas %" PRIu64 "): %s\n", i,
              (uint64_t)0x5eed0000u + (uint64_t)i, slots, gas, report);
      failures++;
      continue;
    }
    status_seen[o.res.status]++;
    trap_seen[o.res.trap]++;
    total_insns += o.res.insns;
    if (o.res.status == DVM_VM_STATUS_TRAP && o.res.gas_used != gas) {
      fprintf(stderr, "program %d: trap used %" PRIu64 " gas, not the limit %" PRIu64 "\n", i,
              o.res.gas_used, gas);
      failures++;
    }
    if (o.res.status != DVM_VM_STATUS_TRAP && o.res.gas_used < o.res.insns) {
      fprintf(stderr, "program %d: gas used %" PRIu64 " below instructions %" PRIu64 "\n", i,
              o.res.gas_used, o.res.insns);
      failures++;
    }
    if (o.res.status != DVM_VM_STATUS_TRAP && o.syscalls == 0 && o.res.gas_used != o.res.insns) {
      fprintf(stderr, "program %d: no syscalls but gas %" PRIu64 " != insns %" PRIu64 "\n", i,
              o.res.gas_used, o.res.insns);
      failures++;
    }
  }
  printf("%d programs, %" PRIu64 " instructions: ok %u, halt %u, trap %u (", programs, total_insns,
         status_seen[0], status_seen[1], status_seen[2]);
  for (int t = 1; t < DVM_TRAP_COUNT_; t++) printf("%s%s %u", t > 1 ? ", " : "", dvm_vm_trap_name(t), trap_seen[t]);
  printf(")\n");
  /* The generator must reach every outcome, or this test proves little. */
  if (programs >= 1000) {
    for (int s = 0; s < 3; s++)
      if (!status_seen[s]) {
        fprintf(stderr, "no program ended with status %d\n", s);
        failures++;
      }
    for (int t = 1; t < DVM_TRAP_COUNT_; t++)
      if (!trap_seen[t]) {
        fprintf(stderr, "no program trapped with %s\n", dvm_vm_trap_name(t));
        failures++;
      }
  }
  printf("%u passed, %u failed\n", programs - failures > 0 ? (unsigned)programs - failures : 0, failures);
  return failures ? 1 : 0;
}
