/* cmd_replay.c — `dvm replay --data DIR [--from H] [--to H]
 * [--trace TX] [--trace-out FILE] [--work DIR] [--quiet]`: re-execute the
 * stored blocks of a data directory from genesis and compare (README
 * §Replay, spec/trace.md). Progress on a terminal (stderr); the verdict
 * on stdout. Exit 0 all match, 3 divergence (report + trace of the
 * transaction), 1 cannot replay (I/O, not a data directory), 2 usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_util.h"
#include "runtime.h"

/* A node's data directory keeps the chain in DIR/chain (spec/rpc.md §7);
 * a bare chain directory (det_run, an embedder's) is DIR itself. */
static const char *chain_dir(const char *data, char *buf, size_t cap) {
  struct stat st;
  snprintf(buf, cap, "%s/chain", data);
  return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : data;
}

static int usage(void) {
  fprintf(stderr, "usage: dvm replay --data DIR [--from H] [--to H] [--trace TXID] [--trace-out FILE]\n"
                  "                  [--work DIR] [--threads N] [--quiet]\n");
  return 2;
}

static int parse_u64(const char *s, uint64_t *v) {
  char *end;
  errno = 0;
  if (!*s || *s == '-') return -1;
  *v = strtoull(s, &end, 10);
  return errno || *end ? -1 : 0;
}

typedef struct file_sink {
  FILE *f;
  const char *path;
  int failed;
} file_sink;

