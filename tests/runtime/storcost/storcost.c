/* storcost.c — the test contract of rt_storage_cost: each method does one
 * storage operation between two dvm_gas_left() readings and returns the
 * gas that operation charged (u64), so the test can check the schedule of
 * spec/syscalls.md §3.1 exactly. Input: u64 a, u64 b. */
#include <dvm_contract.h>

#define HEAP ((u8 *)0x300000000ull)

DVM_INLINE u64 ld64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}
DVM_INLINE void key5(u8 k[5], u8 tag, u64 i) {
  k[0] = tag;
  k[1] = (u8)(i >> 24);
  k[2] = (u8)(i >> 16);
  k[3] = (u8)(i >> 8);
  k[4] = (u8)i;
}
#define RET(v)                                                                                    \
  do {                                                                                            \
    u64 r_ = (v);                                                                                 \
    dvm_return(&r_, 8);                                                                           \
    return 0;                                                                                     \
  } while (0)

/* fill(tag<<56 | from, count | vlen<<32): keys tag||i with vlen-byte values. */
DVM_ENTRY u64 fill(const u8 *in, u64 len) {
  if (len != 16) dvm_revert("len", 3);
  u64 a = ld64(in), b = ld64(in + 8);
  u64 vlen = b >> 32;
  if (vlen > 32768) dvm_heap_grow(vlen);
  u8 k[5];
  for (u64 i = a & 0xffffffffu; i < (a & 0xffffffffu) + (b & 0xffffffffu); i++) {
    key5(k, (u8)(a >> 56), i);
    dvm_storage_set(k, 5, HEAP, vlen);
  }
  RET(0);
}

/* dels(tag<<56 | from, count): delete tag||i, then measure one
 * storage_next from tag (1 byte) and return its gas. With make = 1 in
 * bit 32 of b, the keys are first set (and so are overlay-only). */
DVM_ENTRY u64 scan(const u8 *in, u64 len) {
  if (len != 16) dvm_revert("len", 3);
  u64 a = ld64(in), b = ld64(in + 8);
  u8 k[5], out[8];
  u8 tag = (u8)(a >> 56);
  for (u64 i = a & 0xffffffffu; i < (a & 0xffffffffu) + (b & 0xffffffffu); i++) {
    key5(k, tag, i);
    if (b >> 32) dvm_storage_set(k, 5, k, 1);
    dvm_storage_del(k, 5);
  }
  k[0] = tag;
  u64 g0 = dvm_gas_left();
  dvm_storage_next(k, 1, out, 8);
  u64 g1 = dvm_gas_left();
  RET(g0 - g1);
}

/* mdel / mset (tag<<56 | i, pre): pre 1 sets tag||i (1 byte) first; then
 * one del / set (1 byte) of tag||i, its gas returned. Two methods so the
 * code between the readings is the same whatever `pre` is. */
DVM_ENTRY u64 mdel(const u8 *in, u64 len) {
  if (len != 16) dvm_revert("len", 3);
  u64 a = ld64(in), b = ld64(in + 8);
  u8 k[5];
  key5(k, (u8)(a >> 56), a & 0xffffffffu);
  if (b) dvm_storage_set(k, 5, k, 1);
  u64 g0 = dvm_gas_left();
  dvm_storage_del(k, 5);
  u64 g1 = dvm_gas_left();
  RET(g0 - g1);
}

DVM_ENTRY u64 mset(const u8 *in, u64 len) {
  if (len != 16) dvm_revert("len", 3);
  u64 a = ld64(in), b = ld64(in + 8);
  u8 k[5];
  key5(k, (u8)(a >> 56), a & 0xffffffffu);
  if (b) dvm_storage_set(k, 5, k, 1);
  u64 g0 = dvm_gas_left();
  dvm_storage_set(k, 5, k, 1);
  u64 g1 = dvm_gas_left();
  RET(g0 - g1);
}
