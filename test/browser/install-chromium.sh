#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is absent (Playwright's own browser
# download cannot work on these machines). Idempotent and quick when already installed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "chromium is missing and apt-get is not available: install Chromium at /usr/bin/chromium" >&2
    exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
