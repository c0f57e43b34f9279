/* stdlib.h — DVM contract libc subset (spec/contracts/sdk.md, "The bump
 * allocator").
 *
 * malloc/calloc/realloc hand out memory from the call's heap (region 3,
 * 0x3_0000_0000, spec/memory.md) by bumping a pointer; free does nothing;
 * everything is released when the call ends (every call starts with a
 * fresh zeroed heap). The allocator keeps its state in the first 16 bytes
 * of the heap (contracts have no writable globals): the offset of the next
 * block and the heap's length. Each block is preceded by its size (8 bytes)
 * and aligned to 8. When the heap is short it grows with dvm_heap_grow
 * (200 gas per 4 KiB page, spec/syscalls.md); past the 1 MiB cap malloc
 * returns NULL. A contract that uses malloc must leave the heap to it (do
 * not also write at fixed heap addresses). */
#ifndef DVM_LIBC_STDLIB_H
#define DVM_LIBC_STDLIB_H

#include <stddef.h>

/* Syscalls 2 and 20, declared exactly as dvm_contract.h declares them. */
extern __UINT64_TYPE__ dvm_revert(const void *msg, __UINT64_TYPE__ len);
extern __UINT64_TYPE__ dvm_heap_grow(__UINT64_TYPE__ len);

#define __DVM_HEAP_BASE 0x300000000ull
#define __DVM_HEAP_CAP (1ull << 20)
#define __DVM_HEAP_HDR 16ull

static inline void *malloc(size_t n) {
  __UINT64_TYPE__ *hdr = (__UINT64_TYPE__ *)__DVM_HEAP_BASE; /* [0] next offset, [1] heap length */
  if (hdr[0] == 0) { /* first use in this call */
    hdr[0] = __DVM_HEAP_HDR;
    hdr[1] = dvm_heap_grow(0);
  }
  if (n > __DVM_HEAP_CAP) return NULL;
  __UINT64_TYPE__ at = hdr[0] + 8; /* after the size word */
  __UINT64_TYPE__ end = at + ((n + 7) & ~7ull);
  if (end > __DVM_HEAP_CAP) return NULL;
  if (end > hdr[1]) hdr[1] = dvm_heap_grow(end);
  ((__UINT64_TYPE__ *)(__DVM_HEAP_BASE + at))[-1] = n;
  hdr[0] = end;
  return (void *)(__DVM_HEAP_BASE + at);
}

/* The heap is zero when a call starts and blocks are never reused, so
 * fresh blocks are already zero. */
static inline void *calloc(size_t count, size_t size) {
  if (size && count > __DVM_HEAP_CAP / size) return NULL;
  return malloc(count * size);
}

static inline void free(void *p) { (void)p; }

/* The last block grows in place; any other is copied to a new block. */
static inline void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  __UINT64_TYPE__ *hdr = (__UINT64_TYPE__ *)__DVM_HEAP_BASE;
  __UINT64_TYPE__ at = (__UINT64_TYPE__)p - __DVM_HEAP_BASE;
  __UINT64_TYPE__ old = ((__UINT64_TYPE__ *)p)[-1];
  if (n <= old) {
    ((__UINT64_TYPE__ *)p)[-1] = n;
    return p;
  }
  if (at + ((old + 7) & ~7ull) == hdr[0]) { /* the last block */
    if (n > __DVM_HEAP_CAP) return NULL;
    __UINT64_TYPE__ end = at + ((n + 7) & ~7ull);
    if (end > __DVM_HEAP_CAP) return NULL;
    if (end > hdr[1]) hdr[1] = dvm_heap_grow(end);
    ((__UINT64_TYPE__ *)p)[-1] = n;
    hdr[0] = end;
    return p;
  }
  unsigned char *q = (unsigned char *)malloc(n);
  if (!q) return NULL;
  for (__UINT64_TYPE__ i = 0; i < old; i++) q[i] = ((unsigned char *)p)[i];
  return q;
}

/* abort() reverts the call with the message "abort". */
static inline _Noreturn void abort(void) {
  dvm_revert("abort", 5);
  __builtin_unreachable();
}

static inline int abs(int x) { return x < 0 ? -x : x; }
static inline long labs(long x) { return x < 0 ? -x : x; }
static inline long long llabs(long long x) { return x < 0 ? -x : x; }

#endif
