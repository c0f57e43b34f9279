#!/usr/bin/env bash
# cli_test.sh DVM CONFORMANCE_TESTS_DIR [COUNTER.dvm COUNTER.abi.json] —
# `dvm exec` and `dvm plugin` as a user drives them: outputs, exit codes,
# error messages, files. With the node tests' counter contract and its ABI,
# `dvm exec --abi` too.
set -u
DVM=$1
CONF=$2
COUNTER=${3:-}
COUNTER_ABI=${4:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }

# expect NAME WANT_EXIT WANT_STDOUT_SUBSTRING CMD...
expect() {
  local name=$1 want_rc=$2 want_out=$3
  shift 3
  local out rc
  out=$("$@" 2>"$T/stderr")
  rc=$?
  if [ "$rc" != "$want_rc" ]; then bad "$name: exit $rc, want $want_rc (stderr: $(cat "$T/stderr"))"; return; fi
  case "$out" in *"$want_out"*) ok ;; *) bad "$name: stdout '$out' lacks '$want_out'" ;; esac
}

# expect_err NAME WANT_EXIT STDERR_SUBSTRING CMD...
expect_err() {
  local name=$1 want_rc=$2 want_err=$3
  shift 3
  "$@" >"$T/stdout" 2>"$T/stderr"
  local rc=$?
  if [ "$rc" != "$want_rc" ]; then bad "$name: exit $rc, want $want_rc"; return; fi
  if grep -qF -- "$want_err" "$T/stderr"; then ok; else bad "$name: stderr '$(cat "$T/stderr")' lacks '$want_err'"; fi
}

cat >"$T/sum.s" <<'S'
# sum of the first r2 bytes at r1
mov %r0, 0
loop:
jeq %r2, 0, done
ldxb %r3, [%r1]
add %r0, %r3
add %r1, 1
sub %r2, 1
ja loop
done:
exit
S
expect "exec .s ok" 0 '{"status":"ok","r0":"0x6","gas_used":21,"insns":21}' "$DVM" exec "$T/sum.s" --mem "01 02 03"
expect "exec ref" 0 '"r0":"0x6","gas_used":21' "$DVM" exec "$T/sum.s" --mem 010203 --interp ref
expect "exec no mem" 0 '"r0":"0x0"' "$DVM" exec "$T/sum.s"
printf '\x01\x02\x03\x04' >"$T/mem.bin"
expect "exec mem-file" 0 '"r0":"0xa"' "$DVM" exec "$T/sum.s" --mem-file "$T/mem.bin"
expect "exec out of gas" 1 '{"status":"trap","trap":"out_of_gas","pc":' "$DVM" exec "$T/sum.s" --mem 010203 --gas 10
expect "trap uses limit" 1 '"gas_used":10}' "$DVM" exec "$T/sum.s" --mem 010203 --gas 10

cat >"$T/fault.s" <<'S'
mov %r1, 0
ldxdw %r0, [%r1+16]
exit
S
expect "exec mem fault" 1 '{"status":"trap","trap":"mem_fault","pc":1,"gas_used":1000000000,"addr":"0x10","size":8,"access":"read"}' "$DVM" exec "$T/fault.s"

# raw bytecode: mov r0, 42; exit
printf '\xb7\x00\x00\x00\x2a\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' >"$T/p.bin"
expect "exec .bin" 0 '"r0":"0x2a"' "$DVM" exec "$T/p.bin"

# trace: one JSON object per executed instruction, then a summary line (spec/trace.md)
"$DVM" exec "$T/sum.s" --mem 0102 --trace "$T/trace.jsonl" >"$T/out" 2>&1
lines=$(wc -l <"$T/trace.jsonl")
if [ "$lines" = 16 ] && grep -q '"insns":15' "$T/out" && tail -1 "$T/trace.jsonl" | grep -q '"gasUsed":15,"status":"ok","r0":"0x3","steps":15}$'; then ok; else bad "trace: $lines lines, out $(cat "$T/out")"; fi
if head -1 "$T/trace.jsonl" | grep -q '^{"pc":0,"op":183,"name":"mov","gas":1000000000,"gasCost":1,"depth":1,"frame":0,"regs":\["0x0","0x300000000","0x2",'; then ok; else bad "trace line: $(head -1 "$T/trace.jsonl")"; fi

