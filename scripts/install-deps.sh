#!/usr/bin/env bash
# Installs every Debian 12 package that building, running and testing Herald needs.
# Idempotent: asks apt only for what is missing, and refreshes the package lists only then.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git
  # libraries (DESIGN §8)
  libboost1.74-dev libssl-dev libgmime-3.0-dev libsqlite3-dev nlohmann-json3-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev libc-ares-dev libidn2-dev
  libkainjow-mustache-dev libphonenumber-dev libsimdjson-dev
  # message bodies are stored zstd-compressed (src/storage/sqlite/bodies.h)
  libzstd-dev
  # real peers and tools used by the tests and benchmarks
  postfix swaks python3-aiosmtpd curl wrk sqlite3 procps valgrind
  # SMTP relay clients (tests/integration/test_smtp_clients.py): msmtp; swaks's TLS (Net::SSLeay);
  # the Cyrus SASL PLAIN/LOGIN mechanisms for Postfix's SMTP client
  msmtp libnet-ssleay-perl libsasl2-modules
  # an authoritative DNS server for test zones (src/dns/ares_resolver_test.cc starts its own)
  nsd
  # DKIM verifiers that check Herald's signatures (src/dkim/signer_peer_test.cc): dkimpy with
  # PyNaCl for Ed25519 (for /usr/bin/python3), and Perl's Mail::DKIM (RSA only in Debian 12)
  python3-dkim python3-nacl libmail-dkim-perl libcrypt-openssl-rsa-perl
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Postfix is installed only for its test tools (smtp-sink, smtp-source): no system mail configuration.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# NSD is installed only for the tests, which start their own: the system service is not wanted on port 53.
if command -v systemctl >/dev/null && systemctl is-enabled nsd.service >/dev/null 2>&1; then
  systemctl disable --now nsd.service >/dev/null 2>&1 || true
fi
