#!/usr/bin/env bash
# Installs what building and testing Taizhang needs on a fresh Debian 12 machine.
# Idempotent: each step checks first, so a prepared machine pays nothing.
set -euo pipefail

need_cmd() { command -v "$1" >/dev/null 2>&1; }

if ! need_cmd cargo; then
  echo "cargo is missing: install Rust with rustup (https://rustup.rs), then rerun." >&2
  exit 1
fi

# Build tools for the bundled SQLite (a C compiler) — present on most machines.
if ! need_cmd cc; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update
  $SUDO apt-get install -y build-essential
fi
