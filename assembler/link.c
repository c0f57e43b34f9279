/* link.c — after every source is read: .globl names across files, the
 * fixups (labels and syscall names), and the container with its exports
 * and symbols. `call NAME` becomes a syscall number through the
 * dvm_vm_syscall_table the caller handed in (for the CLI, dvm_rt_syscalls(),
 * expanded from runtime/syscalls.def): the assembler keeps no names of its
 * own, so it stays below runtime/. */
#include "asm_private.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Linking */

static asm_sym *resolve(asm_ctx *a, int scope, const char *name) {
  size_t n = strlen(name);
  asm_sym *s = asm_sym_find(a, scope, name, n);
  if (s && s->kind != SYM_NONE) return s;
  s = asm_sym_find(a, -1, name, n);
  if (s) return s;
  if (!strcmp(name, "exit")) {
    s = asm_sym_find(a, scope, EXIT_ALIAS, strlen(EXIT_ALIAS));
    if (s) return s;
  }
  return NULL;
}

static int syscall_number(const dvm_vm_syscall_table *t, const char *name) {
  if (!t || !t->names) return -1;
  for (uint32_t i = 0; i < t->count && i <= INT32_MAX; i++)
    if (t->names[i] && !strcmp(t->names[i], name)) return (int)i;
  return -1;
}

void asm_link_globals(asm_ctx *a) {
  for (size_t k = 0; k < a->symcap; k++) {
    asm_sym *s = &a->syms[k];
    if (!s->name || !s->global || s->scope < 0) continue;
    if (s->kind == SYM_NONE) {
      asm_error(a, &s->gloc, "'.globl %s' names no label defined in this file", s->name);
      continue;
    }
    if (s->kind == SYM_EQU) {
      asm_error(a, &s->gloc, "'%s' is a constant; .globl names code labels (entry points) or read-only data",
                s->name);
      continue;
    }
    if (s->kind == SYM_CODE && s->nlen > DVM_VM_MAX_NAME) {
      asm_error(a, &s->gloc, "exported name '%s' is longer than %u bytes", s->name, DVM_VM_MAX_NAME);
      continue;
    }
    /* An entry point must be an instruction: a label after the last one
     * cannot be exported (found by the asm fuzzer: the container refused
     * an output the assembler had accepted). */
    if (s->kind == SYM_CODE && s->value >= a->code.len / 8) {
      asm_error(a, &s->gloc, "entry point '%s' is at the end of the code: no instruction follows it",
                s->name);
      continue;
    }
  }
  /* second loop: the table may grow while inserting scope -1 entries, so
   * collect first */
  size_t cap = a->symcap;
  asm_sym **list = malloc((cap ? cap : 1) * sizeof *list);
  if (!list) {
    a->oom = 1;
    return;
  }
  size_t n = 0;
  for (size_t k = 0; k < cap; k++)
    if (a->syms[k].name && a->syms[k].global && a->syms[k].scope >= 0 &&
        ((a->syms[k].kind == SYM_CODE && a->syms[k].nlen <= DVM_VM_MAX_NAME) || a->syms[k].kind == SYM_RODATA))
      list[n++] = &a->syms[k];
  /* copy what we need, pointers die on growth */
  typedef struct gl {
    char *name;
    uint32_t nlen;
    uint8_t kind;
    uint64_t value;
    asm_loc def;
  } gl;
  gl *g = malloc((n ? n : 1) * sizeof *g);
  if (!g) {
    free(list);
    a->oom = 1;
    return;
  }
  for (size_t k = 0; k < n; k++) g[k] = (gl){list[k]->name, list[k]->nlen, list[k]->kind, list[k]->value, list[k]->def};
  free(list);
  for (size_t k = 0; k < n; k++) {
    asm_sym *prev = asm_sym_find(a, -1, g[k].name, g[k].nlen);
    if (prev) {
      asm_error(a, &g[k].def, "global symbol '%s' is defined by two files", g[k].name);
      asm_sym_note_previous(a, prev);
      continue;
    }
    asm_sym *s = asm_sym_get(a, -1, g[k].name, g[k].nlen);
    if (!s) break;
    s->kind = g[k].kind;
    s->global = 1;
    s->value = g[k].value;
    s->def = g[k].def;
  }
  free(g);
}

