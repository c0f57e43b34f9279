/* genesis.c — the genesis JSON document (spec/tx.md §7), parsed strictly
 * with jansson: unknown or missing keys, wrong types, out-of-range values
 * and duplicates are errors, each naming its JSON path. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tx_int.h"

#define MAX_DECIMALS 18
#define MAX_JSON_INT ((json_int_t)1 << 53) /* integers a JSON reader holds exactly */

typedef struct gctx {
  char *err;
  size_t errlen;
} gctx;

static int gfail(gctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int gfail(gctx *c, const char *path, const char *fmt, ...) {
  if (c->err && c->errlen) {
    int k = snprintf(c->err, c->errlen, "%s: ", path);
    if (k > 0 && (size_t)k < c->errlen) {
      va_list ap;
      va_start(ap, fmt);
      vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
      va_end(ap);
    }
  }
  return DVM_TX_ERR_JSON;
}

/* Every key of obj must be in `allowed` or `optional` (NULL-terminated;
 * optional may be NULL); every allowed key must be present. path is the
 * object's own path ("" for the root). */
static int check_keys(gctx *c, json_t *obj, const char *path, const char *const *allowed,
                      const char *const *optional) {
  const char *key;
  json_t *v;
  char p[160];
  json_object_foreach(obj, key, v) {
    int ok = 0;
    for (const char *const *a = allowed; *a; a++) ok |= strcmp(*a, key) == 0;
    for (const char *const *a = optional; a && *a; a++) ok |= strcmp(*a, key) == 0;
    if (!ok) {
      snprintf(p, sizeof p, "%s%s%.64s", path, *path ? "." : "", key);
      return gfail(c, p, "unknown key");
    }
  }
  for (const char *const *a = allowed; *a; a++)
    if (!json_object_get(obj, *a)) {
      snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", *a);
      return gfail(c, p, "missing");
    }
  return 0;
}

/* *out is 0 on failure: every path defines it (gcc -O2/-O3 cannot see
 * that a failure returns non-zero and warns maybe-uninitialized). */
static int get_uint(gctx *c, json_t *v, const char *path, json_int_t max, json_int_t *out) {
  *out = 0;
  if (!json_is_integer(v)) return gfail(c, path, "not an integer");
  json_int_t x = json_integer_value(v);
  if (x < 0 || x > max) return gfail(c, path, "%lld out of range 0..%lld", (long long)x, (long long)max);
  *out = x;
  return 0;
}

/* A u64 as a decimal string (no sign, no leading zero, no spaces) or as a
 * JSON integer <= 2^53. */
static int get_amount(gctx *c, json_t *v, const char *path, uint64_t *out) {
  if (json_is_integer(v)) {
    json_int_t x = json_integer_value(v);
    if (x < 0 || x > MAX_JSON_INT)
      return gfail(c, path, "integer amount out of range 0..2^53 (use a decimal string)");
    *out = (uint64_t)x;
    return 0;
  }
  if (!json_is_string(v)) return gfail(c, path, "not a decimal u64");
  const char *s = json_string_value(v);
  size_t n = json_string_length(v);
  if (n == 0 || n > 20 || (n > 1 && s[0] == '0')) return gfail(c, path, "not a decimal u64");
  uint64_t x = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return gfail(c, path, "not a decimal u64");
    unsigned d = (unsigned)(s[i] - '0');
    if (x > (UINT64_MAX - d) / 10) return gfail(c, path, "not a decimal u64 (above 2^64-1)");
    x = x * 10 + d;
  }
  *out = x;
  return 0;
}

static int get_address(gctx *c, json_t *v, const char *path, uint8_t out[DVM_ADDR_BYTES]) {
  if (!json_is_string(v) || json_string_length(v) != 2 * DVM_ADDR_BYTES ||
      dvm_hex_decode(json_string_value(v), out, DVM_ADDR_BYTES) != 0)
    return gfail(c, path, "not 64 hex digits");
  return 0;
}

/* ------------------------------------------------------------------ */

typedef struct ref {
  const uint8_t *key; /* address, or NULL for assets */
  uint32_t asset;
  uint32_t index; /* position in the file */
} ref;

