/* test_tx_genesis.c — the genesis file (spec/tx.md §7): a valid document
 * parses to the expected structure (assets and authorities sorted,
 * balances in file order); then one failing document per rule, each with
 * the JSON path its message must name. */
#include "tx_test.h"

#define A1 "1111111111111111111111111111111111111111111111111111111111111111"
#define A2 "2222222222222222222222222222222222222222222222222222222222222222"
#define A3 "ABCDEFabcdef0123456789000000000000000000000000000000000000000000"

static const char k_valid[] =
    "{\"chain_id\": \"dvm-devnet\", \"time\": 1700000000,\n"
    " \"assets\": [{\"id\": 2, \"symbol\": \"BTC\", \"decimals\": 8},\n"
    "            {\"id\": 0, \"symbol\": \"GAS\", \"decimals\": 9},\n"
    "            {\"id\": 1, \"symbol\": \"USD\", \"decimals\": 6}],\n"
    " \"balances\": [{\"address\": \"" A2 "\", \"asset\": 0, \"amount\": \"18446744073709551615\"},\n"
    "              {\"address\": \"" A1 "\", \"asset\": 1, \"amount\": 9007199254740992},\n"
    "              {\"address\": \"" A2 "\", \"asset\": 1, \"amount\": \"1\"}],\n"
    " \"authorities\": [\"" A2 "\", \"" A3 "\", \"" A1 "\"]}";

static void test_valid(void) {
  dvm_tx_genesis g;
  char err[256] = "";
  int rc = dvm_tx_genesis_parse(k_valid, strlen(k_valid), &g, err, sizeof err);
  CHECK_EQ(rc, 0);
  if (rc) {
    fprintf(stderr, "valid genesis: %s\n", err);
    return;
  }
  CHECK(strcmp(g.chain_id, "dvm-devnet") == 0);
  CHECK_EQ(g.time, 1700000000);
  CHECK_EQ(g.asset_count, 3);
  CHECK(g.assets[0].id == 0 && strcmp(g.assets[0].symbol, "GAS") == 0 && g.assets[0].decimals == 9);
  CHECK(g.assets[1].id == 1 && strcmp(g.assets[1].symbol, "USD") == 0 && g.assets[1].decimals == 6);
  CHECK(g.assets[2].id == 2 && strcmp(g.assets[2].symbol, "BTC") == 0 && g.assets[2].decimals == 8);
  CHECK_EQ(g.balance_count, 3);
  CHECK(g.balances[0].address[0] == 0x22 && g.balances[0].asset == 0 &&
        g.balances[0].amount == UINT64_MAX);
  CHECK(g.balances[1].address[0] == 0x11 && g.balances[1].amount == 9007199254740992ull);
  CHECK(g.balances[2].asset == 1 && g.balances[2].amount == 1);
  CHECK_EQ(g.authority_count, 3);
  CHECK(g.authorities[0][0] == 0x11 && g.authorities[1][0] == 0x22 && g.authorities[2][0] == 0xAB);
  CHECK(g.authorities[2][5] == 0xEF);
  dvm_tx_genesis_free(&g);
  dvm_tx_genesis_free(&g);
  /* Not NUL-terminated: only len bytes are read. */
  char *copy = malloc(strlen(k_valid));
  memcpy(copy, k_valid, strlen(k_valid));
  CHECK_EQ(dvm_tx_genesis_parse(copy, strlen(k_valid), &g, err, sizeof err), 0);
  dvm_tx_genesis_free(&g);
  free(copy);
  /* Minimal: one asset, nothing else. */
  const char *min = "{\"chain_id\":\"x\",\"time\":0,\"assets\":[{\"id\":0,\"symbol\":\"G\",\"decimals\":0}],"
                    "\"balances\":[],\"authorities\":[]}";
  CHECK_EQ(dvm_tx_genesis_parse(min, strlen(min), &g, err, sizeof err), 0);
  CHECK(g.asset_count == 1 && g.balance_count == 0 && g.authority_count == 0);
  dvm_tx_genesis_free(&g);
}

/* Failing documents: each is k_valid with one edit (from -> to). */
typedef struct gcase {
  const char *name, *from, *to, *want;
} gcase;

