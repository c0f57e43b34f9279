/* sc_cases.c — the syscall contract suite (issue 14): every syscall of
 * runtime/syscalls.def against the sentences of spec/syscalls.md, one named
 * case per contract clause, run through the real handlers on a real chain
 * (a fresh overlay frame per run), by both interpreters.
 *
 *   sc_cases --coverage SPEC.md FILE.cases ...
 *       checks the files only: every case names a syscall of syscalls.def
 *       and quotes a sentence of the spec that is really there, checks a
 *       result, a gas figure and (for a trap) its pc; and every syscall of
 *       syscalls.def has cases. Run after the build (a POST_BUILD step), so
 *       a new syscall without cases fails the build of the tests.
 *   sc_cases SPEC.md FILE.cases ...
 *       the same checks, then runs every case.
 *
 * A case:
 *   == NAME  SYSCALL  [§N] "a sentence of spec/syscalls.md"
 *   assembly (conformance dialect; `call dvm_NAME` resolves by name)
 *   :: directives (setup), -> expectations.
 * Setup (before the run, in an overlay frame thrown away after it):
 *   :: gas N            gas limit (default 1,000,000)
 *   :: heap OFF HEX     heap bytes (the heap is 32 KiB of zeros, cap HEAPCAP)
 *   :: heaplen N        visible heap at the start (default 32768)
 *   :: input HEX        the input region (r1, r2 are NOT set: use lddw)
 *   :: rodata HEX       the program's read-only data
 *   :: self BB / :: caller BB   32 bytes of BB (default ee / ca)
 *   :: storage_of BB KEY VAL    a key of contract BB..BB ("-" = empty value)
 *   :: deleted_of BB KEY        the key exists below and is deleted above
 *   :: oracle FEED PRICE TIME   latest price and its history entry
 *   :: param KEY VAL            a market parameter
 *   :: balance BB ASSET AMOUNT  a balance of address BB..BB
 *   :: received ASSET AMOUNT    value attached to the call
 *   :: child HEX                the last callee's return data
 *   :: logs N                   N logs already in the transaction
 *   :: depth N                  contract frames already on the stack (default 1)
 * Expectations (the interpreters must also agree on all of it):
 *   -> r0 V | -> trap KIND [pc N] | -> return HEX | -> revert HEX | -> retlen N | -> revlen N
 *   -> detail N           syscall_arg detail
 *   -> gas N              gas used in all;  -> sysgas N  gas charged by syscalls
 *   -> fault ADDR SIZE read|write
 *   -> heap OFF HEX       heap bytes after;  -> heaplen N
 *   -> nlogs N;  -> log I HEX   (ntopics byte, topics, data of log I)
 *   -> storage_of BB KEY VAL|absent;  -> balance BB ASSET AMOUNT
 * Numbers may be written NAME, NAME+N or NAME-N with the limits of this
 * build (HEAPCAP, LOGS, DEPTH, KEYMAX, VALMAX, RETMAX, LOGDATA, TOPICS,
 * GROWGAS),
 * and $NAME (or $NAME+N) in the assembly likewise, so the same cases run
 * in the DVM_TEST_LIMITS build. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assembler.h"
#include "rt_private.h"
#include "sys_market.h"

static unsigned passed, failed;
#define FAIL(...)                 \
  do {                            \
    fprintf(stderr, "FAIL ");     \
    fprintf(stderr, __VA_ARGS__); \
    fprintf(stderr, "\n");        \
    failed++;                     \
  } while (0)

/* ---- the syscall table, from syscalls.def ---- */
static const char *const sc_names[] = {
#define DVM_SYSCALL(num, name, args, gas, handler, result) [num] = #name,
#include "syscalls.def"
#undef DVM_SYSCALL
};
#define NSC (sizeof sc_names / sizeof *sc_names)
static unsigned sc_count[NSC];

static int sc_lookup(const char *n) {
  for (unsigned i = 1; i < NSC; i++)
    if (sc_names[i] && !strcmp(sc_names[i], n)) return (int)i;
  return -1;
}

/* ---- limits of this build ---- */
static const struct {
  const char *name;
  uint64_t v;
} limits[] = {
  {"HEAPCAP", RT_HEAP_CAP},          {"LOGS", RT_MAX_LOGS},
  {"DEPTH", RT_MAX_CALL_DEPTH},      {"KEYMAX", RT_MAX_STORAGE_KEY},
  {"VALMAX", RT_MAX_STORAGE_VALUE},  {"RETMAX", RT_MAX_RETURN},
  {"LOGDATA", RT_MAX_LOG_DATA},      {"TOPICS", RT_MAX_TOPICS},
  /* gas of growing the heap from its start to its cap */
  {"GROWGAS", (RT_HEAP_CAP - DVM_VM_HEAP_DEFAULT) / RT_HEAP_PAGE * G_HEAP_PAGE},
};

