/* keys.c — key files, the dev keys and dev genesis, and `dvm init`'s
 * data directory (node.h). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "node_int.h"

void dvm_node_key_from_seed(dvm_node_key *k, const uint8_t seed[32]) {
  crypto_sign_seed_keypair(k->pk, k->sk, seed);
}

void dvm_node_key_generate(dvm_node_key *k) {
  uint8_t seed[32];
  randombytes_buf(seed, sizeof seed);
  dvm_node_key_from_seed(k, seed);
  sodium_memzero(seed, sizeof seed);
}

int dvm_node_key_save(const dvm_node_key *k, const char *path, char *err, size_t errlen) {
  char pk[65], seed[65], text[256];
  dvm_hex_encode(k->pk, 32, pk);
  dvm_hex_encode(k->sk, 32, seed); /* libsodium's secret key starts with the seed */
  int n = snprintf(text, sizeof text, "{\"type\": \"ed25519\", \"address\": \"%s\", \"seed\": \"%s\"}\n", pk, seed);
  sodium_memzero(seed, sizeof seed);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return node_fail(err, errlen, "%s: %s", path, strerror(errno));
  int ok = write(fd, text, (size_t)n) == n;
  sodium_memzero(text, sizeof text);
  if (close(fd) || !ok) return node_fail(err, errlen, "%s: write failed", path);
  return 0;
}

int dvm_node_key_load(const char *path, dvm_node_key *k, char *err, size_t errlen) {
  json_error_t je;
  json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if (!j) return node_fail(err, errlen, "%s: %s", path, je.text);
  json_t *seed = json_object_get(j, "seed"), *addr = json_object_get(j, "address");
  uint8_t s[32], a[32];
  int rc = 0;
  if (!json_is_string(seed) || json_string_length(seed) != 64 || dvm_hex_decode(json_string_value(seed), s, 32))
    rc = node_fail(err, errlen, "%s: seed: not 64 hex digits", path);
  else {
    dvm_node_key_from_seed(k, s);
    if (json_is_string(addr) && (json_string_length(addr) != 64 || dvm_hex_decode(json_string_value(addr), a, 32) ||
                                 memcmp(a, k->pk, 32)))
      rc = node_fail(err, errlen, "%s: address does not match the seed", path);
  }
  sodium_memzero(s, sizeof s);
  json_decref(j);
  return rc;
}

void dvm_node_dev_key(unsigned index, dvm_node_key *k) {
  static const char dom[] = "DVM/dev-key/v1";
  uint8_t in[sizeof dom - 1 + 4], seed[32];
  memcpy(in, dom, sizeof dom - 1);
  for (int i = 0; i < 4; i++) in[sizeof dom - 1 + i] = (uint8_t)(index >> (8 * i));
  crypto_generichash(seed, 32, in, sizeof in, NULL, 0);
  dvm_node_key_from_seed(k, seed);
}

