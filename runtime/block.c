/* block.c — blocks (spec/tx.md §Blocks, §Execution): producing the next
 * block from candidate transactions, applying a block from elsewhere, and
 * block 0 from the genesis document. All three go through one path: begin
 * a block, offer it transactions one by one (each checked, then executed
 * into the overlay), commit. Production leaves out what is invalid or does
 * not fit; application refuses a block holding either, and checks the
 * header's roots against what execution gives.
 *
 * Execution is sequential and deterministic; only signature checks run in
 * parallel, ahead of it. A block's writes live in the overlay until one
 * LMDB write transaction commits them with the block record, its receipts
 * and the state root. Any failure before that commit leaves the chain at
 * its last block: the overlay is thrown away and begun anew. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_private.h"

/* The block being built. */
typedef struct blk {
  dvm_rt_chain *c;
  uint64_t height, time;
  uint32_t n; /* included transactions */
  const uint8_t **tx_bytes;
  uint32_t *tx_lens;
  uint8_t (*ids)[32];
  uint8_t **receipts; /* n encodings */
  size_t *receipt_lens;
  uint8_t (*rhash)[32];
  uint64_t gas;
  const dvm_tx_block_header *expect; /* apply: the header to match */
  /* built by the commit callback */
  dvm_tx_block_header header;
  uint8_t *block;
  size_t block_len;
  dvm_state_record *records;
  uint8_t height_key[8];
  int mismatch;
} blk;

/* What offering a transaction to the block did (errors are negative). */
typedef enum blk_offer_result {
  BLK_INCLUDED = 0, /* executed, its receipt added */
  BLK_INVALID = 1,  /* not valid here (spec/tx.md §Validity): why in c->err */
  BLK_FULL = 2,     /* valid, but its gas limit is above the block's gas left: why in c->err */
} blk_offer_result;

static void blk_free(blk *k) {
  if (k->receipts)
    for (uint32_t i = 0; i < k->n; i++) free(k->receipts[i]);
  free(k->tx_bytes);
  free(k->tx_lens);
  free(k->ids);
  free(k->receipts);
  free(k->receipt_lens);
  free(k->rhash);
  free(k->records);
  free(k->block);
  memset(k, 0, sizeof *k);
}

/* Begin block `height` at `time` with room for `cap` transactions. */
static int blk_begin(blk *k, dvm_rt_chain *c, uint64_t height, uint64_t time, size_t cap,
                     const dvm_tx_block_header *expect) {
  size_t m = cap ? cap : 1;
  memset(k, 0, sizeof *k);
  k->c = c;
  k->height = height;
  k->time = time;
  k->expect = expect;
  k->tx_bytes = calloc(m, sizeof *k->tx_bytes);
  k->tx_lens = calloc(m, sizeof *k->tx_lens);
  k->ids = calloc(m, sizeof *k->ids);
  k->receipts = calloc(m, sizeof *k->receipts);
  k->receipt_lens = calloc(m, sizeof *k->receipt_lens);
  k->rhash = calloc(m, sizeof *k->rhash);
  k->records = calloc(m + 4, sizeof *k->records);
  if (k->tx_bytes && k->tx_lens && k->ids && k->receipts && k->receipt_lens && k->rhash && k->records)
    return DVM_RT_OK;
  blk_free(k);
  return DVM_RT_ERR_NOMEM;
}

/* A failed block: nothing of it stays; the message does. */
static int blk_fail(blk *k, int rc) {
  dvm_rt_chain *c = k->c;
  blk_free(k);
  rt_reset_overlay(c);
  return rc;
}

/* Everything a transaction must satisfy to be included (spec/tx.md
 * §Validity) beyond its signature; reads only. 0, or DVM_RT_ERR_TX with
 * c->err, or a state error. */
