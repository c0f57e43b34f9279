/* test_tx_block.c — block headers, blocks, hash lists and contract
 * addresses (spec/tx.md §5-§6): layout against an independent writer, hash
 * definitions against direct BLAKE2b, round trips, tx_root checking,
 * truncation at every offset, trailing bytes, caps. */
#include "tx_test.h"

static void blake(const char *domain, const uint8_t *a, size_t n, uint8_t out[32]) {
  crypto_generichash_state s;
  crypto_generichash_init(&s, NULL, 0, 32);
  crypto_generichash_update(&s, (const uint8_t *)domain, strlen(domain));
  crypto_generichash_update(&s, a, n);
  crypto_generichash_final(&s, out, 32);
}

static dvm_tx_block_header sample_header(void) {
  dvm_tx_block_header h;
  memset(&h, 0, sizeof h);
  h.version = 2;
  h.height = 0x0102030405060708ull;
  memset(h.parent, 0xA1, 32);
  h.time = 1700000123;
  memset(h.tx_root, 0xB2, 32);
  memset(h.state_root, 0xC3, 32);
  memset(h.receipts_root, 0xD4, 32);
  h.gas_limit = 0x1122334455667788ull;
  h.gas_used = 0x0000000000abcdefull;
  return h;
}

static void test_header(void) {
  dvm_tx_block_header h = sample_header(), d;
  uint8_t enc[DVM_BLOCK_HEADER_BYTES];
  CHECK_EQ(DVM_BLOCK_HEADER_BYTES, 161);
  dvm_tx_block_header_encode(&h, enc);
  CHECK_EQ(enc[0], 2);
  CHECK(enc[1] == 0x08 && enc[8] == 0x01); /* height little-endian */
  CHECK(enc[9] == 0xA1 && enc[40] == 0xA1);
  CHECK(enc[41] == (uint8_t)1700000123 && enc[48] == 0);
  CHECK(enc[49] == 0xB2 && enc[81] == 0xC3 && enc[113] == 0xD4 && enc[144] == 0xD4);
  CHECK(enc[145] == 0x88 && enc[152] == 0x11); /* gas_limit little-endian */
  CHECK(enc[153] == 0xef && enc[155] == 0xab && enc[156] == 0 && enc[160] == 0); /* gas_used */
  char err[200];
  CHECK_EQ(dvm_tx_block_header_decode(enc, sizeof enc, &d, err, sizeof err), 0);
  CHECK(d.version == 2 && d.height == h.height && d.time == h.time);
  CHECK(d.gas_limit == h.gas_limit && d.gas_used == h.gas_used);
  CHECK(memcmp(d.parent, h.parent, 32) == 0 && memcmp(d.tx_root, h.tx_root, 32) == 0 &&
        memcmp(d.state_root, h.state_root, 32) == 0 &&
        memcmp(d.receipts_root, h.receipts_root, 32) == 0);
  uint8_t h1[32], h2[32];
  dvm_tx_block_hash(&h, h1);
  blake("DVM/block/v1", enc, sizeof enc, h2);
  CHECK(memcmp(h1, h2, 32) == 0);
  for (size_t k = 0; k < sizeof enc; k++) {
    uint8_t *p = malloc(k + 1);
    memcpy(p, enc, k);
    CHECK_EQ(dvm_tx_block_header_decode(p, k, &d, err, sizeof err), DVM_TX_ERR_TRUNCATED);
    free(p);
  }
  uint8_t longer[DVM_BLOCK_HEADER_BYTES + 1];
  memcpy(longer, enc, sizeof enc);
  longer[DVM_BLOCK_HEADER_BYTES] = 0;
  CHECK_EQ(dvm_tx_block_header_decode(longer, sizeof longer, &d, err, sizeof err), DVM_TX_ERR_TRAILING);
  CHECK_MSG(err, "at byte 161: 1 trailing bytes after the header");
  enc[0] = 1; /* version 1 headers (145 bytes, no gas fields) are not read */
  CHECK_EQ(dvm_tx_block_header_decode(enc, sizeof enc, &d, err, sizeof err), DVM_TX_ERR_VERSION);
  CHECK_MSG(err, "block version 1 (want 2)");
}

static void test_hash_list(void) {
  uint8_t hs[3][32], out[32], want[32], buf[4 + 96];
  for (int i = 0; i < 3; i++) memset(hs[i], 0x10 * (i + 1), 32);
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])hs, 3, out);
  buf[0] = 3;
  buf[1] = buf[2] = buf[3] = 0;
  memcpy(buf + 4, hs, 96);
  blake("DVM/tx-root/v1", buf, sizeof buf, want);
  CHECK(memcmp(out, want, 32) == 0);
  /* The empty list: domain || 00000000. */
  dvm_tx_hash_list(DVM_DOMAIN_RECEIPTS_ROOT, NULL, 0, out);
  uint8_t z[4] = {0, 0, 0, 0};
  blake("DVM/receipts-root/v1", z, 4, want);
  CHECK(memcmp(out, want, 32) == 0);
  /* Order matters; so does the count. */
  uint8_t swapped[2][32];
  memcpy(swapped[0], hs[1], 32);
  memcpy(swapped[1], hs[0], 32);
  uint8_t a[32], b[32];
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])hs, 2, a);
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])swapped, 2, b);
  CHECK(memcmp(a, b, 32) != 0);
}

