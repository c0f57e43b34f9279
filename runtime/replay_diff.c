/* replay_diff.c — how a replay divergence is written down: hex of bytes,
 * the first differing field of two receipts, and the first differing
 * entry of two states. Pure functions over their arguments: a leaf that
 * replay.c calls (spec/trace.md §Divergence). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay_int.h"

static const char *const table_name[3] = {"accounts", "code", "storage"};

/* Hex of n bytes into out (cap bytes), cut with "...(N bytes)" when long. */
void rt_replay_hexcut(char *out, size_t cap, const uint8_t *b, size_t n) {
  size_t room = cap > 24 ? (cap - 24) / 2 : 0;
  size_t m = n <= (cap - 1) / 2 ? n : room;
  for (size_t i = 0; i < m; i++) snprintf(out + 2 * i, 3, "%02x", b[i]);
  out[2 * m] = 0;
  if (m < n) snprintf(out + 2 * m, cap - 2 * m, "...(%zu bytes)", n);
}

void rt_replay_hex32(char out[65], const uint8_t b[32]) { dvm_hex_encode(b, 32, out); }

void rt_replay_set_div(dvm_rt_divergence *d, uint64_t h, int64_t index, const uint8_t *id, const char *what) {
  memset(d, 0, sizeof *d);
  d->height = h;
  d->index = index;
  if (id) memcpy(d->tx_id, id, 32);
  snprintf(d->what, sizeof d->what, "%s", what);
}

