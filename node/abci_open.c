/* abci_open.c — `dvm abci`'s state (node/abci_int.h): open and close, the
 * data directory and its lock, the Commit acknowledgement (DIR/abci_commit)
 * and the headers of stored blocks. Calls only libdvm. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abci_int.h"

/* The acknowledged height: DIR/abci_commit holds it as decimal text. */
static uint64_t ack_load(const dvm_abci *a) {
  char path[4200];
  uint8_t *s;
  size_t n;
  snprintf(path, sizeof path, "%s/abci_commit", a->dir);
  if (dvm_buf_read_file(path, &s, &n)) return 0;
  uint64_t h = strtoull((const char *)s, NULL, 10); /* NUL-terminated */
  free(s);
  return h;
}

/* Write DIR/abci_commit durably: temporary file, fsync, rename, fsync dir. */

/* Write DIR/abci_commit durably: temporary file, fsync, rename, fsync dir. */
int abci_ack_store(dvm_abci *a, uint64_t h) {
  char path[4200], tmp[4200], txt[32];
  snprintf(path, sizeof path, "%s/abci_commit", a->dir);
  snprintf(tmp, sizeof tmp, "%s/abci_commit.tmp", a->dir);
  int n = snprintf(txt, sizeof txt, "%" PRIu64 "\n", h);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  int ok = write(fd, txt, (size_t)n) == n && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp, path)) return -1;
  int d = open(a->dir, O_RDONLY | O_DIRECTORY);
  if (d >= 0) {
    fsync(d);
    close(d);
  }
  a->acked = h;
  return 0;
}

int dvm_abci_open(const dvm_abci_opts *o, dvm_abci **out, char *errbuf) {
  *out = NULL;
  dvm_abci *a = calloc(1, sizeof *a);
  if (!a) return snprintf(errbuf, 256, "out of memory"), -1;
  snprintf(a->dir, sizeof a->dir, "%s", o->data_dir);
  a->verbose = o->verbose;
  uint8_t *g = NULL;
  if (o->genesis_path && dvm_buf_read_file(o->genesis_path, &g, &a->genesis_len)) {
    snprintf(errbuf, 256, "cannot read genesis %s: %s", o->genesis_path, strerror(errno));
    free(a);
    return -1;
  }
  a->genesis = (char *)g; /* NUL-terminated text */
  /* The node's data directory layout (spec/rpc.md): DIR/chain holds the
   * chain, DIR/genesis.json the genesis applied, DIR/node.lock is held by
   * the one process serving it; `dvm query --data DIR` and `dvm replay`
   * read it when the server is stopped. */
  char path[4200];
  mkdir(o->data_dir, 0755);
  snprintf(path, sizeof path, "%s/node.lock", o->data_dir);
  a->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (a->lock_fd < 0 || flock(a->lock_fd, LOCK_EX | LOCK_NB)) {
    snprintf(errbuf, 256, "%.200s: %s", path, a->lock_fd < 0 ? strerror(errno) : "held by another process");
    if (a->lock_fd >= 0) close(a->lock_fd);
    free(a->genesis);
    free(a);
    return -1;
  }
  dvm_rt_chain_opts co = {0};
  co.threads = o->threads;
  snprintf(path, sizeof path, "%s/chain", o->data_dir);
  if (dvm_rt_chain_open(path, &co, &a->chain, errbuf)) {
    close(a->lock_fd);
    free(a->genesis);
    free(a);
    return -1;
  }
  pthread_mutex_init(&a->lock, NULL);
  a->acked = ack_load(a);
  const char *fault = getenv("DVM_ABCI_FAULT");
  if (fault && (!strncmp(fault, "before:", 7) || !strncmp(fault, "after:", 6))) {
    a->fault_after = fault[0] == 'a';
    a->fault_h = strtoull(strchr(fault, ':') + 1, NULL, 10);
  }
  uint64_t h;
  if (dvm_rt_chain_head(a->chain, &h, NULL, NULL, NULL) == 0) {
    /* A crash between FinalizeBlock and Commit leaves the store one block
     * ahead of the acknowledgement, never more. */
    if (a->acked > h) a->acked = h;
    a->finalized = h;
  }
  *out = a;
  return 0;
}

void dvm_abci_close(dvm_abci *a) {
  if (!a) return;
  dvm_rt_chain_close(a->chain);
  close(a->lock_fd);
  pthread_mutex_destroy(&a->lock);
  free(a->genesis);
  free(a);
}

/* The header of stored block `h`. */
int abci_block_header(dvm_abci *a, uint64_t h, dvm_tx_block_header *hd) {
  uint8_t *b;
  size_t n;
  char e[128];
  int rc = dvm_rt_chain_block(a->chain, h, &b, &n);
  if (rc) return rc;
  rc = dvm_tx_block_header_decode(b, n < DVM_BLOCK_HEADER_BYTES ? n : DVM_BLOCK_HEADER_BYTES, hd, e, sizeof e);
  free(b);
  return rc ? DVM_RT_ERR_STATE : 0;
}
