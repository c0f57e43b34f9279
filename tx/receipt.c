/* receipt.c — the receipt codec (spec/tx.md §Receipts): encode, decode
 * and the hash that goes into a block's receipts root. Little-endian,
 * canonical: decode accepts exactly what encode writes. */
#include <stdlib.h>
#include <string.h>

#include "tx.h"
#include "tx_int.h"

/* The whole encoding; w.p NULL counts only. */
static void put(dvm_wr *w, const dvm_tx_receipt *r) {
  dvm_wr_bytes(w, r->tx_id, 32);
  dvm_wr_u64(w, r->height);
  dvm_wr_u32(w, r->index);
  dvm_wr_u8(w, r->kind);
  dvm_wr_u8(w, r->status);
  dvm_wr_u64(w, r->gas_used);
  dvm_wr_u64(w, r->fee);
  dvm_wr_u8(w, r->has_contract);
  if (r->has_contract) dvm_wr_bytes(w, r->contract, 32);
  dvm_wr_u16(w, r->ncalls);
  for (unsigned i = 0; i < r->ncalls; i++) {
    const dvm_tx_receipt_call *c = &r->calls[i];
    dvm_wr_u8(w, c->status);
    dvm_wr_u8(w, c->trap);
    dvm_wr_u32(w, c->pc);
    dvm_wr_u32(w, (uint32_t)c->detail);
    dvm_wr_u64(w, c->gas_used);
    dvm_wr_u64(w, c->r0);
    dvm_wr_u32(w, c->ret_len);
    dvm_wr_bytes(w, c->ret, c->ret_len);
    dvm_wr_u16(w, c->nlogs);
    for (unsigned k = 0; k < c->nlogs; k++) {
      const dvm_tx_log_view *l = &c->logs[k];
      dvm_wr_bytes(w, l->contract, 32);
      dvm_wr_u8(w, l->ntopics);
      dvm_wr_bytes(w, l->topics, 32u * l->ntopics);
      dvm_wr_u32(w, l->data_len);
      dvm_wr_bytes(w, l->data, l->data_len);
    }
  }
}

int dvm_tx_receipt_encode(const dvm_tx_receipt *r, uint8_t **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  if (r->has_contract > 1) return DVM_TX_ERR_FIELD;
  for (unsigned i = 0; i < r->ncalls; i++)
    for (unsigned k = 0; k < r->calls[i].nlogs; k++)
      if (r->calls[i].logs[k].ntopics > DVM_TX_MAX_TOPICS) return DVM_TX_ERR_LIMIT;
  dvm_wr w = {NULL, 0};
  put(&w, r);
  uint8_t *buf = malloc(w.off ? w.off : 1);
  if (!buf) return DVM_TX_ERR_NOMEM;
  *out_len = w.off;
  w = (dvm_wr){buf, 0};
  put(&w, r);
  *out = buf;
  return DVM_TX_OK;
}

void dvm_tx_receipt_free(dvm_tx_receipt *r) {
  if (r->calls)
    for (unsigned i = 0; i < r->ncalls; i++) free(r->calls[i].logs);
  free(r->calls);
  r->calls = NULL;
  r->ncalls = 0;
}

static int need(dvm_rd *d, size_t n, const char *what) { return dvm_rd_need(d, n, "%s", what); }

#define TAKE(dst, bytes, what, ld)                                                                \
  do {                                                                                            \
    if ((rc = need(&d, bytes, what))) goto fail;                                                  \
    dst = ld(buf + d.off);                                                                        \
    d.off += bytes;                                                                               \
  } while (0)
#define U8(p) (*(p))

