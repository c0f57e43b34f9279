/* tx.c — transactions: canonical decoding, encoding and signing, signature
 * verification (serial and on all cores), contract addresses.
 * Normative text: spec/tx.md §1-§4. */
#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tx_int.h"

/* ------------------------------------------------------------------ */
/* Shared helpers (declared in tx_int.h). */

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static void sodium_init_once(void) {
  /* Fails only if libsodium cannot lock; hashing and verification work
   * uninitialised (portable implementations), so the result is moot. */
  int rc = sodium_init();
  (void)rc;
}
void dvm_tx_sodium_init(void) { pthread_once(&sodium_once, sodium_init_once); }

void dvm_tx_hash2(const char *domain, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
               uint8_t out[DVM_HASH_BYTES]) {
  crypto_generichash_state st;
  dvm_tx_sodium_init();
  crypto_generichash_init(&st, NULL, 0, DVM_HASH_BYTES);
  crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain));
  if (alen) crypto_generichash_update(&st, a, alen);
  if (b && blen) crypto_generichash_update(&st, b, blen);
  crypto_generichash_final(&st, out, DVM_HASH_BYTES);
}

void dvm_tx_errf(char *err, size_t errlen, const char *fmt, ...) {
  if (!err || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

int dvm_rd_fail(dvm_rd *r, size_t at, int code, const char *fmt, ...) {
  if (r->err && r->errlen) {
    int k = snprintf(r->err, r->errlen, "at byte %zu: ", r->base + at);
    if (k > 0 && (size_t)k < r->errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  return code;
}

int dvm_rd_need(dvm_rd *r, size_t n, const char *what, ...) {
  if (r->len - r->off >= n) return 0;
  char name[96];
  va_list ap;
  va_start(ap, what);
  vsnprintf(name, sizeof name, what, ap);
  va_end(ap);
  return dvm_rd_fail(r, r->off, DVM_TX_ERR_TRUNCATED, "%s: needs %zu bytes, %zu remain", name, n,
                     r->len - r->off);
}

const char *dvm_tx_strerror(int code) { return dvm_strerror(code); }

/* ------------------------------------------------------------------ */
/* Decoding. Every field is read through these; each names its field. */

#define NEED(r, n, ...)                                                                            \
  do {                                                                                             \
    int rc_ = dvm_rd_need((r), (n), __VA_ARGS__);                                                  \
    if (rc_) return rc_;                                                                           \
  } while (0)

/* The readers take what a NEED before them proved is there: off never
 * passes len (asserted in a debug build). */
static uint8_t rd_u8(dvm_rd *r) {
  assert(r->len - r->off >= 1 && r->off <= r->len);
  return r->p[r->off++];
}
static uint16_t rd_u16(dvm_rd *r) {
  assert(r->len - r->off >= 2 && r->off <= r->len);
  uint16_t v = dvm_le_get16(r->p + r->off);
  r->off += 2;
  return v;
}
static uint32_t rd_u32(dvm_rd *r) {
  assert(r->len - r->off >= 4 && r->off <= r->len);
  uint32_t v = dvm_le_get32(r->p + r->off);
  r->off += 4;
  return v;
}
static uint64_t rd_u64(dvm_rd *r) {
  assert(r->len - r->off >= 8 && r->off <= r->len);
  uint64_t v = dvm_le_get64(r->p + r->off);
  r->off += 8;
  return v;
}

static int is_chain_id_char(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}
static int is_method_char(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '$';
}

/* memcmp order, a shorter key first when it is a prefix of the other. */
static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen) {
  size_t m = alen < blen ? alen : blen;
  int c = m ? memcmp(a, b, m) : 0;
  if (c) return c;
  return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int decode_transfer(dvm_rd *r, dvm_tx *tx) {
  NEED(r, 32 + 4 + 8, "transfer payload (to, asset, amount)");
  memcpy(tx->u.transfer.to, r->p + r->off, 32);
  r->off += 32;
  tx->u.transfer.asset = rd_u32(r);
  size_t at = r->off;
  tx->u.transfer.amount = rd_u64(r);
  if (tx->u.transfer.amount == 0)
    return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "transfer amount is zero");
  return 0;
}

static int decode_deploy(dvm_rd *r, dvm_tx *tx) {
  size_t at = r->off;
  NEED(r, 4, "deploy code_len");
  uint32_t n = rd_u32(r);
  if (n == 0) return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "deploy code_len is zero");
  if (n > DVM_TX_MAX_BYTES)
    return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "deploy code_len %u above %u", n, DVM_TX_MAX_BYTES);
  NEED(r, n, "deploy code");
  tx->u.deploy.code = r->p + r->off;
  tx->u.deploy.code_len = n;
  r->off += n;
  at = r->off;
  NEED(r, 4, "deploy init_len");
  n = rd_u32(r);
  if (n > DVM_TX_MAX_INPUT)
    return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "deploy init_len %u above %u", n, DVM_TX_MAX_INPUT);
  NEED(r, n, "deploy init input");
  tx->u.deploy.init_input = n ? r->p + r->off : NULL;
  tx->u.deploy.init_input_len = n;
  r->off += n;
  NEED(r, 8, "deploy init_gas");
  tx->u.deploy.init_gas = rd_u64(r);
  return 0;
}

