/* sort.c — insertion sort, in place, of the u64 array that fills the
 * memory (8,192 values = 64 KiB), then an FNV-style fold of the sorted
 * array so the result depends on every element's final position.
 *
 * Built twice by bench/vm.cmake: for the VM (clang -target bpf -O2 -S) and
 * natively (gcc -O2, with `entry` renamed). */
#include <stdint.h>

uint64_t entry(uint8_t *mem, uint64_t len);

uint64_t entry(uint8_t *mem, uint64_t len) {
  uint64_t *a = (uint64_t *)mem;
  uint64_t n = len / 8, h = 0xcbf29ce484222325ull;
  for (uint64_t i = 1; i < n; i++) {
    uint64_t v = a[i], j = i;
    while (j > 0 && a[j - 1] > v) {
      a[j] = a[j - 1];
      j--;
    }
    a[j] = v;
  }
  for (uint64_t i = 0; i < n; i++) h = (h ^ a[i]) * 0x100000001b3ull;
  return h;
}
