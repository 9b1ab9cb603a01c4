"""Generates the DSSE interoperability fixtures with securesystemslib 1.6 (the reference's DSSE
code). Run from this directory with the workspace's .venv:

    ../../../../../.venv/bin/python make.py            # envelopes made by securesystemslib
    ../../../../../.venv/bin/python make.py verify F   # check an envelope made by us

Writes: key.pem (Ed25519, PKCS#8, unencrypted: test key only), key.pub, rsa.pem, rsa.pub,
statement.json (the payload), sslib-ed25519.json, sslib-two-signatures.json.
"""
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner, SSlibKey

PAYLOAD_TYPE = "application/vnd.in-toto+json"


def load_signer(path):
    with open(path, "rb") as f:
        priv = serialization.load_pem_private_key(f.read(), None)
    return CryptoSigner(priv)


def write_keys():
    for name, priv in (
        ("key", ed25519.Ed25519PrivateKey.generate()),
        ("rsa", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    ):
        with open(f"{name}.pem", "wb") as f:
            f.write(priv.private_bytes(serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        with open(f"{name}.pub", "wb") as f:
            f.write(priv.public_key().public_bytes(serialization.Encoding.PEM,
                    serialization.PublicFormat.SubjectPublicKeyInfo))


def make():
    write_keys()
    statement = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "app.bin", "digest": {"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],
        "predicateType": "https://in-toto.io/attestation/test-result/v0.1",
        "predicate": {"result": "PASSED", "passedTests": ["unit"], "warnedTests": [], "failedTests": []},
    }
    payload = json.dumps(statement, sort_keys=True).encode()
    with open("statement.json", "wb") as f:
        f.write(payload)
    ed, rs = load_signer("key.pem"), load_signer("rsa.pem")
    env = Envelope(payload, PAYLOAD_TYPE, {})
    env.sign(ed)
    with open("sslib-ed25519.json", "w") as f:
        json.dump(env.to_dict(), f, sort_keys=True)
    env.sign(rs)
    with open("sslib-two-signatures.json", "w") as f:
        json.dump(env.to_dict(), f, sort_keys=True)
    print("keyids:", ed.public_key.keyid, rs.public_key.keyid)


def verify(path):
    with open(path) as f:
        env = Envelope.from_dict(json.load(f))
    keys = [load_signer(p).public_key for p in ("key.pem",)]
    # threshold 1 over the Ed25519 key; raises if the signature does not verify
    accepted = env.verify(keys, 1)
    print("verified by", sorted(accepted))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "verify":
        verify(sys.argv[2])
    else:
        make()
