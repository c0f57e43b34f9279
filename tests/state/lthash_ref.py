#!/usr/bin/env python3
"""lthash_ref.py - an independent reference of the lattice hash of
spec/state.md section 4 (pure Python: hashlib BLAKE2b and a textbook
ChaCha20 of RFC 8439), used to derive and cross-check the spec's vectors.

    python3 lthash_ref.py              print the vectors
    python3 lthash_ref.py spec/state.md  check the vectors in the spec (exit 1 on mismatch)
"""
import hashlib
import struct
import sys

DOMAIN = b"dvm-state-lthash-v1"
ACCOUNTS, CODE, STORAGE = 0, 1, 2


def _rotl(x, n):
    return ((x << n) & 0xFFFFFFFF) | (x >> (32 - n))


def _qr(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & 0xFFFFFFFF; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & 0xFFFFFFFF; s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_ietf(key, nonce, n):
    """RFC 8439 keystream: 32-byte key, 12-byte nonce, block counter from 0."""
    out = bytearray()
    const = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    k = list(struct.unpack("<8I", key))
    nn = list(struct.unpack("<3I", nonce))
    counter = 0
    while len(out) < n:
        init = const + k + [counter] + nn
        s = init[:]
        for _ in range(10):
            _qr(s, 0, 4, 8, 12); _qr(s, 1, 5, 9, 13); _qr(s, 2, 6, 10, 14); _qr(s, 3, 7, 11, 15)
            _qr(s, 0, 5, 10, 15); _qr(s, 1, 6, 11, 12); _qr(s, 2, 7, 8, 13); _qr(s, 3, 4, 9, 14)
        out += struct.pack("<16I", *[(s[i] + init[i]) & 0xFFFFFFFF for i in range(16)])
        counter += 1
    return bytes(out[:n])


def seed(table, key, val):
    enc = DOMAIN + bytes([table]) + struct.pack("<I", len(key)) + key + struct.pack("<I", len(val)) + val
    return hashlib.blake2b(enc, digest_size=32).digest()


def element(table, key, val):
    return list(struct.unpack("<1024H", chacha20_ietf(seed(table, key, val), b"\0" * 12, 2048)))


def add(a, b):
    return [(x + y) & 0xFFFF for x, y in zip(a, b)]


def sub(a, b):
    return [(x - y) & 0xFFFF for x, y in zip(a, b)]


def root(s):
    return hashlib.blake2b(struct.pack("<1024H", *s), digest_size=32).hexdigest()


def u64(x):
    return struct.pack("<Q", x)


CONTRACT = bytes([0x01] * 32)
ALICE = bytes([0xA1] * 32)
BOB = bytes([0xB0] * 32)
GENESIS = [
    (ACCOUNTS, ALICE, u64(1000)),
    (ACCOUNTS, BOB, u64(250)),
    (CODE, CONTRACT, b"\x7fDVM\x01"),
    (STORAGE, CONTRACT + b"price", u64(42)),
]
INSERT = (STORAGE, CONTRACT + b"order/0001", b"bid 100@7")
DELETE = (ACCOUNTS, BOB, u64(250))
UPDATE_OLD = (ACCOUNTS, ALICE, u64(1000))
UPDATE_NEW = (ACCOUNTS, ALICE, u64(900))


def vectors():
    v = {}
    zero = [0] * 1024
    v["root(empty)"] = root(zero)
    v["seed(alice)"] = seed(*GENESIS[0]).hex()
    e = element(*GENESIS[0])
    v["lanes(alice)[0..7]"] = " ".join("%04x" % x for x in e[:8])
    s = zero
    for ent in GENESIS:
        s = add(s, element(*ent))
    v["root(genesis)"] = root(s)
    s = add(s, element(*INSERT))
    v["root(insert)"] = root(s)
    s = sub(s, element(*DELETE))
    v["root(delete)"] = root(s)
    s = add(sub(s, element(*UPDATE_OLD)), element(*UPDATE_NEW))
    v["root(update)"] = root(s)
    return v


def main():
    v = vectors()
    if len(sys.argv) < 2:
        for k, x in v.items():
            print("%-19s = %s" % (k, x))
        return 0
    found = {}
    for line in open(sys.argv[1], encoding="utf-8"):
        if "=" in line:
            k, _, x = line.partition("=")
            k = k.strip()
            if k in v:
                found[k] = x.strip()
    bad = [k for k in v if found.get(k) != v[k]]
    for k in bad:
        print("mismatch %s: spec %s, reference %s" % (k, found.get(k), v[k]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