/* A number, a limit's name, or a sum of them: "-1", "0x10", "LOGS-1",
 * "100+8192", "$RETMAX+10". */
static int num(const char *s, uint64_t *v) {
  uint64_t acc = 0;
  int sign = 1, first = 1;
  if (*s == '$') s++;
  if (*s == '-') sign = -1, s++;
  if (!*s) return -1;
  while (*s) {
    uint64_t t;
    char *end = NULL;
    size_t i, n = 0;
    for (i = 0; i < sizeof limits / sizeof *limits; i++) {
      n = strlen(limits[i].name);
      if (!strncmp(s, limits[i].name, n) && !isalnum((unsigned char)s[n])) break;
    }
    if (i < sizeof limits / sizeof *limits) {
      t = limits[i].v;
      end = (char *)s + n;
    } else {
      if (!isdigit((unsigned char)*s)) return -1;
      t = strtoull(s, &end, 0);
    }
    acc = sign > 0 ? acc + t : acc - t;
    first = 0;
    s = end;
    if (!*s) break;
    if (*s != '+' && *s != '-') return -1;
    sign = *s == '+' ? 1 : -1;
    s++;
  }
  (void)first;
  *v = acc;
  return 0;
}

/* Hex bytes with optional spaces ("-" is empty). */
static int hex(const char *s, uint8_t **out, size_t *len) {
  size_t cap = strlen(s) / 2 + 1, n = 0;
  uint8_t *b = malloc(cap);
  int hi = -1;
  if (!strcmp(s, "-")) s = "";
  for (; *s; s++) {
    if (isspace((unsigned char)*s)) continue;
    int d = isdigit((unsigned char)*s) ? *s - '0' : isxdigit((unsigned char)*s) ? (tolower(*s) - 'a' + 10) : -1;
    if (d < 0) {
      free(b);
      return -1;
    }
    if (hi < 0) hi = d;
    else {
      b[n++] = (uint8_t)(hi << 4 | d);
      hi = -1;
    }
  }
  if (hi >= 0) {
    free(b);
    return -1;
  }
  *out = b;
  *len = n;
  return 0;
}

/* ---- the spec, whitespace-collapsed, for citations ---- */
static char *spec_text;

static char *collapse(const char *s, size_t n) {
  char *o = malloc(n + 1);
  size_t k = 0;
  int sp = 0;
  for (size_t i = 0; i < n; i++) {
    if (isspace((unsigned char)s[i])) sp = 1;
    else {
      if (sp && k) o[k++] = ' ';
      sp = 0;
      o[k++] = s[i];
    }
  }
  o[k] = 0;
  return o;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (fread(b, 1, (size_t)n, f) != (size_t)n) n = 0;
  b[n] = 0;
  fclose(f);
  *len = (size_t)n;
  return b;
}

/* ---- one case ---- */
#define MAXL 64
typedef struct kase {
  char name[96];
  int sc;
  char src[8192];
  size_t src_len;
  char *setup[MAXL];
  unsigned nsetup;
  char *expect[MAXL];
  unsigned nexpect;
  const char *file;
  unsigned line;
} kase;

typedef struct run {
  dvm_vm_result res;
  uint64_t sys_gas;
  uint32_t heap_len;
  uint8_t *heap;
  uint8_t *ret;
  uint32_t ret_len;
  int reverted;
  size_t nlogs;
  rt_log logs[8]; /* the first ones, data copied */
  uint8_t *logdata[8];
} run;

static dvm_rt_chain *chain;
static dvm_vm_exec vm;

/* BB: one hex byte, repeated 32 times. */
static void addr_of(uint8_t a[32], const char *bb) {
  memset(a, (int)strtoul(bb, NULL, 16), 32);
}

static void storage_key(uint8_t *k, size_t *kl, const uint8_t who[32], const uint8_t *uk, size_t ul) {
  memcpy(k, who, 32);
  memcpy(k + 32, uk, ul);
  *kl = 32 + ul;
}

/* Split a directive into words (modifies it). */
static unsigned words(char *s, char **w, unsigned max) {
  unsigned n = 0;
  while (*s && n < max) {
    while (isspace((unsigned char)*s)) s++;
    if (!*s) break;
    w[n++] = s;
    while (*s && !isspace((unsigned char)*s)) s++;
    if (*s) *s++ = 0;
  }
  return n;
}

