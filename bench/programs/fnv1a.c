/* fnv1a.c — 64-bit FNV-1a, byte by byte, over the whole memory (64 KiB).
 *
 * Built twice by bench/vm.cmake: for the VM (clang -target bpf -O2 -S) and
 * natively (gcc -O2, with `entry` renamed). */
#include <stdint.h>

uint64_t entry(uint8_t *mem, uint64_t len);

uint64_t entry(uint8_t *mem, uint64_t len) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint64_t i = 0; i < len; i++) {
    h ^= mem[i];
    h *= 0x100000001b3ull;
  }
  return h;
}
