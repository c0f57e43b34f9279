/* test_tx_codec.c — transaction encoding (spec/tx.md §1-§3): round trips of
 * every kind, an independent byte-level encoder that must agree with
 * dvm_tx_encode, every decode error (truncation at every offset, trailing
 * bytes, each cap, each non-canonical field), encode's own refusals, and the
 * worked example of spec/tx.md §4. */
#include "tx_test.h"

/* ---- an independent raw writer: builds encodings, valid or not ---- */
typedef struct raw {
  uint8_t *b;
  size_t n, cap;
} raw;

static void raw_put(raw *r, const void *p, size_t n) {
  if (r->n + n > r->cap) {
    r->cap = (r->n + n) * 2 + 64;
    r->b = realloc(r->b, r->cap);
    if (!r->b) abort();
  }
  if (n) memcpy(r->b + r->n, p, n);
  r->n += n;
}
static void raw_u8(raw *r, uint8_t v) { raw_put(r, &v, 1); }
static void raw_le(raw *r, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++) raw_u8(r, (uint8_t)(v >> (8 * i)));
}
static void raw_fill(raw *r, uint8_t v, size_t n) {
  for (size_t i = 0; i < n; i++) raw_u8(r, v);
}
/* version | kind | chain id | sender | nonce | gas_limit | gas_price */
static void raw_head(raw *r, uint8_t version, uint8_t kind, const char *chain, size_t clen) {
  r->n = 0;
  raw_u8(r, version);
  raw_u8(r, kind);
  raw_u8(r, (uint8_t)clen);
  raw_put(r, chain, clen);
  raw_fill(r, 0x11, 32);
  raw_le(r, 9, 8);
  raw_le(r, 21000, 8);
  raw_le(r, 1, 8);
}
static void raw_sig(raw *r) { raw_fill(r, 0x5A, 64); }
static void raw_call(raw *r, const char *method, size_t mlen, uint32_t input_len, uint8_t na,
                     const uint32_t *ids, const uint64_t *amounts) {
  raw_fill(r, 0x33, 32);
  raw_u8(r, (uint8_t)mlen);
  raw_put(r, method, mlen);
  raw_le(r, input_len, 4);
  raw_fill(r, 0x44, input_len);
  raw_le(r, 777, 8);
  raw_u8(r, na);
  for (unsigned k = 0; k < na; k++) {
    raw_le(r, ids[k], 4);
    raw_le(r, amounts[k], 8);
  }
}

/* Decode a private exact-size copy (so ASan sees any over-read). */
static int dec(const raw *r, dvm_tx *tx, char *err, size_t errlen) {
  uint8_t *copy = malloc(r->n ? r->n : 1);
  if (!copy) abort();
  if (r->n) memcpy(copy, r->b, r->n);
  int rc = dvm_tx_decode(copy, r->n, tx, err, errlen);
  if (rc == 0) dvm_tx_free(tx); /* tx borrows copy: free both now */
  free(copy);
  return rc;
}

static int g_cases;
#define EXPECT(r, code, msg)                                                                       \
  do {                                                                                             \
    dvm_tx t_;                                                                                     \
    char e_[256] = "";                                                                             \
    g_cases++;                                                                                     \
    CHECK_EQ(dec((r), &t_, e_, sizeof e_), (code));                                                \
    if ((code) != 0) CHECK_MSG(e_, (msg));                                                         \
  } while (0)

