/* perp.c — perpetual futures: collateral accounts with cross margin per
 * subaccount, an order book per market, funding, liquidation and
 * auto-deleveraging (dYdX v4 margin model). Normative description:
 * spec/contracts/perp.md (storage layout, formulas, roundings, errors);
 * public ABI: contracts/perp/perp.abi.json.
 *
 * Every entry decodes its packed arguments (contracts/lib/dvm_args.h) and
 * works in a scratch context at the start of the heap (zeroed at each
 * call); a refusal is dvm_revert, which undoes every write of the call. */
#include "dvm_contract.h"

#include "../lib/dvm_args.h"

#include "perp_core.h"

/* ---- entries ---- */

/* deposit(sub u8), quote attached */
DVM_ENTRY u64 deposit(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_args_init(&a, in, len);
  u64 sub = dvm_args_u(&a, 1);
  if (!dvm_args_end(&a)) DIE("deposit: input must be 1 byte");
  u64 amount = dvm_value_received(quote_asset(cx));
  if (amount == 0) DIE("deposit: no quote asset attached");
  if (amount > (u64)1 << 62) DIE("deposit: amount too large");
  dvm_caller(&cx->caller);
  acct_load(cx, &cx->caller, sub, &cx->taker);
  cx->taker.collateral += (i64)amount;
  acct_save(&cx->caller, sub, &cx->taker);
  flush(cx);
  return 0;
}

/* withdraw(sub u8, amount u64) */
DVM_ENTRY u64 withdraw(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_args_init(&a, in, len);
  u64 sub = dvm_args_u(&a, 1);
  u64 amount = dvm_args_u(&a, 8);
  if (!dvm_args_end(&a)) DIE("withdraw: input must be 9 bytes");
  if (amount == 0 || amount > (u64)1 << 62) DIE("withdraw: bad amount");
  u64 q = quote_asset(cx);
  dvm_caller(&cx->caller);
  acct_load(cx, &cx->caller, sub, &cx->taker);
  cx->taker.collateral -= (i64)amount;
  if (cx->taker.collateral < 0) DIE("withdraw: more than the collateral");
  perp_margin r;
  margin(cx, &cx->taker, &r);
  if (r.equity < r.imr) DIE("withdraw: would leave the subaccount below its initial margin");
  acct_save(&cx->caller, sub, &cx->taker);
  flush(cx);
  if (dvm_transfer(q, &cx->caller, amount) != 0) DIE("withdraw: transfer failed");
  return 0;
}

/* place_order(market u32, sub u8, side u8, price fx, size u64, kind u8,
 * reduce_only u8, client_id u64) -> order_id u64 */
