/* abci_query.c — `dvm abci`'s Query (node/abci_int.h): the DVM chain's
 * queries, each on a read view of the last committed block. */
#include <stdlib.h>
#include <string.h>

#include "abci_int.h"
#include "base.h"

/* Query paths (data in, value out; integers little-endian):
 *   /head                              -> height u64 || block hash || state root || time u64
 *   /balance  addr(32) || asset u32    -> u64
 *   /nonce    addr(32)                 -> u64
 *   /storage  contract(32) || key      -> value
 *   /receipt  tx id(32)                -> encoded receipt
 *   /block    height u64               -> encoded block */
static void do_query(dvm_abci *a, const Dvmabci__RequestQuery *q, Dvmabci__ResponseQuery *o,
                     uint8_t **owned) {
  const uint8_t *d = q->data.data;
  size_t n = q->data.len;
  uint64_t h = 0, v = 0;
  uint8_t small[112];
  int rc = DVM_RT_ERR_ARG;
  dvm_rt_chain_head(a->chain, &h, NULL, NULL, NULL);
  o->height = (int64_t)h;
  const char *p = q->path ? q->path : "";
  if (!strcmp(p, "/head")) {
    uint64_t t;
    if (!(rc = dvm_rt_chain_head(a->chain, &h, small + 8, small + 40, &t))) {
      dvm_le_put64(small, h);
      dvm_le_put64(small + 72, t);
      o->value.data = small;
      o->value.len = 80;
    }
  } else if (!strcmp(p, "/balance") && n == 36) {
    uint32_t asset = dvm_le_get32(d + 32);
    if (!(rc = dvm_rt_chain_balance(a->chain, d, asset, &v))) goto u64;
  } else if (!strcmp(p, "/nonce") && n == 32) {
    if (!(rc = dvm_rt_chain_nonce(a->chain, d, &v))) goto u64;
  } else if (!strcmp(p, "/storage") && n > 32) {
    size_t vl;
    if (!(rc = dvm_rt_chain_storage(a->chain, d, d + 32, n - 32, owned, &vl))) {
      o->value.data = *owned;
      o->value.len = vl;
    }
  } else if (!strcmp(p, "/receipt") && n == 32) {
    size_t vl;
    if (!(rc = dvm_rt_chain_receipt(a->chain, d, owned, &vl))) {
      o->value.data = *owned;
      o->value.len = vl;
    }
  } else if (!strcmp(p, "/block") && n == 8) {
    size_t vl;
    if (!(rc = dvm_rt_chain_block(a->chain, dvm_le_get64(d), owned, &vl))) {
      o->value.data = *owned;
      o->value.len = vl;
    }
  }
  goto done;
u64:
  dvm_le_put64(small, v);
  o->value.data = small;
  o->value.len = 8;
done:
  if (rc) {
    o->code = DVM_ABCI_CODE_QUERY;
    o->log = (char *)(rc == DVM_RT_ERR_ARG ? "unknown path or malformed data" : dvm_rt_strerror(rc));
  }
  /* value may point at `small`: the caller packs before returning. */
  if (o->value.data == small) {
    *owned = malloc(o->value.len);
    if (*owned) memcpy(*owned, small, o->value.len);
    o->value.data = *owned;
    if (!*owned) o->value.len = 0;
  }
}

int abci_query(dvm_abci *a, const Dvmabci__RequestQuery *q, uint8_t **resp, size_t *resp_len, char *err) {
  Dvmabci__Response r = DVMABCI__RESPONSE__INIT;
  Dvmabci__ResponseQuery x = DVMABCI__RESPONSE_QUERY__INIT;
  uint8_t *owned = NULL;
  do_query(a, q, &x, &owned);
  r.value_case = DVMABCI__RESPONSE__VALUE_QUERY;
  r.query = &x;
  *resp = abci_pack(&r, resp_len);
  free(owned);
  (void)err; /* nothing fails here but memory: *resp NULL */
  return 0;
}
