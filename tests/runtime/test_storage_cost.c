/* test_storage_cost.c — the attacks of DVM issue 8 as signed transactions,
 * each shown to pay for its work (spec/syscalls.md §3.1, spec/gas.md):
 *  - tombstone scans: storage_next over K keys set and deleted in the
 *    block costs exactly what it costs over none (the overlay skips them
 *    in O(log n): state_skip checks the step bound);
 *  - shadowed-entry scans: over K committed keys deleted in the block it
 *    costs exactly 200·K more, and a call whose gas cannot pay the skips
 *    traps out_of_gas before walking them;
 *  - large deletes and shrinks: deleting / overwriting a committed 64 KiB
 *    value costs exactly 2 per old byte more than a 1-byte one, the first
 *    write of a key pays the commit part (8,000, + 500 + 2·old when it
 *    exists) and a second write of it in the same block does not.
 * The contract (storcost.c) returns the gas between two dvm_gas_left()
 * readings around one syscall; the test compares such readings, so the
 * fixed instruction overhead cancels. No timing anywhere. */
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
static uint8_t addr[32];
static uint64_t last_gas; /* gas_used of the last call */

static void put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* One block with one call; returns the call's u64 result, *status its
 * status (0 ok, 2 trap) and *trap the trap kind. */
static uint64_t call1(const char *method, uint64_t a, uint64_t b, uint64_t gas, int *status, int *trap) {
  uint8_t in[16];
  put64(in, a);
  put64(in + 8, b);
  ck_call c = {addr, method, in, 16, gas, 0, 0};
  ck_tx t;
  ck_calls(&t, &keys[1], nonce++, &c, 1, gas + 200000);
  dvm_rt_block_info info;
  if (ck_block(chain, &t, 1, when++, NULL, &info) || info.included != 1) {
    fprintf(stderr, "block failed: %s\n", dvm_rt_chain_errmsg(chain));
    exit(1);
  }
  dvm_rt_receipt r;
  uint8_t *raw;
  ck_receipt(chain, t.id, &r, &raw);
  uint64_t v = 0;
  *status = r.calls[0].status;
  *trap = r.calls[0].trap;
  last_gas = r.calls[0].gas_used;
  if (r.calls[0].status == 0 && r.calls[0].ret_len == 8)
    for (int i = 7; i >= 0; i--) v = v << 8 | r.calls[0].ret[i];
  dvm_rt_receipt_free(&r);
  free(raw);
  free(t.bytes);
  return v;
}

static uint64_t ok(const char *method, uint64_t a, uint64_t b, uint64_t gas) {
  int st, tr;
  uint64_t v = call1(method, a, b, gas, &st, &tr);
  if (st != 0) {
    fprintf(stderr, "FAIL %s(%" PRIx64 ", %" PRIx64 "): status %d trap %d\n", method, a, b, st, tr);
    failed++;
  }
  return v;
}

#define TAG(c) ((uint64_t)(c) << 56)

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_storage_cost storcost.dvm\n");
    return 2;
  }
  char dir[64], e[256];
  snprintf(dir, sizeof dir, "/tmp/dvm-storcost-XXXXXX");
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
  ck_tx dep;
  ck_deploy(&dep, &keys[1], nonce++, code, clen, 100000, 10000000);
  dvm_rt_block_info info;
  ck_block(chain, &dep, 1, when++, NULL, &info);
  free(dep.bytes);
  dvm_tx_contract_address(keys[1].pk, 0, addr);

  const uint64_t K = 300, G = 50000000;
  /* Committed: 's' 0..3K-1 (empty values), 'B' 0..3 (64 KiB), 'b' 0..3 (1 byte). */
  ok("fill", TAG('s'), 3 * K, G);
  ok("fill", TAG('B'), 4 | (uint64_t)65536 << 32, G);
  ok("fill", TAG('b'), 4 | (uint64_t)1 << 32, G);
  ok("fill", TAG('z'), 1, G); /* a live key after the 's' runs */

  /* Scans from 't' (nothing deleted there) and over K overlay tombstones
   * of 't': the same gas. */
  uint64_t base = ok("scan", TAG('t'), 0, G);
  uint64_t tomb = ok("scan", TAG('t'), K | (uint64_t)1 << 32, G);
  CHECK_EQ(tomb, base, "storage_next over overlay tombstones: flat gas");
  /* Over K shadowed entries: 200 per entry skipped. */
  uint64_t shadow = ok("scan", TAG('s'), K, G);
  CHECK_EQ(shadow - base, 200 * K, "storage_next over shadowed entries: 200 per skip");
  /* With the gas: done, and the same price per skip. */
  uint64_t a2 = TAG('s') | K;
  shadow = ok("scan", a2, K, G);
  CHECK_EQ(shadow - base, 200 * K, "second shadowed run: 200 per skip");
  /* The bound holds before the walk: the same work on a fresh run with
   * gas for everything but half the skips traps out_of_gas (status 2,
   * trap 1) and uses its whole limit. */
  uint64_t used = last_gas;
  int st, tr;
  call1("scan", TAG('s') | (2 * K), K, used - 100 * K, &st, &tr);
  CHECK_EQ((uint64_t)st, 2, "shadowed scan without gas for the skips: trapped");
  CHECK_EQ((uint64_t)tr, 1, "... with out_of_gas");
  CHECK_EQ(last_gas, used - 100 * K, "... using its whole limit");

  /* Deletes. 'x' never existed: the base price. */
  uint64_t d_absent = ok("mdel", TAG('x'), 0, G);
  uint64_t d_small = ok("mdel", TAG('b') | 0, 0, G);
  uint64_t d_big = ok("mdel", TAG('B') | 0, 0, G);
  CHECK_EQ(d_small - d_absent, 8000 + 500 + 2 * 1, "del of a committed 1-byte value");
  CHECK_EQ(d_big - d_small, 2 * (65536 - 1), "del of a committed 64 KiB value: 2 per old byte");
  /* Set then del in one block: the del is not the key's first write,
   * committed or not. */
  uint64_t d_second = ok("mdel", TAG('b') | 1, 1, G);
  uint64_t d_second_new = ok("mdel", TAG('w'), 1, G);
  CHECK_EQ(d_second, d_second_new, "del after a set in the block: no commit part");
  /* Sets. A new key pays the 8,000 first-write part once; a committed
   * key also 500 + 2 per old byte. */
  uint64_t s_new = ok("mset", TAG('y'), 0, G);
  uint64_t s_again = ok("mset", TAG('v'), 1, G);
  uint64_t s_small = ok("mset", TAG('b') | 2, 0, G);
  uint64_t s_big = ok("mset", TAG('B') | 1, 0, G);
  CHECK_EQ(s_new - s_again, 8000, "first write of a new key: 8,000");
  CHECK_EQ(s_small - s_new, 500 + 2 * 1, "overwrite of a committed 1-byte value");
  CHECK_EQ(s_big - s_new, 500 + 2 * 65536, "shrink of a committed 64 KiB value: 2 per old byte");

  dvm_rt_chain_close(chain);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
  printf("rt_storage_cost: %u passed, %u failed\n", passed, failed);
  return failed != 0;
}
