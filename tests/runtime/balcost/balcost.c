/* balcost.c — the contract of rt_balance_cost (tests/runtime/
 * test_balance_cost.c): each method measures one syscall's gas between two
 * dvm_gas_left() readings, or ends in a way whose gas the receipt shows.
 * Input: u64 a, u64 b [, the other contract's 32-byte address]. Not a
 * production contract: no ABI file. */
#include <dvm_contract.h>

#define HEAP ((u8 *)0x300000000ull)

DVM_INLINE u64 ld64(const u8 *p) {
  u64 v = 0;
  for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* The gas left when the method starts (attached assets paid before). */
DVM_ENTRY u64 noop(const u8 *in, u64 len) {
  u64 g = dvm_gas_left();
  dvm_return(&g, 8);
  return 0;
}

/* Two transfers of b units of asset 1 to the address tag a || 0^31; the
 * gas of each (16 bytes: first, second) and their results. */
DVM_ENTRY u64 xfer2(const u8 *in, u64 len) {
  if (len != 16) dvm_revert("len", 3);
  dvm_address to;
  for (int i = 0; i < 32; i++) to.b[i] = 0;
  to.b[0] = (u8)ld64(in);
  u64 amount = ld64(in + 8), out[4];
  u64 g0 = dvm_gas_left();
  out[2] = dvm_transfer(1, &to, amount);
  u64 g1 = dvm_gas_left();
  out[3] = dvm_transfer(1, &to, amount);
  u64 g2 = dvm_gas_left();
  out[0] = g0 - g1;
  out[1] = g1 - g2;
  dvm_return(out, 32);
  return 0;
}

/* Return b bytes of heap. */
DVM_ENTRY u64 ret(const u8 *in, u64 len) {
  if (len < 16) dvm_revert("len", 3);
  dvm_return(HEAP, ld64(in + 8));
  return 0;
}

/* Call the other contract's method (b's low bit: 0 "ret" with input
 * (0, a), 1 "noop" with a units of asset 1 attached when a > 0); return
 * the gas the dvm_call took. */
DVM_ENTRY u64 relay(const u8 *in, u64 len) {
  if (len != 48) dvm_revert("len", 3);
  u8 inner[16];
  for (int i = 0; i < 16; i++) inner[i] = 0;
  for (int i = 0; i < 8; i++) inner[8 + i] = in[i];
  dvm_tx_asset_amount pay;
  pay.asset = 1;
  pay.amount = ld64(in);
  dvm_call_desc d;
  for (int i = 0; i < 32; i++) d.contract.b[i] = in[16 + i];
  int noop_call = (int)(ld64(in + 8) & 1);
  d.method = noop_call ? (u64) "noop" : (u64) "ret";
  d.method_len = noop_call ? 4 : 3;
  d.input_len = 16;
  d.input = (u64)inner;
  d.assets = (u64)&pay;
  d.asset_count = noop_call && pay.amount ? 1 : 0;
  d.reserved = 0;
  d.gas = 100000;
  u64 g0 = dvm_gas_left();
  u64 st = dvm_call(&d);
  u64 out[2] = {g0 - dvm_gas_left(), st};
  dvm_return(out, 16);
  return 0;
}
