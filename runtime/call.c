/* call.c — contract calls: the program cache, the VM and heap of each
 * call depth, and rt_invoke, which runs one call in isolation
 * (spec/syscalls.md §Calls): its own overlay frame, stack, heap, a copy of
 * its input and its own gas limit. On return the frame's writes are merged
 * into the caller's; on revert or trap they are discarded, with the
 * transfers and logs made in it. */
#include <stdlib.h>
#include <string.h>

#include "rt_private.h"

/* ---- program cache: sorted by code hash, in memory only ---- */

static size_t prog_find(const dvm_rt_chain *c, const uint8_t hash[32], int *found) {
  size_t lo = 0, hi = c->nprogs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int d = memcmp(c->progs[mid].hash, hash, DVM_HASH_BYTES);
    if (d == 0) {
      *found = 1;
      return mid;
    }
    if (d < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = 0;
  return lo;
}

static int prog_get_locked(dvm_rt_chain *c, dvm_state_overlay *ov, const uint8_t hash[32],
                           dvm_vm_program **out) {
  int found;
  size_t at = prog_find(c, hash, &found);
  dvm_state_bytes code;
  dvm_vm_error err;
  if (found) {
    *out = c->progs[at].prog;
    return 0;
  }
  int rc = dvm_state_overlay_get(ov, DVM_STATE_T_CODE, hash, DVM_HASH_BYTES, &code);
  if (rc) return rc;
  dvm_vm_program *p;
  if (dvm_vm_program_load_container(&p, code.data, code.len, c->syscalls, &err))
    return DVM_STATE_ERR_CORRUPT; /* deploy verified it: the store is damaged */
  if (c->nprogs == c->progs_cap) {
    size_t ncap = c->progs_cap ? c->progs_cap * 2 : 16;
    rt_prog_entry *n = realloc(c->progs, ncap * sizeof *n);
    if (!n) {
      dvm_vm_program_free(p);
      return DVM_STATE_ERR_NOMEM;
    }
    c->progs = n;
    c->progs_cap = ncap;
  }
  memmove(&c->progs[at + 1], &c->progs[at], (c->nprogs - at) * sizeof *c->progs);
  memcpy(c->progs[at].hash, hash, DVM_HASH_BYTES);
  c->progs[at].prog = p;
  c->nprogs++;
  *out = p;
  return 0;
}

int rt_prog_get(dvm_rt_chain *c, dvm_state_overlay *ov, const uint8_t hash[32], dvm_vm_program **out) {
  pthread_mutex_lock(&c->prog_lock);
  int rc = prog_get_locked(c, ov, hash, out);
  pthread_mutex_unlock(&c->prog_lock);
  return rc;
}

int rt_vm_for_depth(rt_vmset *s, unsigned depth, dvm_vm_exec **vm, uint8_t **heap) {
  if (!s->vms[depth]) {
    s->vms[depth] = malloc(sizeof(dvm_vm_exec));
    if (s->vms[depth]) dvm_vm_exec_forget(s->vms[depth]); /* its first run zeroes all */
  }
  if (!s->heaps[depth]) s->heaps[depth] = malloc(RT_HEAP_CAP);
  if (!s->vms[depth] || !s->heaps[depth]) return DVM_STATE_ERR_NOMEM;
  *vm = s->vms[depth];
  *heap = s->heaps[depth];
  return 0;
}

void rt_vmset_free(rt_vmset *s) {
  for (unsigned d = 0; d < RT_MAX_CALL_DEPTH; d++) {
    free(s->vms[d]);
    free(s->heaps[d]);
    s->vms[d] = NULL;
    s->heaps[d] = NULL;
  }
}

/* ---- the per-transaction context ---- */

void rt_exec_init(rt_exec *x, dvm_rt_chain *c, dvm_state_overlay *ov, uint64_t height, uint64_t time) {
  memset(x, 0, sizeof *x);
  x->chain = c;
  x->ov = ov;
  x->vm = &c->vm;
  x->height = height;
  x->time = time;
}

static void logs_truncate(rt_exec *x, size_t n) {
  while (x->nlogs > n) free(x->logs[--x->nlogs].data);
}

void rt_exec_release(rt_exec *x) {
  logs_truncate(x, 0);
  free(x->logs);
  x->logs = NULL;
  x->logs_cap = 0;
  for (unsigned d = 0; d < RT_MAX_CALL_DEPTH; d++) {
    free(x->frames[d].ret);
    free(x->frames[d].child_ret);
    x->frames[d].ret = x->frames[d].child_ret = NULL;
  }
}

int rt_log_push(rt_exec *x, const rt_log *l) {
  if (x->nlogs == x->logs_cap) {
    size_t ncap = x->logs_cap ? x->logs_cap * 2 : 8;
    rt_log *n = realloc(x->logs, ncap * sizeof *n);
    if (!n) return DVM_STATE_ERR_NOMEM;
    x->logs = n;
    x->logs_cap = ncap;
  }
  x->logs[x->nlogs++] = *l;
  return 0;
}

static void fail(rt_call_out *out, int detail) {
  out->status = DVM_RT_CALL_FAILED;
  out->detail = detail;
}

int rt_invoke(rt_exec *x, const uint8_t caller[32], const uint8_t contract[32], const char *method,
              size_t method_len, const uint8_t *input, uint32_t input_len,
              const dvm_tx_asset_amount *assets, unsigned nassets, uint64_t gas, rt_call_out *out) {
  dvm_rt_chain *c = x->chain;
  rt_account acct;
  dvm_vm_program *prog;
  char name[DVM_TX_MAX_METHOD + 1];
  uint32_t entry;
  int rc;

  memset(out, 0, sizeof *out);
  if (x->depth >= RT_MAX_CALL_DEPTH) {
    fail(out, DVM_RT_F_DEPTH);
    return 0;
  }
  if ((rc = rt_account_get(x->ov, contract, &acct))) return rc;
  if (!(acct.flags & RT_ACCT_CONTRACT)) {
    fail(out, DVM_RT_F_NO_CONTRACT);
    return 0;
  }
  if ((rc = rt_prog_get(c, x->ov, acct.code_hash, &prog))) return rc;
  for (unsigned d = 0; d < x->depth; d++)
    if (!memcmp(x->frames[d].self, contract, 32) &&
        !(dvm_vm_program_flags(prog) & DVM_VM_FLAG_REENTRANT)) {
      fail(out, DVM_RT_F_REENTRANCY);
      return 0;
    }
  if (method_len == 0 || method_len > DVM_TX_MAX_METHOD) {
    fail(out, DVM_RT_F_NO_METHOD);
    return 0;
  }
  memcpy(name, method, method_len);
  name[method_len] = 0;
  if (strlen(name) != method_len || dvm_vm_program_export(prog, name, &entry) != DVM_VM_OK) {
    fail(out, DVM_RT_F_NO_METHOD);
    return 0;
  }
  if (input_len > DVM_TX_MAX_INPUT || nassets > DVM_TX_MAX_ASSETS) {
    fail(out, DVM_RT_F_LIMIT);
    return 0;
  }

  /* The commit part of the balance keys the attached assets write (spec/gas.md
   * "Storage and the commit") comes out of the call's gas, before it runs. */
  uint64_t g_att = 0;
  for (unsigned i = 0; i < nassets; i++)
    if (assets[i].amount && memcmp(caller, contract, 32) &&
        ((rc = rt_balance_commit_gas(x->ov, caller, assets[i].asset, &g_att)) ||
         (rc = rt_balance_commit_gas(x->ov, contract, assets[i].asset, &g_att))))
      return rc;

  if ((rc = dvm_state_overlay_push(x->ov))) return rc;
  /* Attached assets move inside the callee's frame: undone if it fails. */
  for (unsigned i = 0; i < nassets; i++) {
    if (!rt_asset_known(x->ov, assets[i].asset)) {
      dvm_state_overlay_pop(x->ov, 0);
      fail(out, DVM_RT_F_ASSET);
      return 0;
    }
    rc = rt_transfer(x->ov, caller, contract, assets[i].asset, assets[i].amount);
    if (rc) {
      dvm_state_overlay_pop(x->ov, 0);
      if (rc < 0) return rc;
      fail(out, rc == RT_MOVED_SHORT ? DVM_RT_F_FUNDS : DVM_RT_F_OVERFLOW);
      return 0;
    }
  }
  if (g_att > gas) { /* the call cannot pay its attachments: out of gas at its entry */
    dvm_state_overlay_pop(x->ov, 0);
    out->status = DVM_RT_CALL_TRAP;
    out->trap = DVM_TRAP_OUT_OF_GAS;
    out->pc = entry;
    out->gas_used = gas;
    return 0;
  }
  gas -= g_att;

  rt_frame *f = &x->frames[x->depth];
  dvm_vm_exec *vm;
  uint8_t *heap;
  /* Orders and most calls carry tens of bytes: no malloc for those. */
  uint8_t in_small[256];
  uint8_t *in_copy = input_len <= sizeof in_small ? in_small : malloc(input_len);
  if (!in_copy || (rc = rt_vm_for_depth(x->vm, x->depth, &vm, &heap))) {
    if (in_copy != in_small) free(in_copy);
    dvm_state_overlay_pop(x->ov, 0);
    return in_copy ? rc : DVM_STATE_ERR_NOMEM;
  }
  if (input_len) memcpy(in_copy, input, input_len); /* the callee's own copy */
  free(f->ret);
  free(f->child_ret);
  memset(f, 0, sizeof *f);
  f->x = x;
  f->depth = x->depth;
  memcpy(f->self, contract, 32);
  memcpy(f->caller, caller, 32);
  f->nreceived = (uint8_t)nassets;
  if (nassets) memcpy(f->received, assets, nassets * sizeof *assets);
  /* A fresh zeroed heap and stack per call: the VM zeroes what the
   * previous call at this depth wrote (and all on the first). */
  dvm_vm_exec_init_clean(vm, prog, entry, gas, heap, DVM_VM_HEAP_DEFAULT, RT_HEAP_CAP, in_copy, input_len, f);
  dvm_vm_reg_set(vm, 1, DVM_VM_ADDR(DVM_VM_REGION_INPUT, 0));
  dvm_vm_reg_set(vm, 2, input_len);
  size_t log_mark = x->nlogs;
  x->depth++;
  /* Traced (replay, dvm_traceTransaction): the reference interpreter with
   * its observer (trace.c); it gives the same results as the fast one. */
  const dvm_vm_result *res = x->trace ? dvm_rt_tracer_run(x->trace, vm, x->depth) : dvm_vm_run_fast(vm);
  x->depth--;
  if (in_copy != in_small) free(in_copy);

  out->gas_used = res->gas_used + g_att;
  out->r0 = res->r0;
  out->pc = res->pc;
  if (res->status == DVM_VM_STATUS_TRAP) {
    out->status = DVM_RT_CALL_TRAP;
    out->trap = (uint8_t)res->trap;
    out->detail = res->detail;
  } else if (res->status == DVM_VM_STATUS_HALT && f->reverted) {
    out->status = DVM_RT_CALL_REVERT;
  } else {
    out->status = DVM_RT_CALL_OK;
  }
  out->ret = f->ret;
  out->ret_len = f->ret_len;
  f->ret = NULL;
  f->ret_len = 0;
  free(f->child_ret);
  f->child_ret = NULL;

  int keep = out->status == DVM_RT_CALL_OK;
  dvm_state_overlay_pop(x->ov, keep);
  if (!keep) logs_truncate(x, log_mark);
  if (x->fatal) return x->fatal; /* the store failed under the call: no outcome */
  return 0;
}
