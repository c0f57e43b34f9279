/* base.h — leaf helpers shared by every library but vm/ (DESIGN §1):
 * little-endian bytes, one growable byte buffer, hex, and the one error
 * space (dvm_strerror). libc only; no global mutable state; every function
 * is thread-safe on distinct objects.
 *
 * The only public header of base/ (library dvm_base). */
#ifndef DVM_BASE_H
#define DVM_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Little-endian bytes. Every multi-byte integer DVM commits or hashes is
 * little-endian (spec/tx.md §1), whatever the host's byte order: these read
 * and write it byte by byte, so they need no alignment and no endian test.
 * p must hold at least 2, 4 or 8 bytes. */

static inline uint16_t dvm_le_get16(const uint8_t *p) {
  return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}
static inline uint32_t dvm_le_get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t dvm_le_get64(const uint8_t *p) {
  return (uint64_t)dvm_le_get32(p) | (uint64_t)dvm_le_get32(p + 4) << 32;
}
static inline void dvm_le_put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static inline void dvm_le_put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline void dvm_le_put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
/* The low `bytes` (1..8) bytes of v, little-endian; and back. */
static inline void dvm_le_putn(uint8_t *p, uint64_t v, unsigned bytes) {
  for (unsigned i = 0; i < bytes; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t dvm_le_getn(const uint8_t *p, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = bytes; i-- > 0;) v = v << 8 | p[i];
  return v;
}
/* Big-endian, for storage keys only: LMDB orders keys bytewise, so a
 * big-endian number in a key sorts numerically (heights, feeds, times). */
static inline void dvm_be_put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (24 - 8 * i));
}
static inline void dvm_be_put64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/* ------------------------------------------------------------------ */
/* A growable byte buffer. Zero-initialise it ({0}); it owns p. The first
 * failed allocation sets `oom` and every later append is a no-op, so a
 * caller appends freely and checks oom (or the result of dvm_buf_take /
 * dvm_buf_cstr) once at the end. Invariant: len <= cap; p == NULL iff
 * cap == 0. */

typedef struct dvm_buf {
  uint8_t *p;
  size_t len, cap;
  int oom;
} dvm_buf;

/* Make room for n more bytes: 0, or DVM_BASE_ERR_NOMEM (sets oom). */
int dvm_buf_reserve(dvm_buf *b, size_t n);
void dvm_buf_put(dvm_buf *b, const void *data, size_t n);
void dvm_buf_putc(dvm_buf *b, int ch);             /* one byte: (uint8_t)ch */
void dvm_buf_zero(dvm_buf *b, size_t n);           /* n zero bytes */
void dvm_buf_le(dvm_buf *b, uint64_t v, unsigned bytes); /* low `bytes` of v, LE */
void dvm_buf_printf(dvm_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void dvm_buf_vprintf(dvm_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* NUL-terminate and hand the bytes over (the caller frees them); the buffer
 * is left empty. NULL when an allocation failed (the buffer is freed). */
char *dvm_buf_cstr(dvm_buf *b);
/* Hand the bytes over without a NUL (*len set; NULL p for an empty buffer
 * is fine): 0, or DVM_BASE_ERR_NOMEM (the buffer is freed, *out NULL). */
int dvm_buf_take(dvm_buf *b, uint8_t **out, size_t *len);
/* Release the bytes and zero the buffer. Safe on a zeroed buffer. */
void dvm_buf_free(dvm_buf *b);
/* Read a whole file ("-" = stdin) into a malloc'd buffer with a NUL byte
 * after the data (so text can be used as a C string). Returns 0, or -1
 * with errno set (the buffer untouched). */
int dvm_buf_read_file(const char *path, uint8_t **buf, size_t *len);

/* ------------------------------------------------------------------ */
/* Hex: lowercase out, either case in. */

/* Write n bytes as 2n hex digits and a NUL into out (2n + 1 bytes). */
void dvm_hex_encode(const uint8_t *in, size_t n, char *out);
/* Decode exactly 2n digits followed by the end of the string into out:
 * 0, or DVM_BASE_ERR_HEX (out partly written). */
int dvm_hex_decode(const char *in, uint8_t *out, size_t n);
/* The value of one hex digit, or -1. */
int dvm_hex_digit(int c);
/* Parse loose hex bytes ("b7 00 0x01,ff" — pairs of digits, each pair may
 * carry a 0x prefix, separated by any of space, tab, newline, CR, comma or
 * nothing) into a malloc'd buffer the caller frees (*out is non-NULL on
 * success, also when *len is 0). 0, or DVM_BASE_ERR_HEX with "bad hex at
 * offset N: ..." in err (may be NULL), or DVM_BASE_ERR_NOMEM. */
int dvm_hex_parse_loose(const char *text, uint8_t **out, size_t *len, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* The one error space (spec/errors.md). Every library returns 0 for
 * success and a negative code from its own range for a failure, so a code
 * names its library and never clashes with errno values or LMDB codes
 * (-30800..):
 *     vm -101..-199   state -201..-299   tx -301..-399   runtime -401..-499
 *     fx -501..-599   assembler -601..-699   base -901..-999
 * base/errors.def lists every code once (name, value, message); each
 * library's header spells out its own enum and a test checks the two agree. */

typedef enum dvm_base_err {
  DVM_BASE_OK = 0,
  DVM_BASE_ERR_NOMEM = -901, /* an allocation failed */
  DVM_BASE_ERR_HEX = -902,   /* malformed hex text */
} dvm_base_err;

/* "NAME: message" for any code of any library ("DVM_TX_ERR_SIG: the
 * signature does not verify"); "ok" for 0; a generic text for codes no
 * library defines. Static storage, never NULL. */
const char *dvm_strerror(int code);
/* The code's name ("DVM_TX_ERR_SIG"), "DVM_OK" for 0, or NULL when no
 * library defines the code. Static storage. */
const char *dvm_errname(int code);

#ifdef __cplusplus
}
#endif

#endif
