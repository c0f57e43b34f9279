/* perpkit.c — see perpkit.h. */
#include "perpkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PK_CALL_GAS 3000000ull

static void die(const char *what) {
  fprintf(stderr, "perpkit: %s\n", what);
  abort();
}

static void le(uint8_t *p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}

uint64_t pk_le(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *b = malloc((size_t)n);
  if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) die("read");
  fclose(f);
  *len = (size_t)n;
  return b;
}

static void sys_head(pk_env *e, dvm_tx *tx) {
  memset(tx, 0, sizeof *tx);
  tx->version = DVM_TX_VERSION;
  tx->kind = DVM_TX_SYSTEM;
  tx->chain_id_len = 8;
  memcpy(tx->chain_id, "dvm-test", 8);
  memcpy(tx->sender, e->keys[0].pk, 32);
  tx->nonce = e->nonce[0]++;
  tx->gas_limit = 1000000;
  tx->gas_price = 1;
}

static void sys_sign(pk_env *e, dvm_tx *tx, ck_tx *t) {
  if (dvm_tx_encode_signed(tx, e->keys[0].sk, &t->bytes, &t->len)) die("encode system tx");
  memcpy(t->id, tx->id, 32);
}

void pk_tx_markets(pk_env *e, ck_tx *t, const pk_market *m, size_t n) {
  /* keys "perp/m" || id BE32 sort by id; sort a copy */
  pk_market *s = malloc(n * sizeof *s);
  uint8_t (*keys)[10] = malloc(n * 10), (*vals)[96] = malloc(n * 96);
  dvm_tx_param *p = calloc(n, sizeof *p);
  memcpy(s, m, n * sizeof *s);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (s[j].id < s[i].id) {
        pk_market x = s[i];
        s[i] = s[j];
        s[j] = x;
      }
  for (size_t i = 0; i < n; i++) {
    memcpy(keys[i], "perp/m", 6);
    for (int b = 0; b < 4; b++) keys[i][6 + b] = (uint8_t)(s[i].id >> (24 - 8 * b));
    uint64_t f[12] = {s[i].feed, (uint64_t)s[i].tick, s[i].step, (uint64_t)s[i].imf, (uint64_t)s[i].mmf,
                      (uint64_t)s[i].maker_fee, (uint64_t)s[i].taker_fee, s[i].funding_interval,
                      (uint64_t)s[i].funding_clamp, (uint64_t)s[i].liq_penalty, s[i].oi_cap, s[i].impact_notional};
    for (int k = 0; k < 12; k++) le(vals[i] + 8 * k, f[k], 8);
    p[i].key = keys[i];
    p[i].key_len = 10;
    p[i].val = vals[i];
    p[i].val_len = 96;
  }
  dvm_tx tx;
  sys_head(e, &tx);
  tx.u.sys.sys_kind = DVM_SYS_PARAM;
  tx.u.sys.count = (uint16_t)n;
  tx.u.sys.params = p;
  sys_sign(e, &tx, t);
  free(s);
  free(keys);
  free(vals);
  free(p);
}

void pk_tx_oracle(pk_env *e, ck_tx *t, uint32_t feed, int64_t price) {
  ck_oracle(t, &e->keys[0], e->nonce[0]++, feed, price, e->time, 1000000);
}

void pk_open(pk_env *e, size_t nkeys, const char *dvm_path, const dvm_rt_chain_opts *opts) {
  char err[256];
  memset(e, 0, sizeof *e);
  snprintf(e->dir, sizeof e->dir, "/tmp/dvm-perp-XXXXXX");
  if (!mkdtemp(e->dir)) die("mkdtemp");
  if (dvm_rt_chain_open(e->dir, opts, &e->c, err)) die(err);
  e->nkeys = nkeys;
  e->keys = calloc(nkeys, sizeof *e->keys);
  e->nonce = calloc(nkeys, sizeof *e->nonce);
  for (size_t i = 0; i < nkeys; i++) ck_key_make(&e->keys[i], (uint32_t)i);
  char *g = ck_genesis(e->keys, nkeys);
  if (dvm_rt_chain_genesis(e->c, g, strlen(g))) die(dvm_rt_chain_errmsg(e->c));
  free(g);
  e->time = 1700000000;
  size_t len;
  uint8_t *code = read_file(dvm_path, &len);
  ck_tx t[2];
  dvm_tx_contract_address(e->keys[0].pk, 0, e->perp);
  ck_deploy(&t[0], &e->keys[0], e->nonce[0]++, code, len, 0, 100000000);
  /* the quote asset: "perp/quote" = 1 (USD) */
  dvm_tx tx;
  uint8_t q[4] = {1, 0, 0, 0};
  dvm_tx_param p = {(const uint8_t *)"perp/quote", 10, q, 4};
  sys_head(e, &tx);
  tx.u.sys.sys_kind = DVM_SYS_PARAM;
  tx.u.sys.count = 1;
  tx.u.sys.params = &p;
  sys_sign(e, &tx, &t[1]);
  pk_block(e, t, 2, 1);
  free(t[0].bytes);
  free(t[1].bytes);
  free(code);
}

