/* expr.c — constant expressions (numbers and .equ names), range checks
 * and register names: operands both dialects and the directives parse.
 * Calls down into sym.c (.equ lookups) and lex.c. */
#include "asm_private.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Constant expressions: C operators and precedence, 64-bit wrapping. */

#define MAX_EXPR_DEPTH 64

typedef struct expr_st {
  asm_ctx *a;
  size_t i;
  int depth;
  int ops; /* operators applied: a lone literal keeps its hex spelling */
} expr_st;

static int ex_or(expr_st *e, uint64_t *v);

static const asm_tok *ex_peek(expr_st *e) {
  static const asm_tok eol = {0};
  return e->i < e->a->ntoks ? &e->a->toks[e->i] : &eol;
}

static int ex_primary(expr_st *e, uint64_t *v) {
  asm_ctx *a = e->a;
  const asm_tok *t = ex_peek(e);
  if (++e->depth > MAX_EXPR_DEPTH) {
    asm_loc l = asm_tok_loc(a, t);
    asm_error(a, &l, "expression nested too deeply");
    return -1;
  }
  int rc = 0;
  if (t->kind == TK_NUM) {
    *v = t->num;
    e->i++;
  } else if (t->kind == TK_PUNCT && (!strcmp(t->op, "-") || !strcmp(t->op, "~") || !strcmp(t->op, "+") || !strcmp(t->op, "!"))) {
    char op = t->op[0];
    e->i++;
    e->ops++;
    rc = ex_primary(e, v);
    if (!rc) *v = op == '-' ? (uint64_t)0 - *v : op == '~' ? ~*v : op == '!' ? (uint64_t)(*v == 0) : *v;
  } else if (t->kind == TK_PUNCT && !strcmp(t->op, "(")) {
    e->i++;
    e->ops++;
    rc = ex_or(e, v);
    if (!rc) {
      const asm_tok *c = ex_peek(e);
      if (c->kind == TK_PUNCT && !strcmp(c->op, ")")) {
        e->i++;
      } else {
        asm_loc l = c->kind == TK_EOL ? asm_eol_loc(a) : asm_tok_loc(a, c);
        asm_error(a, &l, "expected ')'");
        rc = -1;
      }
    }
  } else if (t->kind == TK_IDENT) {
    asm_sym *s = asm_equ_find(a, t);
    asm_loc l = asm_tok_loc(a, t);
    if (!s) {
      asm_error(a, &l, "'%.*s' is not a constant (define it with .equ before use)", (int)t->len, t->s);
      rc = -1;
    } else {
      *v = s->value;
      if (!s->hexlit) e->ops++;
      e->i++;
    }
  } else {
    asm_loc l = t->kind == TK_EOL ? asm_eol_loc(a) : asm_tok_loc(a, t);
    asm_error(a, &l, "expected an expression");
    rc = -1;
  }
  e->depth--;
  return rc;
}

/* Binary levels, loosest last. */
static int ex_level(expr_st *e, int level, uint64_t *v);

static const char *const level_ops[][3] = {
  {"*", "/", "%"}, {"+", "-", NULL}, {"<<", ">>", NULL}, {"&", NULL, NULL}, {"^", NULL, NULL}, {"|", NULL, NULL},
};

static int ex_level(expr_st *e, int level, uint64_t *v) {
  if (level < 0) return ex_primary(e, v);
  if (ex_level(e, level - 1, v)) return -1;
  for (;;) {
    const asm_tok *t = ex_peek(e);
    if (t->kind != TK_PUNCT) return 0;
    int k = -1;
    for (int j = 0; j < 3; j++)
      if (level_ops[level][j] && !strcmp(t->op, level_ops[level][j])) k = j;
    if (k < 0) return 0;
    asm_loc l = asm_tok_loc(e->a, t);
    e->i++;
    e->ops++;
    uint64_t r;
    if (ex_level(e, level - 1, &r)) return -1;
    const char *op = level_ops[level][k];
    switch (op[0]) {
    case '*': *v *= r; break;
    case '/':
    case '%':
      if (r == 0) {
        asm_error(e->a, &l, "division by zero in a constant expression");
        return -1;
      }
      if ((int64_t)r == -1) *v = op[0] == '/' ? (uint64_t)0 - *v : 0;
      else *v = op[0] == '/' ? (uint64_t)((int64_t)*v / (int64_t)r) : (uint64_t)((int64_t)*v % (int64_t)r);
      break;
    case '+': *v += r; break;
    case '-': *v -= r; break;
    case '<': *v = r >= 64 ? 0 : *v << r; break;
    case '>': *v = r >= 64 ? 0 : *v >> r; break;
    case '&': *v &= r; break;
    case '^': *v ^= r; break;
    case '|': *v |= r; break;
    }
  }
}

