/* exec_abi.h — `dvm exec --abi FILE --args JSON`: the method's arguments
 * packed by its ABI into the call input, the return data and the logs
 * decoded back, with the node library's codec (node/node.h). */
#ifndef DVM_CLI_EXEC_ABI_H
#define DVM_CLI_EXEC_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "node.h"

/* Read and parse the ABI file, find `method` in it and pack `args_json`
 * (NULL = no arguments) into *input (malloc'd). 0, or -1 with the reason
 * on stderr (the caller exits 2); *abi is set even on error (free it). */
int dvm_cli_exec_abi_input(const char *abi_path, const char *method, const char *args_json,
                           dvm_node_abi **abi, uint8_t **input, size_t *input_len);
/* `,"decoded":{...}`: the return data decoded by the method's returns (or
 * `,"decode_error":"..."` when it does not fit them, as a receipt says). */
void dvm_cli_exec_abi_print_return(const dvm_node_abi *abi, const char *method, const uint8_t *ret,
                                   uint32_t len);
/* `,"event":NAME,"fields":{...}` when the log's first topic names an event
 * of the ABI and its data decodes; nothing otherwise. */
void dvm_cli_exec_abi_print_log(const dvm_node_abi *abi, const uint8_t *topics, uint32_t ntopics,
                                const uint8_t *data, uint32_t len);

#endif
