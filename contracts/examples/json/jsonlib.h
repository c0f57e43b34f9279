/* jsonlib.h — a small strict JSON parser (RFC 8259) in portable C: it
 * tokenizes a document into a flat array of tokens in document order
 * (no allocation), then answers path queries, unescapes strings, reads
 * numbers as fixed point and minifies. Nothing in it knows about DVM: it
 * builds natively with any C99 compiler and as a contract with
 * dvm_add_contract (json.c). Define JSON_API as `static` before including
 * jsonlib.c to keep every function private to the including file. */
#ifndef JSONLIB_H
#define JSONLIB_H

#include <stddef.h>
#include <stdint.h>

#ifndef JSON_API
#define JSON_API
#endif

typedef enum {
  JSON_UNDEF = 0,
  JSON_OBJECT,
  JSON_ARRAY,
  JSON_STRING,
  JSON_NUMBER,
  JSON_TRUE,
  JSON_FALSE,
  JSON_NULL,
  JSON_NTYPES
} json_type;

/* One value (or object key, a JSON_STRING): its bytes [start, end) in the
 * document (strings without their quotes), its number of children (object:
 * keys, array: elements), and the index of its parent token (-1: none). */
typedef struct json_tok {
  json_type type;
  uint32_t start, end;
  uint32_t size;
  int32_t parent;
} json_tok;

enum {
  JSON_ERR_NOMEM = -1, /* more tokens than the array holds */
  JSON_ERR_INVAL = -2, /* not JSON */
  JSON_ERR_PART = -3,  /* the document ends too early */
  JSON_ERR_DEPTH = -4, /* nested deeper than JSON_MAX_DEPTH */
};

#define JSON_MAX_DEPTH 24

typedef struct json_parser {
  const char *js;
  size_t len, pos;
  json_tok *toks;
  uint32_t cap, ntok;
  uint32_t max_depth; /* the deepest nesting seen */
} json_parser;

/* Parse js[0..len) into toks[0..cap): the number of tokens, or a JSON_ERR_*
 * (then p->pos is where the error was found). */
JSON_API int json_parse(json_parser *p, const char *js, size_t len, json_tok *toks, uint32_t cap);
/* The index just after token i and all its descendants. */
JSON_API uint32_t json_skip(const json_tok *t, uint32_t ntok, uint32_t i);
/* The value of `key` in the object at token obj, or -1. */
JSON_API int json_find_key(const char *js, const json_tok *t, uint32_t ntok, uint32_t obj, const char *key,
                           size_t klen);
/* The token a path such as `a.b[2].c` names from the root (empty: the
 * root), or -1. Keys are compared after unescaping. */
JSON_API int json_path(const char *js, const json_tok *t, uint32_t ntok, const char *path, size_t plen);
/* Unescape a string token into out (UTF-8): its length, or -1 if it does
 * not fit in cap bytes. */
JSON_API int json_unescape(const char *js, const json_tok *t, char *out, size_t cap);
/* A number token as fixed point scaled by 1e9 (at most 9 decimals kept,
 * the rest truncated; exponents are refused): 0, or -1 when out of range. */
JSON_API int json_number_fx(const char *s, size_t n, int64_t *out);
/* The document without insignificant whitespace into out (at least len
 * bytes): the minified length. The document must have parsed. */
JSON_API size_t json_minify_text(const char *js, size_t len, char *out);

#endif