/* Hex that may span several words: join words from w[i]. */
static int hex_words(char **w, unsigned i, unsigned n, uint8_t **out, size_t *len) {
  char buf[1 << 16];
  size_t k = 0;
  buf[0] = 0;
  for (; i < n; i++) {
    size_t l = strlen(w[i]);
    if (k + l + 1 >= sizeof buf) return -1;
    memcpy(buf + k, w[i], l);
    k += l;
    buf[k] = 0;
  }
  return hex(buf, out, len);
}

#define BAD(...)                                                  \
  do {                                                            \
    FAIL("%s:%u: %s: bad directive: ", k->file, k->line, k->name); \
    fprintf(stderr, __VA_ARGS__);                                 \
    fprintf(stderr, "\n");                                        \
    return -1;                                                    \
  } while (0)

static int run_case(const kase *k, const dvm_vm_program *p, int ref, run *o) {
  char buf[4096], *w[16];
  uint64_t gas = 1000000, heaplen = DVM_VM_HEAP_DEFAULT, height = 7, time = 1700000000;
  uint8_t *input = NULL;
  size_t input_len = 0;
  rt_exec x;
  dvm_state_overlay *ov = chain->ov;
  uint8_t *heap = calloc(RT_HEAP_CAP, 1);
  int rc = -1;

  memset(o, 0, sizeof *o);
  dvm_state_overlay_push(ov); /* presets */
  dvm_state_overlay_push(ov); /* deletions over them, and the run */
  rt_exec_init(&x, chain, ov, height, time);
  x.depth = 1;
  rt_frame *f = &x.frames[0];
  f->x = &x;
  memset(f->self, 0xee, 32);
  memset(f->caller, 0xca, 32);
  for (unsigned i = 0; i < k->nsetup; i++) {
    snprintf(buf, sizeof buf, "%s", k->setup[i]);
    unsigned n = words(buf, w, 16);
    uint64_t a = 0, b = 0, c = 0;
    uint8_t *h = NULL, *h2 = NULL, who[32], key[DVM_STATE_KEY_MAX];
    size_t hl = 0, h2l = 0, kl;
    if (n == 2 && !strcmp(w[0], "gas")) {
      if (num(w[1], &gas)) BAD("%s", k->setup[i]);
    } else if (n >= 2 && !strcmp(w[0], "heap")) {
      if (num(w[1], &a) || hex_words(w, 2, n, &h, &hl) || a + hl > RT_HEAP_CAP) BAD("%s", k->setup[i]);
      memcpy(heap + a, h, hl);
    } else if (n == 2 && !strcmp(w[0], "heaplen")) {
      if (num(w[1], &heaplen) || heaplen > RT_HEAP_CAP) BAD("%s", k->setup[i]);
    } else if (n >= 1 && !strcmp(w[0], "input")) {
      free(input);
      input = NULL;
      if (hex_words(w, 1, n, &input, &input_len)) BAD("%s", k->setup[i]);
    } else if (n == 2 && !strcmp(w[0], "inputzero")) {
      free(input);
      if (num(w[1], &a)) BAD("%s", k->setup[i]);
      input = calloc(a ? a : 1, 1);
      input_len = a;
    } else if (n >= 1 && !strcmp(w[0], "rodata")) {
      /* handled at load */
    } else if (n == 2 && !strcmp(w[0], "self")) {
      addr_of(f->self, w[1]);
    } else if (n == 2 && !strcmp(w[0], "caller")) {
      addr_of(f->caller, w[1]);
    } else if (n == 4 && !strcmp(w[0], "storage_of")) {
      addr_of(who, w[1]);
      if (hex(w[2], &h, &hl) || hex(w[3], &h2, &h2l)) BAD("%s", k->setup[i]);
      storage_key(key, &kl, who, h, hl);
      dvm_state_overlay_pop(ov, 1);
      dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, key, kl, h2, h2l);
      dvm_state_overlay_push(ov);
    } else if (n == 3 && !strcmp(w[0], "deleted_of")) {
      addr_of(who, w[1]);
      if (hex(w[2], &h, &hl)) BAD("%s", k->setup[i]);
      storage_key(key, &kl, who, h, hl);
      dvm_state_overlay_pop(ov, 1);
      dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, key, kl, "x", 1);
      dvm_state_overlay_push(ov);
      dvm_state_overlay_del(ov, DVM_STATE_T_STORAGE, key, kl);
    } else if (n == 4 && !strcmp(w[0], "oracle")) {
      uint8_t be[4], val[16];
      if (num(w[1], &a) || num(w[2], &b) || num(w[3], &c)) BAD("%s", k->setup[i]);
      dvm_be_put32(be, (uint32_t)a);
      rt_sys_key(key, &kl, "oracle", be, 4);
      for (int j = 0; j < 8; j++) val[j] = (uint8_t)(b >> 8 * j), val[8 + j] = (uint8_t)(c >> 8 * j);
      dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, key, kl, val, 16);
      rt_oracle_history_put(ov, (uint32_t)a, (int64_t)b, c);
    } else if (n == 3 && !strcmp(w[0], "param")) {
      if (hex(w[1], &h, &hl) || hex(w[2], &h2, &h2l)) BAD("%s", k->setup[i]);
      rt_sys_key(key, &kl, "param", h, hl);
      dvm_state_overlay_put(ov, DVM_STATE_T_STORAGE, key, kl, h2, h2l);
    } else if (n == 4 && !strcmp(w[0], "balance")) {
      addr_of(who, w[1]);
      if (num(w[2], &a) || num(w[3], &b)) BAD("%s", k->setup[i]);
      rt_balance_put(ov, who, (uint32_t)a, b);
    } else if (n == 3 && !strcmp(w[0], "received")) {
      if (num(w[1], &a) || num(w[2], &b) || f->nreceived >= DVM_TX_MAX_ASSETS) BAD("%s", k->setup[i]);
      f->received[f->nreceived].asset = (uint32_t)a;
      f->received[f->nreceived++].amount = b;
    } else if (n >= 1 && !strcmp(w[0], "child")) {
      if (hex_words(w, 1, n, &h, &hl)) BAD("%s", k->setup[i]);
      free(f->child_ret);
      f->child_ret = h;
      f->child_ret_len = (uint32_t)hl;
      h = NULL;
    } else if (n == 2 && !strcmp(w[0], "logs")) {
      if (num(w[1], &a)) BAD("%s", k->setup[i]);
      for (uint64_t j = 0; j < a; j++) {
        rt_log l;
        memset(&l, 0, sizeof l);
        l.data = malloc(1);
        rt_log_push(&x, &l);
      }
    } else if (n == 2 && !strcmp(w[0], "depth")) {
      if (num(w[1], &a) || a < 1 || a > RT_MAX_CALL_DEPTH) BAD("%s", k->setup[i]);
      x.depth = (unsigned)a;
    } else {
      BAD("%s", k->setup[i]);
    }
    free(h);
    free(h2);
  }
  size_t logs0 = x.nlogs;

  if (dvm_vm_exec_init(&vm, p, 0, gas, heap, (uint32_t)heaplen, RT_HEAP_CAP, input, (uint32_t)input_len,
                       f) != DVM_VM_OK) {
    FAIL("%s: exec_init", k->name);
    goto out;
  }
  o->res = *(ref ? dvm_vm_run_ref(&vm) : dvm_vm_run_fast(&vm));
  o->sys_gas = vm.sys_gas;
  o->heap_len = dvm_vm_heap_len(&vm);
  o->heap = heap;
  heap = NULL;
  if (o->res.status == DVM_VM_STATUS_HALT) {
    o->ret = f->ret;
    o->ret_len = f->ret_len;
    o->reverted = f->reverted;
    f->ret = NULL;
  }
  o->nlogs = x.nlogs - logs0;
  for (size_t i = 0; i < o->nlogs && i < 8; i++) {
    rt_log *l = &x.logs[logs0 + i];
    o->logs[i] = *l;
    o->logdata[i] = malloc(l->data_len + 1);
    memcpy(o->logdata[i], l->data, l->data_len);
    if (memcmp(l->contract, f->self, 32)) FAIL("%s: log %zu names another contract", k->name, i);
  }
  rc = 0;