/* ---- round trips ---- */
static void test_round_trips(void) {
  test_key key = test_key_make(7);
  for (int w = 0; w < TEST_SAMPLES; w++) {
    test_store st;
    dvm_tx tx = test_tx_sample(&key, w, &st);
    uint8_t *enc = NULL;
    size_t n = 0;
    CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &enc, &n), 0);
    CHECK_EQ(tx.encoded_len, n);
    dvm_tx d;
    char err[256];
    CHECK_EQ(dvm_tx_decode(enc, n, &d, err, sizeof err), 0);
    CHECK(memcmp(d.id, tx.id, 32) == 0);
    CHECK(memcmp(d.sign_hash, tx.sign_hash, 32) == 0);
    CHECK(memcmp(d.signature, tx.signature, 64) == 0);
    CHECK_EQ(dvm_tx_verify(&d), 0);
    CHECK_EQ(d.kind, tx.kind);
    CHECK(strcmp(d.chain_id, "dvm-test-1") == 0);
    CHECK_EQ(d.nonce, tx.nonce);
    CHECK_EQ(d.gas_limit, tx.gas_limit);
    CHECK_EQ(d.gas_price, tx.gas_price);
    CHECK(memcmp(d.sender, key.pk, 32) == 0);
    /* Field by field per kind. */
    switch (w) {
    case 0:
      CHECK(memcmp(d.u.transfer.to, tx.u.transfer.to, 32) == 0);
      CHECK_EQ(d.u.transfer.asset, 1);
      CHECK_EQ(d.u.transfer.amount, 1234567890123ull);
      break;
    case 1:
      CHECK_EQ(d.u.deploy.code_len, 40);
      CHECK(memcmp(d.u.deploy.code, st.code, 40) == 0);
      CHECK_EQ(d.u.deploy.init_input_len, 5);
      CHECK(memcmp(d.u.deploy.init_input, st.input, 5) == 0);
      CHECK_EQ(d.u.deploy.init_gas, 50000);
      break;
    case 2:
      CHECK_EQ(d.u.call.count, 16);
      for (unsigned i = 0; i < 16; i++) {
        const dvm_tx_call *a = &d.u.call.calls[i], *b = &st.calls[i];
        CHECK(memcmp(a->contract, b->contract, 32) == 0);
        CHECK(a->method_len == b->method_len && memcmp(a->method, b->method, a->method_len) == 0);
        CHECK(a->input_len == b->input_len &&
              (a->input_len == 0 || memcmp(a->input, b->input, a->input_len) == 0));
        CHECK_EQ(a->gas_limit, b->gas_limit);
        CHECK_EQ(a->asset_count, b->asset_count);
        for (unsigned k = 0; k < a->asset_count; k++)
          CHECK(a->assets[k].asset == b->assets[k].asset &&
                a->assets[k].amount == b->assets[k].amount);
      }
      break;
    case 3:
      CHECK_EQ(d.u.sys.sys_kind, DVM_SYS_ORACLE);
      CHECK_EQ(d.u.sys.count, 4);
      for (unsigned i = 0; i < 4; i++)
        CHECK(d.u.sys.oracle[i].feed == st.oracle[i].feed &&
              d.u.sys.oracle[i].price == st.oracle[i].price &&
              d.u.sys.oracle[i].publish_time == st.oracle[i].publish_time);
      CHECK(d.u.sys.oracle[2].price < 0);
      break;
    default:
      CHECK_EQ(d.u.sys.sys_kind, DVM_SYS_PARAM);
      CHECK_EQ(d.u.sys.count, 3);
      for (unsigned i = 0; i < 3; i++)
        CHECK(d.u.sys.params[i].key_len == st.params[i].key_len &&
              memcmp(d.u.sys.params[i].key, st.params[i].key, st.params[i].key_len) == 0 &&
              d.u.sys.params[i].val_len == st.params[i].val_len);
      break;
    }
    /* Re-encoding the decoded tx (signature as is) gives the same bytes. */
    uint8_t *enc2 = NULL;
    size_t n2 = 0;
    CHECK_EQ(dvm_tx_encode(&d, &enc2, &n2), 0);
    CHECK(n2 == n && memcmp(enc, enc2, n) == 0);
    /* Signing is deterministic (Ed25519): encoding twice gives the same bytes. */
    uint8_t *enc3 = NULL;
    size_t n3 = 0;
    CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &enc3, &n3), 0);
    CHECK(n3 == n && memcmp(enc, enc3, n) == 0);
    /* Truncation at every byte offset fails cleanly, as TRUNCATED. */
    for (size_t k = 0; k < n; k++) {
      raw r = {NULL, 0, 0};
      raw_put(&r, enc, k);
      dvm_tx t;
      char e[256];
      int rc = dec(&r, &t, e, sizeof e);
      if (rc != DVM_TX_ERR_TRUNCATED) {
        fprintf(stderr, "sample %d prefix %zu: rc %d (%s)\n", w, k, rc, e);
        CHECK_EQ(rc, DVM_TX_ERR_TRUNCATED);
      }
      g_checks++;
      free(r.b);
    }
    /* One trailing byte. */
    raw r = {NULL, 0, 0};
    raw_put(&r, enc, n);
    raw_u8(&r, 0);
    EXPECT(&r, DVM_TX_ERR_TRAILING, "trailing");
    free(r.b);
    dvm_tx_free(&d);
    free(enc);
    free(enc2);
    free(enc3);
  }
}