# container through dvm asm, if present
if "$DVM" asm "$T/sum.s" -o "$T/sum.dvm" >/dev/null 2>&1; then
  expect "exec .dvm" 0 '"r0":"0x6"' "$DVM" exec "$T/sum.dvm" --mem 010203
else
  bad "dvm asm could not build a container"
fi

# syscalls run against an ephemeral chain: store 42 under "k", read it back, return it
cat >"$T/sys.s" <<'S'
  stb [%r10-1], 0x6b
  stdw [%r10-16], 42
  mov %r1, %r10
  sub %r1, 1
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 16
  mov %r4, 8
  call dvm_storage_set
  mov %r1, %r10
  sub %r1, 1
  mov %r2, 1
  mov %r3, %r10
  sub %r3, 24
  mov %r4, 8
  call dvm_storage_get
  mov %r1, %r10
  sub %r1, 24
  mov %r2, 8
  call dvm_return
  exit
S
# gas: 20 instructions (dvm_return halts: the exit never runs) + set 500 + 5 * 9
#    + 8,000 (the key's first write in the block) + get 600 + 1 + 8
#    + return 10 + 8 + 3 * 8 (the outermost call's data goes into the
#    receipt) = 9216
expect "exec syscalls" 0 '{"status":"ok","r0":"0x8","gas_used":9216,"insns":20,"return":"2a00000000000000"}' "$DVM" exec "$T/sys.s"
expect "exec syscalls ref" 0 '"gas_used":9216,"insns":20,"return":"2a00000000000000"' "$DVM" exec "$T/sys.s" --interp ref
printf 'lddw %%r1, msg\nmov %%r2, 2\ncall dvm_revert\nexit\n.rodata\nmsg: .ascii "no"\n' >"$T/rev.s"
expect "exec revert" 1 '"status":"revert"' "$DVM" exec "$T/rev.s"
expect "exec revert message" 1 '"message":"6e6f"' "$DVM" exec "$T/rev.s"
printf 'lddw %%r1, 0x7fff12345678\nmov %%r2, 8\nmov %%r3, %%r10\ncall dvm_hash_blake2b\nexit\n' >"$T/hostptr.s"
expect "exec host pointer" 1 '"trap":"mem_fault","pc":4' "$DVM" exec "$T/hostptr.s"
if ls /tmp/dvm-exec-* >/dev/null 2>&1; then bad "sandbox directories left behind"; else ok; fi

# call mode (--entry / --input, no --mem): the method starts as a call
# transaction starts it, r1 = the input region (0x4_0000_0000), r2 = the
# input length, a call heap that grows by syscall; logs are printed
printf '.globl where\nwhere:\nmov %%r0, %%r1\nrsh %%r0, 24\nadd %%r0, %%r2\nexit\n' >"$T/where.s"
expect "call mode r1/r2" 0 '{"status":"ok","r0":"0x403","gas_used":4,"insns":4}' "$DVM" exec "$T/where.s" --entry where --input 0a0b0c
expect "call mode, no input" 0 '"r0":"0x400"' "$DVM" exec "$T/where.s" --entry where
printf '\x0a\x0b\x0c\x0d' >"$T/in4.bin"
expect "call mode input file" 0 '"r0":"0x404"' "$DVM" exec "$T/where.s" --input-file "$T/in4.bin"
expect "memory mode r1/r2" 0 '"r0":"0x302"' "$DVM" exec "$T/where.s" --entry where --mem 0a0b
expect_err "mem and input" 2 "exclude each other" "$DVM" exec "$T/where.s" --mem 00 --input 00
cat >"$T/echo.s" <<'S'
.globl echo
echo:
  mov %r6, %r1
  mov %r7, %r2
  mov %r1, 65536
  call dvm_heap_grow
  mov %r8, %r0
  mov %r1, 0
  mov %r2, 0
  mov %r3, %r6
  mov %r4, %r7
  call dvm_log
  mov %r1, %r6
  mov %r2, %r7
  call dvm_return
  exit
S
# the heap grows to 64 KiB as under a transaction. gas: 13 instructions
#    + 8 pages added x 200 + log 100 + 2 * 3 + return 10 + 3 + 3 * 3 = 1741
expect "call mode echo" 0 '{"status":"ok","r0":"0x0","gas_used":1741,"insns":13,"return":"c0ffee","logs":1,"log":[{"topics":[],"data":"c0ffee"}]}' "$DVM" exec "$T/echo.s" --entry echo --input c0ffee

