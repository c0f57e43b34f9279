/* perp_model.c — see perp_model.h. Written from spec/contracts/perp.md. */
#include "perp_model.h"

#include <stdlib.h>
#include <string.h>

#define ONE 1000000000ll

enum { RFLOOR, RCEIL, RTRUNC };

/* a*b/c rounded, exact in 128 bits. */
static int64_t mdv(int64_t a, int64_t b, int64_t c, int mode) {
  __int128 p = (__int128)a * b;
  __int128 q = p / c, r = p % c;
  if (r != 0 && mode != RTRUNC) {
    int neg = (r < 0) != (c < 0); /* the exact quotient is negative */
    if (mode == RFLOOR && neg) q -= 1;
    if (mode == RCEIL && !neg) q += 1;
  }
  return (int64_t)q;
}

static uint64_t uabs(int64_t x) { return x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x; }
static int64_t pos0(int64_t x) { return x > 0 ? x : 0; }

void pm_init(pm *m, int nowners, const uint8_t (*pk)[32], const pm_params *params) {
  memset(m, 0, sizeof *m);
  m->nowners = nowners;
  m->pk = pk;
  m->acct = calloc((size_t)nowners * PM_SUBS, sizeof *m->acct);
  for (int i = 0; i < PM_MARKETS; i++) {
    m->m[i].p = params[i];
    m->m[i].next_seq = 1;
  }
}

void pm_free(pm *m) {
  for (int i = 0; i < PM_MARKETS; i++) {
    free(m->m[i].side[0].o);
    free(m->m[i].side[1].o);
  }
  free(m->acct);
}

pm_acct *pm_acct_of(pm *m, int owner, int sub) { return &m->acct[owner * PM_SUBS + sub]; }

/* ---- snapshots for calls that may revert after changing things ---- */
typedef struct snap {
  pm_acct *acct;
  pm_market mk[PM_MARKETS];
  int64_t insurance;
} snap;

static void snap_take(pm *m, snap *s) {
  size_t n = (size_t)m->nowners * PM_SUBS;
  s->acct = malloc(n * sizeof *s->acct);
  memcpy(s->acct, m->acct, n * sizeof *s->acct);
  for (int i = 0; i < PM_MARKETS; i++) {
    s->mk[i] = m->m[i];
    for (int d = 0; d < 2; d++) {
      pm_side *sd = &s->mk[i].side[d];
      sd->o = malloc((sd->n ? sd->n : 1) * sizeof *sd->o);
      if (sd->n) memcpy(sd->o, m->m[i].side[d].o, sd->n * sizeof *sd->o);
      sd->cap = sd->n ? sd->n : 1;
    }
  }
  s->insurance = m->insurance;
}

static void snap_drop(snap *s) {
  free(s->acct);
  for (int i = 0; i < PM_MARKETS; i++) {
    free(s->mk[i].side[0].o);
    free(s->mk[i].side[1].o);
  }
}

static int snap_restore(pm *m, snap *s) {
  size_t n = (size_t)m->nowners * PM_SUBS;
  memcpy(m->acct, s->acct, n * sizeof *s->acct);
  for (int i = 0; i < PM_MARKETS; i++) {
    free(m->m[i].side[0].o);
    free(m->m[i].side[1].o);
    m->m[i] = s->mk[i];
  }
  m->insurance = s->insurance;
  free(s->acct);
  m->nfills = 0;
  return 1;
}

/* ---- accounts ---- */
static void settle(pm *m, pm_acct *a) {
  for (int i = 0; i < PM_MARKETS; i++) {
    pm_pos *p = &a->p[i];
    if (p->size == 0) continue;
    int64_t d = m->m[i].findex - p->fidx;
    if (d == 0) continue;
    int64_t owed = mdv(p->size, d, ONE, RCEIL);
    a->coll -= owed;
    m->m[i].fpool += owed;
    m->m[i].settlements++;
    p->fidx = m->m[i].findex;
  }
}