void asm_apply_fixups(asm_ctx *a) {
  uint8_t *code = a->code.p;
  for (size_t k = 0; k < a->nfx && !a->oom; k++) {
    asm_fixup *f = &a->fx[k];
    asm_sym *s = resolve(a, f->scope, f->name);
    /* a fixup whose instruction failed to assemble points nowhere */
    if (f->kind == FX_QUAD ? (size_t)f->at + 8 > a->rodata.len
                           : ((size_t)f->at + (f->kind == FX_LDDW ? 2 : 1)) * 8 > a->code.len)
      continue;
    uint8_t *slot = (f->kind == FX_QUAD) ? a->rodata.p + f->at : code + (size_t)f->at * 8;
    if (f->kind == FX_CALL) {
      if (s && s->kind == SYM_CODE) {
        f->kind = FX_CALL_LOCAL;
        slot[1] = (uint8_t)((slot[1] & 0x0f) | 0x10);
      } else {
        int num = syscall_number(a->syscalls, f->name);
        if (num < 0) {
          if (s)
            asm_error(a, &f->loc, "cannot call '%s': it is %s", f->name, asm_sym_kind_name(s->kind));
          else if (!strncmp(f->name, "__", 2) && strlen(f->name) > 3 && !strcmp(f->name + strlen(f->name) - 3, "ti3"))
            asm_error(a, &f->loc, "call to undefined function '%s' (a compiler runtime routine for 128-bit "
                      "arithmetic: contracts have no libgcc; use dvm_fx_mul_div for a * b / c, fx_mul of "
                      "dvm_contract.h, or 64-bit halves)", f->name);
          else if (!strcmp(f->name, "memcpy") || !strcmp(f->name, "memset") || !strcmp(f->name, "memmove") ||
                   !strcmp(f->name, "memcmp"))
            asm_error(a, &f->loc, "call to undefined function '%s' (a compiler runtime routine: contracts have "
                      "no libc; include the SDK's <string.h> (contracts/include/libc) and compile with "
                      "-fno-builtin, as dvm_add_contract does)", f->name);
          else if (!strncmp(f->name, "__", 2))
            asm_error(a, &f->loc, "call to undefined function '%s' (a compiler runtime routine: contracts have "
                      "no libc or libgcc; rewrite the operation the compiler could not inline)", f->name);
          else if (a->syscalls)
            asm_error(a, &f->loc, "call to undefined function '%s' (not a label, not a syscall name)", f->name);
          else
            asm_error(a, &f->loc, "call to undefined function '%s' (no label; no syscall table given)", f->name);
          continue;
        }
        dvm_vm_insn in = dvm_vm_insn_decode(code, f->at);
        in.imm = num;
        dvm_vm_insn_encode(&in, slot);
        continue;
      }
    }
    if (!s || s->kind == SYM_NONE) {
      asm_error(a, &f->loc, "undefined label '%s'", f->name);
      continue;
    }
    switch (f->kind) {
    case FX_JMP16:
    case FX_JMP32:
    case FX_CALL_LOCAL: {
      if (s->kind != SYM_CODE) {
        asm_error(a, &f->loc, "'%s' is %s, not a code label", f->name, asm_sym_kind_name(s->kind));
        break;
      }
      /* In unsigned arithmetic: a huge addend must not overflow int64_t. */
      int64_t rel = (int64_t)((uint64_t)s->value - ((uint64_t)f->at + 1) + (uint64_t)f->addend);
      dvm_vm_insn in = dvm_vm_insn_decode(code, f->at);
      if (f->kind == FX_JMP16) {
        if (rel < INT16_MIN || rel > INT16_MAX) {
          asm_error(a, &f->loc, "jump to '%s' is %lld slots away; a 16-bit offset reaches +-32767 (%s)", f->name,
                    (long long)rel, in.opcode == 0x05 ? "use ja32 / gotol" : "branch to a nearby ja32 / gotol instead");
          break;
        }
        in.off = (int16_t)rel;
      } else {
        in.imm = (int32_t)rel;
      }
      dvm_vm_insn_encode(&in, slot);
      break;
    }
    case FX_LDDW:
    case FX_QUAD: {
      uint64_t v;
      if (s->kind == SYM_RODATA) {
        v = DVM_VM_ADDR(DVM_VM_REGION_RODATA, 0) + s->value + (uint64_t)f->addend;
      } else if (s->kind == SYM_EQU) {
        v = s->value + (uint64_t)f->addend;
      } else {
        asm_error(a, &f->loc, "'%s' is a code label; only read-only data has an address (no function pointers)",
                  f->name);
        break;
      }
      if (f->kind == FX_LDDW) {
        dvm_vm_insn lo = dvm_vm_insn_decode(code, f->at), hi = dvm_vm_insn_decode(code, f->at + 1);
        lo.imm = (int32_t)(uint32_t)v;
        hi.imm = (int32_t)(uint32_t)(v >> 32);
        dvm_vm_insn_encode(&lo, slot);
        dvm_vm_insn_encode(&hi, slot + 8);
      } else {
        for (int b = 0; b < 8; b++) slot[b] = (uint8_t)(v >> (8 * b));
      }
      break;
    }
    }
  }
}

static int sym_out_cmp(const void *x, const void *y) {
  const dvm_vm_symbol *a = x, *b = y;
  size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
  int r = memcmp(a->name, b->name, n);
  if (r) return r;
  return (int)a->name_len - (int)b->name_len;
}

