/* test_base.c — base/: little-endian bytes, the growable buffer, hex. Exact
 * bytes and values throughout. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

static int failures;
#define CHECK(c)                                                                                   \
  do {                                                                                             \
    if (!(c)) {                                                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c);                       \
      failures++;                                                                                  \
    }                                                                                              \
  } while (0)

static void test_le(void) {
  uint8_t b[8];
  static const uint8_t want[8] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
  dvm_le_put64(b, 0x0102030405060708ull);
  CHECK(memcmp(b, want, 8) == 0);
  CHECK(dvm_le_get64(b) == 0x0102030405060708ull);
  CHECK(dvm_le_get32(b) == 0x05060708u);
  CHECK(dvm_le_get16(b) == 0x0708u);
  memset(b, 0xee, sizeof b);
  dvm_le_put32(b, 0xa1b2c3d4u);
  CHECK(b[0] == 0xd4 && b[1] == 0xc3 && b[2] == 0xb2 && b[3] == 0xa1 && b[4] == 0xee);
  dvm_le_put16(b, 0xbeefu);
  CHECK(b[0] == 0xef && b[1] == 0xbe && b[2] == 0xb2);
  /* every width of putn/getn round-trips and touches only its bytes */
  uint8_t wide[16];
  for (unsigned w = 1; w <= 8; w++) {
    memset(wide, 0xee, sizeof wide);
    dvm_le_putn(wide, 0x8877665544332211ull, w);
    uint64_t mask = w == 8 ? UINT64_MAX : (1ull << (8 * w)) - 1;
    CHECK(dvm_le_getn(wide, w) == (0x8877665544332211ull & mask));
    CHECK(wide[w] == 0xee);
  }
  /* the high bit survives (no sign extension) */
  uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  CHECK(dvm_le_get64(ff) == UINT64_MAX && dvm_le_get32(ff) == UINT32_MAX && dvm_le_get16(ff) == 0xffff);
}

static void test_buf(void) {
  dvm_buf b = {0};
  dvm_buf_put(&b, "ab", 2);
  dvm_buf_putc(&b, 'c');
  dvm_buf_zero(&b, 2);
  dvm_buf_le(&b, 0x0102, 2);
  dvm_buf_le(&b, 0xffffffffffffffffull, 8);
  dvm_buf_printf(&b, "%d-%s", 42, "x");
  static const uint8_t want[] = {'a', 'b', 'c', 0, 0, 0x02, 0x01, 0xff, 0xff, 0xff, 0xff,
                                 0xff, 0xff, 0xff, 0xff, '4', '2', '-', 'x'};
  CHECK(b.len == sizeof want && memcmp(b.p, want, sizeof want) == 0 && !b.oom);
  CHECK(b.cap >= b.len);
  /* growth past the first capacity keeps every byte */
  for (int i = 0; i < 1000; i++) dvm_buf_putc(&b, i & 0xff);
  CHECK(b.len == sizeof want + 1000 && b.p[sizeof want + 999] == (999 & 0xff));
  uint8_t *p;
  size_t n;
  CHECK(dvm_buf_take(&b, &p, &n) == 0 && n == sizeof want + 1000 && memcmp(p, want, sizeof want) == 0);
  CHECK(b.p == NULL && b.len == 0 && b.cap == 0);
  free(p);
  /* cstr NUL-terminates and hands over */
  dvm_buf_printf(&b, "%s", "hello");
  char *s = dvm_buf_cstr(&b);
  CHECK(s && strcmp(s, "hello") == 0 && b.p == NULL);
  free(s);
  /* an impossible reservation sets oom; later appends are no-ops */
  dvm_buf_put(&b, "x", 1);
  CHECK(dvm_buf_reserve(&b, SIZE_MAX) == DVM_BASE_ERR_NOMEM && b.oom);
  dvm_buf_put(&b, "yz", 2);
  CHECK(b.len == 1);
  CHECK(dvm_buf_cstr(&b) == NULL && b.p == NULL && !b.oom);
  dvm_buf_free(&b); /* safe on a zeroed buffer */
}

static void test_hex(void) {
  static const uint8_t in[4] = {0x00, 0xab, 0x7f, 0xff};
  char s[9];
  uint8_t out[4];
  dvm_hex_encode(in, 4, s);
  CHECK(strcmp(s, "00ab7fff") == 0);
  CHECK(dvm_hex_decode("00AB7ffF", out, 4) == 0 && memcmp(in, out, 4) == 0);
  CHECK(dvm_hex_decode("00ab7ff", out, 4) == DVM_BASE_ERR_HEX);
  CHECK(dvm_hex_decode("00ab7fff0", out, 4) == DVM_BASE_ERR_HEX);
  CHECK(dvm_hex_decode("00ab7fgf", out, 4) == DVM_BASE_ERR_HEX);
  CHECK(dvm_hex_decode("", out, 0) == 0);
  CHECK(dvm_hex_digit('0') == 0 && dvm_hex_digit('f') == 15 && dvm_hex_digit('F') == 15 &&
        dvm_hex_digit('g') == -1 && dvm_hex_digit(0) == -1);
  uint8_t *b;
  size_t n;
  char err[96];
  CHECK(dvm_hex_parse_loose("b7 00,0x01\n FF\t10", &b, &n, err, sizeof err) == 0);
  CHECK(n == 5 && b[0] == 0xb7 && b[1] == 0 && b[2] == 1 && b[3] == 0xff && b[4] == 0x10);
  free(b);
  CHECK(dvm_hex_parse_loose("", &b, &n, err, sizeof err) == 0 && n == 0 && b != NULL);
  free(b);
  CHECK(dvm_hex_parse_loose("b7 0", &b, &n, err, sizeof err) == DVM_BASE_ERR_HEX && b == NULL);
  CHECK(strcmp(err, "bad hex at offset 3: expected two hex digits") == 0);
  CHECK(dvm_hex_parse_loose("zz", &b, &n, NULL, 0) == DVM_BASE_ERR_HEX);
}

int main(void) {
  test_le();
  test_buf();
  test_hex();
  if (failures) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("base: ok\n");
  return 0;
}
