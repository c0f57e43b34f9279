/* lex.c — diagnostics and the line lexer: the bottom of the
 * assembler (it calls no other file of it). */
#include "asm_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Diagnostics: "FILE:LINE:COL: error: MESSAGE", the line, a caret. */

#define MAX_REPORTED 100   /* errors printed; the count goes on */
#define MAX_SHOWN_LINE 240 /* bytes of a source line echoed */

__attribute__((format(printf, 4, 0))) static void diag_v(asm_ctx *a, const asm_loc *at, const char *kind,
                                                        const char *fmt, va_list ap) {
  dvm_buf *d = &a->diag;
  const char *fname = (at && at->file >= 0 && (size_t)at->file < a->nfiles) ? a->files[at->file].name : "<input>";
  if (at && at->line)
    dvm_buf_printf(d, "%s:%u:%u: %s: ", fname, at->line, at->col + 1, kind);
  else
    dvm_buf_printf(d, "%s: %s: ", fname, kind);
  dvm_buf_vprintf(d, fmt, ap);
  dvm_buf_putc(d, '\n');
  if (!at || !at->line || !at->ls) return;
  uint32_t shown = at->ll < MAX_SHOWN_LINE ? at->ll : MAX_SHOWN_LINE;
  /* Echo the line with control characters made visible as spaces so the
   * caret stays aligned; tabs are kept as tabs in both lines. */
  dvm_buf_printf(d, "  ");
  for (uint32_t i = 0; i < shown; i++) {
    unsigned char ch = (unsigned char)at->ls[i];
    dvm_buf_putc(d, ch == '\t' ? '\t' : (ch < 32 || ch == 127) ? ' ' : ch);
  }
  if (shown < at->ll) dvm_buf_printf(d, " ...");
  dvm_buf_printf(d, "\n  ");
  uint32_t col = at->col <= shown ? at->col : shown;
  for (uint32_t i = 0; i < col; i++) dvm_buf_putc(d, at->ls[i] == '\t' ? '\t' : ' ');
  dvm_buf_putc(d, '^');
  uint32_t span = at->span ? at->span : 1;
  for (uint32_t i = 1; i < span && col + i < shown; i++) dvm_buf_putc(d, '~');
  dvm_buf_putc(d, '\n');
}