# fixed-point syscalls: sqrt(4) = 2; ln(0) is outside the domain; an
# at-the-money call, S = K = 100, T = 1 year, sigma = 20%, r = 0:
# 100 (2 Phi(0.1) - 1) = 7.965567455405796... -> 7965567455 = 0x1dac8e9df
printf 'lddw %%r1, 4000000000\ncall dvm_fx_sqrt\nexit\n' >"$T/sqrt.s"
expect "fx sqrt" 0 '{"status":"ok","r0":"0x77359400","gas_used":28,"insns":3}' "$DVM" exec "$T/sqrt.s"
printf 'mov %%r1, 0\ncall dvm_fx_ln\nexit\n' >"$T/ln.s"
# a syscall_arg trap names why the syscall refused (the receipt's detail,
# dvm_rt_fail_name): a domain error is "fx", a size limit "limit"
expect "fx ln domain" 1 '{"status":"trap","trap":"syscall_arg","pc":1,"gas_used":1000000000,"detail":"fx"}' "$DVM" exec "$T/ln.s"
printf 'mov %%r1, 0\nlddw %%r2, 65537\ncall dvm_return\nexit\n' >"$T/ret64k.s"
expect "return past 64 KiB" 1 '{"status":"trap","trap":"syscall_arg","pc":3,"gas_used":5000,"detail":"limit"}' "$DVM" exec "$T/ret64k.s" --gas 5000

# dvm_heap_grow in memory mode grows the heap as under a transaction (it
# used to trap mem_fault past the 32 KiB default, or past the --mem bytes).
# gas: 6 instructions + (1 MiB - 32 KiB) / 4 KiB = 248 pages x 200 = 49,606
cat >"$T/grow.s" <<'S'
  mov %r1, 1048576
  call dvm_heap_grow
  lddw %r2, 0x3000ffff8
  stdw [%r2], 7
  ldxdw %r0, [%r2]
  exit
S
expect "heap grow to the cap" 0 '{"status":"ok","r0":"0x7","gas_used":49606,"insns":6}' "$DVM" exec "$T/grow.s"
expect "heap grow to the cap, ref" 0 '{"status":"ok","r0":"0x7","gas_used":49606,"insns":6}' "$DVM" exec "$T/grow.s" --interp ref
expect "heap grow, call mode" 0 '{"status":"ok","r0":"0x7","gas_used":49606,"insns":6}' "$DVM" exec "$T/grow.s" --input 00
# --mem of 3 bytes: the heap is those bytes; growing it to 1 MiB adds
# 1,048,573 bytes, 256 pages rounded up: 6 + 51,200 = 51,206
expect "heap grow, --mem" 0 '{"status":"ok","r0":"0x7","gas_used":51206,"insns":6}' "$DVM" exec "$T/grow.s" --mem 0a0b0c
printf 'lddw %%r1, 1048577\ncall dvm_heap_grow\nexit\n' >"$T/grow2.s"
expect "heap grow past the cap" 1 '{"status":"trap","trap":"syscall_arg","pc":2,"gas_used":1000000000,"detail":"limit"}' "$DVM" exec "$T/grow2.s"
expect "heap grow past the cap, --mem" 1 '{"status":"trap","trap":"syscall_arg","pc":2,"gas_used":1000000000,"detail":"limit"}' "$DVM" exec "$T/grow2.s" --mem 00
cat >"$T/bs.s" <<'S'
  lddw %r1, 100000000000
  stxdw [%r10-40], %r1
  stxdw [%r10-32], %r1
  lddw %r1, 1000000000
  stxdw [%r10-24], %r1
  lddw %r1, 200000000
  stxdw [%r10-16], %r1
  stdw [%r10-8], 0
  mov %r1, %r10
  sub %r1, 40
  mov %r2, %r10
  sub %r2, 104
  call dvm_fx_black_scholes
  ldxdw %r0, [%r10-104]
  exit
S
expect "fx black-scholes" 0 '"r0":"0x1dac8e9df"' "$DVM" exec "$T/bs.s"

