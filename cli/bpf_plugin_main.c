/* bpf_plugin_main.c — dvm-bpf-plugin, the plugin the public eBPF
 * conformance suite's own runner drives unchanged:
 *
 *   bpf_conformance_runner --test_file_directory .../tests \
 *       --plugin_path build/dvm-bpf-plugin [--plugin_options "--interp ref"]
 *
 * The runner starts `PLUGIN MEM OPTIONS`: argv[1] is the input memory as
 * hex bytes (an empty string when the test has none), argv[2] the
 * --plugin_options string (empty by default; its words are split here, so
 * one argument "--interp ref" works as two); the program arrives as hex
 * bytes on stdin. r0 is printed in hex on stdout, exit status 0. On an
 * error (verifier rejection, trap, bad hex) the message goes to stdout,
 * where the runner looks for a test's expected error text, and the exit
 * status is 1. Options: --interp fast|ref (default fast). */
#include <stdio.h>
#include <string.h>

#include "plugin.h"

static int usage(void) {
  fprintf(stderr, "usage: dvm-bpf-plugin [MEM] [--interp fast|ref]  (program hex on stdin)\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *mem_hex = NULL;
  int use_ref = 0, want_interp = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    /* the first argument is the memory unless it is an option: hex never
     * starts with '-' */
    if (i == 1 && a[0] != '-') {
      mem_hex = a;
      continue;
    }
    char word[64];
    for (const char *p = a;;) {
      while (*p == ' ' || *p == '\t') p++;
      if (!*p) break;
      size_t n = strcspn(p, " \t");
      if (n >= sizeof word) return usage();
      memcpy(word, p, n);
      word[n] = 0;
      p += n;
      if (want_interp) {
        if (strcmp(word, "fast") && strcmp(word, "ref")) return usage();
        use_ref = !strcmp(word, "ref");
        want_interp = 0;
      } else if (!strcmp(word, "--interp")) {
        want_interp = 1;
      } else if (!strncmp(word, "--interp=", 9)) {
        if (strcmp(word + 9, "fast") && strcmp(word + 9, "ref")) return usage();
        use_ref = !strcmp(word + 9, "ref");
      } else {
        return usage();
      }
    }
  }
  if (want_interp) return usage();
  return dvm_cli_plugin_run("dvm-bpf-plugin", mem_hex, use_ref, stdout);
}
