/* test_trace.c — the instruction trace of spec/trace.md, field by field,
 * on small known transactions (tests/replay/tiny.s), through the engine the
 * node's dvm_traceTransaction calls (dvm_rt_chain_trace_tx):
 *
 *   test_trace DIR CONTRACTS_DIR   builds a 3-block chain in DIR, checks
 *       the traces of a plain call (f), of a nested call (g -> f, depth 2)
 *       and of a transfer (summary only), and writes the trace of the
 *       nested call to DIR.g.jsonl and its id to DIR.g.id, which the shell
 *       test compares with `dvm replay --trace`. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainkit.h"

static int failures, passes;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) passes++;                                    \
    else {                                                 \
      failures++;                                          \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fputc('\n', stderr);                                 \
    }                                                      \
  } while (0)

typedef struct lines {
  char **v;
  size_t n;
} lines;

static int collect(void *ctx, const char *line, size_t len) {
  lines *l = ctx;
  l->v = realloc(l->v, (l->n + 1) * sizeof *l->v);
  l->v[l->n] = malloc(len + 1);
  memcpy(l->v[l->n], line, len + 1);
  l->n++;
  return 0;
}

static void lines_free(lines *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

/* Registers as the trace prints them. */
static void regs(char *out, size_t cap, const uint64_t r[11]) {
  size_t n = (size_t)snprintf(out, cap, "[");
  for (int i = 0; i < 11; i++) n += (size_t)snprintf(out + n, cap - n, "%s\"0x%" PRIx64 "\"", i ? "," : "", r[i]);
  snprintf(out + n, cap - n, "]");
}

