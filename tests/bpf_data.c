/* bpf_data.c — parser for the conformance suite's .data files (bpf_data.h). */
#include "bpf_data.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_NONE, S_ASM, S_RAW, S_MEM, S_RESULT, S_ERROR, S_IGNORE };

typedef struct bytes {
  uint8_t *p;
  size_t len, cap;
} bytes;

static int bytes_put(bytes *b, const void *d, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
  return 0;
}

__attribute__((format(printf, 5, 6))) static int fail(dvm_bpf_data *d, char *err, size_t errlen, unsigned line, const char *fmt, ...) {
  dvm_bpf_data_free(d);
  if (err && errlen) {
    int n = snprintf(err, errlen, "%u: ", line);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen) vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
  }
  return -1;
}

static int hexv(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Parse an unsigned number: 0x hex or decimal, the whole token. */
static int parse_u64(const char *s, size_t n, uint64_t *out) {
  uint64_t v = 0;
  int base = 10;
  size_t i = 0;
  if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, i = 2;
  if (i >= n) return -1;
  for (; i < n; i++) {
    int d = hexv((unsigned char)s[i]);
    if (d < 0 || d >= base) return -1;
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) return -1;
    v = v * (uint64_t)base + (uint64_t)d;
  }
  *out = v;
  return 0;
}

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\r'; }

int dvm_bpf_data_parse(const char *text, size_t len, dvm_bpf_data *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  bytes asmb = {0}, raw = {0}, mem = {0}, errm = {0};
  int state = S_NONE, has_asm = 0;
  unsigned line = 0;
  size_t pos = 0;
  int rc = 0;
  char msg[160] = "";
#define FAIL(...) do { snprintf(msg, sizeof msg, __VA_ARGS__); rc = -1; goto done; } while (0)
  while (pos < len) {
    size_t end = pos;
    while (end < len && text[end] != '\n') end++;
    line++;
    const char *s = text + pos;
    size_t n = end - pos;
    while (n && is_space((unsigned char)s[n - 1])) n--;
    pos = end + 1;
    if (n >= 2 && s[0] == '-' && s[1] == '-') {
      const char *h = s + 2;
      size_t hn = n - 2;
      while (hn && is_space((unsigned char)*h)) h++, hn--;
#define IS(x) (hn == sizeof(x) - 1 && !memcmp(h, x, hn))
      if (IS("asm")) state = S_ASM, has_asm = 1, out->asm_line = out->asm_line ? out->asm_line : line;
      else if (IS("raw")) state = S_RAW, out->has_raw = 1;
      else if (IS("mem")) state = S_MEM, out->has_mem = 1;
      else if (IS("result")) state = S_RESULT;
      else if (IS("error")) state = S_ERROR, out->has_error = 1, errm.len = 0;
      else if (IS("no register offset")) state = S_IGNORE, out->no_register_offset = 1;
      else if (IS("c")) state = S_IGNORE;
      else FAIL("unknown section header '%.*s'", (int)(n > 60 ? 60 : n), s);
#undef IS
      if (bytes_put(&asmb, "\n", 1)) FAIL("out of memory");
      continue;
    }
    if (state == S_ASM) {
      if (bytes_put(&asmb, s, n) || bytes_put(&asmb, "\n", 1)) FAIL("out of memory");
      continue;
    }
    if (bytes_put(&asmb, "\n", 1)) FAIL("out of memory");
    if (state == S_IGNORE || state == S_NONE) continue;
    size_t k = 0;
    while (k < n && is_space((unsigned char)s[k])) k++;
    if (k == n || s[k] == '#') continue;
    if (state == S_ERROR) {
      errm.len = 0;
      if (bytes_put(&errm, s + k, n - k)) FAIL("out of memory");
      continue;
    }
    if (state == S_RESULT) {
      size_t e = k;
      while (e < n && !is_space((unsigned char)s[e]) && s[e] != '#') e++;
      if (out->has_result) FAIL("more than one result value");
      if (parse_u64(s + k, e - k, &out->result)) FAIL("bad result value '%.*s'", (int)(e - k), s + k);
      out->has_result = 1;
      continue;
    }
    /* raw / mem tokens */
    while (k < n) {
      while (k < n && is_space((unsigned char)s[k])) k++;
      if (k >= n || s[k] == '#') break;
      size_t e = k;
      while (e < n && !is_space((unsigned char)s[e])) e++;
      uint8_t b[8];
      if (state == S_RAW && e - k > 2) {
        uint64_t v;
        if (parse_u64(s + k, e - k, &v)) FAIL("bad raw slot '%.*s'", (int)(e - k), s + k);
        for (int j = 0; j < 8; j++) b[j] = (uint8_t)(v >> (8 * j));
        if (bytes_put(&raw, b, 8)) FAIL("out of memory");
      } else {
        int hi = e - k == 2 ? hexv((unsigned char)s[k]) : 0;
        int lo = hexv((unsigned char)s[e - 1]);
        if (e - k > 2 || hi < 0 || lo < 0) FAIL("bad hex byte '%.*s'", (int)(e - k), s + k);
        b[0] = (uint8_t)(hi * 16 + lo);
        if (bytes_put(state == S_RAW ? &raw : &mem, b, 1)) FAIL("out of memory");
      }
      k = e;
    }
  }
  if (out->has_raw && raw.len % 8) FAIL("raw code is %zu bytes, not a multiple of 8", raw.len);
done:
  if (rc) {
    free(asmb.p);
    free(raw.p);
    free(mem.p);
    free(errm.p);
    return fail(out, err, errlen, line, "%s", msg);
  }
#undef FAIL
  if (has_asm) {
    if (bytes_put(&asmb, "", 1)) goto oom;
    out->asm_text = (char *)asmb.p;
    out->asm_len = asmb.len - 1;
  } else {
    free(asmb.p);
  }
  out->raw = raw.p;
  out->raw_len = raw.len;
  out->mem = mem.p;
  out->mem_len = mem.len;
  if (bytes_put(&errm, "", 1)) goto oom2;
  out->error = (char *)errm.p;
  return 0;
oom:
  free(asmb.p);
  free(raw.p);
  free(mem.p);
oom2:
  free(errm.p);
  return fail(out, err, errlen, line, "out of memory");
}

int dvm_bpf_data_load(const char *path, dvm_bpf_data *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (err && errlen) snprintf(err, errlen, "%s: cannot open", path);
    return -1;
  }
  bytes b = {0};
  char chunk[8192];
  size_t got;
  int bad = 0;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (bytes_put(&b, chunk, got)) {
      bad = 1;
      break;
    }
  if (ferror(f)) bad = 1;
  fclose(f);
  if (bad) {
    free(b.p);
    if (err && errlen) snprintf(err, errlen, "%s: cannot read", path);
    return -1;
  }
  char inner[200];
  int rc = dvm_bpf_data_parse(b.p ? (const char *)b.p : "", b.len, out, inner, sizeof inner);
  free(b.p);
  if (rc && err && errlen) snprintf(err, errlen, "%s:%s", path, inner);
  return rc;
}

void dvm_bpf_data_free(dvm_bpf_data *d) {
  if (!d) return;
  free(d->asm_text);
  free(d->raw);
  free(d->mem);
  free(d->error);
  memset(d, 0, sizeof *d);
}
