/* abci_app.c — `dvm abci`'s dispatch (node/abci.h, node/abci_int.h): one
 * ABCI 2.0 Request in, one Response out, under the server's lock. Answered
 * here: Echo, Flush, Info, InitChain, CheckTx, Commit, snapshots (none
 * offered) and vote extensions (empty); PrepareProposal / ProcessProposal
 * (abci_proposal.c), FinalizeBlock (abci_finalize.c) and Query
 * (abci_query.c) below. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abci_int.h"

static int handle(dvm_abci *a, const Dvmabci__Request *q, uint8_t **resp, size_t *resp_len) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  char err[256] = "";
  int fatal = 0;
  uint8_t root[32];
  uint64_t h = 0;
  switch (q->value_case) {
  case DVMABCI__REQUEST__VALUE_ECHO: {
    Dvmabci__ResponseEcho x = DVMABCI__RESPONSE_ECHO__INIT;
    x.message = q->echo->message;
    r.value_case = DVMABCI__RESPONSE__VALUE_ECHO;
    r.echo = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_FLUSH: {
    Dvmabci__ResponseFlush x = DVMABCI__RESPONSE_FLUSH__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_FLUSH;
    r.flush = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_INFO: {
    Dvmabci__ResponseInfo x = DVMABCI__RESPONSE_INFO__INIT;
    dvm_tx_block_header hd;
    x.data = (char *)"dvm";
    x.version = (char *)"dvm-abci 1";
    x.app_version = 1;
    if (dvm_rt_chain_head(a->chain, &h, NULL, NULL, NULL) == 0) {
      uint64_t r_h = a->acked < h ? a->acked : h;
      int rc = abci_block_header(a, r_h, &hd);
      if (rc) {
        snprintf(err, sizeof err, "info: block %" PRIu64 ": %s", r_h, dvm_rt_strerror(rc));
        fatal = 1;
        break;
      }
      memcpy(root, hd.state_root, 32);
      x.last_block_height = (int64_t)r_h;
      if (r_h > 0) {
        x.last_block_app_hash.data = root;
        x.last_block_app_hash.len = 32;
      }
    }
    r.value_case = DVMABCI__RESPONSE__VALUE_INFO;
    r.info = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_INIT_CHAIN: {
    Dvmabci__ResponseInitChain x = DVMABCI__RESPONSE_INIT_CHAIN__INIT;
    const Dvmabci__RequestInitChain *ic = q->init_chain;
    if (ic->initial_height > 1) {
      snprintf(err, sizeof err, "initial_height must be 1 (DVM block 0 is the genesis)");
      break;
    }
    if (dvm_rt_chain_head(a->chain, &h, NULL, root, NULL) != 0) {
      const char *js = ic->app_state_bytes.len ? (const char *)ic->app_state_bytes.data : a->genesis;
      size_t jl = ic->app_state_bytes.len ? ic->app_state_bytes.len : a->genesis_len;
      if (!js) {
        snprintf(err, sizeof err, "no DVM genesis: neither app_state nor --genesis");
        break;
      }
      /* DIR/genesis.json first (a replay starts from it), then block 0 */
      char gp[4200], gt[4200];
      snprintf(gp, sizeof gp, "%s/genesis.json", a->dir);
      snprintf(gt, sizeof gt, "%s/genesis.json.tmp", a->dir);
      FILE *gf = fopen(gt, "wb");
      int gok = gf && fwrite(js, 1, jl, gf) == jl;
      if (gf) gok = (fflush(gf) == 0 && fsync(fileno(gf)) == 0) && gok, fclose(gf);
      if (!gok || rename(gt, gp)) {
        snprintf(err, sizeof err, "cannot write %.200s/genesis.json", a->dir);
        fatal = 1;
        break;
      }
      int rc = dvm_rt_chain_genesis(a->chain, js, jl);
      if (rc) {
        snprintf(err, sizeof err, "genesis: %s", dvm_rt_chain_errmsg(a->chain));
        fatal = rc == DVM_RT_ERR_STATE;
        break;
      }
      dvm_rt_chain_head(a->chain, &h, NULL, root, NULL);
      a->finalized = 0;
      if (abci_ack_store(a, 0)) {
        snprintf(err, sizeof err, "cannot write %.200s/abci_commit", a->dir);
        fatal = 1;
        break;
      }
    } else if (h != 0) {
      snprintf(err, sizeof err, "InitChain on a chain at height %" PRIu64, h);
      break;
    }
    /* else: the genesis was applied before a crash: same answer. */
    x.app_hash.data = root;
    x.app_hash.len = 32;
    r.value_case = DVMABCI__RESPONSE__VALUE_INIT_CHAIN;
    r.init_chain = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_QUERY:
    fatal = abci_query(a, q->query, resp, resp_len, err) < 0;
    break;
  case DVMABCI__REQUEST__VALUE_CHECK_TX: {
    Dvmabci__ResponseCheckTx x = DVMABCI__RESPONSE_CHECK_TX__INIT;
    dvm_rt_tx_info info;
    char why[256] = "";
    int rc = dvm_rt_chain_check_tx(a->chain, q->check_tx->tx.data, q->check_tx->tx.len, &info, why);
    if (rc) {
      x.code = DVM_ABCI_CODE_REJECTED;
      x.log = why;
    } else {
      x.gas_wanted = (int64_t)info.gas_limit;
    }
    r.value_case = DVMABCI__RESPONSE__VALUE_CHECK_TX;
    r.check_tx = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_COMMIT: {
    Dvmabci__ResponseCommit x = DVMABCI__RESPONSE_COMMIT__INIT;
    /* The block is in the store since FinalizeBlock; the acknowledgement
     * tells Info that CometBFT saw it through. Retain every block: a DVM
     * replay verifies the whole chain. */
    if (abci_ack_store(a, a->finalized)) {
      snprintf(err, sizeof err, "cannot write %.150s/abci_commit: %.60s", a->dir, strerror(errno));
      fatal = 1;
      break;
    }
    x.retain_height = 0;
    r.value_case = DVMABCI__RESPONSE__VALUE_COMMIT;
    r.commit = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_LIST_SNAPSHOTS: {
    Dvmabci__ResponseListSnapshots x = DVMABCI__RESPONSE_LIST_SNAPSHOTS__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_LIST_SNAPSHOTS;
    r.list_snapshots = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_OFFER_SNAPSHOT: {
    Dvmabci__ResponseOfferSnapshot x = DVMABCI__RESPONSE_OFFER_SNAPSHOT__INIT;
    x.result = 3; /* REJECT: no snapshot format is understood */
    r.value_case = DVMABCI__RESPONSE__VALUE_OFFER_SNAPSHOT;
    r.offer_snapshot = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_LOAD_SNAPSHOT_CHUNK: {
    Dvmabci__ResponseLoadSnapshotChunk x = DVMABCI__RESPONSE_LOAD_SNAPSHOT_CHUNK__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_LOAD_SNAPSHOT_CHUNK;
    r.load_snapshot_chunk = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_APPLY_SNAPSHOT_CHUNK: {
    Dvmabci__ResponseApplySnapshotChunk x = DVMABCI__RESPONSE_APPLY_SNAPSHOT_CHUNK__INIT;
    x.result = 2; /* ABORT */
    r.value_case = DVMABCI__RESPONSE__VALUE_APPLY_SNAPSHOT_CHUNK;
    r.apply_snapshot_chunk = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_EXTEND_VOTE: {
    Dvmabci__ResponseExtendVote x = DVMABCI__RESPONSE_EXTEND_VOTE__INIT;
    r.value_case = DVMABCI__RESPONSE__VALUE_EXTEND_VOTE;
    r.extend_vote = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_VERIFY_VOTE_EXTENSION: {
    Dvmabci__ResponseVerifyVoteExtension x = DVMABCI__RESPONSE_VERIFY_VOTE_EXTENSION__INIT;
    x.status = 1; /* ACCEPT */
    r.value_case = DVMABCI__RESPONSE__VALUE_VERIFY_VOTE_EXTENSION;
    r.verify_vote_extension = &x;
    *resp = abci_pack(&r, resp_len);
    break;
  }
  case DVMABCI__REQUEST__VALUE_PREPARE_PROPOSAL:
    fatal = abci_prepare_proposal(a, q->prepare_proposal, resp, resp_len, err) < 0;
    break;
  case DVMABCI__REQUEST__VALUE_PROCESS_PROPOSAL:
    fatal = abci_process_proposal(a, q->process_proposal, resp, resp_len, err) < 0;
    break;
  case DVMABCI__REQUEST__VALUE_FINALIZE_BLOCK:
    fatal = abci_finalize_block(a, q->finalize_block, resp, resp_len, err) < 0;
    break;
  default:
    snprintf(err, sizeof err, "unknown request (field %d)", (int)q->value_case);
    break;
  }
  if (err[0]) {
    if (a->verbose || fatal) fprintf(stderr, "dvm abci: %s\n", err);
    *resp = abci_exception(err, resp_len);
  }
  if (!*resp) return -1;
  return fatal ? -1 : 0;
}

int dvm_abci_handle(dvm_abci *a, const uint8_t *req, size_t len, uint8_t **resp, size_t *resp_len) {
  *resp = NULL;
  Dvmabci__Request *q = dvmabci__request__unpack(NULL, len, req);
  if (!q) {
    *resp = abci_exception("malformed request", resp_len);
    return *resp ? 0 : -1;
  }
  pthread_mutex_lock(&a->lock);
  int rc = handle(a, q, resp, resp_len);
  pthread_mutex_unlock(&a->lock);
  dvmabci__request__free_unpacked(q, NULL);
  return rc;
}
