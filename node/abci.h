/* abci.h — `dvm abci`: DVM under CometBFT v0.38 as an ABCI 2.0 socket
 * application (issue 12). One CometBFT height is one DVM block; the DVM
 * genesis is block 0 (InitChain), so CometBFT's initial_height must be 1.
 *
 * Data directory: as `dvm node`'s (DIR/chain, DIR/genesis.json, DIR/node.lock
 * held while serving), so `dvm query --data DIR` and `dvm replay` read it.
 *
 * Persistence: FinalizeBlock executes the block and commits it to the DVM
 * store in one LMDB transaction (block, receipts and state together), and
 * Commit records durably (file DIR/abci_commit, written by rename) that
 * CometBFT has asked for the commit. Info reports that acknowledged height,
 * so after a crash between FinalizeBlock and Commit CometBFT's handshake
 * finalizes the same block again, and the server answers it from the
 * stored block (same results, same app hash) instead of executing it twice.
 *
 * The app hash is the DVM state root. Each transaction of a block gets one
 * ExecTxResult: code 0 (executed and returned), 1 (reverted), 2 (trapped),
 * 3 (refused by the supervisor), each with the receipt as data; or code 10
 * (left out of the DVM block: invalid encoding, signature, nonce, fees).
 * Those codes, gas_wanted (the gas limit) and gas_used (the receipt's) are
 * the deterministic fields CometBFT hashes.
 *
 * Gas: the chain is the one source. PrepareProposal keeps transactions
 * whose gas limits sum to at most the genesis `block_gas_limit` and whose
 * gas price is at least its `min_gas_price` (dvm_rt_chain_gas_rules,
 * dvm_rt_chain_check_tx), and ProcessProposal refuses a proposal it would
 * have changed, so a block that CometBFT decides never defers a
 * transaction as full (there is no local --block-gas). */
#ifndef DVM_NODE_ABCI_H
#define DVM_NODE_ABCI_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#define DVM_ABCI_CODE_OK 0u
#define DVM_ABCI_CODE_REVERT 1u
#define DVM_ABCI_CODE_TRAP 2u
#define DVM_ABCI_CODE_FAILED 3u
#define DVM_ABCI_CODE_REJECTED 10u /* not in the DVM block / refused by CheckTx */
#define DVM_ABCI_CODE_QUERY 20u    /* a query that found nothing or was malformed */

/* The largest frame read: 128 MiB (CometBFT's block limit is 100 MiB). */
#define DVM_ABCI_MAX_FRAME (128u << 20)

typedef struct dvm_abci_opts {
  const char *data_dir;     /* the data directory (created if missing) */
  const char *genesis_path; /* DVM genesis JSON used when InitChain's app_state is empty */
  unsigned threads;         /* signature threads; 0: online cores */
  int verbose;
} dvm_abci_opts;

typedef struct dvm_abci dvm_abci;

int dvm_abci_open(const dvm_abci_opts *o, dvm_abci **out, char *errbuf /* 256 */);
void dvm_abci_close(dvm_abci *a);

/* Answer one encoded Request with an encoded Response (malloc'd). Returns
 * 0, or -1 when the store failed: the response is then an Exception and
 * the server must stop. Thread-safe (one lock). */
int dvm_abci_handle(dvm_abci *a, const uint8_t *req, size_t len, uint8_t **resp, size_t *resp_len);

/* Frames: an unsigned varint length, then that many bytes. read returns 0
 * with the frame (malloc'd), 1 at a clean end of stream, -1 on a truncated
 * frame, a bad or oversize (> max) length, or a read error. */
int dvm_abci_frame_read(int fd, size_t max, uint8_t **buf, size_t *len);
int dvm_abci_frame_write(int fd, const uint8_t *buf, size_t len);
/* Encode a varint length prefix into out (10 bytes); returns its size. */
size_t dvm_abci_varint(uint64_t v, uint8_t out[10]);

/* Listen on "tcp://HOST:PORT" or "unix://PATH" and serve every connection
 * on its own thread until *stop is set (checked each second) or the store
 * fails (returns -1). */
int dvm_abci_serve(dvm_abci *a, const char *listen_addr, volatile sig_atomic_t *stop);

#endif