void asm_error(asm_ctx *a, const asm_loc *at, const char *fmt, ...) {
  a->nerr++;
  if (a->nerr > MAX_REPORTED) {
    if (a->nerr == MAX_REPORTED + 1) dvm_buf_printf(&a->diag, "too many errors; stopping the report here\n");
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  diag_v(a, at, "error", fmt, ap);
  va_end(ap);
}

void asm_warning(asm_ctx *a, const asm_loc *at, const char *fmt, ...) {
  a->nwarn++;
  if (a->nwarn > MAX_REPORTED) return;
  va_list ap;
  va_start(ap, fmt);
  diag_v(a, at, "warning", fmt, ap);
  va_end(ap);
}

asm_loc asm_tok_loc(const asm_ctx *a, const asm_tok *t) {
  asm_loc l = a->line;
  l.col = t->col;
  l.span = t->len ? t->len : 1;
  return l;
}

asm_loc asm_eol_loc(const asm_ctx *a) {
  asm_loc l = a->line;
  if (a->ntoks) {
    const asm_tok *t = &a->toks[a->ntoks - 1];
    l.col = t->col + t->len;
  } else {
    l.col = 0;
  }
  l.span = 1;
  return l;
}

/* ------------------------------------------------------------------ */
/* Lexer */

static int ident_start(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.' || c == '$';
}
static int ident_char(int c) { return ident_start(c) || (c >= '0' && c <= '9'); }
static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int asm_tok_is(const asm_tok *t, const char *text) {
  if (t->kind == TK_PUNCT) return strcmp(t->op, text) == 0;
  if (t->kind == TK_IDENT || t->kind == TK_PCT)
    return strlen(text) == t->len && memcmp(t->s, text, t->len) == 0;
  return 0;
}

static asm_tok *tok_push(asm_ctx *a) {
  if (a->ntoks == a->captoks) {
    size_t cap = a->captoks ? a->captoks * 2 : 32;
    asm_tok *t = realloc(a->toks, cap * sizeof *t);
    if (!t) {
      a->oom = 1;
      return NULL;
    }
    a->toks = t;
    a->captoks = cap;
  }
  asm_tok *t = &a->toks[a->ntoks++];
  memset(t, 0, sizeof *t);
  return t;
}

static const char *const puncts3[] = {"<<=", ">>="};
static const char *const puncts2[] = {"==", "!=", ">=", "<=", "<<", ">>", "+=", "-=", "*=",
                                      "/=", "%=", "|=", "&=", "^="};

int asm_lex_line(asm_ctx *a) {
  const char *s = a->line.ls;
  uint32_t n = a->line.ll;
  a->ntoks = 0;
  uint32_t i = 0;
  int space = 1;
  while (i < n) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      i++;
      space = 1;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < n && s[i + 1] == '/')) break; /* comment */
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      uint32_t j = i + 2;
      while (j + 1 < n && !(s[j] == '*' && s[j + 1] == '/')) j++;
      if (j + 1 >= n) {
        asm_loc l = a->line;
        l.col = i, l.span = 2;
        asm_error(a, &l, "unterminated /* comment (comments end on their line)");
        return -1;
      }
      i = j + 2;
      space = 1;
      continue;
    }
    asm_tok *t = tok_push(a);
    if (!t) return -1;
    t->col = i;
    t->s = s + i;
    t->space = (uint8_t)space;
    space = 0;
    if (ident_start(c)) {
      uint32_t j = i + 1;
      while (j < n && ident_char((unsigned char)s[j])) j++;
      t->kind = TK_IDENT;
      t->len = j - i;
      i = j;
    } else if (c == '%' && i + 1 < n && ident_start((unsigned char)s[i + 1])) {
      uint32_t j = i + 2;
      while (j < n && ident_char((unsigned char)s[j])) j++;
      t->kind = TK_PCT;
      t->len = j - i;
      i = j;
    } else if (c >= '0' && c <= '9') {
      uint32_t j = i;
      uint64_t v = 0;
      int ovf = 0, base = 10, digits = 0;
      if (c == '0' && i + 1 < n && (s[i + 1] == 'x' || s[i + 1] == 'X')) base = 16, j += 2;
      else if (c == '0' && i + 1 < n && (s[i + 1] == 'b' || s[i + 1] == 'B')) base = 2, j += 2;
      for (; j < n; j++) {
        int d = hexval((unsigned char)s[j]);
        if (d < 0 || d >= base) break;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) ovf = 1;
        v = v * (uint64_t)base + (uint64_t)d;
        digits++;
      }
      uint32_t k = j;
      while (k < n && ident_char((unsigned char)s[k])) k++;
      t->kind = TK_NUM;
      t->len = k - i;
      t->num = v;
      t->hex = base == 16;
      i = k;
      asm_loc l = asm_tok_loc(a, t);
      if (!digits || k != j) {
        asm_error(a, &l, "invalid number '%.*s'", (int)t->len, t->s);
        return -1;
      }
      if (ovf) {
        asm_error(a, &l, "number '%.*s' does not fit in 64 bits", (int)t->len, t->s);
        return -1;
      }
    } else if (c == '\'') {
      /* character constant: 'a', '\n', '\'', '\\', '\0', '\xHH' */
      uint32_t j = i + 1;
      uint64_t v = 0;
      int ok = j < n;
      if (ok && s[j] == '\\' && j + 1 < n) {
        char e = s[j + 1];
        j += 2;
        if (e == 'x') {
          int d = 0;
          while (j < n && d < 2 && hexval((unsigned char)s[j]) >= 0) v = v * 16 + (uint64_t)hexval((unsigned char)s[j++]), d++;
          ok = d > 0;
        } else {
          const char *from = "ntr0\\'\"", *to = "\n\t\r\0\\'\"";
          const char *f = strchr(from, e);
          ok = f && e;
          if (ok) v = (unsigned char)to[f - from];
        }
      } else if (ok && s[j] != '\'') {
        v = (unsigned char)s[j++];
      } else {
        ok = 0;
      }
      ok = ok && j < n && s[j] == '\'';
      t->kind = TK_NUM;
      t->len = (ok ? j + 1 : (j < n ? j + 1 : n)) - i;
      t->num = v;
      i += t->len;
      if (!ok) {
        asm_loc l = asm_tok_loc(a, t);
        asm_error(a, &l, "invalid character constant (one character or escape between single quotes)");
        return -1;
      }
    } else if (c == '"') {
      uint32_t j = i + 1;
      while (j < n && s[j] != '"') j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
      t->kind = TK_STR;
      if (j >= n) {
        t->len = n - i;
        asm_loc l = asm_tok_loc(a, t);
        l.span = 1;
        asm_error(a, &l, "missing terminating '\"' character");
        return -1;
      }
      t->len = j + 1 - i;
      i = j + 1;
    } else {
      t->kind = TK_PUNCT;
      size_t plen = 1;
      for (size_t k = 0; k < sizeof puncts3 / sizeof *puncts3 && plen == 1; k++)
        if (n - i >= 3 && !memcmp(s + i, puncts3[k], 3)) plen = 3;
      for (size_t k = 0; k < sizeof puncts2 / sizeof *puncts2 && plen == 1; k++)
        if (n - i >= 2 && !memcmp(s + i, puncts2[k], 2)) plen = 2;
      if (plen == 1 && !strchr(",[]()+-*/%&|^~<>=!:@", c)) {
        t->len = 1;
        asm_loc l = asm_tok_loc(a, t);
        if (c >= 32 && c < 127)
          asm_error(a, &l, "unexpected character '%c'", c);
        else
          asm_error(a, &l, "unexpected byte 0x%02x", c);
        return -1;
      }
      memcpy(t->op, s + i, plen);
      t->op[plen] = 0;
      t->len = (uint32_t)plen;
      i += (uint32_t)plen;
    }
  }
  return 0;
}

