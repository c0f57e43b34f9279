/* cli_client.c — shared by the client commands (cli_client.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_client.h"

int cli_conn_opt(cli_conn *o, int argc, char **argv, int *i) {
  const char *a = argv[*i];
  const char **slot = !strcmp(a, "--rpc") ? &o->rpc : !strcmp(a, "--data") ? &o->data : !strcmp(a, "--key") ? &o->key : NULL;
  if (!strcmp(a, "--json")) return o->json = 1;
  if (!strcmp(a, "--sign-only")) return o->sign_only = 1;
  if (!slot && strcmp(a, "--gas") && strcmp(a, "--gas-price")) return 0;
  if (*i + 1 >= argc) {
    fprintf(stderr, "dvm: %s needs a value\n", a);
    return -1;
  }
  const char *v = argv[++*i];
  if (slot) *slot = v;
  else if (!strcmp(a, "--gas")) o->gas = strtoull(v, NULL, 10);
  else o->gas_price = strtoull(v, NULL, 10);
  return 1;
}

int cli_conn_open(cli_conn *o, dvm_node_client **c) {
  char err[512];
  if (!o->rpc && !o->data) o->rpc = getenv("DVM_RPC");
  if (dvm_node_client_open(o->rpc, o->data, c, err, sizeof err)) {
    fprintf(stderr, "dvm: %s\n", err);
    return 3;
  }
  return 0;
}

int cli_conn_key(cli_conn *o, dvm_node_key *k) {
  char err[512];
  if (!o->key) {
    fprintf(stderr, "dvm: --key FILE is needed to sign (dvm keygen makes one)\n");
    return 2;
  }
  if (dvm_node_key_load(o->key, k, err, sizeof err)) {
    fprintf(stderr, "dvm: %s\n", err);
    return 2;
  }
  return 0;
}

static void print_lines(json_t *v, const char *prefix) {
  const char *k;
  json_t *x;
  json_object_foreach(v, k, x) {
    char p[256];
    snprintf(p, sizeof p, "%s%s%s", prefix, *prefix ? "." : "", k);
    if (json_is_object(x) && json_object_size(x)) {
      print_lines(x, p);
    } else if (json_is_array(x) && json_array_size(x) && json_is_object(json_array_get(x, 0))) {
      size_t i;
      json_t *e;
      json_array_foreach(x, i, e) {
        char q[280];
        snprintf(q, sizeof q, "%s[%zu]", p, i);
        print_lines(e, q);
      }
    } else {
      char *s = json_is_string(x) ? NULL : json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY);
      printf("%-28s %s\n", p, s ? s : json_string_value(x));
      free(s);
    }
  }
}

int cli_conn_print(cli_conn *o, int rc, json_t *res, const char *err) {
  if (rc < 0) {
    fprintf(stderr, "dvm: %s\n", err);
    return 3;
  }
  if (rc == 1) {
    fprintf(stderr, "dvm: error %lld: %s\n", (long long)json_integer_value(json_object_get(res, "code")),
            json_string_value(json_object_get(res, "message")));
    if (o->json) {
      char *s = json_dumps(res, JSON_COMPACT);
      printf("{\"error\":%s}\n", s);
      free(s);
    }
    json_decref(res);
    return 1;
  }
  if (o->json) {
    char *s = json_dumps(res, JSON_COMPACT | JSON_ENCODE_ANY);
    printf("%s\n", s);
    free(s);
  } else if (json_is_string(res)) {
    printf("%s\n", json_string_value(res));
  } else if (json_is_object(res)) {
    print_lines(res, "");
  } else {
    char *s = json_dumps(res, JSON_INDENT(2) | JSON_ENCODE_ANY);
    printf("%s\n", s);
    free(s);
  }
  json_t *rec = json_object_get(res, "receipt");
  const char *st = json_string_value(json_object_get(rec ? rec : res, "status"));
  int code = (rec && json_is_null(rec)) || (st && strcmp(st, "ok")) ? 1 : 0;
  json_decref(res);
  return code;
}

int cli_conn_asset(dvm_node_client *c, const char *s, uint32_t *asset) {
  char *end;
  unsigned long v = strtoul(s, &end, 10);
  if (*s && !*end) {
    *asset = (uint32_t)v;
    return 0;
  }
  json_t *r;
  char err[256];
  if (dvm_node_client_call(c, "dvm_getAssets", NULL, &r, err, sizeof err)) return -1;
  size_t i;
  json_t *a;
  int rc = -1;
  json_array_foreach(r, i, a) {
    if (!strcmp(json_string_value(json_object_get(a, "symbol")), s)) {
      *asset = (uint32_t)json_integer_value(json_object_get(a, "id"));
      rc = 0;
    }
  }
  json_decref(r);
  return rc;
}