DVM_ENTRY u64 place_order(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_args_init(&a, in, len);
  u64 market = dvm_args_u(&a, 4);
  u64 sub = dvm_args_u(&a, 1);
  u64 side = dvm_args_u(&a, 1);
  fx price = dvm_args_i64(&a);
  u64 size = dvm_args_u(&a, 8);
  u64 kind = dvm_args_u(&a, 1);
  u64 ro = dvm_args_u(&a, 1);
  u64 client_id = dvm_args_u(&a, 8);
  if (!dvm_args_end(&a)) DIE("place_order: input must be 32 bytes");
  if (side > 1) DIE("order: bad side");
  if (kind > 3) DIE("order: bad kind");
  if (ro > 1) DIE("order: bad reduce_only");
  perp_mc *m = mc_get(cx, market);
  if (size == 0 || size > MAX_SIZE || size % m->p.step) DIE("order: size not a positive multiple of the step");
  if (kind == 1) {
    if (price != 0) DIE("order: a market order has price 0");
  } else {
    if (price <= 0 || price > MAX_PRICE || price % m->p.tick) DIE("order: price not a positive multiple of the tick");
    /* notional below 1e18: ceil(price) * size without overflow */
    u64 cp = (u64)price / (u64)FX_ONE + 1;
    if (cp > MAX_NOTIONAL / size) DIE("order: notional too large");
  }
  if (ro && (kind == 0 || kind == 3)) DIE("order: reduce-only needs a market or IOC order");
  dvm_caller(&cx->caller);
  u64 tdirty = acct_load(cx, &cx->caller, sub, &cx->taker);
  i64 start = pos_size(&cx->taker, market);
  i64 sgn = side == 0 ? 1 : -1;
  if (ro) {
    if (start == 0 || (start > 0) == (side == 0)) DIE("order: reduce-only would not reduce");
    if (size > uabs(start)) DIE("order: reduce-only would flip the position");
  }
  u64 oid = market << 40 | m->s.next_seq;
  m->s.next_seq++;
  m->dirty = 1;

  u64 rem = size;
  u64 opp = side ^ 1;
  perp_order *o = &cx->ord;
  u8 *bk = cx->key;
  while (rem) {
    if (!has_best(&m->s, opp)) break;
    copy(bk, m->s.best[opp], 22);
    fx bp = key_price(bk);
    if (kind != 1 && (side == 0 ? bp > price : bp < price)) break;
    if (kind == 3) DIE("order: post-only would cross");
    dvm_storage_get(bk, 22, o, sizeof *o);
    if (addr_eq(&o->owner, &cx->caller)) { /* self-trade prevention */
      book_remove(&m->s, bk, o->oid, cx->key2);
      ev_cancel(o->oid, 1);
      continue;
    }
    u64 f = rem < o->remaining ? rem : o->remaining;
    i64 d = sgn * (i64)f;
    i64 cash = md(d, o->price, FX_ONE, FL); /* exact: tick x step is whole */
    /* open interest cap */
    i64 tp = pos_size(&cx->taker, market);
    u64 msub = o->flags & 0xff;
    acct_load(cx, &o->owner, msub, &cx->maker);
    i64 mp = pos_size(&cx->maker, market);
    i64 doi = imax0(tp + d) - imax0(tp) + imax0(mp - d) - imax0(mp);
    if (doi > 0 && m->s.oi + (u64)doi > m->p.oi_cap) {
      acct_save(&o->owner, msub, &cx->maker);
      break;
    }
    u64 tfee = (u64)md((i64)uabs(cash), m->p.taker_fee, FX_ONE, CE);
    u64 mfee = (u64)md((i64)uabs(cash), m->p.maker_fee, FX_ONE, CE);
    if (!maker_fill(cx, m, o, -d, -cash, mfee)) {
      book_remove(&m->s, bk, o->oid, cx->key2);
      ev_cancel(o->oid, 2);
      continue;
    }
    trade(&cx->taker, m, d, cash);
    cx->taker.collateral -= (i64)tfee;
    tdirty = 1;
    m->s.fees += tfee + mfee;
    o->remaining -= f;
    if (o->remaining == 0) {
      book_remove(&m->s, bk, o->oid, cx->key2);
    } else {
      dvm_storage_set(bk, 22, o, sizeof *o);
    }
    rem -= f;
    perp_fill fe = {market, oid, o->oid, &cx->caller, sub, &o->owner, msub, side, o->price, f,
                    cash, -cash, tfee, mfee, 0, 0};
    ev_fill(cx, &fe);
  }
  i64 now = pos_size(&cx->taker, market);
  if (rem && (kind == 0 || kind == 3)) {
    /* the resting remainder must pass as if it filled at its price */
    copy64(&cx->hyp, &cx->taker, 2 + 4 * cx->taker.npos);
    u64 oi = m->s.oi;
    i64 d = sgn * (i64)rem;
    trade(&cx->hyp, m, d, md(d, price, FX_ONE, FL));
    m->s.oi = oi;
    if (!margin_ok(cx, &cx->hyp, increased(now, now + d))) DIE("order: below initial margin");
  }
  if (now != start && !margin_ok(cx, &cx->taker, increased(start, now))) DIE("order: below initial margin");
  if (rem && (kind == 0 || kind == 3)) {
    perp_order r;
    copy64(&r.owner, &cx->caller, 4);
    r.oid = oid;
    r.market = market;
    r.flags = sub | side << 8 | kind << 16;
    r.price = price;
    r.size = size;
    r.remaining = rem;
    r.client_id = client_id;
    book_key(bk, market, side, price, oid);
    dvm_storage_set(bk, 22, &r, sizeof r);
    book_insert_hint(&m->s, side, bk);
    u8 ok[9];
    order_key(ok, oid);
    dvm_storage_set(ok, 9, bk, 22);
  }
  if (tdirty) acct_save(&cx->caller, sub, &cx->taker);
  flush(cx);
  u8 ret[8];
  dvm_pack w;
  dvm_pack_init(&w, ret, 8);
  dvm_pack_u(&w, oid, 8);
  dvm_return(ret, 8);
  return 0;
}

