"""High-precision reference functions for the fixed-point math tests.

Standard library only: decimal.Decimal provides exp, ln and sqrt (correctly
rounded at the context precision); the normal tail function is written here.
Every function takes and returns Decimal and works at PREC digits (plus guard
digits where a series needs them).  Used by gen_vectors.py (test vectors) and
gen_tables.py (the constant tables compiled into fx/fxmath_tables.h).
"""
from decimal import Decimal as D, getcontext, localcontext

PREC = 50
getcontext().prec = PREC

def pi():
    """pi by Machin's formula, to the current precision + guard digits."""
    with localcontext() as c:
        c.prec += 10
        def arctan_inv(n):
            x = D(1) / n
            x2 = x * x
            s, t, k = x, x, 1
            eps = D(10) ** -(c.prec + 2)
            while abs(t) > eps:
                t = -t * x2
                k += 2
                s += t / k
            return s
        r = 4 * (4 * arctan_inv(5) - arctan_inv(239))
    return +r

_ISQ = None

def inv_sqrt_2pi():
    global _ISQ
    if _ISQ is None:
        _ISQ = 1 / (2 * pi()).sqrt()
    return _ISQ

def pdf(x):
    """standard normal density exp(-x^2/2)/sqrt(2 pi)"""
    x = D(x)
    return (-(x * x) / 2).exp() * inv_sqrt_2pi()

def upper(x):
    """Q(x) = 1 - Phi(x) = P(Z > x), absolute accuracy ~1e-(PREC+) and relative
    accuracy ~1e-40 for x > -40; exactly 0 beyond x = 60."""
    x = D(x)
    if x < 0:
        return 1 - upper(-x)
    if x > 60:
        return D(0)
    with localcontext() as c:
        if x <= 5:
            # Marsaglia: Phi(x) = 1/2 + phi(x) * sum x^(2n+1)/(1*3*...*(2n+1)),
            # all terms positive; the sum is ~ e^(x^2/2) so add guard digits.
            c.prec = PREC + 20
            x2 = x * x
            t = x
            s = x
            n = 0
            eps = D(10) ** -(PREC + 15)
            while t > eps:
                n += 1
                t = t * x2 / (2 * n + 1)
                s += t
            r = D("0.5") - pdf(x) * s
        else:
            # continued fraction Q(x) = phi(x) / (x + 1/(x + 2/(x + 3/(x + ...))))
            c.prec = PREC + 10
            n = 400
            f = x
            for k in range(n, 0, -1):
                f = x + k / f
            r = pdf(x) / f
    return +r

def cdf(x):
    return upper(-D(x))

def q96(v):
    """round(v * 2^96) as an int (v Decimal)"""
    with localcontext() as c:
        c.prec = 80
        return int((D(v) * (D(2) ** 96)).to_integral_value())

def black_scholes(S, K, T, sig, r):
    """Reference Black-Scholes (no dividends). Returns dict of Decimals:
    call, put, call_delta, put_delta, gamma, vega (per 1.0 vol),
    call_theta, put_theta (per year).  Inputs as Decimal in natural units."""
    S, K, T, sig, r = D(S), D(K), D(T), D(sig), D(r)
    disc = (-r * T).exp()
    sq = T.sqrt()
    v = sig * sq
    d1 = ((S / K).ln() + (r + sig * sig / 2) * T) / v
    d2 = d1 - v
    q1, q2 = upper(d1), upper(d2)
    n1, n2 = 1 - q1, 1 - q2
    p1 = pdf(d1)
    kd = K * disc
    out = {}
    out["call"] = S * n1 - kd * n2
    out["put"] = kd * q2 - S * q1
    out["call_delta"] = n1
    out["put_delta"] = -q1
    out["gamma"] = p1 / (S * v)
    out["vega"] = S * p1 * sq
    a = -S * p1 * sig / (2 * sq)
    out["call_theta"] = a - r * kd * n2
    out["put_theta"] = a + r * kd * q2
    return out
