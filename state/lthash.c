/* lthash.c — the homomorphic lattice hash of spec/state.md §4 and its
 * parallel delta. Integer arithmetic only; the sum is lane-wise addition
 * mod 2^16, so it is commutative and the thread split cannot change it. */
#include "base.h"
#include "state.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

/* Domain separation tag, hashed first (19 ASCII bytes, no terminator). */
static const char lthash_domain[] = "dvm-state-lthash-v1";
#define LTHASH_DOMAIN_LEN (sizeof lthash_domain - 1u)

void dvm_state_lthash_element(dvm_state_lthash *out, unsigned table, const void *key,
                           size_t klen, const void *val, size_t vlen) {
  uint8_t seed[crypto_stream_chacha20_ietf_KEYBYTES]; /* 32 = BLAKE2b-256 */
  uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = {0};
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__)
  uint8_t stream[DVM_STATE_LTHASH_BYTES];
#endif
  uint8_t b[4], t = (uint8_t)table;
  crypto_generichash_state st;

  /* seed = BLAKE2b-256(domain || u8 table || u32le klen || key || u32le vlen || val).
   * Lengths fit u32: keys <= 511 bytes and values <= 1 MiB (checked by callers). */
  crypto_generichash_init(&st, NULL, 0, sizeof seed);
  crypto_generichash_update(&st, (const uint8_t *)lthash_domain, LTHASH_DOMAIN_LEN);
  crypto_generichash_update(&st, &t, 1);
  dvm_le_put32(b, (uint32_t)klen);
  crypto_generichash_update(&st, b, 4);
  if (klen) crypto_generichash_update(&st, key, klen);
  dvm_le_put32(b, (uint32_t)vlen);
  crypto_generichash_update(&st, b, 4);
  if (vlen) crypto_generichash_update(&st, val, vlen);
  crypto_generichash_final(&st, seed, sizeof seed);

  /* 2048 bytes of ChaCha20 (IETF, 96-bit zero nonce, counter from 0), read
   * as little-endian u16 lanes: on a little-endian host straight into the
   * lanes (saves a copy per element), elsewhere through a buffer. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  crypto_stream_chacha20_ietf((unsigned char *)out->lane, DVM_STATE_LTHASH_BYTES, nonce, seed);
#else
  crypto_stream_chacha20_ietf(stream, sizeof stream, nonce, seed);
  for (unsigned i = 0; i < DVM_STATE_LTHASH_LANES; i++)
    out->lane[i] = dvm_le_get16(stream + 2 * i);
#endif
}

void dvm_state_lthash_zero(dvm_state_lthash *h) { memset(h, 0, sizeof *h); }

void dvm_state_lthash_add(dvm_state_lthash *acc, const dvm_state_lthash *x) {
  for (unsigned i = 0; i < DVM_STATE_LTHASH_LANES; i++)
    acc->lane[i] = (uint16_t)(acc->lane[i] + x->lane[i]);
}

void dvm_state_lthash_sub(dvm_state_lthash *acc, const dvm_state_lthash *x) {
  for (unsigned i = 0; i < DVM_STATE_LTHASH_LANES; i++)
    acc->lane[i] = (uint16_t)(acc->lane[i] - x->lane[i]);
}

void dvm_state_lthash_encode(const dvm_state_lthash *h, uint8_t out[DVM_STATE_LTHASH_BYTES]) {
  _Static_assert(DVM_STATE_LTHASH_BYTES == 2 * DVM_STATE_LTHASH_LANES, "16-bit lanes, LE");
  for (unsigned i = 0; i < DVM_STATE_LTHASH_LANES; i++) dvm_le_put16(out + 2 * i, h->lane[i]);
}

void dvm_state_lthash_decode(dvm_state_lthash *h, const uint8_t in[DVM_STATE_LTHASH_BYTES]) {
  for (unsigned i = 0; i < DVM_STATE_LTHASH_LANES; i++)
    h->lane[i] = dvm_le_get16(in + 2 * i);
}

void dvm_state_lthash_root(const dvm_state_lthash *h, uint8_t root[DVM_STATE_ROOT_BYTES]) {
  uint8_t enc[DVM_STATE_LTHASH_BYTES];
  dvm_state_lthash_encode(h, enc);
  crypto_generichash(root, DVM_STATE_ROOT_BYTES, enc, sizeof enc, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* Parallel delta. Worker w sums changes [lo, hi) into its own partial;
 * the partials are added in worker order (any order gives the same sum). */

typedef struct lthash_job {
  const dvm_state_lthash_change *c;
  size_t lo, hi;
  dvm_state_lthash sum;
} lthash_job;

static void *lthash_work(void *arg) {
  lthash_job *j = arg;
  dvm_state_lthash e;
  dvm_state_lthash_zero(&j->sum);
  for (size_t i = j->lo; i < j->hi; i++) {
    const dvm_state_lthash_change *c = &j->c[i];
    if (c->old_present) {
      dvm_state_lthash_element(&e, c->table, c->key.data, c->key.len, c->old_val.data,
                            c->old_val.len);
      dvm_state_lthash_sub(&j->sum, &e);
    }
    if (c->new_present) {
      dvm_state_lthash_element(&e, c->table, c->key.data, c->key.len, c->new_val.data,
                            c->new_val.len);
      dvm_state_lthash_add(&j->sum, &e);
    }
  }
  return NULL;
}

/* Below this many changes per extra thread, one thread is faster than
 * starting another (thread start ~20-50 us vs ~2.4 us per change). */
#define LTHASH_MIN_PER_THREAD 32u
#define LTHASH_MAX_THREADS 64u

int dvm_state_lthash_delta(dvm_state_lthash *delta, const dvm_state_lthash_change *changes,
                        size_t n, unsigned threads) {
  lthash_job jobs[LTHASH_MAX_THREADS];
  pthread_t tid[LTHASH_MAX_THREADS];
  size_t t = threads ? threads : 1u;
  int rc = DVM_STATE_OK;

  if (t > LTHASH_MAX_THREADS) t = LTHASH_MAX_THREADS;
  if (t > 1 && n / t < LTHASH_MIN_PER_THREAD) t = n / LTHASH_MIN_PER_THREAD;
  if (t < 1) t = 1;
  for (size_t w = 0; w < t; w++) {
    jobs[w].c = changes;
    jobs[w].lo = n * w / t;
    jobs[w].hi = n * (w + 1) / t;
  }
  size_t started = 0;
  for (size_t w = 1; w < t; w++) {
    if (pthread_create(&tid[w], NULL, lthash_work, &jobs[w]) != 0) {
      rc = DVM_STATE_ERR_THREAD;
      break;
    }
    started = w;
  }
  if (rc == DVM_STATE_OK) lthash_work(&jobs[0]);
  for (size_t w = 1; w <= started; w++) pthread_join(tid[w], NULL);
  if (rc != DVM_STATE_OK) return rc;
  dvm_state_lthash_zero(delta);
  for (size_t w = 0; w < t; w++) dvm_state_lthash_add(delta, &jobs[w].sum);
  return DVM_STATE_OK;
}
