/* abi.c — the contract ABI (DESIGN §9, spec/rpc.md §ABI): the ABI JSON
 * document parsed strictly, arguments packed from JSON, return data and
 * logs decoded back to JSON. Tools only: no consensus code uses this. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node_int.h"
#include "tx.h"
#include "vm.h"

#define FX_SCALE 1000000000ull

static const char *const type_names[] = {NULL, "u8", "u16", "u32", "u64", "i64", "fx", "address", "bytes"};

const char *dvm_node_abi_type_name(int type) {
  return type >= DVM_NODE_ABI_U8 && type <= DVM_NODE_ABI_BYTES ? type_names[type] : "?";
}

static int type_parse(const char *s) {
  for (int t = DVM_NODE_ABI_U8; t <= DVM_NODE_ABI_BYTES; t++)
    if (!strcmp(s, type_names[t])) return t;
  return 0;
}

/* Fixed width of a type in bytes; 0 for bytes (u32 length + data). */
static size_t type_width(int t) {
  switch (t) {
  case DVM_NODE_ABI_U8: return 1;
  case DVM_NODE_ABI_U16: return 2;
  case DVM_NODE_ABI_U32: return 4;
  case DVM_NODE_ABI_ADDRESS: return 32;
  case DVM_NODE_ABI_BYTES: return 0;
  default: return 8;
  }
}

/* ---- fx text ---- */

int dvm_node_fx_parse(const char *s, int64_t *v) {
  int neg = 0;
  uint64_t ip = 0, fp = 0;
  unsigned nfrac = 0, nint = 0;
  if (*s == '-') neg = 1, s++;
  for (; *s >= '0' && *s <= '9'; s++, nint++) {
    if (ip > (UINT64_MAX - 9) / 10) return -1;
    ip = ip * 10 + (uint64_t)(*s - '0');
  }
  if (nint == 0) return -1;
  if (*s == '.') {
    s++;
    for (; *s >= '0' && *s <= '9'; s++) {
      if (++nfrac > 9) return -1; /* finer than 1e-9: refuse rather than round */
      fp = fp * 10 + (uint64_t)(*s - '0');
    }
    if (nfrac == 0) return -1;
  }
  if (*s) return -1;
  for (unsigned i = nfrac; i < 9; i++) fp *= 10;
  if (ip > (uint64_t)INT64_MAX / FX_SCALE + 1) return -1;
  uint64_t mag = ip * FX_SCALE + fp; /* ip <= 9223372037: no wrap in u64 */
  if (mag > (uint64_t)INT64_MAX + (uint64_t)neg) return -1;
  *v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
  return 0;
}

void dvm_node_fx_format(int64_t v, char out[32]) {
  uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  uint64_t ip = mag / FX_SCALE, fp = mag % FX_SCALE;
  int k = snprintf(out, 32, "%s%" PRIu64, v < 0 ? "-" : "", ip);
  if (fp) {
    char f[16];
    snprintf(f, sizeof f, "%09" PRIu64, fp);
    size_t n = 9;
    while (n > 1 && f[n - 1] == '0') n--;
    f[n] = 0;
    snprintf(out + k, 32 - (size_t)k, ".%s", f);
  }
}

/* ---- parsing the ABI document ---- */

static int name_ok(const char *s, size_t max) {
  size_t n = strlen(s);
  if (n == 0 || n > max) return 0;
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'))
      return 0;
  }
  return 1;
}

/* Every key of obj is in the NULL-terminated `keys`; the first `nreq` are required. */
static int keys_check(json_t *obj, const char *path, const char *const *keys, int nreq, char *err,
                      size_t errlen) {
  const char *k;
  json_t *v;
  if (!json_is_object(obj)) return node_fail(err, errlen, "%s: not an object", path);
  json_object_foreach(obj, k, v) {
    int ok = 0;
    for (const char *const *p = keys; *p; p++) ok |= !strcmp(*p, k);
    if (!ok) return node_fail(err, errlen, "%s.%.64s: unknown key", path, k);
  }
  for (int i = 0; i < nreq; i++)
    if (!json_object_get(obj, keys[i])) return node_fail(err, errlen, "%s.%s: missing", path, keys[i]);
  return 0;
}

