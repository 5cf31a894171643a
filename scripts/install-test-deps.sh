#!/usr/bin/env bash
# Debian packages the test suite uses as real peers: rsyslog (syslog receiver; gnutls for TLS,
# relp for RELP), systemd (for `systemd-analyze verify`), openssl (throw-away test CA), prometheus
# (a real scraper, and promtool), chromium (headless browser tests, the system binary), nftables and
# iproute2 (bans tested in network namespaces), tmux (terminal UI tests), python3 (apps run by
# extension: .py under python3), zsh (shell completion test), strace and util-linux's setpriv
# (the systemd unit's credentials and system call filter, checked without systemd as PID 1).
# Installs only what is missing; needs root (apt-get).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in rsyslog rsyslog-gnutls rsyslog-relp systemd openssl prometheus chromium nftables iproute2 tmux python3 zsh strace util-linux; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
