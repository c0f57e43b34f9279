/* check.c — transaction validity (spec/tx.md §Validity): the rules a
 * block applies to each transaction before executing it, and the same
 * rules as a stand-alone check for a mempool (dvm_rt_chain_check_tx),
 * which reads its own view of the last committed block and executes
 * nothing, so it runs on any thread beside block production. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "rt_private.h"

uint64_t rt_intrinsic_gas(const dvm_tx *tx) {
  uint64_t g = G_TX_BASE + (uint64_t)G_TX_BYTE * tx->encoded_len;
  if (tx->kind == DVM_TX_CALL) g += (uint64_t)G_TX_CALL * tx->u.call.count;
  if (tx->kind == DVM_TX_DEPLOY) g += (uint64_t)G_DEPLOY_BYTE * tx->u.deploy.code_len;
  if (tx->kind == DVM_TX_SYSTEM) g += (uint64_t)G_SYSTEM_ENTRY * tx->u.sys.count;
  return g;
}

#define REFUSE(...) (snprintf(err, errlen, __VA_ARGS__), DVM_RT_ERR_TX)

int rt_tx_admissible(const dvm_tx *tx, const rt_gas_rules *g, const rt_account *a, uint64_t gas_balance,
                     rt_nonce_rule rule, uint64_t *intrinsic, char *err, size_t errlen) {
  if (a->flags & RT_ACCT_CONTRACT) return REFUSE("sender is a contract");
  if (rule == RT_NONCE_NEXT ? tx->nonce != a->nonce : tx->nonce < a->nonce)
    return REFUSE("nonce %" PRIu64 ", expected %s%" PRIu64, tx->nonce, rule == RT_NONCE_NEXT ? "" : "at least ",
                  a->nonce);
  if (tx->gas_price < g->min_gas_price)
    return REFUSE("gas price %" PRIu64 " below the chain's minimum %" PRIu64, tx->gas_price, g->min_gas_price);
  uint64_t need = *intrinsic = rt_intrinsic_gas(tx);
  if (tx->kind == DVM_TX_CALL)
    for (unsigned i = 0; i < tx->u.call.count; i++) {
      if (need > UINT64_MAX - tx->u.call.calls[i].gas_limit) return REFUSE("gas limits overflow");
      need += tx->u.call.calls[i].gas_limit;
    }
  if (tx->kind == DVM_TX_DEPLOY) {
    if (need > UINT64_MAX - tx->u.deploy.init_gas) return REFUSE("gas limits overflow");
    need += tx->u.deploy.init_gas;
  }
  if (need > tx->gas_limit)
    return REFUSE("gas limit %" PRIu64 " below the %" PRIu64 " the transaction needs", tx->gas_limit, need);
  if (tx->gas_limit > g->block_gas_limit)
    return REFUSE("gas limit %" PRIu64 " above the block gas limit %" PRIu64, tx->gas_limit, g->block_gas_limit);
  if (tx->gas_price && tx->gas_limit > UINT64_MAX / tx->gas_price) return REFUSE("fee overflows");
  if (gas_balance < tx->gas_limit * tx->gas_price)
    return REFUSE("balance %" PRIu64 " of asset 0 below the maximum fee %" PRIu64, gas_balance,
                  tx->gas_limit * tx->gas_price);
  return DVM_RT_OK;
}

static void info_fill(dvm_rt_tx_info *info, const dvm_tx *tx, size_t len) {
  memcpy(info->id, tx->id, 32);
  memcpy(info->sender, tx->sender, 32);
  info->kind = tx->kind;
  info->nonce = tx->nonce;
  info->gas_limit = tx->gas_limit;
  info->gas_price = tx->gas_price;
  info->max_fee = tx->gas_price && tx->gas_limit > UINT64_MAX / tx->gas_price ? UINT64_MAX
                                                                            : tx->gas_limit * tx->gas_price;
  info->ncalls = tx->kind == DVM_TX_CALL ? tx->u.call.count : 1;
  info->len = (uint32_t)len;
}

int dvm_rt_chain_check_tx(dvm_rt_chain *c, const uint8_t *txb, size_t len, dvm_rt_tx_info *info,
                          char *errbuf) {
  char e[256], de[200];
  char *err = errbuf ? errbuf : e;
  const size_t errlen = 256;
  dvm_rt_tx_info scratch;
  dvm_tx tx;
  rt_read r;
  rt_head h;
  rt_account a;
  uint64_t bal, intrinsic;
  int rc;

  err[0] = 0;
  if (!info) info = &scratch;
  memset(info, 0, sizeof *info);
  if (!c || (!txb && len)) {
    snprintf(err, errlen, "no transaction");
    return DVM_RT_ERR_ARG;
  }
  if (len > DVM_TX_MAX_BYTES) return REFUSE("encoding: %zu bytes, above the %u-byte limit", len, DVM_TX_MAX_BYTES);
  if (dvm_tx_decode(txb, len, &tx, de, sizeof de)) return REFUSE("encoding: %s", de);
  info_fill(info, &tx, len);
  if ((rc = rt_read_begin(c, &r))) {
    dvm_tx_free(&tx);
    snprintf(err, errlen, "state: %s", dvm_rt_strerror(rc));
    return rc;
  }
  if ((rc = rt_read_head(&r, &h))) {
    snprintf(err, errlen, "%s", rc == DVM_RT_ERR_GENESIS ? "no genesis" : dvm_rt_strerror(rc));
  } else if (strcmp(tx.chain_id, h.chain_id)) {
    rc = REFUSE("chain id '%s' is not '%s'", tx.chain_id, h.chain_id);
  } else if (c->verify_sigs && dvm_tx_verify(&tx)) {
    rc = REFUSE("signature does not verify");
  } else if ((rc = rt_state_err(rt_account_get(r.ov, tx.sender, &a))) ||
             (rc = rt_state_err(rt_balance_get(r.ov, tx.sender, 0, &bal)))) {
    snprintf(err, errlen, "state: %s", dvm_rt_strerror(rc));
  } else {
    info->account_nonce = a.nonce;
    rc = rt_tx_admissible(&tx, &h.gas_rules, &a, bal, RT_NONCE_NEXT_OR_LATER, &intrinsic, err, errlen);
  }
  rt_read_end(&r);
  dvm_tx_free(&tx);
  return rc;
}
