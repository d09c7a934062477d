#!/usr/bin/env bash
# The browser tests' system packages: Debian's chromium, chromium-driver and ffmpeg
# (tests/support/browser.py). Installs them when missing and this user may (root, apt-get);
# otherwise says so, and the browser tests skip (CI sets HADIR_REQUIRE_BROWSER=1,
# where they fail instead).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "browser tests need: ${missing[*]} (sudo apt-get install ${missing[*]}); they will be skipped" >&2
    exit 0
fi
echo "installing ${missing[*]} for the browser tests"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
