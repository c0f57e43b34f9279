/* test_chain.c — the supervisor through libdvm, with transactions signed
 * by real Ed25519 keys (spec/syscalls.md, spec/tx.md):
 *   deploy -> call -> state change -> revert -> trap, with receipts and
 *   balances written out; every escape a contract can try, stopped by the
 *   documented trap with nothing committed; gas computed by hand;
 *   cross-contract isolation, re-entrancy, call depth; oracle privilege;
 *   invalid transactions left out; replay of the blocks on a second chain
 *   and a tampered block refused.
 * Usage: test_chain CONTRACTS_DIR */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainkit.h"

static unsigned passed, failed;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) passed++;                                    \
    else {                                                 \
      failed++;                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

static dvm_rt_chain *open_chain(char *dir, size_t dirlen) {
  dvm_rt_chain *c;
  char e[256];
  snprintf(dir, dirlen, "/tmp/dvm-test-chain-XXXXXX");
  if (!mkdtemp(dir)) abort();
  if (dvm_rt_chain_open(dir, NULL, &c, e)) {
    fprintf(stderr, "open: %s\n", e);
    abort();
  }
  return c;
}

static void rm_dir(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
}

static uint64_t bal(dvm_rt_chain *c, const uint8_t *a, uint32_t asset) {
  uint64_t v = 0;
  dvm_rt_chain_balance(c, a, asset, &v);
  return v;
}

static uint64_t storage_u64(dvm_rt_chain *c, const uint8_t *contract, const char *key) {
  uint8_t *v;
  size_t n;
  uint64_t x = 0;
  if (dvm_rt_chain_storage(c, contract, (const uint8_t *)key, strlen(key), &v, &n)) return UINT64_MAX;
  if (n == 8) memcpy(&x, v, 8);
  free(v);
  return x;
}

static uint64_t ret_u64(const dvm_rt_call_receipt *cr) {
  uint64_t x = 0;
  if (cr->ret_len == 8) memcpy(&x, cr->ret, 8);
  return x;
}

/* Every block produced here, for the replay at the end. */
static uint8_t *blocks[64];
static size_t block_lens[64];
static size_t nblocks;

static void produce(dvm_rt_chain *c, ck_tx *txs, size_t n, uint64_t time, int *rejected) {
  const uint8_t **b = calloc(n ? n : 1, sizeof *b);
  size_t *l = calloc(n ? n : 1, sizeof *l);
  dvm_rt_block_info info;
  for (size_t i = 0; i < n; i++) {
    b[i] = txs[i].bytes;
    l[i] = txs[i].len;
  }
  int rc = dvm_rt_chain_produce(c, b, l, n, time, rejected, &info, &blocks[nblocks], &block_lens[nblocks]);
  CHECK(rc == 0, "produce: %s: %s", dvm_rt_strerror(rc), dvm_rt_chain_errmsg(c));
  if (rc == 0) nblocks++;
  free(b);
  free(l);
}

int main(int argc, char **argv) {
  char dir[64], path[512];
  ck_key k[4];
  const char *cdir = argc > 1 ? argv[1] : "tests/runtime/contracts";
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&k[i], i);
  /* A block gas limit of 4e9 lets block 7 fill its 32 MiB (37 deploys of
   * 52 M gas each) before its gas: that block tests the size limit. */
  char *genesis = ck_genesis_gas(k, 4, 4000000000u, 1);
  dvm_rt_chain *c = open_chain(dir, sizeof dir);
  CHECK(dvm_rt_chain_genesis(c, genesis, strlen(genesis)) == 0, "genesis: %s", dvm_rt_chain_errmsg(c));
  CHECK(dvm_rt_chain_genesis(c, genesis, strlen(genesis)) == DVM_RT_ERR_GENESIS, "second genesis refused");
  const uint64_t FUND = 1000000000000000ull;
  CHECK(bal(c, k[2].pk, 1) == FUND, "genesis balance");

  /* ---- block 1: deploys ---- */
  size_t vlen, blen, dlen;
  snprintf(path, sizeof path, "%s/vault.s", cdir);
  uint8_t *vault_code = ck_assemble(path, &vlen);
  snprintf(path, sizeof path, "%s/bouncer.s", cdir);
  uint8_t *bouncer_code = ck_assemble(path, &blen);
  snprintf(path, sizeof path, "%s/deep.s", cdir);
  uint8_t *deep_code = ck_assemble(path, &dlen);
  /* Escapes the verifier stops at deploy: a jump past the end, a call to an
   * unknown syscall, a local call outside the code. */
  uint8_t bad_jump[] = {0x05, 0, 9, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
  uint8_t bad_sys[] = {0x85, 0, 0, 0, 0xe7, 3, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
  uint8_t bad_call[] = {0x85, 0x10, 0, 0, 0x40, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
  uint8_t *bad[3];
  size_t bad_len[3];
  uint8_t *raw[3] = {bad_jump, bad_sys, bad_call};
  for (int i = 0; i < 3; i++) {
    dvm_vm_container bc;
    memset(&bc, 0, sizeof bc);
    bc.version = DVM_VM_CONTAINER_VERSION;
    bc.code = raw[i];
    bc.code_len = 16;
    if (dvm_vm_container_write(&bc, &bad[i], &bad_len[i])) abort();
  }
  ck_tx t1[6];
  ck_deploy(&t1[0], &k[1], 0, vault_code, vlen, 100000, 10000000);
  ck_deploy(&t1[1], &k[1], 1, bouncer_code, blen, 0, 10000000);
  ck_deploy(&t1[2], &k[1], 2, deep_code, dlen, 0, 10000000);
  for (int i = 0; i < 3; i++) ck_deploy(&t1[3 + i], &k[1], 3 + (uint64_t)i, bad[i], bad_len[i], 0, 1000000);
  int rej[16];
  produce(c, t1, 6, 1700000010, rej);
  uint8_t vault[32], bouncer[32], deep[32], badaddr[32];
  dvm_tx_contract_address(k[1].pk, 0, vault);
  dvm_tx_contract_address(k[1].pk, 1, bouncer);
  dvm_tx_contract_address(k[1].pk, 2, deep);
  dvm_rt_receipt r;
  uint8_t *rr;
  ck_receipt(c, t1[0].id, &r, &rr);
  CHECK(r.status == DVM_RT_CALL_OK && r.has_contract && !memcmp(r.contract, vault, 32),
        "vault deployed at the derived address");
  dvm_rt_receipt_free(&r);
  free(rr);
  uint8_t *owner;
  size_t olen;
  CHECK(dvm_rt_chain_storage(c, vault, (const uint8_t *)"owner", 5, &owner, &olen) == 0 && olen == 32 &&
            !memcmp(owner, k[1].pk, 32),
        "init ran: owner = deployer");
  if (olen == 32) free(owner);
  for (int i = 0; i < 3; i++) {
    ck_receipt(c, t1[3 + i].id, &r, &rr);
    CHECK(r.status == DVM_RT_CALL_FAILED && r.calls[0].detail == DVM_RT_F_BAD_CODE && !r.has_contract,
          "escape %d refused at deploy by the verifier", i);
    dvm_tx_contract_address(k[1].pk, 3 + (uint64_t)i, badaddr);
    uint64_t nonce = 99;
    dvm_rt_chain_nonce(c, badaddr, &nonce);
    CHECK(nonce == 0 && bal(c, badaddr, 0) == 0, "no account for refused code %d", i);
    dvm_rt_receipt_free(&r);
    free(rr);
  }

  /* ---- block 2: call -> state change -> revert -> trap ---- */
  ck_call inc2[2] = {{vault, "inc", NULL, 0, 100000, 0, 0}, {vault, "inc", NULL, 0, 100000, 0, 0}};
  ck_call fail1 = {vault, "fail", NULL, 0, 100000, 0, 0};
  ck_call trap1 = {vault, "trap", NULL, 0, 50000, 0, 0};
  ck_tx t2[3];
  ck_calls(&t2[0], &k[2], 0, inc2, 2, 1000000);
  ck_calls(&t2[1], &k[2], 1, &fail1, 1, 1000000);
  ck_calls(&t2[2], &k[2], 2, &trap1, 1, 1000000);
  produce(c, t2, 3, 1700000020, rej);
  ck_receipt(c, t2[0].id, &r, &rr);
  CHECK(r.ncalls == 2 && r.calls[0].status == DVM_RT_CALL_OK && ret_u64(&r.calls[0]) == 1 &&
            r.calls[1].status == DVM_RT_CALL_OK && ret_u64(&r.calls[1]) == 2,
        "batch: inc returns 1 then 2");
  CHECK(r.calls[0].nlogs == 1 && r.calls[0].logs[0].data_len == 8 && !memcmp(r.calls[0].logs[0].contract, vault, 32),
        "inc logged n");
  CHECK(r.height == 2 && r.index == 0, "receipt knows its block and position");
  dvm_rt_receipt_free(&r);
  free(rr);
  CHECK(storage_u64(c, vault, "n") == 2, "n = 2 after two inc");
  ck_receipt(c, t2[1].id, &r, &rr);
  CHECK(r.status == DVM_RT_CALL_REVERT && r.calls[0].ret_len == 4 && !memcmp(r.calls[0].ret, "nope", 4),
        "fail reverts with its message");
  CHECK(r.calls[0].gas_used < 100000, "a revert charges only the gas used (%" PRIu64 ")", r.calls[0].gas_used);
  dvm_rt_receipt_free(&r);
  free(rr);
  ck_receipt(c, t2[2].id, &r, &rr);
  CHECK(r.status == DVM_RT_CALL_TRAP && r.calls[0].trap == DVM_TRAP_MEM_FAULT &&
            r.calls[0].gas_used == 50000,
        "trap: mem_fault, the call's whole gas limit charged (%" PRIu64 ")", r.calls[0].gas_used);
  dvm_rt_receipt_free(&r);
  free(rr);
  CHECK(storage_u64(c, vault, "n") == 2, "revert and trap left n at 2");

  /* ---- block 3: assets in and out of a contract ---- */
  uint64_t amt = 200;
  uint8_t amt_in[8], big_in[8];
  memcpy(amt_in, &amt, 8);
  uint64_t big = 1000000;
  memcpy(big_in, &big, 8);
  ck_call dep = {vault, "deposit", NULL, 0, 100000, 1, 500};
  ck_call wd[2] = {{vault, "withdraw", amt_in, 8, 100000, 0, 0}, {vault, "withdraw", big_in, 8, 100000, 0, 0}};
  ck_tx t3[2];
  uint64_t usd_before = bal(c, k[3].pk, 1);
  ck_calls(&t3[0], &k[3], 0, &dep, 1, 1000000);
  ck_calls(&t3[1], &k[3], 1, wd, 2, 1000000);
  produce(c, t3, 2, 1700000030, rej);
  ck_receipt(c, t3[0].id, &r, &rr);
  CHECK(r.status == DVM_RT_CALL_OK && r.calls[0].r0 == 500, "deposit sees 500 attached");
  dvm_rt_receipt_free(&r);
  free(rr);
  ck_receipt(c, t3[1].id, &r, &rr);
  CHECK(r.calls[0].status == DVM_RT_CALL_OK && r.calls[1].status == DVM_RT_CALL_REVERT &&
            r.calls[1].ret_len == 5 && !memcmp(r.calls[1].ret, "funds", 5),
        "withdraw 200 ok; withdraw 10^6 reverts 'funds'");
  dvm_rt_receipt_free(&r);
  free(rr);
  CHECK(bal(c, vault, 1) == 300, "vault holds 500 - 200 = 300 USD (%" PRIu64 ")", bal(c, vault, 1));
  CHECK(bal(c, k[3].pk, 1) == usd_before - 300, "depositor paid 500, got 200 back");

  /* ---- block 4: escapes, each stopped with nothing committed ---- */
  struct {
    const char *method;
    uint8_t status, trap;
    int detail;
  } esc[] = {
    {"spin", DVM_RT_CALL_TRAP, DVM_TRAP_OUT_OF_GAS, -1},
    {"recurse", DVM_RT_CALL_TRAP, DVM_TRAP_CALL_DEPTH, -1},
    {"wild_read", DVM_RT_CALL_TRAP, DVM_TRAP_MEM_FAULT, -1},
    {"write_rodata", DVM_RT_CALL_TRAP, DVM_TRAP_MEM_FAULT, -1},
    {"write_input", DVM_RT_CALL_TRAP, DVM_TRAP_MEM_FAULT, -1},
    {"host_ptr", DVM_RT_CALL_TRAP, DVM_TRAP_MEM_FAULT, -1},
    {"heap_big", DVM_RT_CALL_TRAP, DVM_TRAP_SYSCALL_ARG, DVM_RT_F_LIMIT},
    {"no_such_method", DVM_RT_CALL_FAILED, 0, DVM_RT_F_NO_METHOD},
  };
  size_t nesc = sizeof esc / sizeof esc[0];
  ck_call ec[16];
  uint8_t in32[32];
  memset(in32, 0x11, 32);
  for (size_t i = 0; i < nesc; i++) ec[i] = (ck_call){vault, esc[i].method, in32, 32, 20000, 0, 0};
  ck_call okc[2] = {{vault, "heap_ok", NULL, 0, 100000, 0, 0}, {vault, "get", NULL, 0, 100000, 0, 0}};
  ck_tx t4[2];
  uint8_t root_before[32], root_after[32];
  dvm_rt_chain_head(c, NULL, NULL, root_before, NULL);
  ck_calls(&t4[0], &k[2], 3, ec, nesc, 10000000);
  ck_calls(&t4[1], &k[2], 4, okc, 2, 10000000);
  produce(c, t4, 2, 1700000040, rej);
  ck_receipt(c, t4[0].id, &r, &rr);
  for (size_t i = 0; i < nesc && i < r.ncalls; i++) {
    const dvm_rt_call_receipt *cr = &r.calls[i];
    CHECK(cr->status == esc[i].status && (esc[i].status != DVM_RT_CALL_TRAP || cr->trap == esc[i].trap) &&
              (esc[i].detail < 0 || cr->detail == esc[i].detail),
          "escape %s: status %u trap %s detail %d", esc[i].method, cr->status, dvm_vm_trap_name(cr->trap),
          cr->detail);
    if (cr->status == DVM_RT_CALL_TRAP) CHECK(cr->gas_used == 20000, "escape %s charged its limit", esc[i].method);
    CHECK(cr->nlogs == 0, "escape %s left no log", esc[i].method);
  }
  dvm_rt_receipt_free(&r);
  free(rr);
  ck_receipt(c, t4[1].id, &r, &rr);
  CHECK(r.calls[0].status == DVM_RT_CALL_OK && r.calls[0].r0 == 65536 + 7, "heap grows to 64 KiB");
  CHECK(ret_u64(&r.calls[1]) == 2, "n still 2 after every escape");
  dvm_rt_receipt_free(&r);
  free(rr);
  dvm_rt_chain_head(c, NULL, NULL, root_after, NULL);
  CHECK(memcmp(root_before, root_after, 32) != 0, "the block changed the root (nonces, fees)");

  /* ---- block 5: cross-contract calls, isolation, re-entrancy, depth ---- */
  ck_call xc[5] = {
    {vault, "call_inc", bouncer, 32, 200000, 0, 0},  /* bouncer.inc: c = 10 */
    {vault, "call_boom", bouncer, 32, 200000, 0, 0}, /* bouncer.boom traps: its c = 5 undone */
    {vault, "call_ping", bouncer, 32, 200000, 0, 0}, /* bouncer calls back vault.get: refused */
    {vault, "call_inc", vault, 32, 200000, 0, 0},    /* vault calls itself: refused, vault traps */
    {deep, "deep", NULL, 0, 2000000, 0, 0},          /* re-entrant, until the depth limit */
  };
  ck_tx t5;
  ck_calls(&t5, &k[2], 5, xc, 5, 10000000);
  produce(c, &t5, 1, 1700000050, rej);
  ck_receipt(c, t5.id, &r, &rr);
  CHECK(r.calls[0].status == DVM_RT_CALL_OK && r.calls[0].r0 == 0, "call_inc: callee ok (r0 %" PRIx64 ")", r.calls[0].r0);
  CHECK(r.calls[1].status == DVM_RT_CALL_OK && r.calls[1].r0 == DVM_RT_CALL_TRAP,
        "call_boom: the callee trapped, the caller goes on (status %u trap %s pc %u r0 %" PRIx64 ")",
        r.calls[1].status, dvm_vm_trap_name(r.calls[1].trap), r.calls[1].pc, r.calls[1].r0);
  CHECK(r.calls[2].status == DVM_RT_CALL_OK &&
            r.calls[2].r0 == (DVM_RT_CALL_TRAP | (uint64_t)DVM_RT_F_REENTRANCY << 8),
        "call_ping: the re-entering callee is stopped (r0 %" PRIx64 ")", r.calls[2].r0);
  CHECK(r.calls[3].status == DVM_RT_CALL_TRAP && r.calls[3].trap == DVM_TRAP_SYSCALL_ARG &&
            r.calls[3].detail == DVM_RT_F_REENTRANCY,
        "a contract re-entering itself traps (status %u detail %d)", r.calls[3].status, r.calls[3].detail);
  CHECK(r.calls[4].status == DVM_RT_CALL_OK && ret_u64(&r.calls[4]) == 7,
        "re-entrant recursion stops at depth 8: 7 levels return (%" PRIu64 ", status %u trap %s pc %u)",
        ret_u64(&r.calls[4]), r.calls[4].status, dvm_vm_trap_name(r.calls[4].trap), r.calls[4].pc);
  dvm_rt_receipt_free(&r);
  free(rr);
  CHECK(storage_u64(c, bouncer, "c") == 10, "bouncer c = 10: its trapped write undone");
  CHECK(storage_u64(c, vault, "after") == 1, "the caller's own writes after a failed callee stand");

  /* ---- block 6: gas by hand, oracle privilege, invalid transactions ---- */
  uint8_t dest[32];
  memset(dest, 0x42, 32);
  ck_tx t6[6];
  ck_transfer(&t6[0], &k[3], 2, dest, 2, 12345, 100000);
  ck_call get1 = {vault, "get", NULL, 0, 10000, 0, 0};
  ck_calls(&t6[1], &k[3], 3, &get1, 1, 100000);
  ck_oracle(&t6[2], &k[0], 0, 7, 65000000000000ll, 1700000055, 100000); /* authority */
  ck_oracle(&t6[3], &k[3], 4, 7, 1, 1700000055, 100000);               /* not an authority */
  ck_transfer(&t6[4], &k[3], 9, dest, 2, 1, 100000);                   /* wrong nonce: left out */
  ck_transfer(&t6[5], &k[2], 6, dest, 2, 1, 100000);
  t6[5].bytes[t6[5].len - 1] ^= 1; /* broken signature: left out */
  uint64_t gas0 = bal(c, k[3].pk, 0), btc0 = bal(c, k[3].pk, 2);
  produce(c, t6, 6, 1700000060, rej);
  CHECK(rej[0] == 0 && rej[1] == 0 && rej[2] == 0 && rej[3] == 0, "valid transactions included");
  CHECK(rej[4] == DVM_RT_ERR_TX && rej[5] == DVM_RT_ERR_TX, "bad nonce and bad signature left out");
  /* transfer: 175 bytes encoded = 3 + 8 (chain id) + 32 + 24 + 44 (payload) + 64;
   * gas = 15000 + 8 * 175 = 16400, at price 1 */
  CHECK(t6[0].len == 175, "transfer encoding is 175 bytes (%zu)", t6[0].len);
  ck_receipt(c, t6[0].id, &r, &rr);
  CHECK(r.gas_used == 16400 && r.fee == 16400, "transfer gas 16400 (%" PRIu64 ")", r.gas_used);
  dvm_rt_receipt_free(&r);
  free(rr);
  /* call of vault.get: 182 bytes = 3 + 8 + 32 + 24 + 2 + (32 + 1 + 3 + 4 + 0 + 8 + 1) + 64;
   * intrinsic = 15000 + 8 * 182 + 500 = 16956;
   * get runs 11 instructions (lddw counts once), storage_get 600 + 1 key
   * byte + 8 value bytes = 609, return 10 + 8 + 3 * 8 (the outermost
   * call's data goes into the receipt) = 42: 662;
   * total 16956 + 662 = 17618 (spec/gas.md "Measured cost") */
  CHECK(t6[1].len == 182, "call encoding is 182 bytes (%zu)", t6[1].len);
  ck_receipt(c, t6[1].id, &r, &rr);
  CHECK(r.calls[0].gas_used == 662 && r.gas_used == 17618, "get: call gas 662, total 17618 (%" PRIu64 ", %" PRIu64 ")",
        r.calls[0].gas_used, r.gas_used);
  dvm_rt_receipt_free(&r);
  free(rr);
  /* the non-authority oracle update: 1 entry, 154 bytes = 3 + 8 + 32 + 24 +
   * (1 kind + 2 count + 20 entry) + 64 -> 15000 + 8 * 154 + 8000 = 24232,
   * FAILED not_authority */
  ck_receipt(c, t6[3].id, &r, &rr);
  CHECK(r.status == DVM_RT_CALL_FAILED && r.calls[0].detail == DVM_RT_F_NOT_AUTHORITY && r.gas_used == 24232,
        "oracle update from a non-authority refused (gas %" PRIu64 ")", r.gas_used);
  dvm_rt_receipt_free(&r);
  free(rr);
  CHECK(bal(c, k[3].pk, 0) == gas0 - 16400 - 17618 - 24232, "fees paid in asset 0: %" PRIu64, gas0 - bal(c, k[3].pk, 0));
  CHECK(bal(c, k[3].pk, 2) == btc0 - 12345 && bal(c, dest, 2) == 12345, "12345 BTC moved");
  uint64_t n3 = 0;
  dvm_rt_chain_nonce(c, k[3].pk, &n3);
  CHECK(n3 == 5, "sender nonce 5 (%" PRIu64 ")", n3);
  /* the authority's price is what contracts read */
  uint32_t feed = 7;
  uint8_t *sim;
  size_t simlen;
  CHECK(dvm_rt_chain_simulate(c, k[2].pk, vault, "price", (const uint8_t *)&feed, 4, 100000, &sim, &simlen) == 0,
        "simulate");
  if (dvm_rt_receipt_decode(sim, simlen, &r) == 0) {
    CHECK(r.calls[0].r0 == 65000000000000ull, "price of feed 7 read by a contract (%" PRIu64 ")", r.calls[0].r0);
    dvm_rt_receipt_free(&r);
  }
  free(sim);
  /* simulation commits nothing */
  CHECK(dvm_rt_chain_simulate(c, k[2].pk, vault, "inc", NULL, 0, 100000, &sim, &simlen) == 0, "simulate inc");
  free(sim);
  CHECK(storage_u64(c, vault, "n") == 2, "simulated inc not committed");

  /* ---- block 7-8: a full block; what does not fit waits for the next ---- */
  {
    enum { NFAT = 40, NFAT_LEN = 900000 };
    uint8_t *junk = malloc(NFAT_LEN);
    for (size_t i = 0; i < NFAT_LEN; i++) junk[i] = (uint8_t)(i * 131 + 7);
    ck_tx fat[NFAT];
    int brej[NFAT];
    for (int i = 0; i < NFAT; i++) ck_deploy(&fat[i], &k[0], 1 + (uint64_t)i, junk, NFAT_LEN, 0, 60000000);
    produce(c, fat, NFAT, 1700000070, brej);
    int full = 0, in = 0;
    for (int i = 0; i < NFAT; i++) {
      if (brej[i] == DVM_RT_ERR_FULL) full++;
      else if (brej[i] == 0) in++;
    }
    /* 32 MiB holds 37 transactions of 900,176 bytes (+ 4 bytes of length) */
    CHECK(in == 37 && full == 3, "block size limit: %d included, %d left for the next block", in, full);
    produce(c, fat + in, (size_t)full, 1700000071, brej);
    CHECK(brej[0] == 0 && brej[1] == 0 && brej[2] == 0, "the rest go into the next block");
    ck_receipt(c, fat[0].id, &r, &rr);
    CHECK(r.status == DVM_RT_CALL_FAILED && r.calls[0].detail == DVM_RT_F_BAD_CODE, "junk code refused");
    dvm_rt_receipt_free(&r);
    free(rr);
    for (int i = 0; i < NFAT; i++) free(fat[i].bytes);
    free(junk);
  }

  /* ---- audit: the stored root equals a recomputation over every entry ---- */
  uint8_t audit_root[32], head_root[32];
  CHECK(dvm_rt_chain_audit(c, audit_root) == 0, "audit: %s", dvm_rt_chain_errmsg(c));
  dvm_rt_chain_head(c, NULL, NULL, head_root, NULL);
  CHECK(!memcmp(audit_root, head_root, 32), "audit root = head root");

  /* ---- replay on a second chain from the same genesis ---- */
  char dir2[64];
  dvm_rt_chain *c2 = open_chain(dir2, sizeof dir2);
  dvm_rt_chain_genesis(c2, genesis, strlen(genesis));
  for (size_t i = 0; i < nblocks; i++) {
    dvm_rt_block_info info;
    int rc = dvm_rt_chain_apply(c2, blocks[i], block_lens[i], &info);
    CHECK(rc == 0, "replay block %zu: %s", i + 1, dvm_rt_chain_errmsg(c2));
  }
  uint8_t h1[32], h2[32], r1[32], r2[32];
  uint64_t ht1 = 0, ht2 = 0;
  dvm_rt_chain_head(c, &ht1, h1, r1, NULL);
  dvm_rt_chain_head(c2, &ht2, h2, r2, NULL);
  CHECK(ht1 == ht2 && !memcmp(h1, h2, 32) && !memcmp(r1, r2, 32), "replayed chain has the same head");
  /* a tampered block is refused and changes nothing */
  if (nblocks) {
    char dir3[64];
    dvm_rt_chain *c3 = open_chain(dir3, sizeof dir3);
    dvm_rt_chain_genesis(c3, genesis, strlen(genesis));
    uint8_t *tam = malloc(block_lens[0]);
    memcpy(tam, blocks[0], block_lens[0]);
    tam[1 + 8 + 32 + 8 + 32] ^= 0xff; /* the header's state root */
    int rc = dvm_rt_chain_apply(c3, tam, block_lens[0], NULL);
    CHECK(rc == DVM_RT_ERR_BLOCK && strstr(dvm_rt_chain_errmsg(c3), "state root differs"),
          "tampered state root refused: %s", dvm_rt_chain_errmsg(c3));
    uint64_t h3 = 99;
    dvm_rt_chain_head(c3, &h3, NULL, NULL, NULL);
    CHECK(h3 == 0, "refused block not committed");
    CHECK(dvm_rt_chain_apply(c3, blocks[0], block_lens[0], NULL) == 0, "the genuine block applies after");
    free(tam);
    dvm_rt_chain_close(c3);
    rm_dir(dir3);
  }
  /* reopen: the head survives */
  dvm_rt_chain_close(c2);
  char e[256];
  CHECK(dvm_rt_chain_open(dir2, NULL, &c2, e) == 0, "reopen: %s", e);
  uint64_t ht3 = 0;
  uint8_t h3[32];
  dvm_rt_chain_head(c2, &ht3, h3, NULL, NULL);
  CHECK(ht3 == ht1 && !memcmp(h3, h1, 32), "head survives a reopen");
  dvm_rt_chain_close(c2);
  rm_dir(dir2);

  for (size_t i = 0; i < nblocks; i++) free(blocks[i]);
  free(vault_code);
  free(bouncer_code);
  free(deep_code);
  for (int i = 0; i < 3; i++) free(bad[i]);
  ck_tx *all[] = {t1, t2, t3, t4, &t5, t6};
  size_t counts[] = {6, 3, 2, 2, 1, 6};
  for (size_t i = 0; i < 6; i++)
    for (size_t j = 0; j < counts[i]; j++) free(all[i][j].bytes);
  free(genesis);
  dvm_rt_chain_close(c);
  rm_dir(dir);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
