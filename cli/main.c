/* main.c — `dvm COMMAND ...`: dispatch to the sub-commands of cli.h. Each
 * prints its own usage with --help; client commands exit 0 ok, 1 refused or
 * failed, 2 usage, 3 no node (cli_client.h). */
#include "cli.h"

#include <stdio.h>
#include <string.h>

typedef struct command {
  const char *name;
  int (*fn)(int argc, char **argv);
  const char *usage;
} command;

static const command commands[] = {
  {"exec", dvm_cli_cmd_exec,
   "exec PROGRAM [--entry NAME] [--input HEX | --input-file FILE] | [--mem HEX | --mem-file FILE]\n"
   "                   [--gas N] [--interp fast|ref] [--trace FILE]\n"
   "  dvm exec PROGRAM --entry METHOD --abi FILE.abi.json [--args JSON] [--gas N] ..."},
  {"plugin", dvm_cli_cmd_plugin, "plugin [MEM]   (bpf_conformance plugin protocol)"},
  {"asm", dvm_cli_cmd_asm, "asm SRC... -o OUT.dvm"},
  {"disasm", dvm_cli_cmd_disasm, "disasm FILE.dvm"},
  {"keygen", dvm_cli_cmd_keygen, "keygen --out FILE"},
  {"init", dvm_cli_cmd_init, "init --data DIR [--genesis FILE]"},
  {"node", dvm_cli_cmd_node, "node --data DIR [--rpc 127.0.0.1:PORT] [--block-time MS] ..."},
  {"deploy", dvm_cli_cmd_deploy, "deploy FILE.dvm [--abi FILE] --key FILE [--rpc URL | --data DIR]"},
  {"call", dvm_cli_cmd_call, "call CONTRACT METHOD [JSON_ARGS] [--attach ASSET:AMOUNT] --key FILE ..."},
  {"send", dvm_cli_cmd_send, "send TO ASSET AMOUNT --key FILE ..."},
  {"query", dvm_cli_cmd_query, "query head|balance|nonce|storage|block|receipt|contract|oracle|assets ..."},
  {"oracle", dvm_cli_cmd_oracle, "oracle FEED PRICE [TIME] --key AUTHORITY_KEY ..."},
  {"param", dvm_cli_cmd_param, "param KEY VALUE --key AUTHORITY_KEY ..."},
  {"replay", dvm_cli_cmd_replay,
   "replay --data DIR [--from H] [--to H] [--trace TXID --trace-out FILE] [--work DIR] [--quiet]"},
  {"demo", dvm_cli_cmd_demo,
   "demo [--data DIR] [--blocks N] [--seed S] [--contracts DIR]   (a market session, replay, summary, chart)"},
  {"export", dvm_cli_cmd_export, "export --data DIR FILE"},
  {"import", dvm_cli_cmd_import, "import --data DIR FILE   (DIR new or empty)"},
  {"abci", dvm_cli_cmd_abci,
   "abci --data DIR [--listen tcp://127.0.0.1:26658] [--genesis FILE] [--threads N] [-v]"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: dvm COMMAND [ARGS]\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(f, "  dvm %s\n", commands[i].usage);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 2, argv + 2);
  fprintf(stderr, "dvm: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