static int ref_cmp(const void *pa, const void *pb) {
  const ref *a = pa, *b = pb;
  if (a->key) {
    int k = memcmp(a->key, b->key, DVM_ADDR_BYTES);
    if (k) return k;
  }
  if (a->asset != b->asset) return a->asset < b->asset ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}
static int ref_same(const ref *a, const ref *b) {
  return a->asset == b->asset && (!a->key || memcmp(a->key, b->key, DVM_ADDR_BYTES) == 0);
}

/* Sorted refs: the earliest (in file order) element equal to an earlier
 * one; returns 1 with *dup and *first, or 0 when all are distinct. */
/* 1 and the smallest duplicate's index (and its first occurrence), or 0
 * (*dup = *first = 0). r is sorted by ref_cmp. */
static int find_dup(const ref *r, uint32_t n, uint32_t *dup, uint32_t *first) {
  int found = 0;
  *dup = *first = 0;
  uint32_t start = 0;
  for (uint32_t i = 1; i < n; i++) {
    if (!ref_same(&r[i], &r[start])) {
      start = i;
      continue;
    }
    if (!found || r[i].index < *dup) {
      *dup = r[i].index;
      *first = r[start].index;
      found = 1;
    }
  }
  return found;
}

static int parse_assets(gctx *c, json_t *arr, dvm_tx_genesis *g) {
  static const char *const keys[] = {"id", "symbol", "decimals", NULL};
  char p[96];
  if (!json_is_array(arr)) return gfail(c, "assets", "not an array");
  size_t n = json_array_size(arr);
  if (n == 0) return gfail(c, "assets", "empty (asset 0, the gas token, is required)");
  if (n > UINT32_MAX / 2) return gfail(c, "assets", "too many");
  g->assets = calloc(n, sizeof *g->assets);
  ref *r = calloc(n, sizeof *r);
  if (!g->assets || !r) {
    free(r);
    return gfail(c, "assets", "out of memory");
  }
  g->asset_count = (uint32_t)n;
  int rc = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    json_t *a = json_array_get(arr, i);
    dvm_tx_genesis_asset *ga = &g->assets[i];
    snprintf(p, sizeof p, "assets[%zu]", i);
    if (!json_is_object(a)) {
      rc = gfail(c, p, "not an object");
      break;
    }
    if ((rc = check_keys(c, a, p, keys, NULL))) break;
    json_int_t x;
    snprintf(p, sizeof p, "assets[%zu].id", i);
    if ((rc = get_uint(c, json_object_get(a, "id"), p, UINT32_MAX, &x))) break;
    ga->id = (uint32_t)x;
    snprintf(p, sizeof p, "assets[%zu].symbol", i);
    json_t *s = json_object_get(a, "symbol");
    if (!json_is_string(s)) {
      rc = gfail(c, p, "not a string");
      break;
    }
    size_t sl = json_string_length(s);
    const char *sv = json_string_value(s);
    if (sl < 1 || sl > 16) {
      rc = gfail(c, p, "length %zu not in 1..16", sl);
      break;
    }
    for (size_t k = 0; k < sl && !rc; k++)
      if (!((sv[k] >= 'A' && sv[k] <= 'Z') || (sv[k] >= '0' && sv[k] <= '9')))
        rc = gfail(c, p, "character %zu not in [A-Z0-9]", k);
    if (rc) break;
    memcpy(ga->symbol, sv, sl);
    ga->symbol[sl] = 0;
    snprintf(p, sizeof p, "assets[%zu].decimals", i);
    if ((rc = get_uint(c, json_object_get(a, "decimals"), p, MAX_DECIMALS, &x))) break;
    ga->decimals = (uint8_t)x;
    r[i] = (ref){NULL, ga->id, (uint32_t)i};
  }
  uint32_t dup, first;
  if (!rc) {
    /* Symbols unique (n is small: quadratic is fine and reports file order). */
    for (size_t j = 1; j < n && !rc; j++)
      for (size_t i = 0; i < j && !rc; i++)
        if (strcmp(g->assets[i].symbol, g->assets[j].symbol) == 0) {
          snprintf(p, sizeof p, "assets[%zu].symbol", j);
          rc = gfail(c, p, "duplicate of assets[%zu]", i);
        }
  }
  if (!rc) {
    qsort(r, n, sizeof *r, ref_cmp);
    if (find_dup(r, (uint32_t)n, &dup, &first)) {
      snprintf(p, sizeof p, "assets[%u].id", dup);
      rc = gfail(c, p, "duplicate of assets[%u]", first);
    } else if (r[0].asset != 0) {
      rc = gfail(c, "assets", "asset 0 (the gas token) is required");
    }
  }
  if (!rc) {
    dvm_tx_genesis_asset *sorted = calloc(n, sizeof *sorted);
    if (!sorted) {
      rc = gfail(c, "assets", "out of memory");
    } else {
      for (size_t i = 0; i < n; i++) sorted[i] = g->assets[r[i].index];
      free(g->assets);
      g->assets = sorted;
    }
  }
  free(r);
  return rc;
}

