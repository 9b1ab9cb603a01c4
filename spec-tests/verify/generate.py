#!/usr/bin/env python3
"""Regenerate the differential verification corpus under spec-tests/verify/.

Usage (from the repository root):

    .venv/bin/python spec-tests/verify/generate.py spec-tests/verify

Every scenario directory is rebuilt from scratch with the Python reference
(in-toto 3.1.0): layouts and links are built with its model API (or recorded
with `in-toto-run` from real files), signed with its signers, and the verdict
is obtained by RUNNING `in-toto-verify` (or, for scenarios with substitution
parameters, which the reference CLI cannot pass, `verifylib.in_toto_verify`
with `substitution_parameters=`), from a temporary copy of the scenario's
`work/` directory, with every path argument made absolute. That is exactly
what the Rust runner (xtask/src/verify_vectors.rs) does with our CLI.

Determinism: Ed25519 signatures, artifact hashes and the JSON layout of the
files are deterministic; RSA-PSS and ECDSA signatures change on every run.
"""

import base64
import copy
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import traceback
from pathlib import Path

from in_toto import verifylib
from in_toto.models._signer import (
    load_crypto_signer_from_pkcs8_file,
    load_public_key_from_file,
)
from in_toto.models.layout import Inspection, Layout, Step
from in_toto.models.link import Link
from in_toto.models.metadata import Envelope, Metablock, Metadata
from securesystemslib.formats import encode_canonical

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "spec-tests/verify").resolve()
KEYSRC = OUT.parent / "keys"
BIN = Path(sys.executable).parent
IN_TOTO_VERIFY = str(BIN / "in-toto-verify")
IN_TOTO_RUN = str(BIN / "in-toto-run")
FUTURE = "2040-01-01T00:00:00Z"
PAST = "2020-01-01T00:00:00Z"

PATH_FLAGS = {"-l", "--layout", "--link-dir"}
MULTI_PATH_FLAGS = {"--verification-keys", "-k"}

_pub_cache = {}
_signer_cache = {}


def pub(name):
    if name not in _pub_cache:
        _pub_cache[name] = load_public_key_from_file(str(KEYSRC / f"{name}.pub"))
    return copy.deepcopy(_pub_cache[name])


def signer(name):
    if name not in _signer_cache:
        _signer_cache[name] = load_crypto_signer_from_pkcs8_file(
            str(KEYSRC / f"{name}.pem")
        )
    return _signer_cache[name]


def kid(name):
    return pub(name)["keyid"]


def sha(content):
    if isinstance(content, str):
        content = content.encode()
    return {"sha256": hashlib.sha256(content).hexdigest()}


def arts(d):
    return {path: sha(content) for path, content in (d or {}).items()}


def targz(files):
    """A deterministic .tar.gz holding `files` {name: text}."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in sorted(files.items()):
            data = content.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            info.mode = 0o644
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def absolutize(args, base):
    """Makes the path arguments of `in-toto-verify` absolute (relative to `base`).

    The values of -l/--layout and --link-dir, and every value following
    --verification-keys/-k up to the next argument starting with '-', are
    paths relative to the scenario directory. Everything else is unchanged.
    """
    out = []
    mode = None
    for arg in args:
        if mode == "one":
            out.append(str(base / arg))
            mode = None
            continue
        if mode == "multi" and not arg.startswith("-"):
            out.append(str(base / arg))
            continue
        mode = None
        out.append(arg)
        if arg in PATH_FLAGS:
            mode = "one"
        elif arg in MULTI_PATH_FLAGS:
            mode = "multi"
    return out


def error_line(text):
    """The reference's error: the first line of its '(in-toto-verify) Type: msg'
    log record (the CLI logs it without an 'ERROR' prefix), or argparse's
    'error:' line."""
    lines = [l.strip() for l in text.splitlines()]
    for l in lines:
        if l.startswith("(in-toto-verify)"):
            return l
    for l in reversed(lines):
        if "error:" in l:
            return l
    return lines[-1] if lines and lines[-1] else None


def reference_verdict(sdir, args, params):
    """Runs the reference on the scenario from a temporary copy of work/."""
    with tempfile.TemporaryDirectory() as tmp:
        wd = Path(tmp) / "work"
        if (sdir / "work").is_dir():
            shutil.copytree(sdir / "work", wd)
        else:
            wd.mkdir()
        abs_args = absolutize(args, sdir)
        if params is None:
            p = subprocess.run(
                [IN_TOTO_VERIFY, *abs_args],
                cwd=wd,
                env={**os.environ, "PYTHONHASHSEED": "0"},
                capture_output=True,
                text=True,
                timeout=120,
            )
            err = error_line(p.stderr + "\n" + p.stdout)
            if err:
                # Keep the file stable across runs: the measured time varies.
                err = re.sub(r"timed out after [0-9.]+ seconds", "timed out after N seconds", err)
            return p.returncode, (err if p.returncode != 0 else None), "cli"
        # The reference CLI has no parameters: call the library the way the
        # CLI's main() does, with substitution_parameters.
        layout_path, keys, link_dir, timeout = None, [], ".", None
        i, mode = 0, None
        while i < len(abs_args):
            a = abs_args[i]
            if a in ("-l", "--layout"):
                layout_path = abs_args[i + 1]
                i += 2
                continue
            if a == "--link-dir":
                link_dir = abs_args[i + 1]
                i += 2
                continue
            if a == "--inspection-timeout":
                timeout = int(abs_args[i + 1])
                i += 2
                continue
            if a in MULTI_PATH_FLAGS:
                mode = "multi"
                i += 1
                continue
            if mode == "multi" and not a.startswith("-"):
                keys.append(a)
            i += 1
        cwd = os.getcwd()
        os.chdir(wd)
        try:
            metadata = Metadata.load(layout_path)
            key_dict = {}
            for path in keys:
                key = load_public_key_from_file(path)
                key_dict[key["keyid"]] = key
            kwargs = {"substitution_parameters": params}
            if timeout is not None:
                kwargs["inspect_timeout"] = timeout
            verifylib.in_toto_verify(metadata, key_dict, link_dir, **kwargs)
            return 0, None, "api"
        except Exception as e:  # noqa: BLE001 (mirrors the CLI's main())
            return 1, f"(in-toto-verify) {type(e).__name__}: {e}".splitlines()[0], "api"
        finally:
            os.chdir(cwd)


def write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")


def sign_metadata(signable, signers, dsse):
    md = Envelope.from_signable(signable) if dsse else Metablock(signed=signable)
    for name in signers:
        md.create_signature(signer(name))
    return md


def sign_raw_layout(signed, signers):
    """Signs a layout dict as a Metablock without validating it (for layouts
    the reference's model would refuse to build)."""
    data = encode_canonical(signed).encode()
    sigs = []
    for name in signers:
        s = signer(name).sign(data)
        sigs.append({"keyid": s.keyid, "sig": s.signature})
    return {"signatures": sigs, "signed": signed}


def step(name, keys, mat=(), prod=(), threshold=1, cmd=()):
    return Step(
        name=name,
        pubkeys=[kid(k) for k in keys],
        threshold=threshold,
        expected_materials=[r.split() if isinstance(r, str) else r for r in mat],
        expected_products=[r.split() if isinstance(r, str) else r for r in prod],
        expected_command=list(cmd),
    )


def inspection(name, run, mat=(), prod=()):
    return Inspection(
        name=name,
        run=list(run),
        expected_materials=[r.split() if isinstance(r, str) else r for r in mat],
        expected_products=[r.split() if isinstance(r, str) else r for r in prod],
    )


def make_layout(steps, inspect=(), functionaries=(), expires=FUTURE, readme=""):
    keys = {}
    for k in functionaries:
        p = pub(k)
        keys[p["keyid"]] = p
    return Layout(
        steps=list(steps),
        inspect=list(inspect),
        keys=keys,
        expires=expires,
        readme=readme,
    )


SCENARIOS = []
# Python exceptions that mean the reference crashed rather than refused.
CRASH_TYPES = {"KeyError", "TypeError", "AttributeError", "IndexError", "ValueError",
               "FileNotFoundError", "NotADirectoryError", "UnboundLocalError", "AssertionError",
               "StopIteration", "TimeoutExpired"}


class Scenario:
    def __init__(self, name, category, description):
        self.name = name
        self.category = category
        self.description = description
        self.dir = OUT / name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        for sub in ("keys", "links", "work"):
            (self.dir / sub).mkdir(parents=True)
        self.params = None
        self.note = None
        self.verify_args = None

    # ---- files -------------------------------------------------------
    def work(self, rel, content):
        path = self.dir / "work" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)

    def layout(self, lay, signers=("ed25519",), dsse=False, path="root.layout"):
        md = sign_metadata(lay, signers, dsse)
        md.dump(str(self.dir / path))
        return md

    def raw_layout(self, signed, signers=("ed25519",)):
        write_json(self.dir / "root.layout", sign_raw_layout(signed, signers))

    def link(
        self,
        step_name,
        key,
        materials=None,
        products=None,
        command=(),
        dsse=False,
        subdir=None,
        sign_with=None,
        byproducts=None,
        as_layout=None,
    ):
        """Writes links/[subdir/]STEP.KEYID8.link for functionary `key`,
        signed by `sign_with` (default: `key`). `materials`/`products` map paths
        to file contents (hashed with sha256)."""
        if as_layout is not None:
            signable = as_layout
        else:
            signable = Link(
                name=step_name,
                materials=arts(materials),
                products=arts(products),
                command=list(command),
                byproducts=byproducts or {},
                environment={},
            )
        md = sign_metadata(signable, [sign_with or key], dsse)
        d = self.dir / "links" / (subdir or "")
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{step_name}.{kid(key)[:8]}.link"
        md.dump(str(path))
        return path

    def run_link(self, step_name, key, files, materials, products, command, dsse=False):
        """Records a link with the reference CLI `in-toto-run` in a temp dir
        holding `files` {path: text}; returns its path under links/."""
        with tempfile.TemporaryDirectory() as tmp:
            for rel, content in files.items():
                p = Path(tmp) / rel
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(content)
            args = [IN_TOTO_RUN, "-n", step_name, "--signing-key", str(KEYSRC / f"{key}.pem")]
            if materials:
                args += ["-m", *materials]
            if products:
                args += ["-p", *products]
            if dsse:
                args.append("--use-dsse")
            args += ["--", *command]
            p = subprocess.run(args, cwd=tmp, capture_output=True, text=True)
            if p.returncode != 0:
                raise RuntimeError(f"in-toto-run failed: {p.stderr}")
            name = f"{step_name}.{kid(key)[:8]}.link"
            dest = self.dir / "links" / name
            shutil.copy(Path(tmp) / name, dest)
            return dest

    # ---- finishing -----------------------------------------------------
    def done(self, verify_keys=("ed25519",), link_dir="links", extra=(), params=None, note=None, args=None):
        for k in verify_keys:
            shutil.copy(KEYSRC / f"{k}.pub", self.dir / "keys" / f"{k}.pub")
        if args is None:
            args = ["-l", "root.layout"]
            if verify_keys:
                args += ["--verification-keys", *[f"keys/{k}.pub" for k in verify_keys]]
            args += ["--link-dir", link_dir, *extra]
        self.verify_args = args
        self.params = params
        self.note = note
        SCENARIOS.append(self)


