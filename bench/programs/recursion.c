/* recursion.c — naive Fibonacci through real local calls (bpf-to-bpf
 * `call` with src=1 in the VM): fib(n) makes about 2*fib(n+1) calls and
 * nests n frames deep, far below the 64-frame limit.
 *
 * Memory: u64 n at offset 0 (the harness passes 27).
 * Built twice by bench/vm.cmake: for the VM (clang -target bpf -O2 -S) and
 * natively (gcc -O2, with `entry` renamed). */
#include <stdint.h>

uint64_t entry(uint8_t *mem, uint64_t len);

__attribute__((noinline)) static uint64_t fib(uint64_t n) {
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

uint64_t entry(uint8_t *mem, uint64_t len) {
  const uint64_t *w = (const uint64_t *)mem;
  if (len < 8 || w[0] > 40) return 0;
  return fib(w[0]);
}
