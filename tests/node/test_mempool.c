/* test_mempool.c — node/mempool.c: block order (sender nonce, then gas
 * price, then arrival), replacement by a higher gas price, the per-sender
 * and size limits, eviction of the cheapest tail, stale and expired
 * transactions leaving after a block, invalid ones taking their sender's
 * later ones with them. Transactions here are opaque bytes: the mempool
 * never decodes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"
#include "runtime.h"

static int failures;
#define CHECK(cond, ...)                                    \
  do {                                                      \
    if (!(cond)) {                                          \
      failures++;                                           \
      fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                         \
      fputc('\n', stderr);                                  \
    }                                                       \
  } while (0)

/* Transaction "s<sender>n<nonce>p<price>": its bytes are that text. */
static int add(dvm_node_mempool *mp, int sender, uint64_t nonce, uint64_t price, uint64_t acct) {
  dvm_node_mp_tx t = {0};
  char text[64];
  int n = snprintf(text, sizeof text, "s%dn%llup%llu", sender, (unsigned long long)nonce, (unsigned long long)price);
  memcpy(t.id, text, (size_t)n);
  t.sender[0] = (uint8_t)sender;
  t.nonce = nonce;
  t.gas_price = price;
  t.account_nonce = acct;
  return dvm_node_mempool_add(mp, &t, (const uint8_t *)text, (size_t)n);
}

/* The selected batch as "s0n0p1,s1n0p5,...". */
static void order(dvm_node_mempool *mp, size_t max_txs, size_t max_bytes, dvm_node_mp_batch *b, char *out) {
  CHECK(dvm_node_mempool_select(mp, max_txs, max_bytes, b) == 0, "select");
  out[0] = 0;
  for (size_t i = 0; i < b->n; i++) {
    strcat(out, i ? "," : "");
    strncat(out, (const char *)b->txs[i], b->lens[i]);
  }
}

static void test_order_and_replace(void) {
  dvm_node_mempool *mp;
  dvm_node_mp_batch b;
  char got[512];
  CHECK(dvm_node_mempool_new(NULL, &mp) == 0, "new");
  CHECK(add(mp, 1, 0, 5, 0) == DVM_NODE_MP_ADDED, "s1n0");
  CHECK(add(mp, 1, 1, 9, 0) == DVM_NODE_MP_ADDED, "s1n1");
  CHECK(add(mp, 2, 0, 7, 0) == DVM_NODE_MP_ADDED, "s2n0");
  CHECK(add(mp, 3, 0, 7, 0) == DVM_NODE_MP_ADDED, "s3n0 (same price as s2, later)");
  CHECK(add(mp, 4, 2, 100, 0) == DVM_NODE_MP_ADDED, "s4n2 (a gap: never ready)");
  CHECK(add(mp, 1, 0, 5, 0) == DVM_NODE_MP_ERR_KNOWN, "known");
  CHECK(add(mp, 1, 0, 4, 0) == DVM_NODE_MP_ERR_UNDERPRICED, "lower price");
  CHECK(add(mp, 1, 0, 5, 0) == DVM_NODE_MP_ERR_KNOWN, "same again");
  CHECK(dvm_node_mempool_count(mp) == 5, "count %zu", dvm_node_mempool_count(mp));
  order(mp, 100, 1 << 20, &b, got);
  /* s2 and s3 (7) before s1n0 (5); s1n1 (9) only after s1n0. */
  CHECK(!strcmp(got, "s2n0p7,s3n0p7,s1n0p5,s1n1p9"), "order %s", got);
  dvm_node_mp_batch_free(&b);
  /* Replacement at a higher price moves s1 ahead. */
  CHECK(add(mp, 1, 0, 8, 0) == DVM_NODE_MP_REPLACED, "replace");
  CHECK(dvm_node_mempool_count(mp) == 5, "count after replace %zu", dvm_node_mempool_count(mp));
  order(mp, 3, 1 << 20, &b, got);
  CHECK(!strcmp(got, "s1n0p8,s1n1p9,s2n0p7"), "order after replace %s", got);
  /* Byte budget: each text is 6 bytes; 13 bytes take two. */
  dvm_node_mp_batch b2;
  char got2[256];
  order(mp, 100, 13, &b2, got2);
  CHECK(!strcmp(got2, "s1n0p8,s1n1p9"), "byte budget %s", got2);
  dvm_node_mp_batch_free(&b2);
  /* The block included the first two, rejected the third as invalid. */
  int rej[3] = {0, 0, DVM_RT_ERR_TX};
  dvm_node_mempool_done(mp, &b, rej);
  dvm_node_mp_batch_free(&b);
  CHECK(dvm_node_mempool_count(mp) == 2, "after block %zu", dvm_node_mempool_count(mp));
  order(mp, 100, 1 << 20, &b, got);
  CHECK(!strcmp(got, "s3n0p7"), "left %s", got);
  /* A deferred one (block full) stays. */
  int full[1] = {DVM_RT_ERR_FULL};
  dvm_node_mempool_done(mp, &b, full);
  dvm_node_mp_batch_free(&b);
  CHECK(dvm_node_mempool_count(mp) == 2, "deferred stays");
  /* Below the sender's next nonce: refused; s1 is at 2 now. */
  CHECK(add(mp, 1, 1, 50, 2) == DVM_NODE_MP_ERR_NONCE, "replayed nonce");
  /* A newer account nonce (from a fresh check) drops what is below it. */
  CHECK(add(mp, 4, 3, 1, 3) == DVM_NODE_MP_ADDED, "s4 at 3");
  order(mp, 100, 1 << 20, &b, got);
  CHECK(!strcmp(got, "s3n0p7,s4n3p1"), "after account nonce moved %s", got);
  dvm_node_mp_batch_free(&b);
  CHECK(dvm_node_mempool_count(mp) == 2, "s4n2 dropped: %zu", dvm_node_mempool_count(mp));
  dvm_node_mempool_free(mp);
}

