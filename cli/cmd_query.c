/* cmd_query.c — `dvm query WHAT ...`: balance, nonce, storage, block,
 * receipt, head, contract, oracle — one JSON-RPC query each. Exit codes:
 * cli_client.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_client.h"

#define USAGE                                                                               \
  "dvm query head | balance ADDRESS [ASSET] | nonce ADDRESS | storage CONTRACT KEY_HEX\n"   \
  "          | block HEIGHT|HASH | receipt TX_ID | contract ADDRESS | oracle FEED | assets " CLI_CONN_USAGE

int dvm_cli_cmd_query(int argc, char **argv) {
  cli_conn o = {0};
  const char *pos[4] = {NULL, NULL, NULL, NULL};
  int np = 0;
  for (int i = 0; i < argc; i++) {
    int t = cli_conn_opt(&o, argc, argv, &i);
    if (t < 0) return 2;
    if (t) continue;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: %s\n", USAGE);
      return 0;
    }
    if (np < 4) pos[np++] = argv[i];
  }
  const char *w = np ? pos[0] : "";
  const char *method = NULL;
  json_t *p = NULL;
  if (!strcmp(w, "head") && np == 1) method = "dvm_head";
  else if (!strcmp(w, "assets") && np == 1) method = "dvm_getAssets";
  else if (!strcmp(w, "balance") && (np == 2 || np == 3)) {
    method = "dvm_getBalance";
    p = json_pack("{s:s}", "address", pos[1]);
    if (np == 3) {
      char *end;
      unsigned long a = strtoul(pos[2], &end, 10);
      json_object_set_new(p, "asset", *end ? json_string(pos[2]) : json_integer((json_int_t)a));
    }
  } else if (!strcmp(w, "nonce") && np == 2) method = "dvm_getNonce", p = json_pack("{s:s}", "address", pos[1]);
  else if (!strcmp(w, "storage") && np == 3) method = "dvm_getStorage", p = json_pack("{s:s,s:s}", "contract", pos[1], "key", pos[2]);
  else if (!strcmp(w, "receipt") && np == 2) method = "dvm_getReceipt", p = json_pack("{s:s}", "id", pos[1]);
  else if (!strcmp(w, "contract") && np == 2) method = "dvm_getContract", p = json_pack("{s:s}", "address", pos[1]);
  else if (!strcmp(w, "oracle") && np == 2) method = "dvm_getOraclePrice", p = json_pack("{s:I}", "feed", (json_int_t)strtoull(pos[1], NULL, 10));
  else if (!strcmp(w, "block") && np == 2) {
    if (strlen(pos[1]) == 64) method = "dvm_getBlockByHash", p = json_pack("{s:s}", "hash", pos[1]);
    else method = "dvm_getBlockByHeight", p = json_pack("{s:I}", "height", (json_int_t)strtoull(pos[1], NULL, 10));
  }
  if (!method) {
    fprintf(stderr, "usage: %s\n", USAGE);
    return 2;
  }
  dvm_node_client *c;
  int rc = cli_conn_open(&o, &c);
  if (rc) {
    json_decref(p);
    return rc;
  }
  json_t *r;
  char err[512];
  rc = dvm_node_client_call(c, method, p, &r, err, sizeof err);
  rc = cli_conn_print(&o, rc, r, err);
  dvm_node_client_close(c);
  return rc;
}
