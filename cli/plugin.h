/* plugin.h — the plugin protocol of the public eBPF conformance suite
 * (bpf_conformance), shared by `dvm plugin` and the dvm-bpf-plugin binary.
 * Private to cli/; uses vm/ and base/ only. */
#ifndef DVM_CLI_PLUGIN_H
#define DVM_CLI_PLUGIN_H

#include <stdio.h>

/* Read the program as hex bytes from stdin ("b7 00 00 ..."), run it with a
 * writable copy of mem_hex's bytes (NULL or "" for none) as the heap, r1 =
 * its address (0 when empty), r2 = its length, no syscalls, 10^9 gas, on
 * the fast or (use_ref) the reference interpreter. Prints r0 in hex and a
 * newline on stdout and returns 0; otherwise prints "<name>: <why>" and a
 * newline on `errout` (a verifier rejection, a trap, bad hex) and returns 1. */
int dvm_cli_plugin_run(const char *name, const char *mem_hex, int use_ref, FILE *errout);

#endif
