/* test_init_clean.c — dvm_vm_exec_init_clean (vm.h): a vm and heap used
 * again and again start every run with the whole stack and heap buffer
 * zero, whichever interpreter ran before and whatever it wrote (stores,
 * stores across a 256-byte chunk boundary, atomics, a deeper frame, a
 * syscall writing through dvm_vm_translate, a grown heap); and a run gives
 * the same result, gas and instruction count as after dvm_vm_exec_init on
 * a zeroed heap. Checked on the memory itself, byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"

static unsigned passed, failed;

static void check(int cond, const char *what) {
  if (cond) passed++;
  else {
    failed++;
    fprintf(stderr, "FAIL %s\n", what);
  }
}

static void put(uint8_t *code, uint32_t pc, uint8_t op, uint8_t regs, int16_t off, int32_t imm) {
  dvm_vm_insn i = {op, regs, off, imm};
  dvm_vm_insn_encode(&i, code + 8 * (size_t)pc);
}

#define CAP (1u << 20)
#define HEAP 32768u

/* syscall 0: grow the heap to 64 KiB, write 300 bytes of 0x77 at heap
 * offset 5000 and 8 at 60000 (through dvm_vm_translate), r0 = 0. */
static int sc_write(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  (void)ctx;
  (void)a;
  if (dvm_vm_heap_resize(vm, 65536) != DVM_VM_OK) return DVM_VM_SC_TRAP;
  uint8_t *p = dvm_vm_translate(vm, DVM_VM_ADDR(DVM_VM_REGION_HEAP, 5000), 300, DVM_VM_ACCESS_WRITE);
  uint8_t *q = dvm_vm_translate(vm, DVM_VM_ADDR(DVM_VM_REGION_HEAP, 60000), 8, DVM_VM_ACCESS_WRITE);
  if (!p || !q) return DVM_VM_SC_TRAP;
  memset(p, 0x77, 300);
  memset(q, 0x77, 8);
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}

/* Export "w" (pc 0): stores all over heap and stack, reads back what the
 * stack of frame 1 held before (0 on a fresh run), r0 = the sum of three
 * loads of memory it did not write in this run (0 when everything started
 * zero). Slots:
 *  0-1 lddw r1, heap     2 mov r2, -0x1010102  3 ldxdw r0, [r1+8]
 *  4 ldxdw r3, [r1+32000] 5 add r0, r3
 *  6 stxdw [r1+0], r2    7 stxdw [r1+252], r2 (chunks 0 and 1)
 *  8 stxdw [r1+32760], r2  9 stxb [r1+1000], r2  10 atomic add [r1+2000], r2
 *  11 stxdw [r10-8], r2  12 call local -> 16   13 add r0, r3
 *  14 call 0 (syscall)   15 exit
 *  16 ldxdw r3, [r10-16] 17 stxdw [r10-16], r2 18 stw [r10-4000], 9 19 exit */
#define W_SLOTS 20
static void program_w(uint8_t *c) {
  put(c, 0, 0x18, 1, 0, 0);
  put(c, 1, 0x00, 0, 0, 3);
  put(c, 2, 0xb7, 2, 0, -16843010); /* 0xfffffffffefefefe: no zero byte */
  put(c, 3, 0x79, 0 | 1 << 4, 8, 0);
  put(c, 4, 0x79, 3 | 1 << 4, 32000, 0);
  put(c, 5, 0x0f, 0 | 3 << 4, 0, 0);
  put(c, 6, 0x7b, 1 | 2 << 4, 0, 0);
  put(c, 7, 0x7b, 1 | 2 << 4, 252, 0);
  put(c, 8, 0x7b, 1 | 2 << 4, 32760, 0);
  put(c, 9, 0x73, 1 | 2 << 4, 1000, 0);
  put(c, 10, 0xdb, 1 | 2 << 4, 2000, 0x00);
  put(c, 11, 0x7b, 10 | 2 << 4, -8, 0);
  put(c, 12, 0x85, 1 << 4, 0, 3);
  put(c, 13, 0x0f, 0 | 3 << 4, 0, 0);
  put(c, 14, 0x85, 0, 0, 0);
  put(c, 15, 0x95, 0, 0, 0);
  put(c, 16, 0x79, 3 | 10 << 4, -16, 0);
  put(c, 17, 0x7b, 10 | 2 << 4, -16, 0);
  put(c, 18, 0x62, 10, -4000, 9);
  put(c, 19, 0x95, 0, 0, 0);
}

static int all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

static int nonzero_at(const uint8_t *p, size_t at) { return p[at] != 0; }

