/* syscalls.c — the syscall table of spec/syscalls.md and its handlers.
 *
 * Every handler charges its gas before it acts, translates every pointer
 * through the caller's memory map (a bad pointer is a mem_fault trap at the
 * call), checks every length against its limit before computing a cost
 * from it (so costs cannot overflow), and writes state only through the
 * overlay. A state (LMDB) failure is not a contract outcome: it is
 * recorded in the execution context and fails the block. */
#include <sodium.h>
#include <string.h>

#include "fx.h"
#include "rt_private.h"
#include "base.h"

#define SYSCALL_COUNT 31u

/* A host that runs a program without a supervisor context (ctx NULL) gets
 * invalid_syscall for every syscall that needs one. */
#define CTX                                                              \
  rt_frame *f = ctx;                                                     \
  if (!f) {                                                              \
    dvm_vm_trap_raise(vm, DVM_TRAP_INVALID_SYSCALL, 0);                  \
    return DVM_VM_SC_TRAP;                                               \
  }                                                                      \
  rt_exec *x = f->x;                                                     \
  (void)x
#define CHARGE(n) do { if (dvm_vm_gas_charge(vm, (n))) return DVM_VM_SC_TRAP; } while (0)
#define PTR(p, addr, len, acc) \
  do { if (!((p) = dvm_vm_translate(vm, (addr), (len), (acc)))) return DVM_VM_SC_TRAP; } while (0)
#define REFUSE(detail) do { dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, (detail)); return DVM_VM_SC_TRAP; } while (0)
#define STATE(rc)                                                       \
  do {                                                                  \
    int rc_ = (rc);                                                     \
    if (rc_ < 0 && rc_ != DVM_STATE_NOTFOUND) {                      \
      x->fatal = rc_;                                                   \
      dvm_vm_trap_raise(vm, DVM_TRAP_SYSCALL_ARG, DVM_RT_F_NONE);       \
      return DVM_VM_SC_TRAP;                                            \
    }                                                                   \
  } while (0)

static uint64_t min64(uint64_t a, uint64_t b) { return a < b ? a : b; }


/* 1, 2: return / revert (ptr, len): end the call with data. */
static int halt_with(dvm_vm_exec *vm, rt_frame *f, const uint64_t a[5], int revert) {
  uint8_t *p;
  if (a[1] > RT_MAX_RETURN) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_RETURN + a[1]);
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
static int sc_return(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  (void)r0;
  return halt_with(vm, f, a, 0);
}
static int sc_revert(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  (void)r0;
  return halt_with(vm, f, a, 1);
}

/* 3: log(topics_ptr, topic_count, data_ptr, data_len) */
static int sc_log(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
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

/* 4: storage_get(key, key_len, out, out_cap) -> value length, or -1 */
static int sc_storage_get(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
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
  uint64_t n = min64(v.len, a[3]);
  CHARGE(n);
  PTR(out, a[2], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, v.data, n);
  *r0 = v.len;
  return DVM_VM_SC_CONTINUE;
}

/* 5: storage_set(key, key_len, val, val_len) */
static int sc_storage_set(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t kl;
  const uint8_t *val;
  if (a[1] > RT_MAX_STORAGE_KEY || a[3] > RT_MAX_STORAGE_VALUE) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_SSET + G_SSET_BYTE * (a[1] + a[3]));
  if (user_key(vm, f, a[0], a[1], key, &kl, 0)) return DVM_VM_SC_TRAP;
  PTR(val, a[2], a[3], DVM_VM_ACCESS_READ);
  STATE(dvm_state_overlay_put(x->ov, DVM_STATE_T_STORAGE, key, kl, val, a[3]));
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}

/* 6: storage_del(key, key_len) -> 1 if it existed, else 0 */
static int sc_storage_del(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t kl;
  dvm_state_bytes v;
  if (a[1] > RT_MAX_STORAGE_KEY) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_SDEL + a[1]);
  if (user_key(vm, f, a[0], a[1], key, &kl, 0)) return DVM_VM_SC_TRAP;
  int rc = dvm_state_overlay_get(x->ov, DVM_STATE_T_STORAGE, key, kl, &v);
  STATE(rc);
  if (rc == 0) STATE(dvm_state_overlay_del(x->ov, DVM_STATE_T_STORAGE, key, kl));
  *r0 = rc == 0;
  return DVM_VM_SC_CONTINUE;
}

