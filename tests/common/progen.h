/* progen.h — a structure-aware generator of valid eBPF programs, driven by
 * a byte stream: the same bytes always give the same program. Tests feed it
 * a seeded PRNG; the fuzz harnesses feed it the fuzzer's input, so the
 * fuzzer spends its time past the verifier. Programs have straight-line
 * ALU work over every instruction of spec/isa.md, loops (bounded by a
 * counter in r9 or by gas), forward branches, local calls (including
 * recursion), stack and heap traffic (mostly in bounds, sometimes not),
 * atomics and syscalls of the test table below. Memory traffic stays in
 * bounds when the heap has at least 512 bytes, but for a few deliberate
 * strays (read-only regions, frame edges, arbitrary addresses). */
#ifndef DVM_TEST_PROGEN_H
#define DVM_TEST_PROGEN_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

typedef struct progen_src {
  const uint8_t *data;
  size_t len, pos;
} progen_src;

/* Next byte / value of the stream; zeros once it is exhausted. */
uint8_t progen_u8(progen_src *s);
uint32_t progen_u32(progen_src *s);
uint64_t progen_u64(progen_src *s);

/* Generate a program of at most max_slots slots into code (8 bytes per
 * slot); returns the slot count (>= 1). The result always passes the
 * verifier with progen_syscalls(). */
uint32_t progen_program(progen_src *s, uint8_t *code, uint32_t max_slots);

/* The test syscall table: 0 t_add (a+b, 5 gas), 1 t_sum (checksum of a
 * buffer, 1 gas per byte, translates its pointer), 2 t_halt (halts),
 * 3 t_check (traps syscall_arg when r1 == 0), 4 t_absent (known, no
 * handler: traps invalid_syscall), 5 t_grow (heap resized to r1 & 0x7fff
 * bytes, 3 gas; syscall_arg trap above the caller's capacity), 6 t_refund
 * (charges 1 + (r1 & 0xff), refunds min(r2 & 0x1ff, that): gas refunds).
 * Handlers append each call to the progen_log passed as the execution ctx. */
const dvm_vm_syscall_table *progen_syscalls(void);

typedef struct progen_log {
  uint64_t hash; /* FNV-1a over (number, args, result) of every call */
  uint32_t calls;
} progen_log;

/* A small deterministic PRNG (splitmix64) for tests that need streams. */
uint64_t progen_splitmix(uint64_t *state);

#endif
