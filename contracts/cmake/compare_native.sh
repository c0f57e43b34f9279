#!/usr/bin/env bash
# compare_native.sh DVM CONTRACT.dvm NATIVE CASES — run each case of CASES
# through `dvm exec CONTRACT --entry METHOD --input HEX` (the method as a
# call transaction runs it) and through NATIVE (the same contract source
# built by the host compiler with dvm_host.h), and require the same outcome:
# `return HEX`, `revert HEX`, or `r0 0xHEX` (returned without dvm_return). CASES has one case per line, tab-separated:
#   METHOD  KIND:DATA  [EXPECTED]
# KIND is text (the bytes of DATA), hex, pfx (DATA is `WORD REST`: a u8
# length, WORD, then REST), or gen (DATA bytes of a fixed pattern, passed
# with --input-file); EXPECTED, when present, is the exact
# outcome both must give (e.g. `return 614756736247383d`). Lines starting
# with # are comments. Needs python3 for gen (scripts/deps.sh).
set -u
DVM=$1 CONTRACT=$2 NATIVE=$3 CASES=$4 # NATIVE "-": no native build, EXPECTED only
REQUIRE_OPS=${5:-} # optional: mnemonics the disassembly must contain (e.g. v4 ones)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0 n=0
if [ -n "$REQUIRE_OPS" ]; then
  "$DVM" disasm "$CONTRACT" -o "$T/dis.s" || exit 1
  for op in $REQUIRE_OPS; do
    if grep -qE "^[[:space:]]+$op[[:space:]]" "$T/dis.s"; then echo "ok   $(basename "$CONTRACT") contains $op"
    else echo "FAIL $(basename "$CONTRACT") has no $op instruction"; fail=1; fi
  done
fi
tohex() { od -An -tx1 -v | tr -d ' \n'; }
while IFS=$'\t' read -r method input expect || [ -n "$method" ]; do
  [ -z "$method" ] || [ "${method:0:1}" = "#" ] && continue
  kind=${input%%:*} data=${input#*:}
  case $kind in
    text) hex=$(printf '%s' "$data" | tohex) ;;
    hex) hex=$data ;;
    pfx) word=${data%% *} rest=${data#* }
         hex=$(printf '%02x' "${#word}")$(printf '%s' "$word" | tohex)$(printf '%s' "$rest" | tohex) ;;
    gen) python3 -c "import sys; sys.stdout.buffer.write(bytes((i * 7 + 3) % 256 for i in range($data)))" >"$T/in.bin"
         hex=$(tohex <"$T/in.bin") ;;
    *) echo "FAIL bad case kind '$kind'"; fail=1; continue ;;
  esac
  if [ "$kind" = gen ]; then
    vm=$("$DVM" exec "$CONTRACT" --entry "$method" --input-file "$T/in.bin")
    ref=$("$DVM" exec "$CONTRACT" --entry "$method" --input-file "$T/in.bin" --interp ref)
  else
    vm=$("$DVM" exec "$CONTRACT" --entry "$method" --input "$hex")
    ref=$("$DVM" exec "$CONTRACT" --entry "$method" --input "$hex" --interp ref)
  fi
  if [ "$vm" != "$ref" ]; then
    echo "FAIL $method ${input:0:60}: the interpreters differ: fast '${vm:0:200}', ref '${ref:0:200}'"
    fail=1
  fi
  if [[ $vm =~ \"status\":\"ok\".*\"return\":\"([0-9a-f]*)\" ]]; then vm_out="return ${BASH_REMATCH[1]}"
  elif [[ $vm =~ \"status\":\"revert\".*\"message\":\"([0-9a-f]*)\" ]]; then vm_out="revert ${BASH_REMATCH[1]}"
  elif [[ $vm =~ \"status\":\"ok\",\"r0\":\"(0x[0-9a-f]*)\" ]]; then vm_out="r0 ${BASH_REMATCH[1]}"
  else vm_out="other $vm"; fi
  if [ "$NATIVE" = - ]; then native_out=$vm_out
  else native_out=$("$NATIVE" "$method" "$hex" | grep -E '^(return|revert|r0) ' | head -1); fi
  n=$((n + 1))
  gas=$(sed -n 's/.*"gas_used":\([0-9]*\).*/\1/p' <<<"$vm")
  if [ "$vm_out" != "$native_out" ]; then
    echo "FAIL $method ${input:0:60}: dvm exec gave '${vm_out:0:200}', native '${native_out:0:200}'"
    fail=1
  elif [ -n "${expect:-}" ] && [ "$vm_out" != "$expect" ]; then
    echo "FAIL $method ${input:0:60}: both gave '${vm_out:0:200}', expected '$expect'"
    fail=1
  else
    echo "ok   $method ${input:0:60} -> ${vm_out:0:70} (gas $gas)"
  fi
done <"$CASES"
echo "$n cases"
[ "$n" -ge 1 ] || fail=1
exit $fail
