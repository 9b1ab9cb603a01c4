"""Generates the reference's verdicts for the rule engine and the rule grammar.

- scenarios_golden.json: one item's rules for one side, its own materials/products and other
  links -> what in_toto.verifylib.verify_item_rules (in-toto 3.1.0) does: "pass", "fail"
  (RuleVerificationError from DISALLOW or REQUIRE, with the failing rule's index) or "crash"
  (another exception, e.g. the KeyError of MATCH ... IN <prefix> on paths with a backslash),
  plus the queue after every rule applied (from verifylib.RULE_TRACE).
- grammar_golden.json: rule lists -> in_toto.rulelib.unpack_rule's result or rejection.

Run from the workspace root with the reference installed in .venv:
    .venv/bin/python crates/intoto-rules/tests/data/gen_scenarios.py
Deterministic (fixed seed) apart from nothing; prints coverage counts per rule type and outcome.
"""

import collections
import hashlib
import json
import os
import random

import in_toto.verifylib as verifylib
from in_toto.models.link import Link
from in_toto.rulelib import unpack_rule
from securesystemslib.exceptions import FormatError

HERE = os.path.dirname(os.path.abspath(__file__))


def h(token, algo="sha256"):
    return getattr(hashlib, algo)(token.encode()).hexdigest()


HASHES = [
    {"sha256": h("1")},
    {"sha256": h("2")},
    {"sha256": h("3")},
    {"sha256": h("1"), "sha512": h("1", "sha512")},
]
PATHS = [
    "a", "b.py", "src/a.py", "src/b.py", "src/sub/c.py", "lib/a.py", "lib/src/a.py",
    "foo.tar.gz", "dist/foo.tar.gz", "README", "x/y", "[a]", "a*b", "UPPER.PY", "é.txt",
    "src", "srcx/a.py", "pkg/src/a.py",
]
QUIRK_PATHS = ["src\\x", "src//d", "src/e\\f", "src/e/f", "/d", "a\\b"]
PATTERNS = [
    "*", "*.py", "src/*", "src/*.py", "a", "b.py", "[ab]*", "[!s]*", "?", "*/*", "lib/*",
    "*.tar.gz", "README", "src", "nomatch", "é*", "*\\*", "[a]", "*.PY", "s?c/*", "[a-c]*",
    "src/sub/*", "*a*", "",
]
SRC_PREFIXES = ["src", "src/", "lib", "", "src\\", "pkg/src", "x"]
DST_PREFIXES = ["lib", "pkg", "pkg/", "", "src", "dist", "lib/src"]
STEPS = ["build", "fetch", "item", "missing"]
KEYWORD_CASES = [str.upper, str.lower, str.capitalize]


def kw(rnd, word):
    return rnd.choice(KEYWORD_CASES)(word)


def random_rule(rnd, paths):
    kind = rnd.choice(
        ["MATCH", "MATCH", "MATCH", "CREATE", "DELETE", "MODIFY", "ALLOW", "DISALLOW", "REQUIRE"]
    )
    if kind == "REQUIRE":
        return [kw(rnd, kind), rnd.choice(paths + ["missing.txt"])]
    pattern = rnd.choice(PATTERNS)
    if kind != "MATCH":
        return [kw(rnd, kind), pattern]
    rule = [kw(rnd, "match"), pattern]
    if rnd.random() < 0.5:
        rule += [kw(rnd, "in"), rnd.choice(SRC_PREFIXES)]
    rule += [kw(rnd, "with"), kw(rnd, rnd.choice(["materials", "products"]))]
    if rnd.random() < 0.5:
        rule += [kw(rnd, "in"), rnd.choice(DST_PREFIXES)]
    rule += [kw(rnd, "from"), rnd.choice(STEPS)]
    return rule


def variants(path):
    """Destination paths a MATCH could look for, given a source path."""
    out = [path]
    for src in ["src/", "lib/", "pkg/src/"]:
        if path.startswith(src):
            rest = path[len(src):]
            out += [rest, "lib/" + rest, "pkg/" + rest, "dist/" + rest, "src/" + rest]
    out += ["pkg/" + path, "lib/" + path]
    return out


