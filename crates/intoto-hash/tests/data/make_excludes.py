"""Regenerates excludes.json with the reference's matcher (pathspec GitIgnoreSpec, as in-toto
3.1.0 compiles it):  .venv/bin/python crates/intoto-hash/tests/data/make_excludes.py"""
import itertools, json, random, warnings
from pathlib import Path
from pathspec import GitIgnoreSpec

warnings.simplefilter("ignore")
PATTERNS = [
    "*.link*", ".git", "*.pyc", "*~", "*.txt", "!keep.txt", "/top", "out/", "!out/keep",
    "a/**/z", "**/b", "b/**", "**", "*", "*/", "**/", "/*", "a/*", "[ab]?.c", "[!x]y", "[]]",
    "\\!bang", "\\#hash", "sp\\ ", "trail   ", "dir/sub", "d?r/", "*/x/*", "a/**", "!a/b",
    "#comment", "", "/", "x[", "ü*", "名前", "a b", "**/c/**", "!**/c/keep",
]
PATHS = [
    "a", "a/b", "a/b/c", "a/z", "a/x/y/z", "b", "x/b", "b/c", "top", "sub/top", "out", "out/x",
    "out/keep", "keep.txt", "x/keep.txt", "f.txt", "f.txt/inner", "ab.c", "b1.c", "c1.c", "zy",
    "xy", "]", "!bang", "#hash", "sp ", "trail", "dir/sub", "dir/sub/f", "dar/f", "q/x/r",
    "üb", "名前", "a b", "c/keep", "q/c/r", "m.pyc", "f~", "x.link", ".git/HEAD", ".", "..",
    "../up", "/abs/b", "./a", "e.link-unfinished", "deep/a/b/c/d",
]
rng = random.Random(3)
cases = []
for p in PATHS:
    for pat in PATTERNS:
        cases.append([[pat], p])
for _ in range(600):
    pats = rng.sample(PATTERNS, rng.randint(2, 4))
    cases.append([pats, rng.choice(PATHS)])
out = []
for pats, path in cases:
    try:
        spec = GitIgnoreSpec.from_lines("gitwildmatch", pats)
    except Exception as e:  # the reference refuses the pattern list
        out.append({"patterns": pats, "path": path, "excluded": None})
        continue
    out.append({"patterns": pats, "path": path, "excluded": bool(spec.match_file(path))})
Path(__file__).with_name("excludes.json").write_text(
    "[\n" + ",\n".join(json.dumps(c, ensure_ascii=False) for c in out) + "\n]\n")
print(len(out), "cases")