static int decode_one_call(dvm_rd *r, dvm_tx_call *c, unsigned i) {
  NEED(r, 33, "call %u contract and method_len", i);
  memcpy(c->contract, r->p + r->off, 32);
  r->off += 32;
  size_t at = r->off;
  uint8_t ml = rd_u8(r);
  if (ml == 0) return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "call %u method_len is zero", i);
  if (ml > DVM_TX_MAX_METHOD)
    return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "call %u method_len %u above %u", i, ml,
                       DVM_TX_MAX_METHOD);
  NEED(r, ml, "call %u method", i);
  for (unsigned k = 0; k < ml; k++)
    if (!is_method_char(r->p[r->off + k]))
      return dvm_rd_fail(r, r->off + k, DVM_TX_ERR_FIELD,
                         "call %u method byte 0x%02x not in [A-Za-z0-9_.$]", i, r->p[r->off + k]);
  c->method = (const char *)(r->p + r->off);
  c->method_len = ml;
  r->off += ml;
  at = r->off;
  NEED(r, 4, "call %u input_len", i);
  uint32_t n = rd_u32(r);
  if (n > DVM_TX_MAX_INPUT)
    return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "call %u input_len %u above %u", i, n,
                       DVM_TX_MAX_INPUT);
  NEED(r, n, "call %u input", i);
  c->input = n ? r->p + r->off : NULL;
  c->input_len = n;
  r->off += n;
  NEED(r, 9, "call %u gas_limit and asset_count", i);
  c->gas_limit = rd_u64(r);
  at = r->off;
  uint8_t na = rd_u8(r);
  if (na > DVM_TX_MAX_ASSETS)
    return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "call %u asset_count %u above %u", i, na,
                       DVM_TX_MAX_ASSETS);
  c->asset_count = na;
  for (unsigned k = 0; k < na; k++) {
    NEED(r, 12, "call %u asset %u", i, k);
    at = r->off;
    c->assets[k].asset = rd_u32(r);
    c->assets[k].amount = rd_u64(r);
    if (k > 0 && c->assets[k].asset <= c->assets[k - 1].asset)
      return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD,
                         "call %u asset %u: id %u not above the previous %u", i, k,
                         c->assets[k].asset, c->assets[k - 1].asset);
    if (c->assets[k].amount == 0)
      return dvm_rd_fail(r, at + 4, DVM_TX_ERR_FIELD, "call %u asset %u: amount is zero", i, k);
  }
  return 0;
}

static int decode_call(dvm_rd *r, dvm_tx *tx) {
  size_t at = r->off;
  NEED(r, 2, "call count");
  uint16_t n = rd_u16(r);
  if (n == 0) return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "call count is zero");
  if (n > DVM_TX_MAX_CALLS)
    return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "call count %u above %u", n, DVM_TX_MAX_CALLS);
  /* Bound the allocation by the bytes present: each call takes >= 47. */
  NEED(r, (size_t)n * DVM_TX_MIN_CALL_BYTES, "calls (47 bytes each at least)");
  tx->u.call.calls = calloc(n, sizeof *tx->u.call.calls);
  if (!tx->u.call.calls) return dvm_rd_fail(r, at, DVM_TX_ERR_NOMEM, "out of memory for calls");
  tx->u.call.count = n;
  for (unsigned i = 0; i < n; i++) {
    int rc = decode_one_call(r, &tx->u.call.calls[i], i);
    if (rc) return rc;
  }
  return 0;
}