/* cancel(order_id u64) */
DVM_ENTRY u64 cancel(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_args_init(&a, in, len);
  u64 oid = dvm_args_u(&a, 8);
  if (!dvm_args_end(&a)) DIE("cancel: input must be 8 bytes");
  u8 ok[9];
  order_key(ok, oid);
  if (dvm_storage_get(ok, 9, cx->key, 22) != 22) DIE("cancel: no such order");
  dvm_storage_get(cx->key, 22, &cx->ord, sizeof cx->ord);
  dvm_caller(&cx->caller);
  if (!addr_eq(&cx->caller, &cx->ord.owner)) DIE("cancel: not the owner of the order");
  u8 sk[5] = {'M', 0, 0, 0, 0};
  put_be(sk + 1, cx->ord.market, 4);
  perp_mstate *ms = &cx->mc[0].s; /* scratch: cancel loads no market */
  dvm_storage_get(sk, 5, ms, sizeof *ms);
  u64 side = cx->key[5];
  int was_best = key_cmp22(cx->key, ms->best[side]) == 0;
  book_remove(ms, cx->key, oid, cx->key2);
  if (was_best) dvm_storage_set(sk, 5, ms, sizeof *ms);
  ev_cancel(oid, 0);
  return 0;
}

/* ---- funding (spec §6) ---- */

/* The impact price of one side: the price of the order at which the
 * cumulative notional from the best price reaches impact_notional; 0 when
 * the side does not reach it within MAX_IMPACT_ORDERS orders. */
DVM_LOCAL fx impact_price(perp_ctx *cx, perp_mc *m, u64 side) {
  u8 *k = cx->key2;
  if (!has_best(&m->s, side)) return 0;
  copy(k, m->s.best[side], 22);
  u64 acc = 0;
  for (u64 i = 0; i < MAX_IMPACT_ORDERS; i++) {
    perp_order o;
    dvm_storage_get(k, 22, &o, sizeof o);
    acc += (u64)md((i64)o.remaining, o.price, FX_ONE, FL);
    if (acc >= m->p.impact_notional) return o.price;
    copy(cx->buf, k, 22);
    if (dvm_storage_next(cx->buf, 22, k, 22) != 22) return 0;
    for (u64 j = 0; j < 6; j++)
      if (k[j] != cx->buf[j]) return 0;
  }
  return 0;
}

/* update_funding(market u32) */
DVM_ENTRY u64 update_funding(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_args_init(&a, in, len);
  u64 market = dvm_args_u(&a, 4);
  if (!dvm_args_end(&a)) DIE("update_funding: input must be 4 bytes");
  perp_mc *m = mc_get(cx, market);
  u64 now = dvm_block_time(), h = dvm_block_height();
  perp_mstate *s = &m->s;
  if (s->period_start == 0) s->period_start = now;
  if (s->last_sample_height != h) {
    fx o = m->oracle, ib = impact_price(cx, m, 0), ia = impact_price(cx, m, 1);
    i64 up = ib ? imax0(ib - o) : 0, down = ia ? imax0(o - ia) : 0;
    s->premium_sum += md(up - down, FX_ONE, o, TR);
    s->samples++;
    s->last_sample_height = h;
  }
  if (now >= s->period_start + m->p.funding_interval) {
    fx avg = s->samples ? s->premium_sum / (i64)s->samples : 0;
    fx rate = avg / 8;
    if (rate > m->p.funding_clamp) rate = m->p.funding_clamp;
    if (rate < -m->p.funding_clamp) rate = -m->p.funding_clamp;
    s->rate = rate;
    s->findex += md(rate, m->oracle, FX_ONE, TR);
    s->period_start = now;
    s->premium_sum = 0;
    s->samples = 0;
    u8 b[20];
    dvm_pack w;
    dvm_pack_init(&w, b, 20);
    dvm_pack_u(&w, market, 4);
    dvm_pack_u(&w, (u64)rate, 8);
    dvm_pack_u(&w, (u64)s->findex, 8);
    emit("Funding", b, 20);
  }
  m->dirty = 1;
  flush(cx);
  return 0;
}

