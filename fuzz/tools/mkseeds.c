/* mkseeds.c — writes the seed corpora and dictionaries of fuzz/:
 *   fuzz_mkseeds CONFORMANCE_DIR OUT_DIR [EXTRA.s ...]
 * CONFORMANCE_DIR is ../shared/conformance/bpf_conformance (tests/ and
 * negative/ inside). For every conformance test it writes
 *   OUT/corpus/asm/conf_<name>.s          its assembly text
 *   OUT/corpus/verify_exec/conf_<name>    header + raw code
 *   OUT/corpus/diff_interp/conf_<name>    raw-mode header + its -- mem + code
 * plus generated-mode seeds for diff_interp and verify_exec, containers with
 * rodata and exports, and each EXTRA.s (contracts, hand-written edge cases)
 * for asm and, assembled, for verify_exec and diff_interp; transactions of
 * every kind, blocks, headers and genesis documents for tx_decode; chains
 * of blocks (splitmix bytes) for diff_block. Dictionaries:
 * OUT/dict/asm.dict (mnemonics, registers, directives, syscall names) and
 * OUT/dict/bytecode.dict (opcodes, whole instructions, container magic).
 * Input layouts are those documented in fuzz_<target>.c. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "assembler.h"
#include "bpf_data.h"
#include "chainkit.h"
#include "fuzz_rtnames.h"
#include "progen.h"

static const char *out_dir;
static unsigned written;

static void put(const char *target, const char *name, const void *a, size_t al, const void *b,
                size_t bl, const void *c, size_t cl) {
  char path[4096];
  snprintf(path, sizeof path, "%s/corpus/%s/%s", out_dir, target, name);
  FILE *f = fopen(path, "wb");
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    exit(1);
  }
  if (al) fwrite(a, 1, al, f);
  if (bl) fwrite(b, 1, bl, f);
  if (cl) fwrite(c, 1, cl, f);
  fclose(f);
  written++;
}

/* Seeds of one assembled program: raw code for verify_exec and
 * diff_interp (with mem as its heap), the container for verify_exec. */
static void put_program(const char *name, const dvm_asm_output *o, const uint8_t *mem, size_t mem_len,
                        int rt) {
  char n[512];
  uint8_t vh[3] = {(uint8_t)(0x04 | (rt ? 2 : 0)) /* raw, gas 5000 */, 0, 0};
  uint8_t dh[16] = {7 /* raw */, 5 /* gas 200000 */, 0, 0, 0, 16 /* input bytes */};
  if (mem_len > 4096) mem_len = 4096;
  dh[14] = (uint8_t)mem_len;
  dh[15] = (uint8_t)(mem_len >> 8);
  snprintf(n, sizeof n, "%s", name);
  put("verify_exec", n, vh, 3, o->c.code, o->c.code_len, NULL, 0);
  put("diff_interp", n, dh, 16, mem, mem_len, o->c.code, o->c.code_len);
  if (o->c.rodata_len || o->c.export_count) {
    uint8_t *bytes = NULL;
    size_t len = 0;
    uint8_t ch[3] = {(uint8_t)(0x05 | (rt ? 2 : 0)) /* container, gas 5000 */, 0, 8};
    if (dvm_asm_output_write(o, &bytes, &len) == 0) {
      snprintf(n, sizeof n, "%s.dvm", name);
      put("verify_exec", n, ch, 3, "inputinp", 8, bytes, len);
      free(bytes);
    }
  }
}