static int tx_valid(dvm_rt_chain *c, const dvm_tx *tx, uint64_t *intrinsic) {
  rt_account a;
  uint64_t bal;
  int rc;
  if (strcmp(tx->chain_id, c->chain_id))
    return rt_errf(c, "chain id '%s' is not '%s'", tx->chain_id, c->chain_id), DVM_RT_ERR_TX;
  if ((rc = rt_account_get(c->ov, tx->sender, &a))) return rt_state_rc(c, rc, "sender");
  if ((rc = rt_balance_get(c->ov, tx->sender, 0, &bal))) return rt_state_rc(c, rc, "balance");
  return rt_tx_admissible(tx, &c->gas_rules, &a, bal, RT_NONCE_NEXT, intrinsic, c->err, sizeof c->err);
}

/* Check one transaction and, if valid, execute it as the block's next:
 * a blk_offer_result, or a negative dvm_rt_err (the block must fail). */
static int blk_offer(blk *k, const dvm_tx *tx, const uint8_t *bytes, size_t len, int sig_ok) {
  dvm_rt_chain *c = k->c;
  uint64_t intrinsic, gas;
  if (!sig_ok) return rt_errf(c, "signature does not verify"), BLK_INVALID;
  int rc = tx_valid(c, tx, &intrinsic);
  if (rc == DVM_RT_ERR_TX) return BLK_INVALID;
  if (rc) return rc;
  /* The block's gas: what the transactions before used, plus this one's
   * limit, stays within the block gas limit (k->gas <= the limit always). */
  uint64_t left = c->gas_rules.block_gas_limit - k->gas;
  if (tx->gas_limit > left)
    return rt_errf(c, "gas limit %" PRIu64 " above the %" PRIu64 " gas left in the block", tx->gas_limit, left),
           BLK_FULL;
  if ((rc = rt_tx_execute(c, tx, k->height, k->time, k->n, intrinsic, &k->receipts[k->n], &k->receipt_lens[k->n],
                          &gas)))
    return rt_state_rc(c, rc, "execution");
  dvm_tx_receipt_hash(k->receipts[k->n], k->receipt_lens[k->n], k->rhash[k->n]);
  if (c->obs && c->obs->tx_done) /* replay.c */
    c->obs->tx_done(c->obs->ctx, k->n, tx, k->receipts[k->n], k->receipt_lens[k->n]);
  memcpy(k->ids[k->n], tx->id, 32);
  k->tx_bytes[k->n] = bytes;
  k->tx_lens[k->n] = (uint32_t)len;
  k->gas += gas;
  k->n++;
  return BLK_INCLUDED;
}

/* Commit callback: the header carries the root; applying, it must match. */
static int blk_records(void *arg, const uint8_t root[32], const dvm_state_record **records, size_t *n) {
  blk *k = arg;
  dvm_rt_chain *c = k->c;
  dvm_tx_block_header *h = &k->header;
  memset(h, 0, sizeof *h);
  h->version = DVM_BLOCK_VERSION;
  h->height = k->height;
  if (k->height) memcpy(h->parent, c->last_hash, 32);
  h->time = k->time;
  h->gas_limit = c->gas_rules.block_gas_limit;
  h->gas_used = k->gas;
  dvm_tx_hash_list(DVM_DOMAIN_TX_ROOT, (const uint8_t(*)[32])k->ids, k->n, h->tx_root);
  memcpy(h->state_root, root, 32);
  dvm_tx_hash_list(DVM_DOMAIN_RECEIPTS_ROOT, (const uint8_t(*)[32])k->rhash, k->n, h->receipts_root);
  if (c->obs && c->obs->roots && c->obs->roots(c->obs->ctx, h)) { /* replay.c */
    rt_errf(c, "block %" PRIu64 ": replay stopped the commit", k->height);
    k->mismatch = 1;
    return DVM_STATE_ERR_ARG;
  }
  if (k->expect) {
    static const char *const what[3] = {"tx root", "state root", "receipts root"};
    const uint8_t *want[3] = {k->expect->tx_root, k->expect->state_root, k->expect->receipts_root};
    const uint8_t *got[3] = {h->tx_root, h->state_root, h->receipts_root};
    for (int i = 0; i < 3; i++)
      if (memcmp(want[i], got[i], 32)) {
        char w[65], g[65];
        dvm_hex_encode(want[i], 32, w);
        dvm_hex_encode(got[i], 32, g);
        rt_errf(c, "block %" PRIu64 ": %s differs: header says %s, execution gives %s", k->height, what[i], w, g);
        k->mismatch = 1;
        return DVM_STATE_ERR_ARG;
      }
    if (k->expect->gas_used != h->gas_used) {
      rt_errf(c, "block %" PRIu64 ": gas used differs: header says %" PRIu64 ", execution gives %" PRIu64, k->height,
              k->expect->gas_used, h->gas_used);
      k->mismatch = 1;
      return DVM_STATE_ERR_ARG;
    }
  }
  free(k->block);
  k->block = NULL;
  if (dvm_tx_block_encode(h, k->tx_bytes, k->tx_lens, k->n, &k->block, &k->block_len)) return DVM_STATE_ERR_NOMEM;
  size_t r = 0;
  rt_height_key(k->height_key, k->height);
  k->records[r++] = (dvm_state_record){DVM_STATE_T_BLOCKS, {k->height_key, 8}, {k->block, k->block_len}};
  for (uint32_t i = 0; i < k->n; i++)
    k->records[r++] = (dvm_state_record){DVM_STATE_T_RECEIPTS, {k->ids[i], 32}, {k->receipts[i], k->receipt_lens[i]}};
  *records = k->records;
  *n = r;
  return DVM_STATE_OK;
}

