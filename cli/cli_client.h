/* cli_client.h — what the client commands (deploy, call, send, query,
 * oracle, param) share: the connection options, the key, printing a
 * result as JSON (--json) or as readable lines. Private to cli/.
 * Exit codes: 0 ok, 1 the node refused or the transaction did not succeed,
 * 2 usage, 3 no node or data directory to talk to. */
#ifndef DVM_CLI_CLIENT_H
#define DVM_CLI_CLIENT_H

#include "node.h"

typedef struct cli_conn {
  const char *rpc, *data, *key;
  int json;
  int sign_only; /* --sign-only: print the signed transaction (hex), send nothing */
  uint64_t gas, gas_price;
} cli_conn;

#define CLI_CONN_USAGE "[--rpc URL | --data DIR] [--key FILE] [--gas N] [--gas-price N] [--json] [--sign-only]"

/* Consume the option at argv[*i] if it is a connection option: 1 taken,
 * 0 not one, -1 missing value. */
int cli_conn_opt(cli_conn *o, int argc, char **argv, int *i);
/* Open the client, or print why and return 3. */
int cli_conn_open(cli_conn *o, dvm_node_client **c);
/* Load --key, or print why and return 2. */
int cli_conn_key(cli_conn *o, dvm_node_key *k);
/* Print the outcome of a call (rc as dvm_node_client_call) and return
 * the exit code; a receipt whose status is not "ok" exits 1. Takes res. */
int cli_conn_print(cli_conn *o, int rc, json_t *res, const char *err);
/* An asset id from a symbol or number ("USD", "1"), asking the node. */
int cli_conn_asset(dvm_node_client *c, const char *s, uint32_t *asset);

#endif