static char *compact(const char *t) {
  /* drop the blank lines bpf_data keeps for line numbers */
  size_t n = strlen(t), k = 0;
  char *o = malloc(n + 1);
  int at_start = 1;
  for (size_t i = 0; i < n; i++) {
    if (t[i] == '\n' && at_start) continue;
    o[k++] = t[i];
    at_start = t[i] == '\n';
  }
  o[k] = 0;
  return o;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void conformance(const char *dir, const char *prefix) {
  DIR *d = opendir(dir);
  char *names[2048];
  size_t n = 0;
  struct dirent *e;
  if (!d) {
    fprintf(stderr, "%s: %s\n", dir, strerror(errno));
    exit(1);
  }
  while ((e = readdir(d)) && n < 2048) {
    size_t l = strlen(e->d_name);
    if (l > 5 && !strcmp(e->d_name + l - 5, ".data")) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    char path[4096], err[256], base[512];
    dvm_bpf_data bd;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    snprintf(base, sizeof base, "%s%.*s", prefix, (int)(strlen(names[i]) - 5), names[i]);
    if (dvm_bpf_data_load(path, &bd, err, sizeof err)) {
      fprintf(stderr, "skip %s\n", err);
      free(names[i]);
      continue;
    }
    if (bd.asm_text) {
      char *t = compact(bd.asm_text), an[600];
      snprintf(an, sizeof an, "%s.s", base);
      put("asm", an, t, strlen(t), NULL, 0, NULL, 0);
      dvm_asm_output o;
      if (dvm_asm_assemble(path, bd.asm_text, bd.asm_len, NULL, &o, NULL) == 0) {
        put_program(base, &o, bd.mem, bd.mem_len, 0);
        dvm_asm_output_free(&o);
      }
      free(t);
    } else if (bd.raw) {
      uint8_t vh[3] = {0x04, 0, 0};
      put("verify_exec", base, vh, 3, bd.raw, bd.raw_len, NULL, 0);
    }
    dvm_bpf_data_free(&bd);
    free(names[i]);
  }
}

static void extra(const char *path) {
  FILE *f = fopen(path, "rb");
  static char buf[1 << 20];
  size_t len;
  const char *slash = strrchr(path, '/');
  char name[512];
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    exit(1);
  }
  len = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[len] = 0;
  snprintf(name, sizeof name, "x_%s", slash ? slash + 1 : path);
  put("asm", name, buf, len, NULL, 0, NULL, 0);
  dvm_asm_output o;
  char *diag = NULL;
  int rt = strstr(buf, "dvm_") != NULL; /* the asm target's rule for the table */
  if (dvm_asm_assemble(path, buf, len, rt ? fuzz_rt_names() : progen_syscalls(), &o, &diag) == 0) {
    char *dot = strrchr(name, '.');
    if (dot) *dot = 0;
    put_program(name, &o, NULL, 0, rt);
    dvm_asm_output_free(&o);
  } else if (diag && strstr(path, "err_") == NULL) {
    fprintf(stderr, "note: %s does not assemble:\n%s", path, diag);
  }
  free(diag);
}

/* Generated-mode seeds: a spread of headers (gas, heap, input) in front
 * of splitmix bytes that drive progen. */
static void generated(void) {
  static uint8_t bytes[4096], code[1024 * 8];
  for (int i = 0; i < 48; i++) {
    uint64_t st = 0xf0220000u + (uint64_t)i;
    for (size_t k = 0; k < sizeof bytes; k += 8) {
      uint64_t v = progen_splitmix(&st);
      memcpy(bytes + k, &v, 8);
    }
    uint8_t h[14] = {(uint8_t)(i & 6), (uint8_t)(i % 8), (uint8_t)(i * 37), (uint8_t)(i % 8),
                     (uint8_t)(i * 11), (uint8_t)(i * 5)};
    if ((h[3] & 7) == 7) h[3] = 0; /* mostly keep a heap */
    memcpy(h + 6, bytes + 8, 8);
    size_t len = 256 + (size_t)(i % 8) * 384;
    char name[64];
    snprintf(name, sizeof name, "gen_%02d", i);
    put("diff_interp", name, h, sizeof h, bytes + 64, len, NULL, 0);
    if (i < 16) { /* the same programs as raw code for verify_exec */
      progen_src s = {bytes + 64, len, 0};
      uint32_t slots = progen_program(&s, code, 1024);
      uint8_t vh[3] = {(uint8_t)(0x04 | ((i & 1) ? 0x08 : 0)), 0, 32};
      put("verify_exec", name, vh, 3, bytes, 32, code, (size_t)slots * 8);
    }
  }
}

