/* sys_env.c — what a contract reads of its environment (who, where, when,
 * the oracle prices and market parameters authorities set, gas left) and
 * the growth of its heap. */
#include <string.h>

#include "sys_private.h"

static int copy_addr(dvm_vm_exec *vm, uint64_t ptr, const uint8_t addr[32]) {
  uint8_t *out;
  if (dvm_vm_gas_charge(vm, G_SC_BASE)) return DVM_VM_SC_TRAP;
  if (!(out = dvm_vm_translate(vm, ptr, 32, DVM_VM_ACCESS_WRITE))) return DVM_VM_SC_TRAP;
  memcpy(out, addr, 32);
  return DVM_VM_SC_CONTINUE;
}
/* caller(out), self(out) */
int rt_sc_caller(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  *r0 = 0;
  return copy_addr(vm, a[0], f->caller);
}
int rt_sc_self(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  *r0 = 0;
  return copy_addr(vm, a[0], f->self);
}

/* block height, block time, gas left */
int rt_sc_block_height(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  CHARGE(G_SC_BASE);
  *r0 = x->height;
  return DVM_VM_SC_CONTINUE;
}
int rt_sc_block_time(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  CHARGE(G_SC_BASE);
  *r0 = x->time;
  return DVM_VM_SC_CONTINUE;
}
int rt_sc_gas_left(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CHARGE(G_SC_BASE);
  *r0 = dvm_vm_gas_left(vm);
  return DVM_VM_SC_CONTINUE;
}

/* oracle_price(feed, out[16]) -> 0 and (i64 price, u64 publish time), or 1 */
int rt_sc_oracle_price(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[64], be[4], *out;
  size_t kl;
  dvm_state_bytes v;
  CHARGE(G_ORACLE);
  PTR(out, a[1], 16, DVM_VM_ACCESS_WRITE);
  if (a[0] > UINT32_MAX) REFUSE(DVM_RT_F_BAD_ARG);
  dvm_be_put32(be, (uint32_t)a[0]);
  rt_sys_key(key, &kl, "oracle", be, 4);
  int rc = dvm_state_overlay_get(x->ov, DVM_STATE_T_STORAGE, key, kl, &v);
  STATE(rc);
  if (rc == DVM_STATE_NOTFOUND || v.len != 16) {
    memset(out, 0, 16);
    *r0 = 1;
  } else {
    memcpy(out, v.data, 16);
    *r0 = 0;
  }
  return DVM_VM_SC_CONTINUE;
}

/* param_get(key, key_len, out, cap) -> value length, or -1 */
int rt_sc_param_get(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[128], *out;
  const uint8_t *k;
  size_t kl;
  dvm_state_bytes v;
  if (a[1] == 0 || a[1] > 64 || a[3] > 1024) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_PARAM + a[1]);
  PTR(k, a[0], a[1], DVM_VM_ACCESS_READ);
  rt_sys_key(key, &kl, "param", k, a[1]);
  int rc = dvm_state_overlay_get(x->ov, DVM_STATE_T_STORAGE, key, kl, &v);
  STATE(rc);
  if (rc == DVM_STATE_NOTFOUND) {
    *r0 = UINT64_MAX;
    return DVM_VM_SC_CONTINUE;
  }
  uint64_t n = rt_sc_min64(v.len, a[3]);
  PTR(out, a[2], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, v.data, n);
  *r0 = v.len;
  return DVM_VM_SC_CONTINUE;
}

/* heap_grow(new_len) -> the heap length after (pages of 4 KiB) */
int rt_sc_heap_grow(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  uint32_t cur = dvm_vm_heap_len(vm);
  if (a[0] > RT_HEAP_CAP) REFUSE(DVM_RT_F_LIMIT);
  uint64_t want = (a[0] + RT_HEAP_PAGE - 1) / RT_HEAP_PAGE * RT_HEAP_PAGE;
  if (want > cur) {
    /* Pages added, rounded up (a chain's heap is always whole pages; a
     * `dvm exec --mem` heap may not be). */
    CHARGE((want - cur + RT_HEAP_PAGE - 1) / RT_HEAP_PAGE * G_HEAP_PAGE);
    if (dvm_vm_heap_resize(vm, (uint32_t)want) != DVM_VM_OK) REFUSE(DVM_RT_F_LIMIT); /* past the host's cap */
    uint8_t *fresh = dvm_vm_translate(vm, DVM_VM_ADDR(DVM_VM_REGION_HEAP, cur), want - cur,
                                      DVM_VM_ACCESS_WRITE);
    if (!fresh) return DVM_VM_SC_TRAP;
    memset(fresh, 0, want - cur); /* grown pages start zero */
    cur = (uint32_t)want;
  }
  *r0 = cur;
  return DVM_VM_SC_CONTINUE;
}
