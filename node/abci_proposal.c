/* abci_proposal.c — `dvm abci`'s PrepareProposal and ProcessProposal
 * (node/abci_int.h): which of the proposed transactions a block holds,
 * decided against the last committed state. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abci_int.h"

/* Per-sender next nonce within a proposal (open addressing). */
typedef struct nonce_map {
  size_t cap;
  uint8_t (*key)[32];
  uint64_t *next;
  uint8_t *used;
} nonce_map;

static int nm_init(nonce_map *m, size_t n) {
  m->cap = 16;
  while (m->cap < 2 * n + 2) m->cap *= 2;
  m->key = calloc(m->cap, 32);
  m->next = calloc(m->cap, sizeof *m->next);
  m->used = calloc(m->cap, 1);
  return m->key && m->next && m->used ? 0 : -1;
}
static void nm_free(nonce_map *m) {
  free(m->key);
  free(m->next);
  free(m->used);
}
static uint64_t *nm_slot(nonce_map *m, const uint8_t k[32], int *fresh) {
  uint64_t hsh;
  memcpy(&hsh, k, 8);
  size_t i = (size_t)hsh & (m->cap - 1);
  while (m->used[i] && memcmp(m->key[i], k, 32)) i = (i + 1) & (m->cap - 1);
  *fresh = !m->used[i];
  if (!m->used[i]) {
    m->used[i] = 1;
    memcpy(m->key[i], k, 32);
  }
  return &m->next[i];
}

/* Walk a proposal's transactions in order and decide which a block keeps:
 * each must pass the mempool check against the committed state
 * (dvm_rt_chain_check_tx: signature, a gas price at least the chain's
 * minimum, a gas limit within the block gas limit, fee funds), carry the
 * sender's next nonce exactly, and fit the block's byte and count limits
 * and its gas: the sum of the kept gas limits stays within the chain's
 * block gas limit (genesis `block_gas_limit`, the one production
 * enforces). A transaction never uses more than its gas limit, so the
 * block FinalizeBlock produces from a kept list defers none of it as
 * full. keep[i] = 1 for those kept. Returns how many were dropped. */
static size_t proposal_filter(dvm_abci *a, ProtobufCBinaryData *txs, size_t n, int64_t max_bytes,
                              uint8_t *keep) {
  nonce_map m;
  size_t dropped = 0;
  uint64_t block_gas;
  if (dvm_rt_chain_gas_rules(a->chain, &block_gas, NULL) || nm_init(&m, n)) {
    memset(keep, 0, n);
    return n; /* no genesis yet (nothing passes the check), or no memory */
  }
  uint64_t gas = 0, bytes = 0, dvm_bytes = DVM_BLOCK_HEADER_BYTES + 4, count = 0;
  for (size_t i = 0; i < n; i++) {
    dvm_rt_tx_info info;
    keep[i] = 0;
    /* CometBFT counts each transaction as a protobuf field: tag, length, bytes. */
    uint8_t vb[10];
    uint64_t pb = 1 + dvm_abci_varint(txs[i].len, vb) + txs[i].len;
    if (dvm_rt_chain_check_tx(a->chain, txs[i].data, txs[i].len, &info, NULL)) goto drop;
    int fresh;
    uint64_t *next = nm_slot(&m, info.sender, &fresh);
    if (fresh) *next = info.account_nonce;
    if (info.nonce != *next) goto drop;
    if (max_bytes >= 0 && bytes + pb > (uint64_t)max_bytes) goto drop;
    if (dvm_bytes + 4 + txs[i].len > DVM_BLOCK_MAX_BYTES || count + 1 > DVM_BLOCK_MAX_TXS) goto drop;
    if (info.gas_limit > block_gas - gas) goto drop;
    (*next)++;
    gas += info.gas_limit;
    bytes += pb;
    dvm_bytes += 4 + txs[i].len;
    count++;
    keep[i] = 1;
    continue;
  drop:
    dropped++;
  }
  nm_free(&m);
  return dropped;
}

int abci_prepare_proposal(dvm_abci *a, const Dvmabci__RequestPrepareProposal *q, uint8_t **resp,
                          size_t *resp_len, char *err) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  Dvmabci__ResponsePrepareProposal x = DVMABCI__RESPONSE_PREPARE_PROPOSAL__INIT;
  uint8_t *keep = malloc(q->n_txs ? q->n_txs : 1);
  ProtobufCBinaryData *out = malloc((q->n_txs ? q->n_txs : 1) * sizeof *out);
  if (!keep || !out) {
    free(keep);
    free(out);
    snprintf(err, 256, "out of memory");
    return 0;
  }
  proposal_filter(a, q->txs, q->n_txs, q->max_tx_bytes, keep);
  for (size_t i = 0; i < q->n_txs; i++)
    if (keep[i]) out[x.n_txs++] = q->txs[i];
  x.txs = out;
  r.value_case = DVMABCI__RESPONSE__VALUE_PREPARE_PROPOSAL;
  r.prepare_proposal = &x;
  *resp = abci_pack(&r, resp_len);
  free(keep);
  free(out);
  return 0;
}

int abci_process_proposal(dvm_abci *a, const Dvmabci__RequestProcessProposal *q, uint8_t **resp,
                          size_t *resp_len, char *err) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  Dvmabci__ResponseProcessProposal x = DVMABCI__RESPONSE_PROCESS_PROPOSAL__INIT;
  uint8_t *keep = malloc(q->n_txs ? q->n_txs : 1);
  if (!keep) {
    snprintf(err, 256, "out of memory");
    return 0;
  }
  /* A proposal PrepareProposal would have changed is refused: every
   * honest validator filters the same way against the same state. */
  x.status = proposal_filter(a, q->txs, q->n_txs, -1, keep) ? 2 : 1;
  free(keep);
  if (a->verbose && x.status == 2)
    fprintf(stderr, "dvm abci: proposal for height %" PRId64 " rejected\n", q->height);
  r.value_case = DVMABCI__RESPONSE__VALUE_PROCESS_PROPOSAL;
  r.process_proposal = &x;
  *resp = abci_pack(&r, resp_len);
  return 0;
}
