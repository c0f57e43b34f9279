/* abci_tool.c — transactions and expected receipts for the ABCI network
 * test (tests/abci/network.py), built on tests/common/chainkit.
 *
 *   abci_tool plan OUT CONTRACT.dvm SENDERS ROUNDS
 *     OUT/genesis.json  the DVM genesis (chainkit: keys 0..SENDERS-1 funded)
 *     OUT/deploy.txt    one line: the deploy of CONTRACT by key 0 (nonce 0)
 *     OUT/txs.txt       SENDERS x ROUNDS transactions, one hex line each, in
 *                       sending order (each sender's nonces in order): sender s
 *                       alternates a transfer of s+1 units of USD to the next
 *                       key and a call add(s+1) of the contract
 *     OUT/bug.txt       shl(1, 32) from key 0 (after its other transactions)
 *     OUT/expected.txt  per transaction of deploy/txs/bug, executed on a
 *                       reference chain: "id status gas_used fee ret logs"
 *                       (ret hex or -, logs = count)
 *     OUT/contract.txt  the contract's address (hex)
 *   abci_tool receipt HEX   the same line for an encoded receipt
 *   abci_tool receipts      the same for each hex line of standard input
 *   abci_tool addr N        key N's address (hex)
 *   abci_tool verify DIR [K]  a validator's data directory: the chain audit
 *                           (state root recomputed over every entry), then
 *                           DIR/genesis.json and every stored block applied to
 *                           a fresh chain (dvm_rt_chain_apply checks each
 *                           header's roots): same head hash and root.
 *                           Prints "HEIGHT ROOT ROOT_AT_K" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chainkit.h"
#include "runtime.h"
#include "tx.h"

static void put_hex(FILE *f, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
}

static void receipt_line(FILE *f, const dvm_rt_receipt *r) {
  put_hex(f, r->tx_id, 32);
  unsigned logs = 0;
  for (uint16_t k = 0; k < r->ncalls; k++) logs += r->calls[k].nlogs;
  fprintf(f, " %u %llu %llu ", r->status, (unsigned long long)r->gas_used, (unsigned long long)r->fee);
  if (r->ncalls && r->calls[0].ret_len) put_hex(f, r->calls[0].ret, r->calls[0].ret_len);
  else fputc('-', f);
  fprintf(f, " %u\n", logs);
}

static FILE *open_out(const char *dir, const char *name) {
  char p[4096];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  if (!f) {
    perror(p);
    exit(1);
  }
  return f;
}

static int plan(const char *out, const char *contract, unsigned senders, unsigned rounds) {
  ck_key *keys = calloc(senders, sizeof *keys);
  for (unsigned i = 0; i < senders; i++) ck_key_make(&keys[i], i);
  char *gen = ck_genesis(keys, senders);
  FILE *f = open_out(out, "genesis.json");
  fputs(gen, f);
  fclose(f);
  FILE *fc = fopen(contract, "rb");
  if (!fc) return perror(contract), 1;
  static uint8_t code[1 << 20];
  size_t code_len = fread(code, 1, sizeof code, fc);
  fclose(fc);
  uint8_t caddr[32];
  dvm_tx_contract_address(keys[0].pk, 0, caddr);
  f = open_out(out, "contract.txt");
  put_hex(f, caddr, 32);
  fputc('\n', f);
  fclose(f);

  size_t n = (size_t)senders * rounds;
  ck_tx dep, bug, *txs = calloc(n ? n : 1, sizeof *txs);
  uint64_t *nonce = calloc(senders, sizeof *nonce);
  ck_deploy(&dep, &keys[0], nonce[0]++, code, code_len, 0, 1000000);
  size_t k = 0;
  for (unsigned r = 0; r < rounds; r++)
    for (unsigned s = 0; s < senders; s++) {
      if (r % 2 == 0) {
        ck_transfer(&txs[k++], &keys[s], nonce[s]++, keys[(s + 1) % senders].pk, 1, s + 1, 100000);
      } else {
        uint8_t in[8] = {0};
        in[0] = (uint8_t)(s + 1);
        ck_call call = {caddr, "add", in, 8, 100000, 0, 0};
        ck_calls(&txs[k++], &keys[s], nonce[s]++, &call, 1, 200000);
      }
    }
  uint8_t bin[8] = {1, 0, 0, 0, 32, 0, 0, 0};
  ck_call bc = {caddr, "shl", bin, 8, 100000, 0, 0};
  ck_calls(&bug, &keys[0], nonce[0]++, &bc, 1, 200000);

  f = open_out(out, "deploy.txt");
  put_hex(f, dep.bytes, dep.len);
  fputc('\n', f);
  fclose(f);
  f = open_out(out, "txs.txt");
  for (size_t i = 0; i < n; i++) {
    put_hex(f, txs[i].bytes, txs[i].len);
    fputc('\n', f);
  }
  fclose(f);
  f = open_out(out, "bug.txt");
  put_hex(f, bug.bytes, bug.len);
  fputc('\n', f);
  fclose(f);

  /* The reference chain: deploy, the transactions, the shift. */
  char dir[] = "/tmp/dvm-abci-ref-XXXXXX";
  if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
  dvm_rt_chain *c;
  char err[256];
  if (dvm_rt_chain_open(dir, NULL, &c, err) || dvm_rt_chain_genesis(c, gen, strlen(gen))) {
    fprintf(stderr, "reference chain: %s\n", err);
    return 1;
  }
  dvm_rt_block_info info;
  if (ck_block(c, &dep, 1, 1700000001, NULL, &info) || info.included != 1 ||
      ck_block(c, txs, n, 1700000002, NULL, &info) || info.included != n ||
      ck_block(c, &bug, 1, 1700000003, NULL, &info) || info.included != 1) {
    fprintf(stderr, "reference chain refused a transaction: %s\n", dvm_rt_chain_errmsg(c));
    return 1;
  }
  f = open_out(out, "expected.txt");
  for (size_t i = 0; i < n + 2; i++) {
    const ck_tx *t = i == 0 ? &dep : i == n + 1 ? &bug : &txs[i - 1];
    dvm_rt_receipt r;
    uint8_t *raw;
    ck_receipt(c, t->id, &r, &raw);
    receipt_line(f, &r);
    dvm_rt_receipt_free(&r);
    free(raw);
  }
  fclose(f);
  dvm_rt_chain_close(c);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd)) return 1;
  for (size_t i = 0; i < n; i++) free(txs[i].bytes);
  free(txs);
  free(dep.bytes);
  free(bug.bytes);
  free(nonce);
  free(keys);
  free(gen);
  return 0;
}

