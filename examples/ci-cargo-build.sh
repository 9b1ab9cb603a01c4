#!/usr/bin/env bash
# Record a cargo build as an in-toto supply chain, the way a CI job would:
#
#   1. keys    throw-away keys for the project owner and the build machine (in-toto keygen);
#   2. layout  one step, "build", that only the build machine's key may sign, whose materials
#              are the sources and whose product is the binary; signed by the owner;
#   3. run     `in-toto run` around `cargo build`, writing the signed link build.KEYID8.link;
#   4. verify  `in-toto verify` with the owner's public key, then `in-toto match-products`
#              to check that the binary about to be shipped is the one the link recorded.
#
# Usage: examples/ci-cargo-build.sh PROJECT_DIR [OUT_DIR]
#   PROJECT_DIR  a cargo package (binary crate) whose sources are Cargo.toml, Cargo.lock, src/
#   OUT_DIR      where keys, layout and links go (default: PROJECT_DIR/in-toto)
# Environment: IN_TOTO (default: in-toto from PATH), CARGO (default: cargo).
# In a real pipeline the owner's key never reaches CI: the owner signs root.layout once and CI
# gets root.layout and owner.pub; the build machine's key lives in the CI secret store.
set -euo pipefail

project=$(cd "${1:?usage: $0 PROJECT_DIR [OUT_DIR]}" && pwd)
out=${2:-$project/in-toto}
in_toto=${IN_TOTO:-in-toto}
cargo=${CARGO:-cargo}
name=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$project/Cargo.toml" | head -n 1)
mkdir -p "$out"
out=$(cd "$out" && pwd)

echo "== 1. keys"
"$in_toto" keygen --force "$out/owner" >/dev/null
builder_id=$("$in_toto" keygen --force -t ecdsa-p256 "$out/builder")
echo "build machine key: $builder_id"

echo "== 2. layout"
# The builder's public key as a layout key object: ECDSA keys carry their PEM.
builder_pem=$(awk '{ printf "%s\\n", $0 }' "$out/builder.pub")
cat >"$out/build.layout" <<LAYOUT
{
 "signatures": [],
 "signed": {
  "_type": "layout",
  "expires": "2100-01-01T00:00:00Z",
  "readme": "cargo build of $name, recorded in CI",
  "keys": {
   "$builder_id": {
    "keyid": "$builder_id",
    "keytype": "ecdsa",
    "scheme": "ecdsa-sha2-nistp256",
    "keyval": {"public": "$builder_pem"}
   }
  },
  "steps": [
   {
    "_type": "step",
    "name": "build",
    "threshold": 1,
    "pubkeys": ["$builder_id"],
    "expected_command": ["cargo", "build", "--offline", "--locked"],
    "expected_materials": [["ALLOW", "Cargo.toml"], ["ALLOW", "Cargo.lock"], ["ALLOW", "src/*"], ["DISALLOW", "*"]],
    "expected_products": [["CREATE", "target/debug/$name"], ["DISALLOW", "*"]]
   }
  ],
  "inspect": []
 }
}
LAYOUT
"$in_toto" sign -f "$out/build.layout" -k "$out/owner" -o "$out/root.layout"

echo "== 3. run"
cd "$project"
# The layout names the binary under target/: keep it there whatever the environment says.
export CARGO_TARGET_DIR="$project/target"
[ -f Cargo.lock ] || "$cargo" generate-lockfile --offline
"$in_toto" run -n build --signing-key "$out/builder" -d "$out" \
    -m Cargo.toml Cargo.lock src -p "target/debug/$name" \
    -- "$cargo" build --offline --locked

echo "== 4. verify"
"$in_toto" verify -l "$out/root.layout" --verification-keys "$out/owner.pub" --link-dir "$out"
"$in_toto" match-products -l "$out/build.${builder_id:0:8}.link" -p "target/debug/$name"
echo "target/debug/$name is the binary the build step recorded"
