/* cmd_demo.c — `dvm demo [--data DIR] [--blocks N] [--seed S] [--contracts DIR]`:
 * a fresh dev chain in DIR, the options, option_pool, vault and perp
 * contracts deployed with their ABIs, a market session
 * (cmd_demo_session.c), then `dvm replay` of the whole chain, a summary
 * and a chart (gnuplot) in DIR/demo.png. Exit 0 when the replay matches,
 * 1 when anything fails, 2 usage. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_demo.h"

#define USAGE                                                                                              \
  "usage: dvm demo [--data DIR] [--blocks N] [--seed S] [--contracts DIR] [--verbose]\n"                    \
  "  DIR (default dvm-demo) must not hold a chain; N session blocks of 10 simulated minutes (default 160);\n" \
  "  the contracts' .dvm files: DIR (default: contracts/ beside the dvm binary)\n"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double btc_perp(int64_t units) { return (double)units / 1e6; }
static double fxd(int64_t v) { return (double)v / 1e9; }

static const char *money(int64_t units_1e6, char *buf, size_t cap) {
  demo_fx_text(units_1e6, 6, buf, cap);
  return buf;
}

/* The gas price: the genesis' minimum when it names one, else 1. */
static uint64_t gas_price_of(const char *dir) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/genesis.json", dir);
  json_t *g = json_load_file(path, 0, NULL);
  uint64_t p = 1;
  const char *k;
  json_t *v;
  json_object_foreach(g, k, v) {
    if (strstr(k, "gas_price") && json_is_integer(v) && json_integer_value(v) > 0) p = (uint64_t)json_integer_value(v);
    if (strstr(k, "gas_price") && json_is_string(v)) p = strtoull(json_string_value(v), NULL, 10) ? strtoull(json_string_value(v), NULL, 10) : p;
  }
  json_decref(g);
  return p;
}

static int write_chart(uint64_t seed, const demo_point *pts, uint32_t n, const char *dir, char *png, size_t cap) {
  char dat[PATH_MAX], gp[PATH_MAX];
  snprintf(dat, sizeof dat, "%s/demo.dat", dir);
  snprintf(gp, sizeof gp, "%s/demo.gp", dir);
  snprintf(png, cap, "%s/demo.png", dir);
  FILE *f = fopen(dat, "w");
  if (!f) return -1;
  fprintf(f, "# hours oracle_usd book_mid_usd funding_rate_pct open_interest_btc liquidations\n");
  for (uint32_t i = 0; i < n; i++)
    fprintf(f, "%.4f %.2f %.2f %.5f %.4f %u\n", (double)(pts[i].time - pts[0].time) / 3600.0, fxd(pts[i].oracle),
            fxd(pts[i].mid), fxd(pts[i].rate) * 100.0, btc_perp((int64_t)pts[i].oi), pts[i].liqs);
  fclose(f);
  if (!(f = fopen(gp, "w"))) return -1;
  fprintf(f,
          "set terminal pngcairo size 1200,900 font 'sans,10'\n"
          "set output '%s'\n"
          "set multiplot layout 3,1 title 'dvm demo: BTC-PERP session (%u blocks, seed %" PRIu64 ")'\n"
          "set grid\nset key top right\nset xlabel 'hours'\n"
          "set ylabel 'USD'\n"
          "plot '%s' using 1:2 with lines lw 2 title 'oracle', '' using 1:3 with lines title 'book mid', "
          "'' using 1:($6 > 0 ? $2 : 1/0) with points pt 7 ps 1.5 lc rgb 'red' title 'liquidation'\n"
          "set ylabel 'funding rate %%'\n"
          "plot '%s' using 1:4 with steps lw 2 title 'funding rate per interval'\n"
          "set ylabel 'BTC'\n"
          "plot '%s' using 1:5 with lines lw 2 title 'open interest', '' using 1:($6 > 0 ? $5 : 1/0) with points pt 7 "
          "ps 1.5 lc rgb 'red' title 'liquidation'\n"
          "unset multiplot\n",
          png, n, seed, dat, dat, dat);
  fclose(f);
  if (system("command -v gnuplot >/dev/null 2>&1")) return 1;
  char cmd[PATH_MAX * 2 + 64];
  snprintf(cmd, sizeof cmd, "gnuplot '%s' 2>'%s/gnuplot.err'", gp, dir);
  return system(cmd) ? -1 : 0;
}

static void print_positions(demo *d) {
  printf("%-12s %12s %16s %16s %14s %s\n", "account", "BTC-PERP", "collateral USD", "equity USD", "PnL USD", "liquidated");
  for (int i = 0; i < d->nacct; i++) {
    demo_acct *a = &d->acct[i];
    if (a->role != R_MAKER && a->role != R_TAKER && a->role != R_LEVERED) continue;
    char c[40], e[40], p[40];
    printf("%-12s %12.3f %16s %16s %14s %s\n", a->name, btc_perp(a->size), money(a->collateral, c, sizeof c),
           money(a->equity, e, sizeof e), money(a->equity - a->deposited, p, sizeof p), a->liquidated ? "yes" : "");
  }
}