static int decode_system(dvm_rd *r, dvm_tx *tx) {
  size_t at = r->off;
  NEED(r, 3, "system sys_kind and count");
  uint8_t sk = rd_u8(r);
  if (sk != DVM_SYS_ORACLE && sk != DVM_SYS_PARAM)
    return dvm_rd_fail(r, at, DVM_TX_ERR_KIND, "unknown system kind %u", sk);
  tx->u.sys.sys_kind = sk;
  at = r->off;
  uint16_t n = rd_u16(r);
  if (n == 0) return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "system count is zero");
  if (n > DVM_TX_MAX_UPDATES)
    return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "system count %u above %u", n, DVM_TX_MAX_UPDATES);
  if (sk == DVM_SYS_ORACLE) {
    NEED(r, (size_t)n * DVM_TX_ORACLE_BYTES, "oracle entries (20 bytes each)");
    dvm_tx_oracle *o = calloc(n, sizeof *o);
    if (!o) return dvm_rd_fail(r, at, DVM_TX_ERR_NOMEM, "out of memory for oracle entries");
    tx->u.sys.oracle = o;
    tx->u.sys.count = n;
    for (unsigned i = 0; i < n; i++) {
      at = r->off;
      o[i].feed = rd_u32(r);
      o[i].price = (int64_t)rd_u64(r);
      o[i].publish_time = rd_u64(r);
      if (i > 0 && o[i].feed <= o[i - 1].feed)
        return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "oracle %u: feed %u not above the previous %u",
                           i, o[i].feed, o[i - 1].feed);
    }
    return 0;
  }
  NEED(r, (size_t)n * DVM_TX_MIN_PARAM_BYTES, "param entries (4 bytes each at least)");
  dvm_tx_param *p = calloc(n, sizeof *p);
  if (!p) return dvm_rd_fail(r, at, DVM_TX_ERR_NOMEM, "out of memory for param entries");
  tx->u.sys.params = p;
  tx->u.sys.count = n;
  for (unsigned i = 0; i < n; i++) {
    at = r->off;
    NEED(r, 1, "param %u key_len", i);
    uint8_t kl = rd_u8(r);
    if (kl == 0) return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "param %u key_len is zero", i);
    if (kl > 64)
      return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "param %u key_len %u above 64", i, kl);
    NEED(r, kl, "param %u key", i);
    p[i].key = r->p + r->off;
    p[i].key_len = kl;
    r->off += kl;
    if (i > 0 && key_cmp(p[i].key, kl, p[i - 1].key, p[i - 1].key_len) <= 0)
      return dvm_rd_fail(r, at, DVM_TX_ERR_FIELD, "param %u: key not above the previous key", i);
    at = r->off;
    NEED(r, 2, "param %u val_len", i);
    uint16_t vl = rd_u16(r);
    if (vl > 1024)
      return dvm_rd_fail(r, at, DVM_TX_ERR_LIMIT, "param %u val_len %u above 1024", i, vl);
    NEED(r, vl, "param %u val", i);
    p[i].val = vl ? r->p + r->off : NULL;
    p[i].val_len = vl;
    r->off += vl;
  }
  return 0;
}