int main(void) {
  uint8_t code[8 * W_SLOTS];
  dvm_vm_error err;
  dvm_vm_program *p;
  const char *names[1] = {"write"};
  dvm_vm_syscall_fn fns[1] = {sc_write};
  dvm_vm_syscall_table tab = {1, names, fns};
  program_w(code);
  if (dvm_vm_program_load(&p, code, sizeof code, NULL, 0, NULL, 0, &tab, &err) != DVM_VM_OK) {
    fprintf(stderr, "load: %s\n", err.msg);
    return 1;
  }
  dvm_vm_exec *vm = malloc(sizeof *vm);
  uint8_t *heap = malloc(CAP), *other = malloc(CAP);
  if (!vm || !heap || !other) return 1;

  /* The reference: a plain init on a zeroed heap. */
  memset(heap, 0, CAP);
  check(dvm_vm_exec_init(vm, p, 0, 1000, heap, HEAP, CAP, NULL, 0, NULL) == DVM_VM_OK, "plain init");
  dvm_vm_result want = *dvm_vm_run_fast(vm);
  check(want.status == DVM_VM_STATUS_OK && want.r0 == 0 && want.insns == 19 && want.gas_used == 19,
        "plain run: r0 0, 19 instructions, 19 gas");

  /* A garbage vm and heap: forget, then the first init_clean zeroes all. */
  memset(vm, 0xa5, sizeof *vm);
  memset(heap, 0xa5, CAP);
  dvm_vm_exec_forget(vm);
  check(dvm_vm_exec_init_clean(vm, p, 0, 1000, heap, HEAP, CAP, NULL, 0, NULL) == DVM_VM_OK, "init_clean");
  check(all_zero(vm->stack, DVM_VM_STACK_SIZE) && all_zero(heap, CAP), "first init_clean: all zero");

  for (int round = 0; round < 6; round++) {
    /* rounds 0-2 the fast interpreter, 3 the reference one, 4-5 fast */
    int ref = round == 3;
    const dvm_vm_result *r = ref ? dvm_vm_run_ref(vm) : dvm_vm_run_fast(vm);
    char what[96];
    snprintf(what, sizeof what, "round %d (%s): same result as the plain run", round, ref ? "ref" : "fast");
    check(r->status == want.status && r->r0 == want.r0 && r->insns == want.insns &&
              r->gas_used == want.gas_used,
          what);
    snprintf(what, sizeof what, "round %d: the run wrote where expected", round);
    check(nonzero_at(heap, 0) && nonzero_at(heap, 252) && nonzero_at(heap, 258) &&
              nonzero_at(heap, 32760) && nonzero_at(heap, 1000) && nonzero_at(heap, 2000) &&
              nonzero_at(heap, 5000) && nonzero_at(heap, 5299) && nonzero_at(heap, 60007) &&
              nonzero_at(vm->stack, 4096 - 8) && nonzero_at(vm->stack, 8192 - 16) &&
              nonzero_at(vm->stack, 8192 - 4000),
          what);
    check(dvm_vm_exec_init_clean(vm, p, 0, 1000, heap, HEAP, CAP, NULL, 0, NULL) == DVM_VM_OK, "init_clean again");
    snprintf(what, sizeof what, "round %d: stack and heap all zero after init_clean", round);
    check(all_zero(vm->stack, DVM_VM_STACK_SIZE) && all_zero(heap, CAP), what);
    check(dvm_vm_heap_len(vm) == HEAP, "heap length back to its start");
  }

  /* Another heap buffer: zeroed wholly (it was never tracked). */
  memset(other, 0x5a, CAP);
  check(dvm_vm_exec_init_clean(vm, p, 0, 1000, other, HEAP, CAP, NULL, 0, NULL) == DVM_VM_OK, "other heap");
  check(all_zero(other, CAP), "another heap buffer is zeroed wholly");
  /* A plain init in between: the next init_clean trusts no mark. */
  memset(heap, 0x11, CAP);
  check(dvm_vm_exec_init(vm, p, 0, 1000, other, HEAP, CAP, NULL, 0, NULL) == DVM_VM_OK, "plain init between");
  check(dvm_vm_exec_init_clean(vm, p, 0, 1000, heap, HEAP, CAP, NULL, 0, NULL) == DVM_VM_OK, "init_clean after plain");
  check(all_zero(heap, CAP) && all_zero(vm->stack, DVM_VM_STACK_SIZE), "after a plain init: all zero");
  /* Limits: a heap larger than the tracked maximum is refused. */
  check(dvm_vm_exec_init_clean(vm, p, 0, 1000, heap, HEAP, DVM_VM_DIRTY_HEAP_MAX + 1, NULL, 0, NULL) ==
            DVM_VM_ERR_ARG,
        "heap_cap over DVM_VM_DIRTY_HEAP_MAX refused");

  free(vm);
  free(heap);
  free(other);
  dvm_vm_program_free(p);
  printf("init_clean: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