static int ex_or(expr_st *e, uint64_t *v) { return ex_level(e, 5, v); }

int asm_expr(asm_ctx *a, size_t *i, asm_val *out) {
  expr_st e = {a, *i, 0, 0};
  uint64_t v = 0;
  int lone_hex = (*i < a->ntoks && a->toks[*i].kind == TK_NUM && a->toks[*i].hex);
  if (*i < a->ntoks && a->toks[*i].kind == TK_IDENT) {
    asm_sym *s = asm_equ_find(a, &a->toks[*i]);
    lone_hex = s && s->hexlit;
  }
  if (ex_or(&e, &v)) return -1;
  out->v = v;
  out->hexlit = lone_hex && e.ops == 0;
  *i = e.i;
  return 0;
}

int asm_expr_starts(const asm_ctx *a, size_t i) {
  if (i >= a->ntoks) return 0;
  const asm_tok *t = &a->toks[i];
  if (t->kind == TK_NUM) return 1;
  if (t->kind == TK_PUNCT) return strchr("-~+(!", t->op[0]) && t->op[1] == 0;
  return 0;
}

int asm_fit_imm32(asm_ctx *a, const asm_val *v, const asm_loc *at, const char *what, int32_t *out) {
  int64_t s = (int64_t)v->v;
  if ((s >= INT32_MIN && s <= INT32_MAX) || (v->hexlit && v->v <= UINT32_MAX)) {
    *out = (int32_t)(uint32_t)v->v;
    return 0;
  }
  asm_error(a, at, "%s %lld does not fit in a signed 32-bit field (hex 0x80000000..0xffffffff spells a bit pattern)",
            what, (long long)s);
  return -1;
}

int asm_fit_off16(asm_ctx *a, const asm_val *v, const asm_loc *at, const char *what, int16_t *out) {
  int64_t s = (int64_t)v->v;
  if ((s >= INT16_MIN && s <= INT16_MAX) || (v->hexlit && v->v <= UINT16_MAX)) {
    *out = (int16_t)(uint16_t)v->v;
    return 0;
  }
  asm_error(a, at, "%s %lld does not fit in a signed 16-bit field", what, (long long)s);
  return -1;
}

int asm_reg_conf(const asm_tok *t) {
  if (t->kind != TK_PCT || t->len < 3 || t->len > 4 || t->s[1] != 'r') return -1;
  int v = 0;
  for (uint32_t i = 2; i < t->len; i++) {
    if (t->s[i] < '0' || t->s[i] > '9') return -1;
    v = v * 10 + (t->s[i] - '0');
  }
  if (t->len == 4 && t->s[2] == '0') return -1;
  return v <= 10 ? v : -1;
}

int asm_reg_llvm(const asm_tok *t, int *is_w) {
  if (t->kind != TK_IDENT || t->len < 2 || t->len > 3 || (t->s[0] != 'r' && t->s[0] != 'w')) return -1;
  int v = 0;
  for (uint32_t i = 1; i < t->len; i++) {
    if (t->s[i] < '0' || t->s[i] > '9') return -1;
    v = v * 10 + (t->s[i] - '0');
  }
  if (t->len == 3 && t->s[1] == '0') return -1;
  if (v > 10) return -1;
  if (is_w) *is_w = t->s[0] == 'w';
  return v;
}