static int unhex(const char *s, uint8_t **out, size_t *len) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r')) n--;
  if (n % 2) return -1;
  uint8_t *b = malloc(n / 2 + 1);
  for (size_t i = 0; i < n / 2; i++) {
    unsigned v;
    if (sscanf(s + 2 * i, "%2x", &v) != 1) return free(b), -1;
    b[i] = (uint8_t)v;
  }
  *out = b;
  *len = n / 2;
  return 0;
}

static int verify(const char *dir, uint64_t at) {
  char path[4096], err[256], tmp[] = "/tmp/dvm-abci-verify-XXXXXX";
  dvm_rt_chain *c, *f;
  snprintf(path, sizeof path, "%s/chain", dir);
  if (dvm_rt_chain_open(path, NULL, &c, err)) return fprintf(stderr, "%s: %s\n", path, err), 1;
  uint8_t root[32], hash[32], root2[32], hash2[32];
  uint64_t h, h2;
  int rc = dvm_rt_chain_audit(c, root);
  if (rc) return fprintf(stderr, "%s: audit: %s\n", dir, dvm_rt_chain_errmsg(c)), 1;
  dvm_rt_chain_head(c, &h, hash, root, NULL);
  snprintf(path, sizeof path, "%s/genesis.json", dir);
  FILE *g = fopen(path, "rb");
  static char gen[1 << 20];
  size_t gl = g ? fread(gen, 1, sizeof gen, g) : 0;
  if (g) fclose(g);
  if (!gl || !mkdtemp(tmp) || dvm_rt_chain_open(tmp, NULL, &f, err) || dvm_rt_chain_genesis(f, gen, gl))
    return fprintf(stderr, "%s: genesis\n", dir), 1;
  for (uint64_t i = 1; i <= h; i++) {
    uint8_t *b;
    size_t bl;
    if (dvm_rt_chain_block(c, i, &b, &bl) || dvm_rt_chain_apply(f, b, bl, NULL))
      return fprintf(stderr, "%s: block %llu: %s\n", dir, (unsigned long long)i, dvm_rt_chain_errmsg(f)), 1;
    free(b);
  }
  dvm_rt_chain_head(f, &h2, hash2, root2, NULL);
  dvm_rt_chain_close(f);
  uint8_t root_at[32];
  memcpy(root_at, root, 32);
  if (at && at <= h) { /* the state root in block `at`'s header */
    uint8_t *b;
    size_t bl;
    dvm_tx_block_header hd;
    char e[128];
    if (dvm_rt_chain_block(c, at, &b, &bl) ||
        dvm_tx_block_header_decode(b, bl < DVM_BLOCK_HEADER_BYTES ? bl : DVM_BLOCK_HEADER_BYTES, &hd, e, sizeof e))
      return fprintf(stderr, "%s: block %llu\n", dir, (unsigned long long)at), 1;
    memcpy(root_at, hd.state_root, 32);
    free(b);
  }
  dvm_rt_chain_close(c);
  snprintf(path, sizeof path, "rm -rf %s", tmp);
  if (system(path)) return 1;
  if (h2 != h || memcmp(hash, hash2, 32) || memcmp(root, root2, 32))
    return fprintf(stderr, "%s: the replayed chain differs\n", dir), 1;
  printf("%llu ", (unsigned long long)h);
  put_hex(stdout, root, 32);
  putchar(' ');
  put_hex(stdout, root_at, 32);
  putchar('\n');
  return 0;
}

