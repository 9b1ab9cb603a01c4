"""Golden data for canonical JSON: random values encoded by the reference.

Generates N values with a fixed seed (nested objects and arrays of null, booleans, integers in
the 64-bit range, and strings drawn from ASCII, control characters, quotes and backslashes,
Latin-1, CJK, emoji and other non-BMP characters; no lone surrogates, which JSON text cannot
carry) and writes, for each, the value and securesystemslib's `encode_canonical` of it
(base64 of the UTF-8 bytes) to canonical_golden.json. `tests/canonical_golden.rs` checks that
ours produces the same bytes.

Run from the repository root with the reference installed in .venv:
    .venv/bin/python crates/intoto-model/tests/data/gen_canonical_golden.py
"""

import base64
import json
import random
import sys

import securesystemslib
from securesystemslib.formats import encode_canonical

SEED = 7
N = 400
OUT = "crates/intoto-model/tests/data/canonical_golden.json"

ALPHABETS = [
    "abcxyz_-./ 0123456789",
    "".join(chr(c) for c in range(0x00, 0x20)) + "\x7f",
    '"\\"\\\\',
    "äöüßéàñçÅØ\u00a0\u00ff",
    "漢字仮名한국어",
    "😀🎉𝄞\U0010fffd",
    "\u2028\u2029\ufeff\ufffd",
]


def string(rng):
    n = rng.randint(0, 12)
    return "".join(rng.choice(rng.choice(ALPHABETS)) for _ in range(n))


def integer(rng):
    return rng.choice([
        rng.randint(-10, 10),
        rng.randint(-(2**63), 2**63 - 1),
        rng.randint(0, 2**64 - 1),
        rng.choice([0, -1, 2**63 - 1, -(2**63), 2**64 - 1]),
    ])


def value(rng, depth):
    kinds = ["null", "bool", "int", "str"]
    if depth < 4:
        kinds += ["list", "dict", "dict"]
    kind = rng.choice(kinds)
    if kind == "null":
        return None
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "int":
        return integer(rng)
    if kind == "str":
        return string(rng)
    if kind == "list":
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    return {string(rng): value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def main():
    rng = random.Random(SEED)
    cases = []
    for i in range(N):
        v = value(rng, 0)
        canonical = encode_canonical(v)
        cases.append({
            "index": i,
            "value": v,
            "canonical_b64": base64.b64encode(canonical.encode("utf-8")).decode("ascii"),
        })
    doc = {
        "generator": "crates/intoto-model/tests/data/gen_canonical_golden.py",
        "seed": SEED,
        "securesystemslib": securesystemslib.__version__,
        "python": sys.version.split()[0],
        "cases": cases,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=True, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
