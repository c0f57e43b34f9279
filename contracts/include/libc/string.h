/* string.h — DVM contract libc subset (spec/contracts/sdk.md, "The C subset").
 *
 * Header-only: BPF has no linker for libraries, so every function is
 * `static inline` and compiled into the contract that uses it (clang keeps
 * one out-of-line copy per contract when it does not inline a call).
 * Contracts are compiled with -fno-builtin (dvm_add_contract does it): the
 * BPF target cannot call a C library, so clang must not turn loops into
 * memcpy/memset calls, and calls to these names come here.
 *
 * Copies and fills move 8-byte words (DVM allows unaligned access,
 * spec/isa.md), 32 bytes per loop turn, then the tail byte by byte.
 * Measured cost (clang-19 -O2, spec/contracts/sdk.md): memcpy and memset
 * about 0.4 instructions per byte on long buffers. */
#ifndef DVM_LIBC_STRING_H
#define DVM_LIBC_STRING_H

#include <stddef.h>

/* A 64-bit word that may alias anything and sit at any address. */
typedef __UINT64_TYPE__ __attribute__((may_alias)) __dvm_word;

static inline void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  for (; n >= 32; n -= 32, d += 32, s += 32) {
    __UINT64_TYPE__ a = ((const __dvm_word *)s)[0], b = ((const __dvm_word *)s)[1];
    __UINT64_TYPE__ c = ((const __dvm_word *)s)[2], e = ((const __dvm_word *)s)[3];
    ((__dvm_word *)d)[0] = a;
    ((__dvm_word *)d)[1] = b;
    ((__dvm_word *)d)[2] = c;
    ((__dvm_word *)d)[3] = e;
  }
  for (; n >= 8; n -= 8, d += 8, s += 8) *(__dvm_word *)d = *(const __dvm_word *)s;
  for (; n; n--) *d++ = *s++;
  return dst;
}

/* Overlapping copy: forward when the destination is below the source (each
 * block is loaded whole before it is stored), backward otherwise. */
static inline void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  if (d == s || n == 0) return dst;
  if ((__UINTPTR_TYPE__)d < (__UINTPTR_TYPE__)s) {
    for (; n >= 32; n -= 32, d += 32, s += 32) {
      __UINT64_TYPE__ a = ((const __dvm_word *)s)[0], b = ((const __dvm_word *)s)[1];
      __UINT64_TYPE__ c = ((const __dvm_word *)s)[2], e = ((const __dvm_word *)s)[3];
      ((__dvm_word *)d)[0] = a;
      ((__dvm_word *)d)[1] = b;
      ((__dvm_word *)d)[2] = c;
      ((__dvm_word *)d)[3] = e;
    }
    for (; n >= 8; n -= 8, d += 8, s += 8) {
      __UINT64_TYPE__ a = *(const __dvm_word *)s;
      *(__dvm_word *)d = a;
    }
    for (; n; n--) *d++ = *s++;
  } else {
    d += n;
    s += n;
    for (; n >= 32; n -= 32) {
      d -= 32;
      s -= 32;
      __UINT64_TYPE__ a = ((const __dvm_word *)s)[0], b = ((const __dvm_word *)s)[1];
      __UINT64_TYPE__ c = ((const __dvm_word *)s)[2], e = ((const __dvm_word *)s)[3];
      ((__dvm_word *)d)[3] = e;
      ((__dvm_word *)d)[2] = c;
      ((__dvm_word *)d)[1] = b;
      ((__dvm_word *)d)[0] = a;
    }
    for (; n >= 8; n -= 8) {
      d -= 8;
      s -= 8;
      __UINT64_TYPE__ a = *(const __dvm_word *)s;
      *(__dvm_word *)d = a;
    }
    while (n--) *--d = *--s;
  }
  return dst;
}

static inline void *memset(void *dst, int c, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  __UINT64_TYPE__ w = (unsigned char)c * 0x0101010101010101ull;
  for (; n >= 32; n -= 32, d += 32) {
    ((__dvm_word *)d)[0] = w;
    ((__dvm_word *)d)[1] = w;
    ((__dvm_word *)d)[2] = w;
    ((__dvm_word *)d)[3] = w;
  }
  for (; n >= 8; n -= 8, d += 8) *(__dvm_word *)d = w;
  for (; n; n--) *d++ = (unsigned char)c;
  return dst;
}

static inline int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
  for (; n >= 8 && *(const __dvm_word *)p == *(const __dvm_word *)q; n -= 8, p += 8, q += 8) {
  }
  for (; n; n--, p++, q++)
    if (*p != *q) return *p < *q ? -1 : 1;
  return 0;
}

static inline void *memchr(const void *s, int c, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  for (; n; n--, p++)
    if (*p == (unsigned char)c) return (void *)p;
  return NULL;
}

static inline size_t strlen(const char *s) {
  const char *p = s;
  while (*p) p++;
  return (size_t)(p - s);
}

static inline size_t strnlen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

static inline int strcmp(const char *a, const char *b) {
  const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
  while (*p && *p == *q) p++, q++;
  return *p < *q ? -1 : *p > *q;
}

static inline int strncmp(const char *a, const char *b, size_t n) {
  const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
  for (; n; n--, p++, q++) {
    if (*p != *q) return *p < *q ? -1 : 1;
    if (!*p) return 0;
  }
  return 0;
}

static inline char *strchr(const char *s, int c) {
  for (;; s++) {
    if (*s == (char)c) return (char *)s;
    if (!*s) return NULL;
  }
}

static inline char *strrchr(const char *s, int c) {
  const char *last = NULL;
  for (;; s++) {
    if (*s == (char)c) last = s;
    if (!*s) return (char *)last;
  }
}

static inline char *strcpy(char *restrict dst, const char *restrict src) {
  char *d = dst;
  while ((*d++ = *src++)) {
  }
  return dst;
}

static inline char *strncpy(char *restrict dst, const char *restrict src, size_t n) {
  size_t i = 0;
  for (; i < n && src[i]; i++) dst[i] = src[i];
  for (; i < n; i++) dst[i] = 0;
  return dst;
}

#endif
