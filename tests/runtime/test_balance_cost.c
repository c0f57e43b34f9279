/* test_balance_cost.c — the commit part of balance writes and the receipt
 * part of return data (spec/syscalls.md §3.1), through signed
 * transactions, each gas checked exactly:
 *  - dvm_transfer pays, when it moves, 8,000 for each of its two balance
 *    keys the block has not written (+516 when the key exists in the last
 *    block), and nothing for a key already written: a second transfer to
 *    the same address in the call costs the base 500; a zero amount and a
 *    short balance pay no commit part;
 *  - attached assets pay the same for the caller's and the callee's keys
 *    out of the call's gas before it runs (its gas_left starts lower, its
 *    receipt gas includes it); a call that cannot pay traps out_of_gas and
 *    moves nothing; a second attaching call in the block pays nothing; the
 *    same through dvm_call;
 *  - dvm_return of the outermost call pays 3 more per byte (the receipt);
 *    a callee's return does not.
 * The contract (balcost/balcost.c) measures gas between dvm_gas_left()
 * readings, so the fixed instruction overhead cancels. No timing. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainkit.h"

static unsigned failed, passed;
#define CHECK_EQ(got, want, what)                                                                 \
  do {                                                                                            \
    uint64_t g_ = (got), w_ = (want);                                                             \
    if (g_ != w_) {                                                                               \
      fprintf(stderr, "FAIL %s: got %" PRIu64 ", want %" PRIu64 " (line %d)\n", what, g_, w_,     \
              __LINE__);                                                                          \
      failed++;                                                                                   \
    } else {                                                                                      \
      passed++;                                                                                   \
    }                                                                                             \
  } while (0)

static dvm_rt_chain *chain;
static ck_key keys[3];
static uint64_t nonce, when = 1700000001;
static uint8_t c1[32], c2[32];

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t get64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

typedef struct out {
  int status, trap;
  uint64_t gas; /* the call's receipt gas */
  uint64_t v[4];
} out;

/* One block with n calls of `method` on contract 1 (input a, b, the
 * address of contract 2), each with `gas` and `attach` units of asset 1. */
static void calls(int n, const char *method, uint64_t a, uint64_t b, uint64_t gas, uint64_t attach, out *o) {
  uint8_t in[48];
  put64(in, a);
  put64(in + 8, b);
  memcpy(in + 16, c2, 32);
  uint32_t ilen = strcmp(method, "relay") ? 16 : 48;
  ck_call c[2];
  for (int i = 0; i < n; i++) c[i] = (ck_call){c1, method, in, ilen, gas, attach ? 1 : 0, attach};
  ck_tx t;
  ck_calls(&t, &keys[1], nonce++, c, (size_t)n, 2 * gas + 100000);
  dvm_rt_block_info info;
  if (ck_block(chain, &t, 1, when++, NULL, &info) || info.included != 1) {
    fprintf(stderr, "block failed: %s\n", dvm_rt_chain_errmsg(chain));
    exit(1);
  }
  dvm_rt_receipt r;
  uint8_t *raw;
  ck_receipt(chain, t.id, &r, &raw);
  for (int i = 0; i < n; i++) {
    memset(&o[i], 0, sizeof o[i]);
    o[i].status = r.calls[i].status;
    o[i].trap = r.calls[i].trap;
    o[i].gas = r.calls[i].gas_used;
    for (uint32_t k = 0; k < 4 && 8 * k + 8 <= r.calls[i].ret_len; k++) o[i].v[k] = get64(r.calls[i].ret + 8 * k);
  }
  dvm_rt_receipt_free(&r);
  free(raw);
  free(t.bytes);
}

