/* mempool.c — pending transactions per sender, in nonce order (node.h).
 * Senders in a chained hash table keyed by XXH3 of the address (memory
 * only, never committed); each sender's transactions in a small array
 * sorted by nonce (at most per_sender entries). Block selection merges the
 * senders' ready prefixes with a binary heap on (gas price desc, arrival). */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "node.h"
#include "runtime.h"

typedef struct mp_ent {
  dvm_node_mp_tx t;
  uint8_t *bytes;
  size_t len;
  uint64_t seq;   /* arrival order */
  uint64_t block; /* mp->blocks when added */
} mp_ent;

typedef struct mp_sender {
  struct mp_sender *next_in_bucket;
  uint8_t addr[32];
  uint64_t next_nonce; /* the account's next nonce as last known */
  uint32_t n, cap;
  mp_ent *e; /* sorted by nonce, all >= next_nonce */
} mp_sender;

struct dvm_node_mempool {
  dvm_node_mempool_opts o;
  mp_sender **buckets;
  size_t nbuckets, nsenders;
  size_t count, bytes;
  uint64_t seq, blocks;
};

const char *dvm_node_mp_strerror(int rc) {
  switch (rc) {
  case DVM_NODE_MP_ADDED: return "added";
  case DVM_NODE_MP_REPLACED: return "replaced a pending transaction with a lower gas price";
  case DVM_NODE_MP_ERR_KNOWN: return "already pending";
  case DVM_NODE_MP_ERR_NONCE: return "nonce below the sender's next nonce";
  case DVM_NODE_MP_ERR_UNDERPRICED: return "a transaction with this nonce is pending at an equal or higher gas price";
  case DVM_NODE_MP_ERR_SENDER: return "too many pending transactions from this sender, or nonce too far ahead";
  case DVM_NODE_MP_ERR_FULL: return "mempool full of transactions paying as much or more";
  case DVM_NODE_MP_ERR_NOMEM: return "out of memory";
  default: return "unknown mempool result";
  }
}

int dvm_node_mempool_new(const dvm_node_mempool_opts *opts, dvm_node_mempool **out) {
  dvm_node_mempool *mp = calloc(1, sizeof *mp);
  *out = NULL;
  if (!mp) return DVM_NODE_MP_ERR_NOMEM;
  if (opts) mp->o = *opts;
  if (!mp->o.max_txs) mp->o.max_txs = 20000;
  if (!mp->o.max_bytes) mp->o.max_bytes = 64u << 20;
  if (!mp->o.per_sender) mp->o.per_sender = 64;
  if (!mp->o.ttl_blocks) mp->o.ttl_blocks = 600;
  mp->nbuckets = 1024;
  mp->buckets = calloc(mp->nbuckets, sizeof *mp->buckets);
  if (!mp->buckets) {
    free(mp);
    return DVM_NODE_MP_ERR_NOMEM;
  }
  *out = mp;
  return 0;
}

static void sender_free(mp_sender *s) {
  for (uint32_t i = 0; i < s->n; i++) free(s->e[i].bytes);
  free(s->e);
  free(s);
}

void dvm_node_mempool_free(dvm_node_mempool *mp) {
  if (!mp) return;
  for (size_t b = 0; b < mp->nbuckets; b++)
    for (mp_sender *s = mp->buckets[b], *nx; s; s = nx) {
      nx = s->next_in_bucket;
      sender_free(s);
    }
  free(mp->buckets);
  free(mp);
}

static size_t bucket_of(const dvm_node_mempool *mp, const uint8_t addr[32]) {
  return (size_t)(XXH3_64bits(addr, 32) & (mp->nbuckets - 1));
}

static mp_sender *sender_find(const dvm_node_mempool *mp, const uint8_t addr[32]) {
  for (mp_sender *s = mp->buckets[bucket_of(mp, addr)]; s; s = s->next_in_bucket)
    if (!memcmp(s->addr, addr, 32)) return s;
  return NULL;
}

static void rehash(dvm_node_mempool *mp) {
  size_t nb = mp->nbuckets * 2;
  mp_sender **b = calloc(nb, sizeof *b);
  if (!b) return; /* keep the smaller table: only slower */
  mp_sender **old = mp->buckets;
  size_t onb = mp->nbuckets;
  mp->buckets = b;
  mp->nbuckets = nb;
  for (size_t i = 0; i < onb; i++)
    for (mp_sender *s = old[i], *nx; s; s = nx) {
      nx = s->next_in_bucket;
      size_t k = bucket_of(mp, s->addr);
      s->next_in_bucket = b[k];
      b[k] = s;
    }
  free(old);
}

static mp_sender *sender_get(dvm_node_mempool *mp, const uint8_t addr[32]) {
  mp_sender *s = sender_find(mp, addr);
  if (s) return s;
  if (mp->nsenders >= 2 * mp->nbuckets) rehash(mp);
  if (!(s = calloc(1, sizeof *s))) return NULL;
  memcpy(s->addr, addr, 32);
  size_t k = bucket_of(mp, addr);
  s->next_in_bucket = mp->buckets[k];
  mp->buckets[k] = s;
  mp->nsenders++;
  return s;
}

