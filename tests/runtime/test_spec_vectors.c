/* test_spec_vectors.c — the end-to-end vectors printed in spec/tx.md
 * §6.5 and §10.3, computed by the engine and pinned here so that the spec
 * and libdvm cannot drift apart: block 0 of the genesis document of §7;
 * block 1 holding one transfer (its receipt bytes, receipt hash, fee,
 * balances, the account records it creates and the state root); a
 * transaction error message of §2.6.
 * Usage: test_spec_vectors [--print] */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime.h"

static unsigned passed, failed;
static int print;

#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (cond) passed++;                                    \
    else {                                                 \
      failed++;                                            \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
    }                                                      \
  } while (0)

/* Compare bytes with the pinned hex (or print them). */
static void hex_is(const char *what, const uint8_t *b, size_t n, const char *want) {
  char *got = malloc(2 * n + 1);
  if (!got) abort();
  dvm_hex_encode(b, n, got);
  if (print) printf("%s %s\n", what, got);
  else CHECK(!strcmp(got, want), "%s: %s, spec says %s", what, got, want);
  free(got);
}

static void u64_is(const char *what, uint64_t got, uint64_t want) {
  if (print) printf("%s %" PRIu64 "\n", what, got);
  else CHECK(got == want, "%s: %" PRIu64 ", spec says %" PRIu64, what, got, want);
}

static dvm_rt_chain *open_chain(char *dir, size_t dirlen) {
  dvm_rt_chain *c;
  char e[256];
  snprintf(dir, dirlen, "/tmp/dvm-test-vectors-XXXXXX");
  if (!mkdtemp(dir) || dvm_rt_chain_open(dir, NULL, &c, e)) abort();
  return c;
}

static void rm_dir(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd)) fprintf(stderr, "cannot remove %s\n", dir);
}

/* spec/tx.md §7, verbatim. */
static const char genesis7[] =
    "{\n"
    "  \"chain_id\": \"dvm-devnet\",\n"
    "  \"time\": 1700000000,\n"
    "  \"assets\": [\n"
    "    {\"id\": 0, \"symbol\": \"GAS\", \"decimals\": 9},\n"
    "    {\"id\": 1, \"symbol\": \"USD\", \"decimals\": 6}\n"
    "  ],\n"
    "  \"balances\": [\n"
    "    {\"address\": \"1111111111111111111111111111111111111111111111111111111111111111\",\n"
    "     \"asset\": 0, \"amount\": \"1000000000000000000\"}\n"
    "  ],\n"
    "  \"authorities\": [\"2222222222222222222222222222222222222222222222222222222222222222\"]\n"
    "}\n";

static void block0(void) {
  char dir[64];
  uint8_t hash[32], root[32], *blk;
  size_t blen;
  uint64_t h, t;
  dvm_rt_chain *c = open_chain(dir, sizeof dir);
  CHECK(dvm_rt_chain_genesis(c, genesis7, strlen(genesis7)) == 0, "genesis: %s", dvm_rt_chain_errmsg(c));
  CHECK(dvm_rt_chain_head(c, &h, hash, root, &t) == 0 && h == 0 && t == 1700000000, "head of block 0");
  CHECK(dvm_rt_chain_block(c, 0, &blk, &blen) == 0 && blen == DVM_BLOCK_HEADER_BYTES + 4, "block 0 record");
  hex_is("block0.encoding", blk, blen,
         "02" "0000000000000000" "0000000000000000000000000000000000000000000000000000000000000000" "00f1536500000000"
         "fe63fbc15e682dcf7013f77be3bd4fd78dcfb4775b687f1d8173a653b86c93bf"
         "ffefbe5bbbff1020209f048b37feea59f0e87e8b51ca1ce59841c9b457f51ea0"
         "574d6ae65c04b68a9834bf3977733d3760eb418f452179aa5af95b1f82d7506d"
         "00ca9a3b00000000" "0000000000000000" /* gas limit 10^9 (the default), gas used 0 */
         "00000000");
  hex_is("block0.state_root", root, 32, "ffefbe5bbbff1020209f048b37feea59f0e87e8b51ca1ce59841c9b457f51ea0");
  hex_is("block0.hash", hash, 32, "fb48415b344e6492394ab7d625f8d190515555b55a4275fa296d879999dfc904");
  free(blk);
  dvm_rt_chain_close(c);
  rm_dir(dir);
}