out:
  free(input);
  free(heap);
  rt_exec_release(&x);
  return rc;
}

/* State checks read the overlay before it is thrown away. */
static void check_state(const kase *k, dvm_state_overlay *ov) {
  char buf[4096], *w[16];
  for (unsigned i = 0; i < k->nexpect; i++) {
    snprintf(buf, sizeof buf, "%s", k->expect[i]);
    unsigned n = words(buf, w, 16);
    uint8_t who[32], key[DVM_STATE_KEY_MAX], *h = NULL, *h2 = NULL;
    size_t hl = 0, h2l = 0, kl;
    if (n == 4 && !strcmp(w[0], "storage_of")) {
      dvm_state_bytes v;
      addr_of(who, w[1]);
      hex(w[2], &h, &hl);
      storage_key(key, &kl, who, h, hl);
      int rc = dvm_state_overlay_get(ov, DVM_STATE_T_STORAGE, key, kl, &v);
      if (!strcmp(w[3], "absent")) {
        if (rc != DVM_STATE_NOTFOUND) FAIL("%s: storage_of %s %s: present, expected absent", k->name, w[1], w[2]);
      } else {
        hex(w[3], &h2, &h2l);
        if (rc != 0 || v.len != h2l || (h2l && memcmp(v.data, h2, h2l)))
          FAIL("%s: storage_of %s %s: rc %d len %zu, expected %s", k->name, w[1], w[2], rc,
               rc ? (size_t)0 : v.len, w[3]);
      }
    } else if (n == 4 && !strcmp(w[0], "balance")) {
      uint64_t a = 0, b = 0, got = 0;
      addr_of(who, w[1]);
      num(w[2], &a);
      num(w[3], &b);
      rt_balance_get(ov, who, (uint32_t)a, &got);
      if (got != b) FAIL("%s: balance %s asset %s: %" PRIu64 ", expected %" PRIu64, k->name, w[1], w[2], got, b);
    }
    free(h);
    free(h2);
  }
}

