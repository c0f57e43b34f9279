/* cmd_node.c — `dvm node --data DIR [--rpc 127.0.0.1:PORT] [--block-time MS]`:
 * the single-machine chain with its JSON-RPC server, until SIGINT or
 * SIGTERM (a block being made is finished; nothing committed is lost).
 * Writes DIR/rpc.url while running. Exit 0 after a clean stop, 1 when it
 * cannot start, 2 usage. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "node.h"

static int usage(FILE *f, int rc) {
  fprintf(f, "usage: dvm node --data DIR [--rpc HOST:PORT] [--block-time MS] [--block-txs N]\n"
             "                [--rate N] [--max-body BYTES] [--max-conns N] [--mempool N]\n"
             "  HOST:PORT defaults to 127.0.0.1:8645 (port 0: any free port, printed on stdout)\n");
  return rc;
}

int dvm_cli_cmd_node(int argc, char **argv) {
  const char *dir = NULL, *rpc = "127.0.0.1:8645";
  dvm_node_opts o = {0};
  dvm_node_server_opts so = {0};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) return usage(stdout, 0);
    if (!v) return usage(stderr, 2);
    i++;
    if (!strcmp(a, "--data")) dir = v;
    else if (!strcmp(a, "--rpc")) rpc = v;
    else if (!strcmp(a, "--block-time")) o.block_time_ms = (unsigned)strtoul(v, NULL, 10);
    else if (!strcmp(a, "--block-txs")) o.block_max_txs = strtoul(v, NULL, 10);
    else if (!strcmp(a, "--mempool")) o.mempool.max_txs = strtoul(v, NULL, 10);
    else if (!strcmp(a, "--rate")) so.rate = (unsigned)strtoul(v, NULL, 10);
    else if (!strcmp(a, "--max-body")) so.max_body = strtoul(v, NULL, 10);
    else if (!strcmp(a, "--max-conns")) so.max_conns = (unsigned)strtoul(v, NULL, 10);
    else return usage(stderr, 2);
  }
  if (!dir) return usage(stderr, 2);
  char host[64];
  const char *colon = strrchr(rpc, ':');
  if (!colon || (size_t)(colon - rpc) >= sizeof host) return usage(stderr, 2);
  memcpy(host, rpc, (size_t)(colon - rpc));
  host[colon - rpc] = 0;
  so.host = host;
  so.port = (uint16_t)strtoul(colon + 1, NULL, 10);

  /* Signals go to sigwait below, not to the server's threads. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

  char err[512], path[4200], url[128];
  dvm_node *n;
  dvm_node_server *s;
  if (dvm_node_open(dir, &o, &n, err, sizeof err)) {
    fprintf(stderr, "dvm node: %s\n", err);
    return 1;
  }
  if (dvm_node_start(n, err, sizeof err) || dvm_node_server_start(n, &so, &s, err, sizeof err)) {
    fprintf(stderr, "dvm node: %s\n", err);
    dvm_node_close(n);
    return 1;
  }
  snprintf(url, sizeof url, "http://%s:%u/", host, dvm_node_server_port(s));
  snprintf(path, sizeof path, "%s/rpc.url", dir);
  FILE *f = fopen(path, "w");
  if (f) {
    fprintf(f, "%s\n", url);
    fclose(f);
  }
  printf("dvm node: serving %s on %s\n", dir, url);
  fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  fprintf(stderr, "dvm node: signal %d, stopping\n", sig);
  dvm_node_server_stop(s);
  unlink(path);
  dvm_node_close(n);
  return 0;
}