static const dvm_tx_genesis_asset *find_asset(const dvm_tx_genesis *g, uint32_t id) {
  size_t lo = 0, hi = g->asset_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (g->assets[mid].id == id) return &g->assets[mid];
    if (g->assets[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

static int parse_balances(gctx *c, json_t *arr, dvm_tx_genesis *g) {
  static const char *const keys[] = {"address", "asset", "amount", NULL};
  char p[96];
  if (!json_is_array(arr)) return gfail(c, "balances", "not an array");
  size_t n = json_array_size(arr);
  if (n == 0) return 0;
  if (n > UINT32_MAX / 2) return gfail(c, "balances", "too many");
  g->balances = calloc(n, sizeof *g->balances);
  ref *r = calloc(n, sizeof *r);
  uint64_t *totals = calloc(g->asset_count, sizeof *totals);
  int rc = 0;
  if (!g->balances || !r || !totals) {
    rc = gfail(c, "balances", "out of memory");
    goto out;
  }
  g->balance_count = (uint32_t)n;
  for (size_t i = 0; i < n; i++) {
    json_t *b = json_array_get(arr, i);
    dvm_tx_genesis_balance *gb = &g->balances[i];
    snprintf(p, sizeof p, "balances[%zu]", i);
    if (!json_is_object(b)) {
      rc = gfail(c, p, "not an object");
      goto out;
    }
    if ((rc = check_keys(c, b, p, keys, NULL))) goto out;
    snprintf(p, sizeof p, "balances[%zu].address", i);
    if ((rc = get_address(c, json_object_get(b, "address"), p, gb->address))) goto out;
    json_int_t x;
    snprintf(p, sizeof p, "balances[%zu].asset", i);
    if ((rc = get_uint(c, json_object_get(b, "asset"), p, UINT32_MAX, &x))) goto out;
    gb->asset = (uint32_t)x;
    const dvm_tx_genesis_asset *a = find_asset(g, gb->asset);
    if (!a) {
      rc = gfail(c, p, "unknown asset %u", gb->asset);
      goto out;
    }
    snprintf(p, sizeof p, "balances[%zu].amount", i);
    if ((rc = get_amount(c, json_object_get(b, "amount"), p, &gb->amount))) goto out;
    if (gb->amount == 0) {
      rc = gfail(c, p, "zero (omit the entry)");
      goto out;
    }
    uint64_t *t = &totals[a - g->assets];
    if (*t > UINT64_MAX - gb->amount) {
      rc = gfail(c, p, "total supply of asset %u above 2^64-1", gb->asset);
      goto out;
    }
    *t += gb->amount;
    r[i] = (ref){gb->address, gb->asset, (uint32_t)i};
  }
  qsort(r, n, sizeof *r, ref_cmp);
  uint32_t dup, first;
  if (find_dup(r, (uint32_t)n, &dup, &first)) {
    snprintf(p, sizeof p, "balances[%u]", dup);
    rc = gfail(c, p, "duplicate (address, asset) of balances[%u]", first);
  }
out:
  free(r);
  free(totals);
  return rc;
}

static int addr_cmp(const void *a, const void *b) { return memcmp(a, b, DVM_ADDR_BYTES); }

static int parse_authorities(gctx *c, json_t *arr, dvm_tx_genesis *g) {
  char p[96];
  if (!json_is_array(arr)) return gfail(c, "authorities", "not an array");
  size_t n = json_array_size(arr);
  if (n == 0) return 0;
  if (n > UINT32_MAX / 2) return gfail(c, "authorities", "too many");
  g->authorities = calloc(n, sizeof *g->authorities);
  if (!g->authorities) return gfail(c, "authorities", "out of memory");
  g->authority_count = (uint32_t)n;
  for (size_t i = 0; i < n; i++) {
    snprintf(p, sizeof p, "authorities[%zu]", i);
    int rc = get_address(c, json_array_get(arr, i), p, g->authorities[i]);
    if (rc) return rc;
    /* Report duplicates in file order (the list is short). */
    for (size_t k = 0; k < i; k++)
      if (memcmp(g->authorities[k], g->authorities[i], DVM_ADDR_BYTES) == 0)
        return gfail(c, p, "duplicate of authorities[%zu]", k);
  }
  qsort(g->authorities, n, DVM_ADDR_BYTES, addr_cmp);
  return 0;
}

static int parse_root(gctx *c, json_t *root, dvm_tx_genesis *g) {
  static const char *const keys[] = {"chain_id", "time", "assets", "balances", "authorities", NULL};
  static const char *const optional[] = {"block_gas_limit", "min_gas_price", NULL};
  if (!json_is_object(root)) return gfail(c, "(root)", "not an object");
  int rc = check_keys(c, root, "", keys, optional);
  if (rc) return rc;
  json_t *v = json_object_get(root, "chain_id");
  if (!json_is_string(v)) return gfail(c, "chain_id", "not a string");
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (n < 1 || n > DVM_CHAIN_ID_MAX) return gfail(c, "chain_id", "length %zu not in 1..32", n);
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
          ch == '.' || ch == '_' || ch == '-'))
      return gfail(c, "chain_id", "character %zu not in [A-Za-z0-9._-]", i);
  }
  memcpy(g->chain_id, s, n);
  g->chain_id[n] = 0;
  json_int_t t;
  if ((rc = get_uint(c, json_object_get(root, "time"), "time", INT64_MAX, &t))) return rc;
  g->time = (uint64_t)t;
  g->block_gas_limit = DVM_GENESIS_BLOCK_GAS_LIMIT;
  g->min_gas_price = DVM_GENESIS_MIN_GAS_PRICE;
  if ((v = json_object_get(root, "block_gas_limit"))) {
    if ((rc = get_amount(c, v, "block_gas_limit", &g->block_gas_limit))) return rc;
    if (g->block_gas_limit == 0) return gfail(c, "block_gas_limit", "zero (a block could hold nothing)");
  }
  if ((v = json_object_get(root, "min_gas_price")) && (rc = get_amount(c, v, "min_gas_price", &g->min_gas_price)))
    return rc;
  if ((rc = parse_assets(c, json_object_get(root, "assets"), g))) return rc;
  if ((rc = parse_balances(c, json_object_get(root, "balances"), g))) return rc;
  return parse_authorities(c, json_object_get(root, "authorities"), g);
}

int dvm_tx_genesis_parse(const char *json, size_t len, dvm_tx_genesis *g, char *err, size_t errlen) {
  gctx c = {err, errlen};
  memset(g, 0, sizeof *g);
  if (err && errlen) err[0] = 0;
  json_error_t je;
  json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
  if (!root) {
    char p[64];
    snprintf(p, sizeof p, "(json) line %d column %d", je.line, je.column);
    return gfail(&c, p, "%s", je.text);
  }
  int rc = parse_root(&c, root, g);
  json_decref(root);
  if (rc) dvm_tx_genesis_free(g);
  return rc;
}

void dvm_tx_genesis_free(dvm_tx_genesis *g) {
  if (!g) return;
  free(g->assets);
  free(g->balances);
  free(g->authorities);
  memset(g, 0, sizeof *g);
}