def tamper_json(path, fn):
    data = json.loads(Path(path).read_text())
    fn(data)
    Path(path).write_text(json.dumps(data, indent=1, sort_keys=True))


def flip_hex(s):
    return ("0" if s[0] != "0" else "1") + s[1:]


def flip_b64(s):
    raw = bytearray(base64.b64decode(s))
    raw[len(raw) // 2] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def dsse_edit_payload(data, fn):
    payload = json.loads(base64.b64decode(data["payload"]))
    fn(payload)
    data["payload"] = base64.b64encode(json.dumps(payload, sort_keys=True).encode()).decode()


# =========================================================================
# Scenario definitions
# =========================================================================
OWNER = "ed25519"
FUNC = "ed25519-alt"
A_TXT = "hello a\n"
B_TXT = "hello b\n"


def single_step(name, category, description, materials, products, mat=(), prod=(), expect_note=None):
    """One step `s` by FUNC with the given artifacts and rules."""
    s = Scenario(name, category, description)
    s.layout(make_layout([step("s", [FUNC], mat, prod)], functionaries=[FUNC]))
    s.link("s", FUNC, materials, products)
    s.done(note=expect_note)


def two_steps(name, category, description, a_products, b_materials, b_mat_rules, a_materials=None, a_prod_rules=(), b_products=None, b_prod_rules=()):
    """Step `a` (by FUNC) then step `b` (by OWNER) whose material rules are
    checked against a's artifacts."""
    s = Scenario(name, category, description)
    s.layout(
        make_layout(
            [
                step("a", [FUNC], prod=a_prod_rules),
                step("b", [OWNER], b_mat_rules, b_prod_rules),
            ],
            functionaries=[FUNC, OWNER],
        )
    )
    s.link("a", FUNC, a_materials, a_products)
    s.link("b", OWNER, b_materials, b_products)
    s.done()


def rules_scenarios():
    cat = "rules"
    # --- MATCH --------------------------------------------------------
    two_steps("match-pass", cat, "MATCH a.txt WITH PRODUCTS FROM a; equal hashes",
              {"a.txt": A_TXT}, {"a.txt": A_TXT},
              ["MATCH a.txt WITH PRODUCTS FROM a", "DISALLOW *"])
    two_steps("match-hash-differs-fail", cat, "MATCH finds a.txt with a different hash, DISALLOW * catches it",
              {"a.txt": A_TXT}, {"a.txt": "tampered\n"},
              ["MATCH * WITH PRODUCTS FROM a", "DISALLOW *"])
    two_steps("match-absent-in-dest-fail", cat, "MATCH: the destination step lacks the path; DISALLOW * fails",
              {"a.txt": A_TXT}, {"a.txt": A_TXT, "extra.txt": B_TXT},
              ["MATCH * WITH PRODUCTS FROM a", "DISALLOW *"])
    two_steps("match-materials-pass", cat, "MATCH ... WITH MATERIALS FROM a",
              {}, {"src.c": A_TXT},
              ["MATCH src.c WITH MATERIALS FROM a", "DISALLOW *"], a_materials={"src.c": A_TXT})
    two_steps("match-src-prefix-pass", cat, "MATCH * IN src WITH PRODUCTS FROM a (a has a.txt, b has src/a.txt)",
              {"a.txt": A_TXT}, {"src/a.txt": A_TXT},
              ["MATCH * IN src WITH PRODUCTS FROM a", "DISALLOW *"])
    two_steps("match-src-prefix-trailing-slash-pass", cat, "MATCH * IN src/ (trailing slash) WITH PRODUCTS FROM a",
              {"a.txt": A_TXT}, {"src/a.txt": A_TXT},
              ["MATCH * IN src/ WITH PRODUCTS FROM a", "DISALLOW *"])
    two_steps("match-src-prefix-not-a-dir-fail", cat, "IN src does not take srcx/a.txt (prefix is 'src/'), DISALLOW fails",
              {"a.txt": A_TXT, "x/a.txt": A_TXT}, {"srcx/a.txt": A_TXT},
              ["MATCH * IN src WITH PRODUCTS FROM a", "DISALLOW *"])
    two_steps("match-src-prefix-pattern-relative-fail", cat, "With IN src the pattern applies to the stripped path: 'src/*' no longer matches",
              {"a.txt": A_TXT}, {"src/a.txt": A_TXT},
              ["MATCH src/* IN src WITH PRODUCTS FROM a", "DISALLOW *"])
    two_steps("match-dst-prefix-pass", cat, "MATCH * WITH PRODUCTS IN build FROM a (a has build/a.txt)",
              {"build/a.txt": A_TXT}, {"a.txt": A_TXT},
              ["MATCH * WITH PRODUCTS IN build FROM a", "DISALLOW *"])
    two_steps("match-dst-prefix-fail", cat, "MATCH * WITH PRODUCTS IN build FROM a, but a has out/a.txt",
              {"out/a.txt": A_TXT}, {"a.txt": A_TXT},
              ["MATCH * WITH PRODUCTS IN build FROM a", "DISALLOW *"])
    two_steps("match-both-prefixes-pass", cat, "MATCH *.txt IN src WITH PRODUCTS IN dst FROM a, nested paths",
              {"dst/x/a.txt": A_TXT, "dst/b.txt": B_TXT}, {"src/x/a.txt": A_TXT, "src/b.txt": B_TXT},
              ["MATCH *.txt IN src WITH PRODUCTS IN dst FROM a", "DISALLOW *"])
    two_steps("match-both-prefixes-fail", cat, "Both prefixes, one hash differs",
              {"dst/x/a.txt": A_TXT, "dst/b.txt": B_TXT}, {"src/x/a.txt": A_TXT, "src/b.txt": "changed\n"},
              ["MATCH *.txt IN src WITH PRODUCTS IN dst FROM a", "DISALLOW *"])
    two_steps("match-missing-step-fail", cat, "MATCH against a step not in the layout consumes nothing; DISALLOW * fails",
              {"a.txt": A_TXT}, {"a.txt": A_TXT},
              ["MATCH * WITH PRODUCTS FROM nosuchstep", "DISALLOW *"])
    two_steps("match-missing-step-pass", cat, "MATCH against a step not in the layout is no error by itself",
              {"a.txt": A_TXT}, {"a.txt": A_TXT},
              ["MATCH * WITH PRODUCTS FROM nosuchstep"])
    two_steps("match-self-reference-pass", cat, "b's products MATCH its own materials (MATCH * WITH MATERIALS FROM b)",
              {}, {"a.txt": A_TXT}, [],
              b_products={"a.txt": A_TXT}, b_prod_rules=["MATCH * WITH MATERIALS FROM b", "DISALLOW *"])
    two_steps("match-lowercase-keywords-pass", cat, "rule keywords in lower case (match/with/products/from/disallow)",
              {"a.txt": A_TXT}, {"a.txt": A_TXT},
              ["match a.txt with products from a", "disallow *"])
    # --- CREATE / DELETE / MODIFY -------------------------------------
    single_step("create-pass", cat, "CREATE new.txt: in products, not in materials",
                {"old.txt": A_TXT}, {"old.txt": A_TXT, "new.txt": B_TXT},
                prod=["CREATE new.txt", "ALLOW old.txt", "DISALLOW *"])
    single_step("create-fail", cat, "CREATE new.txt does not consume a path also in materials; DISALLOW * fails",
                {"new.txt": B_TXT}, {"new.txt": B_TXT},
                prod=["CREATE new.txt", "DISALLOW *"])
    single_step("delete-pass", cat, "DELETE old.txt: in materials, not in products",
                {"old.txt": A_TXT, "keep.txt": B_TXT}, {"keep.txt": B_TXT},
                mat=["DELETE old.txt", "ALLOW keep.txt", "DISALLOW *"])
    single_step("delete-fail", cat, "DELETE old.txt does not consume it when it is still in products",
                {"old.txt": A_TXT}, {"old.txt": A_TXT},
                mat=["DELETE old.txt", "DISALLOW *"])
    single_step("modify-pass", cat, "MODIFY v.txt: in both with different hashes",
                {"v.txt": A_TXT}, {"v.txt": B_TXT},
                prod=["MODIFY v.txt", "DISALLOW *"])
    single_step("modify-fail", cat, "MODIFY v.txt does not consume an unchanged file",
                {"v.txt": A_TXT}, {"v.txt": A_TXT},
                prod=["MODIFY v.txt", "DISALLOW *"])
    single_step("modify-on-materials-pass", cat, "MODIFY is also usable on the materials side",
                {"v.txt": A_TXT}, {"v.txt": B_TXT},
                mat=["MODIFY *", "DISALLOW *"])
    # --- ALLOW / DISALLOW / REQUIRE ------------------------------------
    single_step("allow-pass", cat, "ALLOW *.txt consumes, DISALLOW * then finds nothing",
                {}, {"a.txt": A_TXT, "b.txt": B_TXT}, prod=["ALLOW *.txt", "DISALLOW *"])
    single_step("disallow-fail", cat, "DISALLOW *.bin matches x.bin",
                {}, {"a.txt": A_TXT, "x.bin": B_TXT}, prod=["DISALLOW *.bin"])
    single_step("disallow-no-match-pass", cat, "DISALLOW *.bin with no .bin artifacts",
                {}, {"a.txt": A_TXT}, prod=["DISALLOW *.bin"])
    single_step("disallow-materials-fail", cat, "DISALLOW on the materials side",
                {"secret.key": A_TXT}, {}, mat=["DISALLOW *.key"])
    single_step("require-pass", cat, "REQUIRE a.txt present",
                {}, {"a.txt": A_TXT}, prod=["REQUIRE a.txt"])
    single_step("require-fail", cat, "REQUIRE a.txt absent",
                {}, {"b.txt": B_TXT}, prod=["REQUIRE a.txt"])
    single_step("require-is-not-a-pattern-fail", cat, "REQUIRE *.txt is an exact path, not a pattern",
                {}, {"a.txt": A_TXT}, prod=["REQUIRE *.txt"])
    single_step("no-rules-pass", cat, "no rules: everything implicitly allowed",
                {"m": A_TXT}, {"p": B_TXT})
    single_step("empty-artifacts-disallow-pass", cat, "DISALLOW * with no artifacts at all",
                {}, {}, mat=["DISALLOW *"], prod=["DISALLOW *"])


def fnmatch_scenarios():
    cat = "fnmatch"
    def one(name, desc, paths, rules):
        single_step(name, cat, desc, {}, {p: A_TXT for p in paths}, prod=rules)
    one("star-crosses-slash-pass", "'*.txt' matches a/b/c.txt (fnmatch * crosses /)", ["a/b/c.txt"], ["ALLOW *.txt", "DISALLOW *"])
    one("star-crosses-slash-disallow-fail", "'src/*' matches src/deep/x.o, DISALLOW fails", ["src/deep/x.o"], ["DISALLOW src/*"])
    one("star-prefix-dir-pass", "'dir/*' matches dir/sub/file", ["dir/sub/file"], ["ALLOW dir/*", "DISALLOW *"])
    one("question-pass", "'file?.txt' matches file1.txt", ["file1.txt"], ["ALLOW file?.txt", "DISALLOW *"])
    one("question-fail", "'file?.txt' does not match file10.txt", ["file10.txt"], ["ALLOW file?.txt", "DISALLOW *"])
    one("question-matches-slash-pass", "'a?b' matches a/b", ["a/b"], ["ALLOW a?b", "DISALLOW *"])
    one("class-pass", "'[abc].txt' matches b.txt", ["b.txt"], ["ALLOW [abc].txt", "DISALLOW *"])
    one("class-fail", "'[abc].txt' does not match d.txt", ["d.txt"], ["ALLOW [abc].txt", "DISALLOW *"])
    one("class-range-pass", "'v[0-9].txt' matches v7.txt", ["v7.txt"], ["ALLOW v[0-9].txt", "DISALLOW *"])
    one("negated-class-pass", "'[!a].txt' matches b.txt", ["b.txt"], ["ALLOW [!a].txt", "DISALLOW *"])
    one("negated-class-fail", "'[!a].txt' does not match a.txt", ["a.txt"], ["ALLOW [!a].txt", "DISALLOW *"])
    one("bracket-star-literal-pass", "'a[*]b' matches the literal path a*b", ["a*b"], ["ALLOW a[*]b", "DISALLOW *"])
    one("bracket-star-literal-fail", "'a[*]b' does not match axb", ["axb"], ["ALLOW a[*]b", "DISALLOW *"])
    one("case-sensitive-fail", "'*.TXT' does not match a.txt (case-sensitive on POSIX)", ["a.txt"], ["ALLOW *.TXT", "DISALLOW *"])
    one("star-matches-dotfile-pass", "'*' matches .hidden and dir/.x", [".hidden", "dir/.x"], ["ALLOW *", "DISALLOW *"])
    one("whole-path-fail", "'a' does not match a.txt (whole-path match)", ["a.txt"], ["ALLOW a", "DISALLOW *"])
    one("unclosed-bracket-literal-pass", "'[ab' (unclosed) matches the literal path [ab", ["[ab"], ["ALLOW [ab", "DISALLOW *"])


def order_scenarios():
    cat = "rule-order"
    single_step("require-after-allow-fail", cat, "ALLOW a.txt consumes it; the following REQUIRE a.txt fails",
                {}, {"a.txt": A_TXT}, prod=["ALLOW a.txt", "REQUIRE a.txt"])
    single_step("require-before-allow-pass", cat, "REQUIRE a.txt before ALLOW a.txt",
                {}, {"a.txt": A_TXT}, prod=["REQUIRE a.txt", "ALLOW a.txt", "DISALLOW *"])
    single_step("require-after-create-fail", cat, "CREATE new.txt consumes it; REQUIRE new.txt then fails",
                {}, {"new.txt": A_TXT}, prod=["CREATE new.txt", "REQUIRE new.txt"])
    single_step("disallow-after-allow-pass", cat, "ALLOW bad.txt; DISALLOW bad.txt: already consumed",
                {}, {"bad.txt": A_TXT}, prod=["ALLOW bad.txt", "DISALLOW bad.txt"])
    single_step("disallow-before-allow-fail", cat, "DISALLOW bad.txt before ALLOW bad.txt",
                {}, {"bad.txt": A_TXT}, prod=["DISALLOW bad.txt", "ALLOW bad.txt"])
    single_step("disallow-only-unconsumed-fail", cat, "ALLOW *.txt then DISALLOW *: the left-over .o fails",
                {}, {"a.txt": A_TXT, "b.o": B_TXT}, prod=["ALLOW *.txt", "DISALLOW *"])
    two_steps("match-then-require-fail", cat, "MATCH consumes a.txt, REQUIRE a.txt afterwards fails",
              {"a.txt": A_TXT}, {"a.txt": A_TXT},
              ["MATCH a.txt WITH PRODUCTS FROM a", "REQUIRE a.txt"])


def threshold_scenarios():
    cat = "threshold"
    K1, K2, K3 = FUNC, OWNER, "ecdsa-p256"
    prod = {"out.bin": A_TXT}

    def lay(s, keys, threshold, rules=("DISALLOW *.bad",)):
        s.layout(make_layout([step("build", keys, prod=rules, threshold=threshold)], functionaries=keys))

    s = Scenario("2-of-2-pass", cat, "threshold 2, two authorized functionaries, identical links")
    lay(s, [K1, K2], 2)
    s.link("build", K1, {}, prod); s.link("build", K2, {}, prod); s.done()

    s = Scenario("2-of-3-pass", cat, "threshold 2 of three authorized keys, two links")
    lay(s, [K1, K2, K3], 2)
    s.link("build", K1, {}, prod); s.link("build", K3, {}, prod); s.done()

    s = Scenario("2-of-3-one-link-fail", cat, "threshold 2, only one link file")
    lay(s, [K1, K2, K3], 2)
    s.link("build", K2, {}, prod); s.done()

    s = Scenario("1-of-1-missing-link-fail", cat, "the only authorized functionary's link is missing")
    lay(s, [K1], 1); s.done()

    s = Scenario("unauthorized-key-file-fail", cat, "a link by a key in layout.keys but not among the step's pubkeys (file named after that key)")
    s.layout(make_layout([step("build", [K1])], functionaries=[K1, K2]))
    s.link("build", K2, {}, prod); s.done()

    s = Scenario("unauthorized-signer-renamed-fail", cat, "link signed by an unauthorized key, file named after the authorized key")
    lay(s, [K1], 1)
    s.link("build", K1, {}, prod, sign_with=K2); s.done()

    s = Scenario("extra-unauthorized-link-ignored-pass", cat, "a valid link plus an extra link by an unknown key")
    lay(s, [K1], 1)
    s.link("build", K1, {}, prod); s.link("build", K3, {}, prod); s.done()

    s = Scenario("bad-signature-threshold-1-fail", cat, "threshold 1, the only link's signature is broken")
    lay(s, [K1], 1)
    p = s.link("build", K1, {}, prod)
    tamper_json(p, lambda d: d["signatures"][0].update(sig=flip_hex(d["signatures"][0]["sig"])))
    s.done()

    s = Scenario("bad-signature-threshold-2-fail", cat, "threshold 2, two links, one with a broken signature")
    lay(s, [K1, K2], 2)
    s.link("build", K1, {}, prod)
    p = s.link("build", K2, {}, prod)
    tamper_json(p, lambda d: d["signatures"][0].update(sig=flip_hex(d["signatures"][0]["sig"])))
    s.done()

    s = Scenario("bad-signature-threshold-2-spare-pass", cat, "threshold 2 of 3, one of three links broken")
    lay(s, [K1, K2, K3], 2)
    s.link("build", K1, {}, prod); s.link("build", K3, {}, prod)
    p = s.link("build", K2, {}, prod)
    tamper_json(p, lambda d: d["signatures"][0].update(sig=flip_hex(d["signatures"][0]["sig"])))
    s.done()

    s = Scenario("2-of-2-products-disagree-fail", cat, "threshold 2, the two links report different products")
    lay(s, [K1, K2], 2)
    s.link("build", K1, {}, prod); s.link("build", K2, {}, {"out.bin": B_TXT}); s.done()

    s = Scenario("2-of-2-materials-disagree-fail", cat, "threshold 2, the two links report different materials")
    lay(s, [K1, K2], 2)
    s.link("build", K1, {"in": A_TXT}, prod); s.link("build", K2, {"in": B_TXT}, prod); s.done()

    s = Scenario("2-of-2-command-differs-pass", cat, "threshold 2, same artifacts, different commands (only artifacts are compared)")
    lay(s, [K1, K2], 2)
    s.link("build", K1, {}, prod, command=["make"]); s.link("build", K2, {}, prod, command=["make", "-j2"]); s.done()

    s = Scenario("1-of-2-disagree-first-good-pass", cat, "threshold 1, two links disagree; the first authorized key's link is the one the reference uses (it is clean)")
    s.layout(make_layout([step("build", [K1, K2], prod=["DISALLOW *.bad"], threshold=1)], functionaries=[K1, K2]))
    s.link("build", K1, {}, prod); s.link("build", K2, {}, {"x.bad": A_TXT}); s.done()

    s = Scenario("1-of-2-disagree-first-bad-fail", cat, "threshold 1, two links disagree; the first authorized key's link (the one the reference uses) breaks a rule")
    s.layout(make_layout([step("build", [K1, K2], prod=["DISALLOW *.bad"], threshold=1)], functionaries=[K1, K2]))
    s.link("build", K1, {}, {"x.bad": A_TXT}); s.link("build", K2, {}, prod); s.done()

    s = Scenario("same-key-twice-threshold-2-fail", cat, "step lists the same key id twice with threshold 2; one functionary cannot reach it")
    s.layout(make_layout([step("build", [K1, K1], threshold=2)], functionaries=[K1]))
    s.link("build", K1, {}, prod); s.done()

    s = Scenario("link-copied-to-other-key-name-fail", cat, "threshold 2: K1's link also copied to the file name of K2")
    lay(s, [K1, K2], 2)
    p = s.link("build", K1, {}, prod)
    shutil.copy(p, p.parent / f"build.{kid(K2)[:8]}.link"); s.done()


def sublayout_scenarios():
    cat = "sublayout"
    SUBOWNER = FUNC  # the root layout authorizes FUNC for step "sub"; FUNC signs the sublayout
    INNER = "ecdsa-p256"

    def build(name, desc, inner_products, inner_rules=("DISALLOW *.bad",), root_rules=("MATCH * WITH PRODUCTS FROM sub", "DISALLOW *"), write_inner=True, expires=FUTURE, link_dir_key=None):
        s = Scenario(name, cat, desc)
        s.layout(make_layout(
            [step("sub", [SUBOWNER], prod=["ALLOW *"]),
             step("use", [OWNER], mat=list(root_rules))],
            functionaries=[SUBOWNER, OWNER]))
        sub = make_layout([step("inner", [INNER], prod=list(inner_rules))], functionaries=[INNER], expires=expires)
        s.link("sub", SUBOWNER, as_layout=sub)
        if write_inner:
            s.link("inner", INNER, {}, inner_products, subdir=f"sub.{kid(link_dir_key or SUBOWNER)[:8]}")
        s.link("use", OWNER, {"lib.so": A_TXT}, {})
        s.done()

    build("pass", "a step delegated to a sublayout; its summary link's products are matched by the next step",
          {"lib.so": A_TXT})
    build("inner-rule-fail", "the sublayout's own rule (DISALLOW *.bad) fails",
          {"lib.so": A_TXT, "x.bad": B_TXT})
    build("summary-mismatch-fail", "the sublayout passes but its summary products do not MATCH the next step's materials",
          {"lib.so": B_TXT})
    build("missing-link-dir-fail", "the sublayout's link directory (links/sub.KEYID8/) is absent",
          {"lib.so": A_TXT}, write_inner=False)
    build("wrong-link-dir-name-fail", "the inner links are under a directory named after another key",
          {"lib.so": A_TXT}, link_dir_key=OWNER)
    build("expired-fail", "the sublayout itself is expired",
          {"lib.so": A_TXT}, expires=PAST)

    s = Scenario("signed-by-wrong-key-fail", cat, "the sublayout is signed by a key other than the functionary's")
    s.layout(make_layout([step("sub", [SUBOWNER])], functionaries=[SUBOWNER]))
    sub = make_layout([step("inner", [INNER])], functionaries=[INNER])
    s.link("sub", SUBOWNER, as_layout=sub, sign_with=OWNER)
    s.link("inner", INNER, {}, {"lib.so": A_TXT}, subdir=f"sub.{kid(SUBOWNER)[:8]}")
    s.done()

    s = Scenario("nested-two-levels-pass", cat, "a sublayout containing a sublayout (links/sub.K/sub2.K2/)")
    s.layout(make_layout([step("sub", [SUBOWNER], prod=["ALLOW lib.so", "DISALLOW *"])], functionaries=[SUBOWNER]))
    sub = make_layout([step("sub2", [INNER])], functionaries=[INNER])
    s.link("sub", SUBOWNER, as_layout=sub)
    d1 = f"sub.{kid(SUBOWNER)[:8]}"
    sub2 = make_layout([step("leaf", [OWNER])], functionaries=[OWNER])
    s.link("sub2", INNER, as_layout=sub2, subdir=d1)
    s.link("leaf", OWNER, {}, {"lib.so": A_TXT}, subdir=f"{d1}/sub2.{kid(INNER)[:8]}")
    s.done()


def inspection_scenarios():
    cat = "inspection"
    FOO = "print('hello')\n"

    def chain(name, desc, tar_content, inspect, work_files=None, extra=()):
        s = Scenario(name, cat, desc)
        tarball = targz({"foo.py": tar_content})
        steps = [
            step("write", [FUNC], prod=["CREATE foo.py", "DISALLOW *"], cmd=["vi", "foo.py"]),
            step("package", [OWNER], mat=["MATCH foo.py WITH PRODUCTS FROM write", "DISALLOW *"],
                 prod=["CREATE foo.tar.gz", "ALLOW foo.py", "DISALLOW *"], cmd=["tar", "czf", "foo.tar.gz", "foo.py"]),
        ]
        s.layout(make_layout(steps, inspect, functionaries=[FUNC, OWNER]))
        s.link("write", FUNC, {}, {"foo.py": FOO}, command=["vi", "foo.py"])
        s.link("package", OWNER, {"foo.py": FOO}, {"foo.py": FOO, "foo.tar.gz": tarball}, command=["tar", "czf", "foo.tar.gz", "foo.py"])
        s.work("foo.tar.gz", tarball)
        for rel, content in (work_files or {}).items():
            s.work(rel, content)
        s.done(extra=list(extra))
        return s

    untar_rules_m = ["MATCH foo.tar.gz WITH PRODUCTS FROM package", "DISALLOW foo.tar.gz"]
    untar_rules_p = ["MATCH foo.py WITH PRODUCTS FROM write", "ALLOW foo.tar.gz", "DISALLOW *"]
    chain("untar-compare-pass", "inspection untars the final product and MATCHes the contents with the write step",
          FOO, [inspection("untar", ["tar", "xzf", "foo.tar.gz"], untar_rules_m, untar_rules_p)])
    chain("untar-compare-fail", "the tarball (work/ and package's product) holds a foo.py different from what write produced",
          "print('evil')\n", [inspection("untar", ["tar", "xzf", "foo.tar.gz"], untar_rules_m, untar_rules_p)])
    chain("true-pass", "an inspection running `true` with rules on its materials",
          FOO, [inspection("check", ["true"], ["MATCH foo.tar.gz WITH PRODUCTS FROM package", "DISALLOW *"], ["ALLOW *"])])
    chain("nonzero-exit-fail", "the inspection command exits 1 (`false`)",
          FOO, [inspection("check", ["false"])])
    chain("sh-exit-3-fail", "the inspection command exits 3",
          FOO, [inspection("check", ["sh", "-c", "exit 3"])])
    chain("command-not-found-fail", "the inspection command does not exist",
          FOO, [inspection("check", ["in-toto-no-such-command-xyz"])])
    chain("material-rule-fail", "inspection material rule: the work tree holds an unexpected file (DISALLOW *)",
          FOO, [inspection("check", ["true"], ["MATCH foo.tar.gz WITH PRODUCTS FROM package", "DISALLOW *"])],
          work_files={"stray.txt": "stray\n"})
    chain("product-rule-fail", "inspection product rule: the command creates a file that is disallowed",
          FOO, [inspection("check", ["touch", "created.txt"], prod=["DISALLOW created.txt"])])
    chain("require-own-product-pass", "inspection REQUIREs the file its command creates",
          FOO, [inspection("check", ["touch", "created.txt"], prod=["REQUIRE created.txt"])])
    chain("match-step-materials-pass", "inspection MATCHes its extracted file WITH MATERIALS FROM package",
          FOO, [inspection("untar", ["tar", "xzf", "foo.tar.gz"], prod=["MATCH foo.py WITH MATERIALS FROM package", "ALLOW foo.tar.gz", "DISALLOW *"])])
    chain("timeout-fail", "the inspection sleeps longer than --inspection-timeout 1",
          FOO, [inspection("slow", ["sleep", "5"])], extra=["--inspection-timeout", "1"])
    chain("second-inspection-matches-first-pass", "a second inspection MATCHes products of the first inspection",
          FOO, [inspection("untar", ["tar", "xzf", "foo.tar.gz"]),
                inspection("check", ["true"], ["MATCH foo.py WITH PRODUCTS FROM untar", "ALLOW *"])])


def expiry_scenarios():
    cat = "expiry"
    s = Scenario("expired-2020-fail", cat, "layout expired on 2020-01-01 (signed anyway)")
    s.layout(make_layout([step("s", [FUNC])], functionaries=[FUNC], expires=PAST))
    s.link("s", FUNC, {}, {"a": A_TXT}); s.done()
    s = Scenario("not-expired-2040-pass", cat, "layout expires 2040-01-01")
    s.layout(make_layout([step("s", [FUNC])], functionaries=[FUNC], expires=FUTURE))
    s.link("s", FUNC, {}, {"a": A_TXT}); s.done()
    s = Scenario("expired-dsse-fail", cat, "expired layout in a DSSE envelope")
    s.layout(make_layout([step("s", [FUNC])], functionaries=[FUNC], expires=PAST), dsse=True)
    s.link("s", FUNC, {}, {"a": A_TXT}); s.done()


def tamper_scenarios():
    cat = "tampering"

    def base(name, desc, dsse_layout=False, dsse_link=False):
        s = Scenario(name, cat, desc)
        s.layout(make_layout([step("s", [FUNC], prod=["ALLOW a.txt", "DISALLOW *"])], functionaries=[FUNC]), dsse=dsse_layout)
        p = s.link("s", FUNC, {}, {"a.txt": A_TXT}, dsse=dsse_link)
        return s, p

    s, _ = base("layout-signed-field-fail", "root.layout's signed.readme changed after signing")
    tamper_json(s.dir / "root.layout", lambda d: d["signed"].update(readme="tampered"))
    s.done()
    s, _ = base("layout-signature-bytes-fail", "one hex digit of the layout signature flipped")
    tamper_json(s.dir / "root.layout", lambda d: d["signatures"][0].update(sig=flip_hex(d["signatures"][0]["sig"])))
    s.done()
    s, _ = base("layout-rule-weakened-fail", "the layout's DISALLOW rule removed after signing")
    tamper_json(s.dir / "root.layout", lambda d: d["signed"]["steps"][0].update(expected_products=[["ALLOW", "*"]]))
    s.done()
    s, p = base("link-products-fail", "a product hash in the link changed after signing")
    tamper_json(p, lambda d: d["signed"]["products"]["a.txt"].update(sha256="0" * 64))
    s.done()
    s, p = base("link-signed-by-wrong-key-fail", "the link is signed by the layout owner's key instead of the functionary's")
    s.link("s", FUNC, {}, {"a.txt": A_TXT}, sign_with=OWNER)
    s.done()
    s, _ = base("dsse-layout-payload-fail", "DSSE layout: payload changed after signing", dsse_layout=True)
    tamper_json(s.dir / "root.layout", lambda d: dsse_edit_payload(d, lambda pl: pl.update(readme="tampered")))
    s.done()
    s, _ = base("dsse-layout-signature-fail", "DSSE layout: signature bytes flipped", dsse_layout=True)
    tamper_json(s.dir / "root.layout", lambda d: d["signatures"][0].update(sig=flip_b64(d["signatures"][0]["sig"])))
    s.done()
    s, p = base("dsse-link-payload-fail", "DSSE link: product hash changed after signing", dsse_link=True)
    tamper_json(p, lambda d: dsse_edit_payload(d, lambda pl: pl["products"]["a.txt"].update(sha256="0" * 64)))
    s.done()
    s, _ = base("dsse-layout-payload-type-fail", "DSSE layout: payloadType changed after signing", dsse_layout=True)
    tamper_json(s.dir / "root.layout", lambda d: d.update(payloadType="application/json"))
    s.done()
    s, p = base("link-unsigned-fail", "the link has no signatures")
    tamper_json(p, lambda d: d.update(signatures=[]))
    s.done()
    s, p = base("link-extra-junk-signature-pass", "the link carries an extra signature by an unknown key id next to the valid one")
    tamper_json(p, lambda d: d["signatures"].append({"keyid": "ab" * 32, "sig": "00" * 64}))
    s.done()


def layout_key_scenarios():
    cat = "layout-keys"
    K2 = "rsa3072"

    def two_signed(name, desc, verify_keys, signers=(OWNER, K2)):
        s = Scenario(name, cat, desc)
        s.layout(make_layout([step("s", [FUNC])], functionaries=[FUNC]), signers=signers)
        s.link("s", FUNC, {}, {"a": A_TXT})
        s.done(verify_keys=verify_keys)

    two_signed("two-signers-verify-one-pass", "layout signed by ed25519 and rsa3072, verified with ed25519", [OWNER])
    two_signed("two-signers-verify-other-pass", "layout signed by ed25519 and rsa3072, verified with rsa3072", [K2])
    two_signed("two-signers-verify-both-pass", "layout signed by two keys, verified with both", [OWNER, K2])
    two_signed("two-signers-verify-nonsigner-fail", "layout signed by two keys, verified with a third", ["ecdsa-p384"])
    two_signed("two-signers-verify-signer-and-nonsigner-fail", "every passed key must have signed: one signer plus one non-signer", [OWNER, "ecdsa-p384"])
    two_signed("one-signer-verify-two-fail", "layout signed by one key, verified with that key and another", [OWNER, K2], signers=[OWNER])
    two_signed("same-key-passed-twice-pass", "the same verification key passed twice", [OWNER, OWNER], signers=[OWNER])
    two_signed("unsigned-layout-fail", "a layout without any signature", [OWNER], signers=[])
    s = Scenario("dsse-two-signers-verify-both-pass", cat, "DSSE layout with two signatures, verified with both")
    s.layout(make_layout([step("s", [FUNC])], functionaries=[FUNC]), signers=[OWNER, K2], dsse=True)
    s.link("s", FUNC, {}, {"a": A_TXT})
    s.done(verify_keys=[OWNER, K2])
    s = Scenario("no-verification-key-usage", cat, "no --verification-keys at all: usage error")
    s.layout(make_layout([step("s", [FUNC])], functionaries=[FUNC]))
    s.link("s", FUNC, {}, {"a": A_TXT})
    s.done(verify_keys=[])


def missing_scenarios():
    cat = "missing-links"

    def chain2(name, desc, write_a=True, write_b=True, link_dir="links", rename=None):
        s = Scenario(name, cat, desc)
        s.layout(make_layout([step("a", [FUNC]), step("b", [OWNER])], functionaries=[FUNC, OWNER]))
        if write_a:
            p = s.link("a", FUNC, {}, {"x": A_TXT})
            if rename:
                p.rename(p.parent / rename)
        if write_b:
            s.link("b", OWNER, {"x": A_TXT}, {})
        s.done(link_dir=link_dir)

    chain2("both-present-pass", "two steps, both links present")
    chain2("second-missing-fail", "the second step's link is missing", write_b=False)
    chain2("first-missing-fail", "the first step's link is missing", write_a=False)
    chain2("short-name-fail", "the link is named a.link (no key id prefix)", rename="a.link")
    chain2("wrong-keyid-prefix-fail", "the link is named after another key id", rename=f"a.{kid(OWNER)[:8]}.link")
    chain2("link-dir-absent-fail", "--link-dir points to a directory that does not exist", link_dir="nonexistent")
    s = Scenario("no-steps-pass", cat, "a layout with no steps and no inspections")
    s.layout(make_layout([], functionaries=[]))
    s.done()


def format_scenarios():
    cat = "dsse-metablock"
    FOO = "int main(){}\n"

    def mix(name, desc, dsse_layout, dsse_links, fail=False):
        s = Scenario(name, cat, desc)
        s.layout(make_layout([
            step("write", [FUNC], prod=["CREATE main.c", "DISALLOW *"], cmd=["sh", "-c", "true"]),
            step("check", [OWNER], mat=["MATCH main.c WITH PRODUCTS FROM write", "DISALLOW *"]),
        ], functionaries=[FUNC, OWNER]), dsse=dsse_layout)
        # Real links recorded by the reference CLI in-toto-run.
        s.run_link("write", FUNC, {"main.c": FOO}, [], ["main.c"], ["true"], dsse=dsse_links)
        s.run_link("check", OWNER, {"main.c": "int main(){return 1;}\n" if fail else FOO}, ["main.c"], [], ["true"], dsse=dsse_links)
        s.done()

    mix("metablock-layout-metablock-links-pass", "links recorded with in-toto-run, Metablock everywhere", False, False)
    mix("dsse-layout-dsse-links-pass", "DSSE layout, links recorded with in-toto-run --use-dsse", True, True)
    mix("dsse-layout-metablock-links-pass", "DSSE layout, Metablock links", True, False)
    mix("metablock-layout-dsse-links-pass", "Metablock layout, DSSE links", False, True)
    mix("dsse-layout-dsse-links-rule-fail", "DSSE everywhere, MATCH fails (different main.c)", True, True, fail=True)
    s = Scenario("mixed-links-per-step-pass", cat, "one step's link in DSSE, the other's in Metablock, threshold 2 over mixed formats")
    s.layout(make_layout([step("build", [FUNC, OWNER], threshold=2, prod=["ALLOW out", "DISALLOW *"])], functionaries=[FUNC, OWNER]))
    s.link("build", FUNC, {}, {"out": A_TXT}, dsse=True)
    s.link("build", OWNER, {}, {"out": A_TXT}, dsse=False)
    s.done()
    s = Scenario("dsse-sublayout-pass", cat, "a sublayout in a DSSE envelope with DSSE inner links")
    s.layout(make_layout([step("sub", [FUNC], prod=["ALLOW lib.so", "DISALLOW *"])], functionaries=[FUNC]), dsse=True)
    s.link("sub", FUNC, as_layout=make_layout([step("inner", [OWNER])], functionaries=[OWNER]), dsse=True)
    s.link("inner", OWNER, {}, {"lib.so": A_TXT}, subdir=f"sub.{kid(FUNC)[:8]}", dsse=True)
    s.done()


def keytype_scenarios():
    cat = "key-types"
    types = ["ed25519", "rsa3072", "ecdsa-p256", "ecdsa-p384"]
    for t in types:
        # layout key t, functionary key t-alt
        s = Scenario(f"{t}-layout-and-functionary-pass", cat, f"{t} signs the layout, {t}-alt signs the link")
        s.layout(make_layout([step("s", [f"{t}-alt"], prod=["ALLOW a.txt", "DISALLOW *"])], functionaries=[f"{t}-alt"]), signers=[t])
        s.link("s", f"{t}-alt", {}, {"a.txt": A_TXT})
        s.done(verify_keys=[t])
        s = Scenario(f"{t}-wrong-verification-key-fail", cat, f"layout signed by {t}, verified with {t}-alt")
        s.layout(make_layout([step("s", [f"{t}-alt"])], functionaries=[f"{t}-alt"]), signers=[t])
        s.link("s", f"{t}-alt", {}, {"a.txt": A_TXT})
        s.done(verify_keys=[f"{t}-alt"])
        s = Scenario(f"{t}-functionary-dsse-pass", cat, f"{t} as functionary key, DSSE link; ed25519 layout")
        s.layout(make_layout([step("s", [t])], functionaries=[t]), signers=[OWNER])
        s.link("s", t, {}, {"a.txt": A_TXT}, dsse=True)
        s.done(verify_keys=[OWNER])
    s = Scenario("all-types-one-step-threshold-4-pass", cat, "four functionaries of four key types, threshold 4")
    s.layout(make_layout([step("s", types, threshold=4)], functionaries=types), signers=["ecdsa-p384"])
    for t in types:
        s.link("s", t, {}, {"a.txt": A_TXT})
    s.done(verify_keys=["ecdsa-p384"])


def command_scenarios():
    cat = "command"
    s = Scenario("mismatch-warning-pass", cat, "expected_command differs from the link's command: a warning only")
    s.layout(make_layout([step("s", [FUNC], cmd=["make", "release"])], functionaries=[FUNC]))
    s.link("s", FUNC, {}, {"a": A_TXT}, command=["make", "debug"]); s.done()
    s = Scenario("match-pass", cat, "expected_command equals the link's command")
    s.layout(make_layout([step("s", [FUNC], cmd=["make", "release"])], functionaries=[FUNC]))
    s.link("s", FUNC, {}, {"a": A_TXT}, command=["make", "release"]); s.done()
    s = Scenario("empty-expected-pass", cat, "empty expected_command, link has a command")
    s.layout(make_layout([step("s", [FUNC])], functionaries=[FUNC]))
    s.link("s", FUNC, {}, {"a": A_TXT}, command=["make"]); s.done()


def params_scenarios():
    cat = "params"
    VER = "1.2.3"

    def lay(s):
        s.layout(make_layout([step("s", [FUNC], prod=["CREATE pkg-{VERSION}.tar.gz", "DISALLOW *"], cmd=["build", "--version", "{VERSION}"])],
                             [inspection("check", ["{CHECKER}"], prod=["ALLOW *"])],
                             functionaries=[FUNC]))
        s.link("s", FUNC, {}, {f"pkg-{VER}.tar.gz": A_TXT}, command=["build", "--version", VER])

    s = Scenario("substituted-pass", cat, "{VERSION} in rules and expected_command, {CHECKER} in an inspection's run")
    lay(s); s.done(params={"VERSION": VER, "CHECKER": "true"})
    s = Scenario("wrong-value-fail", cat, "VERSION substituted with a value that does not match the link's products")
    lay(s); s.done(params={"VERSION": "9.9.9", "CHECKER": "true"})
    s = Scenario("missing-parameter-fail", cat, "CHECKER is given, VERSION is not: substitution fails")
    lay(s); s.done(params={"CHECKER": "true"})
    s = Scenario("substituted-inspection-false-fail", cat, "CHECKER substituted with `false`")
    lay(s); s.done(params={"VERSION": VER, "CHECKER": "false"})
    s = Scenario("placeholder-without-params-fail", cat, "no parameters passed: the placeholder stays literal (the reference CLI does not substitute)")
    s.layout(make_layout([step("s", [FUNC], prod=["REQUIRE pkg-{VERSION}.tar.gz"])], functionaries=[FUNC]))
    s.link("s", FUNC, {}, {f"pkg-{VER}.tar.gz": A_TXT})
    s.done()
    s = Scenario("unused-parameter-pass", cat, "a parameter the layout never uses")
    s.layout(make_layout([step("s", [FUNC], prod=["ALLOW *"])], functionaries=[FUNC]))
    s.link("s", FUNC, {}, {"a": A_TXT})
    s.done(params={"UNUSED": "x"})


def validation_scenarios():
    """Layouts the reference's model refuses on load (signed raw)."""
    cat = "layout-validation"
    f = pub(FUNC)

    def raw(name, desc, mutate, write_link=True, note=None):
        s = Scenario(name, cat, desc)
        lay = make_layout([step("s", [FUNC], prod=["ALLOW *"])], [inspection("i", ["true"])], functionaries=[FUNC])
        signed = json.loads(json.dumps(Metablock(signed=lay).to_dict()["signed"]))
        mutate(signed)
        s.raw_layout(signed)
        if write_link:
            s.link("s", FUNC, {}, {"a": A_TXT})
        s.done(note=note)

    raw("bad-rule-fail", "a rule that does not parse (MATCH without FROM)",
        lambda d: d["steps"][0].update(expected_products=[["MATCH", "*", "WITH", "PRODUCTS"]]))
    raw("unknown-rule-keyword-fail", "an unknown rule keyword",
        lambda d: d["steps"][0].update(expected_products=[["PERMIT", "*"]]))
    raw("duplicate-step-names-fail", "two steps with the same name",
        lambda d: d["steps"].append(copy.deepcopy(d["steps"][0])))
    raw("step-inspection-name-clash-fail", "an inspection named like a step",
        lambda d: d["inspect"][0].update(name="s"))
    raw("threshold-zero", "a step with threshold 0 (its link is present)",
        lambda d: d["steps"][0].update(threshold=0),
        note="SURPRISING: the reference accepts threshold 0 (it only checks that threshold is an int).")
    raw("threshold-zero-no-link", "a step with threshold 0 and no link file", 
        lambda d: d["steps"][0].update(threshold=0), write_link=False)
    raw("threshold-negative-no-link", "a step with threshold -1 and no link file",
        lambda d: d["steps"][0].update(threshold=-1), write_link=False)
    raw("threshold-string", "a step with threshold \"1\" (a string)",
        lambda d: d["steps"][0].update(threshold="1"))
    raw("pubkey-not-in-keys-pass", "a step lists a second pubkey id absent from layout.keys; the functionary's link is present",
        lambda d: d["steps"][0]["pubkeys"].append("ab" * 32))
    raw("empty-inspection-run-fail", "an inspection with an empty run list",
        lambda d: d["inspect"][0].update(run=[]),
        note="SURPRISING: the reference loads this layout; it fails only when running the inspection "
             "(in_toto_run records no return value: BadReturnValueError 'non-int return value None'). "
             "The issue asks us to reject it at load time (in-toto#730): same verdict, earlier.")
    raw("bad-expires-format-fail", "expires not in ISO 8601",
        lambda d: d.update(expires="next tuesday"))


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    groups = [
        ("rules", rules_scenarios), ("fnmatch", fnmatch_scenarios), ("rule-order", order_scenarios),
        ("threshold", threshold_scenarios), ("sublayout", sublayout_scenarios),
        ("inspection", inspection_scenarios), ("expiry", expiry_scenarios),
        ("tampering", tamper_scenarios), ("layout-keys", layout_key_scenarios),
        ("missing-links", missing_scenarios), ("dsse-metablock", format_scenarios),
        ("key-types", keytype_scenarios), ("command", command_scenarios),
        ("params", params_scenarios), ("layout-validation", validation_scenarios),
    ]
    # Scenario names are prefixed with their category to keep directories unique.
    global Scenario
    Base = Scenario

    for prefix, fn in groups:
        class Prefixed(Base):
            def __init__(self, name, category, description, _p=prefix):
                super().__init__(f"{_p}-{name}" if not name.startswith(_p + "-") else name, category, description)
        Scenario = Prefixed
        fn()
    Scenario = Base

    names = set()
    index = []
    for s in SCENARIOS:
        # Git keeps no empty directories: remove them so that the verdict is
        # computed on exactly what is committed (the runner treats a missing
        # work/ as empty).
        for d in sorted(s.dir.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if d.is_dir() and not any(d.iterdir()):
                d.rmdir()
        assert s.name not in names, s.name
        names.add(s.name)
        code, err, via = reference_verdict(s.dir, s.verify_args, s.params)
        doc = {
            "name": s.name,
            "description": s.description,
            "category": s.category,
            "verify_args": s.verify_args,
            "params": s.params or {},
            "expect": "pass" if code == 0 else "fail",
            "reference_exit": code,
            "reference_error": err,
            "reference_via": via,
        }
        note = s.note
        crash = err and err.split(":")[0].replace("(in-toto-verify) ", "") in CRASH_TYPES
        if crash:
            note = ((note + " ") if note else "") + (
                "SURPRISING: the reference's exit 1 comes from an uncaught Python "
                f"{err.split(':')[0].split()[-1]} (caught only by in-toto-verify's catch-all "
                "`except Exception`), not from one of in-toto's own verification errors.")
        if note:
            doc["note"] = note
        write_json(s.dir / "scenario.json", doc)
        index.append((s.category, s.name, doc["expect"], code, err))
        print(f"{doc['expect']:4} {code} {s.name}  {err or ''}")
    # Remove directories of scenarios that no longer exist.
    for d in OUT.iterdir():
        if d.is_dir() and d.name not in names and (d / "scenario.json").exists():
            shutil.rmtree(d)
    print(f"{len(SCENARIOS)} scenarios")


if __name__ == "__main__":
    # Error messages print Python sets; a fixed hash seed keeps their order stable.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    main()
