/* cmd_exec.c — `dvm exec`: run one program standalone and print one JSON
 * line with the result (README, spec/gas.md). Exit 0 ok, 1 trap, 2 usage,
 * load or verifier error.
 *
 * Two ways to start (README, "The dvm command"):
 *  - call mode (--entry and/or --input, no --mem): the method runs as a
 *    call transaction runs it (runtime/call.c): the input copied into the
 *    read-only input region, r1 = its address, r2 = its length, a fresh
 *    zero heap of 32 KiB growable by syscall to the call cap, the gas given;
 *  - memory mode (--mem, or nothing): the raw-program convention of the
 *    conformance suite, the bytes are the heap, r1 = its address, r2 = its
 *    length.
 *
 * With --abi (call mode), --args is packed by the method's ABI arguments
 * into the input, and the output adds the return data and the logs decoded
 * (exec_abi.c: the node library's codec, as in a receipt). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "cli.h"
#include "exec_abi.h"
#include "runtime.h"
#include "vm.h"

#define DEFAULT_GAS 1000000000ull

/* Trace lines (spec/trace.md) to a file, one per line. */
static int trace_line(void *ctx, const char *line, size_t len) {
  FILE *f = ctx;
  return fwrite(line, 1, len, f) != len || fputc('\n', f) == EOF;
}

/* True when the program calls a syscall: it then runs in a sandbox chain. */
static int uses_syscalls(const dvm_vm_program *p) {
  const uint8_t *code = dvm_vm_program_code(p);
  for (uint32_t pc = 0; pc < dvm_vm_program_slots(p); pc++) {
    dvm_vm_insn in = dvm_vm_insn_decode(code, pc);
    if (in.opcode == 0x85 && DVM_VM_INSN_SRC(&in) == 0) return 1;
    if (in.opcode == 0x18) pc++;
  }
  return 0;
}