static int sink_write(void *ctx, const char *line, size_t len) {
  file_sink *s = ctx;
  if (!s->f) {
    s->f = fopen(s->path, "w");
    if (!s->f) {
      s->failed = errno;
      return 1;
    }
  }
  if (fwrite(line, 1, len, s->f) != len || fputc('\n', s->f) == EOF) {
    s->failed = errno ? errno : EIO;
    return 1;
  }
  return 0;
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int dvm_cli_cmd_replay(int argc, char **argv) {
  const char *data = NULL, *trace_hex = NULL, *trace_out = NULL, *work = NULL;
  uint64_t from = 0, to = 0, threads = 0;
  int quiet = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--data") && v) data = v, i++;
    else if (!strcmp(a, "--trace") && v) trace_hex = v, i++;
    else if (!strcmp(a, "--trace-out") && v) trace_out = v, i++;
    else if (!strcmp(a, "--work") && v) work = v, i++;
    else if (!strcmp(a, "--quiet")) quiet = 1;
    else if ((!strcmp(a, "--from") || !strcmp(a, "--to") || !strcmp(a, "--threads")) && v) {
      uint64_t *dst = a[2] == 'f' ? &from : a[2] == 't' && a[3] == 'o' ? &to : &threads;
      if (parse_u64(v, dst)) {
        fprintf(stderr, "dvm replay: %s wants a block height, not '%s'\n", a, v);
        return 2;
      }
      i++;
    } else {
      fprintf(stderr, "dvm replay: unknown or incomplete option '%s'\n", a);
      return usage();
    }
  }
  if (!data) return usage();
  uint8_t tx[32];
  if (trace_hex) {
    uint8_t *b = NULL;
    size_t bl = 0;
    char he[64];
    if (!strncmp(trace_hex, "0x", 2)) trace_hex += 2;
    int bad = strlen(trace_hex) != 64 || dvm_hex_parse_loose(trace_hex, &b, &bl, he, sizeof he) || bl != 32;
    if (!bad) memcpy(tx, b, 32);
    free(b);
    if (bad) {
      fprintf(stderr, "dvm replay: --trace wants a transaction id (64 hex digits)\n");
      return 2;
    }
    if (!trace_out) {
      fprintf(stderr, "dvm replay: --trace needs --trace-out FILE\n");
      return 2;
    }
  }
  if (to && from > to + 1) {
    fprintf(stderr, "dvm replay: --from %" PRIu64 " is past --to %" PRIu64 "\n", from, to);
    return 2;
  }
  /* Traces go to --trace-out; a divergence's trace without it to a file
   * named after the data directory's block and transaction (below). */
  file_sink sink = {NULL, trace_out, 0};
  char div_path[4200];
  if (!trace_out) snprintf(div_path, sizeof div_path, "dvm-replay-divergence.jsonl");
  else if (trace_hex) snprintf(div_path, sizeof div_path, "%s.divergence.jsonl", trace_out);
  else snprintf(div_path, sizeof div_path, "%s", trace_out);
  if (!trace_hex) sink.path = div_path;
  dvm_rt_replay_opts o;
  memset(&o, 0, sizeof o);
  o.from = from;
  o.to = to;
  o.trace_tx = trace_hex ? tx : NULL;
  o.sink = sink_write;
  o.sink_ctx = &sink;
  o.work_dir = work;
  o.threads = (unsigned)threads;
  dvm_rt_replay *r;
  char e[256];
  char cbuf[4200];
  int rc = dvm_rt_replay_open(chain_dir(data, cbuf, sizeof cbuf), &o, &r, e);
  if (rc) {
    fprintf(stderr, "dvm replay: %s\n", e);
    return 1;
  }
  uint64_t head, first, last;
  dvm_rt_replay_range(r, &head, &first, &last);
  int tty = !quiet && isatty(2);
  uint64_t t0 = now_ms(), shown = t0, txs = 0, gas = 0, blocks = 0, ctxs = 0, cblocks = 0;
  uint64_t tfirst = 0; /* time the compared range began */
  dvm_rt_replay_step_info info;
  dvm_rt_divergence div;
  for (;;) {
    rc = dvm_rt_replay_step(r, &info, &div);
    if (rc < 0 || rc == DVM_RT_REPLAY_DIVERGED) break;
    if (info.height > 0) {
      blocks++;
      txs += info.txs;
      gas += info.gas;
      if (info.compared) {
        if (!cblocks) tfirst = now_ms();
        cblocks++;
        ctxs += info.txs;
      }
    }
    if (rc == DVM_RT_REPLAY_DONE) break;
    if (sink.f && sink.path != div_path) { /* the --trace transaction is done */
      if (fclose(sink.f)) sink.failed = errno;
      sink.f = NULL;
      printf("replay: trace of %s written to %s\n", trace_hex, trace_out);
      fflush(stdout);
      sink.path = div_path;
    }
    uint64_t t = now_ms();
    if (tty && t - shown >= 200) {
      uint64_t ms = t - t0 ? t - t0 : 1;
      uint64_t bps = blocks * 1000 / ms, tps = txs * 1000 / ms;
      uint64_t left = last - info.height, eta = bps ? left / bps : 0;
      fprintf(stderr, "\rreplay: block %" PRIu64 "/%" PRIu64 "  %" PRIu64 " blocks/s  %" PRIu64 " tx/s  ETA %" PRIu64
                      "s   ",
              info.height, last, bps, tps, eta);
      shown = t;
    }
  }
  if (tty) fprintf(stderr, "\r%70s\r", "");
  uint64_t ms = now_ms() - t0;
  if (rc < 0) {
    fprintf(stderr, "dvm replay: %s\n", dvm_rt_replay_errmsg(r));
    dvm_rt_replay_close(r);
    if (sink.f) fclose(sink.f);
    return 1;
  }
  if (rc == DVM_RT_REPLAY_DONE) {
    printf("replay: OK: blocks %" PRIu64 "..%" PRIu64 " match (%" PRIu64 " compared from block %" PRIu64
           "), %" PRIu64 " transactions, %" PRIu64 " gas, %" PRIu64 ".%03" PRIu64 " s",
           (uint64_t)1, last, cblocks, first, txs, gas, ms / 1000, ms % 1000);
    uint64_t cms = tfirst ? now_ms() - tfirst : 0;
    if (cms) printf(" (%" PRIu64 " tx/s compared)", ctxs * 1000 / cms);
    printf("\n");
    if (info.state_compared) printf("replay: state: %" PRIu64 " entries match the data directory\n", info.state_entries);
    else if (last == head) printf("replay: state: not compared (the chain grew during the replay)\n");
    else printf("replay: state: not compared (--to %" PRIu64 " is below the head %" PRIu64 ")\n", last, head);
    if (sink.failed) fprintf(stderr, "dvm replay: %s: %s\n", sink.path, strerror(sink.failed));
    else if (sink.f) printf("replay: trace of %s written to %s\n", trace_hex, trace_out);
  } else {
    char id[65];
    printf("replay: DIVERGENCE at block %" PRIu64, div.height);
    if (div.index >= 0) {
      dvm_hex_encode(div.tx_id, 32, id);
      printf(", transaction %" PRId64 " (%s)\n", div.index, id);
    } else {
      printf(" (the block as a whole)\n");
    }
    printf("  what:     %s\n", div.what);
    printf("  expected: %s   (stored in %s)\n", div.expected, data);
    printf("  actual:   %s   (re-executed)\n", div.actual);
    if (div.detail[0]) printf("  detail:   %s\n", div.detail);
    if (div.traced && !sink.failed)
      printf("  trace:    %s (re-execution of transaction %" PRId64 " of block %" PRIu64 ")\n", sink.path, div.index,
             div.height);
    else if (sink.failed)
      printf("  trace:    not written: %s: %s\n", sink.path, strerror(sink.failed));
    rc = 3;
  }
  if (sink.f && fclose(sink.f)) fprintf(stderr, "dvm replay: %s: %s\n", sink.path, strerror(errno));
  dvm_rt_replay_close(r);
  return rc == 3 ? 3 : rc == DVM_RT_REPLAY_DONE && !sink.failed ? 0 : 1;
}