static int decode_body(dvm_rd *r, dvm_tx *tx) {
  if (r->len > DVM_TX_MAX_BYTES)
    return dvm_rd_fail(r, 0, DVM_TX_ERR_LIMIT, "transaction of %zu bytes above %u", r->len,
                       DVM_TX_MAX_BYTES);
  NEED(r, 3, "version, kind and chain_id_len");
  tx->version = rd_u8(r);
  if (tx->version != DVM_TX_VERSION)
    return dvm_rd_fail(r, 0, DVM_TX_ERR_VERSION, "transaction version %u (want %u)", tx->version,
                       DVM_TX_VERSION);
  tx->kind = rd_u8(r);
  if (tx->kind < DVM_TX_TRANSFER || tx->kind > DVM_TX_SYSTEM)
    return dvm_rd_fail(r, 1, DVM_TX_ERR_KIND, "unknown transaction kind %u", tx->kind);
  uint8_t cl = rd_u8(r);
  if (cl == 0) return dvm_rd_fail(r, 2, DVM_TX_ERR_FIELD, "chain_id_len is zero");
  if (cl > DVM_CHAIN_ID_MAX)
    return dvm_rd_fail(r, 2, DVM_TX_ERR_LIMIT, "chain_id_len %u above %u", cl, DVM_CHAIN_ID_MAX);
  NEED(r, cl, "chain_id");
  for (unsigned k = 0; k < cl; k++)
    if (!is_chain_id_char(r->p[r->off + k]))
      return dvm_rd_fail(r, r->off + k, DVM_TX_ERR_FIELD, "chain_id byte 0x%02x not in [A-Za-z0-9._-]",
                         r->p[r->off + k]);
  memcpy(tx->chain_id, r->p + r->off, cl);
  tx->chain_id[cl] = 0;
  tx->chain_id_len = cl;
  r->off += cl;
  NEED(r, 32 + 8 + 8 + 8, "sender, nonce, gas_limit, gas_price");
  memcpy(tx->sender, r->p + r->off, 32);
  r->off += 32;
  tx->nonce = rd_u64(r);
  tx->gas_limit = rd_u64(r);
  tx->gas_price = rd_u64(r);
  int rc;
  switch (tx->kind) {
  case DVM_TX_TRANSFER: rc = decode_transfer(r, tx); break;
  case DVM_TX_DEPLOY: rc = decode_deploy(r, tx); break;
  case DVM_TX_CALL: rc = decode_call(r, tx); break;
  default: rc = decode_system(r, tx); break;
  }
  if (rc) return rc;
  NEED(r, DVM_SIG_BYTES, "signature");
  memcpy(tx->signature, r->p + r->off, DVM_SIG_BYTES);
  r->off += DVM_SIG_BYTES;
  if (r->off != r->len)
    return dvm_rd_fail(r, r->off, DVM_TX_ERR_TRAILING, "%zu trailing bytes after the signature",
                       r->len - r->off);
  return 0;
}

int dvm_tx_decode(const uint8_t *buf, size_t len, dvm_tx *tx, char *err, size_t errlen) {
  return dvm_tx_decode_at(buf, len, 0, tx, err, errlen);
}

int dvm_tx_decode_at(const uint8_t *buf, size_t len, size_t base, dvm_tx *tx, char *err,
                     size_t errlen) {
  memset(tx, 0, sizeof *tx);
  if (err && errlen) err[0] = 0;
  dvm_rd r = {.p = buf, .len = buf ? len : 0, .off = 0, .base = base, .err = err, .errlen = errlen};
  int rc = decode_body(&r, tx);
  if (rc) {
    dvm_tx_free(tx);
    return rc;
  }
  tx->encoded_len = (uint32_t)len;
  dvm_tx_hash2(DVM_DOMAIN_TX_SIGN, buf, len - DVM_SIG_BYTES, NULL, 0, tx->sign_hash);
  dvm_tx_hash2(DVM_DOMAIN_TX_ID, buf, len, NULL, 0, tx->id);
  return 0;
}

void dvm_tx_free(dvm_tx *tx) {
  if (!tx) return;
  if (tx->kind == DVM_TX_CALL) {
    free(tx->u.call.calls);
  } else if (tx->kind == DVM_TX_SYSTEM) {
    free(tx->u.sys.oracle);
    free(tx->u.sys.params);
  }
  memset(tx, 0, sizeof *tx);
}

/* ------------------------------------------------------------------ */
/* Encoding. Writes the fields; then the result is decoded, so encode
 * accepts exactly what decode accepts (one set of rules). Fields that
 * would make the writer read out of bounds of tx are checked first. */