static int fields_parse(json_t *arr, const char *path, dvm_node_abi_field **out, uint32_t *n, char *err,
                        size_t errlen) {
  static const char *const fkeys[] = {"name", "type", NULL};
  if (!json_is_array(arr)) return node_fail(err, errlen, "%s: not an array", path);
  size_t cnt = json_array_size(arr);
  if (cnt > DVM_NODE_ABI_MAX_ITEMS) return node_fail(err, errlen, "%s: more than %u entries", path, DVM_NODE_ABI_MAX_ITEMS);
  *out = calloc(cnt ? cnt : 1, sizeof **out);
  if (!*out) return node_fail(err, errlen, "%s: out of memory", path);
  *n = (uint32_t)cnt;
  for (size_t i = 0; i < cnt; i++) {
    char p[160];
    json_t *f = json_array_get(arr, i), *nm, *ty;
    snprintf(p, sizeof p, "%s[%zu]", path, i);
    if (keys_check(f, p, fkeys, 2, err, errlen)) return -1;
    nm = json_object_get(f, "name");
    ty = json_object_get(f, "type");
    if (!json_is_string(nm) || !name_ok(json_string_value(nm), DVM_NODE_ABI_MAX_NAME))
      return node_fail(err, errlen, "%s.name: not a name of 1..64 characters [A-Za-z0-9_]", p);
    if (!json_is_string(ty) || !((*out)[i].type = (uint8_t)type_parse(json_string_value(ty))))
      return node_fail(err, errlen, "%s.type: not one of u8 u16 u32 u64 i64 fx address bytes", p);
    strcpy((*out)[i].name, json_string_value(nm));
    for (size_t j = 0; j < i; j++)
      if (!strcmp((*out)[j].name, (*out)[i].name))
        return node_fail(err, errlen, "%s.name: duplicate of %s[%zu]", p, path, j);
  }
  return 0;
}

void dvm_node_abi_free(dvm_node_abi *a) {
  if (!a) return;
  for (uint32_t i = 0; i < a->nmethods; i++) {
    free(a->methods[i].args);
    free(a->methods[i].returns);
  }
  for (uint32_t i = 0; i < a->nevents; i++) free(a->events[i].fields);
  free(a->methods);
  free(a->events);
  free(a);
}

