/* libc_check.c — the SDK's C subset (contracts/include/libc) inside a
 * contract, small enough for clang-14's 512-byte stack too.
 *
 *   check(input)      -> u64 bitmask of passed checks (all 15 bits set:
 *                        0x7fff); the input is used as test data
 *   copy(u32 n)       -> copies n (>= 1) bytes heap to heap with memcpy; r0 =
 *                        the last byte copied (for measuring instructions/byte)
 *   fill(u32 n)       -> memset of n (>= 1) heap bytes; r0 = the last byte
 *   grow(u32 n)       -> malloc(n) (n >= 1, growing the heap); returns 8
 *                        bytes: the block's offset in the heap (56 bits)
 *                        and, in the top byte, a value written to its last
 *                        byte; reverts "malloc: NULL" past the 1 MiB cap */
#include <assert.h>
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dvm_contract.h"

DVM_ENTRY u64 check(const u8 *input, u64 len) {
  u64 ok = 0;
  char a[64], b[64];
  memset(a, 'x', sizeof a);
  memset(b, 0, sizeof b);
  ok |= (u64)(a[0] == 'x' && a[63] == 'x' && b[31] == 0) << 0;
  memcpy(b, "hello, world", 13);
  ok |= (u64)(strlen(b) == 12) << 1;
  ok |= (u64)(strcmp(b, "hello, world") == 0 && strcmp(b, "hello") > 0 && strcmp("a", "b") < 0) << 2;
  ok |= (u64)(strncmp(b, "help", 3) == 0 && strncmp(b, "help", 4) < 0) << 3;
  ok |= (u64)(strchr(b, ',') == b + 5 && strchr(b, 'z') == NULL && strchr(b, 0) == b + 12) << 4;
  ok |= (u64)(memcmp(a, b, 0) == 0 && memcmp(b, "hello", 5) == 0 && memcmp(b, "hellp", 5) < 0) << 5;
  for (int i = 0; i < 64; i++) a[i] = (char)i;
  memmove(a + 3, a, 40); /* overlapping, destination above: copied backward */
  ok |= (u64)(a[3] == 0 && a[42] == 39 && a[2] == 2 && a[43] == 43) << 6;
  memmove(a, a + 9, 50); /* overlapping, destination below: copied forward */
  ok |= (u64)(a[0] == 6 && a[49] == 58) << 7;
  u8 *p = malloc(100), *q = calloc(10, 10);
  ok |= (u64)(p && q && q - p == 112 && q[99] == 0 && (u64)p % 8 == 0) << 8;
  memcpy(p, input, len < 100 ? len : 100);
  p = realloc(p, 200); /* not the last block: moved */
  ok |= (u64)(p > q && (len == 0 || p[0] == input[0])) << 9;
  u8 *r = realloc(p, 300); /* the last block: in place */
  ok |= (u64)(r == p) << 10;
  ok |= (u64)(INT_MAX == 2147483647 && UINT64_MAX == ~(uint64_t)0 && sizeof(size_t) == 8 && CHAR_BIT == 8) << 11;
  ok |= (u64)(isdigit('7') && !isdigit('a') && isxdigit('F') && isspace('\n') && toupper('q') == 'Q') << 12;
  bool t = true;
  ok |= (u64)(t && offsetof(dvm_price, time) == 8) << 13;
  assert(len < 1000); /* reverts "assert: len < 1000 (libc_check.c:LINE)" otherwise */
  ok |= (u64)1 << 14;
  return ok;
}

static u32 arg_u32(const u8 *input, u64 len) {
  if (len != 4) dvm_revert("want u32", 8);
  return (u32)input[0] | (u32)input[1] << 8 | (u32)input[2] << 16 | (u32)input[3] << 24;
}

#define HEAP ((u8 *)0x300000000ull)

DVM_ENTRY u64 copy(const u8 *input, u64 len) {
  u32 n = arg_u32(input, len);
  memcpy(HEAP + 16384, HEAP, n);
  return HEAP[16384 + n - 1];
}

DVM_ENTRY u64 fill(const u8 *input, u64 len) {
  u32 n = arg_u32(input, len);
  memset(HEAP, 7, n);
  return HEAP[n - 1];
}

DVM_ENTRY u64 grow(const u8 *input, u64 len) {
  u32 n = arg_u32(input, len);
  u8 *p = malloc(n);
  if (!p) dvm_revert("malloc: NULL", 12);
  p[n - 1] = 0x5a;
  u64 out = (u64)(p - HEAP) | (u64)p[n - 1] << 56;
  dvm_return(&out, 8);
  return 0;
}