/* Block 1 of a chain whose genesis funds the key of spec/tx.md §4. */
static void block1(void) {
  char dir[64], json[1024], pkhex[65], e[256];
  uint8_t seed[32], pk[32], sk[64], to[32], *txb, *rb, rhash[32];
  size_t txlen, rlen;
  memset(seed, 1, 32);
  memset(to, 2, 32);
  crypto_sign_seed_keypair(pk, sk, seed);
  dvm_hex_encode(pk, 32, pkhex);
  snprintf(json, sizeof json,
           "{\"chain_id\":\"dvm-devnet\",\"time\":1700000000,"
           "\"assets\":[{\"id\":0,\"symbol\":\"GAS\",\"decimals\":9},{\"id\":1,\"symbol\":\"USD\",\"decimals\":6}],"
           "\"balances\":[{\"address\":\"%s\",\"asset\":0,\"amount\":\"1000000000\"},"
           "{\"address\":\"%s\",\"asset\":1,\"amount\":\"5000000000\"}],\"authorities\":[]}",
           pkhex, pkhex);
  dvm_rt_chain *c = open_chain(dir, sizeof dir);
  CHECK(dvm_rt_chain_genesis(c, json, strlen(json)) == 0, "genesis: %s", dvm_rt_chain_errmsg(c));
  uint8_t g_root[32];
  dvm_rt_chain_head(c, NULL, NULL, g_root, NULL);
  hex_is("block1.genesis_state_root", g_root, 32, "1a87e577ba6c4524464dcb16d8443ca7c6b6722e7a982386d9560f646dc7df71");

  /* the transfer of §4 with nonce 0 */
  dvm_tx tx;
  memset(&tx, 0, sizeof tx);
  tx.version = 1;
  tx.kind = DVM_TX_TRANSFER;
  tx.chain_id_len = 10;
  memcpy(tx.chain_id, "dvm-devnet", 10);
  memcpy(tx.sender, pk, 32);
  tx.nonce = 0;
  tx.gas_limit = 21000;
  tx.gas_price = 1;
  memcpy(tx.u.transfer.to, to, 32);
  tx.u.transfer.asset = 1;
  tx.u.transfer.amount = 2500000000u;
  CHECK(dvm_tx_encode_signed(&tx, sk, &txb, &txlen) == 0 && txlen == 177, "encode");
  hex_is("block1.tx_id", tx.id, 32, "562152eb81bbcd5b5b0b17d5de643ed7bbfdf838ed88e9803743ece9eab32242");

  dvm_rt_tx_info info;
  CHECK(dvm_rt_chain_check_tx(c, txb, txlen, &info, e) == 0, "check: %s", e);
  const uint8_t *const txs[1] = {txb};
  size_t lens[1] = {txlen};
  int rej[1];
  dvm_rt_block_info bi;
  CHECK(dvm_rt_chain_produce(c, txs, lens, 1, 1700000001, rej, &bi, NULL, NULL) == 0 && rej[0] == 0, "produce: %s",
        dvm_rt_chain_errmsg(c));
  u64_is("block1.gas_used", bi.gas_used, 16416);
  hex_is("block1.state_root", bi.state_root, 32, "c86ad7e13fbbc0d5215b0bd03520a94c47e8a3d00a1e36192de0f5ddee0d6d71");
  hex_is("block1.receipts_root", bi.receipts_root, 32, "daab15843122cb3888dd05cc957d5bee61b9d33fc1d935e2c36e9ffc7a7bef52");
  hex_is("block1.hash", bi.hash, 32, "6afa082dd55fb432ac261f0ba02cc7df0603143c038304933cb28a48a224ca17");
  {
    uint8_t *b1;
    size_t b1len;
    dvm_tx_block_header hd;
    CHECK(dvm_rt_chain_block(c, 1, &b1, &b1len) == 0 &&
              dvm_tx_block_header_decode(b1, DVM_BLOCK_HEADER_BYTES, &hd, e, sizeof e) == 0,
          "block 1 header");
    u64_is("block1.header.gas_limit", hd.gas_limit, 1000000000u);
    u64_is("block1.header.gas_used", hd.gas_used, 16416);
    free(b1);
  }
  CHECK(dvm_rt_chain_receipt(c, tx.id, &rb, &rlen) == 0, "receipt");
  hex_is("block1.receipt", rb, rlen, "562152eb81bbcd5b5b0b17d5de643ed7bbfdf838ed88e9803743ece9eab32242"
         "0100000000000000" "00000000" "01" "00" "2040000000000000" "2040000000000000" "00" "0100"
         "00" "00" "00000000" "00000000" "0000000000000000" "0000000000000000" "00000000" "0000");
  dvm_tx_receipt_hash(rb, rlen, rhash);
  hex_is("block1.receipt_hash", rhash, 32, "7eaf0fa361700397e0ad97e310ae518d6183a47c9b7ddb0cbe7dba37d09ed3ac");
  free(rb);

  uint64_t v;
  uint8_t zero[32] = {0};
  dvm_rt_chain_balance(c, pk, 0, &v);
  u64_is("block1.sender_gas", v, 1000000000u - 16416);
  dvm_rt_chain_balance(c, pk, 1, &v);
  u64_is("block1.sender_usd", v, 2500000000u);
  dvm_rt_chain_balance(c, to, 1, &v);
  u64_is("block1.to_usd", v, 2500000000u);
  dvm_rt_chain_balance(c, zero, 0, &v);
  u64_is("block1.system_gas", v, 16416);
  dvm_rt_chain_nonce(c, pk, &v);
  u64_is("block1.sender_nonce", v, 1);
  free(txb);
  dvm_rt_chain_close(c);
  rm_dir(dir);
}

/* The decoder's message for a method name too long: call 0 of a batch. */
static void decode_error(void) {
  uint8_t b[256];
  size_t n = 0;
  dvm_tx tx;
  char e[200];
  b[n++] = 1;
  b[n++] = DVM_TX_CALL;
  b[n++] = 8;
  memcpy(b + n, "dvm-test", 8);
  n += 8;
  memset(b + n, 0x11, 32);
  n += 32;
  memset(b + n, 0, 24); /* nonce, gas limit, gas price */
  n += 24;
  b[n++] = 1; /* count u16 = 1 */
  b[n++] = 0;
  memset(b + n, 0x33, 32); /* contract */
  n += 32;
  b[n++] = 65; /* method_len */
  memset(b + n, 'a', 100);
  n += 100;
  int rc = dvm_tx_decode(b, n, &tx, e, sizeof e);
  if (print) printf("decode_error %d %s\n", rc, e);
  else CHECK(rc == DVM_TX_ERR_LIMIT && !strcmp(e, "at byte 101: call 0 method_len 65 above 64"), "decode error: %d '%s'", rc, e);
}

int main(int argc, char **argv) {
  print = argc > 1 && !strcmp(argv[1], "--print");
  if (sodium_init() < 0) abort();
  block0();
  block1();
  decode_error();
  if (!print) printf("test_spec_vectors: %u passed, %u failed\n", passed, failed);
  return failed ? 1 : 0;
}
