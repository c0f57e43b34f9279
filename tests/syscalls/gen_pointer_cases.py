#!/usr/bin/env python3
"""gen_pointer_cases.py — writes tests/syscalls/cases/pointers.cases: for every
pointer argument of every syscall (the table below, one row per pointer
argument of runtime/syscalls.def), the rules of spec/syscalls.md §1.2:

  * a read from each region (rodata, stack, heap, input) works; a write works
    on the stack and the heap and faults on rodata and input;
  * region 0, region 5 and an address with high bits set fault;
  * an access ending exactly at a region's end works, one byte further faults;
  * a zero length with a bogus pointer is valid (variable lengths only).

Every pointed-at byte is zero in every region, so a case's result is the same
whichever region holds it. Run with --check to compare with the checked-in
file (ctest sc_pointer_cases_fresh)."""
import hashlib, sys, os

H = 0x300000000
RO, STACK_TOP, INP = 0x100000000, 0x200001000, 0x400000000
ROLEN = INPLEN = 1024
HEAPLEN = 32768
GAS = 1000000
BOGUS = 0x10  # region 0

ZERO_HASH16 = hashlib.blake2b(bytes(16), digest_size=32).digest()

def le(v):
    return (v & (2**64 - 1)).to_bytes(8, "little").hex()

# name: (args as a list of (kind, value)), sysgas, setup lines, success checks
#   kind 'v' value; ('R'|'W', length, lenreg or None) a pointer
SETUP_KV = [":: storage_of ee 00000000 1122334455667788"]
SC = {
  # return / revert: 10 + 8 + 3 * 8 (the outermost call's data goes into the receipt)
  "dvm_return": dict(args=[("R", 8, 1), ("v", 8)], gas=42, ok=["-> return 0000000000000000"]),
  "dvm_revert": dict(args=[("R", 8, 1), ("v", 8)], gas=42, ok=["-> revert 0000000000000000"]),
  "dvm_log": dict(args=[("R", 32, 1), ("v", 1), ("R", 8, 3), ("v", 8)], gas=166,
                  ok=["-> r0 0", "-> nlogs 1", "-> log 0 01" + "00" * 40]),
  "dvm_storage_get": dict(args=[("R", 4, 1), ("v", 4), ("W", 8, 3), ("v", 8)], gas=612, setup=SETUP_KV,
                          r0=8, out="1122334455667788"),
  "dvm_storage_set": dict(args=[("R", 4, 1), ("v", 4), ("R", 8, 3), ("v", 8)], gas=8560,
                          ok=["-> r0 0", "-> storage_of ee 00000000 0000000000000000"]),
  "dvm_storage_del": dict(args=[("R", 4, 1), ("v", 4)], gas=304, setup=SETUP_KV,
                          ok=["-> r0 1", "-> storage_of ee 00000000 absent"]),
  "dvm_storage_next": dict(args=[("R", 4, 1), ("v", 4), ("W", 8, 3), ("v", 8)], gas=612,
                           setup=[":: storage_of ee 0102030405060708 -"], r0=8, out="0102030405060708"),
  "dvm_balance": dict(args=[("R", 32, None), ("v", 1)], gas=400, setup=[":: balance 0 1 777"], ok=["-> r0 777"]),
  # 500 + 8,000: the receiver's balance key is new; the sender's was written by the setup
  "dvm_transfer": dict(args=[("v", 1), ("R", 32, None), ("v", 5)], gas=8500, setup=[":: balance ee 1 100"],
                       ok=["-> r0 0", "-> balance 0 1 5", "-> balance ee 1 95"]),
  "dvm_caller": dict(args=[("W", 32, None)], gas=10, r0=0, out="ca" * 8),
  "dvm_self": dict(args=[("W", 32, None)], gas=10, r0=0, out="ee" * 8),
  "dvm_oracle_price": dict(args=[("v", 3), ("W", 16, None)], gas=100, setup=[":: oracle 3 5000000000 1700000000"],
                           r0=0, out=le(5000000000)),
  "dvm_return_data": dict(args=[("W", 9, 2), ("v", 9)], gas=19, setup=[":: child a1a2a3a4a5a6a7a8a9"],
                          r0=9, out="a1a2a3a4a5a6a7a8"),
  "dvm_hash_blake2b": dict(args=[("R", 16, 2), ("v", 16), ("W", 32, None)], gas=96, r0=0,
                           out=ZERO_HASH16[:8].hex()),
  "dvm_ed25519_verify": dict(args=[("R", 8, 2), ("v", 8), ("R", 64, None), ("R", 32, None)], gas=45008,
                             ok=["-> r0 0"]),
  "dvm_param_get": dict(args=[("R", 4, 2), ("v", 4), ("W", 8, 4), ("v", 8)], gas=204,
                        setup=[":: param 00000000 1122334455667788"], r0=8, out="1122334455667788"),
  "dvm_oracle_price_at": dict(args=[("v", 3), ("v", 1699999999), ("W", 16, None)], gas=400,
                              setup=[":: oracle 3 5000000000 1700000000"], r0=0, out=le(5000000000)),
}

