#!/usr/bin/env bash
# Debian packages the test suite uses as real peers: rsyslog (syslog receiver; gnutls for TLS,
# relp for RELP), systemd (for `systemd-analyze verify`), openssl (throw-away test CA).
# Installs only what is missing; needs root (apt-get).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in rsyslog rsyslog-gnutls rsyslog-relp systemd openssl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
