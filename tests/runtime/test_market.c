/* test_market.c — the market-data syscalls through signed transactions
 * (spec/syscalls.md #31 dvm_oracle_price_at, #32 dvm_asset_decimals;
 * spec/state.md §10 for the oracle history keys): exact values, exact gas,
 * every error. Usage: test_market CONTRACTS_DIR */
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

static uint64_t ld64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
static void st64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

int main(int argc, char **argv) {
  char dir[64], path[512], e[256];
  ck_key k[2];
  const char *cdir = argc > 1 ? argv[1] : "tests/runtime/contracts";
  for (uint32_t i = 0; i < 2; i++) ck_key_make(&k[i], i);
  char *genesis = ck_genesis(k, 2);
  dvm_rt_chain *c;
  snprintf(dir, sizeof dir, "/tmp/dvm-test-market-XXXXXX");
  if (!mkdtemp(dir) || dvm_rt_chain_open(dir, NULL, &c, e) || dvm_rt_chain_genesis(c, genesis, strlen(genesis))) {
    fprintf(stderr, "setup failed\n");
    return 1;
  }
  dvm_rt_block_info info;
  int rej[16];

  /* block 1: deploy market.s; block 2: oracle history of feed 5 */
  size_t clen;
  snprintf(path, sizeof path, "%s/market.s", cdir);
  uint8_t *code = ck_assemble(path, &clen);
  ck_tx d;
  ck_deploy(&d, &k[1], 0, code, clen, 0, 10000000);
  CHECK(ck_block(c, &d, 1, 1700000010, rej, &info) == 0 && rej[0] == 0, "deploy");
  uint8_t mk[32];
  dvm_tx_contract_address(k[1].pk, 0, mk);
  /* (100 @ 1000), (200 @ 2000), (300 @ 2000 again: the latest price, but
   * the history keeps the first price of a time), (150 @ 1500, published
   * after the others: inserted into the history in time order) */
  ck_tx o[4];
  ck_oracle(&o[0], &k[0], 0, 5, 100, 1000, 100000);
  ck_oracle(&o[1], &k[0], 1, 5, 200, 2000, 100000);
  ck_oracle(&o[2], &k[0], 2, 5, 300, 2000, 100000);
  ck_oracle(&o[3], &k[0], 3, 5, 150, 1500, 100000);
  CHECK(ck_block(c, o, 4, 1700000020, rej, &info) == 0 && !rej[0] && !rej[1] && !rej[2] && !rej[3], "oracle block");
  dvm_rt_receipt r;
  uint8_t *raw;
  /* system transaction gas is unchanged by the history: 154 bytes ->
   * 15000 + 8 * 154 + 8000 = 24232 */
  ck_receipt(c, o[0].id, &r, &raw);
  CHECK(r.status == DVM_RT_CALL_OK && r.gas_used == 24232, "oracle entry gas 24232 (%" PRIu64 ")", r.gas_used);
  dvm_rt_receipt_free(&r);
  free(raw);

  /* the history's keys (spec/state.md §10): 0^32 || "ohist" || feed BE32 ||
   * time BE64 -> i64 price LE || u64 time LE */
  uint8_t zero[32] = {0}, hk[17] = {'o', 'h', 'i', 's', 't', 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0x07, 0xd0};
  uint8_t *v;
  size_t vl;
  CHECK(dvm_rt_chain_storage(c, zero, hk, sizeof hk, &v, &vl) == 0 && vl == 16 && ld64(v) == 200 &&
            ld64(v + 8) == 2000,
        "history entry of (feed 5, time 2000) = (200, 2000): first write wins");
  if (vl == 16) free(v);

  /* block 3: the queries, one batch; each call's gas is exact:
   * price_at runs 11 instructions + 400 (oracle_price_at) + 10 + 24 + 3 * 24
   * (return of 24 bytes from the outermost call) = 517 */
  struct {
    uint64_t feed, time, status;
    int64_t price;
    uint64_t ptime;
  } q[] = {
    {5, 0, 0, 100, 1000},    {5, 999, 0, 100, 1000},  {5, 1000, 0, 100, 1000}, {5, 1001, 0, 150, 1500},
    {5, 1500, 0, 150, 1500}, {5, 1501, 0, 200, 2000}, {5, 2000, 0, 200, 2000}, {5, 2001, 1, 0, 0},
    {6, 0, 1, 0, 0},         {4, 5000, 1, 0, 0},      {5, UINT64_MAX, 1, 0, 0},
  };
  enum { NQ = sizeof q / sizeof q[0] };
  uint8_t qin[NQ][16];
  ck_call calls[NQ + 8];
  for (int i = 0; i < NQ; i++) {
    st64(qin[i], q[i].feed);
    st64(qin[i] + 8, q[i].time);
    calls[i] = (ck_call){mk, "price_at", qin[i], 16, 100000, 0, 0};
  }
  /* errors: feed above 2^32 - 1 traps syscall_arg bad_arg (the whole call
   * limit charged); an output pointer into the read-only input traps
   * mem_fault; both after the gas */
  uint8_t bad_feed[16], ro[16];
  st64(bad_feed, 1ull << 32);
  st64(bad_feed + 8, 0);
  st64(ro, 5);
  st64(ro + 8, 0);
  calls[NQ] = (ck_call){mk, "price_at", bad_feed, 16, 5000, 0, 0};
  calls[NQ + 1] = (ck_call){mk, "price_at_ro", ro, 16, 5000, 0, 0};
  /* decimals: 3 instructions + 100 = 103; unknown assets give -1 */
  uint64_t assets[5] = {0, 1, 2, 3, 1ull << 32}, want_dec[5] = {9, 6, 8, UINT64_MAX, UINT64_MAX};
  uint8_t ain[5][8];
  for (int i = 0; i < 5; i++) {
    st64(ain[i], assets[i]);
    calls[NQ + 2 + i] = (ck_call){mk, "decimals", ain[i], 8, 100000, 0, 0};
  }
  ck_tx t;
  ck_calls(&t, &k[1], 1, calls, NQ + 7, 10000000);
  CHECK(ck_block(c, &t, 1, 1700000030, rej, &info) == 0 && rej[0] == 0, "query block");
  ck_receipt(c, t.id, &r, &raw);
  CHECK(r.ncalls == NQ + 7, "%u calls", r.ncalls);
  for (int i = 0; i < NQ && i < r.ncalls; i++) {
    const dvm_rt_call_receipt *cr = &r.calls[i];
    CHECK(cr->status == DVM_RT_CALL_OK && cr->ret_len == 24 && ld64(cr->ret) == q[i].status &&
              (int64_t)ld64(cr->ret + 8) == q[i].price && ld64(cr->ret + 16) == q[i].ptime && cr->gas_used == 517,
          "price_at(feed %" PRIu64 ", time %" PRIu64 ") = status %" PRIu64 " (%" PRId64 " @ %" PRIu64 ") gas 517 (%" PRIu64
          ")",
          q[i].feed, q[i].time, q[i].status, q[i].price, q[i].ptime, cr->gas_used);
  }
  if (r.ncalls == NQ + 7) {
    const dvm_rt_call_receipt *b = &r.calls[NQ], *m = &r.calls[NQ + 1];
    CHECK(b->status == DVM_RT_CALL_TRAP && b->trap == DVM_TRAP_SYSCALL_ARG && b->detail == DVM_RT_F_BAD_ARG &&
              b->gas_used == 5000,
          "feed 2^32: syscall_arg bad_arg (status %u trap %s detail %d)", b->status, dvm_vm_trap_name(b->trap),
          b->detail);
    CHECK(m->status == DVM_RT_CALL_TRAP && m->trap == DVM_TRAP_MEM_FAULT && m->gas_used == 5000,
          "output into the input: mem_fault (status %u trap %s)", m->status, dvm_vm_trap_name(m->trap));
    for (int i = 0; i < 5; i++) {
      const dvm_rt_call_receipt *cr = &r.calls[NQ + 2 + i];
      CHECK(cr->status == DVM_RT_CALL_OK && cr->r0 == want_dec[i] && cr->gas_used == 103,
            "decimals(%" PRIu64 ") = %" PRIu64 " (got %" PRIu64 "), gas 103 (%" PRIu64 ")", assets[i], want_dec[i],
            cr->r0, cr->gas_used);
    }
  }
  dvm_rt_receipt_free(&r);
  free(raw);

  /* the history survives replay: a second chain applying the same blocks
   * reaches the same state root (the history is in the state). */
  uint8_t root[32], audit[32];
  dvm_rt_chain_head(c, NULL, NULL, root, NULL);
  CHECK(dvm_rt_chain_audit(c, audit) == 0 && !memcmp(root, audit, 32), "audit root = head root");

  free(code);
  free(d.bytes);
  free(t.bytes);
  for (int i = 0; i < 4; i++) free(o[i].bytes);
  free(genesis);
  dvm_rt_chain_close(c);
  snprintf(path, sizeof path, "rm -rf '%s'", dir);
  if (system(path)) fprintf(stderr, "cannot remove %s\n", dir);
  printf("%u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