/* Commit the block and make it the head. On failure the block is undone
 * (blk_fail); on success *info (offered: candidates seen) and *block_out
 * (the encoding, handed over) are filled when not NULL. */
static int blk_commit(blk *k, size_t offered, dvm_rt_block_info *info, uint8_t **block_out, size_t *block_len) {
  dvm_rt_chain *c = k->c;
  uint8_t root[32];
  int rc = dvm_state_commit_cb(c->ov, k->height, blk_records, k, root);
  if (rc) return blk_fail(k, k->mismatch ? DVM_RT_ERR_BLOCK : rt_state_rc(c, rc, "commit"));
  c->height = k->height;
  c->time = k->time;
  dvm_tx_block_hash(&k->header, c->last_hash);
  if (info) {
    info->height = k->height;
    memcpy(info->hash, c->last_hash, 32);
    memcpy(info->state_root, root, 32);
    memcpy(info->receipts_root, k->header.receipts_root, 32);
    info->included = k->n;
    info->rejected = (uint32_t)(offered - k->n);
    info->gas_used = k->gas;
  }
  if (block_out) {
    *block_out = k->block;
    *block_len = k->block_len;
    k->block = NULL;
  }
  blk_free(k);
  return DVM_RT_OK;
}

/* Signatures of txs[0..n) on every core (ok[i] = 1 when i verifies). */
static int verify_all(dvm_rt_chain *c, const dvm_tx *const *txs, size_t n, uint8_t *ok) {
  if (!c->verify_sigs) {
    memset(ok, 1, n);
    return DVM_RT_OK;
  }
  dvm_tx_verify_batch(txs, n, c->threads, ok);
  return DVM_RT_OK;
}

