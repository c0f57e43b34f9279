#!/usr/bin/env bash
# layout_circles.sh — no two source files call each other, directly or
# round a longer circle (issue 15: every file can be read after the files
# it names, none before).
#
#   layout_circles.sh BUILD_DIR SRC_DIR  scan every C object of the build
#                                        whose source file still exists
#   layout_circles.sh --selftest       plant a circle in a scratch dir and
#                                      check that the scan refuses it
#
# How: `nm` lists, per object, the global symbols it defines and the ones it
# uses. An object that uses a symbol defined by another object depends on
# that object's source file. A symbol defined by more than one source file
# (each test's `main`, fuzz entry points) names no single file and is
# skipped. Any strongly connected group of two or more source files is a
# circle: each is printed with the symbols that close it, and the scan fails.
# Static functions cannot cross files, so the scan sees every link that
# matters; calls through a table (the syscall handlers) are data, not links.
set -euo pipefail

scan() { # scan OBJECT... -> prints circles, returns 1 when there are any
  local tmp
  tmp=$(mktemp -d)
  local o label
  for o in "$@"; do
    # A readable label: the source path below the build dir's target folder.
    label=${o#"$BUILD"/}
    label=$(printf '%s' "$label" | sed -E 's|CMakeFiles/[^/]+\.dir/||; s|[^/]+/__/||g; s|\.o$||')
    nm -g --defined-only "$o" 2>/dev/null | awk -v l="$label" 'NF >= 3 { print "D", l, $3 }' >>"$tmp/syms"
    nm -u "$o" 2>/dev/null | awk -v l="$label" 'NF >= 2 { print "U", l, $2 }' >>"$tmp/syms"
  done
  awk '
    $1 == "D" { if (!(($3, $2) in seen)) { seen[$3, $2] = 1; ndef[$3]++; def[$3] = $2 } next }
    $1 == "U" { use[++nu] = $2 SUBSEP $3 }
    END {
      # edges: file -> file that defines a symbol it uses
      for (i = 1; i <= nu; i++) {
        split(use[i], p, SUBSEP); f = p[1]; s = p[2]
        if (ndef[s] != 1) continue
        g = def[s]
        if (g == f) continue
        if (!((f, g) in via)) { via[f, g] = s; node[f] = 1; node[g] = 1 } else if (length(via[f, g]) < 120) via[f, g] = via[f, g] " " s
        reach[f, g] = 1
      }
      # Only a file with both a caller and a callee among the files left can
      # sit on a circle: peel the others off until none is left to peel
      # (keeps the cubic closure below to the few files that remain).
      do {
        peeled = 0
        for (v in node) { indeg[v] = 0; outdeg[v] = 0 }
        for (e in reach) {
          split(e, q, SUBSEP)
          if ((q[1] in node) && (q[2] in node)) { outdeg[q[1]]++; indeg[q[2]]++ }
        }
        for (v in node)
          if (!indeg[v] || !outdeg[v]) { delete node[v]; peeled = 1 }
      } while (peeled)
      n = 0
      for (v in node) name[++n] = v
      for (k = 1; k <= n; k++)
        for (i = 1; i <= n; i++) {
          if (!((name[i], name[k]) in reach)) continue
          for (j = 1; j <= n; j++)
            if ((name[k], name[j]) in reach) reach[name[i], name[j]] = 1
        }
      bad = 0
      for (i = 1; i <= n; i++)
        for (j = 1; j <= n; j++) {
          a = name[i]; b = name[j]
          if (a >= b || !((a, b) in reach) || !((b, a) in reach)) continue
          bad = 1
          if ((a, b) in via && (b, a) in via)
            printf "circle: %s <-> %s\n  %s uses %s\n  %s uses %s\n", a, b, a, via[a, b], b, via[b, a]
          else
            printf "circle: %s and %s reach each other through other files\n", a, b
        }
      exit bad
    }' "$tmp/syms"
  local rc=$?
  rm -rf "$tmp"
  return $rc
}

if [ "${1:-}" = "--selftest" ]; then
  BUILD=$(mktemp -d)
  trap 'rm -rf "$BUILD"' EXIT
  cc=${CC:-cc}
  printf 'int pong(int);\nint ping(int n) { return n ? pong(n - 1) : 0; }\n' >"$BUILD/ping.c"
  printf 'int ping(int);\nint pong(int n) { return n ? ping(n - 1) : 1; }\n' >"$BUILD/pong.c"
  printf 'int ping(int);\nint main(void) { return ping(3); }\n' >"$BUILD/top.c"
  printf 'int a3(void);\nint a1(void) { return a3(); }\n' >"$BUILD/r1.c"
  printf 'int a1(void);\nint a2(void) { return a1(); }\n' >"$BUILD/r2.c"
  printf 'int a2(void);\nint a3(void) { return a2(); }\n' >"$BUILD/r3.c"
  for f in ping pong top r1 r2 r3; do "$cc" -c -o "$BUILD/$f.c.o" "$BUILD/$f.c"; done
  out=$(scan "$BUILD/ping.c.o" "$BUILD/pong.c.o" "$BUILD/top.c.o" "$BUILD/r1.c.o" "$BUILD/r2.c.o" "$BUILD/r3.c.o") && {
    echo "selftest: the planted circles were not found"; exit 1; }
  printf '%s\n' "$out"
  for want in "circle: ping.c <-> pong.c" "circle: r1.c and r2.c" "circle: r1.c and r3.c" "circle: r2.c and r3.c"; do
    grep -qF "$want" <<<"$out" || { echo "selftest: expected '$want'"; exit 1; }
  done
  if grep -q "top.c" <<<"$out"; then echo "selftest: top.c is in no circle"; exit 1; fi
  scan "$BUILD/ping.c.o" "$BUILD/top.c.o" >/dev/null || { echo "selftest: no circle without pong.c"; exit 1; }
  echo "selftest: planted circles found, none reported where there is none"
  exit 0
fi

[ $# -eq 2 ] || { echo "usage: layout_circles.sh BUILD_DIR SRC_DIR | --selftest" >&2; exit 2; }
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
objs=()
while IFS= read -r o; do
  # An object left over from a source file since moved or deleted is not
  # part of the tree any more.
  rel=$(printf '%s' "${o#"$BUILD"/}" | sed -E 's|CMakeFiles/[^/]+\.dir/||; s|[^/]+/__/||g; s|\.o$||')
  [ -f "$SRC/$rel" ] && objs+=("$o")
done < <(find "$BUILD" -path '*/CMakeFiles/*.dir/*' -name '*.c.o' | sort)
[ ${#objs[@]} -gt 0 ] || { echo "no objects under $BUILD: build first"; exit 1; }
if scan "${objs[@]}"; then
  echo "no circles among the ${#objs[@]} objects of $BUILD"
else
  echo "FAIL: source files that call each other (issue 15: arrows point one way only)"
  exit 1
fi
