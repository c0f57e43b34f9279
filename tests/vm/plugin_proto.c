/* plugin_proto.c — dvm-bpf-plugin driven exactly as the conformance
 * suite's own runner drives a plugin (bpf_conformance.cc): started as
 * `PLUGIN MEM OPTIONS` with MEM the input memory as "%02x  " hex (an empty
 * argument when there is none) and OPTIONS the --plugin_options string
 * (empty by default), the program on stdin in the same hex format and a
 * newline; r0 read from stdout as hex, an error as exit status != 0.
 * Every file of the suite's tests/ directory, with both interpreters
 * (OPTIONS "" and "--interp ref"): the exact 64-bit r0 of `-- result`, a
 * failure for `-- error` files and for the two excluded files of
 * spec/isa.md §6. Programs are assembled by our assembler (or taken from
 * `-- raw`), as vm_conformance does.
 *
 * usage: plugin_proto PLUGIN TESTS_DIR */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assembler.h"
#include "base.h"
#include "bpf_data.h"

static int failures;
#define FAIL(...)                                                                                  \
  do {                                                                                             \
    fprintf(stderr, "FAIL: " __VA_ARGS__);                                                         \
    fputc('\n', stderr);                                                                           \
    failures++;                                                                                    \
  } while (0)

/* The runner's _base_16_encode: every byte as two digits and two spaces. */
static char *runner_hex(const uint8_t *b, size_t n) {
  dvm_buf o = {0};
  for (size_t i = 0; i < n; i++) dvm_buf_printf(&o, "%02x  ", b[i]);
  return dvm_buf_cstr(&o);
}

/* Run PLUGIN MEM OPTIONS with `in` on stdin; stdout into out (NUL-ended).
 * Returns the exit status, or -1 when the plugin did not exit normally. */
