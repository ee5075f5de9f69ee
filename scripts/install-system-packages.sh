#!/usr/bin/env bash
# Install the Debian packages the tests need, only those missing (run as root on Debian 12).
# PostgreSQL, Redis and Dovecot servers: the test fixtures start private instances from these
# binaries. Chromium (driven by Playwright, no browser download) and a CJK font for screenshots.
set -euo pipefail

wanted=(postgresql redis-server dovecot-imapd chromium fonts-wqy-microhei)
missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present (${wanted[*]})"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run as root, or install them yourself)" >&2
    exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d: do not start system-wide services on install; the tests run their own.
apt-get install -y -qq --no-install-recommends "${missing[@]}"