/* Unlink and free a sender with no transactions. */
static void sender_drop_if_empty(dvm_node_mempool *mp, mp_sender *s) {
  if (s->n) return;
  mp_sender **pp = &mp->buckets[bucket_of(mp, s->addr)];
  while (*pp != s) pp = &(*pp)->next_in_bucket;
  *pp = s->next_in_bucket;
  mp->nsenders--;
  sender_free(s);
}

/* Remove entries [from, s->n) or [0, upto) of a sender. */
static void remove_range(dvm_node_mempool *mp, mp_sender *s, uint32_t lo, uint32_t hi) {
  for (uint32_t i = lo; i < hi; i++) {
    mp->count--;
    mp->bytes -= s->e[i].len;
    free(s->e[i].bytes);
  }
  memmove(s->e + lo, s->e + hi, (s->n - hi) * sizeof *s->e);
  s->n -= hi - lo;
}

/* Drop what is below the sender's next nonce. */
static void drop_stale(dvm_node_mempool *mp, mp_sender *s) {
  uint32_t k = 0;
  while (k < s->n && s->e[k].t.nonce < s->next_nonce) k++;
  if (k) remove_range(mp, s, 0, k);
}

/* The pending transaction a full pool gives up first: the cheapest among
 * the senders' last ones (ties: the newest). */
static mp_sender *victim(dvm_node_mempool *mp) {
  mp_sender *best = NULL;
  for (size_t b = 0; b < mp->nbuckets; b++)
    for (mp_sender *s = mp->buckets[b]; s; s = s->next_in_bucket) {
      if (!s->n) continue;
      const mp_ent *e = &s->e[s->n - 1], *be = best ? &best->e[best->n - 1] : NULL;
      if (!be || e->t.gas_price < be->t.gas_price || (e->t.gas_price == be->t.gas_price && e->seq > be->seq))
        best = s;
    }
  return best;
}

int dvm_node_mempool_add(dvm_node_mempool *mp, const dvm_node_mp_tx *t, const uint8_t *tx, size_t len) {
  mp_sender *s = sender_get(mp, t->sender);
  if (!s) return DVM_NODE_MP_ERR_NOMEM;
  if (t->account_nonce > s->next_nonce) {
    s->next_nonce = t->account_nonce;
    drop_stale(mp, s);
  }
  int rc = DVM_NODE_MP_ADDED;
  uint32_t pos = 0;
  while (pos < s->n && s->e[pos].t.nonce < t->nonce) pos++;
  int replace = pos < s->n && s->e[pos].t.nonce == t->nonce;
  if (t->nonce < s->next_nonce) rc = DVM_NODE_MP_ERR_NONCE;
  else if (replace && !memcmp(s->e[pos].t.id, t->id, 32)) rc = DVM_NODE_MP_ERR_KNOWN;
  else if (replace && s->e[pos].t.gas_price >= t->gas_price) rc = DVM_NODE_MP_ERR_UNDERPRICED;
  else if (!replace && (s->n >= mp->o.per_sender || t->nonce - s->next_nonce >= mp->o.per_sender))
    rc = DVM_NODE_MP_ERR_SENDER;
  if (rc) {
    sender_drop_if_empty(mp, s);
    return rc;
  }
  /* Room: evict cheaper transactions of other senders' tails while full. */
  size_t freed = replace ? s->e[pos].len : 0;
  while (mp->count - (replace ? 1 : 0) + 1 > mp->o.max_txs || mp->bytes - freed + len > mp->o.max_bytes) {
    mp_sender *v = victim(mp);
    if (!v || v == s || v->e[v->n - 1].t.gas_price >= t->gas_price) {
      sender_drop_if_empty(mp, s);
      return DVM_NODE_MP_ERR_FULL;
    }
    remove_range(mp, v, v->n - 1, v->n);
    sender_drop_if_empty(mp, v);
  }
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy) {
    sender_drop_if_empty(mp, s);
    return DVM_NODE_MP_ERR_NOMEM;
  }
  memcpy(copy, tx, len);
  if (replace) {
    mp->bytes -= s->e[pos].len;
    mp->count--;
    free(s->e[pos].bytes);
    rc = DVM_NODE_MP_REPLACED;
  } else {
    if (s->n == s->cap) {
      uint32_t cap = s->cap ? 2 * s->cap : 4;
      mp_ent *e = realloc(s->e, cap * sizeof *e);
      if (!e) {
        free(copy);
        sender_drop_if_empty(mp, s);
        return DVM_NODE_MP_ERR_NOMEM;
      }
      s->e = e;
      s->cap = cap;
    }
    memmove(s->e + pos + 1, s->e + pos, (s->n - pos) * sizeof *s->e);
    s->n++;
  }
  mp_ent *e = &s->e[pos];
  e->t = *t;
  e->bytes = copy;
  e->len = len;
  e->seq = mp->seq++;
  e->block = mp->blocks;
  mp->count++;
  mp->bytes += len;
  return rc;
}

size_t dvm_node_mempool_count(const dvm_node_mempool *mp) { return mp->count; }
size_t dvm_node_mempool_bytes(const dvm_node_mempool *mp) { return mp->bytes; }

