/* cmd_keygen.c — `dvm keygen --out FILE`: a new Ed25519 key file (mode
 * 0600); prints the address. Exit 0, 1 (cannot write), 2 usage. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "node.h"

int dvm_cli_cmd_keygen(int argc, char **argv) {
  const char *out = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--out") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: dvm keygen --out FILE\n  writes a new Ed25519 key file (mode 0600) and prints its address\n");
      return 0;
    } else {
      fprintf(stderr, "usage: dvm keygen --out FILE\n");
      return 2;
    }
  }
  if (!out) {
    fprintf(stderr, "usage: dvm keygen --out FILE\n");
    return 2;
  }
  dvm_node_key k;
  char err[512], addr[65];
  dvm_node_key_generate(&k);
  if (dvm_node_key_save(&k, out, err, sizeof err)) {
    fprintf(stderr, "dvm keygen: %s\n", err);
    return 1;
  }
  dvm_hex_encode(k.pk, 32, addr);
  printf("%s\n", addr);
  return 0;
}
