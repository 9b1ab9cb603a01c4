#!/usr/bin/env python3
"""Regenerates the OpenPGP fixtures in this directory with the Python reference.

Run from the workspace root with the reference installed in .venv and gpg on PATH:

    .venv/bin/python crates/intoto-crypto/tests/data/gpg/make_fixtures.py

What it makes (keys are throw-away, made in temporary GnuPG homes):
  keys/NAME.json     the reference's key object (securesystemslib export_pubkey)
  keys/NAME.gpg      the `gpg --export` bytes it was made from (for our bundle parser)
  metadata/*.link|*.layout   Metablocks signed by the reference (`in-toto-sign -g`)
  cases.json         which metadata to check with which key, and the reference's verdict
                     (ok, bad-signature, no-signature, expired), computed here with
                     in_toto's Metablock.verify_signature on exactly these files, and
                     where ours differs by design (`ours_with_own_export`: the verdict with
                     the key object our parser builds from keys/NAME.gpg; the reference
                     drops Ed25519 signing subkeys and Ed25519 key expiry, see
                     src/gpg/bundle.rs).
Keys from the shared in-toto test keyrings (../shared/vectors/in-toto-python/gpg_keyrings)
are exported too when that directory exists.
"""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

from in_toto.models.metadata import Metablock
from securesystemslib._gpg.exceptions import KeyExpirationError
from securesystemslib._gpg.functions import export_pubkey

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[4]
VENV_BIN = ROOT / ".venv" / "bin"
SHARED = ROOT.parent / "shared" / "vectors" / "in-toto-python" / "gpg_keyrings"
FAKED = "20200101T120000!"  # when the expired keys were made and used

LINK = {
    "_type": "link",
    "name": "write-code",
    "command": ["vi", "foo.py"],
    "materials": {},
    "products": {"foo.py": {"sha256": "74dc3727c6e89308b39e4dfedf787e37841198b1fa165a27c013544a60502549"}},
    "byproducts": {"return-value": 0, "stdout": "h\u00e9llo\nw\u00f6rld\n", "stderr": ""},
    "environment": {},
}
LAYOUT = {
    "_type": "layout",
    "expires": "2100-01-01T00:00:00Z",
    "keys": {},
    "readme": "gpg fixture",
    "steps": [],
    "inspect": [],
}


def gpg(home, *args, faked=False, stdin=None):
    cmd = ["gpg", "--batch", "--homedir", str(home)]
    if faked:
        cmd += ["--faked-system-time", FAKED]
    out = subprocess.run(cmd + list(args), input=stdin, capture_output=True, check=True)
    return out.stdout


def new_key(home, uid, algo, usage, expire="never", faked=False):
    gpg(home, "--passphrase", "", "--quick-gen-key", uid, algo, usage, expire, faked=faked)
    return fingerprints(home, uid)[0]


def add_subkey(home, fpr, algo, usage, expire="never", faked=False):
    gpg(home, "--passphrase", "", "--quick-add-key", fpr, algo, usage, expire, faked=faked)


