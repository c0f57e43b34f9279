/* fuzz_diff_interp.c — the consensus-divergence target.
 *
 * One accepted program and one input run through the fast interpreter and
 * the reference interpreter (tests/common/difftest.c); any difference in
 * status, trap kind, pc, registers, gas used, instructions, fault details,
 * heap, stack or syscall sequence aborts with both results printed. The
 * spec's gas rules are checked as well: a trap uses the whole limit, a
 * completed run at least one gas per instruction.
 *
 * Input layout (all fields read through progen_src: missing bytes are 0):
 *   [0]      mode: (b & 7) == 7 -> raw program, else generated program
 *   [1]      gas selector  (g & 7): 0-1 tiny = [2] % 64 (step mode, out of
 *            gas everywhere), 2-4 = 2000, 5 = 200000 (long loops and deep
 *            recursion; the slowest inputs, so only 1 in 8), 6-7 = 64 + [2] * 64
 *   [2]      gas parameter
 *   [3]      heap selector (h & 7): 0-4 -> 512 bytes, 5 -> 4096, 6 -> [4] * 2
 *            (below progen's 512: stray accesses fault), 7 -> no heap
 *   [4]      heap parameter
 *   [5]      input length, % 65
 *   [6..13]  seed of the heap and input contents (splitmix64)
 * then
 *   generated: the rest drives progen_program() (loops, local calls and
 *              recursion, stack/heap traffic, atomics, syscalls);
 *   raw:       u16 L, then L bytes that become the heap exactly (heap
 *              selector ignored; conformance seeds carry their -- mem),
 *              then the code (rounded down to whole slots). Programs the
 *              verifier rejects are skipped. */
#include <inttypes.h>
#include <string.h>

#include "difftest.h"
#include "fuzz.h"
#include "progen.h"

#define MAX_SLOTS 1024
#define MAX_HEAP 4096

static void dump_code(const uint8_t *code, size_t len) {
  fprintf(stderr, "code (%zu slots):\n", len / 8);
  for (size_t i = 0; i + 8 <= len; i += 8) {
    fprintf(stderr, "  %4zu:", i / 8);
    for (size_t k = 0; k < 8; k++) fprintf(stderr, " %02x", code[i + k]);
    fprintf(stderr, "\n");
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint8_t code[MAX_SLOTS * 8], heap[MAX_HEAP], input[64];
  static char report[4096];
  progen_src s = {data, size, 0};
  uint8_t mode = progen_u8(&s), gsel = progen_u8(&s), gpar = progen_u8(&s);
  uint8_t hsel = progen_u8(&s), hpar = progen_u8(&s);
  uint32_t input_len = progen_u8(&s) % 65u, heap_len;
  uint64_t seed = progen_u64(&s), gas;
  size_t code_len;
  int raw = (mode & 7) == 7;

  switch (gsel & 7) {
  case 0:
  case 1: gas = gpar % 64u; break;
  case 2:
  case 3:
  case 4: gas = 2000; break;
  case 5: gas = 200000; break;
  default: gas = 64 + (uint64_t)gpar * 64; break;
  }
  switch (hsel & 7) {
  case 5: heap_len = 4096; break;
  case 6: heap_len = (uint32_t)hpar * 2; break;
  case 7: heap_len = 0; break;
  default: heap_len = 512; break;
  }
  for (size_t k = 0; k < MAX_HEAP; k += 8) {
    uint64_t v = progen_splitmix(&seed);
    memcpy(heap + k, &v, 8);
  }
  for (size_t k = 0; k < sizeof input; k += 8) {
    uint64_t v = progen_splitmix(&seed);
    memcpy(input + k, &v, 8);
  }

  if (raw) {
    uint32_t l = (uint32_t)progen_u8(&s) | (uint32_t)progen_u8(&s) << 8;
    size_t left = s.len - s.pos;
    if (l > MAX_HEAP) l = MAX_HEAP;
    if (l > left) l = (uint32_t)left;
    memcpy(heap, s.data + s.pos, l);
    s.pos += l;
    heap_len = l;
    left = s.len - s.pos;
    code_len = left > sizeof code ? sizeof code : left & ~(size_t)7;
    if (code_len == 0) return 0;
    memcpy(code, s.data + s.pos, code_len);
  } else {
    code_len = (size_t)progen_program(&s, code, MAX_SLOTS) * 8;
  }

  difftest_outcome o;
  int rc = difftest_run(code, code_len, heap, heap_len, input, input_len, gas, &o, report,
                        sizeof report);
  if (rc < 0) {
    if (raw) return 0;
    dump_code(code, code_len);
    FUZZ_FAIL("progen_program produced a program the verifier rejects: %s", report);
  }
  if (rc > 0) {
    dump_code(code, code_len);
    FUZZ_FAIL("%s(gas limit %" PRIu64 ", heap %" PRIu32 " bytes, input %" PRIu32 " bytes, %s program)",
              report, gas, heap_len, input_len, raw ? "raw" : "generated");
  }
  const dvm_vm_result *r = &o.res;
  if (r->status == DVM_VM_STATUS_TRAP && r->gas_used != gas) {
    dump_code(code, code_len);
    FUZZ_FAIL("both interpreters: a %s trap used %" PRIu64 " gas, not the whole limit %" PRIu64,
              dvm_vm_trap_name(r->trap), r->gas_used, gas);
  }
  if (r->status != DVM_VM_STATUS_TRAP && (r->gas_used < r->insns || r->gas_used > gas)) {
    dump_code(code, code_len);
    FUZZ_FAIL("both interpreters: gas used %" PRIu64 " for %" PRIu64 " instructions, limit %" PRIu64,
              r->gas_used, r->insns, gas);
  }
  if (r->status != DVM_VM_STATUS_TRAP && o.syscalls == 0 && r->gas_used != r->insns) {
    dump_code(code, code_len);
    FUZZ_FAIL("both interpreters: no syscall, yet gas used %" PRIu64 " != instructions %" PRIu64,
              r->gas_used, r->insns);
  }
  return 0;
}
