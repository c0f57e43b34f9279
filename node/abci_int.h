/* abci_int.h — private to node/abci_*.c: the server's state and what the
 * files of `dvm abci` offer each other. The calls point down this list:
 *   abci_app.c       the dispatch: one Request in, one Response out, and
 *                    the small methods (Echo, Flush, Info, InitChain,
 *                    CheckTx, Commit, snapshots, vote extensions)
 *   abci_proposal.c  PrepareProposal / ProcessProposal: which transactions
 *                    a block holds
 *   abci_finalize.c  FinalizeBlock: the block executed and stored, its
 *                    results and events
 *   abci_query.c     Query paths
 *   abci_open.c      open and close: the data directory, the lock, the
 *                    Commit acknowledgement, stored block headers
 *   abci_frame.c     the wire: frames, varints, packed Responses (a leaf)
 * abci_server.c (the socket) calls dvm_abci_handle and the frames only. */
#ifndef DVM_NODE_ABCI_INT_H
#define DVM_NODE_ABCI_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "abci.h"
#include "abci.pb-c.h"
#include "runtime.h"
#include "tx.h"

struct dvm_abci {
  pthread_mutex_t lock; /* one request at a time (dvm_abci_handle) */
  dvm_rt_chain *chain;
  char dir[4096];
  char *genesis; /* --genesis file contents, or NULL */
  size_t genesis_len;
  uint64_t acked;     /* height of the last Commit (file abci_commit) */
  uint64_t finalized; /* height of the last FinalizeBlock answered */
  int verbose;
  int lock_fd; /* DIR/node.lock, held while serving (as `dvm node` does) */
  /* Fault injection for the network test (DVM_ABCI_FAULT=before:H or
   * after:H): SIGKILL itself inside FinalizeBlock of height H, before the
   * block is executed or after it is stored but before the answer. */
  uint64_t fault_h;
  int fault_after;
};

/* The methods below the dispatch. Each answers its request with an encoded
 * Response in *resp (malloc'd), or sets err (256 bytes) — the dispatch
 * then answers with an Exception. They return 0, or -1 when the store
 * failed (err set; the server stops). */
int abci_prepare_proposal(dvm_abci *a, const Dvmabci__RequestPrepareProposal *q, uint8_t **resp,
                          size_t *resp_len, char *err);
int abci_process_proposal(dvm_abci *a, const Dvmabci__RequestProcessProposal *q, uint8_t **resp,
                          size_t *resp_len, char *err);
int abci_finalize_block(dvm_abci *a, const Dvmabci__RequestFinalizeBlock *q, uint8_t **resp, size_t *resp_len,
                        char *err);
int abci_query(dvm_abci *a, const Dvmabci__RequestQuery *q, uint8_t **resp, size_t *resp_len, char *err);

/* abci_open.c: write DIR/abci_commit (height h) durably and set a->acked;
 * 0 or -1 (errno). */
int abci_ack_store(dvm_abci *a, uint64_t h);
/* The header of stored block h: 0 or a dvm_rt_err. */
int abci_block_header(dvm_abci *a, uint64_t h, dvm_tx_block_header *hd);

/* abci_frame.c: a Response encoded (malloc'd; NULL when out of memory),
 * and an Exception carrying msg. */
uint8_t *abci_pack(const Dvmabci__Response *r, size_t *len);
uint8_t *abci_exception(const char *msg, size_t *len);

#endif
