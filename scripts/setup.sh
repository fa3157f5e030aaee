#!/usr/bin/env bash
# Installs whatever this machine is missing to build, run and test the portal. Safe to run again:
# each step checks first. Debian 12 with Rust via rustup, as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
/usr/bin/python3 -c "import aiosmtpd" 2>/dev/null || need_apt+=(python3-aiosmtpd)   # the SMTP server of the mail tests
[ -x /usr/sbin/bearerbox ] || need_apt+=(kannel)   # the SMS gateway of the SMS tests (bearerbox, smsbox)
[ -x /usr/lib/kannel/test/fakesmsc ] || need_apt+=(kannel-extras)   # its fake carrier (fakesmsc)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]} (apt)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# cargo-leptos 0.3.11 needs rustc 1.96; 0.3.10 builds on 1.95. Takes 15-19 minutes, so only if missing.
if ! cargo leptos --version 2>/dev/null | grep -q "0.3.10"; then
  echo "setup: installing cargo-leptos 0.3.10 (about 15-19 minutes, once)"
  cargo install cargo-leptos --locked --version 0.3.10
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "0.2.130"; then
  echo "setup: installing wasm-bindgen-cli 0.2.130"
  cargo install wasm-bindgen-cli --version 0.2.130
fi

# Playwright, axe, Lighthouse and a current wasm-opt (Debian's binaryen 108 breaks hydration) come from npm.
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -d end2end/node_modules/@playwright/test ] || [ ! -d end2end/node_modules/lighthouse ]; then
  echo "setup: npm ci in end2end/"
  (cd end2end && npm ci --no-audit --no-fund >/dev/null)
fi