# errors: usage, load, verifier — exit 2 with a message, nothing on stdout
expect_err "no program" 2 "usage" "$DVM" exec
expect_err "missing file" 2 "No such file" "$DVM" exec "$T/nope.bin"
expect_err "bad gas" 2 "--gas" "$DVM" exec "$T/p.bin" --gas abc
expect_err "bad interp" 2 "--interp" "$DVM" exec "$T/p.bin" --interp jit
expect_err "bad hex" 2 "bad hex" "$DVM" exec "$T/p.bin" --mem "0g"
expect_err "unknown option" 2 "unknown or incomplete option" "$DVM" exec "$T/p.bin" --bogus
printf '\xb7\x00\x00\x00\x2a\x00\x00\x00' >"$T/falls.bin"
expect_err "verifier error" 2 "pc 0: the last instruction must be exit" "$DVM" exec "$T/falls.bin"
printf '\x8d\x00\x00\x00\x00\x00\x00\x00\x95\x00\x00\x00\x00\x00\x00\x00' >"$T/callx.bin"
expect_err "callx rejected" 2 "callx" "$DVM" exec "$T/callx.bin"
printf 'mov %%r0, 1\nbogus %%r1\nexit\n' >"$T/bad.s"
expect_err "asm error" 2 "bad.s:2:" "$DVM" exec "$T/bad.s"
expect_err "unknown command" 2 "unknown command" "$DVM" frobnicate

# plugin protocol: program hex on stdin, memory hex as the argument
expect "plugin" 0 "2a" sh -c "echo 'b7 00 00 00 2a 00 00 00 95 00 00 00 00 00 00 00' | '$DVM' plugin"
expect "plugin mem" 0 "2" sh -c "echo 'bf 20 00 00 00 00 00 00 95 00 00 00 00 00 00 00' | '$DVM' plugin '00 01'"
expect_err "plugin verifier error" 1 "last instruction" sh -c "echo 'b7 00 00 00 2a 00 00 00' | '$DVM' plugin"

