/* det_run.c — a fixed, deterministic block workload over libdvm, for the
 * consensus checks that compare runs:
 *
 *   det_run run DIR CONTRACTS [BLOCKS]   fresh chain in DIR, run BLOCKS
 *       blocks (default 12) of deploys, calls with storage traffic,
 *       transfers, oracle updates, reverts and traps; print one line per
 *       block: height, block hash, state root, receipts root.
 *       Two processes, two builds (gcc -O2, clang -O0 + sanitizers), or
 *       two machines must print the same lines (rt_determinism, CI).
 *   det_run forever DIR CONTRACTS        keep producing blocks until killed
 *       (the kill -9 test); each block writes many entries.
 *   det_run check DIR                    reopen after a kill: the state root
 *       recomputed over every entry must equal the stored one, and the
 *       head block's header must carry it. Prints the head height. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chainkit.h"

#define NKEYS 4

static void hex(const uint8_t *b, char out[65]) { dvm_hex_encode(b, 32, out); }

static dvm_rt_chain *open_or_die(const char *dir) {
  dvm_rt_chain *c;
  char e[256];
  if (dvm_rt_chain_open(dir, NULL, &c, e)) {
    fprintf(stderr, "det_run: open %s: %s\n", dir, e);
    exit(2);
  }
  return c;
}

typedef struct world {
  dvm_rt_chain *c;
  ck_key k[NKEYS];
  uint8_t vault[32], bouncer[32], deep[32];
  uint64_t nonce[NKEYS];
  ck_tx txs[64];
  size_t ntx;
} world;

static ck_tx *next_tx(world *w) { return &w->txs[w->ntx++]; }

static void flush(world *w, uint64_t time, int print) {
  dvm_rt_block_info info;
  int rej[64];
  int rc = ck_block(w->c, w->txs, w->ntx, time, rej, &info);
  if (rc) {
    fprintf(stderr, "det_run: block: %s: %s\n", dvm_rt_strerror(rc), dvm_rt_chain_errmsg(w->c));
    exit(1);
  }
  for (size_t i = 0; i < w->ntx; i++) {
    if (rej[i]) {
      fprintf(stderr, "det_run: transaction %zu of block %" PRIu64 " rejected\n", i, info.height);
      exit(1);
    }
    free(w->txs[i].bytes);
  }
  w->ntx = 0;
  if (print) {
    char a[65], b[65], r[65];
    hex(info.hash, a);
    hex(info.state_root, b);
    hex(info.receipts_root, r);
    printf("%" PRIu64 " %s %s %s gas=%" PRIu64 "\n", info.height, a, b, r, info.gas_used);
    fflush(stdout);
  }
}

static void setup(world *w, const char *dir, const char *cdir) {
  char path[512];
  size_t len;
  memset(w, 0, sizeof *w);
  for (uint32_t i = 0; i < NKEYS; i++) ck_key_make(&w->k[i], i);
  w->c = open_or_die(dir);
  uint64_t h;
  if (dvm_rt_chain_head(w->c, &h, NULL, NULL, NULL) == DVM_RT_ERR_GENESIS) {
    char *g = ck_genesis(w->k, NKEYS);
    if (dvm_rt_chain_genesis(w->c, g, strlen(g))) {
      fprintf(stderr, "det_run: genesis: %s\n", dvm_rt_chain_errmsg(w->c));
      exit(1);
    }
    free(g);
  }
  for (int i = 0; i < NKEYS; i++) dvm_rt_chain_nonce(w->c, w->k[i].pk, &w->nonce[i]);
  dvm_tx_contract_address(w->k[1].pk, 0, w->vault);
  dvm_tx_contract_address(w->k[1].pk, 1, w->bouncer);
  dvm_tx_contract_address(w->k[1].pk, 2, w->deep);
  if (w->nonce[1] == 0) {
    const char *names[3] = {"vault.s", "bouncer.s", "deep.s"};
    for (int i = 0; i < 3; i++) {
      snprintf(path, sizeof path, "%s/%s", cdir, names[i]);
      uint8_t *code = ck_assemble(path, &len);
      ck_deploy(next_tx(w), &w->k[1], w->nonce[1]++, code, len, i == 0 ? 100000 : 0, 10000000);
      free(code);
    }
  }
}

/* One block of mixed traffic; `salt` varies inputs and amounts. */
static void traffic(world *w, uint64_t salt, int heavy) {
  uint8_t dest[32];
  static uint8_t amounts[64][8];
  memset(dest, (int)(0x30 + salt % 64), 32);
  /* storage traffic: increments, and a revert and a trap that change nothing */
  ck_call calls[12];
  size_t n = 0;
  for (int i = 0; i < 6; i++) calls[n++] = (ck_call){w->vault, "inc", NULL, 0, 100000, 0, 0};
  calls[n++] = (ck_call){w->vault, "fail", NULL, 0, 100000, 0, 0};
  calls[n++] = (ck_call){w->vault, "trap", NULL, 0, 30000, 0, 0};
  calls[n++] = (ck_call){w->vault, "deposit", NULL, 0, 100000, 1, 1000 + salt};
  uint64_t wd = 10 + salt % 50;
  memcpy(amounts[salt % 64], &wd, 8);
  calls[n++] = (ck_call){w->vault, "withdraw", amounts[salt % 64], 8, 100000, 0, 0};
  calls[n++] = (ck_call){w->vault, "call_inc", w->bouncer, 32, 200000, 0, 0};
  calls[n++] = (ck_call){w->deep, "deep", NULL, 0, 2000000, 0, 0};
  ck_calls(next_tx(w), &w->k[2], w->nonce[2]++, calls, n, 10000000);
  ck_transfer(next_tx(w), &w->k[3], w->nonce[3]++, dest, (uint32_t)(salt % 3), 1 + salt, 100000);
  ck_oracle(next_tx(w), &w->k[0], w->nonce[0]++, (uint32_t)(salt % 5), 1000000000ll * (int64_t)(salt + 1),
            1700000000 + salt, 100000);
  if (heavy) /* many distinct keys: transfers to many fresh accounts */
    for (int i = 0; i < 40; i++) {
      uint8_t to[32];
      memset(to, 0, 32);
      memcpy(to, &salt, 8);
      to[8] = (uint8_t)i;
      ck_transfer(next_tx(w), &w->k[i % 2 ? 3 : 1], w->nonce[i % 2 ? 3 : 1]++, to, 0, 1 + (uint64_t)i, 100000);
    }
}

