#!/usr/bin/env bash
# Installs what building, running and testing Taizhang needs on a fresh Debian 12 machine:
# Tauri's system libraries, the WebKit WebDriver and Xvfb for end-to-end tests, CJK fonts,
# PostgreSQL 15 for the district server's tests, poppler-utils (pdftotext and pdftoppm read
# the PDFs the end-to-end tests save), the UI's npm packages and tauri-driver, and
# what `make package-test` uses (debootstrap; xdotool and xwininfo to find the installed app's
# window). Idempotent: every step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

need_cmd() { command -v "$1" >/dev/null 2>&1; }
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

if ! need_cmd cargo; then
  echo "cargo is missing: install Rust with rustup (https://rustup.rs), then rerun." >&2
  exit 1
fi
# `make check` needs rustfmt and clippy; rustup's default profile has them, a minimal one not.
if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  if need_cmd rustup; then
    rustup component add rustfmt clippy
  else
    echo "cargo fmt and cargo clippy are needed by make check: install the rustfmt and clippy components." >&2
    exit 1
  fi
fi

APT_PACKAGES="build-essential pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev \
  libayatana-appindicator3-dev librsvg2-dev webkit2gtk-driver xvfb xauth fonts-noto-cjk imagemagick \
  postgresql-15 debootstrap xdotool x11-utils desktop-file-utils curl poppler-utils"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "Installing system packages:$missing"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y $missing
fi

# LibreOffice reads the exported workbooks back and makes the legacy .xls fixture; Calc
# without its GUI and recommends is enough.
if ! dpkg-query -W -f='${Status}' libreoffice-calc-nogui 2>/dev/null | grep -q "install ok installed"; then
  echo "Installing LibreOffice Calc (headless)"
  [ -n "$missing" ] || $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends libreoffice-calc-nogui
fi

if ! need_cmd node || ! need_cmd npm; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y nodejs npm
fi
# ui/package.json's "engines" is the one statement of the Node versions the locked packages
# run on (vite and rolldown: ^20.19.0 || >=22.12.0); ui/.npmrc sets engine-strict, so `npm ci`
# also refuses any locked package whose own engines exclude this Node.
if ! node -e '
  const [major, minor] = process.versions.node.split(".").map(Number)
  process.exit((major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major > 22 ? 0 : 1)'; then
  echo "Node.js ^20.19.0 or >=22.12.0 is needed for the UI build (found $(node --version)); see ui/package.json \"engines\"." >&2
  exit 1
fi

# The UI's packages, exactly as locked; skipped when node_modules matches the lock file.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi

if ! need_cmd tauri-driver; then
  cargo install tauri-driver --locked --version ^2
fi