static int run_plugin(const char *plugin, const char *mem, const char *opts, const char *in,
                      char *out, size_t cap) {
  int pin[2], pout[2];
  if (pipe(pin) || pipe(pout)) return -1;
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(pin[0], 0);
    dup2(pout[1], 1);
    close(pin[0]);
    close(pin[1]);
    close(pout[0]);
    close(pout[1]);
    execl(plugin, plugin, mem, opts, (char *)NULL);
    _exit(127);
  }
  close(pin[0]);
  close(pout[1]);
  size_t len = strlen(in), off = 0;
  while (off < len) {
    ssize_t w = write(pin[1], in + off, len - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  if (write(pin[1], "\n", 1) != 1) { /* the runner's std::endl */
  }
  close(pin[1]);
  size_t n = 0;
  for (;;) {
    ssize_t r = read(pout[0], out + n, cap - 1 - n);
    if (r <= 0) break;
    n += (size_t)r;
    if (n == cap - 1) break;
  }
  out[n] = 0;
  close(pout[0]);
  int st;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

static int is_excluded(const char *file) {
  return !strcmp(file, "callx.data") || !strcmp(file, "call_unwind_fail.data");
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: plugin_proto PLUGIN TESTS_DIR\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  const char *plugin = argv[1], *dir = argv[2];
  DIR *dp = opendir(dir);
  if (!dp) {
    fprintf(stderr, "%s: %s\n", dir, strerror(errno));
    return 2;
  }
  char *names[1024];
  size_t nn = 0;
  struct dirent *de;
  while ((de = readdir(dp)) && nn < 1024) {
    size_t l = strlen(de->d_name);
    if (l > 5 && !strcmp(de->d_name + l - 5, ".data")) names[nn++] = strdup(de->d_name);
  }
  closedir(dp);
  qsort(names, nn, sizeof names[0], cmp_names);

  static const char *const options[2] = {"", "--interp ref"};
  unsigned runs = 0, results = 0, errors = 0;
  for (size_t i = 0; i < nn; i++) {
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    dvm_bpf_data d;
    if (dvm_bpf_data_load(path, &d, err, sizeof err)) {
      FAIL("%s: %s", names[i], err);
      continue;
    }
    dvm_asm_output o;
    memset(&o, 0, sizeof o);
    const uint8_t *code = d.raw;
    size_t code_len = d.raw_len;
    if (!d.has_raw) {
      char *diag = NULL;
      if (!d.asm_text || dvm_asm_assemble(path, d.asm_text, d.asm_len, NULL, &o, &diag)) {
        FAIL("%s: does not assemble: %.200s", names[i], diag ? diag : "no program");
        free(diag);
        dvm_bpf_data_free(&d);
        continue;
      }
      free(diag);
      code = o.c.code;
      code_len = o.c.code_len;
    }
    char *prog = runner_hex(code, code_len);
    char *mem = runner_hex(d.mem, d.has_mem ? d.mem_len : 0);
    for (int k = 0; k < 2 && prog && mem; k++) {
      char out[512];
      int st = run_plugin(plugin, mem, options[k], prog, out, sizeof out);
      runs++;
      if (is_excluded(names[i]) || d.has_error) {
        /* the runner counts an error when the exit status is not 0 */
        if (st != 1) FAIL("%s [%s]: exit %d, expected 1 (error); stdout '%s'", names[i], options[k], st, out);
        else errors++;
        continue;
      }
      char *end;
      uint64_t r0 = strtoull(out, &end, 16);
      if (st != 0 || end == out || *end != '\n' || end[1] != 0)
        FAIL("%s [%s]: exit %d, stdout '%s'", names[i], options[k], st, out);
      else if (!d.has_result || r0 != d.result)
        FAIL("%s [%s]: r0 0x%" PRIx64 ", expected 0x%" PRIx64, names[i], options[k], r0, d.result);
      else
        results++;
    }
    free(prog);
    free(mem);
    dvm_asm_output_free(&o);
    dvm_bpf_data_free(&d);
  }
  for (size_t i = 0; i < nn; i++) free(names[i]);

  /* The argument forms: no arguments at all, options only, options
   * split in words; an error goes to stdout, where the runner looks. */
  static const char exit42[] = "b7  00  00  00  2a  00  00  00  95  00  00  00  00  00  00  00";
  char out[512];
  int pin = 0;
  {
    pid_t pid;
    int p[2], q[2];
    if (!pipe(p) && !pipe(q) && (pid = fork()) == 0) {
      dup2(p[0], 0);
      dup2(q[1], 1);
      close(p[1]);
      close(q[0]);
      execl(plugin, plugin, (char *)NULL);
      _exit(127);
    }
    close(p[0]);
    close(q[1]);
    if (write(p[1], exit42, sizeof exit42 - 1) < 0) pin = -1;
    close(p[1]);
    ssize_t r = read(q[0], out, sizeof out - 1);
    out[r > 0 ? r : 0] = 0;
    close(q[0]);
    int st;
    wait(&st);
    if (pin || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || strcmp(out, "2a\n"))
      FAIL("no arguments: '%s'", out);
  }
  if (run_plugin(plugin, "--interp", "ref", exit42, out, sizeof out) != 0 || strcmp(out, "2a\n"))
    FAIL("options only: '%s'", out);
  if (run_plugin(plugin, "", "--interp=ref", exit42, out, sizeof out) != 0 || strcmp(out, "2a\n"))
    FAIL("--interp=ref: '%s'", out);
  if (run_plugin(plugin, "", "--bogus", exit42, out, sizeof out) != 2)
    FAIL("an unknown option is not refused");
  if (run_plugin(plugin, "", "", "b7 00 00 00 2a 00 00 00", out, sizeof out) != 1 ||
      strstr(out, "DVM_VM_ERR_VERIFY: program rejected by the verifier: pc 0: the last instruction must be exit") == NULL)
    FAIL("a verifier error on stdout: '%s'", out);
  /* memory: r1 points at a copy, r2 is its length: ldxb r0, [r1+1] */
  if (run_plugin(plugin, "07  09  ", "", "71 10 01 00 00 00 00 00 95 00 00 00 00 00 00 00", out,
                 sizeof out) != 0 || strcmp(out, "9\n"))
    FAIL("memory byte 1: '%s'", out);

  if (failures) {
    fprintf(stderr, "%d failures\n", failures);
    return 1;
  }
  printf("dvm-bpf-plugin: %zu files, %u runs under the runner's protocol: %u exact results, %u "
         "expected errors\n", nn, runs, results, errors);
  return 0;
}