void pk_close(pk_env *e) {
  char cmd[128];
  dvm_rt_chain_close(e->c);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", e->dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", e->dir);
  free(e->keys);
  free(e->nonce);
}

static uint8_t *next_call(pk_batch *b, pk_env *e, const char *method, uint32_t len) {
  if (b->n == PK_MAX_CALLS) die("batch full");
  ck_call *c = &b->calls[b->n];
  memset(c, 0, sizeof *c);
  c->contract = e->perp;
  c->method = method;
  c->input = b->in[b->n];
  c->input_len = len;
  c->gas = PK_CALL_GAS;
  return b->in[b->n++];
}

void pk_b_deposit(pk_batch *b, pk_env *e, uint8_t sub, uint64_t amount) {
  uint8_t *p = next_call(b, e, "deposit", 1);
  p[0] = sub;
  b->calls[b->n - 1].asset = 1;
  b->calls[b->n - 1].amount = amount;
}

void pk_b_withdraw(pk_batch *b, pk_env *e, uint8_t sub, uint64_t amount) {
  uint8_t *p = next_call(b, e, "withdraw", 9);
  p[0] = sub;
  le(p + 1, amount, 8);
}

void pk_b_place(pk_batch *b, pk_env *e, uint32_t market, uint8_t sub, uint8_t side, int64_t price, uint64_t size,
                uint8_t kind, uint8_t reduce_only, uint64_t client_id) {
  uint8_t *p = next_call(b, e, "place_order", 32);
  le(p, market, 4);
  p[4] = sub;
  p[5] = side;
  le(p + 6, (uint64_t)price, 8);
  le(p + 14, size, 8);
  p[22] = kind;
  p[23] = reduce_only;
  le(p + 24, client_id, 8);
}

void pk_b_cancel(pk_batch *b, pk_env *e, uint64_t oid) { le(next_call(b, e, "cancel", 8), oid, 8); }

void pk_b_liquidate(pk_batch *b, pk_env *e, const uint8_t owner[32], uint8_t sub, uint32_t market) {
  uint8_t *p = next_call(b, e, "liquidate", 37);
  memcpy(p, owner, 32);
  p[32] = sub;
  le(p + 33, market, 4);
}

void pk_b_funding(pk_batch *b, pk_env *e, uint32_t market) { le(next_call(b, e, "update_funding", 4), market, 4); }

void pk_b_raw(pk_batch *b, pk_env *e, const char *method, const uint8_t *in, uint32_t len, uint32_t asset,
              uint64_t amount) {
  if (len > 40) die("raw input above 40 bytes");
  uint8_t *p = next_call(b, e, method, len);
  memcpy(p, in, len);
  b->calls[b->n - 1].asset = asset;
  b->calls[b->n - 1].amount = amount;
}

void pk_b_sign(pk_batch *b, pk_env *e, size_t k, ck_tx *t) {
  uint64_t gas = 100000 + 3000 * (uint64_t)b->n; /* intrinsic gas, generously */
  for (size_t i = 0; i < b->n; i++) gas += b->calls[i].gas;
  ck_calls(t, &e->keys[k], e->nonce[k]++, b->calls, b->n, gas);
  b->n = 0;
}

void pk_block(pk_env *e, ck_tx *txs, size_t n, uint64_t dt) {
  int *rej = calloc(n ? n : 1, sizeof *rej);
  dvm_rt_block_info info;
  e->time += dt;
  int rc = ck_block(e->c, txs, n, e->time, rej, &info);
  if (rc) {
    fprintf(stderr, "block: %s: %s\n", dvm_rt_strerror(rc), dvm_rt_chain_errmsg(e->c));
    abort();
  }
  for (size_t i = 0; i < n; i++)
    if (rej[i]) {
      fprintf(stderr, "tx %zu left out: %s\n", i, dvm_rt_strerror(rej[i]));
      abort();
    }
  e->height++;
  free(rej);
}

void pk_run(pk_env *e, pk_batch *b, size_t k, uint64_t dt, pk_receipt *out) {
  ck_tx t;
  pk_b_sign(b, e, k, &t);
  pk_block(e, &t, 1, dt);
  ck_receipt(e->c, t.id, &out->r, &out->raw);
  free(t.bytes);
}

void pk_receipt_free(pk_receipt *r) {
  dvm_rt_receipt_free(&r->r);
  free(r->raw);
}

