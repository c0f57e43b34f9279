/* fuzz_verify_exec.c — arbitrary bytes as a program plus input.
 *
 * The verifier accepts or rejects (a rejection must carry an error code, a
 * rule and a message, and leave no program); accepted programs run under a
 * gas limit in both interpreters (they must agree: difftest). Containers
 * also check the container codec: parse -> write -> parse -> write is a
 * fixed point. Must never crash, hang or trip a sanitizer.
 *
 * Input layout:
 *   [0]  flags: bit 0 container (else raw code), bit 1 syscall table: 0
 *        progen's test table (handlers), 1 the runtime's numbering with
 *        no handlers (fuzz_rtnames.h: real contracts verify, their
 *        syscalls trap invalid_syscall), bits 2-3 gas selector
 *        (0: [1], 1: 5000, 2: 100000, 3: 64 + [1] * 16), bits 4-7 export
 *        index for containers
 *   [1]  gas parameter
 *   [2]  input length L (% 65)
 *   then L input bytes (mapped read-only at region 4), then the program:
 *   raw little-endian code, or a .dvm container. The heap is 512 zero
 *   bytes (r1 = its address, r2 = its length). */
#include <string.h>

#include "difftest.h"
#include "fuzz.h"
#include "fuzz_rtnames.h"
#include "progen.h"

static void check_rejection(int rc, const dvm_vm_program *p, const dvm_vm_error *err) {
  if (p) FUZZ_FAIL("load failed (%d) but returned a program", rc);
  if (rc >= 0 || err->code != rc) FUZZ_FAIL("load failed with rc %d, error code %d", rc, err->code);
  if (!err->msg[0] || !memchr(err->msg, 0, sizeof err->msg)) FUZZ_FAIL("rejection without a message");
  if (rc == DVM_VM_ERR_VERIFY && (err->rule <= DVM_VERR_NONE || err->rule >= DVM_VERR_COUNT_))
    FUZZ_FAIL("verifier rejection with rule %d: %s", err->rule, err->msg);
}

/* write(parse(bytes)) must parse again and write identically. */
static void check_codec(const uint8_t *buf, size_t len) {
  dvm_vm_container c, c2;
  dvm_vm_error err;
  uint8_t *w1 = NULL, *w2 = NULL;
  size_t l1 = 0, l2 = 0;
  if (dvm_vm_container_parse(&c, buf, len, &err)) return;
  if (dvm_vm_container_write(&c, &w1, &l1)) {
    dvm_vm_container_free(&c);
    return; /* out of memory */
  }
  if (dvm_vm_container_parse(&c2, w1, l1, &err))
    FUZZ_FAIL("a container written by dvm_vm_container_write does not parse: %s", err.msg);
  if (dvm_vm_container_write(&c2, &w2, &l2) == 0 && (l1 != l2 || memcmp(w1, w2, l1)))
    FUZZ_FAIL("container write is not canonical (%zu vs %zu bytes)", l1, l2);
  if (c2.code_len != c.code_len || c2.rodata_len != c.rodata_len ||
      c2.export_count != c.export_count || c2.symbol_count != c.symbol_count ||
      (c.code_len && memcmp(c.code, c2.code, c.code_len)) ||
      (c.rodata_len && memcmp(c.rodata, c2.rodata, c.rodata_len)))
    FUZZ_FAIL("container write lost content");
  dvm_vm_container_free(&c2);
  dvm_vm_container_free(&c);
  free(w1);
  free(w2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint8_t heap[512];
  static char report[4096];
  if (size < 3) return 0;
  uint8_t flags = data[0], gpar = data[1];
  size_t input_len = data[2] % 65u, pos = 3;
  if (input_len > size - pos) input_len = size - pos;
  const uint8_t *input = data + pos;
  pos += input_len;
  const uint8_t *prog = data + pos;
  size_t prog_len = size - pos;
  const dvm_vm_syscall_table *sc = flags & 2 ? fuzz_rt_names() : progen_syscalls();
  uint64_t gas;
  switch ((flags >> 2) & 3) {
  case 0: gas = gpar; break;
  case 1: gas = 5000; break;
  case 2: gas = 100000; break;
  default: gas = 64 + (uint64_t)gpar * 16; break;
  }

  dvm_vm_program *p = NULL;
  dvm_vm_error err;
  uint32_t entry = 0;
  int rc;
  memset(&err, 0, sizeof err);
  if (flags & 1) {
    check_codec(prog, prog_len);
    rc = dvm_vm_program_load_container(&p, prog, prog_len, sc, &err);
    if (rc == 0) {
      dvm_vm_container c;
      dvm_vm_error e2;
      if (dvm_vm_container_parse(&c, prog, prog_len, &e2))
        FUZZ_FAIL("container loads but does not parse: %s", e2.msg);
      if (c.export_count) {
        const dvm_vm_export *x = &c.exports[(flags >> 4) % c.export_count];
        uint32_t pc = UINT32_MAX;
        if (dvm_vm_program_export(p, x->name, &pc) || pc != x->pc)
          FUZZ_FAIL("export '%s' (pc %u) not found in the loaded program", x->name, x->pc);
        entry = x->pc;
      }
      dvm_vm_container_free(&c);
    }
  } else {
    rc = dvm_vm_program_load(&p, prog, prog_len, NULL, 0, NULL, 0, sc, &err);
  }
  if (rc != 0) {
    check_rejection(rc, p, &err);
    return 0;
  }
  if (dvm_vm_program_slots(p) * (size_t)8 > prog_len && !(flags & 1))
    FUZZ_FAIL("program has %u slots from %zu bytes", dvm_vm_program_slots(p), prog_len);

  difftest_outcome o;
  rc = difftest_run_prog(p, entry, heap, sizeof heap, input, (uint32_t)input_len, gas, &o, report,
                         sizeof report);
  if (rc < 0) FUZZ_FAIL("accepted program does not run from entry %u: %s", entry, report);
  if (rc > 0) FUZZ_FAIL("%s(gas limit %llu, entry %u)", report, (unsigned long long)gas, entry);
  if (o.res.status == DVM_VM_STATUS_TRAP && o.res.gas_used != gas)
    FUZZ_FAIL("a %s trap used %llu gas, not the limit %llu", dvm_vm_trap_name(o.res.trap),
              (unsigned long long)o.res.gas_used, (unsigned long long)gas);
  if (o.res.gas_used > gas) FUZZ_FAIL("gas used %llu above the limit %llu",
                                      (unsigned long long)o.res.gas_used, (unsigned long long)gas);
  dvm_vm_program_free(p);
  return 0;
}
