#!/usr/bin/env bash
# The article's walkthrough (parts A and B) done by hand with openssl + curl: the baseline that
# bench/walkthrough.mjs times `mtls-wizard run` against. Written the way a person fluent in openssl
# would do it: one process per key + CSR (`req -newkey`), one per signature, no extra sleeps.
#
# usage: bench/openssl-walkthrough.sh DIR [KEY_ALGORITHM]
#   KEY_ALGORITHM: EC_prime256v1 (default) | EC_secp384r1 | RSA_2048 | RSA_4096
# Exits 0 only when every curl check gives the expected answer.
set -euo pipefail

dir=${1:?usage: openssl-walkthrough.sh DIR [KEY_ALGORITHM]}
alg=${2:-EC_prime256v1}
case $alg in
  EC_prime256v1) keyalg=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256); md=-sha256 ;;
  EC_secp384r1) keyalg=(-algorithm EC -pkeyopt ec_paramgen_curve:P-384); md=-sha384 ;;
  RSA_2048) keyalg=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048); md=-sha256 ;;
  RSA_4096) keyalg=(-algorithm RSA -pkeyopt rsa_keygen_bits:4096); md=-sha256 ;;
  *) echo "unknown key algorithm: $alg" >&2; exit 2 ;;
esac

mkdir -p "$dir" && cd "$dir"
umask 077 # keys 0600, folders 0700

# Same extensions as mtls-wizard's profiles (root, PathLenN subordinate, client, server).
cat > ext.cnf <<'EOF'
[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[pathlen0]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[pathlen1]
basicConstraints = critical, CA:TRUE, pathlen:1
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:$ENV::SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$ENV::SAN
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
export SAN=unused

# `req -newkey` takes the same algorithm name and -pkeyopt as genpkey: "${keyalg[@]:1}" drops "-algorithm".
# self_signed NAME DAYS: key and certificate in one process
self_signed() {
  openssl req -x509 -new -newkey "${keyalg[@]:1}" -noenc -keyout "$1.key" -subj "/CN=$1" "$md" \
    -days "$2" -config ext.cnf -extensions root -out "$1.pem"
}
# sign NAME PARENT DAYS PROFILE: the CSR on stdin becomes NAME.pem, signed by PARENT
sign() {
  openssl x509 -req -CA "$2.pem" -CAkey "$2.key" "$md" -days "$3" -extfile ext.cnf -extensions "$4" -out "$1.pem"
}
# issue NAME PARENT DAYS PROFILE: unencrypted key + CSR in one process, signed in a second
issue() {
  openssl req -new -newkey "${keyalg[@]:1}" -noenc -keyout "$1.key" -subj "/CN=$1" -config ext.cnf | sign "$@"
}
# client NAME PARENT: key encrypted as PKCS#8 with AES-256 under a fresh passphrase. `req -newkey`
# would encrypt with 3DES in OpenSSL 3.0, so the key comes from genpkey and the CSR from a second req.
client() {
  openssl rand -base64 -out "$1.pass" 18
  openssl genpkey "${keyalg[@]}" -aes-256-cbc -pass "file:$1.pass" -out "$1.key"
  openssl req -new -key "$1.key" -passin "file:$1.pass" -subj "/CN=$1" -config ext.cnf |
    SAN=$1.mtls.test sign "$1" "$2" 395 client
}

server_pid=
stop_server() { if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; server_pid=; fi; }
trap stop_server EXIT
# start_server TRUSTSTORE: mTLS server on a free loopback port; ready once it prints "ACCEPT host:port".
# -Verify demands a client certificate; without -verify_return_error s_server would only log a
# certificate that does not chain to the truststore and answer anyway.
start_server() {
  stop_server
  coproc SERVER { exec openssl s_server -accept 127.0.0.1:0 -cert api.mtls.test.pem -key api.mtls.test.key \
    -Verify 4 -verify_return_error -CAfile "$1" -www 2>&1; }
  server_pid=$SERVER_PID
  local line
  while read -r -u "${SERVER[0]}" line; do [[ $line == ACCEPT* ]] && break; done
  port=${line##*:}
}
# check NAME EXPECTED [curl options...]: EXPECTED is 200, or "rejected" (the TLS handshake fails)
check() {
  local name=$1 expected=$2 code; shift 2
  code=$(curl -s -o /dev/null -w '%{http_code}' --resolve "api.mtls.test:$port:127.0.0.1" \
    --cacert public-ca.pem "$@" "https://api.mtls.test:$port/hoge/auth") || code=rejected
  if [[ $code != "$expected" ]]; then echo "$name: got $code, expected $expected" >&2; exit 1; fi
  echo "$name: $code"
}

# Part A
self_signed rootCA 3650
issue intermediateCA0 rootCA 1825 pathlen0
self_signed public-ca 3650
SAN=api.mtls.test issue api.mtls.test public-ca 395 server
cat intermediateCA0.pem rootCA.pem > truststore-v1.pem
client client1 intermediateCA0
openssl verify -CAfile truststore-v1.pem client1.pem >/dev/null
start_server truststore-v1.pem
check client1 200 --key client1.key --cert client1.pem --pass "$(cat client1.pass)"
check no-certificate rejected

# Part B: the second chain; only what is missing goes into the truststore (rootCA is already there)
issue intermediateCA1 rootCA 1825 pathlen1
issue intermediateCA2 intermediateCA1 1825 pathlen0
cat truststore-v1.pem intermediateCA1.pem intermediateCA2.pem > truststore-v2.pem
client client2 intermediateCA2
openssl verify -CAfile truststore-v2.pem client1.pem client2.pem >/dev/null
self_signed outsiderCA 3650
SAN=outsider.mtls.test issue outsider outsiderCA 395 client
start_server truststore-v2.pem
check client2 200 --key client2.key --cert client2.pem --pass "$(cat client2.pass)"
check client1 200 --key client1.key --cert client1.pem --pass "$(cat client1.pass)"
check untrusted-ca rejected --key outsider.key --cert outsider.pem
