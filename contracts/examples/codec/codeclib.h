/* codeclib.h — byte codecs in portable C: base64 (RFC 4648, with padding),
 * LEB128 varints (unsigned and zigzag-signed), and checksums (CRC-32 as in
 * zlib, Adler-32, FNV-1a 64). No allocation, no DVM dependency: it builds
 * natively and as a contract (codec.c). Define CODEC_API as `static`
 * before including codeclib.c to keep every function private. */
#ifndef CODECLIB_H
#define CODECLIB_H

#include <stddef.h>
#include <stdint.h>

#ifndef CODEC_API
#define CODEC_API
#endif

/* Base64 of in[0..n) into out (at least codec_b64_len(n) bytes): its length. */
#define codec_b64_len(n) (((n) + 2) / 3 * 4)
CODEC_API size_t codec_b64_encode(const uint8_t *in, size_t n, char *out);
/* Decode base64 text (padding required, no whitespace) into out (at least
 * n / 4 * 3 bytes): the byte count, or -1 at the first bad character or
 * bad padding (*bad = its offset). */
CODEC_API long codec_b64_decode(const char *in, size_t n, uint8_t *out, size_t *bad);

/* LEB128: the encoded length (1..10). */
CODEC_API size_t codec_varint_put(uint8_t *out, uint64_t v);
/* Decode one varint from in[0..n): bytes read, or 0 when truncated,
 * overlong (> 10 bytes) or overflowing 64 bits. */
CODEC_API size_t codec_varint_get(const uint8_t *in, size_t n, uint64_t *v);
CODEC_API uint64_t codec_zigzag(int64_t v);
CODEC_API int64_t codec_unzigzag(uint64_t v);

/* The 256-entry CRC-32 table (reflected polynomial 0xEDB88320). */
typedef struct codec_crc_table {
  uint32_t t[256];
} codec_crc_table;
CODEC_API void codec_crc32_init(codec_crc_table *tab);
CODEC_API uint32_t codec_crc32(const codec_crc_table *tab, uint32_t crc, const uint8_t *p, size_t n);
CODEC_API uint32_t codec_adler32(const uint8_t *p, size_t n);
CODEC_API uint64_t codec_fnv1a64(const uint8_t *p, size_t n);

#endif