CITE_READ = '"reading needs a readable region, writing needs the stack or the heap"'
CITE_BAD = '"A bad pointer — outside every region, a host address, a write to read-only data or input — traps `mem_fault` at the `call`, with the address, width and access"'
CITE_EXACT = '"through the caller\'s memory map (`spec/memory.md`) for exactly the bytes it covers"'
CITE_ZERO = '"A zero length is always a valid pointer."'

# Heap offsets of the default pointer of argument i (all zero bytes there).
def heap_default(i):
    return H + 0x1000 * (i + 1)

def program(name, args, over, after_load):
    """over: {argindex: value}; after_load: extra lines after the call."""
    lines = []
    for i, (kind, v, *rest) in enumerate(args):
        val = over.get(i)
        if val is None:
            val = v if kind == "v" else heap_default(i)
        lines.append("lddw %%r%d, 0x%x" % (i + 1, val & (2**64 - 1)))
    lines.append("call " + name)
    lines += after_load
    lines.append("exit")
    return lines

def ok_checks(name, d, i, region):
    if "ok" in d:
        return list(d["ok"]), []
    # a write target: copy its first 8 bytes to heap 0x7000 and check them
    w = [j for j, a in enumerate(d["args"]) if a[0] == "W"][0]
    reg = "%%r%d" % (w + 1)
    after = ["ldxdw %%r7, [%s+0]" % reg, "lddw %r8, 0x300007000", "stxdw [%r8+0], %r7"]
    return ["-> r0 %d" % d["r0"], "-> heap 0x7000 " + d["out"]], after

def case(out, cname, name, cite, setup, prog, checks):
    out.append("== %s  %s  %s" % (cname, name, cite))
    out += setup
    out += prog
    out += checks
    out.append("")

def main():
    out = ["# GENERATED by tests/syscalls/gen_pointer_cases.py: do not edit; rerun it.",
           "# Every pointer argument of every syscall against the memory map (spec/syscalls.md §1.2).", ""]
    for name, d in SC.items():
        args = d["args"]
        base_setup = list(d.get("setup", [])) + [":: rodata " + "00" * ROLEN, ":: input " + "00" * INPLEN]
        for i, a in enumerate(args):
            if a[0] == "v":
                continue
            acc, ln, lenreg = a
            short = "%s-a%d" % (name[4:], i + 1)
            write = acc == "W"
            sysgas = ["-> sysgas %d" % d["gas"]]
            # each region
            for rname, addr in (("rodata", RO), ("stack", STACK_TOP - 0x800), ("heap", heap_default(i)), ("input", INP)):
                prog_over = {i: addr}
                if write and rname in ("rodata", "input"):
                    prog = program(name, args, prog_over, [])
                    pc = 1 + 2 * len(args) - 1 + 1 - 1  # lddw is 2 slots; the call follows them
                    pc = 2 * len(args)
                    case(out, short + "-" + rname, name, CITE_READ, base_setup + [":: gas %d" % GAS], prog,
                         ["-> trap mem_fault pc %d" % pc, "-> fault 0x%x %d write" % (addr, ln), "-> gas %d" % GAS])
                else:
                    checks, after = ok_checks(name, d, i, rname)
                    case(out, short + "-" + rname, name, CITE_READ, base_setup, program(name, args, prog_over, after),
                         checks + sysgas)
            # bad addresses
            for bname, addr in (("region0", BOGUS), ("region5", 0x500000000), ("highbits", 0x8000000300001000),
                                ("highbits2", 0x0000000b00001000)):
                pc = 2 * len(args)
                case(out, short + "-" + bname, name, CITE_BAD, base_setup + [":: gas %d" % GAS],
                     program(name, args, {i: addr}, []),
                     ["-> trap mem_fault pc %d" % pc,
                      "-> fault 0x%x %d %s" % (addr, ln, "write" if write else "read"), "-> gas %d" % GAS])
            # ends of regions
            ends = [("heap", H + HEAPLEN), ("stack", STACK_TOP)]
            if not write:
                ends += [("rodata", RO + ROLEN), ("input", INP + INPLEN)]
            for rname, end in ends:
                checks, after = ok_checks(name, d, i, rname)
                case(out, short + "-%s-end-exact" % rname, name, CITE_EXACT, base_setup,
                     program(name, args, {i: end - ln}, after), checks + sysgas)
                pc = 2 * len(args)
                case(out, short + "-%s-end-plus1" % rname, name, CITE_EXACT, base_setup + [":: gas %d" % GAS],
                     program(name, args, {i: end - ln + 1}, []),
                     ["-> trap mem_fault pc %d" % pc,
                      "-> fault 0x%x %d %s" % (end - ln + 1, ln, "write" if write else "read"), "-> gas %d" % GAS])
    sys.stdout.write("")
    return "\n".join(out)

if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "cases", "pointers.cases")
    text = main()
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        old = open(path).read()
        if old != text:
            print("pointers.cases is stale: run tests/syscalls/gen_pointer_cases.py")
            sys.exit(1)
        sys.exit(0)
    open(path, "w").write(text)
