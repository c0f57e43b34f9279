/* node.h — the dvm command's sub-commands. Each takes the arguments after
 * its own name and returns the process exit status (spec: README). */
#ifndef DVM_CLI_H
#define DVM_CLI_H

int dvm_cli_cmd_exec(int argc, char **argv);   /* cmd_exec.c */
int dvm_cli_cmd_plugin(int argc, char **argv); /* cmd_plugin.c */
int dvm_cli_cmd_asm(int argc, char **argv);    /* cmd_asm.c */
int dvm_cli_cmd_disasm(int argc, char **argv); /* cmd_asm.c */
int dvm_cli_cmd_replay(int argc, char **argv); /* cmd_replay.c */
int dvm_cli_cmd_export(int argc, char **argv); /* cmd_export.c */
int dvm_cli_cmd_import(int argc, char **argv); /* cmd_export.c */
int dvm_cli_cmd_abci(int argc, char **argv);   /* cmd_abci.c */

int dvm_cli_cmd_keygen(int argc, char **argv); /* cmd_keygen.c */
int dvm_cli_cmd_init(int argc, char **argv);   /* cmd_init.c */
int dvm_cli_cmd_node(int argc, char **argv);   /* cmd_node.c */
int dvm_cli_cmd_deploy(int argc, char **argv); /* cmd_tx.c */
int dvm_cli_cmd_send(int argc, char **argv);   /* cmd_tx.c */
int dvm_cli_cmd_oracle(int argc, char **argv); /* cmd_tx.c */
int dvm_cli_cmd_param(int argc, char **argv);  /* cmd_tx.c */
int dvm_cli_cmd_call(int argc, char **argv);   /* cmd_call.c */
int dvm_cli_cmd_query(int argc, char **argv);  /* cmd_query.c */
int dvm_cli_cmd_demo(int argc, char **argv);   /* cmd_demo.c */

#endif