static void run_free(run *o) {
  free(o->heap);
  free(o->ret);
  for (size_t i = 0; i < o->nlogs && i < 8; i++) free(o->logdata[i]);
}

static int same(const run *a, const run *b) {
  if (memcmp(&a->res, &b->res, sizeof a->res) && !(a->res.status == b->res.status && a->res.trap == b->res.trap &&
                                                    a->res.pc == b->res.pc && a->res.r0 == b->res.r0 &&
                                                    a->res.gas_used == b->res.gas_used &&
                                                    a->res.insns == b->res.insns && a->res.detail == b->res.detail &&
                                                    a->res.fault_addr == b->res.fault_addr &&
                                                    a->res.fault_size == b->res.fault_size &&
                                                    a->res.fault_access == b->res.fault_access))
    return 0;
  if (a->sys_gas != b->sys_gas || a->heap_len != b->heap_len || memcmp(a->heap, b->heap, RT_HEAP_CAP) ||
      a->ret_len != b->ret_len || a->reverted != b->reverted || a->nlogs != b->nlogs)
    return 0;
  if (a->ret_len && memcmp(a->ret, b->ret, a->ret_len)) return 0;
  for (size_t i = 0; i < a->nlogs && i < 8; i++)
    if (a->logs[i].ntopics != b->logs[i].ntopics || a->logs[i].data_len != b->logs[i].data_len ||
        memcmp(a->logs[i].topics, b->logs[i].topics, sizeof a->logs[i].topics) ||
        memcmp(a->logdata[i], b->logdata[i], a->logs[i].data_len))
      return 0;
  return 1;
}

static int trap_kind(const char *s) {
  for (int t = 1; t < DVM_TRAP_COUNT_; t++)
    if (!strcmp(dvm_vm_trap_name(t), s)) return t;
  return -1;
}

