/* hex.c — hex encoding and decoding of base.h. */
#include "base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dvm_hex_digit(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void dvm_hex_encode(const uint8_t *in, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[in[i] >> 4];
    out[2 * i + 1] = digits[in[i] & 15];
  }
  out[2 * n] = 0;
}

int dvm_hex_decode(const char *in, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    /* a NUL is no digit, so a short string stops here before reading past it */
    int hi = dvm_hex_digit((unsigned char)in[2 * i]);
    if (hi < 0) return DVM_BASE_ERR_HEX;
    int lo = dvm_hex_digit((unsigned char)in[2 * i + 1]);
    if (lo < 0) return DVM_BASE_ERR_HEX;
    out[i] = (uint8_t)(hi << 4 | lo);
  }
  return in[2 * n] == 0 ? 0 : DVM_BASE_ERR_HEX;
}

int dvm_hex_parse_loose(const char *text, uint8_t **out, size_t *len, char *err, size_t errlen) {
  size_t n = 0;
  uint8_t *b = malloc(strlen(text) / 2 + 1); /* two digits per byte at least */
  const char *s = text;
  *out = NULL;
  *len = 0;
  if (!b) {
    if (err) snprintf(err, errlen, "out of memory");
    return DVM_BASE_ERR_NOMEM;
  }
  for (;;) {
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ',') s++;
    if (!*s) break;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    int hi = dvm_hex_digit((unsigned char)s[0]), lo = hi < 0 ? -1 : dvm_hex_digit((unsigned char)s[1]);
    if (hi < 0 || lo < 0) {
      if (err) snprintf(err, errlen, "bad hex at offset %zu: expected two hex digits", (size_t)(s - text));
      free(b);
      return DVM_BASE_ERR_HEX;
    }
    b[n++] = (uint8_t)(hi << 4 | lo);
    s += 2;
  }
  *out = b;
  *len = n;
  return 0;
}