/* The raw writer and dvm_tx_encode agree byte for byte (the layout). */
static void test_layout(void) {
  test_key key = test_key_make(3);
  test_store st;
  dvm_tx tx = test_tx_sample(&key, 0, &st);
  uint8_t *enc;
  size_t n;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &enc, &n), 0);
  raw r = {NULL, 0, 0};
  raw_u8(&r, 1);
  raw_u8(&r, 1);
  raw_u8(&r, 10);
  raw_put(&r, "dvm-test-1", 10);
  raw_put(&r, key.pk, 32);
  raw_le(&r, 1, 8);
  raw_le(&r, 1000000, 8);
  raw_le(&r, 2, 8);
  raw_fill(&r, 0x22, 32);
  raw_le(&r, 1, 4);
  raw_le(&r, 1234567890123ull, 8);
  CHECK_EQ(r.n + 64, n);
  CHECK(memcmp(r.b, enc, r.n) == 0);
  /* sign_hash and id are the domain-separated BLAKE2b-256 of spec §3. */
  uint8_t h[32];
  crypto_generichash_state s;
  crypto_generichash_init(&s, NULL, 0, 32);
  crypto_generichash_update(&s, (const uint8_t *)"DVM/tx-sign/v1", 14);
  crypto_generichash_update(&s, enc, n - 64);
  crypto_generichash_final(&s, h, 32);
  CHECK(memcmp(h, tx.sign_hash, 32) == 0);
  crypto_generichash_init(&s, NULL, 0, 32);
  crypto_generichash_update(&s, (const uint8_t *)"DVM/tx-id/v1", 12);
  crypto_generichash_update(&s, enc, n);
  crypto_generichash_final(&s, h, 32);
  CHECK(memcmp(h, tx.id, 32) == 0);
  CHECK_EQ(crypto_sign_verify_detached(enc + n - 64, tx.sign_hash, 32, key.pk), 0);
  free(r.b);
  free(enc);

  /* The smallest transaction: SYSTEM/PARAM, 1-byte chain id, key "k", no value. */
  dvm_tx m = test_tx_base(&key, DVM_TX_SYSTEM, 0);
  strcpy(m.chain_id, "x");
  m.chain_id_len = 1;
  dvm_tx_param p = {(const uint8_t *)"k", 1, NULL, 0};
  m.u.sys.sys_kind = DVM_SYS_PARAM;
  m.u.sys.count = 1;
  m.u.sys.params = &p;
  CHECK_EQ(dvm_tx_encode_signed(&m, key.sk, &enc, &n), 0);
  CHECK_EQ(n, 131);
  free(enc);
}

