#!/usr/bin/env python3
"""mutate.py — mutation testing as a habit (issue 14).

Applies the small mutations of tools/mutations.txt one at a time to a copy
of the tree, rebuilds it incrementally, runs the ctest subset named by the
mutation's library (with a per-mutant timeout), restores the file, and
prints for each mutant KILLED (and the first test that caught it) or
SURVIVED. A mutation is found by a code pattern that must occur exactly once
in its file (never by a line number), so the list survives edits; a pattern
that no longer matches is reported STALE (fix the list).

  tools/mutate.py [--list FILE] [--work DIR] [--only REGEX] [--timeout S] [-j N]

The copy lives in --work (default /tmp/dvm-mutate); its first build is a full
one, later runs reuse it. Run it before merging a change to consensus code
(vm/, fx/, state/, tx/, runtime/, assembler/): every SURVIVED line is a
one-line bug that no test would catch: add a test that kills it or, when the
mutant is equivalent (no observable difference), say why in mutations.txt.
"""
import argparse, os, re, shutil, subprocess, sys, time

# ctest subsets per library: the tests that exercise it directly.
SUBSETS = {
    "vm": r"^(vm_cases|vm_verifier|vm_conformance|vm_diff|sc_cases|fuzz_regress_verify_exec|fuzz_regress_diff_interp)$",
    "fx": r"^(fxmath_unit|fxmath_vectors|fxmath_reference|sc_cases)$",
    "state": r"^(state_overlay|state_store|state_lthash|state_skip|sc_cases|rt_golden)$",
    "tx": r"^(tx_codec|tx_sig|tx_block|tx_genesis|tx_mutate|money_edges)$",
    "runtime": r"^(sc_cases|money_edges|rt_chain|rt_market|rt_golden|rt_mempool|rt_gas_limit|rt_storage_cost|rt_balance_cost)$",
    "assembler": r"^(asm_conformance|asm_diagnostics|asm_dialects|asm_roundtrip|asm_branch_range|vm_cases)$",
}

def parse(path):
    muts, cur = [], None
    for ln, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("== "):
            cur = {"name": line[3:].strip(), "line": ln}
            muts.append(cur)
            continue
        key, _, val = line.partition(":")
        val = val[1:] if val.startswith(" ") else val
        if cur is None or key not in ("lib", "file", "find", "replace", "why", "equivalent"):
            sys.exit("%s:%d: expected '== name' or lib/file/find/replace/why/equivalent" % (path, ln))
        cur[key] = val.replace("\\n", "\n")
    for m in muts:
        for k in ("lib", "file", "find", "replace"):
            if k not in m:
                sys.exit("%s:%d: mutant %s has no %s" % (path, m["line"], m["name"], k))
        if m["lib"] not in SUBSETS:
            sys.exit("%s:%d: unknown lib %s" % (path, m["line"], m["lib"]))
    return muts

def run(cmd, cwd, timeout=None):
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                           text=True, errors="replace")
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        return -9, (e.stdout or "") if isinstance(e.stdout, str) else ""

def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--list", default=os.path.join(root, "tools", "mutations.txt"))
    ap.add_argument("--work", default="/tmp/dvm-mutate")
    ap.add_argument("--only", default=None, help="run only mutants whose name matches")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per mutant's tests")
    ap.add_argument("-j", type=int, default=2)
    a = ap.parse_args()
    muts = parse(a.list)
    if a.only:
        muts = [m for m in muts if re.search(a.only, m["name"])]
    src = os.path.join(a.work, "src")
    bld = os.path.join(a.work, "build")
    os.makedirs(a.work, exist_ok=True)
    # A fresh copy of the sources (the build dir is kept: incremental).
    def ignore(d, names):
        if os.path.abspath(d) == root:
            return [n for n in names if n.startswith("build") or n == ".git"]
        return [".git"] if ".git" in names else []
    shutil.copytree(root, src, ignore=ignore, dirs_exist_ok=True, copy_function=shutil.copy2)
    if not os.path.exists(os.path.join(bld, "build.ninja")):
        rc, out = run(["cmake", "-S", src, "-B", bld, "-G", "Ninja", "-DCMAKE_C_COMPILER=gcc",
                       "-DDVM_BENCH=OFF",
                       "-DDVM_SHARED_DIR=" + os.path.realpath(os.path.join(root, "..", "shared"))], root)
        if rc:
            sys.exit("configure failed:\n" + out)
    rc, out = run(["nice", "cmake", "--build", bld, "-j%d" % a.j], root)
    if rc:
        sys.exit("the unmutated tree does not build:\n" + out[-3000:])
    # The unmutated tree must pass every subset used.
    for lib in sorted({m["lib"] for m in muts}):
        rc, out = run(["ctest", "--test-dir", bld, "-R", SUBSETS[lib], "--timeout", str(a.timeout)], root)
        if rc:
            sys.exit("the unmutated tree fails the %s subset:\n%s" % (lib, out[-3000:]))
    killed = survived = stale = equiv = 0
    rows = []
    t0 = time.time()
    for m in muts:
        path = os.path.join(src, m["file"])
        text = open(path, encoding="utf-8").read()
        n = text.count(m["find"])
        if n != 1:
            stale += 1
            rows.append((m, "STALE", "pattern found %d times" % n))
            print("STALE     %-34s %s (pattern found %d times)" % (m["name"], m["file"], n), flush=True)
            continue
        mutated = text.replace(m["find"], m["replace"])
        try:
            open(path, "w", encoding="utf-8").write(mutated)
            rc, out = run(["nice", "cmake", "--build", bld, "-j%d" % a.j], root)
            if rc:
                verdict, by = "KILLED", "build (compile error or a POST_BUILD check)"
            else:
                rc, out = run(["nice", "ctest", "--test-dir", bld, "-R", SUBSETS[m["lib"]], "--timeout",
                               str(a.timeout)], root, timeout=a.timeout * 4)
                if rc == 0:
                    verdict, by = "SURVIVED", ""
                else:
                    failed = re.findall(r"^\s*\d+ - (\S+) \(", out, re.M)
                    verdict, by = "KILLED", ", ".join(failed[:3]) if failed else "ctest timeout"
        finally:
            open(path, "w", encoding="utf-8").write(text)
        if verdict == "KILLED":
            killed += 1
        elif "equivalent" in m:
            verdict = "EQUIV"
            equiv += 1
        else:
            survived += 1
        rows.append((m, verdict, by))
        note = by if verdict == "KILLED" else ("equivalent: " + m["equivalent"] if "equivalent" in m else "")
        print("%-9s %-34s %-24s %s" % (verdict, m["name"], m["file"], note), flush=True)
    # Rebuild the unmutated tree so the copy is clean for the next run.
    run(["nice", "cmake", "--build", bld, "-j%d" % a.j], root)
    total = killed + survived + equiv
    print("\n%d mutants: %d killed, %d survived, %d equivalent (survive by design), %d stale; "
          "score %.1f%% of all, %.1f%% of the non-equivalent (%.0f s)" %
          (total, killed, survived, equiv, stale, 100.0 * killed / total if total else 0,
           100.0 * killed / (killed + survived) if killed + survived else 0, time.time() - t0))
    return 1 if survived or stale else 0

if __name__ == "__main__":
    sys.exit(main())