/* 7: storage_next(after, after_len, out, out_cap) -> length of the next
 * key of this contract after `after` (memcmp order), or -1 at the end. */
static int sc_storage_next(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[DVM_STATE_KEY_MAX];
  size_t kl;
  dvm_state_bytes k;
  uint8_t *out;
  if (a[1] > RT_MAX_STORAGE_KEY || a[3] > DVM_STATE_KEY_MAX) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_SGET + a[1]);
  if (user_key(vm, f, a[0], a[1], key, &kl, 1)) return DVM_VM_SC_TRAP;
  int rc = dvm_state_overlay_next(x->ov, DVM_STATE_T_STORAGE, key, kl, &k, NULL);
  STATE(rc);
  if (rc == DVM_STATE_NOTFOUND || k.len <= 32 || memcmp(k.data, f->self, 32)) {
    *r0 = UINT64_MAX;
    return DVM_VM_SC_CONTINUE;
  }
  uint64_t ulen = k.len - 32, n = min64(ulen, a[3]);
  CHARGE(n);
  PTR(out, a[2], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, k.data + 32, n);
  *r0 = ulen;
  return DVM_VM_SC_CONTINUE;
}

/* 8: balance(addr, asset) */
static int sc_balance(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  const uint8_t *addr;
  CHARGE(G_BALANCE);
  PTR(addr, a[0], 32, DVM_VM_ACCESS_READ);
  if (a[1] > UINT32_MAX) REFUSE(DVM_RT_F_ASSET);
  STATE(rt_balance_get(x->ov, addr, (uint32_t)a[1], r0));
  return DVM_VM_SC_CONTINUE;
}

/* 9: transfer(asset, to, amount) -> 0 done, 1 funds short, 2 unknown asset, 3 overflow */
static int sc_transfer(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  const uint8_t *to;
  CHARGE(G_TRANSFER);
  PTR(to, a[1], 32, DVM_VM_ACCESS_READ);
  if (a[0] > UINT32_MAX || !rt_asset_known(x->ov, (uint32_t)a[0])) {
    *r0 = 2;
    return DVM_VM_SC_CONTINUE;
  }
  int rc = rt_transfer(x->ov, f->self, to, (uint32_t)a[0], a[2]);
  STATE(rc);
  *r0 = rc == RT_XFER_OK ? 0 : rc == RT_XFER_FUNDS ? 1 : 3; /* spec/syscalls.md: transfer */
  return DVM_VM_SC_CONTINUE;
}

static int copy_addr(dvm_vm_exec *vm, uint64_t ptr, const uint8_t addr[32]) {
  uint8_t *out;
  if (dvm_vm_gas_charge(vm, G_SC_BASE)) return DVM_VM_SC_TRAP;
  if (!(out = dvm_vm_translate(vm, ptr, 32, DVM_VM_ACCESS_WRITE))) return DVM_VM_SC_TRAP;
  memcpy(out, addr, 32);
  return DVM_VM_SC_CONTINUE;
}
/* 10, 11: caller(out), self(out) */
static int sc_caller(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  *r0 = 0;
  return copy_addr(vm, a[0], f->caller);
}
static int sc_self(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  *r0 = 0;
  return copy_addr(vm, a[0], f->self);
}

/* 12: value_received(asset) */
static int sc_value_received(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  CHARGE(G_SC_BASE);
  *r0 = 0;
  for (unsigned i = 0; i < f->nreceived; i++)
    if (f->received[i].asset == a[0]) *r0 = f->received[i].amount;
  return DVM_VM_SC_CONTINUE;
}

/* 13, 14, 30: block height, block time, gas left */
static int sc_block_height(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  CHARGE(G_SC_BASE);
  *r0 = x->height;
  return DVM_VM_SC_CONTINUE;
}
static int sc_block_time(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  CHARGE(G_SC_BASE);
  *r0 = x->time;
  return DVM_VM_SC_CONTINUE;
}
static int sc_gas_left(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CHARGE(G_SC_BASE);
  *r0 = dvm_vm_gas_left(vm);
  return DVM_VM_SC_CONTINUE;
}