/* ---- decode errors, one per rule ---- */
static void test_header_errors(void) {
  raw r = {NULL, 0, 0};
  /* A valid transfer from the raw writer decodes. */
  raw_head(&r, 1, 1, "c", 1);
  raw_fill(&r, 0x22, 32);
  raw_le(&r, 0, 4);
  raw_le(&r, 1, 8);
  raw_sig(&r);
  EXPECT(&r, 0, "");
  size_t good = r.n;
  r.b[0] = 0;
  EXPECT(&r, DVM_TX_ERR_VERSION, "at byte 0: transaction version 0");
  r.b[0] = 2;
  EXPECT(&r, DVM_TX_ERR_VERSION, "version 2");
  r.b[0] = 1;
  r.b[1] = 0;
  EXPECT(&r, DVM_TX_ERR_KIND, "at byte 1: unknown transaction kind 0");
  r.b[1] = 5;
  EXPECT(&r, DVM_TX_ERR_KIND, "kind 5");
  r.b[1] = 1;
  /* Transfer amount zero. */
  memset(r.b + good - 64 - 8, 0, 8);
  EXPECT(&r, DVM_TX_ERR_FIELD, "transfer amount is zero");

  /* chain id: empty, too long, bad characters; 32 is fine. */
  char chain[40];
  memset(chain, 'a', sizeof chain);
  const size_t lens[] = {0, 33, 32};
  const int codes[] = {DVM_TX_ERR_FIELD, DVM_TX_ERR_LIMIT, 0};
  const char *msgs[] = {"chain_id_len is zero", "chain_id_len 33 above 32", ""};
  for (int i = 0; i < 3; i++) {
    raw_head(&r, 1, 1, chain, lens[i]);
    raw_fill(&r, 0x22, 32);
    raw_le(&r, 0, 4);
    raw_le(&r, 1, 8);
    raw_sig(&r);
    EXPECT(&r, codes[i], msgs[i]);
  }
  const char bad[] = {' ', '/', '+', 0, (char)0x80, 'A' - 1};
  for (unsigned i = 0; i < sizeof bad; i++) {
    char c[3] = {'a', bad[i], 'b'};
    raw_head(&r, 1, 1, c, 3);
    raw_fill(&r, 0x22, 32);
    raw_le(&r, 0, 4);
    raw_le(&r, 1, 8);
    raw_sig(&r);
    EXPECT(&r, DVM_TX_ERR_FIELD, "at byte 4: chain_id byte");
  }
  raw_head(&r, 1, 1, "Az09._-", 7);
  raw_fill(&r, 0x22, 32);
  raw_le(&r, 0, 4);
  raw_le(&r, 1, 8);
  raw_sig(&r);
  EXPECT(&r, 0, "");

  /* Whole transaction above 1 MiB: refused before reading. */
  raw big = {NULL, 0, 0};
  raw_fill(&big, 0, DVM_TX_MAX_BYTES + 1);
  EXPECT(&big, DVM_TX_ERR_LIMIT, "above 1048576");
  free(big.b);
  /* Empty buffer, NULL buffer. */
  raw empty = {NULL, 0, 0};
  dvm_tx t;
  char e[128];
  CHECK_EQ(dvm_tx_decode(NULL, 0, &t, e, sizeof e), DVM_TX_ERR_TRUNCATED);
  CHECK_EQ(dec(&empty, &t, NULL, 0), DVM_TX_ERR_TRUNCATED); /* no error buffer is fine */
  free(r.b);
}

static void deploy(raw *r, uint32_t code_len, size_t code_bytes, uint32_t init_len,
                   size_t init_bytes) {
  raw_head(r, 1, 2, "c", 1);
  raw_le(r, code_len, 4);
  raw_fill(r, 0xC0, code_bytes);
  raw_le(r, init_len, 4);
  raw_fill(r, 0x1E, init_bytes);
  raw_le(r, 5, 8);
  raw_sig(r);
}

