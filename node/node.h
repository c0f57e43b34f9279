/* node.h — the dvm command's sub-commands. Each takes the arguments after
 * its own name and returns the process exit status (spec: README). */
#ifndef DVM_NODE_H
#define DVM_NODE_H

int dvm_node_cmd_exec(int argc, char **argv);   /* cmd_exec.c */
int dvm_node_cmd_plugin(int argc, char **argv); /* cmd_plugin.c */
int dvm_node_cmd_asm(int argc, char **argv);    /* cmd_asm.c */
int dvm_node_cmd_disasm(int argc, char **argv); /* cmd_asm.c */

#endif
