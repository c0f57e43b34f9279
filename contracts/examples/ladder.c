/* ladder.c — an example contract in C: the payoff of a ladder of call
 * options. It shows the pieces of the SDK: entry points, static helper
 * functions (local calls), loops, read-only tables and strings, fixed
 * point, and syscalls.
 *
 *   selftest(input, len): pure computation, no syscalls. The spot price is
 *     the first input byte (100 when there is no input); returns
 *     (sum of call payoffs over the strike ladder) << 32 | the low 32 bits
 *     of an FNV-1a hash of the contract's name string.
 *   settle(input, len): records the ladder payoff for the current block in
 *     storage and logs it (the storage, log and block syscalls); returns 0,
 *     or reverts when the input is empty.
 */
#include "dvm_contract.h"

static const char contract_name[] = "strike ladder v1";
static const u64 strikes[] = {90, 95, 100, 105, 110};
#define NSTRIKES (sizeof strikes / sizeof strikes[0])

/* Payoff of one call option at expiry, in fixed point. */
DVM_LOCAL fx call_payoff(fx spot, fx strike) { return spot > strike ? spot - strike : 0; }

/* FNV-1a over a byte string: a loop over read-only data. */
DVM_LOCAL u64 fnv1a(const char *p, u64 n) {
  u64 h = 14695981039346656037ull;
  for (u64 i = 0; i < n; i++) h = (h ^ (u8)p[i]) * 1099511628211ull;
  return h;
}

/* Sum of payoffs over the ladder, each weighted by 1/2 (fixed point). */
DVM_LOCAL fx ladder_payoff(fx spot) {
  fx total = 0;
  for (u64 i = 0; i < NSTRIKES; i++) total += fx_mul(call_payoff(spot, fx_from_int((i64)strikes[i])), FX_ONE / 2);
  return total;
}

DVM_ENTRY u64 selftest(const u8 *input, u64 len) {
  fx spot = fx_from_int(len ? input[0] : 100);
  i64 units = fx_to_int(ladder_payoff(spot));
  return (u64)units << 32 | (fnv1a(contract_name, sizeof contract_name - 1) & 0xffffffffu);
}

DVM_ENTRY u64 settle(const u8 *input, u64 len) {
  static const char key[] = "ladder/last";
  if (len < 1) {
    static const char why[] = "settle: no spot price in the input";
    dvm_revert(why, sizeof why - 1);
    return 1;
  }
  fx total = ladder_payoff(fx_from_int(input[0]));
  u64 height = dvm_block_height();
  u64 record[2] = {height, (u64)total};
  dvm_storage_set(key, sizeof key - 1, record, sizeof record);
  dvm_log(0, 0, record, sizeof record);
  return 0;
}
