/* test_predecode.c — the pre-decoder on its own (vm/predecode.c): the
 * decoded fields, the basic blocks and their gas, and fusion, each step
 * checked with exact values; and the verifier alone, which checks rules
 * and builds nothing (vm/verify.c). White-box: uses vm_private.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm_private.h"

static int failures;
#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) {                                                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);                       \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

static void put(uint8_t *code, uint32_t pc, uint8_t op, unsigned dst, unsigned src, int16_t off,
                int32_t imm) {
  dvm_vm_insn in = {op, (uint8_t)(dst | src << 4), off, imm};
  dvm_vm_insn_encode(&in, code + 8 * pc);
}

/* 0 mov64 r0, -1 | 1-2 lddw r1, 0x1122334455667788 | 3 jeq r1, 5, +1 |
 * 4 exit | 5 mov64 r2, r1 | 6 add64 r2, 3 | 7 exit */
#define P1_SLOTS 8
static void program1(uint8_t *c) {
  put(c, 0, 0xb7, 0, 0, 0, -1);
  put(c, 1, 0x18, 1, 0, 0, 0x55667788);
  put(c, 2, 0x00, 0, 0, 0, 0x11223344);
  put(c, 3, 0x15, 1, 0, 1, 5);
  put(c, 4, 0x95, 0, 0, 0, 0);
  put(c, 5, 0xbf, 2, 1, 0, 0);
  put(c, 6, 0x07, 2, 0, 0, 3);
  put(c, 7, 0x95, 0, 0, 0, 0);
}

static void test_decode(void) {
  uint8_t code[8 * P1_SLOTS];
  dvm_vm_dinsn d[P1_SLOTS];
  uint8_t kind[P1_SLOTS];
  program1(code);
  memset(d, 0xa5, sizeof d);
  memset(kind, 0xa5, sizeof kind);
  dvm_vm_decode(code, P1_SLOTS, d, kind);
  CHECK(d[0].op == DVM_OP_MOV64_IMM && d[0].entry == DVM_OP_MOV64_IMM && d[0].dst == 0 &&
        d[0].imm == UINT64_MAX && d[0].cost == 0 && d[0].target == 0);
  CHECK(d[1].op == DVM_OP_LDDW && d[1].dst == 1 && d[1].imm == 0x1122334455667788ull);
  CHECK(memcmp(&d[2], &d[1], sizeof d[1]) == 0); /* the second slot holds a copy */
  CHECK(d[3].op == DVM_OP_JEQ64_IMM && d[3].target == 5 && d[3].off == 1 && d[3].imm == 5);
  CHECK(d[5].op == DVM_OP_MOV64_REG && d[5].dst == 2 && d[5].src == 1);
  CHECK(d[6].op == DVM_OP_ADD64_IMM && d[6].imm == 3);
  CHECK(d[7].op == DVM_OP_EXIT);
  static const uint8_t want_kind[P1_SLOTS] = {0, 0, DVM_VM_K_LDDW_HI, DVM_VM_K_ENDS, DVM_VM_K_ENDS,
                                              DVM_VM_K_LEADER, 0, DVM_VM_K_ENDS};
  CHECK(memcmp(kind, want_kind, sizeof kind) == 0);
}

static void test_price(void) {
  uint8_t code[8 * P1_SLOTS];
  dvm_vm_dinsn d[P1_SLOTS];
  uint8_t kind[P1_SLOTS];
  program1(code);
  dvm_vm_decode(code, P1_SLOTS, d, kind);
  dvm_vm_price_blocks(d, kind, P1_SLOTS, NULL, 0);
  /* blocks: [0 1-2 3] = 3 instructions (lddw once), [4] = 1, [5 6 7] = 3 */
  static const uint32_t want_cost[P1_SLOTS] = {3, 0, 0, 0, 1, 3, 0, 0};
  for (int i = 0; i < P1_SLOTS; i++) {
    CHECK(d[i].cost == want_cost[i]);
    CHECK((d[i].entry == DVM_OP_CHARGE_) == (want_cost[i] != 0));
    CHECK(!!(kind[i] & DVM_VM_K_LEADER) == (want_cost[i] != 0));
  }
  /* an entry point splits a block: [5] = 1, [6 7] = 2 */
  dvm_vm_export ex = {6, 1, "f"};
  dvm_vm_decode(code, P1_SLOTS, d, kind);
  dvm_vm_price_blocks(d, kind, P1_SLOTS, &ex, 1);
  CHECK(d[5].cost == 1 && d[6].cost == 2 && d[6].entry == DVM_OP_CHARGE_ && d[0].cost == 3);
}

