/* codec.c — the codec library (codeclib.c, ordinary portable C) as a DVM
 * contract; codeclib.c is included with CODEC_API static so that only the
 * entry points below are exported.
 *
 *   b64_encode(bytes)   -> base64 text
 *   b64_decode(text)    -> bytes (reverts on bad base64)
 *   varint_encode(u64 LE...) -> LEB128 bytes of each (zigzag when the
 *                          first input byte is 1: u8 signed, then i64 LE...)
 *   varint_decode(u8 signed, LEB128...) -> u64/i64 LE of each (reverts when
 *                          truncated or overlong)
 *   digest(bytes)       -> u32 CRC-32, u32 Adler-32, u64 FNV-1a 64 (all LE)
 *
 * The output buffers come from the bump allocator (malloc, stdlib.h) and
 * the CRC table is a 1 KiB local. Built natively (-DDVM_CONTRACT_HOST) the
 * same file is the tests' reference. */
#define CODEC_API static
#include "codeclib.c"

#include <stdlib.h>

#include "dvm_contract.h"

static void revert_str(const char *msg) { dvm_revert(msg, strlen(msg)); }

static void put_le(u8 *o, u64 v, int n) {
  for (int i = 0; i < n; i++) o[i] = (u8)(v >> 8 * i);
}

static u64 get_le64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

DVM_ENTRY u64 b64_encode(const u8 *input, u64 len) {
  char *out = malloc(codec_b64_len(len));
  if (!out) revert_str("b64_encode: input too long");
  dvm_return(out, codec_b64_encode(input, len, out));
  return 0;
}

DVM_ENTRY u64 b64_decode(const u8 *input, u64 len) {
  u8 *out = malloc(len / 4 * 3 + 1);
  size_t bad = 0;
  long n = codec_b64_decode((const char *)input, len, out, &bad);
  if (n < 0) {
    char msg[64] = "b64_decode: bad input at byte ";
    size_t m = strlen(msg), k = 0;
    char digits[20];
    do digits[k++] = (char)('0' + bad % 10);
    while ((bad /= 10) != 0);
    while (k) msg[m++] = digits[--k];
    dvm_revert(msg, m);
    return 1;
  }
  dvm_return(out, (u64)n);
  return 0;
}

DVM_ENTRY u64 varint_encode(const u8 *input, u64 len) {
  if (len < 1 || (len - 1) % 8) revert_str("varint_encode: input is u8 signed, then 8-byte values");
  bool sign = input[0] == 1;
  u64 count = (len - 1) / 8;
  u8 *out = malloc(count * 10 + 1), *o = out;
  for (u64 i = 0; i < count; i++) {
    u64 v = get_le64(input + 1 + 8 * i);
    o += codec_varint_put(o, sign ? codec_zigzag((i64)v) : v);
  }
  dvm_return(out, (u64)(o - out));
  return 0;
}

DVM_ENTRY u64 varint_decode(const u8 *input, u64 len) {
  if (len < 1) revert_str("varint_decode: input is u8 signed, then varints");
  bool sign = input[0] == 1;
  u8 *out = malloc(len * 8), *o = out;
  for (u64 i = 1; i < len;) {
    u64 v;
    size_t n = codec_varint_get(input + i, len - i, &v);
    if (!n) revert_str("varint_decode: truncated or overlong varint");
    put_le(o, sign ? (u64)codec_unzigzag(v) : v, 8);
    o += 8;
    i += n;
  }
  dvm_return(out, (u64)(o - out));
  return 0;
}

DVM_ENTRY u64 digest(const u8 *input, u64 len) {
  codec_crc_table tab; /* 1 KiB on the stack */
  codec_crc32_init(&tab);
  u8 out[16];
  put_le(out, codec_crc32(&tab, 0, input, len), 4);
  put_le(out + 4, codec_adler32(input, len), 4);
  put_le(out + 8, codec_fnv1a64(input, len), 8);
  dvm_return(out, sizeof out);
  return 0;
}

#ifdef DVM_CONTRACT_HOST
#include "dvm_host.h"
DVM_HOST_MAIN(DVM_HOST_METHOD(b64_encode), DVM_HOST_METHOD(b64_decode), DVM_HOST_METHOD(varint_encode),
              DVM_HOST_METHOD(varint_decode), DVM_HOST_METHOD(digest))
#endif