static void check(const kase *k, const run *o) {
  char buf[1 << 17], *w[4096];
  const dvm_vm_result *r = &o->res;
  unsigned before = failed;
  for (unsigned i = 0; i < k->nexpect; i++) {
    snprintf(buf, sizeof buf, "%s", k->expect[i]);
    unsigned n = words(buf, w, 4096);
    uint64_t a = 0, b = 0;
    uint8_t *h = NULL;
    size_t hl = 0;
    if (n == 2 && !strcmp(w[0], "r0")) {
      num(w[1], &a);
      if (r->status != DVM_VM_STATUS_OK || r->r0 != a)
        FAIL("%s: status %d trap %s detail %d pc %u r0 0x%" PRIx64 ", expected ok r0 0x%" PRIx64, k->name,
             r->status, dvm_vm_trap_name(r->trap), r->detail, r->pc, r->r0, a);
    } else if ((n == 2 || n == 4) && !strcmp(w[0], "trap")) {
      int t = trap_kind(w[1]);
      if (n == 4) num(w[3], &a);
      if (r->status != DVM_VM_STATUS_TRAP || r->trap != t || (n == 4 && r->pc != a))
        FAIL("%s: status %d trap %s pc %u, expected trap %s pc %s", k->name, r->status,
             dvm_vm_trap_name(r->trap), r->pc, w[1], n == 4 ? w[3] : "?");
    } else if (n == 2 && !strcmp(w[0], "detail")) {
      num(w[1], &a);
      if ((uint64_t)(int64_t)r->detail != a) FAIL("%s: detail %d, expected %s", k->name, r->detail, w[1]);
    } else if (n == 2 && !strcmp(w[0], "gas")) {
      num(w[1], &a);
      if (r->gas_used != a) FAIL("%s: gas used %" PRIu64 ", expected %" PRIu64, k->name, r->gas_used, a);
    } else if (n == 2 && !strcmp(w[0], "sysgas")) {
      num(w[1], &a);
      if (o->sys_gas != a) FAIL("%s: syscall gas %" PRIu64 ", expected %" PRIu64, k->name, o->sys_gas, a);
    } else if (n == 4 && !strcmp(w[0], "fault")) {
      num(w[1], &a);
      num(w[2], &b);
      int acc = !strcmp(w[3], "write");
      if (r->trap != DVM_TRAP_MEM_FAULT || r->fault_addr != a || r->fault_size != b || r->fault_access != acc)
        FAIL("%s: fault 0x%" PRIx64 " %u %s, expected %s %s %s", k->name, r->fault_addr, r->fault_size,
             r->fault_access ? "write" : "read", w[1], w[2], w[3]);
    } else if (n >= 1 && (!strcmp(w[0], "return") || !strcmp(w[0], "revert"))) {
      int rev = !strcmp(w[0], "revert");
      if (hex_words(w, 1, n, &h, &hl)) {
        FAIL("%s: bad expectation '%s'", k->name, k->expect[i]);
        continue;
      }
      if (r->status != DVM_VM_STATUS_HALT || o->reverted != rev || o->ret_len != hl ||
          (hl && memcmp(o->ret, h, hl)))
        FAIL("%s: status %d trap %s reverted %d len %u, expected %s of %zu bytes", k->name, r->status,
             dvm_vm_trap_name(r->trap), o->reverted, o->ret_len, w[0], hl);
    } else if (n == 2 && (!strcmp(w[0], "retlen") || !strcmp(w[0], "revlen"))) {
      num(w[1], &a);
      if (r->status != DVM_VM_STATUS_HALT || o->reverted != (w[0][2] == 'v') || o->ret_len != a)
        FAIL("%s: status %d reverted %d length %u, expected a return of %" PRIu64 " bytes", k->name, r->status,
             o->reverted, o->ret_len, a);
    } else if (n >= 2 && !strcmp(w[0], "heap")) {
      if (num(w[1], &a) || hex_words(w, 2, n, &h, &hl)) {
        FAIL("%s: bad expectation '%s'", k->name, k->expect[i]);
        continue;
      }
      if (a + hl > RT_HEAP_CAP || memcmp(o->heap + a, h, hl)) {
        FAIL("%s: heap at %" PRIu64 " differs; it holds:", k->name, a);
        for (size_t j = 0; j < hl && a + j < RT_HEAP_CAP; j++) fprintf(stderr, "%02x", o->heap[a + j]);
        fprintf(stderr, "\n");
      }
    } else if (n == 2 && !strcmp(w[0], "heaplen")) {
      num(w[1], &a);
      if (o->heap_len != a) FAIL("%s: heap length %u, expected %" PRIu64, k->name, o->heap_len, a);
    } else if (n == 2 && !strcmp(w[0], "nlogs")) {
      num(w[1], &a);
      if (o->nlogs != a) FAIL("%s: %zu logs, expected %" PRIu64, k->name, o->nlogs, a);
    } else if (n >= 2 && !strcmp(w[0], "log")) {
      if (num(w[1], &a) || hex_words(w, 2, n, &h, &hl) || !hl) {
        FAIL("%s: bad expectation '%s'", k->name, k->expect[i]);
        continue;
      }
      if (a >= o->nlogs || a >= 8) {
        FAIL("%s: no log %" PRIu64, k->name, a);
      } else {
        const rt_log *l = &o->logs[a];
        size_t tl = 32u * l->ntopics, want = 1 + tl + l->data_len;
        if (hl != want || h[0] != l->ntopics || memcmp(h + 1, l->topics, tl) ||
            memcmp(h + 1 + tl, o->logdata[a], l->data_len))
          FAIL("%s: log %" PRIu64 " has %u topics and %u data bytes, differs from the expected %zu bytes",
               k->name, a, l->ntopics, l->data_len, hl);
      }
    } else if (!strcmp(w[0], "storage_of") || !strcmp(w[0], "balance")) {
      /* check_state */
    } else {
      FAIL("%s: unknown expectation '%s'", k->name, k->expect[i]);
    }
    free(h);
  }
  if (failed == before) passed++;
}

static const uint8_t *rodata_of(const kase *k, uint8_t **buf, size_t *len) {
  char b[4096], *w[512];
  *buf = NULL;
  *len = 0;
  for (unsigned i = 0; i < k->nsetup; i++) {
    snprintf(b, sizeof b, "%s", k->setup[i]);
    unsigned n = words(b, w, 512);
    if (n >= 1 && !strcmp(w[0], "rodata")) hex_words(w, 1, n, buf, len);
  }
  return *buf;
}