static void test_contract_address(void) {
  uint8_t dep[32], out[32], want[32], buf[40];
  memset(dep, 0x5C, 32);
  dvm_tx_contract_address(dep, 0x1122334455667788ull, out);
  memcpy(buf, dep, 32);
  for (int i = 0; i < 8; i++) buf[32 + i] = (uint8_t)(0x1122334455667788ull >> (8 * i));
  blake("DVM/contract/v1", buf, 40, want);
  CHECK(memcmp(out, want, 32) == 0);
  uint8_t other[32];
  dvm_tx_contract_address(dep, 0x1122334455667789ull, other);
  CHECK(memcmp(out, other, 32) != 0);
}

/* A block of n sample transactions with a correct tx_root. */
static void make_block(int n, uint8_t **out, size_t *out_len, uint8_t **encs, uint32_t *lens) {
  test_key key = test_key_make(61);
  uint8_t(*ids)[32] = malloc((size_t)(n ? n : 1) * 32);
  for (int i = 0; i < n; i++) {
    test_store st;
    dvm_tx tx = test_tx_sample(&key, i % TEST_SAMPLES, &st);
    tx.nonce = (uint64_t)i;
    size_t len;
    CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &encs[i], &len), 0);
    lens[i] = (uint32_t)len;
    memcpy(ids[i], tx.id, 32);
  }
  dvm_tx_block_header h = sample_header();
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])ids, (size_t)n, h.tx_root);
  CHECK_EQ(dvm_tx_block_encode(&h, (const uint8_t *const *)encs, lens, (uint32_t)n, out, out_len), 0);
  free(ids);
}

static void test_block(void) {
  enum { N = 7 };
  uint8_t *encs[N], *blk;
  uint32_t lens[N];
  size_t n;
  make_block(N, &blk, &n, encs, lens);
  size_t want = DVM_BLOCK_HEADER_BYTES + 4;
  for (int i = 0; i < N; i++) want += 4 + lens[i];
  CHECK_EQ(n, want);
  CHECK(blk[161] == N && blk[162] == 0 && blk[163] == 0 && blk[164] == 0);
  dvm_tx_block b;
  char err[300];
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), 0);
  CHECK_EQ(b.tx_count, N);
  for (int i = 0; i < N; i++) {
    CHECK_EQ(b.tx_lens[i], lens[i]);
    CHECK(memcmp(b.tx_bytes[i], encs[i], lens[i]) == 0);
    CHECK_EQ(b.txs[i].nonce, (uint64_t)i);
    CHECK_EQ(dvm_tx_verify(&b.txs[i]), 0);
  }
  /* Re-encoding the decoded block gives the same bytes. */
  uint8_t *again;
  size_t n2;
  CHECK_EQ(dvm_tx_block_encode(&b.header, b.tx_bytes, b.tx_lens, b.tx_count, &again, &n2), 0);
  CHECK(n2 == n && memcmp(again, blk, n) == 0);
  free(again);
  dvm_tx_block_free(&b);
  dvm_tx_block_free(&b); /* idempotent */

  /* Truncation at every offset fails cleanly. */
  for (size_t k = 0; k < n; k++) {
    uint8_t *p = malloc(k + 1);
    memcpy(p, blk, k);
    int rc = dvm_tx_block_decode(p, k, &b, err, sizeof err);
    CHECK_EQ(rc, DVM_TX_ERR_TRUNCATED);
    free(p);
  }
  /* Trailing byte. */
  uint8_t *t = malloc(n + 1);
  memcpy(t, blk, n);
  t[n] = 0;
  CHECK_EQ(dvm_tx_block_decode(t, n + 1, &b, err, sizeof err), DVM_TX_ERR_TRAILING);
  CHECK_MSG(err, "trailing bytes after the last tx");
  free(t);
  /* tx_root mismatch. */
  blk[49] ^= 1;
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), DVM_TX_ERR_FIELD);
  CHECK_MSG(err, "at byte 49: tx_root does not match the 7 transactions");
  blk[49] ^= 1;
  /* A bad transaction inside: the message names it and its block offset. */
  size_t tx2 = DVM_BLOCK_HEADER_BYTES + 4 + 4 + lens[0] + 4 + lens[1] + 4;
  blk[tx2] = 9; /* version of tx 2 */
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), DVM_TX_ERR_VERSION);
  char want_msg[64];
  snprintf(want_msg, sizeof want_msg, "tx 2: at byte %zu: transaction version 9", tx2);
  CHECK_MSG(err, want_msg);
  blk[tx2] = 1;
  /* tx length above the cap, and a count above the cap. */
  uint8_t save[4];
  memcpy(save, blk + 165, 4);
  blk[165] = 1, blk[166] = 0, blk[167] = 0x10, blk[168] = 0; /* 1 MiB + 1 */
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), DVM_TX_ERR_LIMIT);
  CHECK_MSG(err, "tx 0 length 1048577 above 1048576");
  memcpy(blk + 165, save, 4);
  blk[161] = 1, blk[162] = 0, blk[163] = 1, blk[164] = 0; /* 65537 */
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), DVM_TX_ERR_LIMIT);
  CHECK_MSG(err, "at byte 161: tx_count 65537 above 65536");
  blk[161] = 0, blk[162] = 0, blk[163] = 1, blk[164] = 0; /* 65536 but too few bytes */
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), DVM_TX_ERR_TRUNCATED);
  blk[161] = N, blk[163] = 0;
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), 0);
  dvm_tx_block_free(&b);
  free(blk);
  for (int i = 0; i < N; i++) free(encs[i]);

  /* The empty block. */
  make_block(0, &blk, &n, encs, lens);
  CHECK_EQ(n, 165);
  CHECK_EQ(dvm_tx_block_decode(blk, n, &b, err, sizeof err), 0);
  CHECK(b.tx_count == 0 && b.txs == NULL);
  dvm_tx_block_free(&b);
  free(blk);
  /* Encode refuses out-of-cap inputs. */
  dvm_tx_block_header h = sample_header();
  uint32_t biglen = DVM_TX_MAX_BYTES + 1;
  const uint8_t *one = (const uint8_t *)"x";
  CHECK_EQ(dvm_tx_block_encode(&h, &one, &biglen, 1, &blk, &n), DVM_TX_ERR_LIMIT);
  CHECK_EQ(dvm_tx_block_encode(&h, &one, &biglen, DVM_BLOCK_MAX_TXS + 1, &blk, &n), DVM_TX_ERR_LIMIT);
}

