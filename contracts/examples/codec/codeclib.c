/* codeclib.c — see codeclib.h. */
#include "codeclib.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

CODEC_API size_t codec_b64_encode(const uint8_t *in, size_t n, char *out) {
  size_t o = 0, i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    out[o++] = b64_alphabet[v >> 18];
    out[o++] = b64_alphabet[v >> 12 & 63];
    out[o++] = b64_alphabet[v >> 6 & 63];
    out[o++] = b64_alphabet[v & 63];
  }
  if (n - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    out[o++] = b64_alphabet[v >> 18];
    out[o++] = b64_alphabet[v >> 12 & 63];
    out[o++] = '=';
    out[o++] = '=';
  } else if (n - i == 2) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
    out[o++] = b64_alphabet[v >> 18];
    out[o++] = b64_alphabet[v >> 12 & 63];
    out[o++] = b64_alphabet[v >> 6 & 63];
    out[o++] = '=';
  }
  return o;
}

static int b64_value(char c) {
  const char *p = strchr(b64_alphabet, c);
  return c && p ? (int)(p - b64_alphabet) : -1;
}

CODEC_API long codec_b64_decode(const char *in, size_t n, uint8_t *out, size_t *bad) {
  size_t o = 0;
  if (n % 4) {
    *bad = n;
    return -1;
  }
  for (size_t i = 0; i < n; i += 4) {
    int v[4];
    size_t pad = 0;
    for (int k = 0; k < 4; k++) {
      char c = in[i + k];
      if (c == '=' && i + 4 == n && k >= 2) {
        v[k] = 0;
        pad++;
        continue;
      }
      v[k] = b64_value(c);
      if (v[k] < 0 || pad) { /* not base64, or data after padding */
        *bad = i + k;
        return -1;
      }
    }
    uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
    out[o++] = (uint8_t)(w >> 16);
    if (pad < 2) out[o++] = (uint8_t)(w >> 8);
    if (pad < 1) out[o++] = (uint8_t)w;
  }
  return (long)o;
}

CODEC_API size_t codec_varint_put(uint8_t *out, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  out[n++] = (uint8_t)v;
  return n;
}

CODEC_API size_t codec_varint_get(const uint8_t *in, size_t n, uint64_t *v) {
  uint64_t r = 0;
  for (size_t i = 0; i < n && i < 10; i++) {
    uint64_t b = in[i] & 0x7f;
    if (i == 9 && (in[i] & 0x80 || b > 1)) return 0; /* past 64 bits */
    r |= b << (7 * i);
    if (!(in[i] & 0x80)) {
      *v = r;
      return i + 1;
    }
  }
  return 0;
}

CODEC_API uint64_t codec_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
CODEC_API int64_t codec_unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

CODEC_API void codec_crc32_init(codec_crc_table *tab) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
    tab->t[i] = c;
  }
}

CODEC_API uint32_t codec_crc32(const codec_crc_table *tab, uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = tab->t[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

CODEC_API uint32_t codec_adler32(const uint8_t *p, size_t n) {
  uint32_t a = 1, b = 0;
  while (n) {
    size_t chunk = n < 5552 ? n : 5552; /* no overflow before the modulo */
    for (size_t i = 0; i < chunk; i++) {
      a += p[i];
      b += a;
    }
    a %= 65521u;
    b %= 65521u;
    p += chunk;
    n -= chunk;
  }
  return b << 16 | a;
}

CODEC_API uint64_t codec_fnv1a64(const uint8_t *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}
