/* bench_gas_tx.c — see bench_gas_tx.h. */
#include "bench_gas_tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "vm.h"

#define CHAIN "dvm-test" /* chainkit's chain id */

void bg_put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static void insn(uint8_t *p, uint8_t op, unsigned dst, unsigned src, int16_t off, int32_t imm) {
  p[0] = op;
  p[1] = (uint8_t)(dst | src << 4);
  p[2] = (uint8_t)((uint16_t)off & 0xff);
  p[3] = (uint8_t)((uint16_t)off >> 8);
  for (int i = 0; i < 4; i++) p[4 + i] = (uint8_t)((uint32_t)imm >> (8 * i));
}

#define SLOTS 98304u
#define UNIT 8u

uint8_t *bg_max_container(uint64_t seq, size_t *len) {
  static uint8_t code[SLOTS * 8];
  static uint8_t rodata[1u << 20];
  static dvm_vm_export ex[256];
  for (uint32_t u = 0; u + 1 < SLOTS / UNIT; u++) {
    uint8_t *p = code + (size_t)u * UNIT * 8;
    uint32_t back = u * UNIT + 6 < 30000 ? u * UNIT + 6 : 30000; /* to slot (u*8+6) - back + 1 */
    insn(p, 0x07, 1, 0, 0, (int32_t)(u ^ (uint32_t)seq));                 /* add r1, imm */
    insn(p + 8, 0xbf, 3 + u % 7, 1, 0, 0);                                 /* mov rX, r1 */
    insn(p + 16, 0x15, 1, 0, 2, (int32_t)u);                               /* jeq r1, imm, +2 */
    insn(p + 24, 0x18, 0, 0, 0, (int32_t)u);                               /* lddw r0, imm64 */
    insn(p + 32, 0x00, 0, 0, 0, (int32_t)seq);
    insn(p + 40, 0x0f, 1, 2, 0, 0);                                        /* add r1, r2 */
    insn(p + 48, 0x55, 1, 0, (int16_t)(-(int32_t)back), (int32_t)(u + 1)); /* jne r1, imm, -back */
    insn(p + 56, 0xbf, 0, 1, 0, 0);                                        /* mov r0, r1 */
  }
  for (uint32_t s = (SLOTS / UNIT - 1) * UNIT; s < SLOTS; s++) insn(code + (size_t)s * 8, 0x95, 0, 0, 0, 0);
  for (uint32_t i = 0; i < 256; i++) {
    ex[i].pc = i * (SLOTS / UNIT / 256) * UNIT;
    ex[i].name_len = DVM_VM_MAX_NAME;
    memset(ex[i].name, 'x', DVM_VM_MAX_NAME);
    char tag[8];
    snprintf(tag, sizeof tag, "e%03u_", i % 1000);
    memcpy(ex[i].name, tag, 5);
    ex[i].name[DVM_VM_MAX_NAME] = 0;
  }
  for (size_t i = 0; i < sizeof rodata; i++) rodata[i] = (uint8_t)(i * 131 + seq);
  dvm_vm_container c = {DVM_VM_CONTAINER_VERSION, 0, code, sizeof code, rodata, 0, ex, 256, NULL, 0};
  uint8_t *out;
  size_t n;
  if (dvm_vm_container_write(&c, &out, &n)) abort();
  free(out);
  c.rodata_len = (uint32_t)((1u << 20) - 1024 - n); /* the transaction's own bytes fit in 1 KiB */
  if (dvm_vm_container_write(&c, &out, len)) abort();
  return out;
}

static void head(dvm_tx *tx, const ck_key *from, uint64_t nonce, uint64_t gas_limit) {
  memset(tx, 0, sizeof *tx);
  tx->version = DVM_TX_VERSION;
  tx->kind = DVM_TX_SYSTEM;
  tx->chain_id_len = (uint8_t)strlen(CHAIN);
  memcpy(tx->chain_id, CHAIN, tx->chain_id_len);
  memcpy(tx->sender, from->pk, 32);
  tx->nonce = nonce;
  tx->gas_limit = gas_limit;
  tx->gas_price = 1;
}

static void sign(ck_tx *t, dvm_tx *tx, const ck_key *from) {
  int rc = dvm_tx_encode_signed(tx, from->sk, &t->bytes, &t->len);
  if (rc) {
    fprintf(stderr, "bench_gas: encode: %d\n", rc);
    abort();
  }
  memcpy(t->id, tx->id, 32);
}

void bg_oracle_tx(ck_tx *t, const ck_key *from, uint64_t nonce, uint64_t time, unsigned n, uint64_t gas_limit) {
  dvm_tx tx;
  dvm_tx_oracle o[256];
  head(&tx, from, nonce, gas_limit);
  for (unsigned i = 0; i < n; i++) {
    o[i].feed = i;
    o[i].price = 1000000000 + (int64_t)((time + i) % 1000);
    o[i].publish_time = time;
  }
  tx.u.sys.sys_kind = DVM_SYS_ORACLE;
  tx.u.sys.count = (uint16_t)n;
  tx.u.sys.oracle = o;
  sign(t, &tx, from);
}

void bg_param_tx(ck_tx *t, const ck_key *from, uint64_t nonce, uint64_t i0, unsigned n, uint64_t gas_limit) {
  dvm_tx tx;
  static dvm_tx_param p[256];
  static uint8_t keys[256][64], val[1024];
  head(&tx, from, nonce, gas_limit);
  for (size_t i = 0; i < sizeof val; i++) val[i] = (uint8_t)i;
  for (unsigned i = 0; i < n; i++) {
    memset(keys[i], 0, 64);
    keys[i][0] = 'P';
    for (int k = 0; k < 8; k++) keys[i][1 + k] = (uint8_t)((i0 + i) >> (56 - 8 * k)); /* BE: increasing */
    p[i].key = keys[i];
    p[i].key_len = 64;
    p[i].val = val;
    p[i].val_len = 1024;
  }
  tx.u.sys.sys_kind = DVM_SYS_PARAM;
  tx.u.sys.count = (uint16_t)n;
  tx.u.sys.params = p;
  sign(t, &tx, from);
}
