/* dvm_args.h — decoding a method's packed arguments and packing return data
 * and event fields, in the ABI format of DESIGN §9 (spec/contracts/perp.md
 * §1): little-endian integers in declaration order, no padding, `address`
 * 32 bytes, `bytes` a u32 length then the bytes.
 *
 * Generic: any contract may include it (header only, every function
 * inlined, so nothing is exported).
 *
 *   dvm_args a;
 *   dvm_args_init(&a, input, len);
 *   u32 market = (u32)dvm_args_u(&a, 4);
 *   dvm_args_addr(&a, &owner);
 *   if (!dvm_args_end(&a)) revert("bad input length");
 *
 * Reads past the end yield 0 and mark the reader bad, so a short input is
 * caught once by dvm_args_end, which also refuses trailing bytes. */
#ifndef DVM_ARGS_H
#define DVM_ARGS_H

#include "dvm_contract.h"

typedef struct dvm_args {
  const u8 *p;
  u64 len;
  u64 at;
  u64 bad;
} dvm_args;

DVM_INLINE void dvm_args_init(dvm_args *a, const u8 *p, u64 len) {
  a->p = p;
  a->len = len;
  a->at = 0;
  a->bad = 0;
}

/* An unsigned little-endian integer of n bytes (1..8). */
DVM_INLINE u64 dvm_args_u(dvm_args *a, u64 n) {
  u64 v = 0;
  if (a->at + n > a->len) {
    a->bad = 1;
    a->at = a->len;
    return 0;
  }
  for (u64 i = 0; i < n; i++) v |= (u64)a->p[a->at + i] << (8 * i);
  a->at += n;
  return v;
}

DVM_INLINE i64 dvm_args_i64(dvm_args *a) { return (i64)dvm_args_u(a, 8); }

DVM_INLINE void dvm_args_addr(dvm_args *a, dvm_address *out) {
  for (u64 i = 0; i < 32; i++) out->b[i] = (u8)dvm_args_u(a, 1);
}

/* 1 when every byte was consumed and no read ran past the end. */
DVM_INLINE int dvm_args_end(const dvm_args *a) { return !a->bad && a->at == a->len; }

/* A writer of packed fields into a caller's buffer of capacity cap; a write
 * past cap is dropped and marks the writer bad. */
typedef struct dvm_pack {
  u8 *p;
  u64 cap;
  u64 at;
  u64 bad;
} dvm_pack;

DVM_INLINE void dvm_pack_init(dvm_pack *w, void *buf, u64 cap) {
  w->p = (u8 *)buf;
  w->cap = cap;
  w->at = 0;
  w->bad = 0;
}

DVM_INLINE void dvm_pack_u(dvm_pack *w, u64 v, u64 n) {
  if (w->at + n > w->cap) {
    w->bad = 1;
    return;
  }
  for (u64 i = 0; i < n; i++) w->p[w->at + i] = (u8)(v >> (8 * i));
  w->at += n;
}

DVM_INLINE void dvm_pack_addr(dvm_pack *w, const dvm_address *a) {
  if (w->at + 32 > w->cap) {
    w->bad = 1;
    return;
  }
  for (u64 i = 0; i < 32; i++) w->p[w->at + i] = a->b[i];
  w->at += 32;
}

/* An event topic: the name in ASCII, zero-padded to 32 bytes. */
DVM_INLINE void dvm_topic_name(dvm_topic *t, const char *name) {
  volatile u64 *w = (volatile u64 *)t->b; /* volatile: no memset call */
  w[0] = 0;
  w[1] = 0;
  w[2] = 0;
  w[3] = 0;
  for (u64 i = 0; i < 32 && name[i]; i++) t->b[i] = (u8)name[i];
}

#endif /* DVM_ARGS_H */