static void expect_line(const lines *l, size_t i, uint32_t pc, unsigned op, const char *name, uint64_t gas,
                        uint64_t cost, unsigned depth, const uint64_t r[11], const char *tail) {
  char want[1024], rg[600];
  regs(rg, sizeof rg, r);
  snprintf(want, sizeof want,
           "{\"pc\":%u,\"op\":%u,\"name\":\"%s\",\"gas\":%" PRIu64 ",\"gasCost\":%" PRIu64
           ",\"depth\":%u,\"frame\":0,\"regs\":%s%s}",
           pc, op, name, gas, cost, depth, rg, tail);
  CHECK(i < l->n && !strcmp(l->v[i], want), "line %zu:\n  got  %s\n  want %s", i, i < l->n ? l->v[i] : "(none)", want);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_trace DIR CONTRACTS_DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  char path[600], e[256];
  ck_key k[2];
  ck_key_make(&k[0], 0);
  ck_key_make(&k[1], 1);
  dvm_rt_chain *c;
  if (dvm_rt_chain_open(dir, NULL, &c, e)) {
    fprintf(stderr, "open: %s\n", e);
    return 1;
  }
  char *g = ck_genesis(k, 2);
  if (dvm_rt_chain_genesis(c, g, strlen(g))) return 1;
  free(g);
  snprintf(path, sizeof path, "%s/tiny.s", argv[2]);
  size_t clen;
  uint8_t *code = ck_assemble(path, &clen);
  uint8_t a[32], b[32], dest[32];
  dvm_tx_contract_address(k[1].pk, 0, a);
  dvm_tx_contract_address(k[1].pk, 1, b);
  memset(dest, 0x77, 32);
  ck_tx t[4];
  dvm_rt_block_info info;
  int rej[4];
  ck_deploy(&t[0], &k[1], 0, code, clen, 0, 10000000);
  ck_deploy(&t[1], &k[1], 1, code, clen, 0, 10000000);
  if (ck_block(c, t, 2, 1700000001, rej, &info) || rej[0] || rej[1]) return 1;
  free(t[0].bytes);
  free(t[1].bytes);
  ck_call cf = {a, "f", NULL, 0, 100000, 0, 0};
  ck_call cg = {b, "g", a, 32, 100000, 0, 0};
  ck_calls(&t[0], &k[0], 0, &cf, 1, 1000000);
  ck_calls(&t[1], &k[0], 1, &cg, 1, 1000000);
  ck_transfer(&t[2], &k[0], 2, dest, 1, 5, 100000);
  if (ck_block(c, t, 3, 1700000002, rej, &info) || rej[0] || rej[1] || rej[2]) return 1;
  uint8_t root2[32];
  memcpy(root2, info.state_root, 32);
  char rh[65];
  dvm_hex_encode(root2, 32, rh);
  /* a third block, so that the traced block is not the head */
  ck_tx t3;
  ck_transfer(&t3, &k[1], 2, dest, 1, 6, 100000);
  if (ck_block(c, &t3, 1, 1700000003, rej, &info) || rej[0]) return 1;

  /* f: five instructions at depth 1; block_height costs 10 (spec/syscalls.md). */
  lines l = {0};
  int rc = dvm_rt_chain_trace_tx(c, t[0].id, collect, &l, e);
  CHECK(rc == DVM_RT_OK, "trace f: %d %s", rc, e);
  CHECK(l.n == 6, "trace f: %zu lines", l.n);
  const uint64_t IN = 0x400000000ull, FP = 0x200001000ull;
  uint64_t r[11] = {0, IN, 0, 0, 0, 0, 0, 0, 0, 0, FP};
  expect_line(&l, 0, 0, 0xb7, "mov", 100000, 1, 1, r, "");
  r[6] = 7;
  expect_line(&l, 1, 1, 0x07, "add", 99999, 1, 1, r, "");
  r[6] = 12;
  expect_line(&l, 2, 2, 0x85, "call", 99998, 11, 1, r,
              ",\"syscall\":\"dvm_block_height\",\"args\":[\"0x400000000\",\"0x0\",\"0x0\",\"0x0\",\"0x0\"]");
  r[0] = 2;
  expect_line(&l, 3, 3, 0x0f, "add", 99987, 1, 1, r, "");
  r[0] = 14;
  expect_line(&l, 4, 4, 0x95, "exit", 99986, 1, 1, r, "");
  char want[1024], idh[65];
  dvm_hex_encode(t[0].id, 32, idh);
  /* gas used: intrinsic (15000 + 8 per byte + 500 per call) + 15 */
  dvm_rt_receipt rcpt;
  uint8_t *raw;
  ck_receipt(c, t[0].id, &rcpt, &raw);
  CHECK(rcpt.calls[0].gas_used == 15 && rcpt.calls[0].r0 == 14, "f: gas %" PRIu64 " r0 %" PRIu64,
        rcpt.calls[0].gas_used, rcpt.calls[0].r0);
  CHECK(rcpt.gas_used == 15000 + 8 * t[0].len + 500 + 15, "f: tx gas %" PRIu64, rcpt.gas_used);
  snprintf(want, sizeof want,
           "{\"stateRoot\":\"%s\",\"output\":\"\",\"gasUsed\":%" PRIu64 ",\"status\":\"ok\",\"tx\":\"%s\",\"block\":2,"
           "\"index\":0,\"steps\":5}",
           rh, rcpt.gas_used, idh);
  CHECK(l.n == 6 && !strcmp(l.v[5], want), "summary:\n  got  %s\n  want %s", l.n == 6 ? l.v[5] : "", want);
  dvm_rt_receipt_free(&rcpt);
  free(raw);
  lines_free(&l);

  /* g -> f: 20 lines of g up to its dvm_call, 5 of f at depth 2, g's exit. */
  rc = dvm_rt_chain_trace_tx(c, t[1].id, collect, &l, e);
  CHECK(rc == DVM_RT_OK && l.n == 20 + 5 + 1 + 1, "trace g: rc %d, %zu lines", rc, l.n);
  if (l.n == 27) {
    /* the call: slot 25 (g starts at slot 5, its lddw takes two slots),
     * 100000 - 19 gas left; it
     * costs 1 + G_CALL 1000 + 0 input bytes + the 1000 handed to f */
    CHECK(strstr(l.v[19], "{\"pc\":25,\"op\":133,\"name\":\"call\",\"gas\":99981,\"gasCost\":2001,\"depth\":1,") == l.v[19],
          "g call line: %s", l.v[19]);
    CHECK(strstr(l.v[19], "\"syscall\":\"dvm_call\",\"args\":[\"0x200000fa0\",") != NULL, "g call args: %s", l.v[19]);
    CHECK(strstr(l.v[20], "{\"pc\":0,\"op\":183,\"name\":\"mov\",\"gas\":1000,\"gasCost\":1,\"depth\":2,") == l.v[20],
          "f line at depth 2: %s", l.v[20]);
    CHECK(strstr(l.v[24], "{\"pc\":4,\"op\":149,\"name\":\"exit\",\"gas\":986,\"gasCost\":1,\"depth\":2,") == l.v[24],
          "f exit at depth 2: %s", l.v[24]);
    /* f used 15 of its 1000: 985 come back to g */
    CHECK(strstr(l.v[25], "{\"pc\":26,\"op\":149,\"name\":\"exit\",\"gas\":98965,\"gasCost\":1,\"depth\":1,") == l.v[25],
          "g exit: %s", l.v[25]);
    CHECK(strstr(l.v[26], "\"status\":\"ok\"") && strstr(l.v[26], "\"steps\":26}"), "g summary: %s", l.v[26]);
  }
  snprintf(path, sizeof path, "%s.g.jsonl", dir);
  FILE *f = fopen(path, "w");
  for (size_t i = 0; f && i < l.n; i++) fprintf(f, "%s\n", l.v[i]);
  if (f) fclose(f);
  snprintf(path, sizeof path, "%s.g.id", dir);
  f = fopen(path, "w");
  dvm_hex_encode(t[1].id, 32, idh);
  if (f) fprintf(f, "%s\n", idh), fclose(f);
  lines_free(&l);

  /* a transfer runs no instruction: the summary only */
  rc = dvm_rt_chain_trace_tx(c, t[2].id, collect, &l, e);
  CHECK(rc == DVM_RT_OK && l.n == 1 && strstr(l.v[0], "\"status\":\"ok\"") && strstr(l.v[0], "\"steps\":0}"),
        "transfer trace: %zu lines: %s", l.n, l.n ? l.v[0] : "");
  lines_free(&l);

  /* an unknown transaction */
  uint8_t none[32] = {1};
  rc = dvm_rt_chain_trace_tx(c, none, collect, &l, e);
  CHECK(rc == DVM_RT_ERR_NOTFOUND && l.n == 0, "unknown tx: rc %d", rc);

  for (int i = 0; i < 3; i++) free(t[i].bytes);
  free(t3.bytes);
  free(code);
  dvm_rt_chain_close(c);
  printf("%d passed, %d failed\n", passes, failures);
  return failures ? 1 : 0;
}
