/* jsonlib.c — see jsonlib.h. */
#include "jsonlib.h"

#include <stdbool.h>
#include <string.h>

static bool json_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void skip_ws(json_parser *p) {
  while (p->pos < p->len && json_ws(p->js[p->pos])) p->pos++;
}

static int new_tok(json_parser *p, json_type type, size_t start, int32_t parent) {
  if (p->ntok >= p->cap) return JSON_ERR_NOMEM;
  json_tok *t = &p->toks[p->ntok];
  t->type = type;
  t->start = (uint32_t)start;
  t->end = (uint32_t)start;
  t->size = 0;
  t->parent = parent;
  if (parent >= 0) p->toks[parent].size++;
  return (int)p->ntok++;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* A string starting at the opening quote; the token covers its content. */
static int parse_string(json_parser *p, int32_t parent) {
  size_t start = ++p->pos;
  while (p->pos < p->len) {
    unsigned char c = (unsigned char)p->js[p->pos];
    if (c == '"') {
      int i = new_tok(p, JSON_STRING, start, parent);
      if (i < 0) return i;
      p->toks[i].end = (uint32_t)p->pos++;
      return i;
    }
    if (c < 0x20) return JSON_ERR_INVAL;
    if (c == '\\') {
      if (++p->pos >= p->len) return JSON_ERR_PART;
      c = (unsigned char)p->js[p->pos];
      if (c == 'u') {
        if (p->pos + 4 >= p->len) return JSON_ERR_PART;
        for (int k = 1; k <= 4; k++)
          if (hexval(p->js[p->pos + k]) < 0) return JSON_ERR_INVAL;
        p->pos += 4;
      } else if (!strchr("\"\\/bfnrt", c) || c == 0) {
        return JSON_ERR_INVAL;
      }
    }
    p->pos++;
  }
  return JSON_ERR_PART;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int parse_number(json_parser *p, int32_t parent) {
  size_t start = p->pos;
  const char *s = p->js;
  if (p->pos < p->len && s[p->pos] == '-') p->pos++;
  if (p->pos >= p->len) return JSON_ERR_PART;
  if (s[p->pos] == '0') p->pos++;
  else if (is_digit(s[p->pos]))
    while (p->pos < p->len && is_digit(s[p->pos])) p->pos++;
  else return JSON_ERR_INVAL;
  if (p->pos < p->len && s[p->pos] == '.') {
    p->pos++;
    if (p->pos >= p->len) return JSON_ERR_PART;
    if (!is_digit(s[p->pos])) return JSON_ERR_INVAL;
    while (p->pos < p->len && is_digit(s[p->pos])) p->pos++;
  }
  if (p->pos < p->len && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
    p->pos++;
    if (p->pos < p->len && (s[p->pos] == '+' || s[p->pos] == '-')) p->pos++;
    if (p->pos >= p->len) return JSON_ERR_PART;
    if (!is_digit(s[p->pos])) return JSON_ERR_INVAL;
    while (p->pos < p->len && is_digit(s[p->pos])) p->pos++;
  }
  int i = new_tok(p, JSON_NUMBER, start, parent);
  if (i >= 0) p->toks[i].end = (uint32_t)p->pos;
  return i;
}

static int parse_literal(json_parser *p, int32_t parent, const char *word, json_type type) {
  size_t n = strlen(word), start = p->pos;
  if (p->len - p->pos < n) return strncmp(p->js + p->pos, word, p->len - p->pos) ? JSON_ERR_INVAL : JSON_ERR_PART;
  if (memcmp(p->js + p->pos, word, n)) return JSON_ERR_INVAL;
  p->pos += n;
  int i = new_tok(p, type, start, parent);
  if (i >= 0) p->toks[i].end = (uint32_t)p->pos;
  return i;
}

static int parse_value(json_parser *p, int32_t parent, uint32_t depth);

/* An object or an array, from its opening bracket. */
static int parse_container(json_parser *p, int32_t parent, uint32_t depth) {
  bool obj = p->js[p->pos] == '{';
  char close = obj ? '}' : ']';
  if (depth > JSON_MAX_DEPTH) return JSON_ERR_DEPTH;
  if (depth > p->max_depth) p->max_depth = depth;
  int self = new_tok(p, obj ? JSON_OBJECT : JSON_ARRAY, p->pos, parent);
  if (self < 0) return self;
  p->pos++;
  skip_ws(p);
  if (p->pos < p->len && p->js[p->pos] == close) {
    p->toks[self].end = (uint32_t)++p->pos;
    return self;
  }
  for (;;) {
    skip_ws(p);
    if (p->pos >= p->len) return JSON_ERR_PART;
    if (obj) {
      if (p->js[p->pos] != '"') return JSON_ERR_INVAL;
      int key = parse_string(p, self);
      if (key < 0) return key;
      skip_ws(p);
      if (p->pos >= p->len) return JSON_ERR_PART;
      if (p->js[p->pos] != ':') return JSON_ERR_INVAL;
      p->pos++;
      int r = parse_value(p, key, depth + 1); /* a key's value is its child */
      if (r < 0) return r;
    } else {
      int r = parse_value(p, self, depth + 1);
      if (r < 0) return r;
    }
    skip_ws(p);
    if (p->pos >= p->len) return JSON_ERR_PART;
    char c = p->js[p->pos++];
    if (c == close) break;
    if (c != ',') {
      p->pos--;
      return JSON_ERR_INVAL;
    }
  }
  p->toks[self].end = (uint32_t)p->pos;
  return self;
}

static int parse_value(json_parser *p, int32_t parent, uint32_t depth) {
  skip_ws(p);
  if (p->pos >= p->len) return JSON_ERR_PART;
  switch (p->js[p->pos]) {
  case '{':
  case '[': return parse_container(p, parent, depth);
  case '"': return parse_string(p, parent);
  case 't': return parse_literal(p, parent, "true", JSON_TRUE);
  case 'f': return parse_literal(p, parent, "false", JSON_FALSE);
  case 'n': return parse_literal(p, parent, "null", JSON_NULL);
  default: return parse_number(p, parent);
  }
}

JSON_API int json_parse(json_parser *p, const char *js, size_t len, json_tok *toks, uint32_t cap) {
  memset(p, 0, sizeof *p);
  p->js = js;
  p->len = len;
  p->toks = toks;
  p->cap = cap;
  int r = parse_value(p, -1, 1);
  if (r < 0) return r;
  skip_ws(p);
  if (p->pos != p->len) return JSON_ERR_INVAL; /* trailing bytes */
  return (int)p->ntok;
}

JSON_API uint32_t json_skip(const json_tok *t, uint32_t ntok, uint32_t i) {
  uint32_t j = i + 1;
  /* Descendants follow their ancestor; the subtree ends at the first token
   * whose ancestors do not include i. */
  while (j < ntok) {
    int32_t a = t[j].parent;
    while (a >= 0 && (uint32_t)a > i) a = t[a].parent;
    if (a != (int32_t)i) break;
    j++;
  }
  return j;
}

/* Compare a string token, unescaped, with [key, key+klen). */
static bool key_equals(const char *js, const json_tok *k, const char *key, size_t klen) {
  char buf[256];
  int n = json_unescape(js, k, buf, sizeof buf);
  return n >= 0 && (size_t)n == klen && memcmp(buf, key, klen) == 0;
}

JSON_API int json_find_key(const char *js, const json_tok *t, uint32_t ntok, uint32_t obj, const char *key,
                           size_t klen) {
  if (obj >= ntok || t[obj].type != JSON_OBJECT) return -1;
  uint32_t i = obj + 1;
  for (uint32_t k = 0; k < t[obj].size; k++) {
    if (key_equals(js, &t[i], key, klen)) return (int)(i + 1);
    i = json_skip(t, ntok, i); /* past the key and its value */
  }
  return -1;
}

static int array_nth(const json_tok *t, uint32_t ntok, uint32_t arr, uint32_t n) {
  if (arr >= ntok || t[arr].type != JSON_ARRAY || n >= t[arr].size) return -1;
  uint32_t i = arr + 1;
  while (n--) i = json_skip(t, ntok, i);
  return (int)i;
}

JSON_API int json_path(const char *js, const json_tok *t, uint32_t ntok, const char *path, size_t plen) {
  if (ntok == 0) return -1;
  int cur = 0;
  size_t i = 0;
  while (i < plen && cur >= 0) {
    if (path[i] == '[') {
      uint32_t n = 0;
      size_t d = ++i;
      while (i < plen && is_digit(path[i]) && n < 100000000u) n = n * 10 + (uint32_t)(path[i++] - '0');
      if (i == d || i >= plen || path[i] != ']') return -1;
      i++;
      cur = array_nth(t, ntok, (uint32_t)cur, n);
    } else {
      if (path[i] == '.') i++;
      size_t s = i;
      while (i < plen && path[i] != '.' && path[i] != '[') i++;
      cur = json_find_key(js, t, ntok, (uint32_t)cur, path + s, i - s);
    }
  }
  return cur;
}

/* Append code point cp as UTF-8. */
static size_t put_utf8(char *o, uint32_t cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xc0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xe0 | cp >> 12);
    o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | cp >> 18);
  o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
  o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static uint32_t hex4(const char *s) {
  uint32_t v = 0;
  for (int k = 0; k < 4; k++) v = v << 4 | (uint32_t)hexval(s[k]);
  return v;
}

JSON_API int json_unescape(const char *js, const json_tok *t, char *out, size_t cap) {
  size_t o = 0;
  char tmp[4];
  for (uint32_t i = t->start; i < t->end; i++) {
    char c = js[i];
    size_t n = 1;
    tmp[0] = c;
    if (c == '\\') {
      c = js[++i];
      switch (c) {
      case 'b': tmp[0] = '\b'; break;
      case 'f': tmp[0] = '\f'; break;
      case 'n': tmp[0] = '\n'; break;
      case 'r': tmp[0] = '\r'; break;
      case 't': tmp[0] = '\t'; break;
      case 'u': {
        uint32_t cp = hex4(js + i + 1);
        i += 4;
        /* a surrogate pair; a lone surrogate becomes U+FFFD */
        if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < t->end && js[i + 1] == '\\' && js[i + 2] == 'u') {
          uint32_t lo = hex4(js + i + 3);
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          }
        }
        if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
        n = put_utf8(tmp, cp);
        break;
      }
      default: tmp[0] = c; /* " \ / */
      }
    }
    if (o + n > cap) return -1;
    memcpy(out + o, tmp, n);
    o += n;
  }
  return (int)o;
}

