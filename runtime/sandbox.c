/* sandbox.c — the sandbox of `dvm exec`: an ephemeral chain in a
 * temporary directory (genesis with assets GAS and USD, no balances), one
 * contract frame at a fixed address, and every syscall available to a
 * standalone program. Nothing is ever committed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt_private.h"

struct dvm_rt_sandbox {
  char dir[64];
  dvm_rt_chain *c;
  rt_exec x;
};

static const char sandbox_genesis[] =
  "{\"chain_id\":\"dvm-exec\",\"time\":0,"
  "\"assets\":[{\"id\":0,\"symbol\":\"GAS\",\"decimals\":9},{\"id\":1,\"symbol\":\"USD\",\"decimals\":6}],"
  "\"balances\":[],\"authorities\":[]}";

int dvm_rt_sandbox_open(dvm_rt_sandbox **out, char *errbuf) {
  dvm_rt_sandbox *s = calloc(1, sizeof *s);
  dvm_rt_chain_opts o = {4u << 20, 1, 1};
  *out = NULL;
  if (!s) return DVM_RT_ERR_NOMEM;
  snprintf(s->dir, sizeof s->dir, "/tmp/dvm-exec-XXXXXX");
  if (!mkdtemp(s->dir)) {
    if (errbuf) snprintf(errbuf, 256, "sandbox: mkdtemp: %s", strerror(errno));
    free(s);
    return DVM_RT_ERR_STATE;
  }
  int rc = dvm_rt_chain_open(s->dir, &o, &s->c, errbuf);
  if (!rc) rc = dvm_rt_chain_genesis(s->c, sandbox_genesis, sizeof sandbox_genesis - 1);
  if (rc) {
    dvm_rt_sandbox_close(s);
    return rc;
  }
  rt_exec_init(&s->x, s->c, s->c->ov, 1, 0);
  rt_frame *f = &s->x.frames[0];
  f->x = &s->x;
  memset(f->self, 0xee, 32); /* the program's own address in the sandbox */
  memset(f->caller, 0xca, 32);
  s->x.depth = 1;
  dvm_state_overlay_push(s->c->ov);
  *out = s;
  return DVM_RT_OK;
}

void dvm_rt_sandbox_close(dvm_rt_sandbox *s) {
  if (!s) return;
  if (s->c) {
    rt_exec_release(&s->x);
    dvm_rt_chain_close(s->c);
  }
  /* The directory holds LMDB's two files only. */
  char p[96];
  snprintf(p, sizeof p, "%s/data.mdb", s->dir);
  unlink(p);
  snprintf(p, sizeof p, "%s/lock.mdb", s->dir);
  unlink(p);
  rmdir(s->dir);
  free(s);
}

void *dvm_rt_sandbox_ctx(dvm_rt_sandbox *s) { return &s->x.frames[0]; }

void dvm_rt_sandbox_output(dvm_rt_sandbox *s, const uint8_t **ret, uint32_t *ret_len, int *reverted,
                           uint32_t *nlogs) {
  rt_frame *f = &s->x.frames[0];
  *ret = f->ret;
  *ret_len = f->ret_len;
  *reverted = f->reverted;
  *nlogs = (uint32_t)s->x.nlogs;
}

_Static_assert(DVM_RT_HEAP_CAP == RT_HEAP_CAP, "runtime.h and rt_private.h agree on the heap cap");

int dvm_rt_sandbox_log(dvm_rt_sandbox *s, uint32_t i, const uint8_t **topics, uint32_t *ntopics,
                       const uint8_t **data, uint32_t *data_len) {
  if (i >= s->x.nlogs) return -1;
  const rt_log *l = &s->x.logs[i];
  *topics = l->topics[0];
  *ntopics = l->ntopics;
  *data = l->data;
  *data_len = l->data_len;
  return 0;
}
