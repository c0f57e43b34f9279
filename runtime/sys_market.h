/* sys_market.h — the market-data syscalls (spec/syscalls.md #31, #32) and
 * the oracle price history that system transactions record
 * (spec/state.md §10). Private to runtime/. */
#ifndef DVM_RT_SYS_MARKET_H
#define DVM_RT_SYS_MARKET_H

#include <stdint.h>

#include "state.h"
#include "vm.h"

#define G_ORACLE_AT 400u     /* dvm_oracle_price_at: one ordered lookup (an overlay next, a cold LMDB descent) */
#define G_ASSET_DECIMALS 100u

/* Record (price, publish_time) of `feed` in the price history:
 * 0^32 || "ohist" || feed BE32 || publish_time BE64 -> i64 price || u64 time.
 * The first price recorded for a (feed, time) stays: a later update with
 * the same publish time changes the latest price but not the history.
 * 0, or a negative state error. */
int rt_oracle_history_put(dvm_state_overlay *ov, uint32_t feed, int64_t price, uint64_t publish_time);

/* The handlers (rt_sc_oracle_price_at, rt_sc_asset_decimals) are declared
 * from syscalls.def in sys_private.h. */

#endif
