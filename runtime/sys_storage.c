/* sys_storage.c — the calling contract's own storage: get, set, del and
 * next, under the key self || user key (spec/state.md §Keys). */
#include <string.h>

#include "sys_private.h"

/* The contract's storage key: self || user key (spec/state.md §Keys). */
static int user_key(dvm_vm_exec *vm, rt_frame *f, uint64_t ptr, uint64_t len, uint8_t *key, size_t *klen,
                    int allow_empty) {
  const uint8_t *p;
  if ((!allow_empty && len == 0) || len > RT_MAX_STORAGE_KEY) {
    dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, DVM_RT_F_LIMIT);
    return -1;
  }
  if (!(p = dvm_vm_translate(vm, ptr, len, DVM_VM_ACCESS_READ))) return -1;
  memcpy(key, f->self, 32);
  if (len) memcpy(key + 32, p, len);
  *klen = 32 + len;
  return 0;
}

/* storage_get(key, key_len, out, out_cap) -> value length, or -1 */
int rt_sc_storage_get(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t kl;
  dvm_state_bytes v;
  uint8_t *out;
  if (a[1] > RT_MAX_STORAGE_KEY || a[3] > RT_MAX_STORAGE_VALUE) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_SGET + a[1]);
  if (user_key(vm, f, a[0], a[1], key, &kl, 0)) return DVM_VM_SC_TRAP;
  int rc = dvm_state_overlay_get(x->ov, DVM_STATE_T_STORAGE, key, kl, &v);
  STATE(rc);
  if (rc == DVM_STATE_NOTFOUND) {
    *r0 = UINT64_MAX;
    return DVM_VM_SC_CONTINUE;
  }
  uint64_t n = rt_sc_min64(v.len, a[3]);
  CHARGE(n);
  PTR(out, a[2], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, v.data, n);
  *r0 = v.len;
  return DVM_VM_SC_CONTINUE;
}

/* The commit-aware part of a write (spec/gas.md "Storage and the
 * commit"): the first write of `key` in the block pays G_SFIRST, plus
 * G_SOLD + G_SOLD_BYTE per byte when the key exists in the last block
 * (its value is then the committed one, read here). For del, only a key
 * that exists is written. Charged before the write; 0, or a trap. */
static int charge_commit(dvm_vm_exec *vm, rt_exec *x, const uint8_t *key, size_t kl, int is_del) {
  if (dvm_state_overlay_written(x->ov, DVM_STATE_T_STORAGE, key, kl)) return 0;
  dvm_state_bytes v;
  int rc = dvm_state_overlay_get(x->ov, DVM_STATE_T_STORAGE, key, kl, &v);
  if (rc != DVM_STATE_OK && rc != DVM_STATE_NOTFOUND) { /* as STATE() */
    x->fatal = rc;
    dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, DVM_RT_F_NONE);
    return -1;
  }
  if (rc == DVM_STATE_NOTFOUND && is_del) return 0;
  uint64_t g = G_SFIRST + (rc == DVM_STATE_OK ? G_SOLD + G_SOLD_BYTE * (uint64_t)v.len : 0);
  return dvm_vm_gas_charge(vm, g) ? -1 : 0;
}

/* storage_set(key, key_len, val, val_len) */
int rt_sc_storage_set(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t kl;
  const uint8_t *val;
  if (a[1] > RT_MAX_STORAGE_KEY || a[3] > RT_MAX_STORAGE_VALUE) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_SSET + G_SSET_BYTE * (a[1] + a[3]));
  if (user_key(vm, f, a[0], a[1], key, &kl, 0)) return DVM_VM_SC_TRAP;
  PTR(val, a[2], a[3], DVM_VM_ACCESS_READ);
  if (charge_commit(vm, x, key, kl, 0)) return DVM_VM_SC_TRAP;
  STATE(dvm_state_overlay_put(x->ov, DVM_STATE_T_STORAGE, key, kl, val, a[3]));
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}

/* storage_del(key, key_len) -> 1 if it existed, else 0 */
int rt_sc_storage_del(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t kl;
  dvm_state_bytes v;
  if (a[1] > RT_MAX_STORAGE_KEY) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_SDEL + a[1]);
  if (user_key(vm, f, a[0], a[1], key, &kl, 0)) return DVM_VM_SC_TRAP;
  if (charge_commit(vm, x, key, kl, 1)) return DVM_VM_SC_TRAP;
  int rc = dvm_state_overlay_get(x->ov, DVM_STATE_T_STORAGE, key, kl, &v);
  STATE(rc);
  if (rc == 0) STATE(dvm_state_overlay_del(x->ov, DVM_STATE_T_STORAGE, key, kl));
  *r0 = rc == 0;
  return DVM_VM_SC_CONTINUE;
}

/* storage_next(after, after_len, out, out_cap) -> length of the next
 * key of this contract after `after` (memcmp order), or -1 at the end.
 * Overlay tombstones are skipped in O(log n) (flat gas); each shadowed
 * entry (a key of the last block deleted in this one) skipped costs
 * G_SNEXT_SKIP, bounded before the walk by the gas left. */
int rt_sc_storage_next(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t kl;
  dvm_state_bytes k;
  uint8_t *out;
  if (a[1] > RT_MAX_STORAGE_KEY || a[3] > DVM_STATE_KEY_MAX) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_SGET + a[1]);
  if (user_key(vm, f, a[0], a[1], key, &kl, 1)) return DVM_VM_SC_TRAP;
  dvm_state_next_opts o = {.prefix = f->self, .prefix_len = 32,
                           .max_skip = dvm_vm_gas_left(vm) / G_SNEXT_SKIP};
  int rc = dvm_state_overlay_next_opt(x->ov, DVM_STATE_T_STORAGE, key, kl, &o, &k, NULL);
  if (rc == DVM_STATE_ERR_LIMIT) CHARGE((o.max_skip + 1) * G_SNEXT_SKIP); /* cannot pay: traps */
  STATE(rc);
  CHARGE(o.skipped * G_SNEXT_SKIP);
  if (rc == DVM_STATE_NOTFOUND || k.len <= 32 || memcmp(k.data, f->self, 32)) {
    *r0 = UINT64_MAX;
    return DVM_VM_SC_CONTINUE;
  }
  uint64_t ulen = k.len - 32, n = rt_sc_min64(ulen, a[3]);
  CHARGE(n);
  PTR(out, a[2], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, k.data + 32, n);
  *r0 = ulen;
  return DVM_VM_SC_CONTINUE;
}