int dvm_node_mempool_has(const dvm_node_mempool *mp, const uint8_t id[32]) {
  for (size_t b = 0; b < mp->nbuckets; b++)
    for (mp_sender *s = mp->buckets[b]; s; s = s->next_in_bucket)
      for (uint32_t i = 0; i < s->n; i++)
        if (!memcmp(s->e[i].t.id, id, 32)) return 1;
  return 0;
}

/* ---- selection ---- */

typedef struct head {
  mp_sender *s;
  uint32_t i; /* index of the sender's next candidate */
} head;

static int head_before(const head *a, const head *b) {
  const mp_ent *x = &a->s->e[a->i], *y = &b->s->e[b->i];
  if (x->t.gas_price != y->t.gas_price) return x->t.gas_price > y->t.gas_price;
  return x->seq < y->seq;
}

static void sift_down(head *h, size_t n, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && head_before(&h[l], &h[m])) m = l;
    if (r < n && head_before(&h[r], &h[m])) m = r;
    if (m == i) return;
    head t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
}

void dvm_node_mp_batch_free(dvm_node_mp_batch *b) {
  for (size_t i = 0; i < b->n; i++) free(b->txs[i]);
  free(b->txs);
  free(b->lens);
  free(b->info);
  memset(b, 0, sizeof *b);
}

int dvm_node_mempool_select(dvm_node_mempool *mp, size_t max_txs, size_t max_bytes, dvm_node_mp_batch *b) {
  memset(b, 0, sizeof *b);
  head *h = malloc((mp->nsenders ? mp->nsenders : 1) * sizeof *h);
  size_t cap = max_txs < mp->count ? max_txs : mp->count;
  b->txs = calloc(cap ? cap : 1, sizeof *b->txs);
  b->lens = calloc(cap ? cap : 1, sizeof *b->lens);
  b->info = calloc(cap ? cap : 1, sizeof *b->info);
  if (!h || !b->txs || !b->lens || !b->info) {
    free(h);
    dvm_node_mp_batch_free(b);
    return DVM_NODE_MP_ERR_NOMEM;
  }
  size_t nh = 0, bytes = 0;
  for (size_t k = 0; k < mp->nbuckets; k++)
    for (mp_sender *s = mp->buckets[k]; s; s = s->next_in_bucket)
      if (s->n && s->e[0].t.nonce == s->next_nonce) h[nh++] = (head){s, 0};
  for (size_t i = nh; i-- > 0;) sift_down(h, nh, i);
  while (nh && b->n < cap) {
    head top = h[0];
    const mp_ent *e = &top.s->e[top.i];
    if (bytes + e->len > max_bytes) break;
    if (!(b->txs[b->n] = malloc(e->len ? e->len : 1))) {
      free(h);
      dvm_node_mp_batch_free(b);
      return DVM_NODE_MP_ERR_NOMEM;
    }
    memcpy(b->txs[b->n], e->bytes, e->len);
    b->lens[b->n] = e->len;
    b->info[b->n] = e->t;
    b->n++;
    bytes += e->len;
    /* The sender's next nonce, if pending, takes its place. */
    if (top.i + 1 < top.s->n && top.s->e[top.i + 1].t.nonce == e->t.nonce + 1) {
      h[0].i++;
    } else {
      h[0] = h[--nh];
    }
    sift_down(h, nh, 0);
  }
  free(h);
  return 0;
}

static void remove_id(dvm_node_mempool *mp, const dvm_node_mp_tx *t, int drop_after) {
  mp_sender *s = sender_find(mp, t->sender);
  if (!s) return;
  for (uint32_t i = 0; i < s->n; i++)
    if (!memcmp(s->e[i].t.id, t->id, 32)) {
      remove_range(mp, s, i, drop_after ? s->n : i + 1);
      break;
    }
  sender_drop_if_empty(mp, s);
}

void dvm_node_mempool_done(dvm_node_mempool *mp, const dvm_node_mp_batch *b, const int *rejected) {
  for (size_t i = 0; i < b->n; i++) {
    int r = rejected ? rejected[i] : 0;
    if (r == DVM_RT_ERR_FULL) continue;
    if (r == 0) {
      mp_sender *s = sender_find(mp, b->info[i].sender);
      if (s && b->info[i].nonce + 1 > s->next_nonce) s->next_nonce = b->info[i].nonce + 1;
    }
    /* An invalid one takes its sender's later ones with it: they can no
     * longer be included without a new transaction at its nonce. */
    remove_id(mp, &b->info[i], r != 0);
  }
  for (size_t k = 0; k < mp->nbuckets; k++)
    for (mp_sender *s = mp->buckets[k], *nx; s; s = nx) {
      nx = s->next_in_bucket;
      drop_stale(mp, s);
      for (uint32_t i = 0; i < s->n; i++)
        if (mp->blocks + 1 - s->e[i].block > mp->o.ttl_blocks) {
          remove_range(mp, s, i, s->n);
          break;
        }
      sender_drop_if_empty(mp, s);
    }
  mp->blocks++;
}
