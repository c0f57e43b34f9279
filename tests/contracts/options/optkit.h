/* optkit.h — a chain for the options, option_pool and vault contracts,
 * driven through signed transactions (chainkit): deploys with an init
 * input, batches of calls with up to two attached assets, oracle and
 * market-parameter system transactions, read-only views by simulation, and
 * argument packing (little-endian, declaration order, DESIGN §9).
 * Aborts on misuse: a failure here is a failed test. */
#ifndef OPTKIT_H
#define OPTKIT_H

#include <stddef.h>
#include <stdint.h>

#include "chainkit.h"

#define OK_KEYS 8
#define OK_GAS 0u
#define OK_USD 1u /* 6 decimals */
#define OK_BTC 2u /* 8 decimals */
#define OK_FUND 1000000000000000ull
#define OK_T0 1700000000ull

typedef struct ok_chain {
  dvm_rt_chain *c;
  char dir[64];
  char *genesis;
  ck_key k[OK_KEYS];
  uint64_t nonce[OK_KEYS];
  uint64_t time; /* time of the last block */
  ck_tx *pend;   /* transactions of the next block */
  size_t npend, cap;
} ok_chain;

void ok_open(ok_chain *o);
void ok_close(ok_chain *o);

/* Read a .dvm file (malloc'd). */
uint8_t *ok_read_file(const char *path, size_t *len);

/* Deploy in a block of its own; returns the address in out. */
void ok_deploy(ok_chain *o, int key, const char *path, const uint8_t *init, uint32_t init_len, uint8_t out[32]);

/* One call of a batch. */
typedef struct ok_call {
  const uint8_t *contract;
  const char *method;
  const uint8_t *input;
  uint32_t input_len;
  uint32_t asset[2];
  uint64_t amount[2]; /* 0: not attached; asset[0] < asset[1] when both */
  uint64_t gas;       /* 0: 2,000,000 */
} ok_call;

/* Queue a signed transaction with n calls; returns its index in the
 * pending block. */
size_t ok_calls(ok_chain *o, int key, const ok_call *calls, size_t n);
size_t ok_call1(ok_chain *o, int key, const uint8_t *contract, const char *method, const uint8_t *in, uint32_t ilen,
                uint32_t asset, uint64_t amount);
size_t ok_transfer(ok_chain *o, int key, const uint8_t to[32], uint32_t asset, uint64_t amount);
size_t ok_oracle(ok_chain *o, uint32_t feed, int64_t price, uint64_t publish_time);
size_t ok_param(ok_chain *o, int key, const void *k, uint8_t klen, const void *v, uint16_t vlen);

/* Produce the pending transactions as one block at `time` (all must be
 * included); ids[i] gets each transaction's id when ids is not NULL. */
void ok_block(ok_chain *o, uint64_t time, uint8_t (*ids)[32]);

/* Receipt of an included transaction (r freed by ok_receipt_free). */
typedef struct ok_receipt {
  dvm_rt_receipt r;
  uint8_t *raw;
} ok_receipt;
void ok_receipt_get(ok_chain *o, const uint8_t id[32], ok_receipt *r);
void ok_receipt_free(ok_receipt *r);

/* A read-only call against the committed state: status, return data
 * copied to out (up to cap), *gas the call's gas. */
int ok_view(ok_chain *o, int key, const uint8_t *contract, const char *method, const uint8_t *in, uint32_t ilen,
            uint8_t *out, uint32_t cap, uint32_t *out_len, uint64_t *gas);

uint64_t ok_bal(ok_chain *o, const uint8_t addr[32], uint32_t asset);

/* Argument packing. */
typedef struct ok_pack {
  uint8_t b[256];
  uint32_t n;
} ok_pack;
void pk_u8(ok_pack *p, uint8_t v);
void pk_u32(ok_pack *p, uint32_t v);
void pk_u64(ok_pack *p, uint64_t v);
void pk_addr(ok_pack *p, const uint8_t a[32]);
uint64_t ld_u64(const uint8_t *p);
uint32_t ld_u32(const uint8_t *p);

#endif
