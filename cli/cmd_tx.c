/* cmd_tx.c — the commands that sign a transaction: `dvm deploy`,
 * `dvm send`, `dvm oracle`, `dvm param` (each a few lines of parsing
 * around dvm_node_client_submit). Exit codes: cli_client.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_client.h"
#include "cli_util.h"

/* Parse the connection options; leave the rest in pos[] (at most max). */
static int parse(cli_conn *o, int argc, char **argv, const char **pos, int max, int *npos, const char **abi) {
  *npos = 0;
  for (int i = 0; i < argc; i++) {
    int t = cli_conn_opt(o, argc, argv, &i);
    if (t < 0) return -1;
    if (t) continue;
    if (abi && !strcmp(argv[i], "--abi") && i + 1 < argc) *abi = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1] == '-') return -1;
    else if (*npos < max) pos[(*npos)++] = argv[i];
    else return -1;
  }
  return 0;
}

static int help(int argc, char **argv, const char *usage) {
  for (int i = 0; i < argc; i++)
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      printf("usage: %s\n", usage);
      return 1;
    }
  return 0;
}

static int submit(cli_conn *o, dvm_tx *tx, json_t *abi) {
  dvm_node_client *c;
  dvm_node_key k;
  char err[512];
  json_t *r;
  int rc = cli_conn_key(o, &k);
  if (rc || (rc = cli_conn_open(o, &c))) return rc;
  if (!tx->gas_price) tx->gas_price = o->gas_price ? o->gas_price : 1;
  if (o->sign_only) rc = dvm_node_client_sign(c, tx, &k, &r, err, sizeof err);
  else rc = dvm_node_client_submit(c, tx, &k, abi, &r, err, sizeof err);
  rc = cli_conn_print(o, rc, r, err);
  dvm_node_client_close(c);
  return rc;
}

#define DEPLOY_USAGE                                                                                         \
  "dvm deploy FILE.dvm [--abi FILE.abi.json] [--init JSON_ARGS | --init 0xHEX] " CLI_CONN_USAGE                \
  "\n  --init: the input of the contract's init (JSON packed by the ABI's init method, or raw hex)"

/* The init input: "0x..." raw hex, else JSON arguments packed by the ABI's
 * "init" method. 0, or 2 (usage) with the reason printed. */
static int init_input(const char *arg, json_t *abi, uint8_t **in, size_t *len) {
  char err[512];
  if (!strncmp(arg, "0x", 2)) {
    size_t hl = strlen(arg + 2);
    *len = hl / 2;
    if (hl % 2 || !(*in = malloc(*len + 1)) || dvm_hex_decode(arg + 2, *in, *len)) {
      fprintf(stderr, "dvm deploy: --init: bad hex\n");
      return 2;
    }
    return 0;
  }
  dvm_node_abi *a = NULL;
  const dvm_node_abi_method *m = NULL;
  if (!abi || dvm_node_abi_parse_json(abi, &a, err, sizeof err) || !(m = dvm_node_abi_method_find(a, "init"))) {
    fprintf(stderr, "dvm deploy: --init JSON needs --abi with an init method (or give 0xHEX)\n");
    dvm_node_abi_free(a);
    return 2;
  }
  json_error_t je;
  json_t *args = json_loads(arg, JSON_DECODE_ANY, &je);
  int rc = 0;
  if (!args) fprintf(stderr, "dvm deploy: --init: %s\n", je.text), rc = 2;
  else if (dvm_node_abi_encode(m->args, m->nargs, args, in, len, err, sizeof err))
    fprintf(stderr, "dvm deploy: --init: %s\n", err), rc = 2;
  json_decref(args);
  dvm_node_abi_free(a);
  return rc;
}

int dvm_cli_cmd_deploy(int argc, char **argv) {
  cli_conn o = {0};
  const char *pos[1], *abi_path = NULL, *init = NULL;
  int np, n = 0;
  if (help(argc, argv, DEPLOY_USAGE)) return 0;
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  for (int i = 0; rest && i < argc; i++) {
    if (!strcmp(argv[i], "--init") && i + 1 < argc) init = argv[++i];
    else rest[n++] = argv[i];
  }
  if (!rest || parse(&o, n, rest, pos, 1, &np, &abi_path) || np != 1) {
    fprintf(stderr, "usage: %s\n", DEPLOY_USAGE);
    free(rest);
    return 2;
  }
  free(rest);
  uint8_t *code, *in = NULL;
  size_t len, inlen = 0;
  if (dvm_buf_read_file(pos[0], &code, &len)) {
    fprintf(stderr, "dvm deploy: %s: cannot read\n", pos[0]);
    return 2;
  }
  json_t *abi = NULL;
  if (abi_path) {
    json_error_t je;
    if (!(abi = json_load_file(abi_path, JSON_REJECT_DUPLICATES, &je))) {
      fprintf(stderr, "dvm deploy: %s: %s\n", abi_path, je.text);
      free(code);
      return 2;
    }
  }
  if (init && init_input(init, abi, &in, &inlen)) {
    json_decref(abi);
    free(code);
    return 2;
  }
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_DEPLOY;
  tx.u.deploy.code = code;
  tx.u.deploy.code_len = (uint32_t)len;
  tx.u.deploy.init_input = in;
  tx.u.deploy.init_input_len = (uint32_t)inlen;
  tx.u.deploy.init_gas = o.gas ? o.gas : 1000000;
  tx.gas_limit = tx.u.deploy.init_gas + 60u * len + 8u * inlen + 100000u;
  int rc = submit(&o, &tx, abi);
  json_decref(abi);
  free(code);
  free(in);
  return rc;
}