/* Labels kept as debug names: code labels that are not exports, and every
 * read-only data label. */
static int debug_symbol(const asm_sym *s) {
  if (s->nlen > DVM_VM_MAX_NAME || s->name[0] == ' ') return 0;
  return (s->kind == SYM_CODE && !s->global) || s->kind == SYM_RODATA;
}

int asm_build_output(asm_ctx *a, dvm_asm_output *out) {
  dvm_vm_container *c = &out->c;
  memset(out, 0, sizeof *out);
  c->version = DVM_VM_CONTAINER_VERSION;
  c->flags = a->flags;
  /* exports: scope -1 */
  size_t nex = 0, nsy = 0;
  for (size_t k = 0; k < a->symcap; k++) {
    const asm_sym *s = &a->syms[k];
    if (!s->name) continue;
    if (s->scope == -1) nex += s->kind == SYM_CODE;
    else if (debug_symbol(s)) nsy++;
  }
  if (nex > DVM_VM_MAX_EXPORTS) {
    asm_loc l = {-1, 0, 0, 0, NULL, 0};
    asm_error(a, &l, "%zu exported entry points; at most %u", nex, DVM_VM_MAX_EXPORTS);
    return -1;
  }
  dvm_vm_export *ex = nex ? calloc(nex, sizeof *ex) : NULL;
  dvm_vm_symbol *sy = nsy ? calloc(nsy, sizeof *sy) : NULL;
  if ((nex && !ex) || (nsy && !sy)) {
    free(ex);
    free(sy);
    a->oom = 1;
    return -1;
  }
  size_t ie = 0, is = 0;
  for (size_t k = 0; k < a->symcap; k++) {
    const asm_sym *s = &a->syms[k];
    if (!s->name) continue;
    if (s->scope == -1 && s->kind == SYM_CODE) {
      ex[ie].pc = (uint32_t)s->value;
      ex[ie].name_len = (uint8_t)s->nlen;
      memcpy(ex[ie].name, s->name, s->nlen);
      ie++;
    } else if (s->scope >= 0 && debug_symbol(s)) {
      sy[is].value = (uint32_t)s->value;
      sy[is].kind = s->kind == SYM_CODE ? 0 : 1;
      sy[is].name_len = (uint8_t)s->nlen;
      memcpy(sy[is].name, s->name, s->nlen);
      is++;
    }
  }
  /* Debug names must be unique and distinct from exports: drop every
   * symbol whose name repeats (labels of the same name in two files). */
  if (nsy) qsort(sy, nsy, sizeof *sy, sym_out_cmp);
  size_t w = 0;
  for (size_t k = 0; k < nsy;) {
    size_t e = k + 1;
    while (e < nsy && !sym_out_cmp(&sy[k], &sy[e])) e++;
    const asm_sym *g = asm_sym_find(a, -1, sy[k].name, sy[k].name_len);
    int clash = e - k > 1 || (g && g->kind == SYM_CODE);
    if (!clash) sy[w++] = sy[k];
    k = e;
  }
  nsy = w;
  c->exports = ex;
  c->export_count = (uint32_t)nex;
  c->symbols = sy;
  c->symbol_count = (uint32_t)nsy;
  /* hand over code and rodata */
  c->code = a->code.p;
  c->code_len = (uint32_t)a->code.len;
  a->code.p = NULL;
  a->code.len = a->code.cap = 0;
  if (a->rodata.len) {
    c->rodata = a->rodata.p;
    c->rodata_len = (uint32_t)a->rodata.len;
    a->rodata.p = NULL;
    a->rodata.len = a->rodata.cap = 0;
  }
  /* canonical order, as the container writer would produce */
  uint8_t *bytes;
  size_t blen;
  dvm_vm_container tmp;
  if (dvm_vm_container_write(c, &bytes, &blen) == DVM_VM_OK) {
    if (dvm_vm_container_parse(&tmp, bytes, blen, NULL) == DVM_VM_OK) {
      if (nex) memcpy(ex, tmp.exports, nex * sizeof *ex);
      if (nsy) memcpy(sy, tmp.symbols, nsy * sizeof *sy);
      dvm_vm_container_free(&tmp);
    }
    free(bytes);
  }
  return 0;
}

void dvm_asm_output_free(dvm_asm_output *out) {
  if (!out) return;
  free((void *)out->c.code);
  free((void *)out->c.rodata);
  free(out->c.exports);
  free(out->c.symbols);
  memset(out, 0, sizeof *out);
}

int dvm_asm_output_write(const dvm_asm_output *out, uint8_t **bytes, size_t *len) {
  if (!out) return DVM_VM_ERR_ARG;
  return dvm_vm_container_write(&out->c, bytes, len);
}
