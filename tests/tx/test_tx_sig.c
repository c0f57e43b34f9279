/* test_tx_sig.c — signatures (spec/tx.md §3): a signed transaction
 * verifies; flipping any bit of its encoding makes it either undecodable or
 * unverifiable; a signature made for another chain id does not verify;
 * dvm_tx_verify_batch equals serial verification on 1, 2, 3, 8 and all
 * threads, on a mix of valid and invalid transactions. */
#include "tx_test.h"

static void test_flip_every_bit(void) {
  test_key key = test_key_make(21);
  for (int w = 0; w < TEST_SAMPLES; w++) {
    test_store st;
    dvm_tx tx = test_tx_sample(&key, w, &st);
    uint8_t *enc;
    size_t n;
    CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &enc, &n), 0);
    int decoded = 0, verified = 0;
    for (size_t i = 0; i < n; i++)
      for (int b = 0; b < 8; b++) {
        enc[i] ^= (uint8_t)(1u << b);
        dvm_tx d;
        if (dvm_tx_decode(enc, n, &d, NULL, 0) == 0) {
          decoded++;
          if (dvm_tx_verify(&d) == 0) {
            verified++;
            fprintf(stderr, "sample %d: flipped bit %d of byte %zu still verifies\n", w, b, i);
          }
          dvm_tx_free(&d);
        }
        enc[i] ^= (uint8_t)(1u << b);
      }
    CHECK_EQ(verified, 0);
    CHECK(decoded > (int)(n * 8) / 2); /* most flips still decode: the signature caught them */
    dvm_tx d;
    CHECK_EQ(dvm_tx_decode(enc, n, &d, NULL, 0), 0);
    CHECK_EQ(dvm_tx_verify(&d), 0);
    dvm_tx_free(&d);
    free(enc);
  }
}

static void test_wrong_chain(void) {
  test_key key = test_key_make(22);
  test_store st;
  dvm_tx a = test_tx_sample(&key, 0, &st);
  dvm_tx b = a;
  strcpy(b.chain_id, "dvm-test-2");
  uint8_t *ea, *eb;
  size_t na, nb;
  CHECK_EQ(dvm_tx_encode_signed(&a, key.sk, &ea, &na), 0);
  CHECK_EQ(dvm_tx_encode_signed(&b, key.sk, &eb, &nb), 0);
  CHECK(memcmp(a.sign_hash, b.sign_hash, 32) != 0);
  CHECK(memcmp(a.id, b.id, 32) != 0);
  /* Replay: chain 1's signature on chain 2's transaction. */
  memcpy(eb + nb - 64, ea + na - 64, 64);
  dvm_tx d;
  CHECK_EQ(dvm_tx_decode(eb, nb, &d, NULL, 0), 0);
  CHECK_EQ(dvm_tx_verify(&d), DVM_TX_ERR_SIG);
  dvm_tx_free(&d);
  /* A signature by another key (sender unchanged) does not verify. */
  test_key other = test_key_make(23);
  uint8_t sig[64];
  crypto_sign_detached(sig, NULL, a.sign_hash, 32, other.sk);
  memcpy(ea + na - 64, sig, 64);
  CHECK_EQ(dvm_tx_decode(ea, na, &d, NULL, 0), 0);
  CHECK_EQ(dvm_tx_verify(&d), DVM_TX_ERR_SIG);
  dvm_tx_free(&d);
  /* External signing: dvm_tx_encode gives the sign_hash, the signature
   * is placed in tx->signature, a second dvm_tx_encode gives the bytes. */
  uint8_t *e1, *e2;
  size_t n1, n2;
  CHECK_EQ(dvm_tx_encode(&a, &e1, &n1), 0);
  crypto_sign_detached(a.signature, NULL, a.sign_hash, 32, key.sk);
  CHECK_EQ(dvm_tx_encode(&a, &e2, &n2), 0);
  CHECK_EQ(dvm_tx_verify(&a), 0);
  CHECK(n2 == na);
  free(e1);
  free(e2);
  free(ea);
  free(eb);
}

#define NTX 700

static void test_batch(void) {
  static uint8_t *encs[NTX];
  static dvm_tx txs[NTX];
  static const dvm_tx *ptrs[NTX];
  static uint8_t serial[NTX], got[NTX];
  test_key keys[4];
  for (int k = 0; k < 4; k++) keys[k] = test_key_make((uint8_t)(40 + k));
  uint32_t rng = 12345;
  int invalid = 0;
  for (int i = 0; i < NTX; i++) {
    test_store st;
    const test_key *key = &keys[i % 4];
    dvm_tx tx = test_tx_sample(key, i % TEST_SAMPLES, &st);
    tx.nonce = (uint64_t)i;
    size_t n;
    CHECK_EQ(dvm_tx_encode_signed(&tx, key->sk, &encs[i], &n), 0);
    rng = rng * 1103515245u + 12345u;
    if ((rng >> 16) % 3 == 0) { /* corrupt one signature byte */
      encs[i][n - 1 - (rng >> 20) % 64] ^= 0x10;
      invalid++;
    }
    CHECK_EQ(dvm_tx_decode(encs[i], n, &txs[i], NULL, 0), 0);
    ptrs[i] = &txs[i];
    serial[i] = dvm_tx_verify(&txs[i]) == 0;
  }
  int nvalid = 0;
  for (int i = 0; i < NTX; i++) nvalid += serial[i];
  CHECK_EQ(nvalid, NTX - invalid);
  CHECK(invalid > 100);
  const unsigned threads[] = {1, 2, 3, 8, 0};
  for (unsigned t = 0; t < sizeof threads / sizeof threads[0]; t++) {
    memset(got, 0xEE, sizeof got);
    CHECK_EQ(dvm_tx_verify_batch(ptrs, NTX, threads[t], got), 0);
    CHECK(memcmp(got, serial, NTX) == 0);
    /* A prefix not a multiple of the work chunk. */
    memset(got, 0xEE, sizeof got);
    CHECK_EQ(dvm_tx_verify_batch(ptrs, 77, threads[t], got), 0);
    CHECK(memcmp(got, serial, 77) == 0);
    CHECK_EQ(got[77], 0xEE); /* nothing written past n */
  }
  /* Empty batch and NULL entries. */
  CHECK_EQ(dvm_tx_verify_batch(ptrs, 0, 0, got), 0);
  const dvm_tx *with_null[3] = {ptrs[0], NULL, ptrs[0]};
  CHECK_EQ(dvm_tx_verify_batch(with_null, 3, 2, got), 0);
  CHECK(got[0] == serial[0] && got[1] == 0 && got[2] == serial[0]);
  for (int i = 0; i < NTX; i++) {
    dvm_tx_free(&txs[i]);
    free(encs[i]);
  }
}

int main(void) {
  test_flip_every_bit();
  test_wrong_chain();
  test_batch();
  return test_report("tx_sig");
}