static void test_limits(void) {
  dvm_node_mempool_opts o = {.max_txs = 4, .max_bytes = 1 << 20, .per_sender = 3, .ttl_blocks = 2};
  dvm_node_mempool *mp;
  dvm_node_mp_batch b;
  char got[512];
  CHECK(dvm_node_mempool_new(&o, &mp) == 0, "new");
  CHECK(add(mp, 1, 0, 1, 0) == 0 && add(mp, 1, 1, 1, 0) == 0 && add(mp, 1, 2, 1, 0) == 0, "three");
  CHECK(add(mp, 1, 3, 9, 0) == DVM_NODE_MP_ERR_SENDER, "per-sender limit");
  CHECK(add(mp, 2, 3, 9, 0) == DVM_NODE_MP_ERR_SENDER, "nonce too far ahead");
  CHECK(add(mp, 2, 0, 2, 0) == 0, "fourth fills the pool");
  /* Full: a cheaper one is refused; a dearer one evicts the cheapest tail (s1n2). */
  CHECK(add(mp, 3, 0, 1, 0) == DVM_NODE_MP_ERR_FULL, "full, not dearer");
  CHECK(add(mp, 3, 0, 5, 0) == DVM_NODE_MP_ADDED, "evicts");
  CHECK(dvm_node_mempool_count(mp) == 4, "count %zu", dvm_node_mempool_count(mp));
  order(mp, 100, 1 << 20, &b, got);
  CHECK(!strcmp(got, "s3n0p5,s2n0p2,s1n0p1,s1n1p1"), "after eviction %s", got);
  dvm_node_mp_batch_free(&b);
  /* Expiry (ttl 2): pending for three blocks is more than two. */
  dvm_node_mp_batch none = {0};
  dvm_node_mempool_done(mp, &none, NULL);
  CHECK(dvm_node_mempool_count(mp) == 4, "one block old");
  CHECK(add(mp, 4, 0, 1, 0) == DVM_NODE_MP_ERR_FULL, "still full");
  dvm_node_mempool_done(mp, &none, NULL);
  CHECK(dvm_node_mempool_count(mp) == 4, "two blocks old");
  dvm_node_mempool_done(mp, &none, NULL);
  CHECK(dvm_node_mempool_count(mp) == 0, "expired: %zu left", dvm_node_mempool_count(mp));
  CHECK(dvm_node_mempool_bytes(mp) == 0, "bytes %zu", dvm_node_mempool_bytes(mp));
  dvm_node_mempool_free(mp);
}

int main(void) {
  test_order_and_replace();
  test_limits();
  if (failures) {
    fprintf(stderr, "test_mempool: %d failures\n", failures);
    return 1;
  }
  printf("test_mempool: ok\n");
  return 0;
}