JSON_API int json_number_fx(const char *s, size_t n, int64_t *out) {
  size_t i = 0;
  bool neg = false;
  uint64_t ip = 0, frac = 0, scale = 1000000000u;
  if (i < n && s[i] == '-') neg = true, i++;
  for (; i < n && is_digit(s[i]); i++) {
    if (ip > (UINT64_MAX - 9) / 10) return -1;
    ip = ip * 10 + (uint64_t)(s[i] - '0');
  }
  if (i < n && s[i] == '.')
    for (i++; i < n && is_digit(s[i]); i++)
      if (scale > 1) scale /= 10, frac += (uint64_t)(s[i] - '0') * scale;
  if (i != n) return -1; /* an exponent */
  if (ip > (uint64_t)INT64_MAX / 1000000000u) return -1;
  uint64_t m = ip * 1000000000u + frac;
  if (m > (uint64_t)INT64_MAX) return -1;
  *out = neg ? -(int64_t)m : (int64_t)m;
  return 0;
}

JSON_API size_t json_minify_text(const char *js, size_t len, char *out) {
  size_t o = 0;
  bool in_str = false;
  for (size_t i = 0; i < len; i++) {
    char c = js[i];
    if (in_str) {
      out[o++] = c;
      if (c == '\\') out[o++] = js[++i];
      else if (c == '"') in_str = false;
    } else if (!json_ws(c)) {
      out[o++] = c;
      if (c == '"') in_str = true;
    }
  }
  return o;
}