#define SEND_USAGE "dvm send TO ASSET AMOUNT " CLI_CONN_USAGE "\n  AMOUNT in base units; ASSET an id or a symbol"

int dvm_cli_cmd_send(int argc, char **argv) {
  cli_conn o = {0};
  const char *pos[3];
  int np;
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  if (help(argc, argv, SEND_USAGE)) return 0;
  if (parse(&o, argc, argv, pos, 3, &np, NULL) || np != 3 || strlen(pos[0]) != 64 ||
      dvm_hex_decode(pos[0], tx.u.transfer.to, 32)) {
    fprintf(stderr, "usage: %s\n", SEND_USAGE);
    return 2;
  }
  dvm_node_client *c;
  int rc = cli_conn_open(&o, &c);
  if (rc) return rc;
  if (cli_conn_asset(c, pos[1], &tx.u.transfer.asset)) {
    fprintf(stderr, "dvm send: %s: no such asset\n", pos[1]);
    dvm_node_client_close(c);
    return 2;
  }
  dvm_node_client_close(c);
  tx.kind = DVM_TX_TRANSFER;
  tx.u.transfer.amount = strtoull(pos[2], NULL, 10);
  tx.gas_limit = o.gas ? o.gas : 100000;
  return submit(&o, &tx, NULL);
}

#define ORACLE_USAGE "dvm oracle FEED PRICE [PUBLISH_TIME] " CLI_CONN_USAGE "\n  PRICE a decimal (fx); signed by an authority key"

int dvm_cli_cmd_oracle(int argc, char **argv) {
  cli_conn o = {0};
  const char *pos[3];
  int np;
  dvm_tx_oracle u;
  if (help(argc, argv, ORACLE_USAGE)) return 0;
  if (parse(&o, argc, argv, pos, 3, &np, NULL) || np < 2 || dvm_node_fx_parse(pos[1], &u.price)) {
    fprintf(stderr, "usage: %s\n", ORACLE_USAGE);
    return 2;
  }
  u.feed = (uint32_t)strtoul(pos[0], NULL, 10);
  u.publish_time = np > 2 ? strtoull(pos[2], NULL, 10) : (uint64_t)time(NULL);
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_SYSTEM;
  tx.u.sys.sys_kind = DVM_SYS_ORACLE;
  tx.u.sys.count = 1;
  tx.u.sys.oracle = &u;
  tx.gas_limit = o.gas ? o.gas : 100000;
  return submit(&o, &tx, NULL);
}

#define PARAM_USAGE "dvm param KEY VALUE " CLI_CONN_USAGE "\n  KEY text; VALUE text, or hex bytes after 0x; signed by an authority key"

int dvm_cli_cmd_param(int argc, char **argv) {
  cli_conn o = {0};
  const char *pos[2];
  int np;
  uint8_t val[1024];
  size_t vlen;
  if (help(argc, argv, PARAM_USAGE)) return 0;
  if (parse(&o, argc, argv, pos, 2, &np, NULL) || np != 2 || !*pos[0] || strlen(pos[0]) > 64) {
    fprintf(stderr, "usage: %s\n", PARAM_USAGE);
    return 2;
  }
  if (!strncmp(pos[1], "0x", 2)) {
    vlen = strlen(pos[1] + 2) / 2;
    if (vlen > sizeof val || strlen(pos[1] + 2) % 2 || dvm_hex_decode(pos[1] + 2, val, vlen)) {
      fprintf(stderr, "dvm param: VALUE: bad hex\n");
      return 2;
    }
  } else {
    vlen = strlen(pos[1]);
    if (vlen > sizeof val) return 2;
    memcpy(val, pos[1], vlen);
  }
  dvm_tx_param pm = {(const uint8_t *)pos[0], (uint8_t)strlen(pos[0]), val, (uint16_t)vlen};
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.kind = DVM_TX_SYSTEM;
  tx.u.sys.sys_kind = DVM_SYS_PARAM;
  tx.u.sys.count = 1;
  tx.u.sys.params = &pm;
  tx.gas_limit = o.gas ? o.gas : 100000;
  return submit(&o, &tx, NULL);
}
