/* perp_core.h — the perpetual contract's records and helpers: limits,
 * storage records, markets, accounts, orders and the book, events
 * (spec/contracts/perp.md §2-§5). Included by perp.c only: a contract is one
 * translation unit, and every function here is static so that nothing but
 * the ABI's methods is exported (contracts/include/dvm_contract.h). */
#ifndef PERP_CORE_H
#define PERP_CORE_H

#include "dvm_contract.h"

#include "../lib/dvm_args.h"

/* ---- limits and constants (spec §2) ---- */
#define MAX_POS 8            /* positions (markets) per subaccount */
#define MAX_MC 48            /* distinct markets one call may touch */
#define MAX_PRICE ((fx)1 << 62)
#define MAX_SIZE ((u64)1 << 62)
#define MAX_NOTIONAL 1000000000000000000ull /* 1e18 quote base units per order */
#define MAX_IMPACT_ORDERS 64 /* orders walked to find an impact price */
#define MAX_PENALTY 15000000 /* 1.5 % */

#define FL DVM_ROUND_FLOOR
#define CE DVM_ROUND_CEIL
#define TR DVM_ROUND_TRUNC

/* ---- records (little-endian, field order = storage order, spec §3) ---- */
typedef struct perp_params {
  u64 feed;
  fx tick;
  u64 step;
  fx imf, mmf, maker_fee, taker_fee;
  u64 funding_interval;
  fx funding_clamp;
  fx liq_penalty;
  u64 oi_cap;
  u64 impact_notional;
} perp_params;

typedef struct perp_mstate {
  u64 next_seq;
  u64 oi;
  fx findex;
  u64 period_start;
  fx premium_sum;
  u64 samples;
  u64 last_sample_height;
  fx rate;
  i64 fpool;
  u64 fees;
  u8 best[2][24]; /* book key (22 bytes) of each side's best order; zeros: empty */
} perp_mstate;

typedef struct perp_pos {
  u64 market;
  i64 size;
  i64 entry;
  fx fidx;
} perp_pos;

typedef struct perp_acct {
  i64 collateral;
  u64 npos;
  perp_pos pos[MAX_POS];
} perp_acct;

#define ACCT_HEAD 16

typedef struct perp_order {
  dvm_address owner;
  u64 oid;
  u64 market;
  u64 flags; /* sub | side << 8 | kind << 16 */
  fx price;
  u64 size;
  u64 remaining;
  u64 client_id;
} perp_order;

typedef struct perp_mc {
  u64 market;
  u64 dirty;
  perp_params p;
  fx oracle;
  perp_mstate s;
} perp_mc;

typedef struct perp_margin {
  i64 equity;
  i64 imr;
  i64 mmr;
} perp_margin;

/* The per-call scratch context at the start of the heap. */
typedef struct perp_ctx {
  u64 quote;
  u64 g_loaded;
  u64 g_dirty;
  i64 insurance;
  u64 nmc;
  perp_mc mc[MAX_MC];
  dvm_address caller;
  perp_acct taker;
  perp_acct maker;
  perp_acct hyp;
  perp_order ord;
  u8 key[40];
  u8 key2[40];
  u8 buf[512];
} perp_ctx;

#define CTX ((perp_ctx *)0x300000000ull)

/* ---- failure ---- */
__attribute__((noreturn)) DVM_LOCAL void die(const char *m) {
  u64 n = 0;
  while (m[n]) n++;
  dvm_revert(m, n);
  __builtin_unreachable();
}
#define DIE(s)                      \
  do {                              \
    static const char m_[] = s;     \
    die(m_);                        \
  } while (0)

/* ---- small helpers ---- */
DVM_INLINE u64 uabs(i64 x) { return x < 0 ? (u64)0 - (u64)x : (u64)x; }
DVM_INLINE i64 imax0(i64 x) { return x > 0 ? x : 0; }
DVM_INLINE fx md(i64 a, i64 b, i64 c, u64 mode) { return dvm_fx_mul_div(a, b, c, mode); }

