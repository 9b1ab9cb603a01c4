"""Reference P-521 data for intoto-crypto's tests (tests/go_keys.rs).

Run from the repository root with the reference's Python:
    .venv/bin/python crates/intoto-crypto/tests/data/gen_p521.py

Loads in-toto-golang's P-521 test key (spec-tests/in-toto-golang/frank, PKCS#8), lets
securesystemslib build its key object and sign a fixed message with it (ecdsa-sha2-nistp521:
SHA-512, DER), once more under the legacy keytype name, and writes reference_p521.json.
"""
import base64
import json
import sys

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from securesystemslib.signer import CryptoSigner, SSlibKey

MESSAGE = b"in-toto golden message \x00\xff"
OUT = "crates/intoto-crypto/tests/data/reference_p521.json"

priv = load_pem_private_key(open("spec-tests/in-toto-golang/frank", "rb").read(), None)
signer = CryptoSigner(priv)
pub = signer.public_key
signatures = []
for note, keytype in [("CryptoSigner.sign", "ecdsa"), ("legacy keytype ecdsa-sha2-nistp521", "ecdsa-sha2-nistp521")]:
    sig = signer.sign(MESSAGE)
    key = pub.to_dict() | {"keytype": keytype, "keyid": pub.keyid}
    SSlibKey.from_dict(pub.keyid, {k: v for k, v in key.items() if k != "keyid"}).verify_signature(sig, MESSAGE)
    signatures.append({"key": key, "sig": sig.signature, "note": note})

json.dump({"message_b64": base64.b64encode(MESSAGE).decode(), "signatures": signatures},
          open(OUT, "w"), indent=1)
print("wrote", OUT, file=sys.stderr)
