/* abci_frame.c — the wire: ABCI frames (an unsigned varint length, then
 * the protobuf bytes, node/abci.h) and encoded Responses (abci_int.h). A
 * leaf: the server and the methods use it. */
#include "abci.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "abci_int.h"

size_t dvm_abci_varint(uint64_t v, uint8_t out[10]) {
  size_t n = 0;
  while (v >= 0x80) {
    out[n++] = (uint8_t)(v | 0x80);
    v >>= 7;
  }
  out[n++] = (uint8_t)v;
  return n;
}

static int read_full(int fd, uint8_t *p, size_t n) {
  while (n) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

int dvm_abci_frame_read(int fd, size_t max, uint8_t **buf, size_t *len) {
  uint64_t v = 0;
  *buf = NULL;
  for (unsigned i = 0;; i++) {
    uint8_t b;
    ssize_t r = read(fd, &b, 1);
    if (r < 0 && errno == EINTR) {
      i--;
      continue;
    }
    if (r == 0 && i == 0) return 1; /* clean end between frames */
    if (r <= 0) return -1;
    if (i == 9 && b > 1) return -1; /* more than 64 bits */
    v |= (uint64_t)(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) break;
    if (i == 9) return -1;
  }
  if (v > max) return -1;
  uint8_t *p = malloc(v ? v : 1);
  if (!p) return -1;
  if (read_full(fd, p, v)) {
    free(p);
    return -1;
  }
  *buf = p;
  *len = v;
  return 0;
}

int dvm_abci_frame_write(int fd, const uint8_t *buf, size_t len) {
  uint8_t pre[10];
  size_t pn = dvm_abci_varint(len, pre);
  struct part {
    const uint8_t *p;
    size_t n;
  } parts[2] = {{pre, pn}, {buf, len}};
  for (int k = 0; k < 2; k++) {
    const uint8_t *p = parts[k].p;
    size_t n = parts[k].n;
    while (n) {
      ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return -1;
      p += w;
      n -= (size_t)w;
    }
  }
  return 0;
}

uint8_t *abci_pack(const Dvmabci__Response *r, size_t *len) {
  size_t n = dvmabci__response__get_packed_size(r);
  uint8_t *b = malloc(n ? n : 1);
  if (!b) return NULL;
  *len = dvmabci__response__pack(r, b);
  return b;
}

uint8_t *abci_exception(const char *msg, size_t *len) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  Dvmabci__ResponseException x = DVMABCI__RESPONSE_EXCEPTION__INIT;
  x.error = (char *)msg;
  r.value_case = DVMABCI__RESPONSE__VALUE_EXCEPTION;
  r.exception = &x;
  return abci_pack(&r, len);
}