# every conformance test with a -- raw section, through the plugin
n=0
for f in "$CONF"/*.data; do
  grep -q -- '^-- raw' "$f" || continue
  grep -q -- '^-- result' "$f" || continue
  raw=$(awk '/^-- /{s=$2} s=="raw" && !/^--/ && !/^#/' "$f" | tr '\n' ' ')
  mem=$(awk '/^-- /{s=$2} s=="mem" && !/^--/ && !/^#/' "$f" | tr '\n' ' ')
  want=$(awk '/^-- /{s=$2} s=="result" && !/^--/ && !/^#/ {print; exit}' "$f")
  # -- raw holds 0x-prefixed 64-bit slots: turn each into 8 little-endian bytes
  hex=""
  for tok in $raw; do
    case "$tok" in
      0x*) v=${tok#0x}; v=$(printf '%016s' "$v" | tr ' ' 0)
           for i in 14 12 10 8 6 4 2 0; do hex="$hex ${v:$i:2}"; done ;;
      *) hex="$hex $tok" ;;
    esac
  done
  got=$(echo "$hex" | "$DVM" plugin "$mem" 2>/dev/null)
  if [ "$((16#${got:-x}))" = "$((want))" ] 2>/dev/null; then ok; else bad "plugin $(basename "$f"): got '$got' want '$want'"; fi
  n=$((n + 1))
done
[ "$n" -gt 0 ] && ok || bad "no conformance file with a raw section"

# expect_exact NAME WANT_EXIT WANT_STDOUT WANT_STDERR CMD...: both streams whole
expect_exact() {
  local name=$1 want_rc=$2 want_out=$3 want_err=$4
  shift 4
  local out err rc
  out=$("$@" 2>"$T/stderr")
  rc=$?
  err=$(cat "$T/stderr")
  if [ "$rc" != "$want_rc" ]; then bad "$name: exit $rc, want $want_rc (stderr: $err)"; return; fi
  if [ "$out" != "$want_out" ]; then bad "$name: stdout '$out', want '$want_out'"; return; fi
  if [ "$err" != "$want_err" ]; then bad "$name: stderr '$err', want '$want_err'"; return; fi
  ok
}

# --abi: arguments packed by the method's ABI, the return data and the
# event decoded (the sandbox's caller is the address ca..ca).
if [ -n "$COUNTER" ]; then
  C=$COUNTER A=$COUNTER_ABI
  who=cacacacacacacacacacacacacacacacacacacacacacacacacacacacacacacaca
  added=4164646564000000000000000000000000000000000000000000000000000000
  expect_exact "abi add" 0 '{"status":"ok","r0":"0x0","gas_used":9570,"insns":102,"return":"0700000000000000","decoded":{"total":"7"},"logs":1,"log":[{"topics":["'$added'"],"data":"'$who'07000000000000000700000000000000","event":"Added","fields":{"who":"'$who'","amount":"7","total":"7"}}]}' "" \
    "$DVM" exec "$C" --entry add --abi "$A" --args '{"amount":7,"note":"c0ffee"}'
  # the same input as bytes: the output without the decoded parts
  expect_exact "abi add, no --abi" 0 '{"status":"ok","r0":"0x0","gas_used":9570,"insns":102,"return":"0700000000000000","logs":1,"log":[{"topics":["'$added'"],"data":"'$who'07000000000000000700000000000000"}]}' "" \
    "$DVM" exec "$C" --entry add --input 070000000000000003000000c0ffee
  expect_exact "abi add, array args" 0 '{"status":"ok","r0":"0x0","gas_used":9570,"insns":102,"return":"0700000000000000","decoded":{"total":"7"},"logs":1,"log":[{"topics":["'$added'"],"data":"'$who'07000000000000000700000000000000","event":"Added","fields":{"who":"'$who'","amount":"7","total":"7"}}]}' "" \
    "$DVM" exec "$C" --entry add --abi "$A" --args '["7","0xc0ffee"]'
  expect_exact "abi view, no args" 0 '{"status":"ok","r0":"0x0","gas_used":697,"insns":18,"return":"00000000000000000000000000000000","decoded":{"total":"0","half":"0"}}' "" \
    "$DVM" exec "$C" --entry total --abi "$A"
  expect_exact "abi revert: no decoded" 1 '{"status":"revert","r0":"0x0","gas_used":61,"insns":3,"message":"6661696c3a20616c77617973"}' "" \
    "$DVM" exec "$C" --entry fail --abi "$A"
  # a method of the program that the ABI leaves out
  sed 's/"name": "fail"/"name": "fail2"/' "$A" >"$T/partial.abi.json"
  expect_exact "abi unknown method" 2 "" "dvm exec: $T/partial.abi.json: the ABI has no method fail" \
    "$DVM" exec "$C" --entry fail --abi "$T/partial.abi.json"
  expect_exact "abi bad JSON" 2 "" "dvm exec: --args: '}' expected near end of file" \
    "$DVM" exec "$C" --entry add --abi "$A" --args '{"amount":5'
  expect_exact "abi wrong type" 2 "" "dvm exec: add: args.amount: u64: expected an integer or a decimal string, got a boolean" \
    "$DVM" exec "$C" --entry add --abi "$A" --args '{"amount":true,"note":""}'
  expect_exact "abi bad bytes" 2 "" "dvm exec: add: args.note: bytes: expected an even number of hex digits (at most 65536 bytes)" \
    "$DVM" exec "$C" --entry add --abi "$A" --args '{"amount":1,"note":"abc"}'
  expect_exact "abi missing arg" 2 "" "dvm exec: add: args.note: missing (bytes)" \
    "$DVM" exec "$C" --entry add --abi "$A" --args '{"amount":1}'
  expect_exact "abi extra arg" 2 "" "dvm exec: add: args.x: no such argument" \
    "$DVM" exec "$C" --entry add --abi "$A" --args '{"amount":1,"note":"","x":2}'
  expect_exact "abi args for none" 2 "" "dvm exec: total: args: 1 values for 0 arguments" \
    "$DVM" exec "$C" --entry total --abi "$A" --args '[1]'
  expect_exact "abi and --input" 2 "" "dvm exec: --abi wants --entry METHOD and takes the input from --args, not --input, --input-file or --mem" \
    "$DVM" exec "$C" --entry add --abi "$A" --input 00
  expect_exact "abi without --entry" 2 "" "dvm exec: --abi wants --entry METHOD and takes the input from --args, not --input, --input-file or --mem" \
    "$DVM" exec "$C" --abi "$A"
  expect_exact "args without --abi" 2 "" "dvm exec: --args needs --abi (the method's argument types)" \
    "$DVM" exec "$C" --entry add --args '{}'
  expect_exact "abi file missing" 2 "" "dvm exec: $T/none.json: No such file or directory" \
    "$DVM" exec "$C" --entry add --abi "$T/none.json"
else
  echo "note: no counter contract (clang without BPF): the --abi cases are skipped"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
