/* cmd_abci.c — `dvm abci --data DIR [--listen ADDR] [--genesis FILE]
 * [--threads N] [-v]`: serve DVM to CometBFT v0.38 over the ABCI socket
 * protocol (node/abci.h). The block gas limit is the chain's (genesis
 * `block_gas_limit`): there is no flag for it. Exit 0 on SIGINT/SIGTERM,
 * 1 when the store failed, 2 on usage errors. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abci.h"
#include "cli.h"

static volatile sig_atomic_t stop_flag;
static void on_signal(int s) {
  (void)s;
  stop_flag = 1;
}

int dvm_cli_cmd_abci(int argc, char **argv) {
  dvm_abci_opts o;
  memset(&o, 0, sizeof o);
  const char *listen_addr = "tcp://127.0.0.1:26658";
  for (int i = 0; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(argv[i], "--data") && v) o.data_dir = argv[++i];
    else if (!strcmp(argv[i], "--listen") && v) listen_addr = argv[++i];
    else if (!strcmp(argv[i], "--genesis") && v) o.genesis_path = argv[++i];
    else if (!strcmp(argv[i], "--threads") && v) o.threads = (unsigned)strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "-v")) o.verbose = 1;
    else if (!strcmp(argv[i], "--block-gas")) {
      fprintf(stderr, "dvm abci: --block-gas is gone: the block gas limit is the genesis' block_gas_limit\n");
      return 2;
    } else {
      fprintf(stderr, "dvm abci: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (!o.data_dir) {
    fprintf(stderr, "dvm abci: --data DIR is required\n");
    return 2;
  }
  dvm_abci *a;
  char err[256];
  if (dvm_abci_open(&o, &a, err)) {
    fprintf(stderr, "dvm abci: %s\n", err);
    return 1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  fprintf(stderr, "dvm abci: serving %s on %s\n", o.data_dir, listen_addr);
  int rc = dvm_abci_serve(a, listen_addr, &stop_flag);
  /* Connection threads may still be inside a read: leave the chain open
   * (every block is already durable) and exit. */
  return rc ? 1 : 0;
}