static void dicts(void) {
  char path[4096];
  size_t n;
  const dvm_vm_isa_entry *t = dvm_vm_isa_table(&n);
  snprintf(path, sizeof path, "%s/dict/asm.dict", out_dir);
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno));
    exit(1);
  }
  fprintf(f, "# asm.dict — generated by fuzz/tools/mkseeds.c: mnemonics, registers,\n"
             "# directives, syscall names, LLVM pseudo-C tokens.\n");
  const char *last = "";
  for (size_t i = 0; i < n; i++) {
    if (!strcmp(t[i].name, last)) continue;
    last = t[i].name;
    fprintf(f, "m_%zu=\"%s \"\n", i, t[i].name);
  }
  for (int r = 0; r <= 11; r++) fprintf(f, "reg_%d=\"%%r%d\"\nllreg_%d=\"r%d\"\nw_%d=\"w%d\"\n", r, r, r, r, r, r);
  static const char *const dirs[] = {
      ".2byte", ".4byte", ".8byte", ".addrsig", ".addrsig_sym", ".align", ".ascii", ".asciz",
      ".balign", ".bss", ".byte", ".data", ".dvm_reentrant", ".dword", ".equ", ".file",
      ".global", ".globl", ".half", ".hidden", ".hword", ".ident", ".include", ".insn", ".int",
      ".internal", ".loc", ".local", ".long", ".p2align", ".popsection", ".previous",
      ".protected", ".pushsection", ".quad", ".rodata", ".section", ".set", ".short", ".size",
      ".skip", ".space", ".string", ".text", ".type", ".weak", ".word", ".zero"};
  for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) fprintf(f, "d_%zu=\"%s \"\n", i, dirs[i]);
  static const char *const toks[] = {
      "[%r10-8]", "[%r1+4]", "%r10", "0x", "-0x8000000000000000", "0xffffffffffffffff",
      "lddw %r0, ", "call local ", "call ", "exit", "ja ", "ja32 ", "lock ", "fetch ", "L1:",
      "*(u64 *)(r10 - 8)", "*(u32 *)(r1 + 4)", "*(u8 *)", "*(u16 *)", " = ", " += ", " <<= ",
      " s>>= ", " s> ", " s< ", " s>= ", " s<= ", " & ", " ll", "goto ", "if ", "LBB0_1:",
      ".L.str", "bswap16 ", "be64 ", "le32 ", "lock *(u64 *)(r1 + 0) += r2", "atomic_fetch_add",
      "xchg", "cmpxchg", "\\x00", "\\n", "\"", "#", ";", ":", ",", "-- asm", "@function", "@object",
      ".section .rodata", ".section .text", "main:", ".globl main"};
  for (size_t i = 0; i < sizeof toks / sizeof toks[0]; i++) {
    fprintf(f, "t_%zu=\"", i);
    for (const char *c = toks[i]; *c; c++)
      if (*c == '"' || *c == '\\') fprintf(f, "\\%c", *c);
      else fputc(*c, f);
    fprintf(f, "\"\n");
  }
  const dvm_vm_syscall_table *sc = progen_syscalls();
  for (uint32_t i = 0; i < sc->count; i++) fprintf(f, "sc_%u=\"%s\"\n", i, sc->names[i]);
  fclose(f);

  snprintf(path, sizeof path, "%s/dict/bytecode.dict", out_dir);
  f = fopen(path, "w");
  if (!f) exit(1);
  fprintf(f, "# bytecode.dict — generated by fuzz/tools/mkseeds.c: every opcode byte,\n"
             "# one canonical instruction per ISA entry, syscalls 0..4, container magic.\n");
  unsigned last_op = 256;
  for (size_t i = 0; i < n; i++) {
    if (t[i].opcode != last_op) fprintf(f, "op_%02x=\"\\x%02x\"\n", t[i].opcode, t[i].opcode);
    last_op = t[i].opcode;
    dvm_vm_insn in = {t[i].opcode, 0x21, 0, 0};
    if (t[i].match == DVM_MATCH_OFF) in.off = (int16_t)t[i].match_val;
    if (t[i].match == DVM_MATCH_IMM) in.imm = t[i].match_val;
    if (t[i].match == DVM_MATCH_SRC) in.regs = (uint8_t)(t[i].match_val << 4);
    if (t[i].fmt == DVM_FMT_ALU_IMM || t[i].fmt == DVM_FMT_UNARY || t[i].fmt == DVM_FMT_ENDIAN ||
        t[i].fmt == DVM_FMT_LDDW || t[i].fmt == DVM_FMT_JMP_IMM)
      in.regs = 1;
    if (t[i].fmt == DVM_FMT_JA || t[i].fmt == DVM_FMT_JA32 || t[i].fmt == DVM_FMT_EXIT ||
        t[i].fmt == DVM_FMT_CALL || t[i].fmt == DVM_FMT_CALL_LOCAL)
      in.regs &= 0xf0;
    uint8_t b[8];
    dvm_vm_insn_encode(&in, b);
    fprintf(f, "i_%zu=\"", i);
    for (int k = 0; k < 8; k++) fprintf(f, "\\x%02x", b[k]);
    fprintf(f, "\"\n");
  }
  for (int s = 0; s < 5; s++) fprintf(f, "syscall_%d=\"\\x85\\x00\\x00\\x00\\x%02x\\x00\\x00\\x00\"\n", s, s);
  fprintf(f, "exit=\"\\x95\\x00\\x00\\x00\\x00\\x00\\x00\\x00\"\n");
  fprintf(f, "magic=\"DVMC\"\n");
  fprintf(f, "heap_addr=\"\\x00\\x00\\x00\\x00\\x03\\x00\\x00\\x00\"\n");
  fprintf(f, "stack_addr=\"\\x00\\x10\\x00\\x00\\x02\\x00\\x00\\x00\"\n");
  fclose(f);
}

