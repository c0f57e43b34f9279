/* sys_market.c — market data for contracts: the first oracle price at or
 * after a time (settlement at expiry, not at the latest price) and the
 * decimals of an asset from genesis. spec/syscalls.md #31 and #32; the
 * history's key layout is spec/state.md §10. */
#include "sys_market.h"

#include <string.h>

#include "sys_private.h"
#include "base.h"

#define OHIST_TAG "ohist"

/* key = 0^32 || "ohist" || feed BE32 [|| time BE64] */
static void hist_key(uint8_t *key, size_t *kl, uint32_t feed, const uint64_t *time) {
  uint8_t suf[12];
  dvm_be_put32(suf, feed);
  if (time) dvm_be_put64(suf + 4, *time);
  rt_sys_key(key, kl, OHIST_TAG, suf, time ? 12 : 4);
}

int rt_oracle_history_put(dvm_state_overlay *ov, uint32_t feed, int64_t price, uint64_t publish_time) {
  uint8_t key[64], val[16];
  size_t kl;
  dvm_state_bytes v;
  hist_key(key, &kl, feed, &publish_time);
  int rc = dvm_state_overlay_get(ov, DVM_STATE_T_STORAGE, key, kl, &v);
  if (rc == 0) return 0; /* first write wins: settled prices never move */
  if (rc != DVM_STATE_NOTFOUND) return rc;
  dvm_le_put64(val, (uint64_t)price);
  dvm_le_put64(val + 8, publish_time);
  return dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, key, kl, val, 16);
}

/* A state (LMDB) failure is not a contract outcome: it fails the block. */
static int state_fail(dvm_vm_exec *vm, rt_exec *x, int rc) {
  x->fatal = rc;
  dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, DVM_RT_F_NONE);
  return DVM_VM_SC_TRAP;
}

/* 31: oracle_price_at(feed, time, out[16]) -> 0 and (i64 price, u64
 * publish time) of the first price of `feed` published at or after
 * `time`, or 1 (and zeros) when there is none yet. */
int rt_sc_oracle_price_at(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  rt_frame *f = ctx;
  uint8_t after[64], prefix[64], *out;
  size_t al, pl;
  dvm_state_bytes k, v;
  if (!f) {
    dvm_vm_trap_raise(vm, DVM_TRAP_INVALID_SYSCALL, 0);
    return DVM_VM_SC_TRAP;
  }
  if (dvm_vm_gas_charge(vm, G_ORACLE_AT)) return DVM_VM_SC_TRAP;
  if (!(out = dvm_vm_translate(vm, a[2], 16, DVM_VM_ACCESS_WRITE))) return DVM_VM_SC_TRAP;
  if (a[0] > UINT32_MAX) {
    dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, DVM_RT_F_BAD_ARG);
    return DVM_VM_SC_TRAP;
  }
  uint32_t feed = (uint32_t)a[0];
  hist_key(prefix, &pl, feed, NULL);
  /* Every history key of the feed is prefix || 8 bytes, so the smallest
   * key above prefix || BE64(time - 1) is the first at or after `time`;
   * for time 0 the prefix itself (a prefix sorts before its extensions). */
  if (a[1] == 0) {
    memcpy(after, prefix, pl);
    al = pl;
  } else {
    uint64_t t1 = a[1] - 1;
    hist_key(after, &al, feed, &t1);
  }
  /* Within the feed's history only: past it the walk stops, so it never
   * crosses other keys the block deleted (history keys are never deleted,
   * so no shadowed entry can be skipped: one would be a broken store). */
  dvm_state_next_opts o = {prefix, pl, 0, 0};
  int rc = dvm_state_overlay_next_opt(f->x->ov, DVM_STATE_T_STORAGE, after, al, &o, &k, &v);
  if (rc < 0 && rc != DVM_STATE_NOTFOUND) return state_fail(vm, f->x, rc);
  if (rc == DVM_STATE_NOTFOUND || k.len != pl + 8 || memcmp(k.data, prefix, pl) || v.len != 16) {
    memset(out, 0, 16);
    *r0 = 1;
  } else {
    memcpy(out, v.data, 16);
    *r0 = 0;
  }
  return DVM_VM_SC_CONTINUE;
}

/* 32: asset_decimals(asset) -> the asset's decimals from genesis, or -1
 * when no such asset exists. */
int rt_sc_asset_decimals(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  rt_frame *f = ctx;
  uint8_t key[64], be[4];
  size_t kl;
  dvm_state_bytes v;
  if (!f) {
    dvm_vm_trap_raise(vm, DVM_TRAP_INVALID_SYSCALL, 0);
    return DVM_VM_SC_TRAP;
  }
  if (dvm_vm_gas_charge(vm, G_ASSET_DECIMALS)) return DVM_VM_SC_TRAP;
  *r0 = UINT64_MAX;
  if (a[0] > UINT32_MAX) return DVM_VM_SC_CONTINUE;
  dvm_be_put32(be, (uint32_t)a[0]);
  rt_sys_key(key, &kl, "asset", be, 4);
  int rc = dvm_state_overlay_get(f->x->ov, DVM_STATE_T_STORAGE, key, kl, &v);
  if (rc < 0 && rc != DVM_STATE_NOTFOUND) return state_fail(vm, f->x, rc);
  if (rc == 0 && v.len >= 1) *r0 = v.data[0];
  return DVM_VM_SC_CONTINUE;
}
