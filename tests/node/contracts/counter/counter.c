/* counter.c — the node tests' contract: a running total per contract, an
 * event per addition, a view and a method that reverts. Its ABI is
 * counter.abi.json beside it. */
#include "dvm_contract.h"

static const char key[] = "total";

DVM_LOCAL u64 load_total(void) {
  u64 t = 0;
  dvm_storage_get(key, sizeof key - 1, &t, sizeof t);
  return t;
}

/* add(amount u64, note bytes) -> (total u64); logs Added(who, amount, total). */
DVM_ENTRY u64 add(const u8 *in, u64 len) {
  if (len < 12) {
    static const char why[] = "add: input too short";
    dvm_revert(why, sizeof why - 1);
    return 1;
  }
  u64 amount = 0;
  u32 nlen = 0;
  for (int i = 0; i < 8; i++) amount |= (u64)in[i] << (8 * i);
  for (int i = 0; i < 4; i++) nlen |= (u32)in[8 + i] << (8 * i);
  if (len != 12 + (u64)nlen) {
    static const char why[] = "add: bad input length";
    dvm_revert(why, sizeof why - 1);
    return 1;
  }
  u64 total = load_total() + amount;
  dvm_storage_set(key, sizeof key - 1, &total, sizeof total);
  struct { dvm_address who; u64 amount, total; } ev;
  dvm_caller(&ev.who);
  ev.amount = amount;
  ev.total = total;
  dvm_topic topic = {{0}};
  const char name[] = "Added";
  for (int i = 0; i < 5; i++) topic.b[i] = (u8)name[i];
  dvm_log(&topic, 1, &ev, 48);
  dvm_return(&total, sizeof total);
  return 0;
}

/* total() -> (total u64, price fx): the total and total / 2 in fixed point. */
DVM_ENTRY u64 total(const u8 *in, u64 len) {
  (void)in;
  if (len != 0) {
    static const char why[] = "total: no arguments";
    dvm_revert(why, sizeof why - 1);
    return 1;
  }
  u64 out[2];
  out[0] = load_total();
  out[1] = out[0] * 500000000ull;
  dvm_return(out, sizeof out);
  return 0;
}

/* fail() reverts with a message. */
DVM_ENTRY u64 fail(const u8 *in, u64 len) {
  (void)in;
  (void)len;
  static const char why[] = "fail: always";
  dvm_revert(why, sizeof why - 1);
  return 1;
}