/* 15: oracle_price(feed, out[16]) -> 0 and (i64 price, u64 publish time), or 1 */
static int sc_oracle_price(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t key[64], be[4], *out;
  size_t kl;
  dvm_state_bytes v;
  CHARGE(G_ORACLE);
  PTR(out, a[1], 16, DVM_VM_ACCESS_WRITE);
  if (a[0] > UINT32_MAX) REFUSE(DVM_RT_F_BAD_ARG);
  rt_be32(be, (uint32_t)a[0]);
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

/* 29: param_get(key, key_len, out, cap) -> value length, or -1 */
static int sc_param_get(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
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
  uint64_t n = min64(v.len, a[3]);
  PTR(out, a[2], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, v.data, n);
  *r0 = v.len;
  return DVM_VM_SC_CONTINUE;
}

/* 16: call(desc) -> status | detail << 8 (spec/syscalls.md §Calls).
 * desc, 80 bytes: contract[32] | u64 method_ptr | u32 method_len |
 * u32 input_len | u64 input_ptr | u64 assets_ptr | u32 asset_count |
 * u32 reserved (0) | u64 gas (0: as much as allowed, all but 1/64 of what
 * is left). Assets are 16-byte
 * entries: u32 asset | u32 reserved (0) | u64 amount. */
static int sc_call(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
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

/* 17: return_data(out, cap) -> length of the last callee's return data */
static int sc_return_data(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  CTX;
  uint8_t *out;
  if (a[1] > RT_MAX_RETURN) REFUSE(DVM_RT_F_LIMIT);
  uint64_t n = min64(f->child_ret_len, a[1]);
  CHARGE(G_SC_BASE + n);
  PTR(out, a[0], n, DVM_VM_ACCESS_WRITE);
  if (n) memcpy(out, f->child_ret, n);
  *r0 = f->child_ret_len;
  return DVM_VM_SC_CONTINUE;
}

/* 18: hash_blake2b(in, len, out[32]) */
static int sc_hash(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  const uint8_t *in;
  uint8_t *out;
  if (a[1] > (1u << 20)) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_HASH + a[1]);
  PTR(in, a[0], a[1], DVM_VM_ACCESS_READ);
  PTR(out, a[2], 32, DVM_VM_ACCESS_WRITE);
  crypto_generichash(out, 32, in, a[1], NULL, 0);
  *r0 = 0;
  return DVM_VM_SC_CONTINUE;
}

/* 19: ed25519_verify(msg, msg_len, sig[64], pk[32]) -> 1 valid, 0 not */
static int sc_ed25519(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  const uint8_t *msg, *sig, *pk;
  if (a[1] > (64u << 10)) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_ED25519 + a[1]);
  PTR(msg, a[0], a[1], DVM_VM_ACCESS_READ);
  PTR(sig, a[2], 64, DVM_VM_ACCESS_READ);
  PTR(pk, a[3], 32, DVM_VM_ACCESS_READ);
  *r0 = crypto_sign_verify_detached(sig, msg, a[1], pk) == 0;
  return DVM_VM_SC_CONTINUE;
}

/* 20: heap_grow(new_len) -> the heap length after (pages of 4 KiB) */
static int sc_heap_grow(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  uint32_t cur = dvm_vm_heap_len(vm);
  if (a[0] > RT_HEAP_CAP) REFUSE(DVM_RT_F_LIMIT);
  uint64_t want = (a[0] + RT_HEAP_PAGE - 1) / RT_HEAP_PAGE * RT_HEAP_PAGE;
  if (want > cur) {
    CHARGE((want - cur) / RT_HEAP_PAGE * G_HEAP_PAGE);
    dvm_vm_heap_resize(vm, (uint32_t)want);
    uint8_t *fresh = dvm_vm_translate(vm, DVM_VM_ADDR(DVM_VM_REGION_HEAP, cur), want - cur,
                                      DVM_VM_ACCESS_WRITE);
    if (!fresh) return DVM_VM_SC_TRAP;
    memset(fresh, 0, want - cur); /* grown pages start zero */
    cur = (uint32_t)want;
  }
  *r0 = cur;
  return DVM_VM_SC_CONTINUE;
}

/* 21..27: fixed-point math (spec/fxmath.md); a domain or range error traps
 * syscall_arg with detail DVM_RT_F_FX. */
