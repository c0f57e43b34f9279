/* perp_model.h — an independent host model of the perp contract's
 * matching, margin, funding and liquidation, written from
 * spec/contracts/perp.md (it shares no code with contracts/perp/perp.c):
 * 128-bit host arithmetic, books as sorted arrays, accounts as arrays.
 * Each method returns 0 when the contract should succeed, 1 when it
 * should revert (and then leaves the model unchanged), and records the
 * fills it predicts. */
#ifndef PERP_MODEL_H
#define PERP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define PM_MARKETS 2
#define PM_SUBS 2

typedef struct pm_params {
  int64_t tick;
  uint64_t step;
  int64_t imf, mmf, maker_fee, taker_fee;
  uint64_t funding_interval;
  int64_t funding_clamp, liq_penalty;
  uint64_t oi_cap, impact_notional;
} pm_params;

typedef struct pm_pos {
  int64_t size, entry, fidx;
} pm_pos;

typedef struct pm_acct {
  int64_t coll;
  pm_pos p[PM_MARKETS];
} pm_acct;

typedef struct pm_order {
  uint64_t oid;
  int owner, sub, side, kind;
  int64_t price;
  uint64_t size, rem;
} pm_order;

typedef struct pm_side {
  pm_order *o; /* best first */
  size_t n, cap;
} pm_side;

typedef struct pm_market {
  pm_params p;
  int64_t oracle;
  uint64_t next_seq, oi;
  int64_t findex;
  uint64_t period_start;
  int64_t psum;
  uint64_t samples, last_h;
  int64_t rate, fpool;
  uint64_t fees;
  uint64_t settlements; /* funding settlements with a nonzero index change */
  pm_side side[2];
} pm_market;

typedef struct pm_fill {
  int market;
  uint64_t taker_oid, maker_oid;
  int taker, taker_sub, maker, maker_sub, taker_side;
  int64_t price;
  uint64_t size;
  int64_t taker_cash, maker_cash;
  uint64_t taker_fee, maker_fee, penalty;
  int liq;
} pm_fill;

typedef struct pm_liq_info {
  int64_t qb;    /* bankruptcy price */
  int64_t draw;  /* from the fund */
  int adl;       /* deleverage steps */
} pm_liq_info;

typedef struct pm {
  int nowners;
  const uint8_t (*pk)[32]; /* owner public keys, for key order and ADL ties */
  pm_acct *acct;           /* [owner * PM_SUBS + sub] */
  pm_market m[PM_MARKETS]; /* market id = index + 1 */
  int64_t insurance;
  uint64_t deposits, withdrawals;
  uint64_t height, time; /* of the block being executed */
  /* fills of the last call */
  pm_fill fills[4096];
  size_t nfills;
  pm_liq_info liq;
} pm;

void pm_init(pm *m, int nowners, const uint8_t (*pk)[32], const pm_params *params);
void pm_free(pm *m);
int pm_deposit(pm *m, int owner, int sub, uint64_t amount);
int pm_withdraw(pm *m, int owner, int sub, uint64_t amount);
/* *oid gets the order id on success. */
int pm_place(pm *m, int owner, uint32_t market, int sub, int side, int64_t price, uint64_t size, int kind, int ro,
             uint64_t *oid);
int pm_cancel(pm *m, int owner, uint64_t oid);
int pm_funding(pm *m, uint32_t market);
int pm_liquidate(pm *m, int owner, int sub, uint32_t market);

typedef struct pm_margin {
  int64_t equity, imr, mmr;
} pm_margin;
/* Margin with funding settled in a copy (what the account view shows);
 * *coll gets the settled collateral. */
void pm_view(const pm *m, int owner, int sub, pm_margin *r, int64_t *coll);
pm_acct *pm_acct_of(pm *m, int owner, int sub);
/* The order with this id, or NULL. */
const pm_order *pm_find(const pm *m, uint64_t oid);

#endif