/* Simulate a view; returns the return data (malloc'd) or NULL on failure. */
static int view(pk_env *e, const char *method, const uint8_t *in, uint32_t len, uint8_t *out, size_t cap,
                size_t *olen) {
  uint8_t *sim;
  size_t simlen;
  dvm_rt_receipt r;
  if (dvm_rt_chain_simulate(e->c, e->keys[0].pk, e->perp, method, in, len, 10000000, &sim, &simlen)) return -1;
  int rc = -1;
  if (dvm_rt_receipt_decode(sim, simlen, &r) == 0) {
    if (r.ncalls == 1 && r.calls[0].status == DVM_RT_CALL_OK && r.calls[0].ret_len <= cap) {
      memcpy(out, r.calls[0].ret, r.calls[0].ret_len);
      *olen = r.calls[0].ret_len;
      rc = 0;
    }
    dvm_rt_receipt_free(&r);
  }
  free(sim);
  return rc;
}

int pk_account_view(pk_env *e, const uint8_t owner[32], uint8_t sub, pk_account *a) {
  uint8_t in[33], out[512];
  size_t n;
  memcpy(in, owner, 32);
  in[32] = sub;
  memset(a, 0, sizeof *a);
  if (view(e, "account", in, 33, out, sizeof out, &n) || n < 36) return -1;
  a->collateral = (int64_t)pk_le(out, 8);
  a->equity = (int64_t)pk_le(out + 8, 8);
  a->imr = (int64_t)pk_le(out + 16, 8);
  a->mmr = (int64_t)pk_le(out + 24, 8);
  uint32_t bl = (uint32_t)pk_le(out + 32, 4);
  if (bl % 28 || n != 36 + bl || bl / 28 > 8) return -1;
  a->npos = bl / 28;
  for (size_t i = 0; i < a->npos; i++) {
    const uint8_t *p = out + 36 + 28 * i;
    a->pos[i].market = (uint32_t)pk_le(p, 4);
    a->pos[i].size = (int64_t)pk_le(p + 4, 8);
    a->pos[i].entry = (int64_t)pk_le(p + 12, 8);
    a->pos[i].fidx = (int64_t)pk_le(p + 20, 8);
  }
  return 0;
}

int64_t pk_pos_size(const pk_account *a, uint32_t market) {
  for (size_t i = 0; i < a->npos; i++)
    if (a->pos[i].market == market) return a->pos[i].size;
  return 0;
}

int pk_market_view_get(pk_env *e, uint32_t market, pk_market_view *m) {
  uint8_t in[4], out[128];
  size_t n;
  le(in, market, 4);
  if (view(e, "market", in, 4, out, sizeof out, &n) || n != 72) return -1;
  m->oi = pk_le(out, 8);
  m->bid = (int64_t)pk_le(out + 8, 8);
  m->ask = (int64_t)pk_le(out + 16, 8);
  m->oracle = (int64_t)pk_le(out + 24, 8);
  m->rate = (int64_t)pk_le(out + 32, 8);
  m->findex = (int64_t)pk_le(out + 40, 8);
  m->insurance = (int64_t)pk_le(out + 48, 8);
  m->fees = pk_le(out + 56, 8);
  m->fpool = (int64_t)pk_le(out + 64, 8);
  return 0;
}

int pk_order_view(pk_env *e, uint64_t oid, pk_order *o) {
  uint8_t in[8], out[128];
  size_t n;
  le(in, oid, 8);
  if (view(e, "order", in, 8, out, sizeof out, &n) || n != 71) return -1;
  memcpy(o->owner, out, 32);
  o->sub = out[32];
  o->market = (uint32_t)pk_le(out + 33, 4);
  o->side = out[37];
  o->kind = out[38];
  o->price = (int64_t)pk_le(out + 39, 8);
  o->size = pk_le(out + 47, 8);
  o->remaining = pk_le(out + 55, 8);
  o->client_id = pk_le(out + 63, 8);
  return 0;
}

int pk_is_event(const dvm_rt_log_view *l, const char *name) {
  uint8_t t[32] = {0};
  memcpy(t, name, strlen(name));
  return l->ntopics >= 1 && !memcmp(l->topics, t, 32);
}

int pk_fill_decode(const dvm_rt_log_view *l, pk_fill *f) {
  const uint8_t *p = l->data;
  if (!pk_is_event(l, "Fill") || l->data_len != 4 + 8 + 8 + 32 + 1 + 32 + 1 + 1 + 8 * 7 + 1) return -1;
  f->market = (uint32_t)pk_le(p, 4);
  p += 4;
  f->taker_oid = pk_le(p, 8);
  p += 8;
  f->maker_oid = pk_le(p, 8);
  p += 8;
  memcpy(f->taker, p, 32);
  p += 32;
  f->taker_sub = *p++;
  memcpy(f->maker, p, 32);
  p += 32;
  f->maker_sub = *p++;
  f->taker_side = *p++;
  f->price = (int64_t)pk_le(p, 8);
  f->size = pk_le(p + 8, 8);
  f->taker_cash = (int64_t)pk_le(p + 16, 8);
  f->maker_cash = (int64_t)pk_le(p + 24, 8);
  f->taker_fee = pk_le(p + 32, 8);
  f->maker_fee = pk_le(p + 40, 8);
  f->penalty = pk_le(p + 48, 8);
  f->liq = p[56];
  return 0;
}
