/* sys_fx.c — the fixed-point math of spec/fxmath.md as syscalls (fx/). */
#include "fx.h"
#include "sys_private.h"
#include "base.h"

/* One-argument functions; a domain or range error traps
 * syscall_arg with detail DVM_RT_F_FX. */
#define FX1(NAME, FN, GAS)                                                             \
  int NAME(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {            \
    dvm_fx out;                                                                        \
    CHARGE(GAS);                                                                       \
    if (FN((dvm_fx)a[0], &out)) REFUSE(DVM_RT_F_FX);                                   \
    *r0 = (uint64_t)out;                                                               \
    return DVM_VM_SC_CONTINUE;                                                         \
  }
FX1(rt_sc_fx_exp, dvm_fx_exp, DVM_FX_GAS_EXP)
FX1(rt_sc_fx_ln, dvm_fx_ln, DVM_FX_GAS_LN)
FX1(rt_sc_fx_sqrt, dvm_fx_sqrt, DVM_FX_GAS_SQRT)
FX1(rt_sc_fx_cdf, dvm_fx_cdf, DVM_FX_GAS_CDF)
FX1(rt_sc_fx_pdf, dvm_fx_pdf, DVM_FX_GAS_PDF)

int rt_sc_fx_mul_div(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  int64_t out;
  CHARGE(DVM_FX_GAS_MUL_DIV);
  if (a[3] > 3 || dvm_fx_mul_div((int64_t)a[0], (int64_t)a[1], (int64_t)a[2], (int)a[3], &out))
    REFUSE(DVM_RT_F_FX);
  *r0 = (uint64_t)out;
  return DVM_VM_SC_CONTINUE;
}

int rt_sc_fx_pow(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  dvm_fx out;
  CHARGE(DVM_FX_GAS_POW);
  if (dvm_fx_pow((dvm_fx)a[0], (dvm_fx)a[1], &out)) REFUSE(DVM_RT_F_FX);
  *r0 = (uint64_t)out;
  return DVM_VM_SC_CONTINUE;
}

/* black_scholes(in[40]: S K T sigma r, out[64]: call put call_delta
 * put_delta gamma vega call_theta put_theta), all i64 fx little-endian. */
int rt_sc_fx_black_scholes(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  const uint8_t *in;
  uint8_t *out;
  dvm_fx_bs_in bi;
  dvm_fx_bs_out bo;
  CHARGE(DVM_FX_GAS_BLACK_SCHOLES);
  PTR(in, a[0], 40, DVM_VM_ACCESS_READ);
  PTR(out, a[1], 64, DVM_VM_ACCESS_WRITE);
  bi.spot = (dvm_fx)dvm_le_get64(in);
  bi.strike = (dvm_fx)dvm_le_get64(in + 8);
  bi.time = (dvm_fx)dvm_le_get64(in + 16);
  bi.vol = (dvm_fx)dvm_le_get64(in + 24);
  bi.rate = (dvm_fx)dvm_le_get64(in + 32);
  if (dvm_fx_black_scholes(&bi, &bo)) REFUSE(DVM_RT_F_FX);
  const dvm_fx v[8] = {bo.call, bo.put, bo.call_delta, bo.put_delta, bo.gamma, bo.vega,
                       bo.call_theta, bo.put_theta};
  for (int i = 0; i < 8; i++) dvm_le_put64(out + 8 * i, (uint64_t)v[i]);
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}