static const gcase k_cases[] = {
    {"syntax", "\"time\": 1700000000,", "\"time\": 1700000000,,", "(json) line 1 column"},
    {"not an object", NULL, "[1]", "(root): not an object"},
    {"trailing garbage", NULL, "{} x", "(json) line"},
    {"duplicate key", "\"time\": 1700000000,", "\"time\": 1, \"time\": 2,", "(json)"},
    {"unknown key", "\"time\": 1700000000,", "\"time\": 1700000000, \"extra\": 1,", "extra: unknown key"},
    {"missing key", "\"time\": 1700000000,", "", "time: missing"},
    {"chain_id type", "\"dvm-devnet\"", "7", "chain_id: not a string"},
    {"chain_id empty", "\"dvm-devnet\"", "\"\"", "chain_id: length 0 not in 1..32"},
    {"chain_id long", "\"dvm-devnet\"", "\"abcdefghijabcdefghijabcdefghijabc\"", "chain_id: length 33"},
    {"chain_id char", "\"dvm-devnet\"", "\"dvm devnet\"", "chain_id: character 3 not in"},
    {"time real", "1700000000", "1700000000.0", "time: not an integer"},
    {"time negative", "1700000000", "-1", "time: -1 out of range"},
    {"time string", "1700000000", "\"1700000000\"", "time: not an integer"},
    {"assets type", "\"assets\": [", "\"assets\": 5, \"x\": [", "x: unknown key"},
    {"assets not array", "\"assets\": [{\"id\": 2, \"symbol\": \"BTC\", \"decimals\": 8},\n"
     "            {\"id\": 0, \"symbol\": \"GAS\", \"decimals\": 9},\n"
     "            {\"id\": 1, \"symbol\": \"USD\", \"decimals\": 6}]", "\"assets\": {}", "assets: not an array"},
    {"assets empty", "\"assets\": [{\"id\": 2, \"symbol\": \"BTC\", \"decimals\": 8},\n"
     "            {\"id\": 0, \"symbol\": \"GAS\", \"decimals\": 9},\n"
     "            {\"id\": 1, \"symbol\": \"USD\", \"decimals\": 6}]", "\"assets\": []", "assets: empty"},
    {"asset not object", "{\"id\": 1, \"symbol\": \"USD\", \"decimals\": 6}", "3", "assets[2]: not an object"},
    {"asset unknown key", "\"symbol\": \"USD\",", "\"symbol\": \"USD\", \"name\": \"x\",", "assets[2].name: unknown key"},
    {"asset missing key", "\"id\": 1, ", "", "assets[2].id: missing"},
    {"asset id type", "\"id\": 1,", "\"id\": \"1\",", "assets[2].id: not an integer"},
    {"asset id range", "\"id\": 1,", "\"id\": 4294967296,", "assets[2].id: 4294967296 out of range"},
    {"asset id negative", "\"id\": 1,", "\"id\": -1,", "assets[2].id: -1 out of range"},
    {"asset id duplicate", "\"id\": 1,", "\"id\": 2,", "assets[2].id: duplicate of assets[0]"},
    {"asset 0 required", "\"id\": 0,", "\"id\": 5,", "assets: asset 0 (the gas token) is required"},
    {"symbol empty", "\"USD\"", "\"\"", "assets[2].symbol: length 0 not in 1..16"},
    {"symbol long", "\"USD\"", "\"ABCDEFGHIJKLMNOPQ\"", "assets[2].symbol: length 17"},
    {"symbol lowercase", "\"USD\"", "\"Usd\"", "assets[2].symbol: character 1 not in [A-Z0-9]"},
    {"symbol type", "\"USD\"", "1", "assets[2].symbol: not a string"},
    {"symbol duplicate", "\"USD\"", "\"BTC\"", "assets[2].symbol: duplicate of assets[0]"},
    {"decimals range", "\"decimals\": 6", "\"decimals\": 19", "assets[2].decimals: 19 out of range 0..18"},
    {"decimals type", "\"decimals\": 6", "\"decimals\": true", "assets[2].decimals: not an integer"},
    {"balances not array", "\"balances\": [", "\"balances\": {}, \"b\": [", "b: unknown key"},
    {"balance not object", "{\"address\": \"" A2 "\", \"asset\": 1, \"amount\": \"1\"}", "null",
     "balances[2]: not an object"},
    {"balance unknown key", "\"asset\": 1, \"amount\": \"1\"", "\"asset\": 1, \"amount\": \"1\", \"memo\": 0",
     "balances[2].memo: unknown key"},
    {"balance missing key", ", \"asset\": 1, \"amount\": \"1\"", ", \"amount\": \"1\"", "balances[2].asset: missing"},
    {"address short", "\"" A1 "\", \"asset\": 1", "\"11\", \"asset\": 1", "balances[1].address: not 64 hex digits"},
    {"address not hex", "\"" A1 "\", \"asset\": 1",
     "\"g111111111111111111111111111111111111111111111111111111111111111\", \"asset\": 1",
     "balances[1].address: not 64 hex digits"},
    {"address type", "\"" A1 "\", \"asset\": 1", "17, \"asset\": 1", "balances[1].address: not 64 hex digits"},
    {"balance unknown asset", "\"asset\": 1, \"amount\": \"1\"", "\"asset\": 3, \"amount\": \"1\"",
     "balances[2].asset: unknown asset 3"},
    {"amount not decimal", "\"amount\": \"1\"", "\"amount\": \"1x\"", "balances[2].amount: not a decimal u64"},
    {"amount leading zero", "\"amount\": \"1\"", "\"amount\": \"01\"", "balances[2].amount: not a decimal u64"},
    {"amount sign", "\"amount\": \"1\"", "\"amount\": \"+1\"", "balances[2].amount: not a decimal u64"},
    {"amount empty", "\"amount\": \"1\"", "\"amount\": \"\"", "balances[2].amount: not a decimal u64"},
    {"amount space", "\"amount\": \"1\"", "\"amount\": \" 1\"", "balances[2].amount: not a decimal u64"},
    {"amount above u64", "\"18446744073709551615\"", "\"18446744073709551616\"",
     "balances[0].amount: not a decimal u64 (above 2^64-1)"},
    {"amount 21 digits", "\"18446744073709551615\"", "\"100000000000000000000\"", "balances[0].amount: not a decimal u64"},
    {"amount integer above 2^53", "9007199254740992", "9007199254740993",
     "balances[1].amount: integer amount out of range 0..2^53"},
    {"amount real", "9007199254740992", "1.5", "balances[1].amount: not a decimal u64"},
    {"amount zero", "\"amount\": \"1\"", "\"amount\": \"0\"", "balances[2].amount: zero"},
    {"total supply overflow", "\"asset\": 0, \"amount\": \"18446744073709551615\"},",
     "\"asset\": 0, \"amount\": \"18446744073709551615\"}, {\"address\": \"" A3 "\", \"asset\": 0, \"amount\": 1},",
     "balances[1].amount: total supply of asset 0 above 2^64-1"},
    {"balance duplicate", "{\"address\": \"" A1 "\", \"asset\": 1", "{\"address\": \"" A2 "\", \"asset\": 1",
     "balances[2]: duplicate (address, asset) of balances[1]"},
    {"authorities not array", "\"authorities\": [", "\"authorities\": 1, \"z\": [", "z: unknown key"},
    {"authority not hex", "\"" A3 "\", \"" A1 "\"]", "\"" A3 "\", 5]", "authorities[2]: not 64 hex digits"},
    {"authority duplicate", "\"" A3 "\", \"" A1 "\"]", "\"" A3 "\", \"" A2 "\"]",
     "authorities[2]: duplicate of authorities[0]"},
    {"authority duplicate other case", "\"" A3 "\", \"" A1 "\"]",
     "\"" A3 "\", \"abcdefABCDEF0123456789000000000000000000000000000000000000000000\"]",
     "authorities[2]: duplicate of authorities[1]"},
    {"string with NUL", "\"dvm-devnet\"", "\"dvm\\u0000devnet\"", "(json)"},
};