/* ---- liquidation (spec §7) ---- */

/* The most profitable position opposite to `sign` in market m, other than
 * the liquidated subaccount's: its owner and sub into *who / *wsub;
 * 0 when there is none. Walks every account (rare: last resort). */
DVM_LOCAL int adl_pick(perp_ctx *cx, perp_mc *m, i64 sign, const u8 *skip, dvm_address *who, u64 *wsub) {
  u8 *k = cx->key2;
  u8 pre[1] = {'A'};
  u64 n = dvm_storage_next(pre, 1, k, 34);
  int found = 0;
  i64 best = 0;
  while (n == 34 && k[0] == 'A') {
    int same = 1;
    for (u64 j = 0; j < 34; j++)
      if (k[j] != skip[j]) same = 0;
    if (!same) {
      dvm_storage_get(k, 34, &cx->hyp, sizeof cx->hyp);
      i64 s = pos_size(&cx->hyp, m->market);
      if (s != 0 && (s > 0) != (sign > 0)) {
        i64 entry = 0;
        for (u64 i = 0; i < cx->hyp.npos; i++)
          if (cx->hyp.pos[i].market == m->market) entry = cx->hyp.pos[i].entry;
        i64 pnl = md(s, m->oracle, FX_ONE, FL) - entry;
        if (!found || pnl > best) {
          found = 1;
          best = pnl;
          copy(who->b, k + 1, 32);
          *wsub = k[33];
        }
      }
    }
    copy(cx->buf, k, 34);
    n = dvm_storage_next(cx->buf, 34, k, 34);
  }
  return found;
}