static int abi_build(json_t *doc, dvm_node_abi *a, char *err, size_t errlen) {
  static const char *const rkeys[] = {"contract", "abi_version", "methods", "events", NULL};
  static const char *const mkeys[] = {"name", "args", "returns", "readonly", NULL};
  static const char *const ekeys[] = {"name", "fields", NULL};
  if (keys_check(doc, "(root)", rkeys, 3, err, errlen)) return -1;
  json_t *c = json_object_get(doc, "contract"), *ver = json_object_get(doc, "abi_version");
  json_t *ms = json_object_get(doc, "methods"), *es = json_object_get(doc, "events");
  if (!json_is_string(c) || !name_ok(json_string_value(c), DVM_NODE_ABI_MAX_NAME))
    return node_fail(err, errlen, "contract: not a name of 1..64 characters [A-Za-z0-9_]");
  strcpy(a->contract, json_string_value(c));
  if (!json_is_integer(ver) || json_integer_value(ver) != 1)
    return node_fail(err, errlen, "abi_version: must be 1");
  if (!json_is_array(ms)) return node_fail(err, errlen, "methods: not an array");
  if (es && !json_is_array(es)) return node_fail(err, errlen, "events: not an array");
  size_t nm = json_array_size(ms), ne = es ? json_array_size(es) : 0;
  if (nm > DVM_NODE_ABI_MAX_ITEMS || ne > DVM_NODE_ABI_MAX_ITEMS)
    return node_fail(err, errlen, "methods/events: more than %u entries", DVM_NODE_ABI_MAX_ITEMS);
  a->methods = calloc(nm ? nm : 1, sizeof *a->methods);
  a->events = calloc(ne ? ne : 1, sizeof *a->events);
  if (!a->methods || !a->events) return node_fail(err, errlen, "out of memory");
  for (size_t i = 0; i < nm; i++) {
    char p[64], q[80];
    json_t *m = json_array_get(ms, i), *v;
    dvm_node_abi_method *md = &a->methods[i];
    snprintf(p, sizeof p, "methods[%zu]", i);
    if (keys_check(m, p, mkeys, 1, err, errlen)) return -1;
    a->nmethods = (uint32_t)i + 1;
    v = json_object_get(m, "name");
    if (!json_is_string(v) || !name_ok(json_string_value(v), DVM_NODE_ABI_MAX_NAME))
      return node_fail(err, errlen, "%s.name: not a name of 1..64 characters [A-Za-z0-9_]", p);
    strcpy(md->name, json_string_value(v));
    for (size_t j = 0; j < i; j++)
      if (!strcmp(a->methods[j].name, md->name))
        return node_fail(err, errlen, "%s.name: duplicate of methods[%zu]", p, j);
    v = json_object_get(m, "readonly");
    if (v && !json_is_boolean(v)) return node_fail(err, errlen, "%s.readonly: not true or false", p);
    md->readonly = v && json_is_true(v);
    json_t *args = json_object_get(m, "args"), *rets = json_object_get(m, "returns");
    snprintf(q, sizeof q, "%s.args", p);
    if (args && fields_parse(args, q, &md->args, &md->nargs, err, errlen)) return -1;
    snprintf(q, sizeof q, "%s.returns", p);
    if (rets && fields_parse(rets, q, &md->returns, &md->nreturns, err, errlen)) return -1;
  }
  for (size_t i = 0; i < ne; i++) {
    char p[64], q[80];
    json_t *e = json_array_get(es, i), *v;
    dvm_node_abi_event *ed = &a->events[i];
    snprintf(p, sizeof p, "events[%zu]", i);
    if (keys_check(e, p, ekeys, 1, err, errlen)) return -1;
    a->nevents = (uint32_t)i + 1;
    v = json_object_get(e, "name");
    if (!json_is_string(v) || !name_ok(json_string_value(v), DVM_NODE_ABI_MAX_EVENT))
      return node_fail(err, errlen, "%s.name: not a name of 1..32 characters [A-Za-z0-9_]", p);
    strcpy(ed->name, json_string_value(v));
    for (size_t j = 0; j < i; j++)
      if (!strcmp(a->events[j].name, ed->name))
        return node_fail(err, errlen, "%s.name: duplicate of events[%zu]", p, j);
    json_t *fs = json_object_get(e, "fields");
    snprintf(q, sizeof q, "%s.fields", p);
    if (fs && fields_parse(fs, q, &ed->fields, &ed->nfields, err, errlen)) return -1;
  }
  return 0;
}

int dvm_node_abi_parse_json(json_t *doc, dvm_node_abi **out, char *err, size_t errlen) {
  dvm_node_abi *a = calloc(1, sizeof *a);
  *out = NULL;
  if (!a) return node_fail(err, errlen, "out of memory");
  if (abi_build(doc, a, err, errlen)) {
    dvm_node_abi_free(a);
    return -1;
  }
  *out = a;
  return 0;
}

int dvm_node_abi_parse(const char *json, size_t len, dvm_node_abi **out, char *err, size_t errlen) {
  json_error_t je;
  json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
  *out = NULL;
  if (!doc) return node_fail(err, errlen, "(json) line %d column %d: %s", je.line, je.column, je.text);
  int rc = dvm_node_abi_parse_json(doc, out, err, errlen);
  json_decref(doc);
  return rc;
}

static json_t *fields_json(const dvm_node_abi_field *f, uint32_t n) {
  json_t *arr = json_array();
  for (uint32_t i = 0; i < n; i++)
    json_array_append_new(arr, json_pack("{s:s,s:s}", "name", f[i].name, "type", type_names[f[i].type]));
  return arr;
}

