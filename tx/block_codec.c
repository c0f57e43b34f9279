/* block_codec.c — block headers, whole blocks and hash lists (roots).
 * Normative text: spec/tx.md §5-§6. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_int.h"

void dvm_tx_hash_list(const char *domain, const uint8_t (*hashes)[DVM_HASH_BYTES], size_t n,
                   uint8_t out[DVM_HASH_BYTES]) {
  crypto_generichash_state st;
  uint8_t le[4];
  dvm_tx_sodium_init();
  dvm_le_put32(le, (uint32_t)n);
  crypto_generichash_init(&st, NULL, 0, DVM_HASH_BYTES);
  crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain));
  crypto_generichash_update(&st, le, 4);
  if (n) crypto_generichash_update(&st, (const unsigned char *)hashes, n * DVM_HASH_BYTES);
  crypto_generichash_final(&st, out, DVM_HASH_BYTES);
}

/* ------------------------------------------------------------------ */
/* Header (version 2): u8 version | u64 height | parent[32] | u64 time |
 * tx_root[32] | state_root[32] | receipts_root[32] | u64 gas_limit |
 * u64 gas_used = 161 bytes. */

_Static_assert(DVM_BLOCK_HEADER_BYTES == 161, "header layout: 1+8+32+8+32+32+32+8+8");

void dvm_tx_block_header_encode(const dvm_tx_block_header *h, uint8_t out[DVM_BLOCK_HEADER_BYTES]) {
  uint8_t *p = out;
  *p++ = h->version;
  dvm_le_put64(p, h->height);
  p += 8;
  memcpy(p, h->parent, 32);
  p += 32;
  dvm_le_put64(p, h->time);
  p += 8;
  memcpy(p, h->tx_root, 32);
  p += 32;
  memcpy(p, h->state_root, 32);
  p += 32;
  memcpy(p, h->receipts_root, 32);
  p += 32;
  dvm_le_put64(p, h->gas_limit);
  p += 8;
  dvm_le_put64(p, h->gas_used);
}

/* Parse the 161 header bytes at r->off (bounds already checked). */
static int parse_header(dvm_rd *r, dvm_tx_block_header *h) {
  int rc = dvm_rd_need(r, DVM_BLOCK_HEADER_BYTES, "block header");
  if (rc) return rc;
  const uint8_t *p = r->p + r->off;
  memset(h, 0, sizeof *h);
  h->version = p[0];
  if (h->version != DVM_BLOCK_VERSION)
    return dvm_rd_fail(r, r->off, DVM_TX_ERR_VERSION, "block version %u (want %u)", h->version,
                       DVM_BLOCK_VERSION);
  h->height = dvm_le_get64(p + 1);
  memcpy(h->parent, p + 9, 32);
  h->time = dvm_le_get64(p + 41);
  memcpy(h->tx_root, p + 49, 32);
  memcpy(h->state_root, p + 81, 32);
  memcpy(h->receipts_root, p + 113, 32);
  h->gas_limit = dvm_le_get64(p + 145);
  h->gas_used = dvm_le_get64(p + 153);
  r->off += DVM_BLOCK_HEADER_BYTES;
  return 0;
}

int dvm_tx_block_header_decode(const uint8_t *buf, size_t len, dvm_tx_block_header *h, char *err,
                            size_t errlen) {
  if (err && errlen) err[0] = 0;
  dvm_rd r = {.p = buf, .len = buf ? len : 0, .err = err, .errlen = errlen};
  int rc = parse_header(&r, h);
  if (rc) return rc;
  if (r.off != r.len)
    return dvm_rd_fail(&r, r.off, DVM_TX_ERR_TRAILING, "%zu trailing bytes after the header",
                       r.len - r.off);
  return 0;
}

void dvm_tx_block_hash(const dvm_tx_block_header *h, uint8_t out[DVM_HASH_BYTES]) {
  uint8_t enc[DVM_BLOCK_HEADER_BYTES];
  dvm_tx_block_header_encode(h, enc);
  dvm_tx_hash2(DVM_DOMAIN_BLOCK, enc, sizeof enc, NULL, 0, out);
}

/* ------------------------------------------------------------------ */
/* Block: header | u32 tx_count | tx_count x (u32 len | tx bytes). */

void dvm_tx_block_free(dvm_tx_block *b) {
  if (!b) return;
  if (b->txs)
    for (uint32_t i = 0; i < b->tx_count; i++) dvm_tx_free(&b->txs[i]);
  free(b->txs);
  free(b->tx_bytes);
  free(b->tx_lens);
  memset(b, 0, sizeof *b);
}