int asm_str_decode(asm_ctx *a, const asm_tok *t, dvm_buf *out) {
  const char *s = t->s + 1;
  size_t n = t->len - 2;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c != '\\') {
      dvm_buf_putc(out, c);
      continue;
    }
    if (++i >= n) break;
    c = (unsigned char)s[i];
    switch (c) {
    case 'n': dvm_buf_putc(out, '\n'); break;
    case 't': dvm_buf_putc(out, '\t'); break;
    case 'r': dvm_buf_putc(out, '\r'); break;
    case 'b': dvm_buf_putc(out, '\b'); break;
    case 'f': dvm_buf_putc(out, '\f'); break;
    case 'v': dvm_buf_putc(out, '\v'); break;
    case 'a': dvm_buf_putc(out, '\a'); break;
    case 'e': dvm_buf_putc(out, 27); break;
    case '\\': case '"': case '\'': case '?': dvm_buf_putc(out, c); break;
    case 'x': {
      unsigned v = 0;
      int d = 0;
      while (i + 1 < n && hexval((unsigned char)s[i + 1]) >= 0 && d < 2) v = v * 16 + (unsigned)hexval((unsigned char)s[++i]), d++;
      if (!d) {
        asm_loc l = asm_tok_loc(a, t);
        l.col += (uint32_t)i, l.span = 2;
        asm_error(a, &l, "\\x used with no following hex digits");
        return -1;
      }
      dvm_buf_putc(out, (int)v);
      break;
    }
    default:
      if (c >= '0' && c <= '7') {
        unsigned v = (unsigned)(c - '0');
        for (int d = 1; d < 3 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; d++) v = v * 8 + (unsigned)(s[++i] - '0');
        if (v > 255) {
          asm_loc l = asm_tok_loc(a, t);
          l.col += (uint32_t)i;
          asm_error(a, &l, "octal escape out of range");
          return -1;
        }
        dvm_buf_putc(out, (int)v);
      } else {
        asm_loc l = asm_tok_loc(a, t);
        l.col += (uint32_t)i, l.span = 2;
        asm_error(a, &l, "unknown escape sequence '\\%c'", c >= 32 && c < 127 ? c : '?');
        return -1;
      }
    }
  }
  return 0;
}
