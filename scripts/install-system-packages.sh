#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python's own.
# Idempotent; skipped when not root or without apt-get.
set -euo pipefail
# chromium and fonts: the web app's browser tests (Playwright drives Debian's chromium).
# python3-venv: the virtual environment the set-up commands create (Debian's Python is externally managed).
# postgresql: the server the store tests also run against (scripts/start-test-postgres.sh starts a throwaway one).
packages=(chromium fonts-dejavu-core fonts-liberation python3-venv postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "missing Debian packages: ${missing[*]} (install them as root)" >&2
  fi
fi