def random_artifacts(rnd, pool, k):
    return {p: dict(rnd.choice(HASHES)) for p in rnd.sample(pool, min(k, len(pool)))}


def derived_artifacts(rnd, source, pool):
    out = {}
    for path, digests in source.items():
        if rnd.random() < 0.6:
            dest = rnd.choice(variants(path))
            out[dest] = dict(digests) if rnd.random() < 0.8 else dict(rnd.choice(HASHES))
    out.update(random_artifacts(rnd, pool, rnd.randint(0, 2)))
    return out


def evaluate(side, rules, links):
    verifylib.RULE_TRACE.clear()
    result = {}
    try:
        verifylib.verify_item_rules("item", side, rules, links)
        result["result"] = "pass"
    except verifylib.RuleVerificationError as e:
        message = str(e)
        result["result"] = "fail"
        result["kind"] = "disallow" if message.startswith("'DISALLOW") else "require"
        result["index"] = len(verifylib.RULE_TRACE["trace"])
    except Exception as e:  # noqa: BLE001 - the reference's crash is a verdict too
        result["result"] = "crash"
        result["exception"] = type(e).__name__
        result["index"] = len(verifylib.RULE_TRACE.get("trace", []))
    result["queues"] = [sorted(t["queue"]) for t in verifylib.RULE_TRACE.get("trace", [])]
    return result


def scenario(rnd, quirky):
    pool = PATHS + (QUIRK_PATHS if quirky else [])
    materials = random_artifacts(rnd, pool, rnd.randint(0, 6))
    products = {}
    for path, digests in materials.items():  # kept, modified or deleted
        r = rnd.random()
        if r < 0.5:
            products[path] = dict(digests)
        elif r < 0.75:
            products[path] = dict(rnd.choice(HASHES))
    products.update(random_artifacts(rnd, pool, rnd.randint(0, 4)))  # created
    own = {"materials": materials, "products": products}
    side = rnd.choice(["materials", "products"])
    others = {}
    for name in ["build", "fetch"]:
        if rnd.random() < 0.9:
            others[name] = {
                "materials": derived_artifacts(rnd, own[rnd.choice(["materials", "products"])], pool),
                "products": derived_artifacts(rnd, own[side], pool),
            }
    rules = [random_rule(rnd, pool) for _ in range(rnd.randint(1, 5))]
    # Give MATCH rules something to find: the destination path each queued path maps to, with
    # the same hash dict most of the time.
    for rule in rules:
        if rule[0].lower() != "match" or rnd.random() < 0.3:
            continue
        words = [w.lower() for w in rule]
        src = rule[3] if words[2] == "in" else ""
        dst = rule[words.index("with") + 3] if words[words.index("with") + 2] == "in" else ""
        dest = others.get(rule[-1], {}).get(words[words.index("with") + 1])
        if dest is None:
            continue
        for path, digests in own[side].items():
            norm = (src.rstrip("/") + "/").replace("\\", "/") if src else ""
            if not path.startswith(norm) or rnd.random() < 0.3:
                continue
            rest = path[len(norm):]
            target = (dst.rstrip("/") + "/" + rest) if dst else rest
            dest[target] = dict(digests) if rnd.random() < 0.8 else dict(rnd.choice(HASHES))
    if rnd.random() < 0.6:
        rules.append([kw(rnd, "disallow"), "*"])
    return side, rules, own, others