static int write_body(const dvm_tx *tx, dvm_wr *w) {
  if (tx->chain_id_len > DVM_CHAIN_ID_MAX) return DVM_TX_ERR_LIMIT;
  dvm_wr_u8(w, tx->version);
  dvm_wr_u8(w, tx->kind);
  dvm_wr_u8(w, tx->chain_id_len);
  dvm_wr_bytes(w, tx->chain_id, tx->chain_id_len);
  dvm_wr_bytes(w, tx->sender, 32);
  dvm_wr_u64(w, tx->nonce);
  dvm_wr_u64(w, tx->gas_limit);
  dvm_wr_u64(w, tx->gas_price);
  switch (tx->kind) {
  case DVM_TX_TRANSFER:
    dvm_wr_bytes(w, tx->u.transfer.to, 32);
    dvm_wr_u32(w, tx->u.transfer.asset);
    dvm_wr_u64(w, tx->u.transfer.amount);
    break;
  case DVM_TX_DEPLOY:
    if (tx->u.deploy.code_len > DVM_TX_MAX_BYTES || tx->u.deploy.init_input_len > DVM_TX_MAX_INPUT)
      return DVM_TX_ERR_LIMIT;
    if ((tx->u.deploy.code_len && !tx->u.deploy.code) ||
        (tx->u.deploy.init_input_len && !tx->u.deploy.init_input))
      return DVM_TX_ERR_FIELD;
    dvm_wr_u32(w, tx->u.deploy.code_len);
    dvm_wr_bytes(w, tx->u.deploy.code, tx->u.deploy.code_len);
    dvm_wr_u32(w, tx->u.deploy.init_input_len);
    dvm_wr_bytes(w, tx->u.deploy.init_input, tx->u.deploy.init_input_len);
    dvm_wr_u64(w, tx->u.deploy.init_gas);
    break;
  case DVM_TX_CALL:
    if (tx->u.call.count > DVM_TX_MAX_CALLS) return DVM_TX_ERR_LIMIT;
    if (tx->u.call.count && !tx->u.call.calls) return DVM_TX_ERR_FIELD;
    dvm_wr_u16(w, tx->u.call.count);
    for (unsigned i = 0; i < tx->u.call.count; i++) {
      const dvm_tx_call *c = &tx->u.call.calls[i];
      if (c->asset_count > DVM_TX_MAX_ASSETS || c->method_len > DVM_TX_MAX_METHOD ||
          c->input_len > DVM_TX_MAX_INPUT)
        return DVM_TX_ERR_LIMIT;
      if ((c->method_len && !c->method) || (c->input_len && !c->input)) return DVM_TX_ERR_FIELD;
      dvm_wr_bytes(w, c->contract, 32);
      dvm_wr_u8(w, c->method_len);
      dvm_wr_bytes(w, c->method, c->method_len);
      dvm_wr_u32(w, c->input_len);
      dvm_wr_bytes(w, c->input, c->input_len);
      dvm_wr_u64(w, c->gas_limit);
      dvm_wr_u8(w, c->asset_count);
      for (unsigned k = 0; k < c->asset_count; k++) {
        dvm_wr_u32(w, c->assets[k].asset);
        dvm_wr_u64(w, c->assets[k].amount);
      }
    }
    break;
  case DVM_TX_SYSTEM:
    if (tx->u.sys.count > DVM_TX_MAX_UPDATES) return DVM_TX_ERR_LIMIT;
    dvm_wr_u8(w, tx->u.sys.sys_kind);
    dvm_wr_u16(w, tx->u.sys.count);
    if (tx->u.sys.sys_kind == DVM_SYS_ORACLE) {
      if (tx->u.sys.count && !tx->u.sys.oracle) return DVM_TX_ERR_FIELD;
      for (unsigned i = 0; i < tx->u.sys.count; i++) {
        dvm_wr_u32(w, tx->u.sys.oracle[i].feed);
        dvm_wr_u64(w, (uint64_t)tx->u.sys.oracle[i].price);
        dvm_wr_u64(w, tx->u.sys.oracle[i].publish_time);
      }
    } else if (tx->u.sys.sys_kind == DVM_SYS_PARAM) {
      if (tx->u.sys.count && !tx->u.sys.params) return DVM_TX_ERR_FIELD;
      for (unsigned i = 0; i < tx->u.sys.count; i++) {
        const dvm_tx_param *p = &tx->u.sys.params[i];
        if (p->key_len > 64 || p->val_len > 1024) return DVM_TX_ERR_LIMIT;
        if ((p->key_len && !p->key) || (p->val_len && !p->val)) return DVM_TX_ERR_FIELD;
        dvm_wr_u8(w, p->key_len);
        dvm_wr_bytes(w, p->key, p->key_len);
        dvm_wr_u16(w, p->val_len);
        dvm_wr_bytes(w, p->val, p->val_len);
      }
    } else {
      return DVM_TX_ERR_KIND;
    }
    break;
  default: return DVM_TX_ERR_KIND;
  }
  return 0;
}