/* liquidate(owner address, sub u8, market u32) */
DVM_ENTRY u64 liquidate(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_address owner;
  dvm_args_init(&a, in, len);
  dvm_args_addr(&a, &owner);
  u64 sub = dvm_args_u(&a, 1);
  u64 market = dvm_args_u(&a, 4);
  if (!dvm_args_end(&a)) DIE("liquidate: input must be 37 bytes");
  perp_mc *m = mc_get(cx, market);
  perp_acct *t = &cx->taker;
  acct_load(cx, &owner, sub, t);
  perp_margin r;
  margin(cx, t, &r);
  if (r.equity >= r.mmr) DIE("liquidate: the subaccount is not below maintenance margin");
  i64 s = pos_size(t, market);
  if (s == 0) DIE("liquidate: no position in this market");
  /* bankruptcy price: oracle - (E * MMR_m / MMR) / s */
  i64 nm = md((i64)uabs(s), m->oracle, FX_ONE, CE);
  i64 mmr_m = md(nm, m->p.mmf, FX_ONE, CE);
  i64 em = md(r.equity, mmr_m, r.mmr, FL);
  fx qb = m->oracle - md(em, FX_ONE, s, s > 0 ? FL : CE);
  g_load(cx);
  u64 side = s > 0 ? 1 : 0; /* the closing side */
  i64 sgn = s > 0 ? -1 : 1;
  u64 rem = uabs(s);
  i64 draw = 0;
  u64 oid = market << 40 | m->s.next_seq;
  m->s.next_seq++;
  m->dirty = 1;
  perp_order *o = &cx->ord;
  u8 *bk = cx->key;
  while (rem) {
    if (!has_best(&m->s, side ^ 1)) break;
    copy(bk, m->s.best[side ^ 1], 22);
    dvm_storage_get(bk, 22, o, sizeof *o);
    if (addr_eq(&o->owner, &owner)) {
      book_remove(&m->s, bk, o->oid, cx->key2);
      ev_cancel(o->oid, 1);
      continue;
    }
    u64 f = rem < o->remaining ? rem : o->remaining;
    i64 d = sgn * (i64)f;
    i64 mcash = md(d, o->price, FX_ONE, FL); /* the liquidated side's at the maker's price */
    int better = side == 1 ? o->price >= qb : o->price <= qb;
    i64 tcash, gap = 0;
    u64 pen = 0;
    if (better) {
      tcash = mcash;
      i64 surplus = md((i64)f, side == 1 ? o->price - qb : qb - o->price, FX_ONE, FL);
      pen = (u64)md((i64)uabs(mcash), m->p.liq_penalty, FX_ONE, CE);
      if ((i64)pen > surplus) pen = (u64)imax0(surplus);
    } else {
      tcash = md(d, qb, FX_ONE, CE); /* at the bankruptcy price, rounded against the account */
      gap = mcash - tcash;            /* what the fund adds: >= 0 */
      if (gap > cx->insurance) break;
    }
    u64 mfee = (u64)md((i64)uabs(mcash), m->p.maker_fee, FX_ONE, CE);
    acct_load(cx, &o->owner, o->flags & 0xff, &cx->maker);
    if (!maker_fill(cx, m, o, -d, -mcash, mfee)) {
      book_remove(&m->s, bk, o->oid, cx->key2);
      ev_cancel(o->oid, 2);
      continue;
    }
    trade(t, m, d, tcash);
    t->collateral -= (i64)pen;
    cx->insurance += (i64)pen - gap;
    draw += gap;
    cx->g_dirty = 1;
    m->s.fees += mfee;
    o->remaining -= f;
    if (o->remaining == 0) {
      book_remove(&m->s, bk, o->oid, cx->key2);
    } else {
      dvm_storage_set(bk, 22, o, sizeof *o);
    }
    rem -= f;
    perp_fill fe = {market, oid, o->oid, &owner, sub, &o->owner, o->flags & 0xff, side, o->price, f,
                    tcash, -mcash, 0, mfee, pen, 1};
    ev_fill(cx, &fe);
  }
  /* auto-deleveraging of the rest at the bankruptcy price */
  u8 skip[34];
  acct_key(skip, &owner, sub);
  dvm_address who;
  u64 wsub = 0;
  while (rem && adl_pick(cx, m, s, skip, &who, &wsub)) {
    acct_load(cx, &who, wsub, &cx->maker);
    u64 cs = uabs(pos_size(&cx->maker, market));
    u64 f = rem < cs ? rem : cs;
    i64 d = sgn * (i64)f;
    i64 cash = md(d, qb, FX_ONE, CE);
    trade(&cx->maker, m, -d, -cash);
    acct_save(&who, wsub, &cx->maker);
    trade(t, m, d, cash);
    rem -= f;
    dvm_pack w;
    dvm_pack_init(&w, cx->buf, sizeof cx->buf);
    dvm_pack_u(&w, market, 4);
    dvm_pack_addr(&w, &owner);
    dvm_pack_u(&w, sub, 1);
    dvm_pack_addr(&w, &who);
    dvm_pack_u(&w, wsub, 1);
    dvm_pack_u(&w, (u64)qb, 8);
    dvm_pack_u(&w, f, 8);
    dvm_pack_u(&w, (u64)cash, 8);
    emit("Deleverage", cx->buf, w.at);
  }
  /* bad debt of an emptied subaccount: the fund covers it */
  if (t->npos == 0 && t->collateral < 0) {
    cx->insurance += t->collateral;
    draw -= t->collateral;
    t->collateral = 0;
    cx->g_dirty = 1;
  }
  acct_save(&owner, sub, t);
  flush(cx);
  dvm_pack w;
  dvm_pack_init(&w, cx->buf, sizeof cx->buf);
  dvm_pack_addr(&w, &owner);
  dvm_pack_u(&w, sub, 1);
  dvm_pack_u(&w, market, 4);
  dvm_pack_u(&w, (u64)s, 8);
  dvm_pack_u(&w, (u64)qb, 8);
  dvm_pack_u(&w, (u64)draw, 8);
  emit("Liquidation", cx->buf, w.at);
  return 0;
}

/* ---- views ---- */

/* account(owner address, sub u8) -> collateral i64, equity i64,
 * initial i64, maintenance i64, positions bytes (n x {market u32,
 * size i64, entry i64, funding_index fx}); funding settled in memory only. */
