/* sys_call.c — the syscalls that end a call or make one (spec/syscalls.md
 * §5): return, revert, log, call and return_data. dvm_call runs the callee
 * through rt_invoke (call.c). */
#include <stdlib.h>
#include <string.h>

#include "sys_private.h"
#include "base.h"

/* return / revert (ptr, len): end the call with data. */
static int halt_with(dvm_vm_exec *vm, rt_frame *f, const uint64_t a[5], int revert) {
  uint8_t *p;
  if (a[1] > RT_MAX_RETURN) REFUSE(DVM_RT_F_LIMIT);
  /* The outermost call's data goes into the receipt: stored and hashed
   * with the block (spec/gas.md "Measured cost"). */
  CHARGE(G_RETURN + a[1] + (f->depth == 0 ? G_RETURN_RECEIPT_BYTE * a[1] : 0));
  PTR(p, a[0], a[1], DVM_VM_ACCESS_READ);
  uint8_t *copy = malloc(a[1] ? a[1] : 1);
  if (!copy) {
    f->x->fatal = DVM_STATE_ERR_NOMEM;
    REFUSE(DVM_RT_F_NONE);
  }
  if (a[1]) memcpy(copy, p, a[1]);
  free(f->ret);
  f->ret = copy;
  f->ret_len = (uint32_t)a[1];
  f->reverted = revert;
  dvm_vm_halt(vm, revert);
  return DVM_VM_SC_HALT;
}
int rt_sc_return(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  (void)r0;
  return halt_with(vm, f, a, 0);
}
int rt_sc_revert(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  (void)r0;
  return halt_with(vm, f, a, 1);
}

/* log(topics_ptr, topic_count, data_ptr, data_len) */
int rt_sc_log(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  const uint8_t *t, *d;
  rt_log l;
  if (a[1] > RT_MAX_TOPICS || a[3] > RT_MAX_LOG_DATA || x->nlogs >= RT_MAX_LOGS) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_LOG + G_LOG_TOPIC * a[1] + G_LOG_BYTE * a[3]);
  PTR(t, a[0], 32 * a[1], DVM_VM_ACCESS_READ);
  PTR(d, a[2], a[3], DVM_VM_ACCESS_READ);
  memset(&l, 0, sizeof l);
  memcpy(l.contract, f->self, 32);
  l.ntopics = (uint8_t)a[1];
  if (a[1]) memcpy(l.topics, t, 32 * a[1]);
  l.data_len = (uint32_t)a[3];
  l.data = malloc(a[3] ? a[3] : 1);
  if (!l.data) STATE(DVM_STATE_ERR_NOMEM);
  if (a[3]) memcpy(l.data, d, a[3]);
  if (rt_log_push(x, &l)) {
    free(l.data);
    STATE(DVM_STATE_ERR_NOMEM);
  }
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}

/* call(desc) -> status | detail << 8 (spec/syscalls.md §Calls).
 * desc, 80 bytes: contract[32] | u64 method_ptr | u32 method_len |
 * u32 input_len | u64 input_ptr | u64 assets_ptr | u32 asset_count |
 * u32 reserved (0) | u64 gas (0: as much as allowed, all but 1/64 of what
 * is left). Assets are 16-byte
 * entries: u32 asset | u32 reserved (0) | u64 amount. */
int rt_sc_call(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  const uint8_t *d, *method, *input, *ap;
  dvm_tx_asset_amount assets[DVM_TX_MAX_ASSETS];
  uint8_t contract[32];
  CHARGE(G_CALL);
  PTR(d, a[0], 80, DVM_VM_ACCESS_READ);
  memcpy(contract, d, 32);
  uint64_t mptr = dvm_le_get64(d + 32), iptr = dvm_le_get64(d + 48), aptr = dvm_le_get64(d + 56), gas = dvm_le_get64(d + 72);
  uint32_t mlen = dvm_le_get32(d + 40), ilen = dvm_le_get32(d + 44), nassets = dvm_le_get32(d + 64), reserved = dvm_le_get32(d + 68);
  if (mlen == 0 || mlen > DVM_TX_MAX_METHOD || ilen > DVM_TX_MAX_INPUT ||
      nassets > DVM_TX_MAX_ASSETS || reserved)
    REFUSE(DVM_RT_F_BAD_ARG);
  CHARGE(ilen);
  PTR(method, mptr, mlen, DVM_VM_ACCESS_READ);
  PTR(input, iptr, ilen, DVM_VM_ACCESS_READ);
  PTR(ap, aptr, 16 * (uint64_t)nassets, DVM_VM_ACCESS_READ);
  for (uint32_t i = 0; i < nassets; i++) {
    if (dvm_le_get32(ap + 16 * i + 4)) REFUSE(DVM_RT_F_BAD_ARG);
    assets[i].asset = dvm_le_get32(ap + 16 * i);
    assets[i].amount = dvm_le_get64(ap + 16 * i + 8);
  }
  /* Depth and re-entrancy are the caller's fault: they trap the caller. */
  if (x->depth >= RT_MAX_CALL_DEPTH) {
    dvm_vm_trap_raise(vm, DVM_TRAP_CALL_DEPTH, DVM_RT_F_DEPTH);
    return DVM_VM_SC_TRAP;
  }
  /* The callee gets at most all but 1/64 of what is left, so a caller can
   * always act on a callee's failure (a trapping callee consumes all the
   * gas it was given). */
  uint64_t left = dvm_vm_gas_left(vm);
  uint64_t cap = left - left / 64;
  uint64_t carve = gas == 0 || gas > cap ? cap : gas;
  CHARGE(carve);
  rt_call_out out;
  int rc = rt_invoke(x, f->self, contract, (const char *)method, mlen, input, ilen, assets, nassets,
                     carve, &out);
  if (rc) {
    free(out.ret);
    STATE(rc);
  }
  if (out.status == DVM_RT_CALL_FAILED && out.detail == DVM_RT_F_REENTRANCY) {
    free(out.ret);
    REFUSE(DVM_RT_F_REENTRANCY);
  }
  dvm_vm_gas_refund(vm, carve - out.gas_used);
  free(f->child_ret);
  f->child_ret = out.ret;
  f->child_ret_len = out.ret_len;
  *r0 = (uint64_t)out.status | (uint64_t)(uint32_t)out.detail << 8;
  return DVM_VM_SC_CONTINUE;
}

/* return_data(out, cap) -> length of the last callee's return data */
int rt_sc_return_data(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t *out;
  if (a[1] > RT_MAX_RETURN) REFUSE(DVM_RT_F_LIMIT);
  uint64_t n = rt_sc_min64(f->child_ret_len, a[1]);
  CHARGE(G_SC_BASE + n);
  PTR(out, a[0], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, f->child_ret, n);
  *r0 = f->child_ret_len;
  return DVM_VM_SC_CONTINUE;
}
