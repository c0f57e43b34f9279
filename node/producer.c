/* producer.c — the data directory held by a node, and block production:
 * on a timer while transactions are pending, at once when the mempool
 * holds a full block, and on demand (dvm_mine). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "node_int.h"

const char *dvm_node_dir(const dvm_node *n) { return n->dir; }

static json_t *load_assets(const char *dir) {
  char path[PATH_MAX];
  json_error_t je;
  snprintf(path, sizeof path, "%s/genesis.json", dir);
  json_t *g = json_load_file(path, 0, &je), *a = NULL;
  if (g) a = json_incref(json_object_get(g, "assets"));
  json_decref(g);
  return a ? a : json_array();
}

int dvm_node_open(const char *dir, const dvm_node_opts *opts, dvm_node **out, char *err, size_t errlen) {
  char path[PATH_MAX], e[256];
  dvm_node *n = calloc(1, sizeof *n);
  *out = NULL;
  if (!n) return node_fail(err, errlen, "out of memory");
  snprintf(n->dir, sizeof n->dir, "%s", dir);
  if (opts) n->o = *opts;
  if (!n->o.block_time_ms) n->o.block_time_ms = 1000;
  if (!n->o.block_max_txs) n->o.block_max_txs = 4096;
  if (n->o.block_max_txs > DVM_BLOCK_MAX_TXS) n->o.block_max_txs = DVM_BLOCK_MAX_TXS;
  if (!n->o.wait_ms) n->o.wait_ms = 30000;
  n->lock_fd = -1;
  pthread_mutex_init(&n->mu, NULL);
  pthread_mutex_init(&n->write_mu, NULL);
  pthread_cond_init(&n->wake, NULL);
  pthread_cond_init(&n->blocked, NULL);
  int rc = 0;
  snprintf(path, sizeof path, "%s/chain", dir);
  if (access(path, F_OK)) {
    rc = node_fail(err, errlen, "%s: not a data directory (run dvm init --data %s)", dir, dir);
    goto fail;
  }
  snprintf(path, sizeof path, "%s/node.lock", dir);
  n->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (n->lock_fd < 0) {
    rc = node_fail(err, errlen, "%s: %s", path, strerror(errno));
    goto fail;
  }
  if (flock(n->lock_fd, LOCK_EX | LOCK_NB)) {
    node_fail(err, errlen, "%s: held by another process (a running node: use --rpc)", dir);
    rc = -2;
    goto fail;
  }
  dvm_rt_chain_opts co = {0, n->o.threads, 0};
  snprintf(path, sizeof path, "%s/chain", dir);
  if (dvm_rt_chain_open(path, &co, &n->chain, e)) {
    rc = node_fail(err, errlen, "%s: %s", path, e);
    goto fail;
  }
  if (dvm_rt_chain_head(n->chain, NULL, NULL, NULL, NULL)) {
    rc = node_fail(err, errlen, "%s: no genesis (run dvm init)", path);
    goto fail;
  }
  if (node_index_open(dir, &n->idx, err, errlen) || node_index_catch_up(n->idx, n->chain, err, errlen)) {
    rc = -1;
    goto fail;
  }
  if (dvm_node_mempool_new(&n->o.mempool, &n->mp)) {
    rc = node_fail(err, errlen, "out of memory");
    goto fail;
  }
  n->assets = load_assets(dir);
  *out = n;
  return 0;
fail:
  dvm_node_close(n);
  return rc;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int node_produce(dvm_node *n, int force, uint64_t at, dvm_rt_block_info *info, char *err, size_t errlen) {
  dvm_node_mp_batch b;
  uint64_t parent_time;
  int rc;
  pthread_mutex_lock(&n->write_mu);
  pthread_mutex_lock(&n->mu);
  rc = dvm_node_mempool_select(n->mp, n->o.block_max_txs, DVM_BLOCK_MAX_BYTES - (1u << 20), &b);
  pthread_mutex_unlock(&n->mu);
  if (rc) {
    pthread_mutex_unlock(&n->write_mu);
    return node_fail(err, errlen, "out of memory");
  }
  if (b.n == 0 && !force) {
    pthread_mutex_unlock(&n->write_mu);
    dvm_node_mp_batch_free(&b);
    return 1;
  }
  int *rejected = calloc(b.n ? b.n : 1, sizeof *rejected);
  dvm_rt_chain_head(n->chain, NULL, NULL, NULL, &parent_time);
  uint64_t t = at ? at : (uint64_t)time(NULL);
  if (t < parent_time) t = parent_time;
  rc = rejected ? dvm_rt_chain_produce(n->chain, (const uint8_t *const *)b.txs, b.lens, b.n, t, rejected, info, NULL, NULL)
                : DVM_RT_ERR_NOMEM;
  if (rc == DVM_RT_OK) {
    char e[256];
    if (node_index_catch_up(n->idx, n->chain, e, sizeof e)) fprintf(stderr, "dvm node: %s\n", e);
    pthread_mutex_lock(&n->mu);
    dvm_node_mempool_done(n->mp, &b, rejected);
    n->blocks++;
    pthread_cond_broadcast(&n->blocked);
    pthread_mutex_unlock(&n->mu);
  } else {
    node_fail(err, errlen, "block production: %s: %s", dvm_rt_strerror(rc), dvm_rt_chain_errmsg(n->chain));
  }
  pthread_mutex_unlock(&n->write_mu);
  free(rejected);
  dvm_node_mp_batch_free(&b);
  return rc == DVM_RT_OK ? 0 : -1;
}

static void *producer_main(void *arg) {
  dvm_node *n = arg;
  uint64_t next = now_ms() + n->o.block_time_ms;
  pthread_mutex_lock(&n->mu);
  while (!n->stop) {
    size_t count = dvm_node_mempool_count(n->mp);
    uint64_t now = now_ms();
    if (count >= n->o.block_max_txs || (count && now >= next)) {
      pthread_mutex_unlock(&n->mu);
      dvm_rt_block_info info;
      char e[512];
      if (node_produce(n, 0, 0, &info, e, sizeof e) < 0) {
        fprintf(stderr, "dvm node: %s\n", e);
        usleep(100000); /* a failing store: do not spin */
      }
      pthread_mutex_lock(&n->mu);
      next = now_ms() + n->o.block_time_ms;
      continue;
    }
    if (!count) next = now + n->o.block_time_ms; /* the timer starts with the first pending transaction */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t wait = next > now ? next - now : 1;
    ts.tv_sec += (time_t)(wait / 1000);
    ts.tv_nsec += (long)(wait % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
    pthread_cond_timedwait(&n->wake, &n->mu, &ts);
  }
  pthread_mutex_unlock(&n->mu);
  return NULL;
}

int dvm_node_start(dvm_node *n, char *err, size_t errlen) {
  if (pthread_create(&n->producer, NULL, producer_main, n)) return node_fail(err, errlen, "cannot start the producer thread");
  n->has_producer = 1;
  return 0;
}

void dvm_node_close(dvm_node *n) {
  if (!n) return;
  pthread_mutex_lock(&n->mu);
  n->stop = 1;
  pthread_cond_broadcast(&n->wake);
  pthread_cond_broadcast(&n->blocked);
  pthread_mutex_unlock(&n->mu);
  if (n->has_producer) pthread_join(n->producer, NULL);
  dvm_node_mempool_free(n->mp);
  node_index_close(n->idx);
  if (n->chain) dvm_rt_chain_close(n->chain);
  json_decref(n->assets);
  if (n->lock_fd >= 0) close(n->lock_fd); /* releases the lock */
  pthread_mutex_destroy(&n->mu);
  pthread_mutex_destroy(&n->write_mu);
  pthread_cond_destroy(&n->wake);
  pthread_cond_destroy(&n->blocked);
  free(n);
}
