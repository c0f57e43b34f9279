/* trace.c — instruction traces (spec/trace.md): one JSON object per
 * executed instruction, written through a caller's sink, then a summary
 * line per transaction (replay.c writes that one).
 *
 * Traced code runs on the reference interpreter, whose per-instruction
 * observer (vm.h, dvm_vm_trace_fn) sees pc, gas left, registers and the
 * local frame before each instruction. The untraced path is untouched: the
 * fast interpreter has no observer and call.c only comes here when the
 * transaction's context carries a tracer.
 *
 * gasCost needs the gas left after the instruction, which the observer
 * only sees at the next instruction of the same contract frame. So each
 * contract call depth holds one pending line, written:
 *   - when the next instruction of that depth starts (gasCost = the
 *     difference of the gas counters);
 *   - when a callee starts running (the pending line is then the dvm_call
 *     syscall of the caller: gasCost counts what the call charged before
 *     the callee ran, including the gas handed to the callee, as EIP-3155
 *     counts a CALL's forwarded gas; the unused part comes back after);
 *   - when the frame's run ends (gasCost = gas at the line - gas left at
 *     the end: a trap consumes the whole limit, spec/gas.md).
 * Lines therefore come out in execution order. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_private.h"

#define TRACE_DEPTHS (RT_MAX_CALL_DEPTH + 1) /* index = contract depth, 1.. */
#define LINE_MAX_BYTES 1024

typedef struct pending {
  int has;
  uint32_t pc, frame;
  dvm_vm_insn insn;
  uint64_t gas;
  uint64_t regs[11];
  const dvm_vm_exec *vm;
} pending;

struct dvm_rt_tracer {
  dvm_rt_trace_sink sink;
  void *sink_ctx;
  int stopped;    /* the sink asked to stop: lines are no longer formatted */
  unsigned cur;   /* contract depth running now (1 = the transaction's call) */
  uint64_t lines; /* instruction lines written */
  pending pend[TRACE_DEPTHS];
};

int dvm_rt_tracer_new(dvm_rt_trace_sink sink, void *ctx, dvm_rt_tracer **out) {
  *out = NULL;
  if (!sink) return DVM_RT_ERR_ARG;
  dvm_rt_tracer *t = calloc(1, sizeof *t);
  if (!t) return DVM_RT_ERR_NOMEM;
  t->sink = sink;
  t->sink_ctx = ctx;
  *out = t;
  return DVM_RT_OK;
}

void dvm_rt_tracer_free(dvm_rt_tracer *t) { free(t); }

uint64_t dvm_rt_tracer_lines(const dvm_rt_tracer *t) { return t->lines; }

int rt_trace_emit(dvm_rt_tracer *t, const char *line, size_t len) {
  if (t->stopped) return -1;
  if (t->sink(t->sink_ctx, line, len)) t->stopped = 1;
  return t->stopped ? -1 : 0;
}

static void flush(dvm_rt_tracer *t, unsigned depth, uint64_t gas_after) {
  pending *p = &t->pend[depth];
  char line[LINE_MAX_BYTES];
  size_t n;
  if (!p->has) return;
  p->has = 0;
  if (t->stopped) return;
  const dvm_vm_isa_entry *e = dvm_vm_isa_lookup(&p->insn);
  uint64_t cost = p->gas >= gas_after ? p->gas - gas_after : 0;
  n = (size_t)snprintf(line, sizeof line,
                       "{\"pc\":%" PRIu32 ",\"op\":%u,\"name\":\"%s\",\"gas\":%" PRIu64 ",\"gasCost\":%" PRIu64
                       ",\"depth\":%u,\"frame\":%" PRIu32 ",\"regs\":[",
                       p->pc, (unsigned)p->insn.opcode, e ? e->name : "?", p->gas, cost, depth, p->frame);
  for (int i = 0; i < 11; i++)
    n += (size_t)snprintf(line + n, sizeof line - n, "%s\"0x%" PRIx64 "\"", i ? "," : "", p->regs[i]);
  n += (size_t)snprintf(line + n, sizeof line - n, "]");
  /* A syscall: its name (spec/syscalls.md) and r1..r5 as the handler got them. */
  if (p->insn.opcode == 0x85 && DVM_VM_INSN_SRC(&p->insn) == 0) {
    uint32_t num = (uint32_t)p->insn.imm;
    const char *name = num < rt_syscall_names_count && rt_syscall_names[num] ? rt_syscall_names[num] : "?";
    n += (size_t)snprintf(line + n, sizeof line - n, ",\"syscall\":\"%s\",\"args\":[", name);
    for (int i = 1; i <= 5; i++)
      n += (size_t)snprintf(line + n, sizeof line - n, "%s\"0x%" PRIx64 "\"", i > 1 ? "," : "", p->regs[i]);
    n += (size_t)snprintf(line + n, sizeof line - n, "]");
  }
  n += (size_t)snprintf(line + n, sizeof line - n, "}");
  t->lines++;
  rt_trace_emit(t, line, n);
}

static void on_insn(void *ctx, const dvm_vm_exec *vm, uint32_t pc, const dvm_vm_insn *insn, uint64_t gas_left,
                    const uint64_t regs[11], uint32_t frame) {
  dvm_rt_tracer *t = ctx;
  unsigned d = t->cur;
  flush(t, d, gas_left);
  pending *p = &t->pend[d];
  p->has = 1;
  p->pc = pc;
  p->frame = frame;
  p->insn = *insn;
  p->gas = gas_left;
  memcpy(p->regs, regs, sizeof p->regs);
  p->vm = vm;
}

const dvm_vm_result *dvm_rt_tracer_run(dvm_rt_tracer *t, dvm_vm_exec *vm, unsigned depth) {
  if (depth == 0 || depth >= TRACE_DEPTHS) depth = depth == 0 ? 1 : TRACE_DEPTHS - 1;
  unsigned saved = t->cur;
  /* The caller's pending line is the call that started this frame. */
  if (depth > 1 && t->pend[depth - 1].has)
    flush(t, depth - 1, dvm_vm_gas_left(t->pend[depth - 1].vm));
  t->pend[depth].has = 0;
  t->cur = depth;
  vm->trace = on_insn;
  vm->trace_ctx = t;
  const dvm_vm_result *res = dvm_vm_run_ref(vm);
  flush(t, depth, dvm_vm_gas_left(vm));
  vm->trace = NULL;
  vm->trace_ctx = NULL;
  t->cur = saved;
  return res;
}
