/* client.c — the JSON-RPC client of the dvm commands (node.h): libcurl
 * to a node, or the node's methods in-process on a data directory. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node_int.h"

struct dvm_node_client {
  char url[256];
  dvm_node *direct; /* in-process, when no node holds the data directory */
  CURL *curl;
  long next_id;
};

int dvm_node_client_open(const char *url, const char *dir, dvm_node_client **out, char *err, size_t errlen) {
  dvm_node_client *c = calloc(1, sizeof *c);
  *out = NULL;
  if (!c) return node_fail(err, errlen, "out of memory");
  if (!url && dir) {
    dvm_node_opts o = {0};
    int rc = dvm_node_open(dir, &o, &c->direct, err, errlen);
    if (rc == -2) { /* a running node: its URL */
      char path[PATH_MAX];
      snprintf(path, sizeof path, "%s/rpc.url", dir);
      FILE *f = fopen(path, "r");
      if (!f || !fgets(c->url, sizeof c->url, f)) {
        if (f) fclose(f);
        free(c);
        return -1;
      }
      fclose(f);
      c->url[strcspn(c->url, "\r\n")] = 0;
    } else if (rc) {
      free(c);
      return -1;
    }
  } else if (url) {
    snprintf(c->url, sizeof c->url, "%s", url);
  } else {
    free(c);
    return node_fail(err, errlen, "no node: give --rpc URL or --data DIR");
  }
  if (!c->direct) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (!(c->curl = curl_easy_init())) {
      free(c);
      return node_fail(err, errlen, "curl: cannot start");
    }
  }
  *out = c;
  return 0;
}

void dvm_node_client_close(dvm_node_client *c) {
  if (!c) return;
  if (c->curl) curl_easy_cleanup(c->curl);
  dvm_node_close(c->direct);
  free(c);
}

typedef struct sink {
  char *p;
  size_t n;
} sink;

static size_t sink_write(char *data, size_t size, size_t nmemb, void *arg) {
  sink *s = arg;
  size_t k = size * nmemb;
  char *p = realloc(s->p, s->n + k + 1);
  if (!p) return 0;
  memcpy(p + s->n, data, k);
  s->n += k;
  p[s->n] = 0;
  s->p = p;
  return k;
}

int dvm_node_client_call(dvm_node_client *c, const char *method, json_t *params, json_t **result, char *err,
                         size_t errlen) {
  json_t *req = json_pack("{s:s,s:I,s:s,s:o}", "jsonrpc", "2.0", "id", (json_int_t)++c->next_id, "method", method,
                          "params", params ? params : json_object());
  char *body = json_dumps(req, JSON_COMPACT);
  json_decref(req);
  *result = NULL;
  if (!body) return node_fail(err, errlen, "out of memory");
  sink s = {NULL, 0};
  if (c->direct) {
    s.p = dvm_node_rpc(c->direct, body, strlen(body));
    s.n = s.p ? strlen(s.p) : 0;
  } else {
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c->curl, CURLOPT_URL, c->url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 120L);
    CURLcode cc = curl_easy_perform(c->curl);
    curl_slist_free_all(h);
    if (cc != CURLE_OK) {
      free(body);
      free(s.p);
      return node_fail(err, errlen, "%s: %s", c->url, curl_easy_strerror(cc));
    }
  }
  free(body);
  json_t *resp = s.p ? json_loads(s.p, 0, NULL) : NULL;
  free(s.p);
  if (!json_is_object(resp)) {
    json_decref(resp);
    return node_fail(err, errlen, "%s: not a JSON-RPC response", method);
  }
  json_t *e = json_object_get(resp, "error");
  int rc = e ? 1 : 0;
  *result = json_incref(e ? e : json_object_get(resp, "result"));
  json_decref(resp);
  return rc;
}

int dvm_node_client_sign(dvm_node_client *c, dvm_tx *tx, const dvm_node_key *k, json_t **result, char *err,
                         size_t errlen) {
  json_t *r;
  int rc = dvm_node_client_call(c, "dvm_head", NULL, &r, err, errlen);
  if (rc) {
    *result = r;
    return rc;
  }
  snprintf(tx->chain_id, sizeof tx->chain_id, "%s", json_string_value(json_object_get(r, "chain_id")));
  tx->chain_id_len = (uint8_t)strlen(tx->chain_id);
  json_decref(r);
  char addr[65];
  dvm_hex_encode(k->pk, 32, addr);
  memcpy(tx->sender, k->pk, 32);
  if ((rc = dvm_node_client_call(c, "dvm_getNonce", json_pack("{s:s}", "address", addr), &r, err, errlen))) {
    *result = r;
    return rc;
  }
  tx->nonce = (uint64_t)json_integer_value(json_object_get(r, "nonce"));
  json_decref(r);
  tx->version = DVM_TX_VERSION;
  uint8_t *enc;
  size_t len;
  if (dvm_tx_encode_signed(tx, k->sk, &enc, &len)) return node_fail(err, errlen, "transaction does not encode");
  *result = node_hex(enc, len);
  free(enc);
  return 0;
}

int dvm_node_client_submit(dvm_node_client *c, dvm_tx *tx, const dvm_node_key *k, json_t *abi, json_t **result,
                           char *err, size_t errlen) {
  json_t *r, *hex;
  int rc = dvm_node_client_sign(c, tx, k, &hex, err, errlen);
  if (rc) {
    *result = hex;
    return rc;
  }
  json_t *p = json_pack("{s:o,s:b}", "tx", hex, "wait", 1);
  if (abi) json_object_set(p, "abi", abi);
  if ((rc = dvm_node_client_call(c, "dvm_sendTransaction", p, &r, err, errlen))) {
    *result = r;
    return rc;
  }
  if (c->direct) { /* nobody produces blocks here: mine this one now */
    json_t *m, *rec;
    if ((rc = dvm_node_client_call(c, "dvm_mine", NULL, &m, err, errlen))) {
      json_decref(r);
      *result = m;
      return rc;
    }
    json_decref(m);
    rc = dvm_node_client_call(c, "dvm_getReceipt", json_pack("{s:O}", "id", json_object_get(r, "id")), &rec, err, errlen);
    if (rc < 0) {
      json_decref(r);
      return rc;
    }
    json_object_set_new(r, "receipt", rc == 0 ? rec : json_null());
    if (rc) json_decref(rec);
  }
  *result = r;
  return 0;
}