int dvm_rt_chain_produce(dvm_rt_chain *c, const uint8_t *const *txs, const size_t *lens, size_t n,
                         uint64_t time, int *rejected, dvm_rt_block_info *info, uint8_t **block,
                         size_t *block_len) {
  if (!c->has_genesis) return rt_errf(c, "no genesis"), DVM_RT_ERR_GENESIS;
  if (time < c->time)
    return rt_errf(c, "time %" PRIu64 " before the parent's %" PRIu64, time, c->time), DVM_RT_ERR_ARG;
  if (n > DVM_BLOCK_MAX_TXS) return rt_errf(c, "too many transactions"), DVM_RT_ERR_ARG;
  size_t m = n ? n : 1, nd = 0;
  dvm_tx *d = calloc(m, sizeof *d);
  uint8_t *decoded = calloc(m, 1), *ok = calloc(m, 1), *dok = calloc(m, 1);
  const dvm_tx **dp = calloc(m, sizeof *dp);
  blk k;
  int rc = DVM_RT_ERR_NOMEM;
  if (!d || !decoded || !ok || !dok || !dp) goto out;
  for (size_t i = 0; i < n; i++) {
    char e[160];
    decoded[i] = dvm_tx_decode(txs[i], lens[i], &d[i], e, sizeof e) == DVM_TX_OK;
    if (decoded[i]) dp[nd++] = &d[i];
  }
  verify_all(c, dp, nd, dok);
  for (size_t i = 0, j = 0; i < n; i++) ok[i] = decoded[i] ? dok[j++] : 0;
  if ((rc = blk_begin(&k, c, c->height + 1, time, n, NULL))) goto out;
  size_t bytes_used = DVM_BLOCK_HEADER_BYTES + 4;
  int gas_full = 0; /* a transaction did not fit the block's gas: no more are offered */
  for (size_t i = 0; i < n; i++) {
    int r = DVM_RT_ERR_TX;
    if (!decoded[i]) {
      /* left out */
    } else if (gas_full || bytes_used + 4 + lens[i] > DVM_BLOCK_MAX_BYTES) {
      r = DVM_RT_ERR_FULL; /* waits for the next block */
    } else if ((rc = blk_offer(&k, &d[i], txs[i], lens[i], ok[i])) < 0) {
      rc = blk_fail(&k, rc);
      goto out;
    } else if (rc == BLK_INCLUDED) {
      r = DVM_RT_OK;
      bytes_used += 4 + lens[i];
    } else if (rc == BLK_FULL) {
      r = DVM_RT_ERR_FULL;
      gas_full = 1;
    }
    if (rejected) rejected[i] = r;
  }
  rc = blk_commit(&k, n, info, block, block_len);
out:
  if (d && decoded)
    for (size_t i = 0; i < n; i++)
      if (decoded[i]) dvm_tx_free(&d[i]);
  free(d);
  free(decoded);
  free(ok);
  free(dok);
  free(dp);
  return rc;
}

int dvm_rt_chain_apply(dvm_rt_chain *c, const uint8_t *block, size_t len, dvm_rt_block_info *info) {
  dvm_tx_block b;
  blk k;
  char e[200];
  if (!c->has_genesis) return rt_errf(c, "no genesis"), DVM_RT_ERR_GENESIS;
  if (dvm_tx_block_decode(block, len, &b, e, sizeof e)) return rt_errf(c, "block: %s", e), DVM_RT_ERR_BLOCK;
  int rc = DVM_RT_ERR_BLOCK;
  uint8_t *ok = NULL;
  const dvm_tx **vp = NULL;
  if (b.header.height != c->height + 1) {
    rt_errf(c, "block height %" PRIu64 " does not extend the head %" PRIu64, b.header.height, c->height);
    goto out;
  }
  if (memcmp(b.header.parent, c->last_hash, 32)) {
    rt_errf(c, "block %" PRIu64 ": parent hash is not the head's", b.header.height);
    goto out;
  }
  if (b.header.time < c->time) {
    rt_errf(c, "block %" PRIu64 ": time goes backwards", b.header.height);
    goto out;
  }
  if (b.header.gas_limit != c->gas_rules.block_gas_limit) {
    rt_errf(c, "block %" PRIu64 ": gas limit %" PRIu64 " is not the chain's %" PRIu64, b.header.height,
            b.header.gas_limit, c->gas_rules.block_gas_limit);
    goto out;
  }
  ok = calloc(b.tx_count ? b.tx_count : 1, 1);
  vp = calloc(b.tx_count ? b.tx_count : 1, sizeof *vp);
  if (!ok || !vp) {
    rc = DVM_RT_ERR_NOMEM;
    goto out;
  }
  for (uint32_t i = 0; i < b.tx_count; i++) vp[i] = &b.txs[i];
  verify_all(c, vp, b.tx_count, ok);
  if ((rc = blk_begin(&k, c, b.header.height, b.header.time, b.tx_count, &b.header))) goto out;
  for (uint32_t i = 0; i < b.tx_count; i++) {
    rc = blk_offer(&k, &b.txs[i], b.tx_bytes[i], b.tx_lens[i], ok[i]);
    if (rc == BLK_FULL) {
      char why[200];
      snprintf(why, sizeof why, "%.199s", c->err);
      rt_errf(c, "block %" PRIu64 ": transaction %" PRIu32 " exceeds the block gas limit: %.180s", k.height, i, why);
      rc = DVM_RT_ERR_BLOCK;
    } else if (rc == BLK_INVALID) {
      if (c->obs) c->obs->invalid_index = (int64_t)i; /* replay.c */
      char why[200];
      snprintf(why, sizeof why, "%.199s", c->err);
      rt_errf(c, "block %" PRIu64 ": transaction %" PRIu32 " is invalid: %.190s", k.height, i, why);
      rc = DVM_RT_ERR_BLOCK;
    }
    if (rc) {
      rc = blk_fail(&k, rc);
      goto out;
    }
  }
  rc = blk_commit(&k, b.tx_count, info, NULL, NULL);
out:
  free(ok);
  free(vp);
  dvm_tx_block_free(&b);
  return rc;
}

