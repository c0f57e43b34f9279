/* dvm_host.h — run a contract natively, for tests (spec/contracts/sdk.md,
 * "Testing a contract natively").
 *
 * Compile the contract's own .c file with the host compiler and
 * -DDVM_CONTRACT_HOST (the host's libc then stands in for the libc subset)
 * and, in exactly one file, include this header and list the entry points:
 *
 *     #ifdef DVM_CONTRACT_HOST
 *     #include "dvm_host.h"
 *     DVM_HOST_MAIN(DVM_HOST_METHOD(deposit), DVM_HOST_METHOD(withdraw))
 *     #endif
 *
 * The program is then `./a.out METHOD [HEX]`: it calls METHOD with the
 * input bytes as a transaction would and prints `return HEX` (exit 0) when
 * the method calls dvm_return or returns, `revert HEX` (exit 1) on
 * dvm_revert, one `log TOPICS DATA` line per dvm_log before that, and
 * `r0 0x...` when the method returned without dvm_return. Output
 * matches what `dvm exec --entry METHOD --input HEX` reports, so both can
 * be compared (contracts/examples/ do).
 *
 * Implemented here: dvm_return, dvm_revert, dvm_log, dvm_heap_grow,
 * dvm_caller, dvm_self, dvm_block_height, dvm_block_time, dvm_gas_left and
 * an in-memory dvm_storage_get/set/del. A contract that uses other
 * syscalls supplies its own stubs (the linker names the missing ones). */
#ifndef DVM_HOST_H
#define DVM_HOST_H

#ifndef DVM_CONTRACT_HOST
#error "dvm_host.h is for native test builds (-DDVM_CONTRACT_HOST)"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dvm_contract.h"

typedef struct dvm_host_method {
  const char *name;
  u64 (*fn)(const u8 *input, u64 len);
} dvm_host_method;

#define DVM_HOST_METHOD(f) {#f, f}

static void dvm_host_hex(const void *p, u64 n) {
  for (u64 i = 0; i < n; i++) printf("%02x", ((const u8 *)p)[i]);
}

u64 dvm_return(const void *data, u64 len) {
  printf("return ");
  dvm_host_hex(data, len);
  printf("\n");
  exit(0);
}

u64 dvm_revert(const void *msg, u64 len) {
  printf("revert ");
  dvm_host_hex(msg, len);
  printf("\n");
  exit(1);
}

u64 dvm_log(const dvm_topic *topics, u64 ntopics, const void *data, u64 len) {
  printf("log ");
  for (u64 i = 0; i < ntopics; i++) {
    if (i) printf(",");
    dvm_host_hex(topics[i].b, 32);
  }
  printf(" ");
  dvm_host_hex(data, len);
  printf("\n");
  return 0;
}

u64 dvm_heap_grow(u64 len) { return len < 32768 ? 32768 : len; }
u64 dvm_caller(dvm_address *out) { memset(out->b, 0xca, 32); return 0; }
u64 dvm_self(dvm_address *out) { memset(out->b, 0xee, 32); return 0; }
u64 dvm_block_height(void) { return 1; }
u64 dvm_block_time(void) { return 0; }
u64 dvm_gas_left(void) { return 1000000000u; }

/* Storage: a small in-memory table, enough for unit tests. */
#define DVM_HOST_SLOTS 256
static struct { u8 key[480]; u64 klen; u8 *val; u64 vlen; int used; } dvm_host_store[DVM_HOST_SLOTS];

static int dvm_host_find(const void *key, u64 klen) {
  for (int i = 0; i < DVM_HOST_SLOTS; i++)
    if (dvm_host_store[i].used && dvm_host_store[i].klen == klen && !memcmp(dvm_host_store[i].key, key, klen))
      return i;
  return -1;
}

u64 dvm_storage_get(const void *key, u64 key_len, void *out, u64 cap) {
  int i = dvm_host_find(key, key_len);
  if (i < 0) return DVM_NONE;
  memcpy(out, dvm_host_store[i].val, cap < dvm_host_store[i].vlen ? cap : dvm_host_store[i].vlen);
  return dvm_host_store[i].vlen;
}

u64 dvm_storage_set(const void *key, u64 key_len, const void *val, u64 val_len) {
  int i = dvm_host_find(key, key_len);
  for (int j = 0; i < 0 && j < DVM_HOST_SLOTS; j++)
    if (!dvm_host_store[j].used) i = j;
  if (i < 0 || key_len == 0 || key_len > 479) {
    fprintf(stderr, "dvm_host: storage full or bad key length\n");
    exit(3);
  }
  free(dvm_host_store[i].val);
  dvm_host_store[i].val = malloc(val_len ? val_len : 1);
  memcpy(dvm_host_store[i].val, val, val_len);
  memcpy(dvm_host_store[i].key, key, key_len);
  dvm_host_store[i].klen = key_len;
  dvm_host_store[i].vlen = val_len;
  dvm_host_store[i].used = 1;
  return 0;
}

u64 dvm_storage_del(const void *key, u64 key_len) {
  int i = dvm_host_find(key, key_len);
  if (i < 0) return 0;
  free(dvm_host_store[i].val);
  dvm_host_store[i].val = NULL;
  dvm_host_store[i].used = 0;
  return 1;
}

static int dvm_host_run(int argc, char **argv, const dvm_host_method *m, size_t n) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s METHOD [HEX]\n", argv[0]);
    return 2;
  }
  const char *hex = argc == 3 ? argv[2] : "";
  size_t hl = strlen(hex);
  if (hl % 2) {
    fprintf(stderr, "odd number of hex digits\n");
    return 2;
  }
  u8 *in = malloc(hl / 2 + 1);
  for (size_t i = 0; i < hl / 2; i++) {
    unsigned v;
    if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
      fprintf(stderr, "bad hex\n");
      return 2;
    }
    in[i] = (u8)v;
  }
  for (size_t i = 0; i < n; i++)
    if (!strcmp(m[i].name, argv[1])) {
      u64 r0 = m[i].fn(in, hl / 2);
      printf("r0 0x%llx\n", (unsigned long long)r0);
      free(in);
      return 0;
    }
  fprintf(stderr, "no method '%s'\n", argv[1]);
  free(in);
  return 2;
}

#define DVM_HOST_MAIN(...)                                                              \
  int main(int argc, char **argv) {                                                     \
    static const dvm_host_method methods_[] = {__VA_ARGS__};                            \
    return dvm_host_run(argc, argv, methods_, sizeof methods_ / sizeof methods_[0]);     \
  }

#endif
