/* tx_int.h — helpers shared by tx.c, block_codec.c and genesis.c (private
 * to the dvm_tx library): a bounds-checked reader, a counting writer
 * (little-endian through base.h), domain-separated BLAKE2b-256, error formatting. */
#ifndef DVM_TX_INT_H
#define DVM_TX_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base.h"
#include "tx.h"

/* The smallest possible transaction: a SYSTEM/PARAM update with one 1-byte
 * key and an empty value, 1-byte chain id (spec/tx.md §2). Used to bound
 * untrusted counts before allocating (a block's tx_count). */
#define DVM_TX_MIN_BYTES 131u

/* Minimum encoded size of list entries (spec/tx.md), for the same purpose. */
#define DVM_TX_MIN_CALL_BYTES 47u   /* 32 + 1 + 1 + 4 + 8 + 1 */
#define DVM_TX_ORACLE_BYTES 20u     /* 4 + 8 + 8 */
#define DVM_TX_MIN_PARAM_BYTES 4u   /* 1 + 1 + 2 */

/* A reader over untrusted bytes. Every take is bounds-checked; the first
 * failure writes "<what> at byte <off>: ..." into err and returns the code. */
typedef struct dvm_rd {
  const uint8_t *p;
  size_t len, off;
  size_t base; /* added to offsets in messages (a tx inside a block) */
  char *err;
  size_t errlen;
} dvm_rd;

/* Format "at byte N: <fmt>" into r->err; returns code. */
int dvm_rd_fail(dvm_rd *r, size_t at, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Ensure n more bytes; else TRUNCATED naming the field (printf-style
 * `what`, formatted only on failure: the success path stays cheap). */
int dvm_rd_need(dvm_rd *r, size_t n, const char *what, ...) __attribute__((format(printf, 3, 4)));

/* A writer; p == NULL only counts (off grows, nothing is stored). */
typedef struct dvm_wr {
  uint8_t *p;
  size_t off;
} dvm_wr;

static inline void dvm_wr_bytes(dvm_wr *w, const void *src, size_t n) {
  if (w->p && n) memcpy(w->p + w->off, src, n);
  w->off += n;
}
static inline void dvm_wr_u8(dvm_wr *w, uint8_t v) { dvm_wr_bytes(w, &v, 1); }
static inline void dvm_wr_u16(dvm_wr *w, uint16_t v) {
  uint8_t b[2];
  dvm_le_put16(b, v);
  dvm_wr_bytes(w, b, 2);
}
static inline void dvm_wr_u32(dvm_wr *w, uint32_t v) {
  uint8_t b[4];
  dvm_le_put32(b, v);
  dvm_wr_bytes(w, b, 4);
}
static inline void dvm_wr_u64(dvm_wr *w, uint64_t v) {
  uint8_t b[8];
  dvm_le_put64(b, v);
  dvm_wr_bytes(w, b, 8);
}

/* sodium_init() once per process (pthread_once; cheap after the first). */
void dvm_tx_sodium_init(void);

/* BLAKE2b-256(domain bytes without NUL || a || b); b may be NULL. */
void dvm_tx_hash2(const char *domain, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
               uint8_t out[DVM_HASH_BYTES]);

/* dvm_tx_decode, with `base` added to the byte offsets in messages (a
 * transaction inside a block). */
int dvm_tx_decode_at(const uint8_t *buf, size_t len, size_t base, dvm_tx *tx, char *err,
                     size_t errlen);

/* snprintf into err (if any) that never fails the caller. */
void dvm_tx_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
