/* asm_diagnostics.c — every diagnostic of spec/assembler.md §4 is a test:
 * this program reads the table between the diagnostics-table markers,
 * writes each example to WORKDIR/input.s, assembles it with the syscall
 * table of spec/syscalls.md and checks that a diagnostic of the row's kind
 * starting with the row's message appears at the row's LINE:COL.
 * usage: asm_diagnostics SPEC/assembler.md WORKDIR */
#include "assembler.h"
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap + 1);
  size_t got;
  while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *p = realloc(b, cap * 2 + 1);
      if (!p) {
        free(b);
        b = NULL;
        break;
      }
      b = p;
      cap *= 2;
    }
  }
  fclose(f);
  if (b) b[n] = 0;
  *len = n;
  return b;
}

typedef struct sbuf {
  char *p;
  size_t n, cap;
} sbuf;

static void put(sbuf *s, const char *d, size_t n) {
  if (s->n + n + 1 > s->cap) {
    size_t cap = s->cap ? s->cap : 256;
    while (cap < s->n + n + 1) cap *= 2;
    s->p = realloc(s->p, cap);
    if (!s->p) abort();
    s->cap = cap;
  }
  memcpy(s->p + s->n, d, n);
  s->n += n;
  s->p[s->n] = 0;
}

/* Split a table row into cells at unescaped '|'; unescape "\|". */
static int cells(const char *line, char out[6][512]) {
  int k = -1;
  size_t w = 0;
  for (const char *p = line; *p; p++) {
    if (*p == '\\' && p[1] == '|') {
      if (k >= 0 && k < 6 && w < 511) out[k][w++] = '|';
      p++;
      continue;
    }
    if (*p == '|') {
      if (k >= 0 && k < 6) out[k][w] = 0;
      k++;
      w = 0;
      continue;
    }
    if (k >= 0 && k < 6 && w < 511) out[k][w++] = *p;
  }
  for (int i = 0; i < 6 && i < k; i++) {
    /* trim */
    char *s = out[i];
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ')) s[--n] = 0;
    size_t st = 0;
    while (s[st] == ' ') st++;
    memmove(s, s + st, n - st + 1);
  }
  return k;
}

/* Expand an example: strip backticks, "\n" separates lines, REPEAT lines. */
static void expand(const char *ex, sbuf *out) {
  char buf[512];
  size_t n = strlen(ex);
  if (n >= 2 && ex[0] == '`' && ex[n - 1] == '`') ex++, n -= 2;
  memcpy(buf, ex, n);
  buf[n] = 0;
  char *line = buf;
  for (;;) {
    char *nl = strstr(line, "\\n");
    if (nl) *nl = 0;
    int reps;
    char *colon;
    if (!strncmp(line, "REPEAT(", 7) && (reps = atoi(line + 7)) > 0 && (colon = strchr(line, ':'))) {
      const char *text = colon + 1;
      for (int r = 0; r < reps; r++) {
        char num[16];
        snprintf(num, sizeof num, "%d", r);
        for (const char *t = text; *t; t++) {
          if (t[0] == '%' && t[1] == 'N') {
            put(out, num, strlen(num));
            t++;
          } else {
            put(out, t, 1);
          }
        }
        put(out, "\n", 1);
      }
    } else {
      put(out, line, strlen(line));
      put(out, "\n", 1);
    }
    if (!nl) break;
    line = nl + 2;
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SPEC/assembler.md WORKDIR\n", argv[0]);
    return 2;
  }
  size_t len;
  char *spec = slurp(argv[1], &len);
  if (!spec) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  char *begin = strstr(spec, "<!-- diagnostics-table-begin -->");
  char *end = strstr(spec, "<!-- diagnostics-table-end -->");
  if (!begin || !end || end < begin) {
    fprintf(stderr, "no diagnostics table in %s\n", argv[1]);
    return 1;
  }
  *end = 0;
  char path[4096];
  snprintf(path, sizeof path, "%s/input.s", argv[2]);
  int failures = 0, checked = 0, skipped = 0;
  for (char *line = begin; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    char c[6][512];
    memset(c, 0, sizeof c);
    if (line[0] == '|' && cells(line, c) >= 5 && (c[0][0] == 'D' || c[0][0] == 'W') && c[0][1] >= '0' &&
        c[0][1] <= '9') {
      if (strcmp(c[3], "—") == 0) {
        skipped++;
      } else {
        sbuf src = {0};
        expand(c[3], &src);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(src.p, 1, src.n, f) != src.n || fclose(f)) {
          fprintf(stderr, "cannot write %s\n", path);
          return 1;
        }
        dvm_asm_output o;
        char *diag = NULL;
        int rc = dvm_asm_assemble(path, src.p, src.n, dvm_rt_syscalls(), &o, &diag);
        char want[2048];
        if (strcmp(c[4], "-"))
          snprintf(want, sizeof want, "input.s:%s: %s: %s", c[4], c[1], c[2]);
        else
          snprintf(want, sizeof want, ": %s: %s", c[1], c[2]);
        int ok = diag && strstr(diag, want);
        if (!strcmp(c[1], "error")) ok = ok && rc > 0;
        if (!ok) {
          fprintf(stderr, "FAIL %s: expected \"%s\" (rc %d); got:\n%.2000s\n", c[0], want, rc, diag ? diag : "(none)");
          failures++;
        }
        if (rc == 0) dvm_asm_output_free(&o);
        free(diag);
        free(src.p);
        checked++;
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  free(spec);
  printf("%d diagnostics checked, %d without example, %d failed\n", checked, skipped, failures);
  return failures || checked < 50 ? 1 : 0;
}