/* The first field where two encoded receipts differ. */
void rt_replay_receipt_diff(dvm_rt_divergence *d, const uint8_t *eb, size_t el, const uint8_t *ab, size_t al) {
  dvm_rt_receipt e, a;
  char *w = d->what, *x = d->expected, *y = d->actual;
  size_t wn = sizeof d->what, xn = sizeof d->expected, yn = sizeof d->actual;
  if (dvm_rt_receipt_decode(eb, el, &e)) {
    snprintf(w, wn, "receipt encoding");
    rt_replay_hexcut(x, xn, eb, el);
    rt_replay_hexcut(y, yn, ab, al);
    snprintf(d->detail, sizeof d->detail, "the stored receipt does not decode");
    return;
  }
  if (dvm_rt_receipt_decode(ab, al, &a)) { /* cannot happen: we encoded it */
    dvm_rt_receipt_free(&e);
    snprintf(w, wn, "receipt encoding");
    rt_replay_hexcut(x, xn, eb, el);
    rt_replay_hexcut(y, yn, ab, al);
    return;
  }
#define U(field, name)                                                                   \
  if (e.field != a.field) {                                                              \
    snprintf(w, wn, "receipt.%s", name);                                                 \
    snprintf(x, xn, "%" PRIu64, (uint64_t)e.field);                                      \
    snprintf(y, yn, "%" PRIu64, (uint64_t)a.field);                                      \
    goto out;                                                                            \
  }
#define B(ep, ap, n1, n2, name)                                                          \
  if ((n1) != (n2) || ((n1) != 0 && memcmp((ep), (ap), (n1)))) {                              \
    snprintf(w, wn, "%s", name);                                                         \
    rt_replay_hexcut(x, xn, (ep), (n1));                                                           \
    rt_replay_hexcut(y, yn, (ap), (n2));                                                           \
    goto out;                                                                            \
  }
  B(e.tx_id, a.tx_id, 32, 32, "receipt.tx_id");
  U(height, "height");
  U(index, "index");
  U(kind, "kind");
  U(status, "status");
  U(gas_used, "gas_used");
  U(fee, "fee");
  U(has_contract, "has_contract");
  B(e.contract, a.contract, 32, 32, "receipt.contract");
  U(ncalls, "ncalls");
  for (unsigned i = 0; i < e.ncalls; i++) {
    dvm_rt_call_receipt *ec = &e.calls[i], *ac = &a.calls[i];
    char nm[64];
#define CU(field)                                                                        \
    if (ec->field != ac->field) {                                                        \
      snprintf(nm, sizeof nm, "calls[%u]." #field, i);                                   \
      snprintf(w, wn, "receipt.%s", nm);                                                 \
      snprintf(x, xn, "%" PRIu64, (uint64_t)ec->field);                                  \
      snprintf(y, yn, "%" PRIu64, (uint64_t)ac->field);                                  \
      goto out;                                                                          \
    }
    CU(status);
    CU(trap);
    CU(pc);
    CU(detail);
    CU(gas_used);
    CU(r0);
    snprintf(nm, sizeof nm, "receipt.calls[%u].return_data", i);
    B(ec->ret, ac->ret, ec->ret_len, ac->ret_len, nm);
    CU(nlogs);
    for (unsigned k = 0; k < ec->nlogs; k++) {
      const dvm_rt_log_view *el_ = &ec->logs[k], *al_ = &ac->logs[k];
      snprintf(nm, sizeof nm, "receipt.calls[%u].logs[%u].contract", i, k);
      B(el_->contract, al_->contract, 32, 32, nm);
      snprintf(nm, sizeof nm, "receipt.calls[%u].logs[%u].topics", i, k);
      size_t et = 32u * (size_t)el_->ntopics, at = 32u * (size_t)al_->ntopics;
      B(el_->topics, al_->topics, et, at, nm);
      snprintf(nm, sizeof nm, "receipt.calls[%u].logs[%u].data", i, k);
      B(el_->data, al_->data, el_->data_len, al_->data_len, nm);
    }
#undef CU
  }
  /* Decoded fields all equal: the encodings differ elsewhere. */
  snprintf(w, wn, "receipt bytes");
  rt_replay_hexcut(x, xn, eb, el);
  rt_replay_hexcut(y, yn, ab, al);
out:
  dvm_rt_receipt_free(&e);
  dvm_rt_receipt_free(&a);
#undef U
#undef B
}

int rt_replay_state_diff(dvm_state_view *sv, dvm_state_view *fv, uint64_t head, dvm_rt_divergence *div,
                         unsigned *table_out, uint8_t key[DVM_STATE_KEY_MAX], size_t *klen_out,
                         uint64_t *entries_out, int *found_out) {
  unsigned table;
  size_t klen = 0;
  uint64_t entries = 0;
  int found = 0;
  for (table = 0; table < DVM_STATE_TABLES && !found; table++) {
    dvm_state_bytes sk = {0}, sv_ = {0}, fk = {0}, fv_ = {0};
    int sr = dvm_state_view_next(sv, table, NULL, 0, &sk, &sv_);
    int fr = dvm_state_view_next(fv, table, NULL, 0, &fk, &fv_);
    for (;;) {
      if ((sr && sr != DVM_STATE_NOTFOUND) || (fr && fr != DVM_STATE_NOTFOUND)) {
        return sr && sr != DVM_STATE_NOTFOUND ? sr : fr;
      }
      if (sr == DVM_STATE_NOTFOUND && fr == DVM_STATE_NOTFOUND) break;
      int cmp;
      if (sr == DVM_STATE_NOTFOUND) cmp = 1;
      else if (fr == DVM_STATE_NOTFOUND) cmp = -1;
      else {
        size_t m = sk.len < fk.len ? sk.len : fk.len;
        cmp = memcmp(sk.data, fk.data, m);
        if (!cmp) cmp = sk.len < fk.len ? -1 : sk.len > fk.len;
      }
      if (cmp == 0 && sv_.len == fv_.len && (!sv_.len || !memcmp(sv_.data, fv_.data, sv_.len))) {
        entries++;
        memcpy(key, sk.data, sk.len);
        klen = sk.len;
        sr = dvm_state_view_next(sv, table, key, klen, &sk, &sv_);
        fr = dvm_state_view_next(fv, table, key, klen, &fk, &fv_);
        continue;
      }
      /* The first difference: stored (expected) against replayed (actual). */
      found = 1;
      rt_replay_set_div(div, head, -1, NULL, "state entry");
      const dvm_state_bytes *k = cmp <= 0 ? &sk : &fk;
      memcpy(key, k->data, k->len);
      klen = k->len;
      char kh[200];
      rt_replay_hexcut(kh, sizeof kh, key, klen);
      if (cmp <= 0) rt_replay_hexcut(div->expected, sizeof div->expected, sv_.data, sv_.len);
      else snprintf(div->expected, sizeof div->expected, "(absent)");
      if (cmp >= 0) rt_replay_hexcut(div->actual, sizeof div->actual, fv_.data, fv_.len);
      else snprintf(div->actual, sizeof div->actual, "(absent)");
      snprintf(div->detail, sizeof div->detail, "table %s, key %s", table_name[table], kh);
      break;
    }
    if (found) break;
  }
  *table_out = table;
  *klen_out = klen;
  *entries_out = entries;
  *found_out = found;
  return 0;
}