static void test_hex_helpers(void) {
  uint8_t in[4] = {0x00, 0xAB, 0x7F, 0xFF}, out[4];
  char s[9];
  dvm_hex_encode(in, 4, s);
  CHECK(strcmp(s, "00ab7fff") == 0);
  CHECK_EQ(dvm_hex_decode("00AB7ffF", out, 4), 0);
  CHECK(memcmp(in, out, 4) == 0);
  CHECK_EQ(dvm_hex_decode("00ab7ff", out, 4), DVM_BASE_ERR_HEX);   /* short */
  CHECK_EQ(dvm_hex_decode("00ab7fff0", out, 4), DVM_BASE_ERR_HEX); /* long */
  CHECK_EQ(dvm_hex_decode("00ab7fgf", out, 4), DVM_BASE_ERR_HEX);
  CHECK_EQ(dvm_hex_decode("", out, 0), 0);
}

/* spec/tx.md §6.4: pinned vectors (computed independently with Python's
 * hashlib.blake2b; the tx id is the worked example's of §4). */
static void test_vectors(void) {
  uint8_t id[1][32], root[32], hash[32], addr[32], pk[32];
  char *s;
  CHECK_EQ(dvm_hex_decode("44ac2ff46a06acc6273ec1ea3d367652c1e0ef88753ae38e5c9262e6407d4cb4", id[0], 32), 0);
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, NULL, 0, root);
  s = test_hex(root, 32);
  CHECK(strcmp(s, "fe63fbc15e682dcf7013f77be3bd4fd78dcfb4775b687f1d8173a653b86c93bf") == 0);
  free(s);
  dvm_tx_block_header h;
  memset(&h, 0, sizeof h);
  h.version = 2;
  h.height = 1;
  h.time = 1700000000;
  h.gas_limit = 1000000000;
  h.gas_used = 3416;
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])id, 1, h.tx_root);
  s = test_hex(h.tx_root, 32);
  CHECK(strcmp(s, "05945467ab1b07db322cc566e33b2da5248f7c44b5f8496da4994cdfee9beeba") == 0);
  free(s);
  memset(h.state_root, 0x11, 32);
  memset(h.receipts_root, 0x22, 32);
  dvm_tx_block_hash(&h, hash);
  s = test_hex(hash, 32);
  CHECK(strcmp(s, "4b2f5a1731ee9993288eab94bd352955a3c1b969178873b7430aa4b42aa0fec2") == 0);
  free(s);
  CHECK_EQ(dvm_hex_decode("8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c", pk, 32), 0);
  dvm_tx_contract_address(pk, 5, addr);
  s = test_hex(addr, 32);
  CHECK(strcmp(s, "fdaf0b693acdb1cbc1c2d582c55b9bfff1306aea0469a0e0231a627c6be56daf") == 0);
  free(s);
}

int main(void) {
  test_vectors();
  test_header();
  test_hash_list();
  test_contract_address();
  test_block();
  test_hex_helpers();
  return test_report("tx_block");
}