int dvm_tx_block_decode(const uint8_t *buf, size_t len, dvm_tx_block *b, char *err, size_t errlen) {
  memset(b, 0, sizeof *b);
  if (err && errlen) err[0] = 0;
  dvm_rd r = {.p = buf, .len = buf ? len : 0, .err = err, .errlen = errlen};
  if (len > DVM_BLOCK_MAX_BYTES)
    return dvm_rd_fail(&r, 0, DVM_TX_ERR_LIMIT, "block of %zu bytes above %u", len, DVM_BLOCK_MAX_BYTES);
  int rc = parse_header(&r, &b->header);
  if (rc) return rc;
  size_t at = r.off;
  rc = dvm_rd_need(&r, 4, "tx_count");
  if (rc) return rc;
  uint32_t n = dvm_le_get32(r.p + r.off);
  r.off += 4;
  if (n > DVM_BLOCK_MAX_TXS)
    return dvm_rd_fail(&r, at, DVM_TX_ERR_LIMIT, "tx_count %u above %u", n, DVM_BLOCK_MAX_TXS);
  /* Bound the allocation by the bytes present. */
  rc = dvm_rd_need(&r, (size_t)n * (4 + DVM_TX_MIN_BYTES), "transactions (135 bytes each at least)");
  if (rc) return rc;
  if (n) {
    b->txs = calloc(n, sizeof *b->txs);
    b->tx_bytes = calloc(n, sizeof *b->tx_bytes);
    b->tx_lens = calloc(n, sizeof *b->tx_lens);
    if (!b->txs || !b->tx_bytes || !b->tx_lens) {
      dvm_tx_block_free(b);
      return dvm_rd_fail(&r, at, DVM_TX_ERR_NOMEM, "out of memory for %u transactions", n);
    }
  }
  b->tx_count = n;
  uint8_t(*ids)[DVM_HASH_BYTES] = n ? malloc((size_t)n * DVM_HASH_BYTES) : NULL;
  if (n && !ids) {
    dvm_tx_block_free(b);
    return dvm_rd_fail(&r, at, DVM_TX_ERR_NOMEM, "out of memory for %u transaction ids", n);
  }
  for (uint32_t i = 0; i < n; i++) {
    at = r.off;
    rc = dvm_rd_need(&r, 4, "tx %u length", i);
    if (rc) goto fail;
    uint32_t tl = dvm_le_get32(r.p + r.off);
    r.off += 4;
    if (tl > DVM_TX_MAX_BYTES) {
      rc = dvm_rd_fail(&r, at, DVM_TX_ERR_LIMIT, "tx %u length %u above %u", i, tl,
                       DVM_TX_MAX_BYTES);
      goto fail;
    }
    rc = dvm_rd_need(&r, tl, "tx %u", i);
    if (rc) goto fail;
    char sub[200];
    rc = dvm_tx_decode_at(r.p + r.off, tl, r.off, &b->txs[i], sub, sizeof sub);
    if (rc) {
      dvm_tx_errf(err, errlen, "tx %u: %s", i, sub);
      goto fail;
    }
    b->tx_bytes[i] = r.p + r.off;
    b->tx_lens[i] = tl;
    memcpy(ids[i], b->txs[i].id, DVM_HASH_BYTES);
    r.off += tl;
  }
  if (r.off != r.len) {
    rc = dvm_rd_fail(&r, r.off, DVM_TX_ERR_TRAILING, "%zu trailing bytes after the last tx",
                     r.len - r.off);
    goto fail;
  }
  uint8_t root[DVM_HASH_BYTES];
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[DVM_HASH_BYTES])ids, n, root);
  if (memcmp(root, b->header.tx_root, DVM_HASH_BYTES) != 0) {
    rc = dvm_rd_fail(&r, 49, DVM_TX_ERR_FIELD, "tx_root does not match the %u transactions", n);
    goto fail;
  }
  free(ids);
  return 0;
fail:
  free(ids);
  dvm_tx_block_free(b);
  return rc;
}

int dvm_tx_block_encode(const dvm_tx_block_header *h, const uint8_t *const *txs, const uint32_t *lens,
                     uint32_t n, uint8_t **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  if (n > DVM_BLOCK_MAX_TXS) return DVM_TX_ERR_LIMIT;
  size_t total = DVM_BLOCK_HEADER_BYTES + 4;
  for (uint32_t i = 0; i < n; i++) {
    if (lens[i] > DVM_TX_MAX_BYTES) return DVM_TX_ERR_LIMIT;
    if (lens[i] && !txs[i]) return DVM_TX_ERR_FIELD;
    total += 4 + (size_t)lens[i];
  }
  if (total > DVM_BLOCK_MAX_BYTES) return DVM_TX_ERR_LIMIT;
  uint8_t *buf = malloc(total);
  if (!buf) return DVM_TX_ERR_NOMEM;
  dvm_tx_block_header_encode(h, buf);
  dvm_wr w = {buf, DVM_BLOCK_HEADER_BYTES};
  dvm_wr_u32(&w, n);
  for (uint32_t i = 0; i < n; i++) {
    dvm_wr_u32(&w, lens[i]);
    dvm_wr_bytes(&w, txs[i], lens[i]);
  }
  *out = buf;
  *out_len = total;
  return 0;
}