#define FX1(NAME, FN, GAS)                                                             \
  static int NAME(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {     \
    dvm_fx out;                                                                        \
    CHARGE(GAS);                                                                       \
    if (FN((dvm_fx)a[0], &out)) REFUSE(DVM_RT_F_FX);                                   \
    *r0 = (uint64_t)out;                                                               \
    return DVM_VM_SC_CONTINUE;                                                         \
  }
FX1(sc_fx_exp, dvm_fx_exp, DVM_FX_GAS_EXP)
FX1(sc_fx_ln, dvm_fx_ln, DVM_FX_GAS_LN)
FX1(sc_fx_sqrt, dvm_fx_sqrt, DVM_FX_GAS_SQRT)
FX1(sc_fx_cdf, dvm_fx_cdf, DVM_FX_GAS_CDF)
FX1(sc_fx_pdf, dvm_fx_pdf, DVM_FX_GAS_PDF)

static int sc_fx_mul_div(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  int64_t out;
  CHARGE(DVM_FX_GAS_MUL_DIV);
  if (a[3] > 3 || dvm_fx_mul_div((int64_t)a[0], (int64_t)a[1], (int64_t)a[2], (int)a[3], &out))
    REFUSE(DVM_RT_F_FX);
  *r0 = (uint64_t)out;
  return DVM_VM_SC_CONTINUE;
}

static int sc_fx_pow(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  dvm_fx out;
  CHARGE(DVM_FX_GAS_POW);
  if (dvm_fx_pow((dvm_fx)a[0], (dvm_fx)a[1], &out)) REFUSE(DVM_RT_F_FX);
  *r0 = (uint64_t)out;
  return DVM_VM_SC_CONTINUE;
}

/* 28: black_scholes(in[40]: S K T sigma r, out[64]: call put call_delta
 * put_delta gamma vega call_theta put_theta), all i64 fx little-endian. */
static int sc_fx_bs(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
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

static const char *const syscall_names[SYSCALL_COUNT] = {
  [1] = "dvm_return",          [2] = "dvm_revert",          [3] = "dvm_log",
  [4] = "dvm_storage_get",     [5] = "dvm_storage_set",     [6] = "dvm_storage_del",
  [7] = "dvm_storage_next",    [8] = "dvm_balance",         [9] = "dvm_transfer",
  [10] = "dvm_caller",         [11] = "dvm_self",           [12] = "dvm_value_received",
  [13] = "dvm_block_height",   [14] = "dvm_block_time",     [15] = "dvm_oracle_price",
  [16] = "dvm_call",           [17] = "dvm_return_data",    [18] = "dvm_hash_blake2b",
  [19] = "dvm_ed25519_verify", [20] = "dvm_heap_grow",      [21] = "dvm_fx_mul_div",
  [22] = "dvm_fx_exp",         [23] = "dvm_fx_ln",          [24] = "dvm_fx_sqrt",
  [25] = "dvm_fx_pow",         [26] = "dvm_fx_cdf",         [27] = "dvm_fx_pdf",
  [28] = "dvm_fx_black_scholes", [29] = "dvm_param_get",    [30] = "dvm_gas_left",
};

static const dvm_vm_syscall_fn syscall_fns[SYSCALL_COUNT] = {
  [1] = sc_return,          [2] = sc_revert,          [3] = sc_log,
  [4] = sc_storage_get,     [5] = sc_storage_set,     [6] = sc_storage_del,
  [7] = sc_storage_next,    [8] = sc_balance,         [9] = sc_transfer,
  [10] = sc_caller,         [11] = sc_self,           [12] = sc_value_received,
  [13] = sc_block_height,   [14] = sc_block_time,     [15] = sc_oracle_price,
  [16] = sc_call,           [17] = sc_return_data,    [18] = sc_hash,
  [19] = sc_ed25519,        [20] = sc_heap_grow,      [21] = sc_fx_mul_div,
  [22] = sc_fx_exp,         [23] = sc_fx_ln,          [24] = sc_fx_sqrt,
  [25] = sc_fx_pow,         [26] = sc_fx_cdf,         [27] = sc_fx_pdf,
  [28] = sc_fx_bs,          [29] = sc_param_get,      [30] = sc_gas_left,
};

static const dvm_vm_syscall_table syscall_table = {SYSCALL_COUNT, syscall_names, syscall_fns};

const dvm_vm_syscall_table *dvm_rt_syscalls(void) { return &syscall_table; }
const dvm_vm_syscall_table *rt_syscalls_bound(void) { return &syscall_table; }

int dvm_rt_syscall_number(const char *name) {
  for (uint32_t i = 0; i < SYSCALL_COUNT; i++)
    if (syscall_names[i] && !strcmp(syscall_names[i], name)) return (int)i;
  return -1;
}
