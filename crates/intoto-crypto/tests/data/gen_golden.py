"""Generates reference_golden.json with the Python reference (run from the repository root):

    .venv/bin/python crates/intoto-crypto/tests/data/gen_golden.py

Uses in-toto 3.1.0 / securesystemslib 1.6.0 / cryptography 50 from .venv. Covers what
spec-tests/ does not: the key objects the reference makes for the in-toto-golang vector keys
(including the curves it or we reject), and signatures in every non-default scheme (RSA-PSS
with SHA-224/384/512, RSA PKCS#1 v1.5, PSS with unusual salt lengths) made by the reference
over a fixed message, so our verifier is checked against the reference's signer.
Signatures are randomised (PSS salt, ECDSA nonce), so rerunning changes them; they stay valid.
"""
import base64
import json
import os
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from in_toto.models._signer import load_public_key_from_file
from securesystemslib.signer import CryptoSigner, SSlibKey

ROOT = os.getcwd()
GOLANG = "../shared/vectors/in-toto-golang"
OUT = "crates/intoto-crypto/tests/data/reference_golden.json"
MESSAGE = b"in-toto golden message \x00\xff"


def rel(p):
    return os.path.relpath(os.path.join(ROOT, p), ROOT)


golang_keys = []
for name in ["alice", "carol", "dan", "erin", "frank", "grace", "heidi"]:
    path = f"{GOLANG}/{name}.pub"
    try:
        golang_keys.append({"file": path, "key": load_public_key_from_file(path)})
    except Exception as e:  # noqa: BLE001
        golang_keys.append({"file": path, "error": f"{type(e).__name__}: {e}"})

golang_private = []
for name in ["alice", "carol", "dan", "erin", "frank", "grace", "heidi"]:
    path = f"{GOLANG}/{name}"
    try:
        priv = load_pem_private_key(open(path, "rb").read(), None)
        key = SSlibKey.from_crypto(priv.public_key())
        golang_private.append({"file": path, "keyid": key.keyid})
    except Exception as e:  # noqa: BLE001
        golang_private.append({"file": path, "error": f"{type(e).__name__}: {e}"})

signatures = []
rsa_priv = load_pem_private_key(open("spec-tests/keys/rsa3072.pem", "rb").read(), None)
for scheme in ["rsassa-pss-sha224", "rsassa-pss-sha256", "rsassa-pss-sha384", "rsassa-pss-sha512",
               "rsa-pkcs1v15-sha224", "rsa-pkcs1v15-sha256", "rsa-pkcs1v15-sha384", "rsa-pkcs1v15-sha512"]:
    pub = SSlibKey.from_crypto(rsa_priv.public_key(), scheme=scheme)
    signer = CryptoSigner(rsa_priv, pub)
    sig = signer.sign(MESSAGE)
    pub.verify_signature(sig, MESSAGE)
    signatures.append({"key": pub.to_dict() | {"keyid": pub.keyid}, "sig": sig.signature,
                       "note": "CryptoSigner.sign"})

# PSS with salt lengths other than the digest length: the reference verifies with PSS.AUTO.
for salt in [0, 20, padding.PSS.MAX_LENGTH]:
    pub = SSlibKey.from_crypto(rsa_priv.public_key(), scheme="rsassa-pss-sha256")
    raw = rsa_priv.sign(MESSAGE, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt),
                        hashes.SHA256())
    from securesystemslib.signer import Signature
    pub.verify_signature(Signature(pub.keyid, raw.hex()), MESSAGE)
    signatures.append({"key": pub.to_dict() | {"keyid": pub.keyid}, "sig": raw.hex(),
                       "note": f"PSS salt_length={'MAX' if salt == padding.PSS.MAX_LENGTH else salt}"})

for name in ["ecdsa-p256", "ecdsa-p384", "ed25519"]:
    priv = load_pem_private_key(open(f"spec-tests/keys/{name}.pem", "rb").read(), None)
    signer = CryptoSigner(priv)
    sig = signer.sign(MESSAGE)
    pub = signer.public_key
    signatures.append({"key": pub.to_dict() | {"keyid": pub.keyid}, "sig": sig.signature,
                       "note": "CryptoSigner.sign"})

# Legacy keytype names that older layouts carry for ECDSA keys.
p256 = load_pem_private_key(open("spec-tests/keys/ecdsa-p256.pem", "rb").read(), None)
legacy = SSlibKey.from_crypto(p256.public_key())
legacy_dict = legacy.to_dict() | {"keytype": "ecdsa-sha2-nistp256", "keyid": legacy.keyid}
sig = CryptoSigner(p256).sign(MESSAGE)
SSlibKey.from_dict(legacy.keyid, dict(legacy_dict)).verify_signature(sig, MESSAGE)
signatures.append({"key": legacy_dict, "sig": sig.signature, "note": "legacy keytype ecdsa-sha2-nistp256"})

json.dump({"message_b64": base64.b64encode(MESSAGE).decode(), "golang_public_keys": golang_keys,
           "golang_private_keys": golang_private, "signatures": signatures},
          open(OUT, "w"), indent=1)
print("wrote", OUT, file=sys.stderr)
