/* replay_int.h — what the replay files share (private to runtime/): the
 * divergence text helpers (replay_diff.c, a leaf) and the first-difference
 * scan of two states (replay_diff.c), the replay itself and the source
 * and fresh-state helpers (replay_src.c). replay.c drives the passes. */
#ifndef DVM_RT_REPLAY_INT_H
#define DVM_RT_REPLAY_INT_H

#include <limits.h>

#include "rt_private.h"

/* One replay of a data directory (replay.c drives it). */
struct dvm_rt_replay {
  dvm_state_store *src;
  int own_src;
  dvm_rt_replay_opts o;
  char parent[PATH_MAX / 2];
  char *genesis;
  size_t genesis_len;
  uint64_t head, from, to, next;
  uint8_t head_root[32];
  int has_trace;
  uint8_t trace_id[32];
  uint64_t trace_h;
  uint32_t trace_i;
  dvm_rt_chain *fresh;
  char fresh_dir[PATH_MAX];
  int over;
  char err[256];
};

/* replay_src.c: the replay's message (printf-style; returns 0 so that
 * callers write `return rt_replay_rerr(r, ...), CODE;`), reads of the
 * source directory (one short read view each: a dvm_rt_err), and fresh
 * throwaway chains in a temporary directory beside it. */
int rt_replay_rerr(dvm_rt_replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rt_replay_src_get(dvm_rt_replay *r, unsigned table, const void *key, size_t klen, uint8_t **out, size_t *len);
int rt_replay_src_block(dvm_rt_replay *r, uint64_t h, uint8_t **out, size_t *len);
int rt_replay_fresh_open(dvm_rt_replay *r, dvm_rt_chain **out, char dir[PATH_MAX]);
void rt_replay_fresh_close(dvm_rt_chain **c, const char *dir);

/* replay_diff.c: */

/* Hex of n bytes into out (cap bytes), cut with "...(N bytes)" when long. */
void rt_replay_hexcut(char *out, size_t cap, const uint8_t *b, size_t n);
void rt_replay_hex32(char out[65], const uint8_t b[32]);
/* Reset d and name block h, transaction index (-1: none), id, what. */
void rt_replay_set_div(dvm_rt_divergence *d, uint64_t h, int64_t index, const uint8_t *id, const char *what);
/* The first field where two encoded receipts differ, into d. */
void rt_replay_receipt_diff(dvm_rt_divergence *d, const uint8_t *eb, size_t el, const uint8_t *ab, size_t al);
/* Walk the accounts, code and storage tables of the stored view `sv` and
 * the replayed view `fv` in key order; at the first entry that differs
 * (in either, or in value), fill div (block `head`, no transaction),
 * *table, key[0..*klen) and set *found. *entries counts the equal entries
 * before it. 0, or a state error. */
int rt_replay_state_diff(dvm_state_view *sv, dvm_state_view *fv, uint64_t head, dvm_rt_divergence *div,
                         unsigned *table_out, uint8_t key[DVM_STATE_KEY_MAX], size_t *klen_out,
                         uint64_t *entries_out, int *found_out);

#endif
