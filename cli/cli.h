/* node.h — the dvm command's sub-commands. Each takes the arguments after
 * its own name and returns the process exit status (spec: README). */
#ifndef DVM_CLI_H
#define DVM_CLI_H

int dvm_cli_cmd_exec(int argc, char **argv);   /* cmd_exec.c */
int dvm_cli_cmd_plugin(int argc, char **argv); /* cmd_plugin.c */
int dvm_cli_cmd_asm(int argc, char **argv);    /* cmd_asm.c */
int dvm_cli_cmd_disasm(int argc, char **argv); /* cmd_asm.c */
int dvm_cli_cmd_abci(int argc, char **argv);   /* cmd_abci.c */

#endif
