#!/usr/bin/env python3
"""Reference vectors for tests/fx/test_fxmath_ref.c.

    python3 gen_vectors.py OUTPUT [--quick]

One case per line, '#' starts a comment:
    <fn> <arg>... <expected>
fn is exp, ln, sqrt, pow, cdf, pdf (args: fx integers; expected: the exact
value times 1e9 rounded to 1e-12, or R when the exact result does not fit an
int64 after rounding) or bs (args S K T sigma r as fx integers; expected: 8
values call put call_delta put_delta gamma vega call_theta put_theta).
Grids are dense over each domain and deterministic (fixed seeds), including
domain edges.  Standard library only; ~20 s on one core.
"""
import os, random, sys, time
sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from decimal import Decimal as D, localcontext
import fxref

ONE = 10 ** 9
I64 = (1 << 63) - 1
Q = D("1e-12")
LIM = D(I64) + D("0.5")

def fmt(v):
    """exact value v (Decimal, natural units) -> string of v*1e9 to 1e-12"""
    with localcontext() as c:
        c.prec = 60
        w = v * ONE
        if abs(w) >= LIM:
            return "R"
        return format(w.quantize(Q), "f")

def fx(v):
    return D(v) / ONE

def logspace(lo, hi, n):
    """n integers spread log-uniformly over [lo, hi] (lo >= 1)"""
    import math
    a, b = math.log(lo), math.log(hi)
    return sorted({int(round(math.exp(a + (b - a) * i / (n - 1)))) for i in range(n)})