static void test_fuse(void) {
  /* 0 mov64 r0, 1 | 1 mov64 r3, r0 | 2 add64 r3, r0 | 3 mov64 r4, r3 |
   * 4 add64 r5, 1 | 5 exit */
  enum { N = 6 };
  uint8_t code[8 * N];
  dvm_vm_dinsn d[N];
  uint8_t kind[N];
  put(code, 0, 0xb7, 0, 0, 0, 1);
  put(code, 1, 0xbf, 3, 0, 0, 0);
  put(code, 2, 0x0f, 3, 0, 0, 0);
  put(code, 3, 0xbf, 4, 3, 0, 0);
  put(code, 4, 0x07, 5, 0, 0, 1);
  put(code, 5, 0x95, 0, 0, 0, 0);
  dvm_vm_decode(code, N, d, kind);
  dvm_vm_price_blocks(d, kind, N, NULL, 0);
  dvm_vm_fuse(d, kind, N);
  CHECK(d[1].op == DVM_FOP_ADD64_REG && d[1].entry == DVM_FOP_ADD64_REG);
  CHECK(d[2].op == DVM_OP_ADD64_REG && d[2].entry == DVM_OP_ADD64_REG); /* second unchanged */
  CHECK(d[3].op == DVM_OP_MOV64_REG);                                   /* other dst: no pair */
  CHECK(d[0].entry == DVM_OP_CHARGE_ && d[0].cost == 6);
  /* a leader between them stops the pair; a leader mov keeps CHARGE */
  dvm_vm_export ex[2] = {{1, 1, "a"}, {2, 1, "b"}};
  dvm_vm_decode(code, N, d, kind);
  dvm_vm_price_blocks(d, kind, N, &ex[1], 1);
  dvm_vm_fuse(d, kind, N);
  CHECK(d[1].op == DVM_OP_MOV64_REG && d[1].entry == DVM_OP_MOV64_REG);
  dvm_vm_decode(code, N, d, kind);
  dvm_vm_price_blocks(d, kind, N, &ex[0], 1);
  dvm_vm_fuse(d, kind, N);
  CHECK(d[1].op == DVM_FOP_ADD64_REG && d[1].entry == DVM_OP_CHARGE_ && d[1].cost == 5);
  /* dvm_vm_predecode runs the three steps */
  dvm_vm_dinsn e[N];
  CHECK(dvm_vm_predecode(code, N, NULL, 0, e) == DVM_VM_OK);
  dvm_vm_decode(code, N, d, kind);
  dvm_vm_price_blocks(d, kind, N, NULL, 0);
  dvm_vm_fuse(d, kind, N);
  CHECK(memcmp(d, e, sizeof d) == 0);
}

static void test_verify_alone(void) {
  uint8_t code[8 * P1_SLOTS];
  dvm_vm_error err;
  program1(code);
  CHECK(dvm_vm_verify(code, sizeof code, 0, NULL, 0, NULL, &err) == DVM_VM_OK);
  /* the verifier reads code only: the same bytes after it ran */
  uint8_t copy[sizeof code];
  memcpy(copy, code, sizeof code);
  (void)dvm_vm_verify(code, sizeof code, 0, NULL, 0, NULL, NULL);
  CHECK(memcmp(copy, code, sizeof code) == 0);
  /* a jump into the second slot of lddw: the rule and the pc */
  put(code, 3, 0x15, 1, 0, -2, 5); /* target 2 */
  CHECK(dvm_vm_verify(code, sizeof code, 0, NULL, 0, NULL, &err) == DVM_VM_ERR_VERIFY &&
        err.rule == DVM_VERR_JUMP_LDDW && err.pc == 3);
  program1(code);
  dvm_vm_export ex = {2, 1, "f"};
  CHECK(dvm_vm_verify(code, sizeof code, 0, &ex, 1, NULL, &err) == DVM_VM_ERR_VERIFY &&
        err.rule == DVM_VERR_EXPORT && err.pc == 2);
  put(code, 7, 0x07, 2, 0, 0, 3); /* last: add, falls off */
  CHECK(dvm_vm_verify(code, sizeof code, 0, NULL, 0, NULL, &err) == DVM_VM_ERR_VERIFY &&
        err.rule == DVM_VERR_FALLS_OFF && err.pc == 7);
}

int main(void) {
  test_decode();
  test_price();
  test_fuse();
  test_verify_alone();
  if (failures) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("predecode: ok\n");
  return 0;
}
