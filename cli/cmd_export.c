/* cmd_export.c — `dvm export --data DIR FILE` and `dvm import --data DIR
 * FILE`: move a chain's genesis and blocks to another machine (README
 * §Export, spec/export.md), where `dvm replay` verifies them. Exit 0 done,
 * 1 refused or failed (nothing changed), 2 usage. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "runtime.h"

static int args(const char *cmd, int argc, char **argv, const char **data, const char **file) {
  *data = *file = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--data") && i + 1 < argc) *data = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "dvm %s: unknown or incomplete option '%s'\n", cmd, argv[i]);
      return -1;
    } else if (!*file) *file = argv[i];
    else {
      fprintf(stderr, "dvm %s: unexpected argument '%s'\n", cmd, argv[i]);
      return -1;
    }
  }
  if (!*data || !*file) return -1;
  return 0;
}

int dvm_cli_cmd_export(int argc, char **argv) {
  const char *data, *file;
  char e[256];
  uint64_t n;
  if (args("export", argc, argv, &data, &file)) {
    fprintf(stderr, "usage: dvm export --data DIR FILE\n");
    return 2;
  }
  if (dvm_rt_export(data, file, &n, e)) {
    fprintf(stderr, "dvm export: %s\n", e);
    return 1;
  }
  printf("export: genesis and blocks 0..%" PRIu64 " of %s written to %s\n", n - 1, data, file);
  return 0;
}

int dvm_cli_cmd_import(int argc, char **argv) {
  const char *data, *file;
  char e[256];
  uint64_t head;
  if (args("import", argc, argv, &data, &file)) {
    fprintf(stderr, "usage: dvm import --data DIR FILE\n");
    return 2;
  }
  if (dvm_rt_import(file, data, NULL, &head, e)) {
    fprintf(stderr, "dvm import: %s; %s unchanged\n", e, data);
    return 1;
  }
  printf("import: %s: blocks 0..%" PRIu64 " applied and validated into %s\n", file, head, data);
  return 0;
}
