/* fuzz_tx_decode.c — the transaction, block and genesis decoders
 * (tx/tx.h, spec/tx.md) on untrusted bytes.
 *
 * Byte 0 picks the decoder (b % 5), the rest is its input:
 *   0, 1  dvm_tx_decode: never crashes; on success the encoding is
 *         canonical (dvm_tx_encode of the decoded fields, with the decoded
 *         signature, gives back the same bytes, id and sign_hash), and the
 *         signature check runs (its answer is free, it must not crash)
 *   2     dvm_tx_block_decode: on success dvm_tx_block_encode of the header and
 *         the borrowed transactions gives back the same bytes
 *   3     dvm_tx_block_header_decode: exact round trip through _encode
 *   4     dvm_tx_genesis_parse: JSON; on failure a message naming a path
 * Every failure must come with a message. */
#include <string.h>

#include "fuzz.h"
#include "tx.h"

static void need_msg(const char *err, const char *what) {
  if (!err[0]) FUZZ_FAIL("%s failed without a message", what);
}

static void tx_case(const uint8_t *d, size_t n) {
  dvm_tx tx;
  char err[256] = "";
  memset(&tx, 0, sizeof tx);
  if (dvm_tx_decode(d, n, &tx, err, sizeof err)) {
    need_msg(err, "dvm_tx_decode");
    return;
  }
  if (tx.encoded_len != n) FUZZ_FAIL("decoded %u bytes of %zu", tx.encoded_len, n);
  dvm_tx again = tx;
  uint8_t *out = NULL;
  size_t out_len = 0;
  int rc = dvm_tx_encode(&again, &out, &out_len);
  if (rc) FUZZ_FAIL("a decoded transaction does not encode: %s", dvm_tx_strerror(rc));
  if (out_len != n || memcmp(out, d, n))
    FUZZ_FAIL("decode is not canonical: %zu bytes re-encode to %zu different bytes", n, out_len);
  if (memcmp(again.id, tx.id, sizeof tx.id) || memcmp(again.sign_hash, tx.sign_hash, sizeof tx.sign_hash))
    FUZZ_FAIL("re-encoding changed the id or the signing hash");
  (void)dvm_tx_verify(&tx);
  free(out);
  dvm_tx_free(&tx);
}

static void block_case(const uint8_t *d, size_t n) {
  dvm_tx_block b;
  char err[256] = "";
  memset(&b, 0, sizeof b);
  if (dvm_tx_block_decode(d, n, &b, err, sizeof err)) {
    need_msg(err, "dvm_tx_block_decode");
    return;
  }
  uint8_t *out = NULL;
  size_t out_len = 0;
  int rc = dvm_tx_block_encode(&b.header, b.tx_bytes, b.tx_lens, b.tx_count, &out, &out_len);
  if (rc) FUZZ_FAIL("a decoded block does not encode: %s", dvm_tx_strerror(rc));
  if (out_len != n || memcmp(out, d, n))
    FUZZ_FAIL("block decode is not canonical: %zu bytes re-encode to %zu", n, out_len);
  free(out);
  dvm_tx_block_free(&b);
}

static void header_case(const uint8_t *d, size_t n) {
  dvm_tx_block_header h;
  char err[256] = "";
  uint8_t out[DVM_BLOCK_HEADER_BYTES];
  if (dvm_tx_block_header_decode(d, n, &h, err, sizeof err)) {
    need_msg(err, "dvm_tx_block_header_decode");
    return;
  }
  if (n != DVM_BLOCK_HEADER_BYTES) FUZZ_FAIL("a header of %zu bytes decodes", n);
  dvm_tx_block_header_encode(&h, out);
  if (memcmp(out, d, n)) FUZZ_FAIL("header decode is not canonical");
}

static void genesis_case(const uint8_t *d, size_t n) {
  dvm_tx_genesis g;
  char err[256] = "";
  memset(&g, 0, sizeof g);
  if (dvm_tx_genesis_parse((const char *)d, n, &g, err, sizeof err)) {
    need_msg(err, "dvm_tx_genesis_parse");
    return;
  }
  if (!g.chain_id[0] || !g.asset_count || g.assets[0].id != 0)
    FUZZ_FAIL("an accepted genesis without chain id or gas asset");
  dvm_tx_genesis_free(&g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > (2u << 20)) return 0;
  const uint8_t *d = data + 1;
  size_t n = size - 1;
  switch (data[0] % 5) {
  case 0:
  case 1: tx_case(d, n); break;
  case 2: block_case(d, n); break;
  case 3: header_case(d, n); break;
  default: genesis_case(d, n); break;
  }
  return 0;
}
