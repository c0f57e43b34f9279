/* container.c — the .dvm program container (spec/container.md): parse,
 * validate and write it canonically. Every field is little-endian and read
 * byte by byte, so any input bytes are safe to hand to the parser. */
#include "vm.h"
#include "vm_private.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LEN 16u /* magic, version, flags, section_count */

static int fail(dvm_vm_container *c, dvm_vm_error *err, const char *msg, size_t at) {
  memset(c, 0, sizeof *c);
  if (err) {
    err->code = DVM_VM_ERR_CONTAINER;
    err->rule = DVM_VERR_NONE;
    err->pc = UINT32_MAX;
    snprintf(err->msg, sizeof err->msg, "container byte %zu: %s", at, msg);
  }
  return DVM_VM_ERR_CONTAINER;
}

static int name_char_ok(uint8_t ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '.' || ch == '$';
}

/* 1..64 bytes of [A-Za-z0-9_.$], not starting with a digit (names are
 * labels in the disassembly). */
static int name_ok(const uint8_t *p, size_t n) {
  if (n < 1 || n > DVM_VM_MAX_NAME || (p[0] >= '0' && p[0] <= '9')) return 0;
  for (size_t i = 0; i < n; i++)
    if (!name_char_ok(p[i])) return 0;
  return 1;
}

/* Byte-wise comparison of two names: negative, zero or positive. */
static int name_cmp(const char *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn;
  int r = memcmp(a, b, n);
  if (r) return r;
  return an < bn ? -1 : an > bn ? 1 : 0;
}

static int symbol_cmp(const dvm_vm_symbol *a, const dvm_vm_symbol *b) {
  if (a->kind != b->kind) return a->kind < b->kind ? -1 : 1;
  if (a->value != b->value) return a->value < b->value ? -1 : 1;
  return name_cmp(a->name, a->name_len, b->name, b->name_len);
}

typedef struct name_ref {
  const char *p;
  size_t n;
} name_ref;

static int name_ref_cmp(const void *a, const void *b) {
  const name_ref *x = a, *y = b;
  return name_cmp(x->p, x->n, y->p, y->n);
}

/* 0 when every export and symbol name is distinct (names become labels in
 * the disassembly), 1 when one repeats, DVM_VM_ERR_NOMEM. O(n log n). */
static int names_unique(const dvm_vm_export *ex, uint32_t exn, const dvm_vm_symbol *sy,
                        uint32_t syn) {
  size_t n = (size_t)exn + syn;
  if (n < 2) return 0;
  name_ref *r = malloc(n * sizeof *r);
  if (!r) return DVM_VM_ERR_NOMEM;
  for (uint32_t i = 0; i < exn; i++) r[i] = (name_ref){ex[i].name, ex[i].name_len};
  for (uint32_t i = 0; i < syn; i++) r[exn + i] = (name_ref){sy[i].name, sy[i].name_len};
  qsort(r, n, sizeof *r, name_ref_cmp);
  int dup = 0;
  for (size_t i = 1; i < n && !dup; i++) dup = name_ref_cmp(&r[i - 1], &r[i]) == 0;
  free(r);
  return dup;
}

int dvm_vm_is_container(const uint8_t *buf, size_t len) {
  return buf && len >= 4 && memcmp(buf, DVM_VM_CONTAINER_MAGIC, 4) == 0;
}