def fingerprints(home, uid):
    out = gpg(home, "--with-colons", "--list-keys", uid).decode()
    return [line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:")]


def save_key(home, fpr, name):
    (HERE / "keys" / f"{name}.gpg").write_bytes(gpg(home, "--export", fpr))
    key = export_pubkey(fpr, str(home))
    (HERE / "keys" / f"{name}.json").write_text(json.dumps(key, indent=1, sort_keys=True) + "\n")
    return key


def write_unsigned(path, signed):
    path.write_text(json.dumps({"signed": signed, "signatures": []}, indent=1, sort_keys=True))


def reference_sign(home, keyid, unsigned, out, faked=False):
    env = dict(os.environ)
    if faked:
        wrapper = Path(home) / "gpg-faked"
        wrapper.write_text(f'#!/bin/sh\nexec gpg --faked-system-time {FAKED} "$@"\n')
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
        env["GNUPG"] = str(wrapper)
    cmd = [str(VENV_BIN / "in-toto-sign"), "-f", str(unsigned), "-g", keyid, "--gpg-home", str(home), "-o", str(out)]
    subprocess.run(cmd, check=True, env=env, capture_output=True)


def reference_verdict(metadata, key):
    mb = Metablock.load(str(metadata))
    try:
        mb.verify_signature(key)
        return "ok"
    except KeyExpirationError:
        return "expired"
    except Exception as e:  # SignatureVerificationError
        return "no-signature" if "No signature found" in str(e) else "bad-signature"


def main():
    for sub in ("keys", "metadata"):
        shutil.rmtree(HERE / sub, ignore_errors=True)
        (HERE / sub).mkdir()
    cases = []
    homes = []
    tmp = Path(tempfile.mkdtemp(prefix="intoto-gpg-fixtures-"))
    unsigned_link = tmp / "unsigned.link"
    unsigned_layout = tmp / "unsigned.layout"
    write_unsigned(unsigned_link, LINK)
    write_unsigned(unsigned_layout, LAYOUT)

    def case(name, keyname, key, home, signer, expect, faked=False, kinds=("link", "layout"), ours=None):
        for kind in kinds:
            out = HERE / "metadata" / f"{name}.{kind}"
            reference_sign(home, signer, unsigned_link if kind == "link" else unsigned_layout, out, faked)
            add_case(out, keyname, key, expect, ours)

    def add_case(out, keyname, key, expect, ours=None):
        verdict = reference_verdict(out, key)
        assert verdict == expect, f"{out.name} with {keyname}: reference says {verdict}, expected {expect}"
        signer = json.loads(out.read_text())["signatures"][0]["keyid"]
        entry = {"metadata": out.name, "key": keyname, "expect": verdict, "signed_by": signer}
        if ours:
            entry["ours_with_own_export"] = ours
        cases.append(entry)

    try:
        home = tmp / "gen"
        home.mkdir(mode=0o700)
        homes.append(home)

        rsa = new_key(home, "RSA Plain <rsa@fixture>", "rsa2048", "sign,cert")
        add_subkey(home, rsa, "rsa2048", "encr")
        case("rsa", "rsa", save_key(home, rsa, "rsa"), home, rsa, "ok")

        rsa_sub = new_key(home, "RSA Sub <rsa-sub@fixture>", "rsa2048", "cert")
        add_subkey(home, rsa_sub, "rsa2048", "sign")
        add_subkey(home, rsa_sub, "rsa2048", "encr")
        case("rsa-subkey", "rsa-subkey", save_key(home, rsa_sub, "rsa-subkey"), home, rsa_sub, "ok")

        ed = new_key(home, "Ed Plain <ed@fixture>", "ed25519", "sign,cert")
        add_subkey(home, ed, "cv25519", "encr")
        case("ed25519", "ed25519", save_key(home, ed, "ed25519"), home, ed, "ok")

        ed_sub = new_key(home, "Ed Sub <ed-sub@fixture>", "ed25519", "cert")
        add_subkey(home, ed_sub, "ed25519", "sign")
        # The reference drops this subkey from the exported object (see the module docs of
        # src/gpg/bundle.rs), so it finds no signature; our export keeps it.
        case("ed25519-subkey", "ed25519-subkey", save_key(home, ed_sub, "ed25519-subkey"), home, ed_sub,
             "no-signature", ours="ok")

        # Negative: tampered payload (signed by the RSA key, then one field changed).
        for kind in ("link", "layout"):
            doc = json.loads((HERE / "metadata" / f"rsa.{kind}").read_text())
            doc["signed"]["readme" if kind == "layout" else "name"] += "-tampered"
            out = HERE / "metadata" / f"tampered.{kind}"
            out.write_text(json.dumps(doc, indent=1, sort_keys=True))
            add_case(out, "rsa", json.loads((HERE / "keys" / "rsa.json").read_text()), "bad-signature")

        # Negative: a signing subkey added after the key object was exported; gpg signs
        # with the newest signing subkey, which the exported object does not list.
        rsa_sub_key = json.loads((HERE / "keys" / "rsa-subkey.json").read_text())
        add_subkey(home, rsa_sub, "rsa2048", "sign")
        case("unknown-subkey", "rsa-subkey", rsa_sub_key, home, rsa_sub, "no-signature", ours="no-signature")
        later = save_key(home, rsa_sub, "rsa-subkey-later")
        add_case(HERE / "metadata" / "unknown-subkey.link", "rsa-subkey-later", later, "ok")

        # Negative: keys that expired on 2020-01-02, used while they were valid.
        exp = new_key(home, "Expired <expired@fixture>", "rsa2048", "sign,cert", "1d", faked=True)
        case("expired", "expired", save_key(home, exp, "expired"), home, exp, "expired", faked=True)
        # The reference does not see the expiry of Ed25519 keys; ours does.
        ed_exp = new_key(home, "Ed Expired <ed-expired@fixture>", "ed25519", "sign,cert", "1d", faked=True)
        case("ed25519-expired", "ed25519-expired", save_key(home, ed_exp, "ed25519-expired"), home, ed_exp,
             "ok", faked=True, ours="expired")
        exp_sub = new_key(home, "Expired Sub <expired-sub@fixture>", "rsa2048", "cert", faked=True)
        add_subkey(home, exp_sub, "rsa2048", "sign", "1d", faked=True)
        case("expired-subkey", "expired-subkey", save_key(home, exp_sub, "expired-subkey"), home, exp_sub,
             "expired", faked=True)

        # The shared in-toto test keyrings: RSA keys with signing/encryption/ElGamal
        # subkeys, a revoked key, and a DSA key.
        if SHARED.is_dir():
            for ring, keys in (
                ("rsa", ["8465A1E2E0FB2B40ADB2478E18FB3F537E0C8A17", "7B3ABB26B97B655AB9296BD15B0BD02E1C768C43",
                         "8288EF560ED3795F9DF2C0DB56193089B285DA58", "40E692C3AE03F6B88DFF95D0D2C9FE930766998D",
                         "F557D0FF451DEF45372591429EA70BD13D883381"]),
                ("dsa", ["C242A830DAAF1C2BEF604A9EF033A3A3E267B3B1"]),
            ):
                ring_home = tmp / ring
                shutil.copytree(SHARED / ring, ring_home)
                for p in [ring_home, *ring_home.iterdir()]:
                    p.chmod(0o700 if p.is_dir() else 0o600)
                homes.append(ring_home)
                for fpr in keys:
                    name = f"shared-{fpr[:8].lower()}"
                    key = save_key(ring_home, fpr, name)
                    if fpr.startswith(("8465", "40E6", "C242")):
                        case(name, name, key, ring_home, fpr, "ok", kinds=("link",))
    finally:
        for home in homes:
            subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)

    (HERE / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")
    print(f"{len(cases)} cases written", file=sys.stderr)


if __name__ == "__main__":
    main()
