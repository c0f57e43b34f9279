/* errors.c — dvm_strerror and dvm_errname, built from errors.def. */
#include "base.h"

#include <stddef.h>

typedef struct dvm_err_entry {
  int code;
  const char *name;
  const char *text; /* "NAME: message" */
} dvm_err_entry;

#define DVM_ERR_ROW(name, value, message) {value, #name, #name ": " message},
#define DVM_ERR_VM DVM_ERR_ROW
#define DVM_ERR_STATE DVM_ERR_ROW
#define DVM_ERR_TX DVM_ERR_ROW
#define DVM_ERR_RT DVM_ERR_ROW
#define DVM_ERR_FX DVM_ERR_ROW
#define DVM_ERR_ASM DVM_ERR_ROW
#define DVM_ERR_BASE DVM_ERR_ROW
static const dvm_err_entry dvm_errors[] = {
#include "errors.def"
};
#undef DVM_ERR_ROW

/* Sorted by falling code (errors.def lists each library's codes in
 * order, libraries in the order vm, state, tx, runtime, fx, asm, base), so
 * a lookup could bisect; a linear scan over ~45 rows is cheaper than the
 * printing that follows it. */
static const dvm_err_entry *find(int code) {
  for (size_t i = 0; i < sizeof dvm_errors / sizeof dvm_errors[0]; i++)
    if (dvm_errors[i].code == code) return &dvm_errors[i];
  return NULL;
}

const char *dvm_strerror(int code) {
  if (code == 0) return "ok";
  const dvm_err_entry *e = find(code);
  return e ? e->text : "unknown error code (not in base/errors.def)";
}

const char *dvm_errname(int code) {
  if (code == 0) return "DVM_OK";
  const dvm_err_entry *e = find(code);
  return e ? e->name : NULL;
}
