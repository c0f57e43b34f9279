/* export.c — a chain in one file (spec/export.md): genesis and every block
 * record, with a checksum over the whole, so that `dvm import` can rebuild
 * the data directory on another machine and `dvm replay` verify it there.
 *
 * Import checks the entire file before it writes anything, builds the new
 * data directory in a temporary sibling by applying every block (the full
 * validation of dvm_rt_chain_apply), and renames it into place last: a
 * truncated, corrupt or invalid file leaves the target as it was. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>

#include "rt_private.h"

#define EXP_MAGIC "DVMCHAIN"
#define EXP_END "DVMEND\0\0"
#define EXP_VERSION 1u
#define EXP_DOMAIN "DVM/export/v1"
#define EXP_GENESIS_MAX (1u << 20)

__attribute__((format(printf, 2, 3))) static void eb(char *errbuf, const char *fmt, ...) {
  if (!errbuf) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errbuf, 256, fmt, ap);
  va_end(ap);
}

static void le(uint8_t *o, uint64_t v, int n) {
  for (int i = 0; i < n; i++) o[i] = (uint8_t)(v >> (8 * i));
}
static uint64_t ld(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--) v = v << 8 | p[i];
  return v;
}

/* ---- writing ---- */

typedef struct wr {
  FILE *f;
  crypto_generichash_state h;
  int bad;
} wr;

static void wput(wr *w, const void *p, size_t n) {
  if (w->bad) return;
  if (n && fwrite(p, 1, n, w->f) != n) w->bad = 1;
  crypto_generichash_update(&w->h, p, n);
}

