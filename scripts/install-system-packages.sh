#!/usr/bin/env bash
# Debian packages the test suite needs beyond Python's own (none yet for the core).
# Idempotent; skipped when not root or without apt-get.
set -euo pipefail
packages=()
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