char *dvm_node_dev_genesis(void) {
  static const struct { unsigned id; const char *amount; } funds[] = {
    {0, "1000000000000000000"}, /* 1e9 GAS */
    {1, "1000000000000000"},    /* 1e9 USD */
    {2, "1000000000000"},       /* 10,000 BTC */
    {3, "4000000000000000000"}, /* 4 ETH: 18 decimals leave a u64 little room */
  };
  json_t *bal = json_array(), *auth = json_array();
  for (unsigned i = 0; i <= DVM_NODE_DEV_ORACLE; i++) {
    dvm_node_key k;
    char pk[65];
    dvm_node_dev_key(i, &k);
    dvm_hex_encode(k.pk, 32, pk);
    for (unsigned a = 0; a < 4; a++) {
      if (i == DVM_NODE_DEV_ORACLE && a) break; /* the oracle only pays fees */
      json_array_append_new(bal, json_pack("{s:s,s:i,s:s}", "address", pk, "asset", (int)funds[a].id, "amount",
                                           funds[a].amount));
    }
    if (i == DVM_NODE_DEV_ORACLE) json_array_append_new(auth, json_string(pk));
  }
  json_t *g = json_pack("{s:s,s:I,s:[{s:i,s:s,s:i},{s:i,s:s,s:i},{s:i,s:s,s:i},{s:i,s:s,s:i}],s:o,s:o}",
                        "chain_id", "dvm-devnet", "time", (json_int_t)1700000000, "assets",
                        "id", 0, "symbol", "GAS", "decimals", 9, "id", 1, "symbol", "USD", "decimals", 6,
                        "id", 2, "symbol", "BTC", "decimals", 8, "id", 3, "symbol", "ETH", "decimals", 18,
                        "balances", bal, "authorities", auth);
  /* The gas rules written out (spec/tx.md §7): the defaults, paid gas. */
  json_object_set_new(g, "block_gas_limit", json_integer((json_int_t)DVM_GENESIS_BLOCK_GAS_LIMIT));
  json_object_set_new(g, "min_gas_price", json_integer((json_int_t)DVM_GENESIS_MIN_GAS_PRICE));
  char *text = json_dumps(g, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(g);
  return text;
}

static int write_file(const char *path, const char *data, size_t len, char *err, size_t errlen) {
  FILE *f = fopen(path, "wx");
  if (!f) return node_fail(err, errlen, "%s: %s", path, strerror(errno));
  int ok = fwrite(data, 1, len, f) == len;
  if (fclose(f) || !ok) return node_fail(err, errlen, "%s: write failed", path);
  return 0;
}

int dvm_node_init_dir(const char *dir, const char *genesis, size_t len, char *err, size_t errlen) {
  char path[PATH_MAX], e[256];
  char *dev = NULL;
  dvm_tx_genesis g;
  if (!genesis) {
    if (!(dev = dvm_node_dev_genesis())) return node_fail(err, errlen, "out of memory");
    genesis = dev;
    len = strlen(dev);
  }
  int rc = dvm_tx_genesis_parse(genesis, len, &g, e, sizeof e);
  if (rc) {
    free(dev);
    return node_fail(err, errlen, "genesis: %s", e);
  }
  dvm_tx_genesis_free(&g);
  if (mkdir(dir, 0755) && errno != EEXIST) rc = node_fail(err, errlen, "%s: %s", dir, strerror(errno));
  snprintf(path, sizeof path, "%s/chain", dir);
  if (!rc && mkdir(path, 0755)) rc = node_fail(err, errlen, "%s: %s (a data directory already?)", path, strerror(errno));
  dvm_rt_chain *c = NULL;
  if (!rc && dvm_rt_chain_open(path, NULL, &c, e)) rc = node_fail(err, errlen, "%s: %s", path, e);
  if (!rc && dvm_rt_chain_genesis(c, genesis, len))
    rc = node_fail(err, errlen, "genesis: %s", dvm_rt_chain_errmsg(c));
  if (c) dvm_rt_chain_close(c);
  snprintf(path, sizeof path, "%s/genesis.json", dir);
  if (!rc) rc = write_file(path, genesis, len, err, errlen);
  if (!rc && dev) {
    snprintf(path, sizeof path, "%s/keys", dir);
    if (mkdir(path, 0700)) rc = node_fail(err, errlen, "%s: %s", path, strerror(errno));
    for (unsigned i = 0; !rc && i <= DVM_NODE_DEV_ORACLE; i++) {
      dvm_node_key k;
      dvm_node_dev_key(i, &k);
      if (i == DVM_NODE_DEV_ORACLE) snprintf(path, sizeof path, "%s/keys/oracle.key", dir);
      else snprintf(path, sizeof path, "%s/keys/dev%u.key", dir, i);
      rc = dvm_node_key_save(&k, path, err, errlen);
    }
  }
  free(dev);
  return rc;
}
