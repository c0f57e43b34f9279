/* test_tx_mutate.c — a seeded, bounded mutation loop over valid encodings
 * of every transaction kind, a block, and the genesis document. Decoders
 * must never crash or over-read (run under -DDVM_SANITIZE=ON), must return
 * 0 or a dvm_tx_err, and must stay canonical: whenever a mutated
 * transaction or block decodes, encoding the result reproduces the input
 * byte for byte. Usage: test_tx_mutate [iterations] [seed]. */
#include "tx_test.h"

static uint64_t g_rng;
static uint64_t rnd(void) { /* xorshift64* */
  g_rng ^= g_rng >> 12;
  g_rng ^= g_rng << 25;
  g_rng ^= g_rng >> 27;
  return g_rng * 2685821657736338717ull;
}
static size_t rnd_below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

/* Mutate buf (len bytes, capacity cap) in place; returns the new length. */
static size_t mutate(uint8_t *buf, size_t len, size_t cap) {
  static const uint8_t interesting[] = {0x00, 0x01, 0x02, 0x10, 0x1F, 0x20, 0x3F, 0x40, 0x41,
                                        0x7F, 0x80, 0xFE, 0xFF};
  int steps = 1 + (int)rnd_below(3);
  for (int s = 0; s < steps; s++) {
    size_t at = rnd_below(len ? len : 1);
    switch (rnd_below(8)) {
    case 0: if (len) buf[at] ^= (uint8_t)(1u << rnd_below(8)); break;
    case 1: if (len) buf[at] = interesting[rnd_below(sizeof interesting)]; break;
    case 2: if (len) buf[at] = (uint8_t)rnd(); break;
    case 3: /* delete a run */
      if (len) {
        size_t k = 1 + rnd_below(len - at < 8 ? len - at : 8);
        memmove(buf + at, buf + at + k, len - at - k);
        len -= k;
      }
      break;
    case 4: /* insert a run */
      if (len + 8 <= cap) {
        size_t k = 1 + rnd_below(8);
        memmove(buf + at + k, buf + at, len - at);
        for (size_t i = 0; i < k; i++) buf[at + i] = (uint8_t)rnd();
        len += k;
      }
      break;
    case 5: len = rnd_below(len + 1); break; /* truncate */
    case 6: /* a little-endian length field set to something big or off by one */
      if (len >= at + 4) {
        uint32_t v = (uint32_t)rnd_below(5) == 0 ? 0xFFFFFFFFu : (uint32_t)rnd_below(70000);
        for (int i = 0; i < 4; i++) buf[at + i] = (uint8_t)(v >> (8 * i));
      }
      break;
    default: if (len) buf[at] = (uint8_t)(buf[at] + (rnd_below(2) ? 1 : -1)); break;
    }
  }
  return len;
}

static int known_code(int rc) { return rc == 0 || (rc <= DVM_TX_ERR_TRUNCATED && rc >= DVM_TX_ERR_JSON); }

static long g_decoded, g_rejected;

static void fuzz_tx(const uint8_t *seed, size_t n, long iters) {
  size_t cap = n + 64;
  for (long it = 0; it < iters; it++) {
    uint8_t *buf = malloc(cap);
    memcpy(buf, seed, n);
    size_t len = mutate(buf, n, cap);
    uint8_t *exact = malloc(len ? len : 1); /* exact size: ASan sees over-reads */
    memcpy(exact, buf, len);
    free(buf);
    dvm_tx tx;
    char err[256];
    int rc = dvm_tx_decode(exact, len, &tx, err, sizeof err);
    CHECK(known_code(rc));
    if (rc == 0) {
      g_decoded++;
      uint8_t *re;
      size_t rn;
      CHECK_EQ(dvm_tx_encode(&tx, &re, &rn), 0);
      if (rn != len || memcmp(re, exact, len) != 0) {
        g_failures++;
        fprintf(stderr, "non-canonical: a mutated tx of %zu bytes re-encodes to %zu\n", len, rn);
      }
      free(re);
      (void)dvm_tx_verify(&tx);
      dvm_tx_free(&tx);
    } else {
      g_rejected++;
      CHECK(err[0] != 0);
    }
    free(exact);
  }
}

