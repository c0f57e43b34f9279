/* sys_crypto.c — hashing and signature checks (libsodium). */
#include <sodium.h>

#include "sys_private.h"

/* hash_blake2b(in, len, out[32]) */
int rt_sc_hash_blake2b(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
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

/* ed25519_verify(msg, msg_len, sig[64], pk[32]) -> 1 valid, 0 not */
int rt_sc_ed25519_verify(dvm_vm_exec *vm, void *ctx, const uint64_t a[5], uint64_t *r0) {
  const uint8_t *msg, *sig, *pk;
  if (a[1] > (64u << 10)) REFUSE(DVM_RT_F_LIMIT);
  CHARGE(G_ED25519 + a[1]);
  PTR(msg, a[0], a[1], DVM_VM_ACCESS_READ);
  PTR(sig, a[2], 64, DVM_VM_ACCESS_READ);
  PTR(pk, a[3], 32, DVM_VM_ACCESS_READ);
  *r0 = crypto_sign_verify_detached(sig, msg, a[1], pk) == 0;
  return DVM_VM_SC_CONTINUE;
}