json_t *dvm_node_abi_to_json(const dvm_node_abi *a) {
  json_t *ms = json_array(), *es = json_array();
  for (uint32_t i = 0; i < a->nmethods; i++) {
    const dvm_node_abi_method *m = &a->methods[i];
    json_array_append_new(ms, json_pack("{s:s,s:b,s:o,s:o}", "name", m->name, "readonly", m->readonly,
                                        "args", fields_json(m->args, m->nargs), "returns",
                                        fields_json(m->returns, m->nreturns)));
  }
  for (uint32_t i = 0; i < a->nevents; i++)
    json_array_append_new(es, json_pack("{s:s,s:o}", "name", a->events[i].name, "fields",
                                        fields_json(a->events[i].fields, a->events[i].nfields)));
  return json_pack("{s:s,s:i,s:o,s:o}", "contract", a->contract, "abi_version", 1, "methods", ms, "events", es);
}

const dvm_node_abi_method *dvm_node_abi_method_find(const dvm_node_abi *a, const char *name) {
  for (uint32_t i = 0; a && i < a->nmethods; i++)
    if (!strcmp(a->methods[i].name, name)) return &a->methods[i];
  return NULL;
}

const dvm_node_abi_event *dvm_node_abi_event_find(const dvm_node_abi *a, const uint8_t topic[32]) {
  for (uint32_t i = 0; a && i < a->nevents; i++) {
    uint8_t t[32] = {0};
    memcpy(t, a->events[i].name, strlen(a->events[i].name));
    if (!memcmp(t, topic, 32)) return &a->events[i];
  }
  return NULL;
}

/* ---- packing ---- */

typedef struct wbuf {
  uint8_t *p;
  size_t n, cap;
} wbuf;

static int wput(wbuf *b, const void *d, size_t n) {
  if (b->n + n > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->n + n) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) return -1;
    b->p = p;
    b->cap = cap;
  }
  if (n) memcpy(b->p + b->n, d, n);
  b->n += n;
  return 0;
}

static int wle(wbuf *b, uint64_t v, size_t bytes) {
  uint8_t t[8];
  for (size_t i = 0; i < bytes; i++) t[i] = (uint8_t)(v >> (8 * i));
  return wput(b, t, bytes);
}

/* A decimal string: optional '-' (when allow_neg), digits, no leading zero. */
static int dec_parse(const char *s, int allow_neg, int *neg, uint64_t *mag) {
  *neg = 0;
  *mag = 0;
  if (*s == '-' && allow_neg) *neg = 1, s++;
  if (!*s || (s[0] == '0' && s[1])) return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return -1;
    unsigned d = (unsigned)(*s - '0');
    if (*mag > (UINT64_MAX - d) / 10) return -1;
    *mag = *mag * 10 + d;
  }
  return 0;
}

static int hex_value(const char *s, size_t max, wbuf *b, int with_len, size_t exact) {
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
  size_t n = strlen(s);
  if (n % 2 || n / 2 > max || (exact && n / 2 != exact)) return -1;
  uint8_t *tmp = malloc(n / 2 + 1);
  if (!tmp) return -1;
  if (dvm_hex_decode(s, tmp, n / 2)) {
    free(tmp);
    return -1;
  }
  int rc = (with_len ? wle(b, n / 2, 4) : 0) || wput(b, tmp, n / 2);
  free(tmp);
  return rc ? -1 : 0;
}

