/* rpc_server.c — JSON-RPC over HTTP with libmicrohttpd (no HTTP parsing of
 * our own): POST / only, one thread per connection, a cap on connections
 * and on the body size, a token bucket per client address. Every refusal
 * is a JSON-RPC error object (spec/rpc.md §HTTP). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node_int.h"

#define RATE_SLOTS 64

typedef struct bucket {
  uint32_t ip; /* IPv4, network order; 0 = free slot */
  uint64_t milli_tokens;
  uint64_t last_ms;
} bucket;

struct dvm_node_server {
  dvm_node *n;
  dvm_node_server_opts o;
  struct MHD_Daemon *d;
  uint16_t port;
  pthread_mutex_t rate_mu;
  bucket buckets[RATE_SLOTS];
};

typedef struct conn_req {
  char *body;
  size_t len, cap;
  int too_large;
} conn_req;

static uint64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Take a token for this client: 1, or 0 when over the rate. */
static int rate_take(dvm_node_server *s, uint32_t ip) {
  uint64_t now = mono_ms(), cap = (uint64_t)s->o.burst * 1000u;
  int ok;
  pthread_mutex_lock(&s->rate_mu);
  bucket *b = NULL, *oldest = &s->buckets[0];
  for (int i = 0; i < RATE_SLOTS && !b; i++) {
    if (s->buckets[i].ip == ip) b = &s->buckets[i];
    else if (s->buckets[i].last_ms < oldest->last_ms) oldest = &s->buckets[i];
  }
  if (!b) { /* a new client takes the slot used longest ago, full */
    b = oldest;
    b->ip = ip;
    b->milli_tokens = cap;
    b->last_ms = now;
  }
  b->milli_tokens += (now - b->last_ms) * s->o.rate; /* rate tokens per 1000 ms */
  if (b->milli_tokens > cap) b->milli_tokens = cap;
  b->last_ms = now;
  ok = b->milli_tokens >= 1000;
  if (ok) b->milli_tokens -= 1000;
  pthread_mutex_unlock(&s->rate_mu);
  return ok;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body) {
  struct MHD_Response *r =
    MHD_create_response_from_buffer(body ? strlen(body) : 0, (void *)(body ? body : ""), MHD_RESPMEM_MUST_COPY);
  if (!r) return MHD_NO;
  if (body) MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result rc = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return rc;
}

static enum MHD_Result reply_error(struct MHD_Connection *c, unsigned status, int code, const char *msg) {
  char body[400];
  snprintf(body, sizeof body, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,\"message\":\"%s\"}}", code, msg);
  return reply(c, status, body);
}

static uint32_t client_ip(struct MHD_Connection *c) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
    return ((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr.s_addr;
  return 1;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  dvm_node_server *s = cls;
  conn_req *r = *con_cls;
  (void)url;
  (void)version;
  if (!r) { /* headers only: decide early */
    if (strcmp(method, "POST"))
      return reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, DVM_NODE_RPC_INVALID_REQUEST, "use POST with a JSON-RPC body");
    if (!rate_take(s, client_ip(c)))
      return reply_error(c, MHD_HTTP_TOO_MANY_REQUESTS, DVM_NODE_RPC_RATE_LIMITED, "rate limited: too many requests");
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > s->o.max_body)
      return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, DVM_NODE_RPC_TOO_LARGE, "request body too large");
    if (!(r = calloc(1, sizeof *r))) return MHD_NO;
    *con_cls = r;
    return MHD_YES;
  }
  if (*upload_size) {
    if (r->len + *upload_size > s->o.max_body) {
      r->too_large = 1;
    } else if (!r->too_large) {
      if (r->len + *upload_size + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + *upload_size + 1) cap *= 2;
        char *b = realloc(r->body, cap);
        if (!b) return MHD_NO;
        r->body = b;
        r->cap = cap;
      }
      memcpy(r->body + r->len, upload, *upload_size);
      r->len += *upload_size;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (r->too_large)
    return reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, DVM_NODE_RPC_TOO_LARGE, "request body too large");
  char *out = dvm_node_rpc(s->n, r->body ? r->body : "", r->len);
  enum MHD_Result rc = out ? reply(c, MHD_HTTP_OK, out) : reply(c, MHD_HTTP_NO_CONTENT, NULL);
  free(out);
  return rc;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  conn_req *r = *con_cls;
  (void)cls;
  (void)c;
  (void)toe;
  if (r) {
    free(r->body);
    free(r);
    *con_cls = NULL;
  }
}

int dvm_node_server_start(dvm_node *n, const dvm_node_server_opts *o, dvm_node_server **out, char *err, size_t errlen) {
  dvm_node_server *s = calloc(1, sizeof *s);
  struct sockaddr_in addr;
  *out = NULL;
  if (!s) return node_fail(err, errlen, "out of memory");
  s->n = n;
  if (o) s->o = *o;
  if (!s->o.host) s->o.host = "127.0.0.1";
  if (!s->o.max_body) s->o.max_body = 4u << 20;
  if (!s->o.max_conns) s->o.max_conns = 64;
  if (!s->o.rate) s->o.rate = 1000;
  if (!s->o.burst) s->o.burst = 2 * s->o.rate;
  if (!s->o.timeout_s) s->o.timeout_s = 30;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(s->o.port);
  if (inet_pton(AF_INET, s->o.host, &addr.sin_addr) != 1) {
    node_fail(err, errlen, "%s: not an IPv4 address", s->o.host);
    free(s);
    return -1;
  }
  pthread_mutex_init(&s->rate_mu, NULL);
  s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, s->o.port, NULL, NULL,
                          handle, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_LIMIT,
                          (unsigned)s->o.max_conns, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->o.timeout_s,
                          MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
  if (!s->d) {
    pthread_mutex_destroy(&s->rate_mu);
    free(s);
    return node_fail(err, errlen, "cannot listen on %s:%u", o && o->host ? o->host : "127.0.0.1", o ? o->port : 0);
  }
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
  s->port = di ? di->port : s->o.port;
  *out = s;
  return 0;
}

uint16_t dvm_node_server_port(const dvm_node_server *s) { return s->port; }

void dvm_node_server_stop(dvm_node_server *s) {
  if (!s) return;
  MHD_stop_daemon(s->d);
  pthread_mutex_destroy(&s->rate_mu);
  free(s);
}
