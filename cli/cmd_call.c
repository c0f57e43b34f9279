/* cmd_call.c — `dvm call CONTRACT METHOD JSON_ARGS [--attach ASSET:AMOUNT]`:
 * arguments packed by the contract's ABI (the node keeps it since the
 * deploy), sent as a signed call; a method the ABI marks readonly (or
 * --simulate) runs as a simulation and needs no key. JSON_ARGS may be a
 * JSON string "0x..." of raw input when the node has no ABI. Exit codes:
 * cli_client.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_client.h"

#define USAGE "dvm call CONTRACT METHOD [JSON_ARGS] [--attach ASSET:AMOUNT] [--simulate] " CLI_CONN_USAGE

int dvm_cli_cmd_call(int argc, char **argv) {
  cli_conn o = {0};
  const char *pos[3] = {NULL, NULL, NULL}, *attach = NULL;
  int np = 0, simulate = 0;
  for (int i = 0; i < argc; i++) {
    int t = cli_conn_opt(&o, argc, argv, &i);
    if (t < 0) return 2;
    if (t) continue;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: %s\n", USAGE);
      return 0;
    }
    if (!strcmp(argv[i], "--attach") && i + 1 < argc) attach = argv[++i];
    else if (!strcmp(argv[i], "--simulate")) simulate = 1;
    else if (np < 3 && (argv[i][0] != '-' || argv[i][1] != '-')) pos[np++] = argv[i];
    else np = 99;
  }
  uint8_t contract[32];
  if (np < 2 || np > 3 || strlen(pos[0]) != 64 || dvm_hex_decode(pos[0], contract, 32) || strlen(pos[1]) > 64) {
    fprintf(stderr, "usage: %s\n", USAGE);
    return 2;
  }
  json_error_t je;
  json_t *args = pos[2] ? json_loads(pos[2], JSON_DECODE_ANY, &je) : NULL;
  if (pos[2] && !args) {
    fprintf(stderr, "dvm call: JSON_ARGS: %s\n", je.text);
    return 2;
  }
  dvm_node_client *c;
  int rc = cli_conn_open(&o, &c);
  if (rc) {
    json_decref(args);
    return rc;
  }
  char err[512];
  json_t *info = NULL;
  dvm_node_abi *abi = NULL;
  if (dvm_node_client_call(c, "dvm_getContract", json_pack("{s:s}", "address", pos[0]), &info, err, sizeof err) == 0)
    dvm_node_abi_parse_json(json_object_get(info, "abi"), &abi, NULL, 0);
  json_decref(info);
  const dvm_node_abi_method *m = abi ? dvm_node_abi_method_find(abi, pos[1]) : NULL;
  uint8_t *input = NULL;
  size_t inlen = 0;
  if (abi && !m) {
    fprintf(stderr, "dvm call: the contract's ABI has no method %s\n", pos[1]);
    rc = 2;
  } else if (m) {
    if (dvm_node_abi_encode(m->args, m->nargs, args, &input, &inlen, err, sizeof err)) {
      fprintf(stderr, "dvm call: %s\n", err);
      rc = 2;
    }
  } else if (args) {
    const char *h = json_string_value(args);
    if (h && !strncmp(h, "0x", 2)) h += 2;
    inlen = h ? strlen(h) / 2 : 0;
    if (!h || strlen(h) % 2 || !(input = malloc(inlen + 1)) || dvm_hex_decode(h, input, inlen)) {
      fprintf(stderr, "dvm call: no ABI known for this contract: JSON_ARGS must be a \"0x...\" hex string\n");
      rc = 2;
    }
  }
  if (!rc && (simulate || (m && m->readonly))) {
    json_t *r;
    json_t *p = json_pack("{s:s,s:s,s:o}", "contract", pos[0], "method", pos[1], "input", json_string(""));
    char *hex = malloc(2 * inlen + 1);
    dvm_hex_encode(input ? input : (const uint8_t *)"", inlen, hex);
    json_object_set_new(p, "input", json_string(hex));
    free(hex);
    rc = dvm_node_client_call(c, "dvm_simulate", p, &r, err, sizeof err);
    rc = cli_conn_print(&o, rc, r, err);
  } else if (!rc) {
    dvm_node_key k;
    dvm_tx tx;
    dvm_tx_call call;
    memset(&tx, 0, sizeof tx);
    memset(&call, 0, sizeof call);
    memcpy(call.contract, contract, 32);
    call.method = pos[1];
    call.method_len = (uint8_t)strlen(pos[1]);
    call.input = input;
    call.input_len = (uint32_t)inlen;
    call.gas_limit = o.gas ? o.gas : 5000000;
    if (attach) {
      char sym[32];
      const char *colon = strchr(attach, ':');
      if (!colon || (size_t)(colon - attach) >= sizeof sym) {
        fprintf(stderr, "dvm call: --attach ASSET:AMOUNT\n");
        rc = 2;
      } else {
        memcpy(sym, attach, (size_t)(colon - attach));
        sym[colon - attach] = 0;
        call.asset_count = 1;
        call.assets[0].amount = strtoull(colon + 1, NULL, 10);
        if (cli_conn_asset(c, sym, &call.assets[0].asset)) {
          fprintf(stderr, "dvm call: %s: no such asset\n", sym);
          rc = 2;
        }
      }
    }
    if (!rc) rc = cli_conn_key(&o, &k);
    if (!rc) {
      json_t *r;
      tx.kind = DVM_TX_CALL;
      tx.u.call.count = 1;
      tx.u.call.calls = &call;
      tx.gas_limit = call.gas_limit + 100000 + 8 * inlen;
      tx.gas_price = o.gas_price ? o.gas_price : 1;
      if (o.sign_only) rc = dvm_node_client_sign(c, &tx, &k, &r, err, sizeof err);
      else rc = dvm_node_client_submit(c, &tx, &k, NULL, &r, err, sizeof err);
      rc = cli_conn_print(&o, rc, r, err);
    }
  }
  free(input);
  dvm_node_abi_free(abi);
  json_decref(args);
  dvm_node_client_close(c);
  return rc;
}
