/* sys_assets.c — balances and transfers of assets, and what was attached
 * to the call. */
#include <string.h>

#include "sys_private.h"

/* balance(addr, asset) */
int rt_sc_balance(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  const uint8_t *addr;
  CHARGE(G_BALANCE);
  PTR(addr, a[0], 32, DVM_VM_ACCESS_READ);
  if (a[1] > UINT32_MAX) REFUSE(DVM_RT_F_ASSET);
  STATE(rt_balance_get(x->ov, addr, (uint32_t)a[1], r0));
  return DVM_VM_SC_CONTINUE;
}

/* transfer(asset, to, amount) -> 0 done, 1 funds short, 2 unknown asset, 3 overflow */
int rt_sc_transfer(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  const uint8_t *to;
  CHARGE(G_TRANSFER);
  PTR(to, a[1], 32, DVM_VM_ACCESS_READ);
  if (a[0] > UINT32_MAX || !rt_asset_known(x->ov, (uint32_t)a[0])) {
    *r0 = 2;
    return DVM_VM_SC_CONTINUE;
  }
  /* The commit part of the two balance keys the move writes (spec/gas.md
   * "Storage and the commit"), charged before it when it will move. */
  uint64_t have, g = 0;
  STATE(rt_balance_get(x->ov, f->self, (uint32_t)a[0], &have));
  if (a[2] && have >= a[2] && memcmp(f->self, to, 32)) {
    STATE(rt_balance_commit_gas(x->ov, f->self, (uint32_t)a[0], &g));
    STATE(rt_balance_commit_gas(x->ov, to, (uint32_t)a[0], &g));
    CHARGE(g);
  }
  int rc = rt_transfer(x->ov, f->self, to, (uint32_t)a[0], a[2]);
  STATE(rc);
  *r0 = rc == 0 ? 0 : rc == 1 ? 1 : 3;
  return DVM_VM_SC_CONTINUE;
}

/* value_received(asset) */
int rt_sc_value_received(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  CHARGE(G_SC_BASE);
  *r0 = 0;
  for (unsigned i = 0; i < f->nreceived; i++)
    if (f->received[i].asset == a[0]) *r0 = f->received[i].amount;
  return DVM_VM_SC_CONTINUE;
}
