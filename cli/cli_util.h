/* cli_util.h — helpers the dvm sub-commands share: whole-file reads, the
 * conformance suite's hex format, and loading a program from .bin, .s or
 * .dvm. Private to cli/. */
#ifndef DVM_NODE_CLI_UTIL_H
#define DVM_NODE_CLI_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "vm.h"

/* Whole files are read by dvm_buf_read_file (base.h). */

/* Hex bytes of the conformance suite's format: dvm_hex_parse_loose (base.h). */

/* Load PROGRAM by its extension: .bin raw bytecode, .s assembly (either
 * dialect), .dvm container; other names are sniffed (container magic,
 * else raw). Prints the reason to stderr and returns non-zero on failure. */
int dvm_cli_load_program(const char *path, const dvm_vm_syscall_table *syscalls,
                         dvm_vm_program **out);

/* Load a program from raw bytecode bytes (no exports). */
int dvm_cli_load_raw(const uint8_t *code, size_t len, const dvm_vm_syscall_table *syscalls,
                     dvm_vm_program **out, const char *what);

#endif
