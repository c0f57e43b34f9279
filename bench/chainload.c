/* chainload.c — see chainload.h. */
#include "chainload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

dvm_rt_chain *chainload_open(const char *cdir, const dvm_rt_chain_opts *o, char dir[64], ck_key k[4],
                             uint8_t vault[32]) {
  char path[512], e[256];
  dvm_rt_chain *c;
  snprintf(dir, 64, "/tmp/dvm-bench-XXXXXX");
  if (!mkdtemp(dir)) abort();
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&k[i], i);
  if (dvm_rt_chain_open(dir, o, &c, e)) {
    fprintf(stderr, "%s\n", e);
    exit(1);
  }
  char *g = ck_genesis_gas(k, 4, 10000000000u, 1);
  dvm_rt_chain_genesis(c, g, strlen(g));
  free(g);
  size_t len;
  snprintf(path, sizeof path, "%s/vault.s", cdir);
  uint8_t *code = ck_assemble(path, &len);
  ck_tx dep;
  ck_deploy(&dep, &k[1], 0, code, len, 100000, 10000000);
  dvm_rt_block_info info;
  ck_block(c, &dep, 1, 1700000001, NULL, &info);
  free(dep.bytes);
  free(code);
  dvm_tx_contract_address(k[1].pk, 0, vault);
  return c;
}

ck_tx *chainload_txs(workload wl, int total, const ck_key k[4], const uint8_t vault[32]) {
  uint8_t dest[32];
  memset(dest, 0x55, 32);
  ck_tx *t = calloc((size_t)total, sizeof *t);
  if (!t) abort();
  ck_call batch[16];
  for (int i = 0; i < 16; i++) batch[i] = (ck_call){vault, "inc", NULL, 0, 20000, 0, 0};
  for (int i = 0; i < total; i++) {
    /* senders alternate so nonces stay per-sender sequential */
    int s = 2 + i % 2;
    uint64_t nonce = (uint64_t)(i / 2);
    if (wl == W_CALL) ck_calls(&t[i], &k[s], nonce, batch, 1, 100000);
    else if (wl == W_BATCH) ck_calls(&t[i], &k[s], nonce, batch, 16, 1000000);
    else ck_transfer(&t[i], &k[s], nonce, dest, 1, 1, 100000);
  }
  return t;
}
