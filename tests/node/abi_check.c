/* abi_check.c — abi_check SRC_DIR BUILD_DIR [NAME.abi.json NAME.dvm]...:
 * every contracts/NAME/NAME.abi.json under SRC_DIR parses and matches the
 * exports of BUILD_DIR/NAME.dvm (each method an export, each export but
 * init a method); extra pairs are checked the same way. Contracts not
 * written yet are simply not there: the test checks what exists, and
 * fails when an ABI file has no built container. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)n + 1);
  if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
    free(p);
    p = NULL;
  }
  fclose(f);
  if (p) p[n] = 0, *len = (size_t)n;
  return p;
}

static int check(const char *abi_path, const char *dvm_path) {
  size_t al, cl;
  char *a = slurp(abi_path, &al), *c = slurp(dvm_path, &cl), err[300];
  dvm_node_abi *abi = NULL;
  int rc = 1;
  if (!a) fprintf(stderr, "%s: cannot read\n", abi_path);
  else if (!c) fprintf(stderr, "%s: no built container %s\n", abi_path, dvm_path);
  else if (dvm_node_abi_parse(a, al, &abi, err, sizeof err)) fprintf(stderr, "%s: %s\n", abi_path, err);
  else if (dvm_node_abi_check_exports(abi, (const uint8_t *)c, cl, err, sizeof err)) fprintf(stderr, "%s: %s\n", abi_path, err);
  else {
    printf("%s: %u methods, %u events match %s\n", abi_path, abi->nmethods, abi->nevents, dvm_path);
    rc = 0;
  }
  dvm_node_abi_free(abi);
  free(a);
  free(c);
  return rc;
}

/* Is `name` in the comma-separated list? */
static int listed(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p && *p;) {
    const char *end = strchr(p, ',');
    size_t l = end ? (size_t)(end - p) : strlen(p);
    if (l == n && !strncmp(p, name, n)) return 1;
    p = end ? end + 1 : NULL;
  }
  return 0;
}

int main(int argc, char **argv) {
  /* --skip A,B: contracts this build does not make (clang-14 cannot build
   * them: contracts/CMakeLists.txt), named so that no other may be missing. */
  const char *skip = NULL;
  if (argc > 2 && !strcmp(argv[1], "--skip")) {
    skip = argv[2];
    argc -= 2;
    argv += 2;
  }
  if (argc < 3 || argc % 2 == 0) {
    fprintf(stderr, "usage: abi_check [--skip NAME,...] SRC_DIR BUILD_DIR [ABI DVM]...\n");
    return 2;
  }
  int failures = 0, checked = 0;
  char dir[4096], abi[8192], dvm[8192];
  snprintf(dir, sizeof dir, "%s/contracts", argv[1]);
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(abi, sizeof abi, "%s/%s/%s.abi.json", dir, e->d_name, e->d_name);
    FILE *f = fopen(abi, "r");
    if (!f) continue;
    fclose(f);
    if (listed(skip, e->d_name)) {
      printf("%s: skipped (not built with this contract compiler)\n", abi);
      continue;
    }
    snprintf(dvm, sizeof dvm, "%s/contracts/%s.dvm", argv[2], e->d_name);
    failures += check(abi, dvm);
    checked++;
  }
  if (d) closedir(d);
  for (int i = 3; i + 1 < argc; i += 2) {
    failures += check(argv[i], argv[i + 1]);
    checked++;
  }
  printf("abi_check: %d ABI files, %d failures\n", checked, failures);
  return failures ? 1 : 0;
}