static void test_failures(void) {
  size_t n = sizeof k_cases / sizeof k_cases[0];
  for (size_t i = 0; i < n; i++) {
    const gcase *c = &k_cases[i];
    char doc[4096];
    if (!c->from) {
      snprintf(doc, sizeof doc, "%s", c->to);
    } else {
      const char *at = strstr(k_valid, c->from);
      if (!at) {
        fprintf(stderr, "case %s: edit anchor not found\n", c->name);
        g_failures++;
        continue;
      }
      snprintf(doc, sizeof doc, "%.*s%s%s", (int)(at - k_valid), k_valid, c->to,
               at + strlen(c->from));
    }
    dvm_tx_genesis g;
    char err[256] = "";
    int rc = dvm_tx_genesis_parse(doc, strlen(doc), &g, err, sizeof err);
    g_checks++;
    if (rc != DVM_TX_ERR_JSON || !strstr(err, c->want)) {
      g_failures++;
      fprintf(stderr, "case %s: rc %d, message \"%s\", want \"%s\"\n", c->name, rc, err, c->want);
    }
    if (rc == 0) dvm_tx_genesis_free(&g);
    CHECK(g.assets == NULL && g.balances == NULL && g.authorities == NULL); /* freed on error */
  }
  printf("tx_genesis: %zu failing cases\n", n);
  /* Truncations of the valid document are all errors. */
  for (size_t k = 0; k < strlen(k_valid); k += 7) {
    dvm_tx_genesis g;
    CHECK_EQ(dvm_tx_genesis_parse(k_valid, k, &g, NULL, 0), DVM_TX_ERR_JSON);
  }
}

int main(void) {
  test_valid();
  test_failures();
  return test_report("tx_genesis");
}