/* Encode with either a secret key (sign) or tx->signature as given. */
static int encode(dvm_tx *tx, const uint8_t *sk, uint8_t **out, size_t *out_len) {
  *out = NULL;
  *out_len = 0;
  if (tx->version != DVM_TX_VERSION) return DVM_TX_ERR_VERSION;
  dvm_wr count = {NULL, 0};
  int rc = write_body(tx, &count);
  if (rc) return rc;
  size_t len = count.off + DVM_SIG_BYTES;
  if (len > DVM_TX_MAX_BYTES) return DVM_TX_ERR_LIMIT;
  if (sk && memcmp(sk + 32, tx->sender, 32) != 0) return DVM_TX_ERR_FIELD;
  uint8_t *buf = malloc(len);
  if (!buf) return DVM_TX_ERR_NOMEM;
  dvm_wr w = {buf, 0};
  (void)write_body(tx, &w);
  uint8_t sign_hash[DVM_HASH_BYTES];
  dvm_tx_hash2(DVM_DOMAIN_TX_SIGN, buf, count.off, NULL, 0, sign_hash);
  if (sk) crypto_sign_detached(buf + count.off, NULL, sign_hash, DVM_HASH_BYTES, sk);
  else memcpy(buf + count.off, tx->signature, DVM_SIG_BYTES);
  dvm_tx check;
  rc = dvm_tx_decode(buf, len, &check, NULL, 0);
  if (rc) {
    free(buf);
    return rc;
  }
  memcpy(tx->signature, check.signature, DVM_SIG_BYTES);
  memcpy(tx->id, check.id, DVM_HASH_BYTES);
  memcpy(tx->sign_hash, check.sign_hash, DVM_HASH_BYTES);
  tx->encoded_len = check.encoded_len;
  dvm_tx_free(&check);
  *out = buf;
  *out_len = len;
  return 0;
}

int dvm_tx_encode_signed(dvm_tx *tx, const uint8_t secret_key[64], uint8_t **out, size_t *out_len) {
  dvm_tx_sodium_init();
  return encode(tx, secret_key, out, out_len);
}

int dvm_tx_encode(dvm_tx *tx, uint8_t **out, size_t *out_len) {
  return encode(tx, NULL, out, out_len);
}

/* ------------------------------------------------------------------ */
/* Signatures. */

int dvm_tx_verify(const dvm_tx *tx) {
  dvm_tx_sodium_init();
  return crypto_sign_verify_detached(tx->signature, tx->sign_hash, DVM_HASH_BYTES, tx->sender) == 0
             ? 0
             : DVM_TX_ERR_SIG;
}

/* Work is handed out in chunks by an atomic counter; each index is
 * verified by exactly one thread and ok[i] depends only on txs[i]. */
#define VERIFY_CHUNK 32u

typedef struct verify_job {
  const dvm_tx *const *txs;
  size_t n;
  uint8_t *ok;
  atomic_size_t next;
} verify_job;

static void *verify_worker(void *arg) {
  verify_job *j = arg;
  for (;;) {
    size_t i = atomic_fetch_add_explicit(&j->next, VERIFY_CHUNK, memory_order_relaxed);
    if (i >= j->n) break;
    size_t end = j->n - i < VERIFY_CHUNK ? j->n : i + VERIFY_CHUNK;
    for (; i < end; i++) j->ok[i] = j->txs[i] && dvm_tx_verify(j->txs[i]) == 0;
  }
  return NULL;
}

#define VERIFY_MAX_THREADS 256u

int dvm_tx_verify_batch(const dvm_tx *const *txs, size_t n, unsigned threads, uint8_t *ok) {
  dvm_tx_sodium_init();
  if (threads == 0) {
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    threads = c > 0 ? (unsigned)c : 1u;
  }
  if (threads > VERIFY_MAX_THREADS) threads = VERIFY_MAX_THREADS;
  size_t chunks = (n + VERIFY_CHUNK - 1) / VERIFY_CHUNK;
  if (threads > chunks) threads = chunks ? (unsigned)chunks : 1u;
  verify_job job = {.txs = txs, .n = n, .ok = ok};
  atomic_init(&job.next, 0);
  pthread_t tid[VERIFY_MAX_THREADS];
  unsigned started = 0;
  int rc = 0;
  for (unsigned t = 1; t < threads; t++) {
    if (pthread_create(&tid[started], NULL, verify_worker, &job) != 0) {
      rc = DVM_TX_ERR_NOMEM;
      break;
    }
    started++;
  }
  verify_worker(&job); /* the calling thread works too, and finishes alone if need be */
  for (unsigned t = 0; t < started; t++) pthread_join(tid[t], NULL);
  return rc;
}

/* ------------------------------------------------------------------ */

void dvm_tx_contract_address(const uint8_t deployer[DVM_ADDR_BYTES], uint64_t nonce,
                          uint8_t out[DVM_ADDR_BYTES]) {
  uint8_t le[8];
  dvm_le_put64(le, nonce);
  dvm_tx_hash2(DVM_DOMAIN_CONTRACT, deployer, DVM_ADDR_BYTES, le, 8, out);
}