static void margin(const pm *m, const pm_acct *a, pm_margin *r) {
  r->equity = a->coll;
  r->imr = r->mmr = 0;
  for (int i = 0; i < PM_MARKETS; i++) {
    const pm_pos *p = &a->p[i];
    if (p->size == 0) continue;
    const pm_market *k = &m->m[i];
    r->equity += mdv(p->size, k->oracle, ONE, RFLOOR) - p->entry;
    int64_t n = mdv((int64_t)uabs(p->size), k->oracle, ONE, RCEIL);
    r->imr += mdv(n, k->p.imf, ONE, RCEIL);
    r->mmr += mdv(n, k->p.mmf, ONE, RCEIL);
  }
}

void pm_view(const pm *m, int owner, int sub, pm_margin *r, int64_t *coll) {
  pm_acct a = m->acct[owner * PM_SUBS + sub];
  for (int i = 0; i < PM_MARKETS; i++)
    if (a.p[i].size) {
      a.coll -= mdv(a.p[i].size, m->m[i].findex - a.p[i].fidx, ONE, RCEIL);
      a.p[i].fidx = m->m[i].findex;
    }
  margin(m, &a, r);
  *coll = a.coll;
}

static int margin_ok(const pm *m, const pm_acct *a, int increased) {
  pm_margin r;
  margin(m, a, &r);
  return r.equity >= (increased ? r.imr : r.mmr);
}

/* A trade of d for cash in market mi (spec §5.2). */
static void trade(pm *m, pm_acct *a, int mi, int64_t d, int64_t cash) {
  pm_pos *p = &a->p[mi];
  pm_market *k = &m->m[mi];
  int64_t s = p->size;
  if (s == 0) {
    p->entry = 0;
    p->fidx = k->findex;
  }
  if (s == 0 || (s > 0) == (d > 0)) {
    p->entry += cash;
  } else if (uabs(d) <= uabs(s)) {
    int64_t ce = mdv(p->entry, (int64_t)uabs(d), (int64_t)uabs(s), RTRUNC);
    p->entry -= ce;
    a->coll += -cash - ce;
  } else {
    int64_t cc = mdv(cash, (int64_t)uabs(s), (int64_t)uabs(d), RTRUNC);
    a->coll += -cc - p->entry;
    p->entry = cash - cc;
  }
  p->size = s + d;
  k->oi = (uint64_t)((int64_t)k->oi + pos0(p->size) - pos0(s));
  if (p->size == 0) {
    a->coll -= p->entry;
    p->entry = 0;
    p->fidx = 0;
  }
}

/* ---- books ---- */
static int better(int side, const pm_order *x, const pm_order *y) {
  if (x->price != y->price) return side == 0 ? x->price > y->price : x->price < y->price;
  return x->oid < y->oid;
}

static void book_insert(pm_side *s, int side, const pm_order *o) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 64;
    s->o = realloc(s->o, s->cap * sizeof *s->o);
  }
  size_t i = s->n;
  while (i > 0 && better(side, o, &s->o[i - 1])) i--;
  memmove(&s->o[i + 1], &s->o[i], (s->n - i) * sizeof *s->o);
  s->o[i] = *o;
  s->n++;
}

static void book_remove_at(pm_side *s, size_t i) {
  memmove(&s->o[i], &s->o[i + 1], (s->n - i - 1) * sizeof *s->o);
  s->n--;
}

const pm_order *pm_find(const pm *m, uint64_t oid) {
  for (int i = 0; i < PM_MARKETS; i++)
    for (int d = 0; d < 2; d++)
      for (size_t j = 0; j < m->m[i].side[d].n; j++)
        if (m->m[i].side[d].o[j].oid == oid) return &m->m[i].side[d].o[j];
  return NULL;
}

static void add_fill(pm *m, const pm_fill *f) {
  if (m->nfills < sizeof m->fills / sizeof m->fills[0]) m->fills[m->nfills++] = *f;
}

/* ---- methods ---- */
int pm_deposit(pm *m, int owner, int sub, uint64_t amount) {
  if (amount == 0 || amount > (1ull << 62)) return 1;
  pm_acct *a = pm_acct_of(m, owner, sub);
  settle(m, a);
  a->coll += (int64_t)amount;
  m->deposits += amount;
  return 0;
}