/* Parse the exports section [p, p+len) into c->exports. */
static int parse_exports(dvm_vm_container *c, const uint8_t *p, uint32_t len, size_t base,
                         dvm_vm_error *err) {
  if (len < 4) return fail(c, err, "exports section shorter than its count", base);
  uint32_t count = dvm_load_u32(p);
  if (count == 0) return fail(c, err, "empty exports section (omit it instead)", base);
  if (count > DVM_VM_MAX_EXPORTS) return fail(c, err, "more than 256 exports", base);
  /* Each entry is at least 6 bytes: reject impossible counts before allocating. */
  if ((uint64_t)count * 6u > (uint64_t)len - 4u)
    return fail(c, err, "exports count larger than the section", base);
  dvm_vm_export *ex = calloc(count, sizeof *ex);
  if (!ex) return fail(c, err, "out of memory", base);
  c->exports = ex;
  uint32_t at = 4;
  for (uint32_t i = 0; i < count; i++) {
    if (len - at < 5) goto trunc;
    ex[i].pc = dvm_load_u32(p + at);
    uint8_t n = p[at + 4];
    at += 5;
    if (len - at < n) goto trunc;
    if (!name_ok(p + at, n)) {
      free(ex);
      return fail(c, err, "export name not 1..64 bytes of [A-Za-z0-9_.$]", base + at);
    }
    if (c->code_len && ex[i].pc >= c->code_len / 8) {
      free(ex);
      return fail(c, err, "export pc outside the code", base + at - 5);
    }
    ex[i].name_len = n;
    memcpy(ex[i].name, p + at, n);
    ex[i].name[n] = 0;
    at += n;
    if (i > 0 && name_cmp(ex[i - 1].name, ex[i - 1].name_len, ex[i].name, n) >= 0) {
      free(ex);
      return fail(c, err, "exports not sorted strictly by name", base + at - n);
    }
  }
  if (at != len) {
    free(ex);
    return fail(c, err, "trailing bytes in the exports section", base + at);
  }
  c->export_count = count;
  return DVM_VM_OK;
trunc:
  free(ex);
  return fail(c, err, "exports section truncated", base + at);
}

static int parse_symbols(dvm_vm_container *c, const uint8_t *p, uint32_t len, size_t base,
                         dvm_vm_error *err) {
  if (len < 4) return fail(c, err, "symbols section shorter than its count", base);
  uint32_t count = dvm_load_u32(p);
  if (count == 0) return fail(c, err, "empty symbols section (omit it instead)", base);
  if ((uint64_t)count * 7u > (uint64_t)len - 4u)
    return fail(c, err, "symbols count larger than the section", base);
  dvm_vm_symbol *sy = calloc(count, sizeof *sy);
  if (!sy) return fail(c, err, "out of memory", base);
  uint32_t at = 4;
  for (uint32_t i = 0; i < count; i++) {
    if (len - at < 6) goto trunc;
    sy[i].value = dvm_load_u32(p + at);
    sy[i].kind = p[at + 4];
    uint8_t n = p[at + 5];
    at += 6;
    if (sy[i].kind > 1) {
      free(sy);
      return fail(c, err, "symbol kind not 0 (code) or 1 (rodata)", base + at - 2);
    }
    if (sy[i].kind == 0 ? sy[i].value > c->code_len / 8 : sy[i].value > c->rodata_len) {
      free(sy);
      return fail(c, err, "symbol value past the end of its section", base + at - 6);
    }
    if (len - at < n) goto trunc;
    if (!name_ok(p + at, n)) {
      free(sy);
      return fail(c, err, "symbol name not 1..64 bytes of [A-Za-z0-9_.$]", base + at);
    }
    sy[i].name_len = n;
    memcpy(sy[i].name, p + at, n);
    sy[i].name[n] = 0;
    at += n;
    if (i > 0 && symbol_cmp(&sy[i - 1], &sy[i]) >= 0) {
      free(sy);
      return fail(c, err, "symbols not sorted strictly by (kind, value, name)", base + at - n);
    }
  }
  if (at != len) {
    free(sy);
    return fail(c, err, "trailing bytes in the symbols section", base + at);
  }
  c->symbols = sy;
  c->symbol_count = count;
  return DVM_VM_OK;
trunc:
  free(sy);
  return fail(c, err, "symbols section truncated", base + at);
}