/* $NAME, $NAME+N, $NAME-N in the source: the limits of this build. */
static size_t substitute(const char *in, size_t n, char *out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < n && o + 32 < cap;) {
    if (in[i] != '$') {
      out[o++] = in[i++];
      continue;
    }
    char tok[64];
    size_t t = 0;
    i++;
    while (i < n && t < 63 && (isupper((unsigned char)in[i]) || isdigit((unsigned char)in[i]) ||
                               ((in[i] == '+' || in[i] == '-') && t && isupper((unsigned char)tok[0]))))
      tok[t++] = in[i++];
    tok[t] = 0;
    uint64_t v = 0;
    if (num(tok, &v)) FAIL("bad $%s", tok);
    o += (size_t)snprintf(out + o, cap - o, "%" PRIu64, v);
  }
  out[o] = 0;
  return o;
}

static void execute(const kase *k) {
  dvm_asm_output out;
  char *diag = NULL;
  dvm_vm_program *p = NULL;
  dvm_vm_error err;
  uint8_t *ro;
  size_t rol;
  static char src[16384];
  size_t src_len = substitute(k->src, k->src_len, src, sizeof src);
  if (dvm_asm_assemble(k->name, src, src_len, dvm_rt_syscalls(), &out, &diag)) {
    FAIL("%s:%u: %s: does not assemble:\n%s", k->file, k->line, k->name, diag ? diag : "");
    free(diag);
    return;
  }
  free(diag);
  rodata_of(k, &ro, &rol);
  if (dvm_vm_program_load(&p, out.c.code, out.c.code_len, ro ? ro : out.c.rodata, ro ? rol : out.c.rodata_len,
                          NULL, 0, dvm_rt_syscalls(), &err)) {
    FAIL("%s: does not load: %s", k->name, err.msg);
    dvm_asm_output_free(&out);
    free(ro);
    return;
  }
  run o[2];
  int ok = 1;
  for (int ref = 0; ref < 2; ref++) {
    if (run_case(k, p, ref, &o[ref])) ok = 0;
    if (ok && ref == 0) check_state(k, chain->ov);
    dvm_state_overlay_pop(chain->ov, 0);
    dvm_state_overlay_pop(chain->ov, 0);
  }
  if (ok) {
    if (!same(&o[0], &o[1]))
      FAIL("%s: the fast and the reference interpreter differ (fast: status %d trap %s pc %u gas %" PRIu64
           "; ref: status %d trap %s pc %u gas %" PRIu64 ")",
           k->name, o[0].res.status, dvm_vm_trap_name(o[0].res.trap), o[0].res.pc, o[0].res.gas_used,
           o[1].res.status, dvm_vm_trap_name(o[1].res.trap), o[1].res.pc, o[1].res.gas_used);
    check(k, &o[0]);
  }
  run_free(&o[0]);
  run_free(&o[1]);
  dvm_vm_program_free(p);
  dvm_asm_output_free(&out);
  free(ro);
}

/* The case file's own rules: a syscall of the table, a real citation, and
 * checks of the result, the gas and (for a trap) the pc. */
static int lint(const kase *k) {
  int result = 0, gas = 0, pc = 1;
  for (unsigned i = 0; i < k->nexpect; i++) {
    const char *e = k->expect[i];
    if (!strncmp(e, "r0 ", 3) || !strncmp(e, "return", 6) || !strncmp(e, "revert", 6) ||
        !strncmp(e, "retlen", 6) || !strncmp(e, "revlen", 6))
      result = 1;
    if (!strncmp(e, "trap ", 5)) {
      result = 1;
      pc = strstr(e, " pc ") != NULL;
    }
    if (!strncmp(e, "gas ", 4) || !strncmp(e, "sysgas ", 7)) gas = 1;
  }
  if (!result || !gas || !pc) {
    FAIL("%s:%u: %s: a case checks its result, its gas and a trap's pc", k->file, k->line, k->name);
    return -1;
  }
  return 0;
}