int pm_withdraw(pm *m, int owner, int sub, uint64_t amount) {
  if (amount == 0 || amount > (1ull << 62)) return 1;
  pm_acct *a = pm_acct_of(m, owner, sub);
  pm_acct t = *a;
  int64_t fp[PM_MARKETS];
  uint64_t st[PM_MARKETS];
  for (int i = 0; i < PM_MARKETS; i++) {
    fp[i] = m->m[i].fpool;
    st[i] = m->m[i].settlements;
  }
  settle(m, &t);
  t.coll -= (int64_t)amount;
  pm_margin r;
  margin(m, &t, &r);
  if (t.coll < 0 || r.equity < r.imr) {
    for (int i = 0; i < PM_MARKETS; i++) {
      m->m[i].fpool = fp[i];
      m->m[i].settlements = st[i];
    }
    return 1;
  }
  *a = t;
  m->withdrawals += amount;
  return 0;
}

int pm_cancel(pm *m, int owner, uint64_t oid) {
  for (int i = 0; i < PM_MARKETS; i++)
    for (int d = 0; d < 2; d++) {
      pm_side *s = &m->m[i].side[d];
      for (size_t j = 0; j < s->n; j++)
        if (s->o[j].oid == oid) {
          if (s->o[j].owner != owner) return 1;
          book_remove_at(s, j);
          return 0;
        }
    }
  return 1;
}

int pm_place(pm *m, int owner, uint32_t market, int sub, int side, int64_t price, uint64_t size, int kind, int ro,
             uint64_t *oid) {
  m->nfills = 0;
  if (side > 1 || kind > 3 || ro > 1) return 1;
  if (market < 1 || market > PM_MARKETS) return 1;
  int mi = (int)market - 1;
  pm_market *k = &m->m[mi];
  if (size == 0 || size > (1ull << 62) || size % k->p.step) return 1;
  if (kind == 1) {
    if (price != 0) return 1;
  } else {
    if (price <= 0 || price > (1ll << 62) || price % k->p.tick) return 1;
    uint64_t cp = (uint64_t)price / (uint64_t)ONE + 1;
    if (cp > 1000000000000000000ull / size) return 1;
  }
  if (ro && (kind == 0 || kind == 3)) return 1;
  pm_acct *a = pm_acct_of(m, owner, sub);
  int64_t start = a->p[mi].size;
  if (ro && (start == 0 || (start > 0) == (side == 0) || size > uabs(start))) return 1;
  snap sn;
  snap_take(m, &sn);
  settle(m, a);
  uint64_t id = (uint64_t)market << 40 | k->next_seq++;
  int64_t sgn = side == 0 ? 1 : -1;
  uint64_t rem = size;
  pm_side *opp = &k->side[side ^ 1];
  while (rem && opp->n) {
    pm_order *o = &opp->o[0];
    if (kind != 1 && (side == 0 ? o->price > price : o->price < price)) break;
    if (kind == 3) return snap_restore(m, &sn);
    if (o->owner == owner) {
      book_remove_at(opp, 0);
      continue;
    }
    uint64_t f = rem < o->rem ? rem : o->rem;
    int64_t d = sgn * (int64_t)f;
    int64_t cash = mdv(d, o->price, ONE, RFLOOR);
    pm_acct *mk = pm_acct_of(m, o->owner, o->sub);
    settle(m, mk);
    int64_t tp = a->p[mi].size, mp = mk->p[mi].size;
    int64_t doi = pos0(tp + d) - pos0(tp) + pos0(mp - d) - pos0(mp);
    if (doi > 0 && k->oi + (uint64_t)doi > k->p.oi_cap) break;
    uint64_t tfee = (uint64_t)mdv((int64_t)uabs(cash), k->p.taker_fee, ONE, RCEIL);
    uint64_t mfee = (uint64_t)mdv((int64_t)uabs(cash), k->p.maker_fee, ONE, RCEIL);
    pm_acct saved = *mk;
    uint64_t oi = k->oi;
    trade(m, mk, mi, -d, -cash);
    mk->coll -= (int64_t)mfee;
    if (!margin_ok(m, mk, uabs(mp - d) > uabs(mp))) {
      *mk = saved;
      k->oi = oi;
      book_remove_at(opp, 0);
      continue;
    }
    trade(m, a, mi, d, cash);
    a->coll -= (int64_t)tfee;
    k->fees += tfee + mfee;
    pm_fill fl = {mi + 1, id, o->oid, owner, sub, o->owner, o->sub, side, o->price, f,
                  cash, -cash, tfee, mfee, 0, 0};
    add_fill(m, &fl);
    o->rem -= f;
    if (o->rem == 0) book_remove_at(opp, 0);
    rem -= f;
  }
  int64_t now = a->p[mi].size;
  if (rem && (kind == 0 || kind == 3)) {
    pm_acct h = *a;
    uint64_t oi = k->oi;
    int64_t d = sgn * (int64_t)rem;
    trade(m, &h, mi, d, mdv(d, price, ONE, RFLOOR));
    k->oi = oi;
    if (!margin_ok(m, &h, uabs(now + d) > uabs(now))) return snap_restore(m, &sn);
  }
  if (now != start && !margin_ok(m, a, uabs(now) > uabs(start))) return snap_restore(m, &sn);
  if (rem && (kind == 0 || kind == 3)) {
    pm_order o = {id, owner, sub, side, kind, price, size, rem};
    book_insert(&k->side[side], side, &o);
  }
  snap_drop(&sn);
  *oid = id;
  return 0;
}