int dvm_tx_receipt_decode(const uint8_t *buf, size_t len, dvm_tx_receipt *r, char *err, size_t errlen) {
  dvm_rd d = {buf, len, 0, 0, err, errlen};
  int rc;
  memset(r, 0, sizeof *r);
  if ((rc = need(&d, 32, "tx id"))) return rc;
  memcpy(r->tx_id, buf, 32);
  d.off = 32;
  TAKE(r->height, 8, "height", dvm_le_get64);
  TAKE(r->index, 4, "index", dvm_le_get32);
  TAKE(r->kind, 1, "kind", U8);
  TAKE(r->status, 1, "status", U8);
  TAKE(r->gas_used, 8, "gas used", dvm_le_get64);
  TAKE(r->fee, 8, "fee", dvm_le_get64);
  TAKE(r->has_contract, 1, "has contract", U8);
  if (r->has_contract > 1) {
    rc = dvm_rd_fail(&d, d.off - 1, DVM_TX_ERR_FIELD, "has contract is %u, not 0 or 1", r->has_contract);
    goto fail;
  }
  if (r->has_contract) {
    if ((rc = need(&d, 32, "contract"))) goto fail;
    memcpy(r->contract, buf + d.off, 32);
    d.off += 32;
  }
  TAKE(r->ncalls, 2, "entry count", dvm_le_get16);
  r->calls = calloc(r->ncalls ? r->ncalls : 1, sizeof *r->calls);
  if (!r->calls) {
    rc = DVM_TX_ERR_NOMEM;
    goto fail;
  }
  for (unsigned i = 0; i < r->ncalls; i++) {
    dvm_tx_receipt_call *c = &r->calls[i];
    uint32_t detail;
    TAKE(c->status, 1, "entry status", U8);
    TAKE(c->trap, 1, "entry trap", U8);
    TAKE(c->pc, 4, "entry pc", dvm_le_get32);
    TAKE(detail, 4, "entry detail", dvm_le_get32);
    c->detail = (int32_t)detail;
    TAKE(c->gas_used, 8, "entry gas used", dvm_le_get64);
    TAKE(c->r0, 8, "entry r0", dvm_le_get64);
    TAKE(c->ret_len, 4, "return length", dvm_le_get32);
    if ((rc = need(&d, c->ret_len, "return data"))) goto fail;
    c->ret = buf + d.off;
    d.off += c->ret_len;
    TAKE(c->nlogs, 2, "log count", dvm_le_get16);
    c->logs = calloc(c->nlogs ? c->nlogs : 1, sizeof *c->logs);
    if (!c->logs) {
      rc = DVM_TX_ERR_NOMEM;
      goto fail;
    }
    for (unsigned k = 0; k < c->nlogs; k++) {
      dvm_tx_log_view *l = &c->logs[k];
      if ((rc = need(&d, 33, "log contract and topic count"))) goto fail;
      l->contract = buf + d.off;
      d.off += 32;
      l->ntopics = buf[d.off++];
      if (l->ntopics > DVM_TX_MAX_TOPICS) {
        rc = dvm_rd_fail(&d, d.off - 1, DVM_TX_ERR_LIMIT, "%u topics, above %u", l->ntopics, DVM_TX_MAX_TOPICS);
        goto fail;
      }
      if ((rc = need(&d, 32u * l->ntopics, "log topics"))) goto fail;
      l->topics = buf + d.off;
      d.off += 32u * l->ntopics;
      TAKE(l->data_len, 4, "log data length", dvm_le_get32);
      if ((rc = need(&d, l->data_len, "log data"))) goto fail;
      l->data = buf + d.off;
      d.off += l->data_len;
    }
  }
  if (d.off != len) {
    rc = dvm_rd_fail(&d, d.off, DVM_TX_ERR_TRAILING, "%zu trailing bytes", len - d.off);
    goto fail;
  }
  return DVM_TX_OK;
fail:
  dvm_tx_receipt_free(r);
  return rc;
}

void dvm_tx_receipt_hash(const uint8_t *enc, size_t len, uint8_t out[DVM_HASH_BYTES]) {
  dvm_tx_hash2(DVM_DOMAIN_RECEIPT, enc, len, NULL, 0, out);
}
