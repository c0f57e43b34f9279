/* rpc_params.c — the JSON-RPC error object and the parameter readers that
 * every method shares (spec/rpc.md §Errors). A leaf of the RPC files: the
 * dispatch (rpc_methods.c) and the transaction methods (rpc_send.c) call
 * it, it calls neither. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "node_int.h"

json_t *node_rpc_error(node_rpc_err *e, int code, const char *fmt, ...) {
  va_list ap;
  e->code = code;
  va_start(ap, fmt);
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return NULL;
}

int node_param_addr(json_t *params, const char *key, int required, uint8_t out[32], node_rpc_err *e) {
  json_t *v = json_object_get(params, key);
  if (!v) {
    if (!required) return 1;
    node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.%s: missing (64 hex digits)", key);
    return -1;
  }
  if (node_parse_hex32(v, out)) {
    node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.%s: expected 64 hex digits", key);
    return -1;
  }
  return 0;
}

int node_param_u64(json_t *params, const char *key, int required, uint64_t *out, node_rpc_err *e) {
  json_t *v = json_object_get(params, key);
  if (!v) {
    if (!required) return 1;
    node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.%s: missing (an unsigned integer)", key);
    return -1;
  }
  if (json_is_integer(v) && json_integer_value(v) >= 0) {
    *out = (uint64_t)json_integer_value(v);
    return 0;
  }
  if (json_is_string(v)) {
    const char *s = json_string_value(v);
    char *end;
    if (*s >= '0' && *s <= '9') {
      unsigned long long x = strtoull(s, &end, 10);
      if (!*end && (s[0] != '0' || !s[1])) {
        *out = x;
        return 0;
      }
    }
  }
  node_rpc_error(e, DVM_NODE_RPC_INVALID_PARAMS, "params.%s: expected an unsigned integer", key);
  return -1;
}
