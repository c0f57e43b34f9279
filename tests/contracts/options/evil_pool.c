/* evil_pool.c — a test-only "pool" that quotes a bid of 1 and, when the
 * vault sells to it, calls back into the vault (withdraw) while the vault
 * is on the call stack. The supervisor refuses the re-entry (spec/
 * syscalls.md §5: the re-entering caller traps syscall_arg/reentrancy), so
 * the sale fails and the vault's roll must revert with nothing changed. */
#include "dvm_contract.h"

DVM_ENTRY u64 quote(const u8 *in, u64 len) {
  u8 o[48];
  for (int i = 0; i < 48; i++) o[i] = 0;
  o[0] = 1; /* bid 1 */
  o[8] = 1; /* ask 1 */
  dvm_return(o, 48);
  return 0;
}

DVM_ENTRY u64 sell(const u8 *in, u64 len) {
  static const char m[] = "withdraw";
  dvm_call_desc d;
  u8 wi[8] = {1, 0, 0, 0, 0, 0, 0, 0};
  dvm_caller(&d.contract);
  d.method = (u64)m;
  d.method_len = sizeof m - 1;
  d.input_len = 8;
  d.input = (u64)wi;
  d.assets = 0;
  d.asset_count = 0;
  d.reserved = 0;
  d.gas = 0;
  dvm_call(&d);
  return 0;
}
