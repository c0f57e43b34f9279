/* alu_loop.c — a tight loop of 64-bit ALU work: an xorshift64 generator
 * (shifts and xors) folded into two running sums.
 *
 * Memory: u64 iterations at offset 0, u64 seed at offset 8.
 * Built twice by bench/vm.cmake: for the VM (clang -target bpf -O2 -S) and
 * natively (gcc -O2, with `entry` renamed). */
#include <stdint.h>

uint64_t entry(uint8_t *mem, uint64_t len);

uint64_t entry(uint8_t *mem, uint64_t len) {
  const uint64_t *w = (const uint64_t *)mem;
  if (len < 16) return 0;
  uint64_t n = w[0], x = w[1] | 1, a = 0, b = 0;
  for (uint64_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    a += x ^ i;
    b += a >> 3;
  }
  return a ^ b ^ x;
}
