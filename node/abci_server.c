/* abci_server.c — the ABCI socket (frames: abci_frame.c), one
 * thread per connection (CometBFT opens four: consensus, mempool, query,
 * snapshot), answers in order on each. A bad frame (truncated, oversize
 * length) closes only its connection; a malformed or unknown request is
 * answered with an Exception and the connection goes on. */
#include "abci.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct conn {
  dvm_abci *a;
  int fd;
  unsigned id;
  const char *capture;
  atomic_int *fatal;
  int verbose;
} conn;

static void *conn_main(void *arg) {
  conn *c = arg;
  uint64_t seq = 0;
  for (;;) {
    uint8_t *req, *resp = NULL;
    size_t len, rlen = 0;
    int rc = dvm_abci_frame_read(c->fd, DVM_ABCI_MAX_FRAME, &req, &len);
    if (rc) {
      if (rc < 0 && c->verbose) fprintf(stderr, "dvm abci: connection %u: bad or truncated frame; closed\n", c->id);
      break;
    }
    if (c->capture) {
      char path[4200];
      snprintf(path, sizeof path, "%s/c%u-%06llu.bin", c->capture, c->id, (unsigned long long)seq);
      FILE *f = fopen(path, "wb");
      if (f) {
        fwrite(req, 1, len, f);
        fclose(f);
      }
    }
    seq++;
    rc = dvm_abci_handle(c->a, req, len, &resp, &rlen);
    free(req);
    if (resp && dvm_abci_frame_write(c->fd, resp, rlen)) rc = rc ? rc : 1;
    free(resp);
    if (rc < 0) {
      atomic_store(c->fatal, 1);
      break;
    }
    if (rc > 0) break;
  }
  close(c->fd);
  free(c);
  return NULL;
}

static int listen_on(const char *addr, char *err) {
  int fd = -1;
  if (!strncmp(addr, "unix://", 7)) {
    struct sockaddr_un su;
    memset(&su, 0, sizeof su);
    su.sun_family = AF_UNIX;
    if (strlen(addr + 7) >= sizeof su.sun_path) return snprintf(err, 256, "path too long"), -1;
    strcpy(su.sun_path, addr + 7);
    unlink(su.sun_path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&su, sizeof su)) goto fail;
  } else {
    const char *hp = !strncmp(addr, "tcp://", 6) ? addr + 6 : addr;
    char host[256];
    const char *colon = strrchr(hp, ':');
    if (!colon || (size_t)(colon - hp) >= sizeof host) return snprintf(err, 256, "expected tcp://HOST:PORT"), -1;
    memcpy(host, hp, (size_t)(colon - hp));
    host[colon - hp] = 0;
    struct addrinfo hints, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int g = getaddrinfo(host[0] ? host : NULL, colon + 1, &hints, &ai);
    if (g) return snprintf(err, 256, "%s: %s", addr, gai_strerror(g)), -1;
    fd = socket(ai->ai_family, SOCK_STREAM, 0);
    int one = 1;
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int b = fd >= 0 ? bind(fd, ai->ai_addr, ai->ai_addrlen) : -1;
    freeaddrinfo(ai);
    if (b) goto fail;
  }
  if (listen(fd, 16)) goto fail;
  return fd;
fail:
  snprintf(err, 256, "%s: %s", addr, strerror(errno));
  if (fd >= 0) close(fd);
  return -1;
}

int dvm_abci_serve(dvm_abci *a, const char *listen_addr, volatile sig_atomic_t *stop) {
  char err[256];
  int lfd = listen_on(listen_addr, err);
  if (lfd < 0) {
    fprintf(stderr, "dvm abci: listen %s\n", err);
    return -1;
  }
  const char *capture = getenv("DVM_ABCI_CAPTURE");
  int verbose = getenv("DVM_ABCI_VERBOSE") != NULL;
  static atomic_int fatal;
  unsigned next = 0;
  while (!*stop && !atomic_load(&fatal)) {
    struct pollfd p = {lfd, POLLIN, 0};
    int pr = poll(&p, 1, 1000);
    if (pr <= 0) continue;
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    conn *c = calloc(1, sizeof *c);
    if (!c) {
      close(fd);
      continue;
    }
    *c = (conn){a, fd, next++, capture, &fatal, verbose};
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, conn_main, c)) {
      close(fd);
      free(c);
    }
    pthread_attr_destroy(&at);
  }
  close(lfd);
  return atomic_load(&fatal) ? -1 : 0;
}