static void put_prefixed(const char *target, const char *name, uint8_t prefix, const void *b, size_t n) {
  put(target, name, &prefix, 1, b, n, NULL, 0);
}

/* tx_decode: byte 0 picks the decoder (fuzz_tx_decode.c). */
static void tx_seeds(const char *root) {
  ck_key k[4];
  ck_tx t[8];
  char path[4096], name[64];
  size_t code_len = 0, nt = 0;
  for (uint32_t i = 0; i < 4; i++) ck_key_make(&k[i], i);
  snprintf(path, sizeof path, "%s/tests/runtime/contracts/bouncer.s", root);
  uint8_t *code = ck_assemble(path, &code_len);
  uint8_t to[32], input[40];
  memset(to, 0x22, sizeof to);
  for (size_t i = 0; i < sizeof input; i++) input[i] = (uint8_t)i;
  ck_transfer(&t[nt++], &k[1], 0, to, 1, 12345, 30000);
  ck_deploy(&t[nt++], &k[1], 1, code, code_len, 50000, 1000000);
  ck_call calls[3] = {{to, "inc", NULL, 0, 20000, 0, 0},
                      {to, "place_order", input, sizeof input, 50000, 1, 77},
                      {to, "ping", input, 32, 1000, 2, 1}};
  ck_calls(&t[nt++], &k[2], 0, calls, 3, 200000);
  ck_calls(&t[nt++], &k[2], 1, calls, 1, 30000);
  ck_oracle(&t[nt++], &k[0], 0, 3, -5000000000ll, 1700000100u, 20000);
  for (size_t i = 0; i < nt; i++) {
    snprintf(name, sizeof name, "tx_%zu", i);
    put_prefixed("tx_decode", name, 0, t[i].bytes, t[i].len);
    snprintf(name, sizeof name, "tx_%zu_cut", i);
    put_prefixed("tx_decode", name, 1, t[i].bytes, t[i].len / 2);
  }
  dvm_tx_block_header h;
  memset(&h, 0, sizeof h);
  h.version = DVM_BLOCK_VERSION;
  h.height = 7;
  h.time = 1700000042u;
  memset(h.parent, 0xab, 32);
  memset(h.state_root, 0x5a, 32);
  uint8_t hb[DVM_BLOCK_HEADER_BYTES];
  dvm_tx_block_header_encode(&h, hb);
  put_prefixed("tx_decode", "header", 3, hb, sizeof hb);
  const uint8_t *bt[8];
  uint32_t bl[8];
  for (size_t i = 0; i < nt; i++) {
    bt[i] = t[i].bytes;
    bl[i] = (uint32_t)t[i].len;
  }
  for (uint32_t n = 0; n <= nt; n += 2) {
    uint8_t *blk = NULL;
    size_t blen = 0;
    if (dvm_tx_block_encode(&h, bt, bl, n, &blk, &blen) == 0) {
      snprintf(name, sizeof name, "block_%u", n);
      put_prefixed("tx_decode", name, 2, blk, blen);
      free(blk);
    }
  }
  char *gen = ck_genesis(k, 4);
  put_prefixed("tx_decode", "genesis", 4, gen, strlen(gen));
  free(gen);
  static const char spec_genesis[] =
      "{\"chain_id\": \"dvm-devnet\", \"time\": 1700000000, \"assets\": [{\"id\": 0, "
      "\"symbol\": \"GAS\", \"decimals\": 9}, {\"id\": 1, \"symbol\": \"USD\", \"decimals\": 6}], "
      "\"balances\": [{\"address\": \"1111111111111111111111111111111111111111111111111111111111111111\", "
      "\"asset\": 0, \"amount\": \"1000000000000000000\"}], \"authorities\": "
      "[\"2222222222222222222222222222222222222222222222222222222222222222\"]}";
  put_prefixed("tx_decode", "genesis_spec", 4, spec_genesis, strlen(spec_genesis));
  static const char bad[] = "{\"chain_id\": 5, \"x\": [1, 2.5e3, null, true, \"\\u0000\"]}";
  put_prefixed("tx_decode", "genesis_bad", 4, bad, strlen(bad));
  for (size_t i = 0; i < nt; i++) free(t[i].bytes);
  free(code);
}