static void test_deploy_errors(void) {
  raw r = {NULL, 0, 0};
  deploy(&r, 1, 1, 0, 0);
  EXPECT(&r, 0, "");
  deploy(&r, 0, 0, 0, 0);
  EXPECT(&r, DVM_TX_ERR_FIELD, "deploy code_len is zero");
  deploy(&r, DVM_TX_MAX_BYTES + 1, 4, 0, 0);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "deploy code_len 1048577 above");
  deploy(&r, 100, 10, 0, 0); /* declared longer than present */
  EXPECT(&r, DVM_TX_ERR_TRUNCATED, "deploy code");
  deploy(&r, 8, 8, DVM_TX_MAX_INPUT + 1, 0);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "deploy init_len 65537 above 65536");
  deploy(&r, 8, 8, DVM_TX_MAX_INPUT, DVM_TX_MAX_INPUT);
  EXPECT(&r, 0, "");
  /* Exactly 1 MiB in all is valid; one byte more is not. */
  size_t fixed = 3 + 1 + 32 + 24 + 4 + 4 + 8 + 64;
  deploy(&r, (uint32_t)(DVM_TX_MAX_BYTES - fixed), DVM_TX_MAX_BYTES - fixed, 0, 0);
  CHECK_EQ(r.n, DVM_TX_MAX_BYTES);
  EXPECT(&r, 0, "");
  deploy(&r, (uint32_t)(DVM_TX_MAX_BYTES - fixed + 1), DVM_TX_MAX_BYTES - fixed + 1, 0, 0);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "above 1048576");
  free(r.b);
}

/* A batch of `count` calls, call `bad` given (method, input_len, assets). */
static void batch(raw *r, unsigned count_field, unsigned count, const char *method, size_t mlen,
                  uint32_t input_len, uint8_t na, const uint32_t *ids, const uint64_t *amounts) {
  raw_head(r, 1, 3, "c", 1);
  raw_le(r, count_field, 2);
  for (unsigned i = 0; i < count; i++)
    if (i == count - 1) raw_call(r, method, mlen, input_len, na, ids, amounts);
    else raw_call(r, "m", 1, 0, 0, NULL, NULL);
  raw_sig(r);
}

static void test_call_errors(void) {
  raw r = {NULL, 0, 0};
  uint32_t ids[17];
  uint64_t amounts[17];
  for (unsigned k = 0; k < 17; k++) {
    ids[k] = 10 + 3 * k;
    amounts[k] = 1 + k;
  }
  char name[65];
  memset(name, 'n', sizeof name);
  batch(&r, 1, 1, "run", 3, 0, 0, NULL, NULL);
  EXPECT(&r, 0, "");
  batch(&r, 0, 0, "", 0, 0, 0, NULL, NULL);
  EXPECT(&r, DVM_TX_ERR_FIELD, "call count is zero");
  batch(&r, 257, 257, "m", 1, 0, 0, NULL, NULL);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "call count 257 above 256");
  batch(&r, 256, 256, "m", 1, 0, 0, NULL, NULL);
  EXPECT(&r, 0, "");
  batch(&r, 256, 3, "m", 1, 0, 0, NULL, NULL); /* count says more than present */
  EXPECT(&r, DVM_TX_ERR_TRUNCATED, "calls");
  batch(&r, 2, 2, "m", 0, 0, 0, NULL, NULL);
  EXPECT(&r, DVM_TX_ERR_FIELD, "call 1 method_len is zero");
  batch(&r, 2, 2, name, 65, 0, 0, NULL, NULL);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "call 1 method_len 65 above 64");
  batch(&r, 2, 2, name, 64, 0, 0, NULL, NULL);
  EXPECT(&r, 0, "");
  batch(&r, 1, 1, "A_z.9$", 6, 0, 0, NULL, NULL);
  EXPECT(&r, 0, "");
  const char bad[] = {'-', ' ', '/', 0, (char)0xC3};
  for (unsigned i = 0; i < sizeof bad; i++) {
    char m[2] = {'x', bad[i]};
    batch(&r, 1, 1, m, 2, 0, 0, NULL, NULL);
    EXPECT(&r, DVM_TX_ERR_FIELD, "call 0 method byte");
  }
  batch(&r, 1, 1, "m", 1, DVM_TX_MAX_INPUT + 1, 0, NULL, NULL);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "call 0 input_len 65537 above 65536");
  batch(&r, 1, 1, "m", 1, DVM_TX_MAX_INPUT, 0, NULL, NULL);
  EXPECT(&r, 0, "");
  batch(&r, 1, 1, "m", 1, 0, 16, ids, amounts);
  EXPECT(&r, 0, "");
  batch(&r, 1, 1, "m", 1, 0, 17, ids, amounts);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "call 0 asset_count 17 above 16");
  uint32_t dup[2] = {5, 5}, down[2] = {6, 5};
  uint64_t amt[2] = {1, 1}, zero[2] = {1, 0};
  batch(&r, 1, 1, "m", 1, 0, 2, dup, amt);
  EXPECT(&r, DVM_TX_ERR_FIELD, "call 0 asset 1: id 5 not above the previous 5");
  batch(&r, 1, 1, "m", 1, 0, 2, down, amt);
  EXPECT(&r, DVM_TX_ERR_FIELD, "id 5 not above the previous 6");
  batch(&r, 1, 1, "m", 1, 0, 2, ids, zero);
  EXPECT(&r, DVM_TX_ERR_FIELD, "call 0 asset 1: amount is zero");
  free(r.b);
}