int dvm_vm_container_parse(dvm_vm_container *c, const uint8_t *buf, size_t len,
                           dvm_vm_error *err) {
  if (!c) return DVM_VM_ERR_ARG;
  memset(c, 0, sizeof *c);
  if (err) memset(err, 0, sizeof *err);
  if (!buf || len < HEADER_LEN) return fail(c, err, "shorter than the 16-byte header", 0);
  if (!dvm_vm_is_container(buf, len)) return fail(c, err, "bad magic (expected \"DVMC\")", 0);
  uint32_t version = dvm_load_u32(buf + 4);
  uint32_t flags = dvm_load_u32(buf + 8);
  uint32_t nsec = dvm_load_u32(buf + 12);
  if (version != DVM_VM_CONTAINER_VERSION) return fail(c, err, "unsupported version", 4);
  if (flags & ~DVM_VM_FLAGS_KNOWN) return fail(c, err, "unknown flag bits", 8);
  if (nsec > 4) return fail(c, err, "more than 4 sections", 12);
  size_t at = HEADER_LEN;
  uint32_t last_kind = 0;
  /* Exports and symbols refer to code/rodata lengths: remember where they
   * are and parse them after the walk. */
  const uint8_t *ex_p = NULL, *sy_p = NULL;
  uint32_t ex_len = 0, sy_len = 0;
  size_t ex_at = 0, sy_at = 0;
  for (uint32_t s = 0; s < nsec; s++) {
    if (len - at < 8) return fail(c, err, "section header truncated", at);
    uint32_t kind = dvm_load_u32(buf + at);
    uint32_t slen = dvm_load_u32(buf + at + 4);
    if (kind < DVM_VM_SECTION_CODE || kind > DVM_VM_SECTION_SYMBOLS)
      return fail(c, err, "unknown section kind", at);
    if (kind <= last_kind) return fail(c, err, "sections not in strictly increasing kind order", at);
    last_kind = kind;
    at += 8;
    if (len - at < slen) return fail(c, err, "section runs past the end", at - 4);
    const uint8_t *p = buf + at;
    switch (kind) {
    case DVM_VM_SECTION_CODE:
      if (slen < 8 || slen % 8) return fail(c, err, "code length not a positive multiple of 8", at - 4);
      c->code = p;
      c->code_len = slen;
      break;
    case DVM_VM_SECTION_RODATA:
      if (slen == 0) return fail(c, err, "empty rodata section (omit it instead)", at - 4);
      c->rodata = p;
      c->rodata_len = slen;
      break;
    case DVM_VM_SECTION_EXPORTS:
      ex_p = p, ex_len = slen, ex_at = at;
      break;
    default:
      sy_p = p, sy_len = slen, sy_at = at;
      break;
    }
    at += slen;
  }
  if (at != len) return fail(c, err, "trailing bytes after the last section", at);
  if (!c->code) return fail(c, err, "no code section", HEADER_LEN);
  c->version = version;
  c->flags = flags;
  if (ex_p) {
    int rc = parse_exports(c, ex_p, ex_len, ex_at, err);
    if (rc) return rc;
  }
  if (sy_p) {
    dvm_vm_export *ex = c->exports;
    int rc = parse_symbols(c, sy_p, sy_len, sy_at, err);
    if (rc) {
      free(ex); /* fail() zeroed *c, the exports are ours to free */
      return rc;
    }
  }
  int rc = names_unique(c->exports, c->export_count, c->symbols, c->symbol_count);
  if (rc == DVM_VM_ERR_NOMEM) {
    dvm_vm_container_free(c);
    return fail(c, err, "out of memory", 0);
  }
  if (rc) {
    dvm_vm_container_free(c);
    return fail(c, err, "a name appears twice among exports and symbols", HEADER_LEN);
  }
  return DVM_VM_OK;
}

void dvm_vm_container_free(dvm_vm_container *c) {
  if (!c) return;
  free(c->exports);
  free(c->symbols);
  memset(c, 0, sizeof *c);
}

static int export_sort_cmp(const void *a, const void *b) {
  const dvm_vm_export *x = a, *y = b;
  return name_cmp(x->name, x->name_len, y->name, y->name_len);
}

static int symbol_sort_cmp(const void *a, const void *b) { return symbol_cmp(a, b); }

static uint8_t *put_u32(uint8_t *p, uint32_t v) {
  dvm_store_u32(p, v);
  return p + 4;
}

