/* attacker.c — a contract that uses perp as a contract would, to try what
 * a callback attacker would: deposit then withdraw twice in one call (the
 * second must fail: perp writes before it transfers, and a transfer runs no
 * code, so there is nothing to re-enter), and call perp's place_order with
 * a truncated input.
 *   run(perp address 32) -> r0 = s1 | s2 << 8 | s3 << 16 | s4 << 24, the
 *   dvm_call statuses of deposit (1000 USD attached), withdraw 1000,
 *   withdraw 1000 again, place_order with 5 bytes. */
#include "dvm_contract.h"

DVM_LOCAL u64 call(const u8 *perp, const char *method, const u8 *in, u64 inlen, u64 usd) {
  u64 mlen = 0;
  while (method[mlen]) mlen++;
  dvm_call_desc d;
  dvm_tx_asset_amount a;
  u8 *p = (u8 *)&d;
  for (u64 i = 0; i < sizeof d; i++) p[i] = 0;
  for (u64 i = 0; i < 32; i++) d.contract.b[i] = perp[i];
  d.method = (u64)method;
  d.method_len = (u32)mlen;
  d.input = (u64)in;
  d.input_len = (u32)inlen;
  a.asset = 1;
  a.reserved = 0;
  a.amount = usd;
  if (usd) {
    d.assets = (u64)&a;
    d.asset_count = 1;
  }
  return DVM_CALL_STATUS(dvm_call(&d));
}

DVM_ENTRY u64 run(const u8 *in, u64 len) {
  u8 perp[32], dep[1] = {0}, wd[9] = {0, 0xe8, 0x03, 0, 0, 0, 0, 0, 0}; /* 1000 */
  u8 bad[5] = {1, 0, 0, 0, 0};
  if (len != 32) return 99;
  for (u64 i = 0; i < 32; i++) perp[i] = in[i];
  u64 s1 = call(perp, "deposit", dep, 1, 1000);
  u64 s2 = call(perp, "withdraw", wd, 9, 0);
  u64 s3 = call(perp, "withdraw", wd, 9, 0);
  u64 s4 = call(perp, "place_order", bad, 5, 0);
  return s1 | s2 << 8 | s3 << 16 | s4 << 24;
}