/* diff_block: splitmix bytes of a spread of lengths (fuzz_diff_block.c). */
static void block_seeds(void) {
  static uint8_t bytes[1024];
  for (int i = 0; i < 24; i++) {
    uint64_t st = 0xb10c0000u + (uint64_t)i;
    for (size_t k = 0; k < sizeof bytes; k += 8) {
      uint64_t v = progen_splitmix(&st);
      memcpy(bytes + k, &v, 8);
    }
    bytes[0] = (uint8_t)(i % 7);
    char name[32];
    snprintf(name, sizeof name, "chain_%02d", i);
    put("diff_block", name, bytes, 64 + (size_t)i * 40, NULL, 0, NULL, 0);
  }
}

int main(int argc, char **argv) {
  char path[4096];
  if (argc < 3) {
    fprintf(stderr, "usage: %s CONFORMANCE_DIR OUT_DIR [EXTRA.s ...]\n", argv[0]);
    return 2;
  }
  out_dir = argv[2];
  snprintf(path, sizeof path, "%s/tests", argv[1]);
  conformance(path, "conf_");
  snprintf(path, sizeof path, "%s/negative", argv[1]);
  conformance(path, "neg_");
  for (int i = 3; i < argc; i++) extra(argv[i]);
  snprintf(path, sizeof path, "%s/..", out_dir);
  tx_seeds(path);
  block_seeds();
  generated();
  dicts();
  printf("%u seed files\n", written);
  return 0;
}
