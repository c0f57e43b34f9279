/* cmd_asm.c — `dvm asm SRC... -o OUT.dvm` and `dvm disasm FILE`
 * (spec/assembler.md, spec/container.md). */
#include "assembler.h"
#include "cli.h"
#include "cli_util.h"
#include "runtime.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASM_MAX_INPUT (256u * 1024 * 1024)

/* Read a whole file ("-" is stdin), at most ASM_MAX_INPUT bytes. Returns a
 * malloc'd buffer (NUL after the data) or NULL. */
static char *read_all(const char *path, size_t *len) {
  uint8_t *buf;
  if (dvm_buf_read_file(path, &buf, len)) return NULL;
  if (*len > ASM_MAX_INPUT) {
    free(buf);
    return NULL;
  }
  return (char *)buf;
}

static int write_all(const char *path, const void *data, size_t len) {
  FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
  if (!f) return -1;
  int bad = fwrite(data, 1, len, f) != len;
  if (f != stdout) bad |= fclose(f) != 0;
  else bad |= fflush(f) != 0;
  return bad ? -1 : 0;
}

static void asm_usage(FILE *f) {
  fprintf(f, "usage: dvm asm SRC... [-o OUT.dvm|-]\n"
             "  Assembles and links the sources (conformance or LLVM dialect, detected per file)\n"
             "  into one container; prints its code hash (BLAKE2b-256 of the container bytes).\n"
             "  Without -o the output is the first source with its extension replaced by .dvm\n"
             "  (a source '-' is standard input, and the container then goes to standard output).\n");
}

int dvm_cli_cmd_asm(int argc, char **argv) {
  const char *out_path = NULL;
  dvm_asm_source *srcs = calloc((size_t)argc + 1, sizeof *srcs);
  size_t n = 0;
  int rc = 1;
  char *def_out = NULL;
  if (!srcs) return 1;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o")) {
      if (i + 1 >= argc) {
        asm_usage(stderr);
        goto out;
      }
      out_path = argv[++i];
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      asm_usage(stdout);
      rc = 0;
      goto out;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "dvm asm: unknown option '%s'\n", argv[i]);
      asm_usage(stderr);
      rc = 2;
      goto out;
    } else {
      srcs[n].filename = argv[i];
      n++;
    }
  }
  if (!n) {
    asm_usage(stderr);
    rc = 2;
    goto out;
  }
  for (size_t k = 0; k < n; k++) {
    size_t len = 0;
    char *text = read_all(srcs[k].filename, &len);
    if (!text) {
      fprintf(stderr, "dvm asm: cannot read '%s'\n", srcs[k].filename);
      goto out;
    }
    srcs[k].text = text;
    srcs[k].len = len;
  }
  if (!out_path && !strcmp(srcs[0].filename, "-")) out_path = "-"; /* a filter: stdin to stdout */
  if (!out_path) {
    const char *src = srcs[0].filename;
    size_t l = strlen(src);
    const char *dot = strrchr(src, '.');
    const char *slash = strrchr(src, '/');
    if (dot && (!slash || dot > slash)) l = (size_t)(dot - src);
    def_out = malloc(l + 5);
    if (!def_out) goto out;
    memcpy(def_out, src, l);
    memcpy(def_out + l, ".dvm", 5);
    out_path = def_out;
  }
  dvm_asm_output o;
  char *diag = NULL;
  int r = dvm_asm_assemble_many(srcs, n, dvm_rt_syscalls(), &o, &diag);
  if (diag) fputs(diag, stderr);
  free(diag);
  if (r < 0) {
    fprintf(stderr, "dvm asm: out of memory\n");
    goto out;
  }
  if (r > 0) goto out;
  uint8_t *bytes = NULL;
  size_t blen = 0;
  if (dvm_asm_output_write(&o, &bytes, &blen)) {
    fprintf(stderr, "dvm asm: cannot serialize the container\n");
    dvm_asm_output_free(&o);
    goto out;
  }
  if (write_all(out_path, bytes, blen)) {
    fprintf(stderr, "dvm asm: cannot write '%s'\n", out_path);
  } else {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, bytes, blen, NULL, 0);
    FILE *info = strcmp(out_path, "-") ? stdout : stderr;
    fprintf(info, "%s: %u slots, %u bytes rodata, %u exports%s\ncode hash ", out_path, o.c.code_len / 8,
            o.c.rodata_len, o.c.export_count, (o.c.flags & DVM_VM_FLAG_REENTRANT) ? ", re-entrant" : "");
    for (size_t k = 0; k < sizeof h; k++) fprintf(info, "%02x", h[k]);
    fputc('\n', info);
    rc = 0;
  }
  free(bytes);
  dvm_asm_output_free(&o);
out:
  for (size_t k = 0; k < n; k++) free((void *)srcs[k].text);
  free(srcs);
  free(def_out);
  return rc;
}

int dvm_cli_cmd_disasm(int argc, char **argv) {
  const char *in_path = NULL, *out_path = "-";
  int llvm = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc) {
      out_path = argv[++i];
    } else if (!strcmp(argv[i], "--llvm")) {
      llvm = 1;
    } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      printf("usage: dvm disasm FILE.dvm|FILE.bin [--llvm] [-o OUT.s]\n"
             "  Prints source that `dvm asm` turns back into the identical container\n"
             "  (raw code: into a container holding that code); --llvm prints the\n"
             "  LLVM pseudo-C dialect instead of the conformance dialect.\n");
      return 0;
    } else if (!in_path) {
      in_path = argv[i];
    } else {
      fprintf(stderr, "usage: dvm disasm FILE.dvm|FILE.bin [--llvm] [-o OUT.s]\n");
      return 2;
    }
  }
  if (!in_path) {
    fprintf(stderr, "usage: dvm disasm FILE.dvm|FILE.bin [--llvm] [-o OUT.s]\n");
    return 2;
  }
  size_t len = 0;
  char *buf = read_all(in_path, &len);
  if (!buf) {
    fprintf(stderr, "dvm disasm: cannot read '%s'\n", in_path);
    return 1;
  }
  dvm_asm_disasm_opts opts = {dvm_rt_syscalls(), llvm ? DVM_ASM_DISASM_LLVM : 0};
  char *text = NULL;
  int rc = 1;
  if (dvm_vm_is_container((const uint8_t *)buf, len)) {
    dvm_vm_container c;
    dvm_vm_error err;
    if (dvm_vm_container_parse(&c, (const uint8_t *)buf, len, &err)) {
      fprintf(stderr, "%s: error: %s\n", in_path, err.msg);
      goto out;
    }
    int r = dvm_asm_disasm_container(&c, &opts, &text);
    dvm_vm_container_free(&c);
    if (r) goto oom;
  } else {
    if (len % 8) fprintf(stderr, "%s: warning: %zu bytes is not a whole number of 8-byte slots\n", in_path, len);
    if (dvm_asm_disasm_code((const uint8_t *)buf, len, &opts, &text)) goto oom;
  }
  if (write_all(out_path, text, strlen(text))) {
    fprintf(stderr, "dvm disasm: cannot write '%s'\n", out_path);
    goto out;
  }
  rc = 0;
  goto out;
oom:
  fprintf(stderr, "dvm disasm: out of memory\n");
out:
  free(text);
  free(buf);
  return rc;
}
