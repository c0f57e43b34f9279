/* accounts.c — account records, native multi-asset balances and the
 * system namespace (spec/state.md §Keys). Every write goes through the
 * overlay, so reverts undo balances like any other state. */
#include <assert.h>
#include <string.h>

#include "rt_private.h"
#include "base.h"

const uint8_t rt_system_addr[DVM_ADDR_BYTES] = {0};


/* Account info: nonce u64 | flags u32 | code hash [32] (44 bytes). */
#define INFO_BYTES (8 + 4 + DVM_HASH_BYTES)

int rt_account_get(dvm_state_overlay *ov, const uint8_t addr[32], rt_account *a) {
  uint8_t key[DVM_ADDR_BYTES + 1];
  dvm_state_bytes v;
  memcpy(key, addr, DVM_ADDR_BYTES);
  key[DVM_ADDR_BYTES] = RT_ACCT_INFO;
  memset(a, 0, sizeof *a);
  int rc = dvm_state_overlay_get(ov, DVM_STATE_T_ACCOUNTS, key, sizeof key, &v);
  if (rc == DVM_STATE_NOTFOUND) return 0;
  if (rc) return rc;
  if (v.len != INFO_BYTES) return DVM_STATE_ERR_CORRUPT;
  a->nonce = dvm_le_get64(v.data);
  a->flags = dvm_le_get32(v.data + 8);
  memcpy(a->code_hash, v.data + 12, DVM_HASH_BYTES);
  return 0;
}

int rt_account_put(dvm_state_overlay *ov, const uint8_t addr[32], const rt_account *a) {
  uint8_t key[DVM_ADDR_BYTES + 1], val[INFO_BYTES];
  memcpy(key, addr, DVM_ADDR_BYTES);
  key[DVM_ADDR_BYTES] = RT_ACCT_INFO;
  dvm_le_put64(val, a->nonce);
  dvm_le_put32(val + 8, a->flags);
  memcpy(val + 12, a->code_hash, DVM_HASH_BYTES);
  return dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, key, sizeof key, val, sizeof val);
}

static void balance_key(uint8_t key[DVM_ADDR_BYTES + 5], const uint8_t addr[32], uint32_t asset) {
  memcpy(key, addr, DVM_ADDR_BYTES);
  key[DVM_ADDR_BYTES] = RT_ACCT_BALANCE;
  dvm_be_put32(key + DVM_ADDR_BYTES + 1, asset);
}

int rt_balance_get(dvm_state_overlay *ov, const uint8_t addr[32], uint32_t asset, uint64_t *amount) {
  uint8_t key[DVM_ADDR_BYTES + 5];
  dvm_state_bytes v;
  balance_key(key, addr, asset);
  *amount = 0;
  int rc = dvm_state_overlay_get(ov, DVM_STATE_T_ACCOUNTS, key, sizeof key, &v);
  if (rc == DVM_STATE_NOTFOUND) return 0;
  if (rc) return rc;
  if (v.len != 8) return DVM_STATE_ERR_CORRUPT;
  *amount = dvm_le_get64(v.data);
  return 0;
}

/* A zero balance is no entry: the state holds only what is non-zero, so
 * the root does not depend on whether an account once held an asset. */
int rt_balance_put(dvm_state_overlay *ov, const uint8_t addr[32], uint32_t asset, uint64_t amount) {
  uint8_t key[DVM_ADDR_BYTES + 5], val[8];
  balance_key(key, addr, asset);
  if (amount == 0) return dvm_state_overlay_del(ov, DVM_STATE_T_ACCOUNTS, key, sizeof key);
  dvm_le_put64(val, amount);
  return dvm_state_overlay_put(ov, DVM_STATE_T_ACCOUNTS, key, sizeof key, val, sizeof val);
}

int rt_balance_commit_gas(dvm_state_overlay *ov, const uint8_t addr[32], uint32_t asset, uint64_t *gas) {
  uint8_t key[DVM_ADDR_BYTES + 5];
  dvm_state_bytes v;
  balance_key(key, addr, asset);
  if (dvm_state_overlay_written(ov, DVM_STATE_T_ACCOUNTS, key, sizeof key)) return 0;
  int rc = dvm_state_overlay_get(ov, DVM_STATE_T_ACCOUNTS, key, sizeof key, &v);
  if (rc && rc != DVM_STATE_NOTFOUND) return rc;
  *gas += G_SFIRST + (rc == 0 ? G_SOLD + G_SOLD_BYTE * (uint64_t)v.len : 0);
  return 0;
}

int rt_transfer(dvm_state_overlay *ov, const uint8_t from[32], const uint8_t to[32], uint32_t asset,
                uint64_t amount) {
  uint64_t fb, tb;
  int rc;
  if (amount == 0) return 0;
  if ((rc = rt_balance_get(ov, from, asset, &fb))) return rc;
  if (fb < amount) return RT_MOVED_SHORT;
  if (!memcmp(from, to, DVM_ADDR_BYTES)) return 0;
  if ((rc = rt_balance_get(ov, to, asset, &tb))) return rc;
  if (tb > UINT64_MAX - amount) return RT_MOVED_OVERFLOW;
  /* conserved: fb + tb before == (fb - amount) + (tb + amount) after, no
   * wrap (fb >= amount, tb <= UINT64_MAX - amount) */
  assert(fb >= amount && tb <= UINT64_MAX - amount);
  if ((rc = rt_balance_put(ov, from, asset, fb - amount))) return rc;
  return rt_balance_put(ov, to, asset, tb + amount);
}

void rt_sys_key(uint8_t *key, size_t *klen, const char *tag, const void *suffix, size_t slen) {
  size_t tl = strlen(tag);
  memcpy(key, rt_system_addr, DVM_ADDR_BYTES);
  memcpy(key + DVM_ADDR_BYTES, tag, tl);
  if (slen) memcpy(key + DVM_ADDR_BYTES + tl, suffix, slen);
  *klen = DVM_ADDR_BYTES + tl + slen;
}

int rt_asset_known(dvm_state_overlay *ov, uint32_t asset) {
  uint8_t key[64], be[4];
  size_t kl;
  dvm_state_bytes v;
  dvm_be_put32(be, asset);
  rt_sys_key(key, &kl, "asset", be, 4);
  return dvm_state_overlay_get(ov, DVM_STATE_T_STORAGE, key, kl, &v) == 0;
}

int rt_is_authority(dvm_state_overlay *ov, const uint8_t pk[32]) {
  uint8_t key[96];
  size_t kl;
  dvm_state_bytes v;
  rt_sys_key(key, &kl, "authority", pk, 32);
  return dvm_state_overlay_get(ov, DVM_STATE_T_STORAGE, key, kl, &v) == 0;
}