static int impact(const pm_market *k, int side, int64_t *price) {
  const pm_side *s = &k->side[side];
  uint64_t acc = 0;
  for (size_t i = 0; i < s->n && i < 64; i++) {
    acc += (uint64_t)mdv((int64_t)s->o[i].rem, s->o[i].price, ONE, RFLOOR);
    if (acc >= k->p.impact_notional) {
      *price = s->o[i].price;
      return 1;
    }
  }
  return 0;
}

int pm_funding(pm *m, uint32_t market) {
  if (market < 1 || market > PM_MARKETS) return 1;
  pm_market *k = &m->m[market - 1];
  if (k->period_start == 0) k->period_start = m->time;
  if (k->last_h != m->height) {
    int64_t ib = 0, ia = 0, o = k->oracle;
    int hb = impact(k, 0, &ib), ha = impact(k, 1, &ia);
    int64_t up = hb && ib > o ? ib - o : 0, down = ha && o > ia ? o - ia : 0;
    k->psum += mdv(up - down, ONE, o, RTRUNC);
    k->samples++;
    k->last_h = m->height;
  }
  if (m->time >= k->period_start + k->p.funding_interval) {
    int64_t avg = k->samples ? k->psum / (int64_t)k->samples : 0;
    int64_t rate = avg / 8;
    if (rate > k->p.funding_clamp) rate = k->p.funding_clamp;
    if (rate < -k->p.funding_clamp) rate = -k->p.funding_clamp;
    k->rate = rate;
    k->findex += mdv(rate, k->oracle, ONE, RTRUNC);
    k->period_start = m->time;
    k->psum = 0;
    k->samples = 0;
  }
  return 0;
}

