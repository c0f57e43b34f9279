/* util.c — the small helpers every file of the node library shares: the
 * error message of a failure, hex and decimal JSON values. A leaf: it
 * calls no other file of node/. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node_int.h"

int node_fail(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

json_t *node_hex(const uint8_t *p, size_t n) {
  char *h = malloc(2 * n + 1);
  if (!h) return NULL;
  dvm_hex_encode(p, n, h);
  json_t *s = json_string(h);
  free(h);
  return s;
}

int node_parse_hex32(json_t *v, uint8_t out[32]) {
  if (!json_is_string(v)) return -1;
  const char *s = json_string_value(v);
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  return strlen(s) == 64 && dvm_hex_decode(s, out, 32) == 0 ? 0 : -1;
}

json_t *node_u64(uint64_t v) {
  char t[24];
  snprintf(t, sizeof t, "%" PRIu64, v);
  return json_string(t);
}