int main(int argc, char **argv) {
  if ((argc == 3 || argc == 4) && !strcmp(argv[1], "verify"))
    return verify(argv[2], argc == 4 ? strtoull(argv[3], NULL, 10) : 0);
  if (argc == 6 && !strcmp(argv[1], "plan"))
    return plan(argv[2], argv[3], (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]));
  if (argc == 3 && !strcmp(argv[1], "receipt")) {
    uint8_t *b;
    size_t n;
    dvm_rt_receipt r;
    if (unhex(argv[2], &b, &n) || dvm_rt_receipt_decode(b, n, &r)) return fprintf(stderr, "bad receipt\n"), 1;
    receipt_line(stdout, &r);
    dvm_rt_receipt_free(&r);
    free(b);
    return 0;
  }
  if (argc == 2 && !strcmp(argv[1], "receipts")) {
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin)) {
      uint8_t *b;
      size_t n;
      dvm_rt_receipt r;
      if (unhex(line, &b, &n) || dvm_rt_receipt_decode(b, n, &r)) {
        puts("bad-receipt");
        continue;
      }
      receipt_line(stdout, &r);
      dvm_rt_receipt_free(&r);
      free(b);
    }
    return 0;
  }
  if (argc == 3 && !strcmp(argv[1], "addr")) {
    ck_key k;
    ck_key_make(&k, (uint32_t)atoi(argv[2]));
    put_hex(stdout, k.pk, 32);
    putchar('\n');
    return 0;
  }
  fprintf(stderr, "usage: abci_tool plan OUT CONTRACT.dvm SENDERS ROUNDS | receipt HEX | addr N\n");
  return 2;
}
