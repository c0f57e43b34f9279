/* syscall_table.c — runtime/syscalls.def is the one syscall table; what is
 * written elsewhere is checked against it (as tests/vm/isa_table.c does for
 * vm/isa.def):
 *
 *   syscall_table --print         print spec/syscalls.md's table
 *   syscall_table --spec SPEC     the block between the syscall-table
 *                                 markers of SPEC is exactly that text
 *   syscall_table --sdk HEADER    every `extern ... dvm_NAME(...)` of the
 *                                 SDK header is a syscall of the .def with
 *                                 as many arguments, and every syscall has
 *                                 one
 *
 * Every mode first checks the runtime's table (dvm_rt_syscalls()) against
 * the .def: numbers 1..n dense, each name and a handler at its number,
 * dvm_rt_syscall_number the inverse. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime.h"

typedef struct sc_row {
  unsigned num;
  const char *name, *args, *gas, *result;
} sc_row;

static const sc_row rows[] = {
#define DVM_SYSCALL(num, name, args, gas, handler, result) {num, #name, args, gas, result},
#include "syscalls.def"
#undef DVM_SYSCALL
};
#define NROWS (sizeof rows / sizeof *rows)

/* Arguments in a comma list: "" and "void" are none. */
static unsigned count_args(const char *s, size_t n) {
  while (n && isspace((unsigned char)*s)) s++, n--;
  while (n && isspace((unsigned char)s[n - 1])) n--;
  if (n == 0 || (n == 4 && !memcmp(s, "void", 4))) return 0;
  unsigned c = 1;
  for (size_t i = 0; i < n; i++) c += s[i] == ',';
  return c;
}

static int check_runtime(void) {
  const dvm_vm_syscall_table *t = dvm_rt_syscalls();
  int bad = 0;
  if (t->count != NROWS + 1) {
    fprintf(stderr, "runtime table has %u entries, syscalls.def %zu lines (+ number 0)\n", t->count, NROWS);
    bad = 1;
  }
  if (t->count && (t->names[0] || t->fns[0])) {
    fprintf(stderr, "number 0 must stay empty\n");
    bad = 1;
  }
  for (size_t i = 0; i < NROWS; i++) {
    const sc_row *r = &rows[i];
    if (r->num != i + 1) {
      fprintf(stderr, "syscalls.def line %zu: number %u, expected %zu (numbers run 1, 2, 3, ... in order)\n",
              i + 1, r->num, i + 1);
      bad = 1;
      continue;
    }
    if (r->num >= t->count || !t->names[r->num] || strcmp(t->names[r->num], r->name) || !t->fns[r->num]) {
      fprintf(stderr, "runtime table: number %u is not %s with a handler\n", r->num, r->name);
      bad = 1;
    }
    if (dvm_rt_syscall_number(r->name) != (int)r->num) {
      fprintf(stderr, "dvm_rt_syscall_number(%s) != %u\n", r->name, r->num);
      bad = 1;
    }
    if (strncmp(r->name, "dvm_", 4) || !*r->result || !*r->gas) {
      fprintf(stderr, "syscalls.def %u: names start dvm_; gas and result are never empty\n", r->num);
      bad = 1;
    }
  }
  return bad;
}

static size_t render(char *out, size_t cap) {
  size_t n = (size_t)snprintf(out, cap, "| # | name | arguments | gas | result |\n|---|---|---|---|---|\n");
  for (size_t i = 0; i < NROWS && n < cap; i++) {
    const sc_row *r = &rows[i];
    char args[128];
    if (*r->args) snprintf(args, sizeof args, "`%s`", r->args);
    else snprintf(args, sizeof args, "—");
    n += (size_t)snprintf(out + n, cap - n, "| %u | `%s` | %s | %s | %s |\n", r->num, r->name, args, r->gas,
                          r->result);
  }
  return n;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return NULL;
  }
  size_t cap = 1 << 20;
  char *b = malloc(cap);
  size_t len = b ? fread(b, 1, cap - 1, f) : 0;
  fclose(f);
  if (b) b[len] = 0;
  return b;
}

