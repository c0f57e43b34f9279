/* cmd_init.c — `dvm init --data DIR [--genesis FILE]`: a new data
 * directory with its genesis block (default: the dev genesis, node.h).
 * Exit 0, 1 (cannot create), 2 usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_util.h"
#include "node.h"

static int usage(FILE *f, int rc) {
  fprintf(f, "usage: dvm init --data DIR [--genesis FILE]\n"
             "  without --genesis: the dev genesis (chain dvm-devnet, assets GAS USD BTC ETH, dev keys\n"
             "  written to DIR/keys/dev0..3.key and the oracle authority to DIR/keys/oracle.key)\n");
  return rc;
}

int dvm_cli_cmd_init(int argc, char **argv) {
  const char *dir = NULL, *gen = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--data") && i + 1 < argc) dir = argv[++i];
    else if (!strcmp(argv[i], "--genesis") && i + 1 < argc) gen = argv[++i];
    else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return usage(stdout, 0);
    else return usage(stderr, 2);
  }
  if (!dir) return usage(stderr, 2);
  uint8_t *g = NULL;
  size_t len = 0;
  if (gen && dvm_buf_read_file(gen, &g, &len)) {
    fprintf(stderr, "dvm init: %s: cannot read\n", gen);
    return 1;
  }
  char err[512];
  int rc = dvm_node_init_dir(dir, (const char *)g, len, err, sizeof err);
  free(g);
  if (rc) {
    fprintf(stderr, "dvm init: %s\n", err);
    return 1;
  }
  printf("initialised %s\n", dir);
  return 0;
}