int dvm_rt_export(const char *data_dir, const char *path, uint64_t *blocks, char *errbuf) {
  dvm_rt_chain *c;
  char e[256], tmp[PATH_MAX];
  struct stat st;
  uint64_t head;
  char *gen = NULL;
  size_t glen;
  snprintf(tmp, sizeof tmp, "%s/data.mdb", data_dir);
  if (stat(tmp, &st)) return eb(errbuf, "%.200s: not a data directory (no data.mdb)", data_dir), DVM_RT_ERR_ARG;
  int rc = dvm_rt_chain_open(data_dir, NULL, &c, e);
  if (rc) return eb(errbuf, "%s", e), rc;
  if ((rc = dvm_rt_chain_head(c, &head, NULL, NULL, NULL)) || (rc = dvm_rt_chain_genesis_json(c, &gen, &glen))) {
    eb(errbuf, "%.200s: no chain (no genesis)", data_dir);
    dvm_rt_chain_close(c);
    return rc;
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  wr w;
  memset(&w, 0, sizeof w);
  w.f = fopen(tmp, "wb");
  if (!w.f) {
    eb(errbuf, "%.200s: %s", tmp, strerror(errno));
    free(gen);
    dvm_rt_chain_close(c);
    return DVM_RT_ERR_ARG;
  }
  crypto_generichash_init(&w.h, NULL, 0, 32);
  crypto_generichash_update(&w.h, (const uint8_t *)EXP_DOMAIN, strlen(EXP_DOMAIN));
  uint8_t hd[8 + 4 + 8 + 4];
  memcpy(hd, EXP_MAGIC, 8);
  le(hd + 8, EXP_VERSION, 4);
  le(hd + 12, head + 1, 8);
  le(hd + 20, glen, 4);
  wput(&w, hd, sizeof hd);
  wput(&w, gen, glen);
  free(gen);
  for (uint64_t h = 0; h <= head && !w.bad; h++) {
    uint8_t *b, l4[4];
    size_t bl;
    if ((rc = dvm_rt_chain_block(c, h, &b, &bl))) {
      eb(errbuf, "block %" PRIu64 " is not stored: %s", h, dvm_rt_chain_errmsg(c));
      w.bad = 2;
      break;
    }
    le(l4, bl, 4);
    wput(&w, l4, 4);
    wput(&w, b, bl);
    free(b);
  }
  dvm_rt_chain_close(c);
  uint8_t sum[32];
  if (!w.bad) {
    wput(&w, EXP_END, 8);
    crypto_generichash_final(&w.h, sum, 32);
    if (fwrite(sum, 1, 32, w.f) != 32) w.bad = 1;
  }
  if (fflush(w.f) || fsync(fileno(w.f))) w.bad = w.bad ? w.bad : 1;
  if (fclose(w.f)) w.bad = w.bad ? w.bad : 1;
  if (w.bad || rename(tmp, path)) {
    if (w.bad != 2) eb(errbuf, "%.200s: %s", w.bad ? tmp : path, strerror(errno));
    unlink(tmp);
    return w.bad == 2 ? DVM_RT_ERR_STATE : DVM_RT_ERR_ARG;
  }
  if (blocks) *blocks = head + 1;
  return DVM_RT_OK;
}

/* ---- reading ---- */

typedef struct rd {
  FILE *f;
  crypto_generichash_state h;
  uint64_t at, size;
} rd;

/* Read exactly n bytes (hashed); -1 when the file ends first. */
static int rget(rd *r, void *p, size_t n) {
  if (n > r->size - r->at) return -1;
  if (n && fread(p, 1, n, r->f) != n) return -1;
  crypto_generichash_update(&r->h, p, n);
  r->at += n;
  return 0;
}

typedef struct exp_head {
  uint64_t nblocks;
  uint32_t glen;
} exp_head;

static int read_head(rd *r, exp_head *eh, char *errbuf, const char *path) {
  uint8_t hd[24];
  crypto_generichash_init(&r->h, NULL, 0, 32);
  crypto_generichash_update(&r->h, (const uint8_t *)EXP_DOMAIN, strlen(EXP_DOMAIN));
  if (rget(r, hd, sizeof hd) || memcmp(hd, EXP_MAGIC, 8))
    return eb(errbuf, "%.200s: not a DVM chain export (bad magic)", path), -1;
  if (ld(hd + 8, 4) != EXP_VERSION)
    return eb(errbuf, "%.200s: export format version %" PRIu64 " (this build reads %u)", path, ld(hd + 8, 4), EXP_VERSION), -1;
  eh->nblocks = ld(hd + 12, 8);
  eh->glen = (uint32_t)ld(hd + 20, 4);
  if (eh->nblocks == 0 || eh->glen == 0 || eh->glen > EXP_GENESIS_MAX)
    return eb(errbuf, "%.200s: corrupt header (%" PRIu64 " blocks, genesis of %" PRIu32 " bytes)", path, eh->nblocks, eh->glen), -1;
  return 0;
}

/* Read one block record of at most DVM_BLOCK_MAX_BYTES into *buf (grown). */
static int read_block(rd *r, uint8_t **buf, size_t *cap, size_t *len) {
  uint8_t l4[4];
  if (rget(r, l4, 4)) return -1;
  uint64_t n = ld(l4, 4);
  if (n < DVM_BLOCK_HEADER_BYTES || n > DVM_BLOCK_MAX_BYTES) return -2;
  if (n > *cap) {
    uint8_t *nb = realloc(*buf, n);
    if (!nb) return -3;
    *buf = nb;
    *cap = n;
  }
  if (rget(r, *buf, n)) return -1;
  *len = n;
  return 0;
}

/* Pass 1: structure, lengths and checksum, writing nothing. */
static int check_file(const char *path, exp_head *eh, char *errbuf) {
  rd r;
  struct stat st;
  uint8_t *buf = NULL;
  size_t cap = 0, len;
  memset(&r, 0, sizeof r);
  r.f = fopen(path, "rb");
  if (!r.f) return eb(errbuf, "%.200s: %s", path, strerror(errno)), DVM_RT_ERR_ARG;
  if (fstat(fileno(r.f), &st)) {
    fclose(r.f);
    return eb(errbuf, "%.200s: %s", path, strerror(errno)), DVM_RT_ERR_ARG;
  }
  r.size = (uint64_t)st.st_size;
  int rc = DVM_RT_ERR_ARG;
  if (read_head(&r, eh, errbuf, path)) goto out;
  char *g = malloc(eh->glen);
  if (!g || rget(&r, g, eh->glen)) {
    free(g);
    eb(errbuf, "%.200s: truncated in the genesis document", path);
    goto out;
  }
  free(g);
  for (uint64_t h = 0; h < eh->nblocks; h++) {
    int e = read_block(&r, &buf, &cap, &len);
    if (e) {
      if (e == -1) eb(errbuf, "%.200s: truncated: ends in block %" PRIu64 " of %" PRIu64 " (byte %" PRIu64 ")", path, h, eh->nblocks, r.size);
      else if (e == -2) eb(errbuf, "%.200s: corrupt: block %" PRIu64 " has an impossible length", path, h);
      else rc = DVM_RT_ERR_NOMEM;
      goto out;
    }
    dvm_tx_block_header bh;
    char de[128];
    if (dvm_tx_block_header_decode(buf, DVM_BLOCK_HEADER_BYTES, &bh, de, sizeof de) || bh.height != h) {
      eb(errbuf, "%.200s: corrupt: record %" PRIu64 " is not block %" PRIu64, path, h, h);
      goto out;
    }
  }
  uint8_t end[8], sum[32], want[32];
  if (rget(&r, end, 8) || memcmp(end, EXP_END, 8)) {
    eb(errbuf, "%.200s: truncated or corrupt: no end marker after %" PRIu64 " blocks", path, eh->nblocks);
    goto out;
  }
  crypto_generichash_final(&r.h, want, 32);
  if (r.size - r.at != 32 || fread(sum, 1, 32, r.f) != 32) {
    eb(errbuf, "%.200s: %s after the end marker", path, r.size - r.at < 32 ? "truncated: checksum missing" : "trailing bytes");
    goto out;
  }
  if (memcmp(sum, want, 32)) {
    eb(errbuf, "%.200s: corrupt: checksum mismatch (the file was altered or damaged)", path);
    goto out;
  }
  rc = DVM_RT_OK;
out:
  free(buf);
  fclose(r.f);
  return rc;
}

static void remove_dir(const char *dir) {
  char p[PATH_MAX + 16];
  snprintf(p, sizeof p, "%s/data.mdb", dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/lock.mdb", dir);
  unlink(p);
  rmdir(dir);
}

/* 1 when dir does not exist or is an empty directory. */
static int target_free(const char *dir) {
  struct stat st;
  if (stat(dir, &st)) return errno == ENOENT;
  if (!S_ISDIR(st.st_mode)) return 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  int empty = 1;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
  closedir(d);
  return empty;
}

int dvm_rt_import(const char *path, const char *data_dir, const dvm_rt_chain_opts *opts, uint64_t *blocks,
                  char *errbuf) {
  exp_head eh;
  char tmp[PATH_MAX], e[256];
  if (sodium_init() < 0) return DVM_RT_ERR_STATE;
  if (!target_free(data_dir))
    return eb(errbuf, "%.200s: exists and is not empty (import builds a new data directory)", data_dir), DVM_RT_ERR_ARG;
  int rc = check_file(path, &eh, errbuf);
  if (rc) return rc;

  snprintf(tmp, sizeof tmp, "%s.import-XXXXXX", data_dir);
  if (!mkdtemp(tmp)) return eb(errbuf, "%.200s: mkdtemp: %s", tmp, strerror(errno)), DVM_RT_ERR_ARG;
  dvm_rt_chain *c = NULL;
  rd r;
  uint8_t *buf = NULL, *b0 = NULL;
  size_t cap = 0, len, b0len;
  char *g = NULL;
  memset(&r, 0, sizeof r);
  rc = DVM_RT_ERR_ARG;
  r.f = fopen(path, "rb");
  if (!r.f) {
    eb(errbuf, "%.200s: %s", path, strerror(errno));
    goto fail;
  }
  struct stat st;
  fstat(fileno(r.f), &st);
  r.size = (uint64_t)st.st_size;
  if (read_head(&r, &eh, errbuf, path)) goto fail;
  g = malloc(eh.glen);
  if (!g || rget(&r, g, eh.glen)) {
    eb(errbuf, "%.200s: changed while importing", path);
    goto fail;
  }
  if ((rc = dvm_rt_chain_open(tmp, opts, &c, e))) {
    eb(errbuf, "%s", e);
    goto fail;
  }
  if ((rc = dvm_rt_chain_genesis(c, g, eh.glen))) {
    eb(errbuf, "genesis: %.200s", dvm_rt_chain_errmsg(c));
    goto fail;
  }
  for (uint64_t h = 0; h < eh.nblocks; h++) {
    if (read_block(&r, &buf, &cap, &len)) {
      eb(errbuf, "%.200s: changed while importing", path);
      rc = DVM_RT_ERR_ARG;
      goto fail;
    }
    if (h == 0) {
      if ((rc = dvm_rt_chain_block(c, 0, &b0, &b0len))) goto fail;
      int same = b0len == len && !memcmp(b0, buf, len);
      free(b0);
      if (!same) {
        eb(errbuf, "block 0 of the file is not the block the genesis document gives");
        rc = DVM_RT_ERR_BLOCK;
        goto fail;
      }
      continue;
    }
    if ((rc = dvm_rt_chain_apply(c, buf, len, NULL))) {
      eb(errbuf, "block %" PRIu64 " does not apply: %.200s", h, dvm_rt_chain_errmsg(c));
      goto fail;
    }
  }
  dvm_rt_chain_close(c);
  c = NULL;
  fclose(r.f);
  r.f = NULL;
  rmdir(data_dir); /* empty or absent (checked above) */
  if (rename(tmp, data_dir)) {
    eb(errbuf, "rename %.100s -> %.100s: %s", tmp, data_dir, strerror(errno));
    rc = DVM_RT_ERR_ARG;
    goto fail;
  }
  free(buf);
  free(g);
  if (blocks) *blocks = eh.nblocks - 1;
  return DVM_RT_OK;
fail:
  if (c) dvm_rt_chain_close(c);
  if (r.f) fclose(r.f);
  free(buf);
  free(g);
  remove_dir(tmp);
  return rc ? rc : DVM_RT_ERR_ARG;
}