static int pack_one(const dvm_node_abi_field *f, json_t *v, const char *path, wbuf *b, char *err,
                    size_t errlen) {
  const char *tn = type_names[f->type];
  int neg = 0;
  uint64_t mag = 0;
  switch (f->type) {
  case DVM_NODE_ABI_U8:
  case DVM_NODE_ABI_U16:
  case DVM_NODE_ABI_U32:
  case DVM_NODE_ABI_U64:
  case DVM_NODE_ABI_I64: {
    int is_signed = f->type == DVM_NODE_ABI_I64;
    if (json_is_integer(v)) {
      json_int_t x = json_integer_value(v);
      neg = x < 0;
      mag = neg ? 0 - (uint64_t)x : (uint64_t)x;
    } else if (json_is_string(v)) {
      if (dec_parse(json_string_value(v), is_signed, &neg, &mag))
        return node_fail(err, errlen, "%s: %s: not a decimal %s integer", path, tn, is_signed ? "signed" : "unsigned");
    } else {
      return node_fail(err, errlen, "%s: %s: expected an integer or a decimal string, got %s", path, tn,
                  json_is_real(v) ? "a number with a fraction" : json_is_boolean(v) ? "a boolean"
                  : json_is_null(v) ? "null" : json_is_array(v) ? "an array" : "an object");
    }
    size_t w = type_width(f->type);
    uint64_t max = w == 8 ? (is_signed ? (uint64_t)INT64_MAX + neg : UINT64_MAX) : (1ull << (8 * w)) - 1;
    if ((neg && !is_signed) || mag > max)
      return node_fail(err, errlen, "%s: %s: %s%" PRIu64 " out of range", path, tn, neg ? "-" : "", mag);
    return wle(b, neg ? 0 - mag : mag, w) ? node_fail(err, errlen, "out of memory") : 0;
  }
  case DVM_NODE_ABI_FX: {
    int64_t x;
    if (json_is_integer(v)) {
      json_int_t i = json_integer_value(v);
      if (i > INT64_MAX / (json_int_t)FX_SCALE || i < INT64_MIN / (json_int_t)FX_SCALE)
        return node_fail(err, errlen, "%s: fx: %" JSON_INTEGER_FORMAT " out of range", path, i);
      x = (int64_t)i * (int64_t)FX_SCALE;
    } else if (json_is_string(v)) {
      if (dvm_node_fx_parse(json_string_value(v), &x))
        return node_fail(err, errlen, "%s: fx: \"%.40s\" is not a decimal with at most 9 fraction digits in range",
                    path, json_string_value(v));
    } else {
      return node_fail(err, errlen, "%s: fx: expected a decimal string such as \"3174.60\"%s", path,
                  json_is_real(v) ? " (JSON numbers with a fraction are refused: no floating point)" : "");
    }
    return wle(b, (uint64_t)x, 8) ? node_fail(err, errlen, "out of memory") : 0;
  }
  case DVM_NODE_ABI_ADDRESS:
    if (!json_is_string(v) || hex_value(json_string_value(v), 32, b, 0, 32))
      return node_fail(err, errlen, "%s: address: expected 64 hex digits", path);
    return 0;
  default: /* bytes */
    if (!json_is_string(v) || hex_value(json_string_value(v), DVM_NODE_ABI_MAX_BYTES, b, 1, 0))
      return node_fail(err, errlen, "%s: bytes: expected an even number of hex digits (at most %u bytes)", path,
                  DVM_NODE_ABI_MAX_BYTES);
    return 0;
  }
}

int dvm_node_abi_encode(const dvm_node_abi_field *fields, uint32_t n, json_t *args, uint8_t **out,
                        size_t *len, char *err, size_t errlen) {
  wbuf b = {0};
  *out = NULL;
  *len = 0;
  if (!args || json_is_null(args)) {
    if (n) return node_fail(err, errlen, "args: missing (%u expected)", n);
  } else if (json_is_array(args)) {
    if (json_array_size(args) != n)
      return node_fail(err, errlen, "args: %zu values for %u arguments", json_array_size(args), n);
  } else if (json_is_object(args)) {
    const char *k;
    json_t *v;
    json_object_foreach(args, k, v) {
      int known = 0;
      for (uint32_t i = 0; i < n; i++) known |= !strcmp(fields[i].name, k);
      if (!known) return node_fail(err, errlen, "args.%.64s: no such argument", k);
    }
  } else {
    return node_fail(err, errlen, "args: expected an object (or an array)");
  }
  for (uint32_t i = 0; i < n; i++) {
    char path[96];
    json_t *v;
    if (json_is_array(args)) {
      snprintf(path, sizeof path, "args[%u] (%s)", i, fields[i].name);
      v = json_array_get(args, i);
    } else {
      snprintf(path, sizeof path, "args.%s", fields[i].name);
      v = json_object_get(args, fields[i].name);
      if (!v) {
        free(b.p);
        return node_fail(err, errlen, "%s: missing (%s)", path, type_names[fields[i].type]);
      }
    }
    if (pack_one(&fields[i], v, path, &b, err, errlen)) {
      free(b.p);
      return -1;
    }
  }
  if (!b.p && !(b.p = malloc(1))) return node_fail(err, errlen, "out of memory");
  *out = b.p;
  *len = b.n;
  return 0;
}

