/* test_money.c — the money edges of spec/tx.md §8 through signed
 * transactions on a real chain (issue 14): a sender whose balance exactly
 * equals the maximum fee is accepted and one base unit short is refused;
 * the fee is exactly gas used × price and the rest of the escrow returns;
 * a deploy's fee includes its init gas; nonce gaps and replays are refused;
 * a batch whose second call reverts keeps the first call's effects and pays
 * for both. Every check is an exact value.
 *
 *   test_money CONTRACTS_DIR   (tests/runtime/contracts: vault.s) */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainkit.h"

static int failures;
#define CHECK(c, ...)                                  \
  do {                                                 \
    if (!(c)) {                                        \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                    \
      fprintf(stderr, "\n");                           \
      failures++;                                      \
    }                                                  \
  } while (0)

static uint64_t bal(dvm_rt_chain *c, const uint8_t a[32], uint32_t asset) {
  uint64_t v = 0;
  if (dvm_rt_chain_balance(c, a, asset, &v)) abort();
  return v;
}
static uint64_t nonce_of(dvm_rt_chain *c, const uint8_t a[32]) {
  uint64_t v = 0;
  if (dvm_rt_chain_nonce(c, a, &v)) abort();
  return v;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: test_money CONTRACTS_DIR\n");
    return 2;
  }
  ck_key k[4];
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&k[i], i);
  char dir[] = "/tmp/dvm-money-XXXXXX";
  if (!mkdtemp(dir)) return 2;
  dvm_rt_chain *c;
  dvm_rt_chain_opts o = {64u << 20, 1, 0};
  char err[256];
  char *g = ck_genesis(k, 3); /* keys 0..2 funded; key 3 is not */
  if (dvm_rt_chain_open(dir, &o, &c, err) || dvm_rt_chain_genesis(c, g, strlen(g))) {
    fprintf(stderr, "open: %s\n", err);
    return 2;
  }
  free(g);
  uint64_t t = 1700000000;
  dvm_rt_block_info bi;
  int rej[4];
  ck_tx tx[4];
  dvm_rt_receipt r;
  uint8_t *raw;

  /* A transfer's gas: intrinsic only (15000 + 8 per encoded byte). */
  /* Key 3 sends 1 USD it does not have: the entry fails (funds), the fee
   * stands (spec/tx.md §8.2: "The nonce and the fee stand whatever the
   * payload does"). */
  ck_transfer(&tx[0], &k[3], 0, k[1].pk, 1, 1, 1000000);
  const uint64_t G = 15000 + 8 * (uint64_t)tx[0].len;
  free(tx[0].bytes);

  /* Fund key 3 with exactly the maximum fee of a transfer with gas limit G. */
  ck_transfer(&tx[0], &k[0], 0, k[3].pk, 0, G, 100000);
  CHECK(ck_block(c, tx, 1, t += 5, rej, &bi) == 0 && bi.included == 1, "funding included");
  free(tx[0].bytes);
  CHECK(bal(c, k[3].pk, 0) == G, "key 3 holds %" PRIu64 ", expected %" PRIu64, bal(c, k[3].pk, 0), G);

  /* One base unit short: gas limit G + 1 needs G + 1; refused, nothing moves. */
  ck_transfer(&tx[0], &k[3], 0, k[1].pk, 1, 1, G + 1);
  CHECK(ck_block(c, tx, 1, t += 5, rej, &bi) == 0 && bi.included == 0 && rej[0] == DVM_RT_ERR_TX,
        "balance one short of the maximum fee refused (included %u, rc %d)", bi.included, rej[0]);
  free(tx[0].bytes);
  CHECK(bal(c, k[3].pk, 0) == G && nonce_of(c, k[3].pk) == 0, "refused tx moved nothing");

  /* Balance exactly the maximum fee: accepted; the fee is all of it. */
  uint64_t b1 = bal(c, k[1].pk, 0);
  ck_transfer(&tx[0], &k[3], 0, k[1].pk, 1, 1, G);
  CHECK(ck_block(c, tx, 1, t += 5, rej, &bi) == 0 && bi.included == 1 && rej[0] == 0,
        "balance exactly the maximum fee accepted (included %u, rc %d)", bi.included, rej[0]);
  ck_receipt(c, tx[0].id, &r, &raw);
  CHECK(r.gas_used == G && r.fee == G && r.status == DVM_RT_CALL_FAILED, "gas %" PRIu64 " fee %" PRIu64 ", expected %" PRIu64,
        r.gas_used, r.fee, G);
  dvm_rt_receipt_free(&r);
  free(raw);
  free(tx[0].bytes);
  CHECK(bal(c, k[3].pk, 0) == 0 && bal(c, k[1].pk, 0) == b1 && nonce_of(c, k[3].pk) == 1,
        "after: key 3 holds %" PRIu64 " (0), nonce %" PRIu64 " (1)", bal(c, k[3].pk, 0), nonce_of(c, k[3].pk));

  /* Refund: a generous gas limit costs only the gas used; the escrow's rest returns. */
  uint64_t b0 = bal(c, k[0].pk, 0);
  b1 = bal(c, k[1].pk, 0);
  ck_transfer(&tx[0], &k[0], 1, k[1].pk, 0, 12345, 10000000);
  CHECK(ck_block(c, tx, 1, t += 5, rej, &bi) == 0 && bi.included == 1, "refund tx included");
  ck_receipt(c, tx[0].id, &r, &raw);
  uint64_t want = 15000 + 8 * (uint64_t)tx[0].len;
  CHECK(r.gas_used == want && r.fee == want, "gas %" PRIu64 ", expected %" PRIu64, r.gas_used, want);
  CHECK(bal(c, k[0].pk, 0) == b0 - 12345 - want, "sender paid amount + fee exactly");
  CHECK(bal(c, k[1].pk, 0) == b1 + 12345, "receiver got the amount");
  dvm_rt_receipt_free(&r);
  free(raw);
  free(tx[0].bytes);

  /* Nonce gap and replay are refused; the account's nonce is unchanged. */
  ck_transfer(&tx[0], &k[0], 3, k[1].pk, 0, 1, 100000); /* next is 2 */
  ck_transfer(&tx[1], &k[0], 1, k[1].pk, 0, 12345, 10000000); /* replay of nonce 1 */
  CHECK(ck_block(c, tx, 2, t += 5, rej, &bi) == 0 && bi.included == 0 && rej[0] == DVM_RT_ERR_TX &&
          rej[1] == DVM_RT_ERR_TX,
        "nonce gap and replay refused (included %u)", bi.included);
  CHECK(nonce_of(c, k[0].pk) == 2, "nonce still 2");
  free(tx[0].bytes);
  free(tx[1].bytes);

  /* Deploy: the fee includes the init gas (vault.s init: 11 instructions,
   * dvm_caller 10, dvm_storage_set 500 + 5 x (5 + 32) + 8,000 for the
   * key's first write in the block, spec/syscalls.md §3). */
  char path[512];
  snprintf(path, sizeof path, "%s/vault.s", argv[1]);
  size_t clen;
  uint8_t *code = ck_assemble(path, &clen);
  b0 = bal(c, k[0].pk, 0);
  ck_deploy(&tx[0], &k[0], 2, code, clen, 100000, 10000000);
  CHECK(ck_block(c, tx, 1, t += 5, rej, &bi) == 0 && bi.included == 1, "deploy included");
  ck_receipt(c, tx[0].id, &r, &raw);
  uint64_t init_gas = 11 + 10 + 500 + 5 * (5 + 32) + 8000;
  want = 15000 + 8 * (uint64_t)tx[0].len + 50 * (uint64_t)clen + init_gas;
  CHECK(r.status == 0 && r.has_contract, "deploy status %u", r.status);
  CHECK(r.gas_used == want && r.fee == want, "deploy gas %" PRIu64 ", expected %" PRIu64 " (init %" PRIu64 ")",
        r.gas_used, want, init_gas);
  CHECK(bal(c, k[0].pk, 0) == b0 - want, "deployer paid exactly the fee");
  uint8_t vault[32];
  memcpy(vault, r.contract, 32);
  dvm_rt_receipt_free(&r);
  free(raw);
  free(tx[0].bytes);
  free(code);

  /* A batch whose second call reverts: the first call's write stands, the
   * second's does not, the fee covers both, the escrow's rest returns. */
  uint64_t b2 = bal(c, k[2].pk, 0);
  ck_call calls[2] = {{vault, "inc", NULL, 0, 100000, 0, 0}, {vault, "fail", NULL, 0, 100000, 0, 0}};
  ck_calls(&tx[0], &k[2], 0, calls, 2, 1000000);
  CHECK(ck_block(c, tx, 1, t += 5, rej, &bi) == 0 && bi.included == 1, "batch included");
  ck_receipt(c, tx[0].id, &r, &raw);
  CHECK(r.ncalls == 2 && r.calls[0].status == DVM_RT_CALL_OK && r.calls[1].status == DVM_RT_CALL_REVERT,
        "batch statuses %u %u", r.ncalls ? r.calls[0].status : 9, r.ncalls > 1 ? r.calls[1].status : 9);
  uint64_t intrinsic = 15000 + 8 * (uint64_t)tx[0].len + 2 * 500;
  CHECK(r.ncalls == 2 && r.gas_used == intrinsic + r.calls[0].gas_used + r.calls[1].gas_used && r.fee == r.gas_used,
        "batch gas %" PRIu64 " = intrinsic %" PRIu64 " + calls", r.gas_used, intrinsic);
  CHECK(bal(c, k[2].pk, 0) == b2 - r.fee, "batch sender paid exactly the fee");
  dvm_rt_receipt_free(&r);
  free(raw);
  free(tx[0].bytes);
  uint8_t *val = NULL;
  size_t vl = 0;
  int src = dvm_rt_chain_storage(c, vault, (const uint8_t *)"n", 1, &val, &vl);
  CHECK(src == 0 && vl == 8 && val[0] == 1, "the first call's write stands (n = 1)");
  free(val);

  dvm_rt_chain_close(c);
  char p[96];
  snprintf(p, sizeof p, "%s/data.mdb", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/lock.mdb", dir);
  unlink(p);
  rmdir(dir);
  printf("test_money: %s\n", failures ? "FAILED" : "ok");
  return failures ? 1 : 0;
}