def linspace(lo, hi, n):
    return [lo + (hi - lo) * i // (n - 1) for i in range(n)]

def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_vectors.py OUTPUT [--quick]")
    quick = "--quick" in sys.argv
    k = 10 if quick else 1
    rnd = random.Random(20261124)
    out = []
    t0 = time.time()

    # exp: [-21.5, x_max], x_max the largest x whose rounded result fits
    xs = set(linspace(-21_500_000_000, 22_944_000_000, 20001 // k))
    xs |= {rnd.randint(-21_500_000_000, 22_944_000_000) for _ in range(4000 // k)}
    xs |= {rnd.randint(-2 * ONE, 2 * ONE) for _ in range(2000 // k)}
    with localcontext() as c:
        c.prec = 60
        xmax = int(((LIM - D("1e-30")) / ONE).ln() * ONE)
    xs |= {0, 1, -1, 2, -2, ONE, -ONE, 693147181, -693147181, xmax, xmax - 1,
           xmax + 1, xmax + 2, 23 * ONE, -21_416_413_017, -21_416_413_018,
           -20 * ONE, 10 * ONE}
    xs |= set(range(-50, 51))
    for x in sorted(xs):
        out.append("exp %d %s" % (x, fmt(fx(x).exp())))

    # ln: (0, 2^63)
    xs = set(logspace(1, I64, 20000 // k))
    xs |= {ONE + d for d in range(-300, 301)}
    xs |= {rnd.randint(1, I64) for _ in range(2000 // k)}
    xs |= {rnd.randint(ONE // 2, 2 * ONE) for _ in range(3000 // k)}
    xs |= {1, 2, 3, 10, 707106781, 707106782, 1414213562, 1414213563,
           2 * ONE, 2718281828, I64, I64 - 1, 1 << 62, (1 << 62) - 1}
    for x in sorted(xs):
        out.append("ln %d %s" % (x, fmt(fx(x).ln())))

    # sqrt: [0, 2^63)
    xs = set(logspace(1, I64, 8000 // k)) | {0}
    xs |= {rnd.randint(0, I64) for _ in range(2000 // k)}
    for r in logspace(1, 3_037_000_499, 1000 // k):
        for d in (-1, 0, 1):
            if 0 <= r * r + d <= I64:
                xs.add(r * r + d)
    xs |= {I64, I64 - 1, 1, 2, 3, 4, ONE}
    for x in sorted(xs):
        out.append("sqrt %d %s" % (x, fmt(fx(x).sqrt())))

    # pow: x in [1e-9, 1e6] (log), y in [-25, 25], plus x near 1 with big y
    pts = set()
    for x in logspace(1, 10 ** 15, 120 // k):
        for y in linspace(-25 * ONE, 25 * ONE, 101 // (k if k > 1 else 1)):
            pts.add((x, y))
    for _ in range(3000 // k):
        pts.add((rnd.randint(1, 10 ** 12), rnd.randint(-8 * ONE, 8 * ONE)))
    for _ in range(1000 // k):
        pts.add((rnd.randint(ONE - 1000, ONE + 1000), rnd.randint(-10 ** 13, 10 ** 13)))
    for _ in range(1000 // k):
        pts.add((rnd.randint(1, 4 * ONE), rnd.choice([2, 3, 5, 10, 500000000, 250000000,
                                                      -500000000, 1500000000, 2 * ONE])))
    # x within 50 ulps of 1 with |y| up to 9.2e9, y ln x spread over [-22, 23]
    with localcontext() as c:
        c.prec = 60
        for d in list(range(-50, 0)) + list(range(1, 51)):
            lx = fx(ONE + d).ln()
            for p in linspace(-22 * ONE, 23 * ONE, 46 // (k if k > 1 else 1)):
                if p == 0:
                    continue
                y = int((fx(p) / lx * ONE).to_integral_value())
                if -I64 <= y <= I64:
                    pts.add((ONE + d, y))
    for x, y in sorted(pts):
        if y == 0 or y == ONE:
            continue
        with localcontext() as c:
            c.prec = 60
            lx = fx(x).ln() * fx(y)
            if lx > 30:
                e = "R"
            elif lx < -30:
                e = fmt(D(0))
            else:
                e = fmt(lx.exp())
        out.append("pow %d %d %s" % (x, y, e))

    # cdf: [-11, 11] every 0.001 plus random; pdf: [-8, 8] every 0.001
    xs = set(linspace(-11 * ONE, 11 * ONE, 22001 // k))
    xs |= {rnd.randint(-9 * ONE, 9 * ONE) for _ in range(4000 // k)}
    xs |= {0, 1, -1, 10_031_250_000, -10_031_250_000, 10_031_249_999, 12 * ONE, -12 * ONE,
           I64, -I64 - 1}
    for x in sorted(xs):
        out.append("cdf %d %s" % (x, fmt(fxref.cdf(fx(x)))))
    xs = set(linspace(-8 * ONE, 8 * ONE, 16001 // k))
    xs |= {rnd.randint(-8 * ONE, 8 * ONE) for _ in range(2000 // k)}
    xs |= {0, 1, -1, 7 * ONE, -7 * ONE, I64, -I64 - 1}
    for x in sorted(xs):
        out.append("pdf %d %s" % (x, fmt(fxref.pdf(fx(x)))))

    # Black-Scholes: S = 100; K/S in [0.2, 5]; T in [1h, 2y]; sigma in [1%, 500%];
    # r in {-10%, 0, 5%, 30%, 100%}; plus random points with S from 0.01 to 1e6
    hour = ONE // 8766  # 1/8766 year
    cases = set()
    import math
    ks = [math.exp(math.log(0.2) + math.log(25) * i / 14) for i in range(15)]
    ts = [math.exp(math.log(1 / 8766) + math.log(2 * 8766) * i / 9) for i in range(10)]
    vs = [math.exp(math.log(0.01) + math.log(500) * i / 9) for i in range(10)]
    rs = [-0.1, 0.0, 0.05, 0.3, 1.0]
    if quick:
        ks, ts, vs, rs = ks[::3], ts[::3], vs[::3], rs[::2]
    S = 100 * ONE
    for kk in ks:
        for t in ts:
            for v in vs:
                for r in rs:
                    cases.add((S, int(S * kk), max(hour, int(t * ONE)), int(v * ONE), int(r * ONE)))
    for _ in range(1500 // k):
        s = int(math.exp(rnd.uniform(math.log(0.01), math.log(1e6))) * ONE)
        kr = math.exp(rnd.uniform(math.log(0.2), math.log(5)))
        t = math.exp(rnd.uniform(math.log(1 / 8766), math.log(2)))
        v = math.exp(rnd.uniform(math.log(0.01), math.log(5)))
        r = rnd.uniform(-0.1, 1.0)
        cases.add((s, int(s * kr), int(t * ONE), int(v * ONE), int(r * ONE)))
    # the whole domain, outside the target region: S from 1e-3 to 1e9, K/S from
    # 1e-3 to 1e3, T from 1e-9 to 20 years, sigma up to 1000%, r in [-1, 1]
    for _ in range(1500 // k):
        s = int(math.exp(rnd.uniform(math.log(1e-3), math.log(1e9))) * ONE)
        kx = int(s * math.exp(rnd.uniform(math.log(1e-3), math.log(1e3))))
        t = int(math.exp(rnd.uniform(math.log(1e-9), math.log(20))) * ONE)
        if rnd.random() < 0.5:
            v = int(rnd.uniform(0, 10) * ONE)
        else:
            v = int(math.exp(rnd.uniform(math.log(1e-9), math.log(10))) * ONE)
        r = int(rnd.uniform(-1, 1) * ONE)
        if 1 <= kx <= I64 and t > 0 and v > 0:
            cases.add((s, kx, t, v, r))
    # the corner with the largest non-rounding error: e^(-rT) up to e^20
    for _ in range(300 // k):
        s = int(math.exp(rnd.uniform(math.log(1e-3), math.log(10))) * ONE)
        kx = int(s * math.exp(rnd.uniform(math.log(0.1), math.log(10))))
        t = int(rnd.uniform(5, 20) * ONE)
        v = int(rnd.uniform(0.01, 10) * ONE)
        r = int(rnd.uniform(-1, -0.5) * ONE)
        if kx >= 1:
            cases.add((s, kx, t, v, r))
    for c5 in sorted(cases):
        s, kx, t, v, r = c5
        ref = fxref.black_scholes(fx(s), fx(kx), fx(t), fx(v), fx(r))
        vals = [ref[n] for n in ("call", "put", "call_delta", "put_delta", "gamma", "vega",
                                 "call_theta", "put_theta")]
        out.append("bs %d %d %d %d %d %s" % (s, kx, t, v, r, " ".join(fmt(x) for x in vals)))

    with open(sys.argv[1], "w") as f:
        f.write("# generated by tests/fx/gen_vectors.py\n")
        f.write("\n".join(out))
        f.write("\n")
    sys.stderr.write("gen_vectors: %d cases in %.1f s\n" % (len(out), time.time() - t0))

if __name__ == "__main__":
    main()