static void oracle(raw *r, uint8_t sys_kind, unsigned count_field, unsigned count,
                   const uint32_t *feeds) {
  raw_head(r, 1, 4, "c", 1);
  raw_u8(r, sys_kind);
  raw_le(r, count_field, 2);
  for (unsigned i = 0; i < count; i++) {
    raw_le(r, feeds ? feeds[i] : i, 4);
    raw_le(r, (uint64_t)-5, 8);
    raw_le(r, 1700000000, 8);
  }
  raw_sig(r);
}

static void params(raw *r, unsigned count_field, unsigned count, const char *const *keys,
                   const uint16_t *vlens) {
  raw_head(r, 1, 4, "c", 1);
  raw_u8(r, 2);
  raw_le(r, count_field, 2);
  for (unsigned i = 0; i < count; i++) {
    size_t kl = strlen(keys[i]);
    raw_u8(r, (uint8_t)kl);
    raw_put(r, keys[i], kl);
    raw_le(r, vlens[i], 2);
    raw_fill(r, 0x77, vlens[i]);
  }
  raw_sig(r);
}

static void test_system_errors(void) {
  raw r = {NULL, 0, 0};
  oracle(&r, 1, 256, 256, NULL);
  EXPECT(&r, 0, "");
  oracle(&r, 0, 1, 1, NULL);
  EXPECT(&r, DVM_TX_ERR_KIND, "unknown system kind 0");
  oracle(&r, 3, 1, 1, NULL);
  EXPECT(&r, DVM_TX_ERR_KIND, "unknown system kind 3");
  oracle(&r, 1, 0, 0, NULL);
  EXPECT(&r, DVM_TX_ERR_FIELD, "system count is zero");
  oracle(&r, 1, 257, 257, NULL);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "system count 257 above 256");
  oracle(&r, 1, 200, 2, NULL);
  EXPECT(&r, DVM_TX_ERR_TRUNCATED, "oracle entries");
  uint32_t eq[3] = {1, 4, 4}, down[3] = {1, 4, 3};
  oracle(&r, 1, 3, 3, eq);
  EXPECT(&r, DVM_TX_ERR_FIELD, "oracle 2: feed 4 not above the previous 4");
  oracle(&r, 1, 3, 3, down);
  EXPECT(&r, DVM_TX_ERR_FIELD, "oracle 2: feed 3 not above the previous 4");

  static char k64[65], k65[66];
  memset(k64, 'k', 64);
  memset(k65, 'k', 65);
  const uint16_t v0[3] = {0, 0, 0}, vmax[2] = {1024, 0}, vbig[2] = {0, 1025};
  const char *ok3[3] = {"a", "ab", "b"};
  params(&r, 3, 3, ok3, v0);
  EXPECT(&r, 0, "");
  const char *shorter_after[2] = {"ab", "a"};
  params(&r, 2, 2, shorter_after, v0);
  EXPECT(&r, DVM_TX_ERR_FIELD, "param 1: key not above the previous key");
  const char *same[2] = {"ab", "ab"};
  params(&r, 2, 2, same, v0);
  EXPECT(&r, DVM_TX_ERR_FIELD, "param 1: key not above");
  const char *down2[2] = {"b", "a"};
  params(&r, 2, 2, down2, v0);
  EXPECT(&r, DVM_TX_ERR_FIELD, "param 1: key not above");
  const char *empty[2] = {"a", ""};
  params(&r, 2, 2, empty, v0);
  EXPECT(&r, DVM_TX_ERR_FIELD, "param 1 key_len is zero");
  const char *long64[2] = {"a", k64};
  params(&r, 2, 2, long64, vmax);
  EXPECT(&r, 0, "");
  const char *long65[2] = {"a", k65};
  params(&r, 2, 2, long65, v0);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "param 1 key_len 65 above 64");
  params(&r, 2, 2, long64, vbig);
  EXPECT(&r, DVM_TX_ERR_LIMIT, "param 1 val_len 1025 above 1024");
  /* Keys are bytes: binary keys sort by memcmp (0xff after 'z'). */
  const char *bin[2] = {"z", "\xff"};
  params(&r, 2, 2, bin, v0);
  EXPECT(&r, 0, "");
  free(r.b);
}

