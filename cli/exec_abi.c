/* exec_abi.c — the ABI part of `dvm exec` (exec_abi.h): no codec of its
 * own, the node library's encode/decode, printed as node/views.c puts them
 * in a receipt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "exec_abi.h"

int dvm_cli_exec_abi_input(const char *abi_path, const char *method, const char *args_json,
                           dvm_node_abi **abi, uint8_t **input, size_t *input_len) {
  uint8_t *text = NULL;
  size_t len = 0;
  char err[512];
  *abi = NULL;
  if (dvm_buf_read_file(abi_path, &text, &len)) {
    fprintf(stderr, "dvm exec: %s: %s\n", abi_path, strerror(errno));
    return -1;
  }
  int rc = dvm_node_abi_parse((const char *)text, len, abi, err, sizeof err);
  free(text);
  if (rc) {
    fprintf(stderr, "dvm exec: %s: %s\n", abi_path, err);
    return -1;
  }
  const dvm_node_abi_method *m = dvm_node_abi_method_find(*abi, method);
  if (!m) {
    fprintf(stderr, "dvm exec: %s: the ABI has no method %s\n", abi_path, method);
    return -1;
  }
  json_t *args = NULL;
  if (args_json) {
    json_error_t je;
    if (!(args = json_loads(args_json, 0, &je))) {
      fprintf(stderr, "dvm exec: --args: %s\n", je.text);
      return -1;
    }
  }
  rc = dvm_node_abi_encode(m->args, m->nargs, args, input, input_len, err, sizeof err);
  json_decref(args);
  if (rc) {
    fprintf(stderr, "dvm exec: %s: %s\n", method, err);
    return -1;
  }
  return 0;
}

/* A JSON value on stdout, compact, members in the ABI's order. */
static void print_json(json_t *v) {
  char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
  fputs(s ? s : "null", stdout);
  free(s);
}

void dvm_cli_exec_abi_print_return(const dvm_node_abi *abi, const char *method, const uint8_t *ret,
                                   uint32_t len) {
  const dvm_node_abi_method *m = dvm_node_abi_method_find(abi, method);
  json_t *d;
  char err[256];
  if (!m) return;
  if (dvm_node_abi_decode(m->returns, m->nreturns, ret, len, &d, err, sizeof err) == 0) {
    fputs(",\"decoded\":", stdout);
    print_json(d);
    json_decref(d);
  } else {
    json_t *e = json_string(err);
    fputs(",\"decode_error\":", stdout);
    print_json(e);
    json_decref(e);
  }
}

void dvm_cli_exec_abi_print_log(const dvm_node_abi *abi, const uint8_t *topics, uint32_t ntopics,
                                const uint8_t *data, uint32_t len) {
  json_t *ev;
  if (!ntopics || dvm_node_abi_decode_log(abi, topics, ntopics, data, len, &ev, NULL, 0)) return;
  fputs(",\"event\":", stdout);
  print_json(json_object_get(ev, "event"));
  fputs(",\"fields\":", stdout);
  print_json(json_object_get(ev, "fields"));
  json_decref(ev);
}
