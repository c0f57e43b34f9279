/* buf.c — the growable byte buffer of base.h. */
#include "base.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dvm_buf_reserve(dvm_buf *b, size_t n) {
  assert(b->len <= b->cap && (b->p != NULL || b->cap == 0));
  if (b->oom) return DVM_BASE_ERR_NOMEM;
  if (n <= b->cap - b->len) return 0;
  size_t want = b->len + n;
  if (want < b->len) goto oom; /* size_t overflow */
  size_t cap = b->cap ? b->cap : 64;
  while (cap < want) {
    if (cap > SIZE_MAX / 2) goto oom;
    cap *= 2;
  }
  uint8_t *p = realloc(b->p, cap);
  if (!p) goto oom;
  b->p = p;
  b->cap = cap;
  return 0;
oom:
  b->oom = 1;
  return DVM_BASE_ERR_NOMEM;
}

void dvm_buf_put(dvm_buf *b, const void *data, size_t n) {
  if (!n || dvm_buf_reserve(b, n)) return;
  memcpy(b->p + b->len, data, n);
  b->len += n;
}

void dvm_buf_putc(dvm_buf *b, int ch) {
  uint8_t c = (uint8_t)ch;
  dvm_buf_put(b, &c, 1);
}

void dvm_buf_zero(dvm_buf *b, size_t n) {
  if (!n || dvm_buf_reserve(b, n)) return;
  memset(b->p + b->len, 0, n);
  b->len += n;
}

void dvm_buf_le(dvm_buf *b, uint64_t v, unsigned bytes) {
  uint8_t t[8];
  assert(bytes >= 1 && bytes <= 8);
  dvm_le_putn(t, v, bytes);
  dvm_buf_put(b, t, bytes);
}

void dvm_buf_vprintf(dvm_buf *b, const char *fmt, va_list ap) {
  va_list cp;
  va_copy(cp, ap);
  int n = vsnprintf(NULL, 0, fmt, cp);
  va_end(cp);
  /* room for the NUL vsnprintf writes; len does not count it */
  if (n < 0 || dvm_buf_reserve(b, (size_t)n + 1)) return;
  vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void dvm_buf_printf(dvm_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  dvm_buf_vprintf(b, fmt, ap);
  va_end(ap);
}

char *dvm_buf_cstr(dvm_buf *b) {
  dvm_buf_putc(b, 0);
  if (b->oom) {
    dvm_buf_free(b);
    return NULL;
  }
  char *s = (char *)b->p;
  b->p = NULL;
  b->len = b->cap = 0;
  return s;
}

int dvm_buf_take(dvm_buf *b, uint8_t **out, size_t *len) {
  if (b->oom) {
    dvm_buf_free(b);
    *out = NULL;
    *len = 0;
    return DVM_BASE_ERR_NOMEM;
  }
  *out = b->p;
  *len = b->len;
  b->p = NULL;
  b->len = b->cap = 0;
  return 0;
}

void dvm_buf_free(dvm_buf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

int dvm_buf_read_file(const char *path, uint8_t **buf, size_t *len) {
  FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
  dvm_buf b = {0};
  if (!f) return -1;
  for (;;) {
    if (dvm_buf_reserve(&b, 65536)) break;
    size_t got = fread(b.p + b.len, 1, b.cap - b.len, f);
    b.len += got;
    if (got == 0) break;
  }
  int e = ferror(f) ? (errno ? errno : EIO) : b.oom ? ENOMEM : 0;
  if (f != stdin) fclose(f);
  if (!e) {
    dvm_buf_putc(&b, 0); /* the promised NUL after the data */
    if (b.oom) e = ENOMEM;
  }
  if (e) {
    dvm_buf_free(&b);
    errno = e;
    return -1;
  }
  *len = b.len - 1;
  *buf = b.p; /* ownership passes to the caller */
  return 0;
}
