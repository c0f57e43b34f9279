/* cmd_export.c — `dvm export --data DIR FILE` and `dvm import --data DIR
 * FILE`: move a chain's genesis and blocks to another machine (README
 * §Export, spec/export.md), where `dvm replay` verifies them. Exit 0 done,
 * 1 refused or failed (nothing changed), 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "runtime.h"

/* A node's data directory keeps the chain in DIR/chain (spec/rpc.md §7);
 * a bare chain directory (det_run, an embedder's) is DIR itself. */
static const char *chain_dir(const char *data, char *buf, size_t cap) {
  struct stat st;
  snprintf(buf, cap, "%s/chain", data);
  return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : data;
}

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
  char cbuf[4200];
  if (dvm_rt_export(chain_dir(data, cbuf, sizeof cbuf), file, &n, e)) {
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
  /* A node's data directory: DIR/chain and DIR/genesis.json (spec/rpc.md
   * §7), so that `dvm node --data DIR` runs on it. */
  char chain[4200], gpath[4200];
  struct stat st;
  int made = 0;
  if (stat(data, &st)) {
    if (mkdir(data, 0755)) {
      fprintf(stderr, "dvm import: %s: %s\n", data, strerror(errno));
      return 1;
    }
    made = 1;
  }
  snprintf(chain, sizeof chain, "%s/chain", data);
  snprintf(gpath, sizeof gpath, "%s/genesis.json", data);
  if (!stat(gpath, &st)) {
    fprintf(stderr, "dvm import: %s exists: import builds a new data directory; %s unchanged\n", gpath, data);
    return 1;
  }
  if (dvm_rt_import(file, chain, NULL, &head, e)) {
    if (made) rmdir(data);
    fprintf(stderr, "dvm import: %s; %s unchanged\n", e, data);
    return 1;
  }
  dvm_rt_chain *c;
  char *g = NULL;
  size_t gl = 0;
  FILE *f = NULL;
  int ok = !dvm_rt_chain_open(chain, NULL, &c, e);
  if (ok) {
    ok = !dvm_rt_chain_genesis_json(c, &g, &gl);
    dvm_rt_chain_close(c);
  }
  if (ok) ok = (f = fopen(gpath, "w")) && fwrite(g, 1, gl, f) == gl;
  if (f && fclose(f)) ok = 0;
  free(g);
  if (!ok) fprintf(stderr, "dvm import: %s: cannot write the genesis document\n", gpath);
  printf("import: %s: blocks 0..%" PRIu64 " applied and validated into %s\n", file, head, data);
  return ok ? 0 : 1;
  return 0;
}