static int parse_header(kase *k, char *line) {
  char *w[3];
  char *q1, *q2;
  unsigned n = words(line + 2, w, 2);
  if (n < 2) {
    FAIL("%s:%u: header wants '== NAME SYSCALL \"citation\"'", k->file, k->line);
    return -1;
  }
  snprintf(k->name, sizeof k->name, "%s", w[0]);
  k->sc = sc_lookup(w[1]);
  if (k->sc < 0) {
    FAIL("%s:%u: %s: '%s' is not a syscall of syscalls.def", k->file, k->line, k->name, w[1]);
    return -1;
  }
  char *rest = w[1] + strlen(w[1]) + 1;
  q1 = strchr(rest, '"');
  q2 = q1 ? strrchr(rest, '"') : NULL;
  if (!q1 || q2 == q1) {
    FAIL("%s:%u: %s: no quoted sentence of the spec", k->file, k->line, k->name);
    return -1;
  }
  char *cite = collapse(q1 + 1, (size_t)(q2 - q1 - 1));
  int found = strstr(spec_text, cite) != NULL;
  if (!found) FAIL("%s:%u: %s: the spec does not say \"%s\"", k->file, k->line, k->name, cite);
  free(cite);
  return found ? 0 : -1;
}

static void file(const char *path, int exec_cases) {
  size_t len;
  char *text = slurp(path, &len);
  if (!text) {
    FAIL("%s: cannot read", path);
    return;
  }
  kase *k = calloc(1, sizeof *k);
  int open = 0, bad = 0;
  unsigned lineno = 0;
  char *save, *line = text;
  (void)save;
  for (;;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = 0;
    lineno++;
    int end = !nl;
    int header = !strncmp(line, "==", 2);
    if ((header || end) && open) {
      if (!bad && !lint(k)) {
        sc_count[k->sc]++;
        if (exec_cases) execute(k);
      }
      for (unsigned i = 0; i < k->nsetup; i++) free(k->setup[i]);
      for (unsigned i = 0; i < k->nexpect; i++) free(k->expect[i]);
      memset(k, 0, sizeof *k);
      open = 0;
    }
    if (header) {
      k->file = path;
      k->line = lineno;
      open = 1;
      bad = parse_header(k, line);
    } else if (open && !strncmp(line, "::", 2)) {
      if (k->nsetup < MAXL) k->setup[k->nsetup++] = strdup(line + 3);
    } else if (open && !strncmp(line, "->", 2)) {
      if (k->nexpect < MAXL) k->expect[k->nexpect++] = strdup(line + 3);
    } else if (open && line[0] != '#') {
      size_t l = strlen(line);
      if (k->src_len + l + 2 < sizeof k->src) {
        memcpy(k->src + k->src_len, line, l);
        k->src_len += l;
        k->src[k->src_len++] = '\n';
      }
    }
    if (end) break;
    line = nl + 1;
  }
  free(k);
  free(text);
}

int main(int argc, char **argv) {
  int exec_cases = 1, i = 1;
  size_t sl;
  if (argc > 1 && !strcmp(argv[1], "--coverage")) exec_cases = 0, i++;
  if (argc - i < 2) {
    fprintf(stderr, "usage: sc_cases [--coverage] SPEC.md FILE.cases ...\n");
    return 2;
  }
  char *spec = slurp(argv[i], &sl);
  if (!spec) {
    fprintf(stderr, "sc_cases: cannot read %s\n", argv[i]);
    return 2;
  }
  spec_text = collapse(spec, sl);
  free(spec);
  char dir[] = "/tmp/dvm-sc-XXXXXX";
  if (exec_cases) {
    static const char genesis[] =
      "{\"chain_id\":\"dvm-sc\",\"time\":0,"
      "\"assets\":[{\"id\":0,\"symbol\":\"GAS\",\"decimals\":9},{\"id\":1,\"symbol\":\"USD\",\"decimals\":6},"
      "{\"id\":2,\"symbol\":\"BTC\",\"decimals\":8}],\"balances\":[],\"authorities\":[]}";
    dvm_rt_chain_opts opts = {64u << 20, 1, 1};
    char e[256];
    if (!mkdtemp(dir) || dvm_rt_chain_open(dir, &opts, &chain, e) ||
        dvm_rt_chain_genesis(chain, genesis, sizeof genesis - 1)) {
      fprintf(stderr, "sc_cases: cannot open a chain in %s\n", dir);
      return 2;
    }
  }
  for (i++; i < argc; i++) file(argv[i], exec_cases);
  for (unsigned s = 1; s < NSC; s++)
    if (!sc_count[s]) FAIL("syscall %u %s has no case: add cases to tests/syscalls/cases/", s, sc_names[s]);
  if (exec_cases) {
    dvm_rt_chain_close(chain);
    char p[64];
    snprintf(p, sizeof p, "%s/data.mdb", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/lock.mdb", dir);
    unlink(p);
    rmdir(dir);
  }
  free(spec_text);
  printf("sc_cases: %u passed, %u failed%s\n", passed, failed, exec_cases ? "" : " (coverage only)");
  return failed ? 1 : 0;
}