static void fuzz_block(const uint8_t *seed, size_t n, long iters) {
  size_t cap = n + 64;
  for (long it = 0; it < iters; it++) {
    uint8_t *buf = malloc(cap);
    memcpy(buf, seed, n);
    size_t len = mutate(buf, n, cap);
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, buf, len);
    free(buf);
    dvm_tx_block b;
    char err[300];
    int rc = dvm_tx_block_decode(exact, len, &b, err, sizeof err);
    CHECK(known_code(rc));
    if (rc == 0) {
      g_decoded++;
      uint8_t *re;
      size_t rn;
      CHECK_EQ(dvm_tx_block_encode(&b.header, b.tx_bytes, b.tx_lens, b.tx_count, &re, &rn), 0);
      CHECK(rn == len && memcmp(re, exact, len) == 0);
      free(re);
      dvm_tx_block_free(&b);
    } else {
      g_rejected++;
    }
    dvm_tx_block_header h;
    rc = dvm_tx_block_header_decode(exact, len, &h, err, sizeof err);
    CHECK(known_code(rc));
    free(exact);
  }
}

static const char k_genesis[] =
    "{\"chain_id\": \"dvm-devnet\", \"time\": 1700000000, \"assets\": [{\"id\": 0, \"symbol\": "
    "\"GAS\", \"decimals\": 9}, {\"id\": 1, \"symbol\": \"USD\", \"decimals\": 6}], \"balances\": "
    "[{\"address\": \"1111111111111111111111111111111111111111111111111111111111111111\", "
    "\"asset\": 1, \"amount\": \"500\"}], \"authorities\": "
    "[\"2222222222222222222222222222222222222222222222222222222222222222\"]}";

static void fuzz_genesis(long iters) {
  size_t n = strlen(k_genesis), cap = n + 64;
  for (long it = 0; it < iters; it++) {
    uint8_t *buf = malloc(cap);
    memcpy(buf, k_genesis, n);
    size_t len = mutate(buf, n, cap);
    char *exact = malloc(len ? len : 1);
    memcpy(exact, buf, len);
    free(buf);
    dvm_tx_genesis g;
    char err[256];
    int rc = dvm_tx_genesis_parse(exact, len, &g, err, sizeof err);
    CHECK(rc == 0 || rc == DVM_TX_ERR_JSON);
    if (rc == 0) {
      g_decoded++;
      CHECK(g.asset_count >= 1 && g.assets[0].id == 0);
      dvm_tx_genesis_free(&g);
    } else {
      g_rejected++;
      CHECK(strchr(err, ':') != NULL); /* "path: what" */
    }
    free(exact);
  }
}

int main(int argc, char **argv) {
  long iters = argc > 1 ? atol(argv[1]) : 4000;
  g_rng = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x9E3779B97F4A7C15ull;
  if (g_rng == 0) g_rng = 1;
  test_key key = test_key_make(77);
  uint8_t *encs[TEST_SAMPLES];
  uint32_t lens[TEST_SAMPLES];
  uint8_t ids[TEST_SAMPLES][32];
  for (int w = 0; w < TEST_SAMPLES; w++) {
    test_store st;
    dvm_tx tx = test_tx_sample(&key, w, &st);
    size_t n;
    CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &encs[w], &n), 0);
    lens[w] = (uint32_t)n;
    memcpy(ids[w], tx.id, 32);
    fuzz_tx(encs[w], n, iters);
  }
  dvm_tx_block_header h;
  memset(&h, 0, sizeof h);
  h.version = 1;
  h.height = 3;
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])ids, TEST_SAMPLES, h.tx_root);
  uint8_t *blk;
  size_t bn;
  CHECK_EQ(dvm_tx_block_encode(&h, (const uint8_t *const *)encs, lens, TEST_SAMPLES, &blk, &bn), 0);
  fuzz_block(blk, bn, iters);
  fuzz_genesis(iters);
  free(blk);
  for (int w = 0; w < TEST_SAMPLES; w++) free(encs[w]);
  printf("tx_mutate: %ld iterations per seed input, %ld decoded, %ld rejected\n", iters, g_decoded,
         g_rejected);
  return test_report("tx_mutate");
}