static void print_hex(const uint8_t *b, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static int usage(void) {
  fprintf(stderr,
          "usage: dvm exec PROGRAM [--entry NAME] [--input HEX | --input-file FILE]\n"
          "                [--gas N] [--interp fast|ref] [--trace FILE]\n"
          "       dvm exec PROGRAM --entry METHOD --abi FILE.abi.json [--args JSON] [--gas N] ...\n"
          "       dvm exec PROGRAM [--mem HEX | --mem-file FILE] [--entry NAME] [--gas N] ...\n");
  return 2;
}

static int parse_u64(const char *s, uint64_t *v) {
  char *end;
  errno = 0;
  if (!*s || *s == '-') return -1;
  *v = strtoull(s, &end, 0);
  return errno || *end ? -1 : 0;
}

static int load_bytes(const char *hex, const char *file, uint8_t **buf, size_t *len,
                      const char *what) {
  char err[128];
  if (file) {
    if (dvm_buf_read_file(file, buf, len)) {
      fprintf(stderr, "dvm exec: %s: %s\n", file, strerror(errno));
      return -1;
    }
  } else if (hex) {
    if (dvm_hex_parse_loose(hex, buf, len, err, sizeof err)) {
      fprintf(stderr, "dvm exec: %s: %s\n", what, err);
      return -1;
    }
  }
  return 0;
}

int dvm_cli_cmd_exec(int argc, char **argv) {
  const char *prog_path = NULL, *mem_hex = NULL, *mem_file = NULL, *in_hex = NULL,
             *in_file = NULL, *trace_path = NULL, *entry = NULL,
             *abi_path = NULL, *args_json = NULL;
  uint64_t gas = DEFAULT_GAS;
  int use_ref = 0, rc = 2;
  uint8_t *mem = NULL, *input = NULL, *heap = NULL;
  size_t mem_len = 0, input_len = 0;
  dvm_vm_program *prog = NULL;
  dvm_vm_exec *vm = NULL;
  dvm_rt_sandbox *sb = NULL;
  FILE *trace_f = NULL;
  dvm_rt_tracer *tracer = NULL;
  dvm_node_abi *abi = NULL;

  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--mem") && v) mem_hex = v, i++;
    else if (!strcmp(a, "--mem-file") && v) mem_file = v, i++;
    else if (!strcmp(a, "--input") && v) in_hex = v, i++;
    else if (!strcmp(a, "--input-file") && v) in_file = v, i++;
    else if (!strcmp(a, "--trace") && v) trace_path = v, i++;
    else if (!strcmp(a, "--entry") && v) entry = v, i++;
    else if (!strcmp(a, "--abi") && v) abi_path = v, i++;
    else if (!strcmp(a, "--args") && v) args_json = v, i++;
    else if (!strcmp(a, "--gas") && v) {
      if (parse_u64(v, &gas)) {
        fprintf(stderr, "dvm exec: --gas wants a non-negative integer, not '%s'\n", v);
        return 2;
      }
      i++;
    } else if (!strcmp(a, "--interp") && v) {
      if (!strcmp(v, "ref")) use_ref = 1;
      else if (!strcmp(v, "fast")) use_ref = 0;
      else {
        fprintf(stderr, "dvm exec: --interp is fast or ref, not '%s'\n", v);
        return 2;
      }
      i++;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "dvm exec: unknown or incomplete option '%s'\n", a);
      return usage();
    } else if (!prog_path) prog_path = a;
    else {
      fprintf(stderr, "dvm exec: unexpected argument '%s'\n", a);
      return usage();
    }
  }
  if (!prog_path) return usage();
  if ((mem_hex && mem_file) || (in_hex && in_file)) {
    fprintf(stderr, "dvm exec: give the memory (or the input) once, as hex or as a file\n");
    return 2;
  }
  int mem_mode = mem_hex || mem_file;
  if (mem_mode && (in_hex || in_file)) {
    fprintf(stderr, "dvm exec: --mem (r1/r2 = the heap, for raw programs) and --input (r1/r2 = the "
                    "call input, as a transaction) exclude each other\n");
    return 2;
  }
  if (args_json && !abi_path) {
    fprintf(stderr, "dvm exec: --args needs --abi (the method's argument types)\n");
    return 2;
  }
  if (abi_path && (!entry || mem_mode || in_hex || in_file)) {
    fprintf(stderr, "dvm exec: --abi wants --entry METHOD and takes the input from --args, "
                    "not --input, --input-file or --mem\n");
    return 2;
  }
  /* Call mode when a method or an input is named, memory mode otherwise. */
  int call_mode = !mem_mode && (entry || in_hex || in_file);
  if (load_bytes(mem_hex, mem_file, &mem, &mem_len, "--mem") ||
      load_bytes(in_hex, in_file, &input, &input_len, "--input"))
    goto out;
  /* With an ABI the input is the method's arguments packed from --args
   * (the method must be in the ABI; then an export of the program, below). */
  if (abi_path && dvm_cli_exec_abi_input(abi_path, entry, args_json, &abi, &input, &input_len))
    goto out;
  if (mem_len > UINT32_MAX || input_len > UINT32_MAX) {
    fprintf(stderr, "dvm exec: memory and input are limited to 4 GiB - 1 each\n");
    goto out;
  }
  if (dvm_cli_load_program(prog_path, dvm_rt_syscalls(), &prog)) goto out;

  uint32_t pc = 0;
  if (entry && dvm_vm_program_export(prog, entry, &pc) != DVM_VM_OK) {
    fprintf(stderr, "dvm exec: %s: no entry point named '%s'\n", prog_path, entry);
    goto out;
  }
  /* Memory mode: the memory is the heap's content, exactly its bytes
   * visible, so an access one past the end faults; with no memory a default
   * zero heap. Call mode: the heap of a call, 32 KiB of zeros. In both,
   * dvm_heap_grow grows the heap as under a transaction, up to the call cap
   * (or the memory's length when that is larger). */
  uint32_t heap_len = mem ? (uint32_t)mem_len : DVM_VM_HEAP_DEFAULT;
  uint32_t heap_cap = heap_len > DVM_RT_HEAP_CAP ? heap_len : DVM_RT_HEAP_CAP;
  heap = calloc(heap_cap ? heap_cap : 1, 1);
  vm = malloc(sizeof *vm);
  if (!heap || !vm) {
    fprintf(stderr, "dvm exec: out of memory\n");
    goto out;
  }
  if (mem_len) memcpy(heap, mem, mem_len);
  /* Syscalls need a supervisor: an ephemeral chain in a temporary
   * directory, deleted on exit (README). */
  if (uses_syscalls(prog)) {
    char e[256];
    if (dvm_rt_sandbox_open(&sb, e)) {
      fprintf(stderr, "dvm exec: %s\n", e);
      goto out;
    }
  }
  if (dvm_vm_exec_init(vm, prog, pc, gas, heap, heap_len, heap_cap, input, (uint32_t)input_len,
                       sb ? dvm_rt_sandbox_ctx(sb) : NULL) != DVM_VM_OK) {
    fprintf(stderr, "dvm exec: cannot start at slot %u\n", pc);
    goto out;
  }
  if (call_mode) { /* as runtime/call.c starts a method */
    dvm_vm_reg_set(vm, 1, DVM_VM_ADDR(DVM_VM_REGION_INPUT, 0));
    dvm_vm_reg_set(vm, 2, input_len);
  } else if (mem) {
    dvm_vm_reg_set(vm, 1, DVM_VM_ADDR(DVM_VM_REGION_HEAP, 0));
    dvm_vm_reg_set(vm, 2, mem_len);
  }
  if (trace_path) {
    trace_f = strcmp(trace_path, "-") ? fopen(trace_path, "w") : stdout;
    if (!trace_f) {
      fprintf(stderr, "dvm exec: %s: %s\n", trace_path, strerror(errno));
      goto out;
    }
    if (dvm_rt_tracer_new(trace_line, trace_f, &tracer)) {
      fprintf(stderr, "dvm exec: out of memory\n");
      goto out;
    }
  }

  /* Traces come from the reference interpreter, one line per instruction. */
  const dvm_vm_result *res = tracer      ? dvm_rt_tracer_run(tracer, vm, 1)
                             : use_ref ? dvm_vm_run_ref(vm)
                                       : dvm_vm_run_fast(vm);
  if (tracer) { /* the summary line (spec/trace.md; no block, so no state root) */
    const uint8_t *ret = NULL;
    uint32_t ret_len = 0, nl = 0;
    int rv = 0;
    if (sb && res->status != DVM_VM_STATUS_TRAP) dvm_rt_sandbox_output(sb, &ret, &ret_len, &rv, &nl);
    fprintf(trace_f, "{\"output\":\"");
    for (uint32_t i = 0; i < ret_len; i++) fprintf(trace_f, "%02x", ret[i]);
    fprintf(trace_f, "\",\"gasUsed\":%" PRIu64 ",\"status\":\"%s\"", res->gas_used,
            res->status == DVM_VM_STATUS_TRAP ? "trap" : rv ? "revert" : "ok");
    if (res->status == DVM_VM_STATUS_TRAP)
      fprintf(trace_f, ",\"error\":\"%s\",\"errorPc\":%" PRIu32, dvm_vm_trap_name(res->trap), res->pc);
    fprintf(trace_f, ",\"r0\":\"0x%" PRIx64 "\",\"steps\":%" PRIu64 "}\n", res->r0, dvm_rt_tracer_lines(tracer));
  }
  if (res->status == DVM_VM_STATUS_TRAP) {
    printf("{\"status\":\"trap\",\"trap\":\"%s\",\"pc\":%" PRIu32 ",\"gas_used\":%" PRIu64,
           dvm_vm_trap_name(res->trap), res->pc, res->gas_used);
    if (res->trap == DVM_TRAP_MEM_FAULT)
      printf(",\"addr\":\"0x%" PRIx64 "\",\"size\":%" PRIu32 ",\"access\":\"%s\"", res->fault_addr,
             res->fault_size, res->fault_access == DVM_VM_ACCESS_WRITE ? "write" : "read");
    if (res->trap == DVM_TRAP_SYSCALL_ARG) /* why the syscall refused (a receipt's detail) */
      printf(",\"detail\":\"%s\"", dvm_rt_fail_name((int)res->detail));
    printf("}\n");
    rc = 1;
  } else {
    const uint8_t *ret = NULL;
    uint32_t ret_len = 0, nlogs = 0;
    int reverted = 0;
    if (sb) dvm_rt_sandbox_output(sb, &ret, &ret_len, &reverted, &nlogs);
    printf("{\"status\":\"%s\",\"r0\":\"0x%" PRIx64 "\",\"gas_used\":%" PRIu64 ",\"insns\":%" PRIu64,
           reverted ? "revert" : "ok", res->r0, res->gas_used, res->insns);
    if (res->status == DVM_VM_STATUS_HALT) {
      printf(reverted ? ",\"message\":\"" : ",\"return\":\"");
      print_hex(ret, ret_len);
      printf("\"");
      if (abi && !reverted) dvm_cli_exec_abi_print_return(abi, entry, ret, ret_len);
    }
    if (nlogs && !reverted) {
      /* The count, then each log: topics and data in hex (a revert drops
       * its logs, as a transaction's receipt does). */
      printf(",\"logs\":%" PRIu32 ",\"log\":[", nlogs);
      for (uint32_t i = 0; i < nlogs; i++) {
        const uint8_t *topics, *data;
        uint32_t ntopics, data_len;
        dvm_rt_sandbox_log(sb, i, &topics, &ntopics, &data, &data_len);
        printf("%s{\"topics\":[", i ? "," : "");
        for (uint32_t t = 0; t < ntopics; t++) {
          printf("%s\"", t ? "," : "");
          print_hex(topics + 32 * t, 32);
          printf("\"");
        }
        printf("],\"data\":\"");
        print_hex(data, data_len);
        printf("\"");
        if (abi) dvm_cli_exec_abi_print_log(abi, topics, ntopics, data, data_len);
        printf("}");
      }
      printf("]");
    }
    printf("}\n");
    rc = reverted ? 1 : 0;
  }
out:
  dvm_rt_sandbox_close(sb);
  dvm_rt_tracer_free(tracer);
  if (trace_f && trace_f != stdout) fclose(trace_f);
  free(vm);
  free(heap);
  free(mem);
  free(input);
  dvm_vm_program_free(prog);
  dvm_node_abi_free(abi);
  return rc;
}
