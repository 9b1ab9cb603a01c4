#!/bin/sh
# Makes the test certificates that in-toto-golang's test data lacks (see README.md).
# Run from this directory; needs OpenSSL 3 and the Go project's intermediate key
# (../shared/vectors/in-toto-golang/example.com.intermediate.key.pem), passed as $1.
set -eu
INTERMEDIATE_KEY=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/ext.cnf" <<'CNF'
[leaf_other]
subjectAltName=critical,URI:spiffe://example.com/other
keyUsage=critical,digitalSignature
basicConstraints=CA:false
[leaf_write_code]
subjectAltName=critical,URI:spiffe://example.com/write-code
keyUsage=critical,digitalSignature
basicConstraints=CA:false
[leaf_no_signing]
subjectAltName=critical,URI:spiffe://example.com/write-code
keyUsage=critical,keyEncipherment
basicConstraints=CA:false
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[ca_db]
dir=CADIR
database=$dir/index.txt
new_certs_dir=$dir
serial=$dir/serial
default_md=sha256
policy=any
copy_extensions=none
unique_subject=no
[any]
commonName=optional
organizationName=optional
organizationalUnitName=optional
CNF
sed -i "s#CADIR#$tmp#" "$tmp/ext.cnf"
: > "$tmp/index.txt"
echo 1000 > "$tmp/serial"

leaf() { # NAME CN EXTSECTION ISSUER_CERT ISSUER_KEY SERIAL [STARTDATE ENDDATE]
  openssl genrsa -out "$1.key.pem" 2048 2>/dev/null
  openssl req -new -key "$1.key.pem" -subj "/CN=$2/OU=example/O=example" -out "$tmp/$1.csr"
  if [ $# -ge 8 ]; then
    openssl ca -batch -config "$tmp/ext.cnf" -name ca_db -notext -cert "$4" -keyfile "$5" \
      -extfile "$tmp/ext.cnf" -extensions "$3" -startdate "$7" -enddate "$8" \
      -in "$tmp/$1.csr" -out "$tmp/$1.out" 2>/dev/null
    openssl x509 -in "$tmp/$1.out" -out "$1.cert.pem"
  else
    openssl x509 -req -in "$tmp/$1.csr" -CA "$4" -CAkey "$5" -set_serial "$6" -days 36500 \
      -sha256 -extfile "$tmp/ext.cnf" -extensions "$3" -out "$1.cert.pem" 2>/dev/null
  fi
}

# Issued by the Go project's intermediate.
GO_INT=example.com.intermediate.cert.pem
# Another SPIFFE id and common name.
leaf other other.example.com leaf_other $GO_INT "$INTERMEDIATE_KEY" 101
# The right names, but valid only in 2020.
leaf expired write-code.example.com leaf_write_code $GO_INT "$INTERMEDIATE_KEY" 102 \
  20200101000000Z 20200102000000Z
# The right names, but a key usage without digitalSignature.
leaf nosign write-code.example.com leaf_no_signing $GO_INT "$INTERMEDIATE_KEY" 103

# A second hierarchy the layouts do not trust: root, intermediate, leaf with the right names.
openssl genrsa -out other-root.key.pem 2048 2>/dev/null
openssl req -new -x509 -key other-root.key.pem -subj "/O=example/OU=exampleCN=root" \
  -days 36500 -sha256 -config "$tmp/ext.cnf" -extensions ca -out other-root.cert.pem
openssl genrsa -out other-intermediate.key.pem 2048 2>/dev/null
openssl req -new -key other-intermediate.key.pem -subj "/O=example/OU=exampleCN=example.com" \
  -out "$tmp/oi.csr"
openssl x509 -req -in "$tmp/oi.csr" -CA other-root.cert.pem -CAkey other-root.key.pem \
  -set_serial 201 -days 36500 -sha256 -extfile "$tmp/ext.cnf" -extensions ca \
  -out other-intermediate.cert.pem 2>/dev/null
leaf other-write-code write-code.example.com leaf_write_code other-intermediate.cert.pem \
  other-intermediate.key.pem 202
rm -f other-root.key.pem other-intermediate.key.pem

# A self-signed certificate with a name no layout root has.
openssl req -new -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key.pem \
  -subj "/CN=self-signed.example.com/O=example" -days 36500 -sha256 \
  -addext "keyUsage=critical,digitalSignature,keyCertSign" -out selfsigned.cert.pem 2>/dev/null