/* ---- block 0: the genesis document's state, no transactions ---- */

static int genesis_state(dvm_rt_chain *c, const dvm_tx_genesis *g, const char *json, size_t len) {
  int rc = 0;
  for (uint32_t i = 0; i < g->asset_count && !rc; i++) {
    uint8_t key[64], be[4], val[18];
    size_t kl, sl = strlen(g->assets[i].symbol);
    dvm_be_put32(be, g->assets[i].id);
    rt_sys_key(key, &kl, "asset", be, 4);
    val[0] = g->assets[i].decimals;
    memcpy(val + 1, g->assets[i].symbol, sl);
    rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_STORAGE, key, kl, val, 1 + sl);
  }
  for (uint32_t i = 0; i < g->authority_count && !rc; i++) {
    uint8_t key[96];
    size_t kl;
    rt_sys_key(key, &kl, "authority", g->authorities[i], 32);
    rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_STORAGE, key, kl, "", 0);
  }
  for (uint32_t i = 0; i < g->balance_count && !rc; i++) {
    uint64_t cur;
    if ((rc = rt_balance_get(c->ov, g->balances[i].address, g->balances[i].asset, &cur))) break;
    rc = rt_balance_put(c->ov, g->balances[i].address, g->balances[i].asset, cur + g->balances[i].amount);
  }
  if (!rc)
    rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_META, RT_META_CHAIN_ID, strlen(RT_META_CHAIN_ID), g->chain_id,
                               strlen(g->chain_id));
  if (!rc) rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_META, RT_META_GENESIS, strlen(RT_META_GENESIS), json, len);
  if (!rc) {
    uint8_t gas[16];
    dvm_le_put64(gas, g->block_gas_limit);
    dvm_le_put64(gas + 8, g->min_gas_price);
    rc = dvm_state_overlay_put(c->ov, DVM_STATE_T_META, RT_META_GAS, strlen(RT_META_GAS), gas, sizeof gas);
  }
  return rc;
}

int dvm_rt_chain_genesis(dvm_rt_chain *c, const char *json, size_t len) {
  dvm_tx_genesis g;
  char e[256];
  blk k;
  if (c->has_genesis) return rt_errf(c, "the chain already has a genesis"), DVM_RT_ERR_GENESIS;
  if (dvm_tx_genesis_parse(json, len, &g, e, sizeof e)) return rt_errf(c, "genesis: %s", e), DVM_RT_ERR_GENESIS;
  c->gas_rules = (rt_gas_rules){g.block_gas_limit, g.min_gas_price}; /* block 0's header */
  int rc = genesis_state(c, &g, json, len);
  if (rc) {
    rc = rt_state_rc(c, rc, "genesis");
    rt_reset_overlay(c);
  } else if ((rc = blk_begin(&k, c, 0, g.time, 0, NULL))) {
    rt_reset_overlay(c);
  } else if (!(rc = blk_commit(&k, 0, NULL, NULL, NULL))) {
    snprintf(c->chain_id, sizeof c->chain_id, "%s", g.chain_id);
    c->has_genesis = 1;
  }
  dvm_tx_genesis_free(&g);
  return rc;
}