DVM_ENTRY u64 account(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_address owner;
  dvm_args_init(&a, in, len);
  dvm_args_addr(&a, &owner);
  u64 sub = dvm_args_u(&a, 1);
  if (!dvm_args_end(&a)) DIE("account: input must be 33 bytes");
  acct_load(cx, &owner, sub, &cx->taker);
  perp_margin r;
  margin(cx, &cx->taker, &r);
  dvm_pack w;
  dvm_pack_init(&w, cx->buf, sizeof cx->buf);
  dvm_pack_u(&w, (u64)cx->taker.collateral, 8);
  dvm_pack_u(&w, (u64)r.equity, 8);
  dvm_pack_u(&w, (u64)r.imr, 8);
  dvm_pack_u(&w, (u64)r.mmr, 8);
  dvm_pack_u(&w, cx->taker.npos * 28, 4);
  for (u64 i = 0; i < cx->taker.npos; i++) {
    const perp_pos *ps = &cx->taker.pos[i];
    dvm_pack_u(&w, ps->market, 4);
    dvm_pack_u(&w, (u64)ps->size, 8);
    dvm_pack_u(&w, (u64)ps->entry, 8);
    dvm_pack_u(&w, (u64)ps->fidx, 8);
  }
  dvm_return(cx->buf, w.at);
  return 0;
}

/* market(market u32) -> open_interest u64, best_bid fx, best_ask fx,
 * oracle fx, funding_rate fx, funding_index fx, insurance i64, fees u64,
 * funding_pool i64 */
DVM_ENTRY u64 market(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_args_init(&a, in, len);
  u64 mk = dvm_args_u(&a, 4);
  if (!dvm_args_end(&a)) DIE("market: input must be 4 bytes");
  perp_mc *m = mc_get(cx, mk);
  g_load(cx);
  fx bid = 0, ask = 0;
  if (has_best(&m->s, 0)) bid = key_price(m->s.best[0]);
  if (has_best(&m->s, 1)) ask = key_price(m->s.best[1]);
  dvm_pack w;
  dvm_pack_init(&w, cx->buf, sizeof cx->buf);
  dvm_pack_u(&w, m->s.oi, 8);
  dvm_pack_u(&w, (u64)bid, 8);
  dvm_pack_u(&w, (u64)ask, 8);
  dvm_pack_u(&w, (u64)m->oracle, 8);
  dvm_pack_u(&w, (u64)m->s.rate, 8);
  dvm_pack_u(&w, (u64)m->s.findex, 8);
  dvm_pack_u(&w, (u64)cx->insurance, 8);
  dvm_pack_u(&w, m->s.fees, 8);
  dvm_pack_u(&w, (u64)m->s.fpool, 8);
  dvm_return(cx->buf, w.at);
  return 0;
}

/* order(order_id u64) -> owner address, sub u8, market u32, side u8,
 * kind u8, price fx, size u64, remaining u64, client_id u64 */
DVM_ENTRY u64 order(const u8 *in, u64 len) {
  perp_ctx *cx = CTX;
  dvm_args a;
  dvm_args_init(&a, in, len);
  u64 oid = dvm_args_u(&a, 8);
  if (!dvm_args_end(&a)) DIE("order: input must be 8 bytes");
  u8 ok[9];
  order_key(ok, oid);
  if (dvm_storage_get(ok, 9, cx->key, 22) != 22) DIE("order: no such order");
  perp_order *o = &cx->ord;
  dvm_storage_get(cx->key, 22, o, sizeof *o);
  dvm_pack w;
  dvm_pack_init(&w, cx->buf, sizeof cx->buf);
  dvm_pack_addr(&w, &o->owner);
  dvm_pack_u(&w, o->flags & 0xff, 1);
  dvm_pack_u(&w, o->market, 4);
  dvm_pack_u(&w, o->flags >> 8 & 0xff, 1);
  dvm_pack_u(&w, o->flags >> 16 & 0xff, 1);
  dvm_pack_u(&w, (u64)o->price, 8);
  dvm_pack_u(&w, o->size, 8);
  dvm_pack_u(&w, o->remaining, 8);
  dvm_pack_u(&w, o->client_id, 8);
  dvm_return(cx->buf, w.at);
  return 0;
}