int main(int argc, char **argv) {
  if (argc >= 4 && !strcmp(argv[1], "run")) {
    world w;
    int blocks = argc > 4 ? atoi(argv[4]) : 12;
    setup(&w, argv[2], argv[3]);
    flush(&w, 1700000001, 1);
    for (int b = 1; b < blocks; b++) {
      traffic(&w, (uint64_t)b, b % 3 == 0);
      flush(&w, 1700000001 + 7 * (uint64_t)b, 1);
    }
    uint8_t root[32];
    if (dvm_rt_chain_audit(w.c, root)) {
      fprintf(stderr, "det_run: audit: %s\n", dvm_rt_chain_errmsg(w.c));
      return 1;
    }
    dvm_rt_chain_close(w.c);
    return 0;
  }
  if (argc >= 4 && !strcmp(argv[1], "forever")) {
    world w;
    setup(&w, argv[2], argv[3]);
    uint64_t h = 0;
    dvm_rt_chain_head(w.c, &h, NULL, NULL, NULL);
    for (;;) {
      h++;
      traffic(&w, h, 1);
      flush(&w, 1700000001 + h, 0);
      printf("%" PRIu64 "\n", h);
      fflush(stdout);
    }
  }
  if (argc >= 3 && !strcmp(argv[1], "check")) {
    dvm_rt_chain *c = open_or_die(argv[2]);
    uint64_t h;
    uint8_t root[32], audit[32], *blk;
    size_t blen;
    if (dvm_rt_chain_head(c, &h, NULL, root, NULL)) {
      printf("no block yet\n");
      dvm_rt_chain_close(c);
      return 0;
    }
    if (dvm_rt_chain_audit(c, audit) || memcmp(audit, root, 32)) {
      fprintf(stderr, "det_run: audit failed at height %" PRIu64 ": %s\n", h, dvm_rt_chain_errmsg(c));
      return 1;
    }
    dvm_tx_block_header hd;
    char e[128];
    if (dvm_rt_chain_block(c, h, &blk, &blen) ||
        dvm_tx_block_header_decode(blk, DVM_BLOCK_HEADER_BYTES, &hd, e, sizeof e) || hd.height != h ||
        memcmp(hd.state_root, root, 32)) {
      fprintf(stderr, "det_run: head block %" PRIu64 " missing or inconsistent\n", h);
      return 1;
    }
    free(blk);
    printf("%" PRIu64 "\n", h);
    dvm_rt_chain_close(c);
    return 0;
  }
  fprintf(stderr, "usage: det_run run DIR CONTRACTS [BLOCKS] | forever DIR CONTRACTS | check DIR\n");
  return 2;
}