int pm_liquidate(pm *m, int owner, int sub, uint32_t market) {
  m->nfills = 0;
  memset(&m->liq, 0, sizeof m->liq);
  if (market < 1 || market > PM_MARKETS) return 1;
  int mi = (int)market - 1;
  pm_market *k = &m->m[mi];
  pm_acct *a = pm_acct_of(m, owner, sub);
  pm_acct t = *a;
  /* settlement is only kept if the call succeeds: compute on a copy */
  pm_margin r;
  {
    pm_acct c = t;
    for (int i = 0; i < PM_MARKETS; i++)
      if (c.p[i].size) c.coll -= mdv(c.p[i].size, m->m[i].findex - c.p[i].fidx, ONE, RCEIL);
    margin(m, &c, &r);
  }
  if (r.equity >= r.mmr) return 1;
  int64_t s = t.p[mi].size;
  if (s == 0) return 1;
  snap sn;
  snap_take(m, &sn);
  settle(m, a);
  int64_t nm = mdv((int64_t)uabs(s), k->oracle, ONE, RCEIL);
  int64_t mmr_m = mdv(nm, k->p.mmf, ONE, RCEIL);
  int64_t em = mdv(r.equity, mmr_m, r.mmr, RFLOOR);
  int64_t qb = k->oracle - mdv(em, ONE, s, s > 0 ? RFLOOR : RCEIL);
  int side = s > 0 ? 1 : 0;
  int64_t sgn = s > 0 ? -1 : 1;
  uint64_t rem = uabs(s);
  int64_t draw = 0;
  uint64_t id = (uint64_t)market << 40 | k->next_seq++;
  pm_side *opp = &k->side[side ^ 1];
  while (rem && opp->n) {
    pm_order *o = &opp->o[0];
    if (o->owner == owner) {
      book_remove_at(opp, 0);
      continue;
    }
    uint64_t f = rem < o->rem ? rem : o->rem;
    int64_t d = sgn * (int64_t)f;
    int64_t mcash = mdv(d, o->price, ONE, RFLOOR);
    int ok = side == 1 ? o->price >= qb : o->price <= qb;
    int64_t tcash, gap = 0;
    uint64_t pen = 0;
    if (ok) {
      tcash = mcash;
      int64_t surplus = mdv((int64_t)f, side == 1 ? o->price - qb : qb - o->price, ONE, RFLOOR);
      pen = (uint64_t)mdv((int64_t)uabs(mcash), k->p.liq_penalty, ONE, RCEIL);
      if ((int64_t)pen > surplus) pen = (uint64_t)pos0(surplus);
    } else {
      tcash = mdv(d, qb, ONE, RCEIL);
      gap = mcash - tcash;
      if (gap > m->insurance) break;
    }
    uint64_t mfee = (uint64_t)mdv((int64_t)uabs(mcash), k->p.maker_fee, ONE, RCEIL);
    pm_acct *mk = pm_acct_of(m, o->owner, o->sub);
    settle(m, mk);
    int64_t mp = mk->p[mi].size;
    pm_acct saved = *mk;
    uint64_t oi = k->oi;
    trade(m, mk, mi, -d, -mcash);
    mk->coll -= (int64_t)mfee;
    if (!margin_ok(m, mk, uabs(mp - d) > uabs(mp))) {
      *mk = saved;
      k->oi = oi;
      book_remove_at(opp, 0);
      continue;
    }
    trade(m, a, mi, d, tcash);
    a->coll -= (int64_t)pen;
    m->insurance += (int64_t)pen - gap;
    draw += gap;
    k->fees += mfee;
    pm_fill fl = {mi + 1, id, o->oid, owner, sub, o->owner, o->sub, side, o->price, f,
                  tcash, -mcash, 0, mfee, pen, 1};
    add_fill(m, &fl);
    o->rem -= f;
    if (o->rem == 0) book_remove_at(opp, 0);
    rem -= f;
  }
  while (rem) {
    /* the most profitable opposite position, ties in key order */
    int best = -1;
    int64_t bp = 0;
    for (int i = 0; i < m->nowners * PM_SUBS; i++) {
      if (i == owner * PM_SUBS + sub) continue;
      const pm_pos *p = &m->acct[i].p[mi];
      if (p->size == 0 || (p->size > 0) == (s > 0)) continue;
      int64_t pnl = mdv(p->size, k->oracle, ONE, RFLOOR) - p->entry;
      int take = best < 0 || pnl > bp;
      if (!take && pnl == bp) {
        int c = memcmp(m->pk[i / PM_SUBS], m->pk[best / PM_SUBS], 32);
        take = c < 0 || (c == 0 && i % PM_SUBS < best % PM_SUBS);
      }
      if (take) {
        best = i;
        bp = pnl;
      }
    }
    if (best < 0) break;
    pm_acct *c = &m->acct[best];
    settle(m, c);
    uint64_t cs = uabs(c->p[mi].size);
    uint64_t f = rem < cs ? rem : cs;
    int64_t d = sgn * (int64_t)f;
    int64_t cash = mdv(d, qb, ONE, RCEIL);
    trade(m, c, mi, -d, -cash);
    trade(m, a, mi, d, cash);
    rem -= f;
    m->liq.adl++;
  }
  int npos = 0;
  for (int i = 0; i < PM_MARKETS; i++) npos += a->p[i].size != 0;
  if (npos == 0 && a->coll < 0) {
    m->insurance += a->coll;
    draw -= a->coll;
    a->coll = 0;
  }
  m->liq.qb = qb;
  m->liq.draw = draw;
  snap_drop(&sn);
  return 0;
}
