/* replay_src.c — the replay's two kinds of state: the source data
 * directory, only read, one short LMDB read view per read (a live node
 * keeps producing meanwhile), and fresh throwaway chains in a temporary
 * directory beside it, opened without fsync (spec/trace.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay_int.h"

int rt_replay_rerr(dvm_rt_replay *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err, sizeof r->err, fmt, ap);
  va_end(ap);
  return 0;
}

/* ---- source reads: one short view each ---- */

int rt_replay_src_get(dvm_rt_replay *r, unsigned table, const void *key, size_t klen, uint8_t **out, size_t *len) {
  dvm_state_view *v;
  dvm_state_bytes b;
  *out = NULL;
  *len = 0;
  int rc = dvm_state_view_begin(r->src, &v);
  if (rc) return rt_replay_rerr(r, "data directory: read view: %s", dvm_state_strerror(rc)), DVM_RT_ERR_STATE;
  rc = dvm_state_view_get(v, table, key, klen, &b);
  if (rc == DVM_STATE_OK) {
    *out = malloc(b.len ? b.len : 1);
    if (!*out) rc = DVM_STATE_ERR_NOMEM;
    else {
      if (b.len) memcpy(*out, b.data, b.len);
      *len = b.len;
    }
  }
  dvm_state_view_end(v);
  if (rc == DVM_STATE_NOTFOUND) return DVM_RT_ERR_NOTFOUND;
  if (rc == DVM_STATE_ERR_NOMEM) return DVM_RT_ERR_NOMEM;
  if (rc) return rt_replay_rerr(r, "data directory: read: %s", dvm_state_strerror(rc)), DVM_RT_ERR_STATE;
  return DVM_RT_OK;
}

int rt_replay_src_block(dvm_rt_replay *r, uint64_t h, uint8_t **out, size_t *len) {
  uint8_t key[8];
  rt_height_key(key, h);
  return rt_replay_src_get(r, DVM_STATE_T_BLOCKS, key, 8, out, len);
}

/* ---- fresh chains ---- */

static void remove_dir(const char *dir) {
  char p[PATH_MAX + 16];
  snprintf(p, sizeof p, "%s/data.mdb", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/lock.mdb", dir);
  unlink(p);
  rmdir(dir);
}

int rt_replay_fresh_open(dvm_rt_replay *r, dvm_rt_chain **out, char dir[PATH_MAX]) {
  char e[256];
  dvm_rt_chain_opts co = {64u << 20, r->o.threads, 0};
  *out = NULL;
  snprintf(dir, PATH_MAX, "%s/dvm-replay-XXXXXX", r->parent);
  if (!mkdtemp(dir)) return rt_replay_rerr(r, "%s: mkdtemp: %s", dir, strerror(errno)), DVM_RT_ERR_STATE;
  int rc = rt_chain_open(dir, &co, 1, out, e); /* scratch: no fsync per block */
  if (rc) {
    rt_replay_rerr(r, "fresh state: %s", e);
    remove_dir(dir);
    return rc;
  }
  if ((rc = dvm_rt_chain_genesis(*out, r->genesis, r->genesis_len))) {
    rt_replay_rerr(r, "genesis of the data directory: %.200s", dvm_rt_chain_errmsg(*out));
    dvm_rt_chain_close(*out);
    *out = NULL;
    remove_dir(dir);
    return rc;
  }
  return DVM_RT_OK;
}

void rt_replay_fresh_close(dvm_rt_chain **c, const char *dir) {
  if (!*c) return;
  dvm_rt_chain_close(*c);
  *c = NULL;
  remove_dir(dir);
}
