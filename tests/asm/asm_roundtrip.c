/* asm_roundtrip.c — generated corpora (fixed seeds, so every run checks the
 * same cases):
 *   1. random programs over the whole ISA table with labels, exports,
 *      read-only data and symbols: container -> disasm -> asm gives the
 *      identical bytes, with the disassembly in either dialect;
 *   2. random raw slots (any opcode, any fields): the same, through .insn;
 *   3. the container parser: write(parse(b)) == b for every accepted b,
 *      every truncation of a valid container is rejected, random byte
 *      flips never crash it;
 *   4. the assembler on random token soup and random bytes: it never
 *      crashes, and a rejected input always has at least one diagnostic.
 * Run under -DDVM_SANITIZE=ON for the memory checks to mean something. */
#include "assembler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
static uint64_t rng_state;

static uint64_t rnd(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}
static uint32_t below(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

static int bytes_of(const dvm_vm_container *c, uint8_t **b, size_t *l) { return dvm_vm_container_write(c, b, l); }

static int round_trip_in(const char *what, uint64_t seed, const dvm_vm_container *c, int llvm);

/* both output dialects of the disassembler */
static int round_trip(const char *what, uint64_t seed, const dvm_vm_container *c) {
  int a = round_trip_in(what, seed, c, 0);
  int b = round_trip_in(what, seed, c, 1);
  return a && b;
}

static int round_trip_in(const char *what, uint64_t seed, const dvm_vm_container *c, int llvm) {
  dvm_asm_disasm_opts opts = {NULL, llvm ? DVM_ASM_DISASM_LLVM : 0};
  uint8_t *b1 = NULL, *b2 = NULL;
  size_t l1 = 0, l2 = 0;
  char *text = NULL, *diag = NULL;
  dvm_asm_output o;
  memset(&o, 0, sizeof o);
  int ok = 0;
  if (bytes_of(c, &b1, &l1)) {
    fprintf(stderr, "%s seed %llu: container rejected by the writer\n", what, (unsigned long long)seed);
    goto out;
  }
  if (dvm_asm_disasm_container(c, &opts, &text)) goto out;
  int rc = dvm_asm_assemble("rt.s", text, strlen(text), NULL, &o, &diag);
  if (rc) {
    fprintf(stderr, "%s seed %llu (%s): reassembly failed\n%s\n---\n%.4000s\n", what, (unsigned long long)seed,
            llvm ? "llvm" : "conformance", diag ? diag : "", text);
    goto out;
  }
  if (bytes_of(&o.c, &b2, &l2)) goto out;
  ok = l1 == l2 && !memcmp(b1, b2, l1);
  if (!ok)
    fprintf(stderr, "%s seed %llu (%s): round trip differs\n%.4000s\n", what, (unsigned long long)seed,
            llvm ? "llvm" : "conformance", text);
out:
  if (!ok) failures++;
  free(b1);
  free(b2);
  free(text);
  free(diag);
  dvm_asm_output_free(&o);
  return ok;
}

/* ---- 1. random programs over the ISA table ---- */
static void gen_program(uint64_t seed) {
  rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
  size_t ntab;
  const dvm_vm_isa_entry *tab = dvm_vm_isa_table(&ntab);
  uint32_t want = 1 + below(120);
  uint8_t *code = calloc((size_t)want * 2 + 2, 8);
  uint32_t slots = 0;
  while (slots < want) {
    const dvm_vm_isa_entry *e = &tab[below((uint32_t)ntab)];
    dvm_vm_insn in = {e->opcode, 0, 0, 0};
    if (e->match == DVM_MATCH_OFF) in.off = (int16_t)e->match_val;
    if (e->match == DVM_MATCH_IMM) in.imm = e->match_val;
    if (e->match == DVM_MATCH_SRC) in.regs = (uint8_t)(e->match_val << 4);
    uint8_t dst = (uint8_t)below(11), src = (uint8_t)below(11);
    int16_t off = (int16_t)(below(3) ? (int)below(2 * want + 2) - (int)want : (int)(uint16_t)rnd());
    int32_t imm = below(2) ? (int32_t)below(100) - 50 : (int32_t)(uint32_t)rnd();
    switch (e->fmt) {
    case DVM_FMT_ALU_IMM: in.regs |= dst; in.imm = imm; break;
    case DVM_FMT_ALU_REG: in.regs |= (uint8_t)(dst | src << 4); break;
    case DVM_FMT_UNARY: case DVM_FMT_ENDIAN: in.regs |= dst; break;
    case DVM_FMT_LDDW: in.regs |= dst; in.imm = imm; break;
    case DVM_FMT_LDX: case DVM_FMT_STX: case DVM_FMT_ATOMIC: in.regs |= (uint8_t)(dst | src << 4); in.off = off; break;
    case DVM_FMT_ST: in.regs |= dst; in.off = off; in.imm = imm; break;
    case DVM_FMT_JA: in.off = off; break;
    case DVM_FMT_JA32: case DVM_FMT_CALL_LOCAL: in.imm = (int32_t)below(2 * want + 2) - (int32_t)want; break;
    case DVM_FMT_JMP_IMM: in.regs |= dst; in.imm = imm; in.off = off; break;
    case DVM_FMT_JMP_REG: in.regs |= (uint8_t)(dst | src << 4); in.off = off; break;
    case DVM_FMT_CALL: in.imm = imm; break;
    default: break;
    }
    dvm_vm_insn_encode(&in, code + (size_t)slots * 8);
    slots++;
    if (e->fmt == DVM_FMT_LDDW) {
      dvm_vm_insn hi = {0, 0, 0, (int32_t)(uint32_t)rnd()};
      dvm_vm_insn_encode(&hi, code + (size_t)slots * 8);
      slots++;
    }
  }
  uint32_t ro_len = below(3) ? below(200) : 0;
  uint8_t *ro = ro_len ? malloc(ro_len) : NULL;
  for (uint32_t i = 0; i < ro_len; i++) ro[i] = (uint8_t)(below(2) ? 'a' + below(26) : rnd());
  /* names: exports e<k>, code labels L<k>, data labels D<k>, all distinct */
  uint32_t nex = below(4), nsy = below(12);
  dvm_vm_export *ex = calloc(nex + 1, sizeof *ex);
  dvm_vm_symbol *sy = calloc(nsy + 1, sizeof *sy);
  for (uint32_t i = 0; i < nex; i++) {
    ex[i].pc = below(slots);
    ex[i].name_len = (uint8_t)snprintf(ex[i].name, sizeof ex[i].name, "e%u", i);
  }
  uint32_t m = 0;
  for (uint32_t i = 0; i < nsy; i++) {
    int data = ro_len && below(2);
    sy[m].kind = (uint8_t)data;
    sy[m].value = data ? below(ro_len + 1) : below(slots + 1);
    sy[m].name_len = (uint8_t)snprintf(sy[m].name, sizeof sy[m].name, "%c%u", data ? 'D' : 'L', i);
    m++;
  }
  dvm_vm_container c = {DVM_VM_CONTAINER_VERSION, (uint32_t)below(2), code, slots * 8, ro, ro_len, ex, nex, sy, m};
  round_trip("program", seed, &c);
  free(code);
  free(ro);
  free(ex);
  free(sy);
}

/* ---- 2. random raw slots ---- */
static void gen_raw(uint64_t seed) {
  rng_state = seed * 0xbf58476d1ce4e5b9ull + 7;
  uint32_t slots = 1 + below(64);
  uint8_t *code = malloc((size_t)slots * 8);
  for (uint32_t i = 0; i < slots * 8; i++) code[i] = (uint8_t)rnd();
  /* bias some slots towards real opcodes with stray fields */
  size_t ntab;
  const dvm_vm_isa_entry *tab = dvm_vm_isa_table(&ntab);
  for (uint32_t i = 0; i < slots; i++)
    if (below(2)) code[i * 8] = tab[below((uint32_t)ntab)].opcode;
  dvm_vm_container c = {DVM_VM_CONTAINER_VERSION, 0, code, slots * 8, NULL, 0, NULL, 0, NULL, 0};
  round_trip("raw", seed, &c);
  free(code);
}

/* ---- 3. the container parser ---- */
static void check_parser(uint64_t seed) {
  rng_state = seed * 0x94d049bb133111ebull + 3;
  /* a valid container with every section */
  uint8_t code[24] = {0xb7, 0, 0, 0, 1, 0, 0, 0, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
  uint8_t ro[5] = {1, 2, 3, 4, 5};
  dvm_vm_export ex[2] = {{0, 4, "main"}, {2, 3, "end"}};
  dvm_vm_symbol sy[2] = {{1, 0, 4, "skip"}, {3, 1, 4, "data"}};
  dvm_vm_container c = {1, 1, code, sizeof code, ro, sizeof ro, ex, 2, sy, 2};
  uint8_t *b = NULL, *b2 = NULL;
  size_t l = 0, l2 = 0;
  if (dvm_vm_container_write(&c, &b, &l)) {
    failures++;
    return;
  }
  dvm_vm_container p;
  dvm_vm_error err;
  if (dvm_vm_container_parse(&p, b, l, &err) || dvm_vm_container_write(&p, &b2, &l2) || l2 != l || memcmp(b, b2, l)) {
    fprintf(stderr, "parser: valid container not canonical\n");
    failures++;
  }
  if (p.export_count != 2 || strcmp(p.exports[0].name, "end") || p.symbol_count != 2 || p.flags != 1) {
    fprintf(stderr, "parser: content lost\n");
    failures++;
  }
  dvm_vm_container_free(&p);
  free(b2);
  b2 = NULL;
  for (size_t cut = 0; cut < l; cut++) {
    uint8_t *t = malloc(cut ? cut : 1);
    memcpy(t, b, cut);
    if (dvm_vm_container_parse(&p, t, cut, &err) == 0) {
      fprintf(stderr, "parser: accepted a container truncated to %zu bytes\n", cut);
      failures++;
      dvm_vm_container_free(&p);
    }
    free(t);
  }
  for (int k = 0; k < 400; k++) {
    uint8_t *t = malloc(l);
    memcpy(t, b, l);
    int flips = 1 + (int)below(4);
    for (int f = 0; f < flips; f++) t[below((uint32_t)l)] ^= (uint8_t)(1u << below(8));
    if (dvm_vm_container_parse(&p, t, l, &err) == 0) {
      if (dvm_vm_container_write(&p, &b2, &l2) || l2 != l || memcmp(t, b2, l)) {
        fprintf(stderr, "parser: accepted bytes that do not write back identically\n");
        failures++;
      }
      free(b2);
      b2 = NULL;
      dvm_vm_container_free(&p);
    }
    free(t);
  }
  free(b);
}

/* ---- 4. the assembler on junk ---- */
static const char *const soup[] = {
  "mov", "%r1", "%r10", "%r99", "r1", "w2", ",", "[", "]", "(", ")", "+", "-", "*", "=", "+=", "s>>=", "ll", "goto",
  "if", "call", "local", "lock", "fetch", "add", "exit", "ja", "ja32", "lddw", "L1", "L1:", ".globl", ".rodata",
  ".text", ".equ", ".byte", ".asciz", "\"s\\x41\"", "\"open", "0x", "0x10", "-2147483649", "99999999999999999999",
  "#", "//", "/*", "*/", ":", "\n", "\n", "\n", " ", "\t", "*(u64 *)", "(r10 - 8)", "atomic_fetch_add", ".include",
  "\"\"", ".insn", ".p2align", "17", "exit:", "ldxdw", "[%r1+8]", "stw", "jeq", "%r0", "1", "2", ".section",
  ".data", "\xff", "\x01", "be16", "swap64", "movsx832", "((((", "~", "/", "0", "%", "cmpxchg_64", "r0",
};

static void junk(uint64_t seed) {
  rng_state = seed * 0xd6e8feb86659fd93ull + 11;
  char buf[2048];
  size_t n = 0;
  int raw = below(4) == 0;
  while (n < sizeof buf - 40) {
    if (raw) {
      buf[n++] = (char)rnd();
      if (below(64) == 0) break;
      continue;
    }
    const char *w = soup[below(sizeof soup / sizeof *soup)];
    size_t wl = strlen(w);
    memcpy(buf + n, w, wl);
    n += wl;
    buf[n++] = below(3) ? ' ' : '\n';
    if (below(200) == 0) break;
  }
  dvm_asm_output o;
  char *diag = NULL;
  int rc = dvm_asm_assemble("junk.s", buf, n, NULL, &o, &diag);
  if (rc > 0 && (!diag || !strstr(diag, "error: "))) {
    fprintf(stderr, "junk seed %llu: rejected without a diagnostic\n", (unsigned long long)seed);
    failures++;
  }
  if (rc == 0) {
    /* whatever assembles must also round-trip */
    round_trip("junk", seed, &o.c);
    dvm_asm_output_free(&o);
  }
  free(diag);
}

int main(int argc, char **argv) {
  int scale = argc > 1 ? atoi(argv[1]) : 1;
  if (scale < 1) scale = 1;
  int programs = 500 * scale, raws = 500 * scale, parsers = 20 * scale, junks = 3000 * scale;
  for (int s = 1; s <= programs; s++) gen_program((uint64_t)s);
  for (int s = 1; s <= raws; s++) gen_raw((uint64_t)s);
  for (int s = 1; s <= parsers; s++) check_parser((uint64_t)s);
  for (int s = 1; s <= junks; s++) junk((uint64_t)s);
  printf("%d generated programs, %d raw programs, %d parser rounds, %d junk inputs: %d failures\n", programs, raws,
         parsers, junks, failures);
  return failures ? 1 : 0;
}
