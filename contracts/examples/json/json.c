/* json.c — the JSON library (jsonlib.c, ordinary portable C) as a DVM
 * contract. jsonlib.c is included with JSON_API static so that only the
 * entry points below are exported (json.abi.json lists them).
 *
 *   json_stats(text)          -> u32 tokens, u32 depth, u32 count[7]
 *                                (object, array, string, number, true,
 *                                false, null; object keys count as strings)
 *   json_get(u8 n, path[n], text) -> u8 type, then the value: a string
 *                                unescaped (UTF-8), anything else as written
 *   json_sum(text)            -> i64 sum of every number (fx, 1e9), u32 count
 *   json_minify(text)         -> the text without insignificant whitespace
 *
 * A document that is not JSON, or a path that names nothing, reverts with
 * a message. Built natively (-DDVM_CONTRACT_HOST, dvm_host.h) the same
 * file gives the reference the tests compare `dvm exec` with. */
#define JSON_API static
#include "jsonlib.c"

#include <stdlib.h>
#include <string.h>

#include "dvm_contract.h"

#define MAX_TOKENS 128 /* 128 x 20 bytes: a 2.5 KiB local, over clang-14's 512-byte limit */

/* Decimal digits of v into out (at least 20 bytes); their count. */
static size_t fmt_u64(char *out, u64 v) {
  char tmp[20];
  size_t n = 0;
  do tmp[n++] = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

/* Revert with "<what> at byte <pos>". */
static void fail_at(const char *what, u64 pos) {
  char msg[96];
  size_t n = strlen(what);
  memcpy(msg, what, n);
  memcpy(msg + n, " at byte ", 9);
  n += 9;
  n += fmt_u64(msg + n, pos);
  dvm_revert(msg, n);
}

static int parse_or_revert(json_parser *p, const u8 *text, u64 len, json_tok *toks) {
  int n = json_parse(p, (const char *)text, len, toks, MAX_TOKENS);
  if (n >= 0) return n;
  switch (n) {
  case JSON_ERR_NOMEM: fail_at("json: more than 128 tokens", p->pos); break;
  case JSON_ERR_PART: fail_at("json: unexpected end", p->pos); break;
  case JSON_ERR_DEPTH: fail_at("json: nested too deep", p->pos); break;
  default: fail_at("json: invalid", p->pos); break;
  }
  return -1;
}

static void put_u32(u8 *o, u32 v) {
  for (int i = 0; i < 4; i++) o[i] = (u8)(v >> 8 * i);
}

DVM_ENTRY u64 json_stats(const u8 *input, u64 len) {
  json_tok toks[MAX_TOKENS];
  json_parser p;
  int n = parse_or_revert(&p, input, len, toks);
  u32 count[JSON_NTYPES] = {0};
  for (int i = 0; i < n; i++) count[toks[i].type]++;
  u8 out[36];
  put_u32(out, (u32)n);
  put_u32(out + 4, p.max_depth);
  for (int t = 1; t < JSON_NTYPES; t++) put_u32(out + 8 + 4 * (t - 1), count[t]);
  dvm_return(out, sizeof out);
  return 0;
}

DVM_ENTRY u64 json_get(const u8 *input, u64 len) {
  static const char short_input[] = "json_get: input is u8 path length, path, document";
  if (len < 1 || len < 1u + input[0]) {
    dvm_revert(short_input, sizeof short_input - 1);
    return 1;
  }
  u64 plen = input[0];
  const char *path = (const char *)input + 1;
  json_tok toks[MAX_TOKENS];
  json_parser p;
  int n = parse_or_revert(&p, input + 1 + plen, len - 1 - plen, toks);
  int i = json_path(p.js, toks, (u32)n, path, plen);
  if (i < 0) {
    char msg[300] = "json_get: no value at ";
    size_t m = strlen(msg);
    memcpy(msg + m, path, plen);
    dvm_revert(msg, m + plen);
    return 1;
  }
  const json_tok *t = &toks[i];
  u64 vlen = t->end - t->start;
  char *out = malloc(vlen + 1); /* an unescaped string is never longer */
  out[0] = (char)t->type;
  if (t->type == JSON_STRING) vlen = (u64)json_unescape(p.js, t, out + 1, vlen);
  else memcpy(out + 1, p.js + t->start, vlen);
  dvm_return(out, vlen + 1);
  return 0;
}

DVM_ENTRY u64 json_sum(const u8 *input, u64 len) {
  json_tok toks[MAX_TOKENS];
  json_parser p;
  int n = parse_or_revert(&p, input, len, toks);
  i64 sum = 0;
  u32 count = 0;
  for (int i = 0; i < n; i++) {
    if (toks[i].type != JSON_NUMBER) continue;
    i64 v;
    if (json_number_fx(p.js + toks[i].start, toks[i].end - toks[i].start, &v) ||
        __builtin_add_overflow(sum, v, &sum)) {
      fail_at("json_sum: number out of range", toks[i].start);
      return 1;
    }
    count++;
  }
  u8 out[12];
  for (int k = 0; k < 8; k++) out[k] = (u8)((u64)sum >> 8 * k);
  put_u32(out + 8, count);
  dvm_return(out, sizeof out);
  return 0;
}

DVM_ENTRY u64 json_minify(const u8 *input, u64 len) {
  json_tok toks[MAX_TOKENS];
  json_parser p;
  parse_or_revert(&p, input, len, toks);
  char *out = malloc(len);
  dvm_return(out, json_minify_text(p.js, len, out));
  return 0;
}

#ifdef DVM_CONTRACT_HOST
#include "dvm_host.h"
DVM_HOST_MAIN(DVM_HOST_METHOD(json_stats), DVM_HOST_METHOD(json_get), DVM_HOST_METHOD(json_sum),
              DVM_HOST_METHOD(json_minify))
#endif