/* ---- decoding ---- */

int dvm_node_abi_decode(const dvm_node_abi_field *fields, uint32_t n, const uint8_t *data, size_t len,
                        json_t **out, char *err, size_t errlen) {
  json_t *o = json_object();
  size_t off = 0;
  *out = NULL;
  for (uint32_t i = 0; i < n; i++) {
    const dvm_node_abi_field *f = &fields[i];
    size_t w = type_width(f->type);
    json_t *v = NULL;
    char t[32];
    if (f->type == DVM_NODE_ABI_BYTES) {
      if (len - off < 4 || len - off - 4 < dvm_le_get32(data + off)) {
        json_decref(o);
        return node_fail(err, errlen, "%s (bytes): truncated at byte %zu of %zu", f->name, off, len);
      }
      size_t bl = (size_t)dvm_le_get32(data + off);
      v = node_hex(data + off + 4, bl);
      off += 4 + bl;
    } else {
      if (len - off < w) {
        json_decref(o);
        return node_fail(err, errlen, "%s (%s): truncated at byte %zu of %zu", f->name, type_names[f->type], off, len);
      }
      uint64_t x = w <= 8 ? dvm_le_getn(data + off, (unsigned)w) : 0; /* an address is copied as bytes below */
      switch (f->type) {
      case DVM_NODE_ABI_U64: snprintf(t, sizeof t, "%" PRIu64, x); v = json_string(t); break;
      case DVM_NODE_ABI_I64: snprintf(t, sizeof t, "%" PRId64, (int64_t)x); v = json_string(t); break;
      case DVM_NODE_ABI_FX: dvm_node_fx_format((int64_t)x, t); v = json_string(t); break;
      case DVM_NODE_ABI_ADDRESS: v = node_hex(data + off, 32); break;
      default: v = json_integer((json_int_t)x); break;
      }
      off += w;
    }
    json_object_set_new(o, f->name, v);
  }
  if (off != len) {
    json_decref(o);
    return node_fail(err, errlen, "%zu bytes left over after the %u fields (%zu bytes expected, got %zu)", len - off, n,
                off, len);
  }
  *out = o;
  return 0;
}

int dvm_node_abi_decode_log(const dvm_node_abi *a, const uint8_t *topics, uint32_t ntopics, const uint8_t *data,
                            size_t len, json_t **out, char *err, size_t errlen) {
  *out = NULL;
  if (ntopics == 0) return node_fail(err, errlen, "log without topics: no event name");
  const dvm_node_abi_event *e = dvm_node_abi_event_find(a, topics);
  if (!e) return node_fail(err, errlen, "first topic names no event of the ABI");
  json_t *fields;
  if (dvm_node_abi_decode(e->fields, e->nfields, data, len, &fields, err, errlen)) return -1;
  *out = json_pack("{s:s,s:o}", "event", e->name, "fields", fields);
  return 0;
}

int dvm_node_abi_check_exports(const dvm_node_abi *a, const uint8_t *container, size_t len, char *err,
                               size_t errlen) {
  dvm_vm_container c;
  dvm_vm_error ve;
  if (dvm_vm_container_parse(&c, container, len, &ve)) return node_fail(err, errlen, "not a .dvm container");
  int rc = 0;
  for (uint32_t i = 0; i < a->nmethods && !rc; i++) {
    int found = 0;
    for (uint32_t j = 0; j < c.export_count; j++) found |= !strcmp(c.exports[j].name, a->methods[i].name);
    if (!found) rc = node_fail(err, errlen, "method %s: not an export of the container", a->methods[i].name);
  }
  for (uint32_t j = 0; j < c.export_count && !rc; j++)
    if (strcmp(c.exports[j].name, "init") && !dvm_node_abi_method_find(a, c.exports[j].name))
      rc = node_fail(err, errlen, "export %s: not a method of the ABI", c.exports[j].name);
  dvm_vm_container_free(&c);
  return rc;
}