int dvm_vm_container_write(const dvm_vm_container *c, uint8_t **out, size_t *out_len) {
  if (!c || !out || !out_len) return DVM_VM_ERR_ARG;
  *out = NULL;
  *out_len = 0;
  if (!c->code || c->code_len < 8 || c->code_len % 8) return DVM_VM_ERR_ARG;
  if (c->flags & ~DVM_VM_FLAGS_KNOWN) return DVM_VM_ERR_ARG;
  if (c->rodata_len && !c->rodata) return DVM_VM_ERR_ARG;
  if ((c->export_count && !c->exports) || (c->symbol_count && !c->symbols)) return DVM_VM_ERR_ARG;
  if (c->export_count > DVM_VM_MAX_EXPORTS) return DVM_VM_ERR_ARG;

  dvm_vm_export *ex = NULL;
  dvm_vm_symbol *sy = NULL;
  if (c->export_count) {
    ex = malloc(c->export_count * sizeof *ex);
    if (!ex) return DVM_VM_ERR_NOMEM;
    memcpy(ex, c->exports, c->export_count * sizeof *ex);
    qsort(ex, c->export_count, sizeof *ex, export_sort_cmp);
  }
  if (c->symbol_count) {
    sy = malloc(c->symbol_count * sizeof *sy);
    if (!sy) {
      free(ex);
      return DVM_VM_ERR_NOMEM;
    }
    memcpy(sy, c->symbols, c->symbol_count * sizeof *sy);
    qsort(sy, c->symbol_count, sizeof *sy, symbol_sort_cmp);
  }
  int rc = DVM_VM_ERR_ARG;
  uint64_t ex_len = 0, sy_len = 0;
  for (uint32_t i = 0; i < c->export_count; i++) {
    if (!name_ok((const uint8_t *)ex[i].name, ex[i].name_len) || ex[i].pc >= c->code_len / 8)
      goto out;
    if (i && export_sort_cmp(&ex[i - 1], &ex[i]) == 0) goto out;
    ex_len += 5u + ex[i].name_len;
  }
  for (uint32_t i = 0; i < c->symbol_count; i++) {
    if (!name_ok((const uint8_t *)sy[i].name, sy[i].name_len) || sy[i].kind > 1) goto out;
    if (sy[i].kind == 0 ? sy[i].value > c->code_len / 8 : sy[i].value > c->rodata_len) goto out;
    if (i && symbol_cmp(&sy[i - 1], &sy[i]) == 0) goto out;
    sy_len += 6u + sy[i].name_len;
  }
  int dup = names_unique(ex, c->export_count, sy, c->symbol_count);
  if (dup) {
    if (dup == DVM_VM_ERR_NOMEM) rc = dup;
    goto out;
  }
  uint32_t nsec = 1u + (c->rodata_len != 0) + (c->export_count != 0) + (c->symbol_count != 0);
  uint64_t total = HEADER_LEN + 8u + c->code_len;
  if (c->rodata_len) total += 8u + c->rodata_len;
  if (c->export_count) total += 12u + ex_len;
  if (c->symbol_count) total += 12u + sy_len;
  if (total > UINT32_MAX) goto out;
  uint8_t *buf = malloc((size_t)total);
  if (!buf) {
    rc = DVM_VM_ERR_NOMEM;
    goto out;
  }
  uint8_t *p = buf;
  memcpy(p, DVM_VM_CONTAINER_MAGIC, 4);
  p = put_u32(p + 4, DVM_VM_CONTAINER_VERSION);
  p = put_u32(p, c->flags);
  p = put_u32(p, nsec);
  p = put_u32(p, DVM_VM_SECTION_CODE);
  p = put_u32(p, c->code_len);
  memcpy(p, c->code, c->code_len);
  p += c->code_len;
  if (c->rodata_len) {
    p = put_u32(p, DVM_VM_SECTION_RODATA);
    p = put_u32(p, c->rodata_len);
    memcpy(p, c->rodata, c->rodata_len);
    p += c->rodata_len;
  }
  if (c->export_count) {
    p = put_u32(p, DVM_VM_SECTION_EXPORTS);
    p = put_u32(p, (uint32_t)(4u + ex_len));
    p = put_u32(p, c->export_count);
    for (uint32_t i = 0; i < c->export_count; i++) {
      p = put_u32(p, ex[i].pc);
      *p++ = ex[i].name_len;
      memcpy(p, ex[i].name, ex[i].name_len);
      p += ex[i].name_len;
    }
  }
  if (c->symbol_count) {
    p = put_u32(p, DVM_VM_SECTION_SYMBOLS);
    p = put_u32(p, (uint32_t)(4u + sy_len));
    p = put_u32(p, c->symbol_count);
    for (uint32_t i = 0; i < c->symbol_count; i++) {
      p = put_u32(p, sy[i].value);
      *p++ = sy[i].kind;
      *p++ = sy[i].name_len;
      memcpy(p, sy[i].name, sy[i].name_len);
      p += sy[i].name_len;
    }
  }
  *out = buf;
  *out_len = (size_t)total;
  rc = DVM_VM_OK;
out:
  free(ex);
  free(sy);
  return rc;
}