DVM_INLINE void put_be(u8 *p, u64 v, u64 n) {
  for (u64 i = 0; i < n; i++) p[i] = (u8)(v >> (8 * (n - 1 - i)));
}
DVM_INLINE void copy(void *d, const void *s, u64 n) {
  u8 *dd = (u8 *)d;
  const u8 *ss = (const u8 *)s;
  for (u64 i = 0; i < n; i++) dd[i] = ss[i];
}
/* Word copy of 8-byte aligned records (n words). */
DVM_INLINE void copy64(void *d, const void *s, u64 n) {
  u64 *dd = (u64 *)d;
  const u64 *ss = (const u64 *)s;
  for (u64 i = 0; i < n; i++) dd[i] = ss[i];
}
DVM_INLINE void zero(void *d, u64 n) {
  u64 *dd = (u64 *)d; /* n a multiple of 8, d aligned */
  for (u64 i = 0; i < n / 8; i++) dd[i] = 0;
}
DVM_INLINE int addr_eq(const dvm_address *a, const dvm_address *b) {
  const u64 *x = (const u64 *)a->b, *y = (const u64 *)b->b;
  return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

/* ---- global record "G": the insurance fund ---- */
DVM_LOCAL void g_load(perp_ctx *cx) {
  if (cx->g_loaded) return;
  i64 v = 0;
  if (dvm_storage_get("G", 1, &v, 8) != 8) v = 0;
  cx->insurance = v;
  cx->g_loaded = 1;
}

DVM_LOCAL u64 quote_asset(perp_ctx *cx) {
  if (cx->quote) return cx->quote - 1;
  u32 q = 0;
  if (dvm_param_get("perp/quote", 10, &q, 4) != 4) DIE("perp: parameter perp/quote is not set");
  cx->quote = (u64)q + 1;
  return q;
}

/* ---- markets: parameters, oracle, state; cached per call ---- */
DVM_LOCAL perp_mc *mc_get(perp_ctx *cx, u64 market) {
  for (u64 i = 0; i < cx->nmc; i++)
    if (cx->mc[i].market == market) return &cx->mc[i];
  if (cx->nmc == MAX_MC) DIE("perp: too many markets in one call");
  perp_mc *m = &cx->mc[cx->nmc];
  u8 k[10] = {'p', 'e', 'r', 'p', '/', 'm', 0, 0, 0, 0};
  put_be(k + 6, market, 4);
  if (market > 0xffffffffull) DIE("market: no such market");
  if (dvm_param_get(k, 10, &m->p, sizeof m->p) != sizeof m->p) DIE("market: no such market");
  perp_params *p = &m->p;
  if (p->tick <= 0 || p->step == 0 || p->step > MAX_SIZE || p->imf > FX_ONE || p->mmf <= 0 || p->mmf > p->imf ||
      p->maker_fee < 0 || p->maker_fee > FX_ONE / 10 || p->taker_fee < 0 || p->taker_fee > FX_ONE / 10 ||
      p->funding_interval == 0 || p->funding_clamp < 0 || p->liq_penalty < 0 || p->liq_penalty > MAX_PENALTY ||
      p->feed > 0xffffffffull)
    DIE("market: bad parameters");
  /* tick x step must be a whole number of quote units: fills are exact */
  if (md(p->tick, (i64)p->step, FX_ONE, FL) != md(p->tick, (i64)p->step, FX_ONE, CE))
    DIE("market: bad parameters");
  dvm_price pr;
  if (dvm_oracle_price(p->feed, &pr) != 0 || pr.price <= 0 || pr.price > MAX_PRICE) DIE("market: no oracle price");
  m->oracle = pr.price;
  u8 sk[5] = {'M', 0, 0, 0, 0};
  put_be(sk + 1, market, 4);
  if (dvm_storage_get(sk, 5, &m->s, sizeof m->s) != sizeof m->s) {
    zero(&m->s, sizeof m->s);
    m->s.next_seq = 1;
  }
  m->market = market;
  m->dirty = 0;
  cx->nmc++;
  return m;
}

/* Write back every changed market state and the insurance fund. */
DVM_LOCAL void flush(perp_ctx *cx) {
  for (u64 i = 0; i < cx->nmc; i++) {
    perp_mc *m = &cx->mc[i];
    if (!m->dirty) continue;
    u8 sk[5] = {'M', 0, 0, 0, 0};
    put_be(sk + 1, m->market, 4);
    dvm_storage_set(sk, 5, &m->s, sizeof m->s);
    m->dirty = 0;
  }
  if (cx->g_dirty) {
    dvm_storage_set("G", 1, &cx->insurance, 8);
    cx->g_dirty = 0;
  }
}

/* ---- accounts "A" owner sub ---- */
DVM_INLINE void acct_key(u8 *k, const dvm_address *owner, u64 sub) {
  k[0] = 'A';
  copy(k + 1, owner->b, 32);
  k[33] = (u8)sub;
}

/* Load a subaccount and settle the funding of all its positions (spec §6);
 * 1 when the settlement changed it. */
DVM_LOCAL u64 acct_load(perp_ctx *cx, const dvm_address *owner, u64 sub, perp_acct *a) {
  u8 k[34];
  u64 changed = 0;
  acct_key(k, owner, sub);
  u64 n = dvm_storage_get(k, 34, a, sizeof *a);
  if (n == DVM_NONE) {
    a->collateral = 0;
    a->npos = 0;
    return 0;
  }
  for (u64 i = 0; i < a->npos; i++) {
    perp_pos *ps = &a->pos[i];
    perp_mc *m = mc_get(cx, ps->market);
    fx d = m->s.findex - ps->fidx;
    if (d) {
      i64 owed = md(ps->size, d, FX_ONE, CE);
      a->collateral -= owed;
      m->s.fpool += owed;
      m->dirty = 1;
      ps->fidx = m->s.findex;
      changed = 1;
    }
  }
  return changed;
}

DVM_LOCAL void acct_save(const dvm_address *owner, u64 sub, const perp_acct *a) {
  u8 k[34];
  acct_key(k, owner, sub);
  if (a->npos == 0 && a->collateral == 0) {
    dvm_storage_del(k, 34);
    return;
  }
  dvm_storage_set(k, 34, a, ACCT_HEAD + a->npos * sizeof(perp_pos));
}

DVM_LOCAL void margin(perp_ctx *cx, const perp_acct *a, perp_margin *r) {
  r->equity = a->collateral;
  r->imr = 0;
  r->mmr = 0;
  for (u64 i = 0; i < a->npos; i++) {
    const perp_pos *ps = &a->pos[i];
    perp_mc *m = mc_get(cx, ps->market);
    r->equity += md(ps->size, m->oracle, FX_ONE, FL) - ps->entry;
    i64 n = md((i64)uabs(ps->size), m->oracle, FX_ONE, CE);
    r->imr += md(n, m->p.imf, FX_ONE, CE);
    r->mmr += md(n, m->p.mmf, FX_ONE, CE);
  }
}

DVM_LOCAL i64 pos_size(const perp_acct *a, u64 market) {
  for (u64 i = 0; i < a->npos; i++)
    if (a->pos[i].market == market) return a->pos[i].size;
  return 0;
}

/* Apply a trade of d base units (signed, + buys) for cash (signed, + pays)
 * to the position in market m (spec §5.2). Keeps open interest. */
DVM_LOCAL void trade(perp_acct *a, perp_mc *m, i64 d, i64 cash) {
  u64 i = 0;
  while (i < a->npos && a->pos[i].market != m->market) i++;
  if (i == a->npos) {
    if (a->npos == MAX_POS) DIE("order: too many markets in the subaccount");
    a->pos[i].market = m->market;
    a->pos[i].size = 0;
    a->pos[i].entry = 0;
    a->pos[i].fidx = m->s.findex;
    a->npos++;
  }
  perp_pos *ps = &a->pos[i];
  i64 s = ps->size;
  if (s == 0 || (s > 0) == (d > 0)) {
    ps->entry += cash;
  } else {
    u64 as = uabs(s), ad = uabs(d);
    if (ad <= as) {
      i64 ce = md(ps->entry, (i64)ad, (i64)as, TR);
      ps->entry -= ce;
      a->collateral += -cash - ce;
    } else {
      i64 cc = md(cash, (i64)as, (i64)ad, TR);
      a->collateral += -cc - ps->entry;
      ps->entry = cash - cc;
    }
  }
  ps->size = s + d;
  i64 oi = (i64)m->s.oi + imax0(ps->size) - imax0(s);
  m->s.oi = (u64)oi;
  m->dirty = 1;
  if (ps->size == 0) {
    a->collateral -= ps->entry; /* always 0 here; kept for exactness */
    a->npos--;
    if (i != a->npos) copy64(&a->pos[i], &a->pos[a->npos], 4);
  }
}

/* The check after an account's trade (spec §5.3): E >= IMR, or, when the
 * trade only reduced the position, E >= MMR. 1 = passes. */
DVM_LOCAL int margin_ok(perp_ctx *cx, const perp_acct *a, int increased) {
  perp_margin r;
  margin(cx, a, &r);
  return r.equity >= (increased ? r.imr : r.mmr);
}

DVM_INLINE int increased(i64 before, i64 after) { return uabs(after) > uabs(before); }

/* ---- orders and the book ---- */
DVM_INLINE u64 price_key(u64 side, fx price) { return side == 0 ? ~(u64)price : (u64)price; }

DVM_INLINE void book_prefix(u8 *k, u64 market, u64 side) {
  k[0] = 'B';
  put_be(k + 1, market, 4);
  k[5] = (u8)side;
}

DVM_INLINE void book_key(u8 *k, u64 market, u64 side, fx price, u64 oid) {
  book_prefix(k, market, side);
  put_be(k + 6, price_key(side, price), 8);
  put_be(k + 14, oid, 8);
}

DVM_INLINE void order_key(u8 *k, u64 oid) {
  k[0] = 'O';
  put_be(k + 1, oid, 8);
}

DVM_LOCAL void order_remove(const u8 *bk, u64 oid) {
  u8 ok[9];
  order_key(ok, oid);
  dvm_storage_del(bk, 22);
  dvm_storage_del(ok, 9);
}

/* The price a book key encodes. */
DVM_INLINE fx key_price(const u8 *k) {
  u64 pk = 0;
  for (u64 i = 6; i < 14; i++) pk = pk << 8 | k[i];
  return k[5] == 0 ? (fx)~pk : (fx)pk;
}

DVM_INLINE int key_cmp22(const u8 *a, const u8 *b) {
  for (u64 i = 0; i < 22; i++)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

DVM_INLINE int has_best(const perp_mstate *s, u64 side) { return s->best[side][0] == 'B'; }

/* Remove a resting order (key bk); when it was its side's best, the hint
 * moves to the next order of the side (spec §4): a walk that starts at the
 * removed key, so it never revisits keys deleted before it. */
DVM_LOCAL void book_remove(perp_mstate *s, const u8 *bk, u64 oid, u8 *tmp) {
  u64 side = bk[5];
  order_remove(bk, oid);
  if (key_cmp22(bk, s->best[side]) != 0) return;
  u64 n = dvm_storage_next(bk, 22, tmp, 22);
  int same = n == 22;
  for (u64 i = 0; i < 6; i++)
    if (tmp[i] != bk[i]) same = 0;
  if (same) copy(s->best[side], tmp, 22);
  else zero(s->best[side], 24);
}

/* A new resting order (key bk) becomes the best when it is better. */
DVM_INLINE void book_insert_hint(perp_mstate *s, u64 side, const u8 *bk) {
  if (!has_best(s, side) || key_cmp22(bk, s->best[side]) < 0) copy(s->best[side], bk, 22);
}

/* ---- events (perp.abi.json "events") ---- */
DVM_LOCAL void emit(const char *name, const void *data, u64 len) {
  dvm_topic t;
  dvm_topic_name(&t, name);
  dvm_log(&t, 1, data, len);
}

DVM_LOCAL void ev_cancel(u64 oid, u64 reason) {
  u8 b[9];
  dvm_pack w;
  dvm_pack_init(&w, b, 9);
  dvm_pack_u(&w, oid, 8);
  dvm_pack_u(&w, reason, 1);
  emit("Cancel", b, 9);
}

/* Fill: market u32, taker_order u64, maker_order u64, taker address,
 * taker_sub u8, maker address, maker_sub u8, taker_side u8, price fx,
 * size u64, taker_cash i64, maker_cash i64, taker_fee u64, maker_fee u64,
 * penalty u64, liquidation u8 */
typedef struct perp_fill {
  u64 market, taker_oid, maker_oid;
  const dvm_address *taker;
  u64 taker_sub;
  const dvm_address *maker;
  u64 maker_sub, taker_side;
  fx price;
  u64 size;
  i64 taker_cash, maker_cash;
  u64 taker_fee, maker_fee, penalty, liq;
} perp_fill;

DVM_LOCAL void ev_fill(perp_ctx *cx, const perp_fill *f) {
  dvm_pack w;
  dvm_pack_init(&w, cx->buf, sizeof cx->buf);
  dvm_pack_u(&w, f->market, 4);
  dvm_pack_u(&w, f->taker_oid, 8);
  dvm_pack_u(&w, f->maker_oid, 8);
  dvm_pack_addr(&w, f->taker);
  dvm_pack_u(&w, f->taker_sub, 1);
  dvm_pack_addr(&w, f->maker);
  dvm_pack_u(&w, f->maker_sub, 1);
  dvm_pack_u(&w, f->taker_side, 1);
  dvm_pack_u(&w, (u64)f->price, 8);
  dvm_pack_u(&w, f->size, 8);
  dvm_pack_u(&w, (u64)f->taker_cash, 8);
  dvm_pack_u(&w, (u64)f->maker_cash, 8);
  dvm_pack_u(&w, f->taker_fee, 8);
  dvm_pack_u(&w, f->maker_fee, 8);
  dvm_pack_u(&w, f->penalty, 8);
  dvm_pack_u(&w, f->liq, 1);
  emit("Fill", cx->buf, w.at);
}

/* The maker's side of a fill (spec §5.4), on cx->maker already loaded
 * (funding settled): trade -d for -cash and pay the maker fee; 1 when the
 * maker passes its margin check (saved), 0 when it does not or has no
 * free position slot (the order is then cancelled; the account is saved
 * as loaded, its funding settled). */
DVM_LOCAL int maker_fill(perp_ctx *cx, perp_mc *m, const perp_order *o, i64 d, i64 cash, u64 fee) {
  u64 sub = o->flags & 0xff;
  perp_acct *mk = &cx->maker;
  i64 before = pos_size(mk, m->market);
  if (before == 0 && mk->npos == MAX_POS) {
    acct_save(&o->owner, sub, mk);
    return 0;
  }
  copy64(&cx->hyp, mk, 2 + 4 * mk->npos);
  u64 oi = m->s.oi;
  trade(mk, m, d, cash);
  mk->collateral -= (i64)fee;
  if (!margin_ok(cx, mk, increased(before, before + d))) {
    m->s.oi = oi;
    acct_save(&o->owner, sub, &cx->hyp);
    return 0;
  }
  acct_save(&o->owner, sub, mk);
  return 1;
}

#endif