HAND = [
    # (side, rules, own, others) covering every rule type passing and failing
    ("products", [["CREATE", "*"], ["DISALLOW", "*"]],
     {"materials": {}, "products": {"a": HASHES[0]}}, {}),
    ("products", [["CREATE", "*"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {"a": HASHES[0]}}, {}),
    ("materials", [["DELETE", "*"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {}}, {}),
    ("materials", [["DELETE", "*"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {"a": HASHES[1]}}, {}),
    ("products", [["MODIFY", "*"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {"a": HASHES[1]}}, {}),
    ("products", [["MODIFY", "*"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {"a": HASHES[0]}}, {}),
    ("products", [["MODIFY", "*"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {"a": HASHES[3]}}, {}),
    ("products", [["ALLOW", "a"], ["DISALLOW", "*"]],
     {"materials": {}, "products": {"a": HASHES[0], "b": HASHES[0]}}, {}),
    ("products", [["REQUIRE", "a"]], {"materials": {}, "products": {"a": HASHES[0]}}, {}),
    ("products", [["REQUIRE", "b"]], {"materials": {}, "products": {"a": HASHES[0]}}, {}),
    ("products", [["ALLOW", "*"], ["REQUIRE", "a"]],
     {"materials": {}, "products": {"a": HASHES[0]}}, {}),
    ("products", [["REQUIRE", "*"]], {"materials": {}, "products": {"a": HASHES[0]}}, {}),
    ("materials", [["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {}},
     {"build": {"materials": {}, "products": {"a": HASHES[0]}}}),
    ("materials", [["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[3]}, "products": {}},
     {"build": {"materials": {}, "products": {"a": HASHES[0]}}}),
    ("materials", [["MATCH", "*", "WITH", "PRODUCTS", "FROM", "nobody"], ["DISALLOW", "*"]],
     {"materials": {"a": HASHES[0]}, "products": {}}, {}),
    ("materials",
     [["MATCH", "*.py", "IN", "src", "WITH", "PRODUCTS", "IN", "lib", "FROM", "build"],
      ["DISALLOW", "*"]],
     {"materials": {"src/a.py": HASHES[0], "src/b.py": HASHES[1]}, "products": {}},
     {"build": {"materials": {}, "products": {"lib/a.py": HASHES[0], "lib/b.py": HASHES[1]}}}),
    ("materials",
     [["MATCH", "src/*", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     {"materials": {"src/a.py": HASHES[0]}, "products": {}},
     {"build": {"materials": {}, "products": {"lib/a.py": HASHES[0]}}}),
    ("materials",
     [["MATCH", "*", "IN", "src", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     {"materials": {"src\\x": HASHES[0]}, "products": {}},
     {"build": {"materials": {}, "products": {}}}),
    ("materials",
     [["MATCH", "*", "IN", "src", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     {"materials": {"src/e\\f": HASHES[0], "src/e/f": HASHES[0]}, "products": {}},
     {"build": {"materials": {}, "products": {"e\\f": HASHES[0]}}}),
    ("materials",
     [["MATCH", "*", "IN", "src", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     {"materials": {"src//d": HASHES[0], "/d": HASHES[0]}, "products": {}},
     {"build": {"materials": {}, "products": {"/d": HASHES[0]}}}),
    ("materials",
     [["MATCH", "*", "IN", "src", "WITH", "PRODUCTS", "FROM", "build"], ["DISALLOW", "*"]],
     {"materials": {"src/e\\f": HASHES[0]}, "products": {}},
     {"build": {"materials": {}, "products": {"e\\f": HASHES[0]}}}),
    ("materials",
     [["MATCH", "*", "IN", "src\\", "WITH", "PRODUCTS", "IN", "a\\b", "FROM", "build"],
      ["DISALLOW", "*"]],
     {"materials": {"src//d": HASHES[0]}, "products": {}},
     {"build": {"materials": {}, "products": {"a/b/d": HASHES[0]}}}),
    ("products", [["ALLOW", "*"], ["MATCH", "*", "WITH", "PRODUCTS", "FROM", "build"]],
     {"materials": {}, "products": {"a": HASHES[0]}},
     {"build": {"materials": {}, "products": {"a": HASHES[0]}}}),
    ("products", [["match", "A", "with", "products", "from", "item"], ["disallow", "a"]],
     {"materials": {}, "products": {"a": HASHES[0], "A": HASHES[0]}}, {}),
]


def grammar_rows(rnd):
    forms = [
        ["MATCH", "p", "WITH", "PRODUCTS", "FROM", "s"],
        ["MATCH", "p", "IN", "a", "WITH", "MATERIALS", "FROM", "s"],
        ["MATCH", "p", "WITH", "PRODUCTS", "IN", "b", "FROM", "s"],
        ["MATCH", "p", "IN", "a", "WITH", "MATERIALS", "IN", "b", "FROM", "s"],
        ["CREATE", "p"], ["DELETE", "p"], ["MODIFY", "p"], ["ALLOW", "p"], ["DISALLOW", "p"],
        ["REQUIRE", "p"],
    ]
    words = ["MATCH", "in", "IN", "With", "FROM", "from", "materials", "PRODUCTS", "product",
             "x", "", "*", "create", "require", "FORM", "WITH", "Materials"]
    rows = [[], ["MATCH"], ["create"], ["Allow", "x", "y"], ["match", "*", "with", "products",
            "from", "x", "extra"], ["MATCH", "*", "WITH", "BYPRODUCTS", "FROM", "s"],
            ["MATCH", "IN", "IN", "IN", "WITH", "products", "FROM", "FROM"], ["unknown", "x"],
            ["MATCH", "*", "IN", "", "WITH", "products", "IN", "", "FROM", ""]]
    for _ in range(600):
        rule = [rnd.choice(KEYWORD_CASES)(w) if w.isupper() else w for w in rnd.choice(forms)]
        r = rnd.random()
        if r < 0.35:
            rule[rnd.randrange(len(rule))] = rnd.choice(words)
        elif r < 0.55:
            del rule[rnd.randrange(len(rule))]
        elif r < 0.75:
            rule.insert(rnd.randrange(len(rule) + 1), rnd.choice(words))
        rows.append(rule)
    out = []
    for rule in rows:
        try:
            out.append({"rule": rule, "ok": unpack_rule(rule)})
        except FormatError:
            out.append({"rule": rule, "ok": None})
    return out


def write(name, header, items):
    text = ",\n".join(json.dumps(i, ensure_ascii=False, sort_keys=True) for i in items)
    head = json.dumps(header, ensure_ascii=False)[:-1]
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        f.write(f'{head}, "items": [\n{text}\n]}}\n')


def main():
    rnd = random.Random(4242)
    cases = list(HAND) + [scenario(rnd, quirky=i % 5 == 0) for i in range(700)]
    items = []
    coverage = collections.Counter()
    for side, rules, own, others in cases:
        links = {"item": Link(name="item", materials=own["materials"], products=own["products"])}
        for name, arts in others.items():
            links[name] = Link(name=name, materials=arts["materials"], products=arts["products"])
        expected = evaluate(side, rules, links)
        # Artifacts are written with the index of their hash dict in "hashes" to keep the
        # file small.
        def compact(arts):
            return {side_: {p: HASHES.index(d) for p, d in a.items()} for side_, a in arts.items()}

        items.append({"side": side, "rules": rules, "own": compact(own),
                      "others": {n: compact(a) for n, a in others.items()},
                      "expected": expected})
        # coverage: for each applied rule, whether it consumed something / failed
        queue = set(own[side])
        for i, rule in enumerate(rules):
            kind = rule[0].upper()
            if i < len(expected["queues"]):
                after = set(expected["queues"][i])
                coverage[(kind, "consumed" if after != queue else "nothing")] += 1
                queue = after
            elif expected["result"] != "pass":
                coverage[(kind, expected["result"])] += 1
                break
    header = {"generated_by": "crates/intoto-rules/tests/data/gen_scenarios.py",
              "reference": "in-toto 3.1.0 verifylib.verify_item_rules", "hashes": HASHES}
    write("scenarios_golden.json", header, items)
    grammar = grammar_rows(rnd)
    write("grammar_golden.json", {"generated_by": header["generated_by"],
                                  "reference": "in-toto 3.1.0 rulelib.unpack_rule"}, grammar)
    print(len(items), "scenarios;", collections.Counter(i["expected"]["result"] for i in items))
    for key in sorted(coverage):
        print(key, coverage[key])
    print(len(grammar), "grammar rows;", sum(g["ok"] is not None for g in grammar), "accepted")


if __name__ == "__main__":
    main()