/* `dvm replay --data DIR`, the command itself: its verdict lines. */
static int run_replay(const char *dir, char *verdict, size_t cap, char *state, size_t scap) {
  char self[PATH_MAX], cmd[PATH_MAX * 2 + 64], line[512];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return -1;
  self[n] = 0;
  snprintf(cmd, sizeof cmd, "'%s' replay --data '%s' --quiet 2>&1", self, dir);
  printf("== %s replay --data %s\n", "dvm", dir);
  fflush(stdout);
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  *verdict = *state = 0;
  while (fgets(line, sizeof line, p)) {
    fputs(line, stdout);
    line[strcspn(line, "\n")] = 0;
    if (!strncmp(line, "replay: OK: ", 12) || !strncmp(line, "replay: DIVERGENCE", 18)) snprintf(verdict, cap, "%s", line + 8);
    if (!strncmp(line, "replay: state: ", 15)) snprintf(state, scap, "%s", line + 15);
  }
  int rc = pclose(p);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int dvm_cli_cmd_demo(int argc, char **argv) {
  const char *dir = "dvm-demo", *contracts = NULL;
  demo_session_opts so = {160, 600, 1};
  int verbose = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    int has = i + 1 < argc;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      printf(USAGE);
      return 0;
    } else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) verbose = 1;
    else if (has && !strcmp(a, "--data")) dir = argv[++i];
    else if (has && !strcmp(a, "--contracts")) contracts = argv[++i];
    else if (has && !strcmp(a, "--blocks")) so.blocks = (uint32_t)strtoul(argv[++i], NULL, 10);
    else if (has && !strcmp(a, "--seed")) so.seed = strtoull(argv[++i], NULL, 10);
    else {
      fprintf(stderr, USAGE);
      return 2;
    }
  }
  if (so.blocks < 24 || so.blocks > 2000) {
    fprintf(stderr, "dvm demo: --blocks between 24 and 2000\n%s", USAGE);
    return 2;
  }
  char cdir[PATH_MAX], chain[PATH_MAX], err[512];
  if (!contracts) {
    ssize_t n = readlink("/proc/self/exe", cdir, sizeof cdir - 16);
    if (n <= 0) return 1;
    cdir[n] = 0;
    char *slash = strrchr(cdir, '/');
    snprintf(slash ? slash + 1 : cdir, 16, "contracts");
    contracts = cdir;
  }
  struct stat st;
  snprintf(chain, sizeof chain, "%s/chain", dir);
  if (!stat(chain, &st)) {
    fprintf(stderr, "dvm demo: %s already holds a chain: remove it or give another --data DIR\n", dir);
    return 1;
  }
  double t_start = now_s();
  printf("== dvm init --data %s (the dev genesis: GAS, USD, BTC, ETH; dev keys in %s/keys)\n", dir, dir);
  if (dvm_node_init_dir(dir, NULL, 0, err, sizeof err)) {
    fprintf(stderr, "dvm demo: %s\n", err);
    return 1;
  }
  static demo d;
  memset(&d, 0, sizeof d);
  d.dir = dir;
  d.contracts = contracts;
  d.verbose = verbose;
  dvm_node_opts no = {0};
  no.mempool.per_sender = 256;
  if (dvm_node_open(dir, &no, &d.n, err, sizeof err)) {
    fprintf(stderr, "dvm demo: %s\n", err);
    return 1;
  }
  json_t *h = demo_rpc(&d, "dvm_head", NULL, NULL);
  snprintf(d.chain_id, sizeof d.chain_id, "%s", json_string_value(json_object_get(h, "chain_id")));
  d.time = d.t0 = (uint64_t)json_integer_value(json_object_get(h, "time"));
  json_decref(h);
  d.gas_price = gas_price_of(dir);
  printf("== market session: %u blocks of %u simulated seconds, seed %" PRIu64 "\n", so.blocks, so.dt, so.seed);
  printf("   deploy perp, options, option_pool, vault with their ABIs; oracle and market parameters by the authority;\n"
         "   3 market makers, 10 takers, 3 leveraged longs, a keeper (funding, liquidations, vault rolls),\n"
         "   option writers, pool buyers, a pool LP and vault depositors, all signed transactions\n");
  fflush(stdout);
  demo_point *pts = calloc(so.blocks, sizeof *pts);
  double t_session = now_s();
  demo_session(&d, &so, pts);
  double session_s = now_s() - t_session;
  /* final views */
  json_t *mv = demo_view(&d, &d.perp, "market", json_pack("{s:i}", "market", DEMO_MARKET));
  json_t *s1 = demo_view(&d, &d.opt, "get_series", json_pack("{s:i}", "series", 1));
  json_t *s2 = demo_view(&d, &d.opt, "get_series", json_pack("{s:i}", "series", 2));
  h = demo_rpc(&d, "dvm_head", NULL, NULL);
  uint64_t height = (uint64_t)json_integer_value(json_object_get(h, "height"));
  char root[65];
  snprintf(root, sizeof root, "%s", json_string_value(json_object_get(h, "state_root")));
  json_decref(h);
  dvm_node_close(d.n);

  char verdict[600], state[600], png[PATH_MAX];
  double t_replay = now_s();
  int rrc = run_replay(dir, verdict, sizeof verdict, state, sizeof state);
  double replay_s = now_s() - t_replay;
  int chart = write_chart(so.seed, pts, so.blocks, dir, png, sizeof png);

  char b1[40], b2[40], b3[40];
  demo_stats *s = &d.st;
  printf("\n== dvm demo: summary\n");
  printf("chain         %s: %" PRIu64 " blocks, %" PRIu64 " transactions (%" PRIu64 " calls, %" PRIu64
         " failed), %u session blocks over %.1f simulated hours\n",
         d.chain_id, height, s->txs, s->calls, s->calls_failed, so.blocks, (double)so.blocks * so.dt / 3600.0);
  printf("state root    %s (height %" PRIu64 ")\n", root, height);
  printf("throughput    %.1f s session wall time: %.0f transactions/s, %.0f orders/s (%" PRIu64 " orders, %" PRIu64
         " cancels)\n",
         session_s, (double)s->txs / session_s, (double)s->orders / session_s, s->orders, s->cancels);
  printf("perp          BTC-PERP: %" PRIu64 " fills, volume %.3f BTC (%s USD), open interest %.3f BTC, fees %s USD\n",
         s->fills, btc_perp((int64_t)s->volume_size), money(s->volume_quote, b1, sizeof b1),
         btc_perp(demo_jint(mv, "open_interest")), money(demo_jint(mv, "fees"), b2, sizeof b2));
  printf("funding       %" PRIu64 " periods, last rate %.4f%% per period; longs paid shorts %s USD, shorts paid longs %s USD\n",
         s->fundings, fxd(demo_jfx(mv, "funding_rate")) * 100.0, money(s->funding_longs_paid, b1, sizeof b1),
         money(s->funding_shorts_paid, b2, sizeof b2));
  printf("liquidations  %" PRIu64 " (%.3f BTC closed: %" PRIu64 " book fills, %" PRIu64 " deleveraged), insurance fund %s USD "
         "(drew %s USD for bad debt)\n",
         s->liquidations, btc_perp((int64_t)s->liq_size), s->liq_fills, s->deleverages,
         money(demo_jint(mv, "insurance_fund"), b1, sizeof b1), money(s->insurance_draw, b2, sizeof b2));
  printf("options       call K=%.0f and put K=%.0f settled at %.2f: written %.2f and %.2f BTC; holders paid %.8f BTC "
         "(calls) and %s USD (puts); writers reclaimed %.8f BTC and %s USD\n",
         fxd(demo_jfx(s1, "strike")), fxd(demo_jfx(s2, "strike")), fxd(s->settle_price[1] ? s->settle_price[1] : s->settle_price[2]),
         (double)s->written[1] / 1e8, (double)s->written[2] / 1e8, (double)s->redeemed_payout[1] / 1e8,
         money((int64_t)s->redeemed_payout[2], b1, sizeof b1), (double)s->reclaimed[1] / 1e8,
         money((int64_t)s->reclaimed[2], b2, sizeof b2));
  printf("pool          sold %.2f BTC of options for %s USD premium; bought %.2f BTC of calls for %s USD\n",
         (double)s->bought / 1e8, money((int64_t)s->bought_premium, b1, sizeof b1), (double)s->sold_to_pool / 1e8,
         money((int64_t)s->sold_premium, b3, sizeof b3));
  uint64_t vf = s->vault_first < DEMO_SERIES ? s->vault_first : 0;
  printf("vault         %" PRIu64 " rolls; epoch 1: %.2f BTC of covered calls (series %" PRIu64 ") sold for %s USD premium, "
         "settled at %.2f, %.8f BTC back; epoch 2 running (series %" PRIu64 ")\n",
         s->vault_rolls, (double)s->written[vf] / 1e8, s->vault_first, money((int64_t)s->vault_premium, b1, sizeof b1),
         fxd(s->settle_price[vf]), (double)s->reclaimed[vf] / 1e8, s->vault_series);
  printf("positions\n");
  print_positions(&d);
  printf("replay        %s%s; %.1f s in all\n", rrc == 0 ? "" : "FAILED: ", *verdict ? verdict : "no verdict", replay_s);
  if (*state) printf("              state: %s\n", state);
  if (chart == 0) printf("chart         %s (price, funding rate, open interest, liquidations)\n", png);
  else if (chart == 1) printf("chart         not drawn: gnuplot is not installed (scripts/deps.sh installs gnuplot-nox); data in %s/demo.dat\n", dir);
  else printf("chart         FAILED: gnuplot could not draw %s (see %s/gnuplot.err)\n", png, dir);
  printf("total         %.1f s\n", now_s() - t_start);
  json_decref(mv);
  json_decref(s1);
  json_decref(s2);
  free(pts);
  return rrc == 0 && chart >= 0 ? 0 : 1;
}