static uint64_t usd(const uint8_t who[32]) {
  uint64_t v = 0;
  dvm_rt_chain_balance(chain, who, 1, &v);
  return v;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_balance_cost balcost.dvm\n");
    return 2;
  }
  char dir[64], e[256];
  snprintf(dir, sizeof dir, "/tmp/dvm-balcost-XXXXXX");
  if (!mkdtemp(dir)) abort();
  for (uint32_t i = 0; i < 3; i++) ck_key_make(&keys[i], i);
  dvm_rt_chain_opts o = {0, 1, 0};
  if (dvm_rt_chain_open(dir, &o, &chain, e)) {
    fprintf(stderr, "%s\n", e);
    return 1;
  }
  char *g = ck_genesis(keys, 3);
  if (dvm_rt_chain_genesis(chain, g, strlen(g))) abort();
  free(g);
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  static uint8_t code[1 << 18];
  size_t clen = fread(code, 1, sizeof code, f);
  fclose(f);
  ck_tx dep[2];
  for (int i = 0; i < 2; i++) ck_deploy(&dep[i], &keys[1], nonce++, code, clen, 100000, 10000000);
  dvm_rt_block_info info;
  ck_block(chain, dep, 2, when++, NULL, &info);
  free(dep[0].bytes);
  free(dep[1].bytes);
  dvm_tx_contract_address(keys[1].pk, 0, c1);
  dvm_tx_contract_address(keys[1].pk, 1, c2);
  const uint64_t G = 1000000;
  out r[2];

  /* Attachments. No assets: the base. The sender's USD key exists (genesis)
   * and the block has not written it; contract 1 holds no USD yet. */
  calls(1, "noop", 0, 0, G, 0, r);
  uint64_t left0 = r[0].v[0], gas0 = r[0].gas;
  calls(1, "noop", 0, 0, G, 5, r);
  /* gas_left starts lower by the sender's key (8,516) and the new callee key (8,000) */
  CHECK_EQ(G - r[0].v[0], G - left0 + 8516 + 8000, "attached: gas_left lower by both first writes");
  CHECK_EQ(r[0].gas, gas0 + 16516, "attached: receipt gas includes them");
  CHECK_EQ(usd(c1), 5, "attached: moved");
  calls(2, "noop", 0, 0, G, 5, r);
  CHECK_EQ(r[0].gas, gas0 + 17032, "attached, both keys committed: 2 x 8,516");
  CHECK_EQ(r[1].gas, gas0, "second attaching call in the block: no commit part");
  CHECK_EQ(usd(c1), 15, "both moved");
  calls(1, "noop", 0, 0, 17031, 5, r);
  CHECK_EQ((uint64_t)r[0].status, 2, "attachments the call cannot pay: trap");
  CHECK_EQ((uint64_t)r[0].trap, 1, "... out_of_gas");
  CHECK_EQ(r[0].gas, 17031, "... the call's whole gas");
  CHECK_EQ(usd(c1), 15, "... nothing moved");

  /* dvm_transfer from contract 1 (15 USD, its key committed). To a new
   * address 0x77: 500 + 8,516 (its own key) + 8,000 (the new key); the
   * second transfer in the call: 500. */
  calls(1, "xfer2", 0x77, 0, G, 0, r); /* zero amounts: nothing moves, the base 500 each */
  uint64_t base0 = r[0].v[0], base1 = r[0].v[1];
  calls(1, "xfer2", 0x77, 1, G, 0, r);
  CHECK_EQ(r[0].v[2] | r[0].v[3], 0, "transfers done");
  CHECK_EQ(r[0].v[0] - base0, 8516 + 8000, "transfer to a new key: first writes of both keys");
  CHECK_EQ(r[0].v[1], base1, "second transfer to it in the call: the base 500 only");
  calls(1, "xfer2", 0x77, 1, G, 0, r);
  CHECK_EQ(r[0].v[0] - base0, 8516 + 8516, "transfer to a committed key: 2 x 8,516");
  CHECK_EQ(r[0].v[1], base1, "second transfer: the base 500 only");
  CHECK_EQ(usd((const uint8_t[32]){0x77}), 4, "4 units moved");
  calls(1, "xfer2", 0x77, 1000, G, 0, r);
  CHECK_EQ(r[0].v[2], 1, "funds short");
  CHECK_EQ(r[0].v[0], base0, "funds short: no commit part");

  /* Through dvm_call: contract 1 attaches 1 USD to contract 2's noop:
   * 8,516 (its key) + 8,000 (contract 2's new key) more than without. */
  calls(1, "relay", 0, 1, G, 0, r);
  uint64_t plain = r[0].v[0];
  calls(1, "relay", 1, 1, G, 0, r);
  CHECK_EQ(r[0].v[1], 0, "dvm_call with an attachment: returned");
  CHECK_EQ(r[0].v[0] - plain, 8516 + 8000, "dvm_call attachment: first writes out of the callee's gas");
  CHECK_EQ(usd(c2), 1, "moved to contract 2");

  /* Return data: the outermost call pays 1 + 3 per byte, a callee 1. */
  calls(1, "ret", 0, 0, G, 0, r);
  uint64_t r0 = r[0].gas;
  calls(1, "ret", 0, 64, G, 0, r);
  CHECK_EQ(r[0].gas - r0, 4 * 64, "outermost return: 4 per byte");
  calls(1, "relay", 0, 0, G, 0, r);
  r0 = r[0].v[0];
  calls(1, "relay", 64, 0, G, 0, r);
  CHECK_EQ(r[0].v[0] - r0, 64, "callee return: 1 per byte");

  dvm_rt_chain_close(chain);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
  printf("rt_balance_cost: %u passed, %u failed\n", passed, failed);
  return failed != 0;
}