/* ---- encode refuses what decode would refuse, without over-reading ---- */
static void test_encode_refusals(void) {
  test_key key = test_key_make(9), other = test_key_make(10);
  test_store st;
  uint8_t *out;
  size_t n;
  dvm_tx tx = test_tx_sample(&key, 0, &st);
  CHECK_EQ(dvm_tx_encode_signed(&tx, other.sk, &out, &n), DVM_TX_ERR_FIELD); /* key != sender */
  CHECK(out == NULL && n == 0);
  tx.version = 2;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_VERSION);
  tx = test_tx_sample(&key, 0, &st);
  tx.u.transfer.amount = 0;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx = test_tx_sample(&key, 0, &st);
  tx.chain_id_len = 33;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_LIMIT);
  tx.chain_id_len = 0;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx = test_tx_sample(&key, 0, &st);
  tx.kind = 9;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_KIND);
  tx = test_tx_sample(&key, 2, &st);
  st.calls[3].asset_count = 17;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_LIMIT);
  tx = test_tx_sample(&key, 2, &st);
  st.calls[2].assets[1].asset = 0; /* not increasing (call 2 has assets 0, 2) */
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx = test_tx_sample(&key, 2, &st);
  tx.u.call.count = 0;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx.u.call.count = 2;
  tx.u.call.calls = NULL;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx = test_tx_sample(&key, 2, &st);
  st.calls[0].method = "bad-name";
  st.calls[0].method_len = 8;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx = test_tx_sample(&key, 3, &st);
  st.oracle[1].feed = st.oracle[0].feed;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx = test_tx_sample(&key, 3, &st);
  tx.u.sys.sys_kind = 7;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_KIND);
  tx = test_tx_sample(&key, 4, &st);
  st.params[1].val_len = 1025;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_LIMIT);
  tx = test_tx_sample(&key, 1, &st);
  tx.u.deploy.code_len = 0;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_FIELD);
  tx = test_tx_sample(&key, 1, &st);
  tx.u.deploy.code_len = DVM_TX_MAX_BYTES; /* fits the field, not the 1 MiB total */
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &out, &n), DVM_TX_ERR_LIMIT);
  for (int c = DVM_TX_ERR_JSON; c <= 0; c++) CHECK(dvm_tx_strerror(c)[0] != 0);
  CHECK(strcmp(dvm_tx_strerror(DVM_TX_ERR_SIG), "DVM_TX_ERR_SIG: signature does not verify") == 0);
  CHECK(strcmp(dvm_tx_strerror(1), "unknown error code (not in base/errors.def)") == 0);
}

