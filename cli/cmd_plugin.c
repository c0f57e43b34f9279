/* cmd_plugin.c — `dvm plugin [--interp fast|ref] [MEM]`: the plugin
 * protocol of the public eBPF conformance suite (plugin.h). Errors go to
 * stderr. The suite's own runner starts a plugin as `PLUGIN MEM OPTIONS`,
 * which a subcommand cannot take: it drives dvm-bpf-plugin instead
 * (bpf_plugin_main.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plugin.h"

int dvm_cli_cmd_plugin(int argc, char **argv) {
  const char *mem_hex = NULL;
  int use_ref = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--interp") && i + 1 < argc) {
      use_ref = !strcmp(argv[++i], "ref");
    } else if (!mem_hex) {
      mem_hex = argv[i];
    } else {
      fprintf(stderr, "dvm plugin: unexpected argument '%s'\n", argv[i]);
      return 1;
    }
  }
  return dvm_cli_plugin_run("dvm plugin", mem_hex, use_ref, stderr);
}