static int check_spec(const char *path) {
  static char table[1 << 16];
  size_t n = render(table, sizeof table);
  char *spec = slurp(path);
  if (!spec) return 1;
  const char *bm = "<!-- syscall-table:begin -->\n", *em = "<!-- syscall-table:end -->";
  const char *begin = strstr(spec, bm), *end = strstr(spec, em);
  int bad = 0;
  if (!begin || !end || end < begin) {
    fprintf(stderr, "%s: syscall-table markers not found\n", path);
    bad = 1;
  } else {
    begin += strlen(bm);
    if ((size_t)(end - begin) != n || memcmp(begin, table, n)) {
      fprintf(stderr, "%s: the syscall table differs from runtime/syscalls.def; regenerate it with "
                      "`syscall_table --print`\n", path);
      bad = 1;
    }
  }
  if (!bad) printf("%s table matches runtime/syscalls.def (%zu syscalls, %zu bytes)\n", path, NROWS, n);
  free(spec);
  return bad;
}

static int check_sdk(const char *path) {
  char *h = slurp(path);
  if (!h) return 1;
  int bad = 0;
  unsigned char seen[NROWS] = {0};
  size_t nproto = 0;
  for (const char *p = h; (p = strstr(p, "extern ")); p += 7) {
    if (p != h && p[-1] != '\n') continue; /* declarations start a line */
    const char *semi = strchr(p, ';'), *lp = strchr(p, '('), *rp = lp ? strchr(lp, ')') : NULL;
    if (!semi || !lp || !rp || lp > semi) continue; /* not a function (extern "C", data) */
    const char *ne = lp;
    while (ne > p && isspace((unsigned char)ne[-1])) ne--;
    const char *nb = ne;
    while (nb > p && (isalnum((unsigned char)nb[-1]) || nb[-1] == '_')) nb--;
    size_t nl = (size_t)(ne - nb);
    if (nl < 4 || strncmp(nb, "dvm_", 4)) continue;
    nproto++;
    unsigned nargs = count_args(lp + 1, (size_t)(rp - lp - 1));
    size_t i;
    for (i = 0; i < NROWS; i++)
      if (strlen(rows[i].name) == nl && !memcmp(rows[i].name, nb, nl)) break;
    if (i == NROWS) {
      fprintf(stderr, "%s: %.*s is not a syscall of runtime/syscalls.def\n", path, (int)nl, nb);
      bad = 1;
      continue;
    }
    unsigned want = count_args(rows[i].args, strlen(rows[i].args));
    if (seen[i]++) {
      fprintf(stderr, "%s: %s declared twice\n", path, rows[i].name);
      bad = 1;
    }
    if (nargs != want) {
      fprintf(stderr, "%s: %s takes %u arguments, syscalls.def says %u (%s)\n", path, rows[i].name, nargs, want,
              rows[i].args);
      bad = 1;
    }
  }
  for (size_t i = 0; i < NROWS; i++)
    if (!seen[i]) {
      fprintf(stderr, "%s: no declaration of syscall %u %s\n", path, rows[i].num, rows[i].name);
      bad = 1;
    }
  if (!bad) printf("%s declares the %zu syscalls of runtime/syscalls.def\n", path, nproto);
  free(h);
  return bad;
}

int main(int argc, char **argv) {
  if (check_runtime()) return 1;
  if (argc == 2 && !strcmp(argv[1], "--print")) {
    static char table[1 << 16];
    fwrite(table, 1, render(table, sizeof table), stdout);
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "--spec")) return check_spec(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "--sdk")) return check_sdk(argv[2]);
  fprintf(stderr, "usage: syscall_table --print | --spec spec/syscalls.md | --sdk dvm_contract.h\n");
  return 2;
}
