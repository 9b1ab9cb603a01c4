"""Generates fnmatch_golden.json: (pattern, path, expected) rows computed by Python's
fnmatch.fnmatch, which the reference (in-toto 3.1.0) uses through fnmatch.filter.

Run from the workspace root with the reference's interpreter:
    .venv/bin/python crates/intoto-rules/tests/data/gen_fnmatch.py
Deterministic (fixed seed); the Python version is recorded in the file.
"""

import fnmatch
import json
import os
import random
import sys

HAND = [
    ("*", ""), ("*", "a/b/c"), ("", ""), ("", "a"), ("a*b", "a/x/b"), ("?", "/"),
    ("?", ""), ("*.py", "x\n.py"), ("a", "A"), ("A", "a"), ("**a", "xa"),
    ("[ab]", "a"), ("[!ab]", "a"), ("[!ab]", "c"), ("[]]", "]"), ("[!]]", "a"),
    ("[!]]", "]"), ("[a-c]", "b"), ("[a-]", "-"), ("[-a]", "-"), ("[a-c-e]", "-"),
    ("[a-c-e]", "d"), ("[b-a]", "a"), ("[b-a]", "b"), ("[!b-a]", "b"), ("[!b-a]", "\n"),
    ("[c-b-a]", "-"), ("[c-b-a]", "a"), ("[c-b-a]", "c"), ("[c-ax-b]", "a"),
    ("[c-ax-b]", "x"), ("[a-zx-b]", "x"), ("[^a]", "^"), ("[^a]", "b"), ("[\\]", "\\"),
    ("[", "["), ("a[b", "a[b"), ("[!]", "[!]"), ("[!]", "a"), ("[*]", "*"), ("[*]", "a"),
    ("[?]", "?"), ("[?]", "a"), ("[[]", "["), ("[]", "[]"), ("[]a]", "a"), ("[]a]", "]"),
    ("[!]a]", "b"), ("[--0]", "."), ("[--0]", "-"), ("[a-a]", "a"), ("[&&]", "&"),
    ("[~~]", "~"), ("[||]", "|"), ("[[:alpha:]]", "a]"), ("[[:alpha:]]", "a"),
    ("\\*", "\\x"), ("\\*", "*"), ("foo/*", "foo/bar/baz"), ("foo/*", "foo"),
    ("*/*", "a/"), ("*.tar.gz", "dist/x.tar.gz"), ("é*", "éa"), ("[é-ü]", "ö"),
    ("[!é]", "é"), ("?", "é"), ("??", "é"), ("*a*a*a*a*b", "a" * 60),
    ("*a*a*a*a*a", "a" * 60), ("a*", "a"), ("*a", "a"), ("*?", ""), ("*?", "x"),
    ("?*?", "x"), ("[a-c][!a-c]*", "bd/e"), ("[!-]", "-"), ("[!-]", "x"),
    ("[a-c-]", "-"), ("[a-c-]", "c"), ("[z-a-]", "-"), ("[z-a-]", "z"), ("[.-/]", "/"),
    ("[/]", "/"), ("a[/]b", "a/b"), ("*[", "x["), ("*[a", "x[a"), ("[a", "a"),
    ("[!a", "[!a"), ("]", "]"), ("[]-a]", "^"), ("[]-a]", "b"), ("[a-]]", "a]"),
    ("[a-]]", "-]"), ("[!a-]", "-"), ("[x-z-a]", "y"), ("[x-z-a]", "-"), ("[x-z-a]", "a"),
]

ALPHABET = ["a", "b", "c", "-", "!", "]", "[", "*", "?", "/", "^", "\\", ".", "z", "é"]
PATH_ALPHABET = ["a", "b", "c", "-", "!", "]", "[", "/", "^", "\\", ".", "z", "é", "\n"]


def main():
    rnd = random.Random(20260509)
    rows = [(p, s) for p, s in HAND]
    for _ in range(4000):
        pattern = "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 7)))
        if rnd.random() < 0.5:
            # a path built from the pattern makes matches likely
            path = "".join(
                rnd.choice(PATH_ALPHABET) if ch in "*?[]!" and rnd.random() < 0.7 else ch
                for ch in pattern
            )
        else:
            path = "".join(rnd.choice(PATH_ALPHABET) for _ in range(rnd.randint(0, 6)))
        rows.append((pattern, path))
    seen = set()
    out = []
    for pattern, path in rows:
        if (pattern, path) in seen:
            continue
        seen.add((pattern, path))
        # exactly what verifylib does: fnmatch.filter(names, pattern)
        expected = fnmatch.filter([path], pattern) == [path]
        assert expected == fnmatch.fnmatch(path, pattern)
        out.append([pattern, path, expected])
    assert os.path.normcase("AbC") == "AbC"  # POSIX: matching is case-sensitive
    doc = {
        "generated_by": "crates/intoto-rules/tests/data/gen_fnmatch.py",
        "python": sys.version.split()[0],
        "rows": out,
    }
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "fnmatch_golden.json"), "w", encoding="utf-8") as f:
        # one row per line keeps diffs readable
        rows_text = ",\n".join(json.dumps(r, ensure_ascii=False) for r in doc.pop("rows"))
        head = json.dumps(doc, ensure_ascii=False)[:-1]
        f.write(f'{head}, "rows": [\n{rows_text}\n]}}\n')
    print(len(out), "rows,", sum(r[2] for r in out), "matching")


if __name__ == "__main__":
    main()