/* ---- spec/tx.md §4: the worked example, pinned ---- */
static const char *const k_example_hex =
#include "tx_example.inc"
    ;

static void test_worked_example(void) {
  test_key key = test_key_make(1);
  dvm_tx tx = test_tx_base(&key, DVM_TX_TRANSFER, 5);
  strcpy(tx.chain_id, "dvm-devnet");
  tx.chain_id_len = 10;
  tx.gas_limit = 21000;
  tx.gas_price = 1;
  memset(tx.u.transfer.to, 0x02, 32);
  tx.u.transfer.asset = 1;
  tx.u.transfer.amount = 2500000000ull;
  uint8_t *enc;
  size_t n;
  CHECK_EQ(dvm_tx_encode_signed(&tx, key.sk, &enc, &n), 0);
  char *h = test_hex(enc, n), *sh = test_hex(tx.sign_hash, 32), *id = test_hex(tx.id, 32);
  char *pk = test_hex(key.pk, 32);
  char got[2048];
  snprintf(got, sizeof got, "pk %s\nencoding %s\nsign_hash %s\nid %s\n", pk, h, sh, id);
  if (strcmp(got, k_example_hex) != 0) {
    g_failures++;
    fprintf(stderr, "worked example differs from spec/tx.md; got:\n%s", got);
  }
  g_checks++;
  if (getenv("DVM_TX_PRINT_EXAMPLE")) printf("%s", got);
  free(h);
  free(sh);
  free(id);
  free(pk);
  free(enc);
}

/* spec/tx.md §4 shows the same bytes: compare its code block with the
 * pinned text (hex digits only, whitespace ignored). */
static void strip_ws(const char *in, char *out, size_t cap) {
  size_t k = 0;
  for (; *in && k + 1 < cap; in++)
    if (*in != ' ' && *in != '\n' && *in != '\r' && *in != '\t') out[k++] = *in;
  out[k] = 0;
}

static void test_spec_example(const char *path) {
  FILE *f = fopen(path, "rb");
  CHECK(f != NULL);
  if (!f) return;
  static char text[1 << 16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = 0;
  const char *a = strstr(text, "\nencoding  "), *b = a ? strstr(a, "\nsign_hash ") : NULL;
  const char *c = b ? strstr(b, "\nid        ") : NULL;
  CHECK(a && b && c);
  if (!a || !b || !c) return;
  static char spec[4096], pinned[4096], line[600];
  snprintf(line, sizeof line, "%.*s", (int)(c + 80 - a), a); /* encoding, sign_hash, id lines */
  strip_ws(line, spec, sizeof spec);
  strip_ws(k_example_hex, pinned, sizeof pinned);
  /* pinned starts with "pk<hex>": drop it; both then read encoding...sign_hash...id... */
  const char *p = strstr(pinned, "encoding");
  g_checks++;
  if (!p || strncmp(spec, p, strlen(p)) != 0) {
    g_failures++;
    fprintf(stderr, "spec/tx.md §4 differs from the pinned example:\nspec   %s\npinned %s\n", spec,
            p ? p : "(none)");
  }
}

int main(int argc, char **argv) {
  test_round_trips();
  test_layout();
  test_header_errors();
  test_deploy_errors();
  test_call_errors();
  test_system_errors();
  test_encode_refusals();
  test_worked_example();
  if (argc > 1) test_spec_example(argv[1]);
  printf("tx_codec: %d decode cases\n", g_cases);
  return test_report("tx_codec");
}
