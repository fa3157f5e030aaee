#!/usr/bin/env bash
# Sets up whatever is missing, then runs every check and test:
#   formatting and clippy; domain, storage and HTTP tests on SQLite and on a throwaway PostgreSQL
#   (the mail and SMS tests start a real SMTP server and a real Kannel gateway on 127.0.0.1 themselves);
#   a release build with the bundle-size budget; Playwright in Chromium at phone size against the
#   release binary (which proves hydration after wasm-opt).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/setup.sh
export PATH="$ROOT/end2end/node_modules/.bin:$PATH"   # a current wasm-opt for release builds

WORK=$(mktemp -d /tmp/portal-test.XXXXXX)
chmod 755 "$WORK"   # the throwaway PostgreSQL runs as user postgres and must reach $WORK/pg
PG_PORT=$((20000 + RANDOM % 20000))
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  scripts/pg.sh stop "$WORK/pg" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s (%s)\n' "$*" "$(date -u +%T)"; }

# A fresh clone needs about 10 GB for its builds; CI once failed with "No space left on device".
# Incremental compilation only helps repeated local builds and doubles the debug target's size.
export CARGO_INCREMENTAL=0
FREE_GB=$(df -Pk . | awk 'NR==2 {print int($4 / 1048576)}')
echo "disk: ${FREE_GB} GB free where the build goes"
if [ "$FREE_GB" -lt 12 ]; then
  echo "test: only ${FREE_GB} GB free; the builds need about 10 GB. Free some space (old target/ dirs, /tmp) and run again." >&2
  exit 1
fi

step "format and lints"
scripts/check-migrations.sh
cargo fmt --all -- --check
/usr/bin/python3 scripts/check-imports.py   # no import circle between files (docs/architecture.md)
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

step "PostgreSQL 15 on 127.0.0.1:$PG_PORT"
TEST_POSTGRES_URL=$(scripts/pg.sh start "$WORK/pg" "$PG_PORT")   # not `export X=$(…)`: that hides a failure
export TEST_POSTGRES_URL
export PORTAL_REQUIRE_POSTGRES=1

step "unit, storage and HTTP tests (SQLite and PostgreSQL)"
# A hung test fails the run after 25 minutes instead of using up CI's 90 (one hung once, see
# store::measures::Db::exists).
timeout 1500 cargo test --workspace 2>&1 | tee "$WORK/cargo-test.log"
grep -E "^test result:" "$WORK/cargo-test.log" | awk '{p+=$4; f+=$6} END {print "cargo tests: " p " passed, " f " failed"}'

step "release build (cargo leptos, wasm-release profile, wasm-opt $(wasm-opt --version | awk '{print $3}'))"
cargo leptos build --release
scripts/bundle-size.sh

step "end-to-end in Chromium at 390x844 against the release binary"
PORT=$((40000 + RANDOM % 20000))
export DATABASE_URL="sqlite:$WORK/e2e.db"
export MAIL_DIR="$WORK/mail"   # no SMTP_URL: the worker writes mails here; the e2e reads a code from them
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT"
export PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
target/release/server seed-demo --items 400 --seed 1 --until "$(date -u +%F)" > "$WORK/seed.log"
scripts/demo-staff.sh > /dev/null
target/release/server > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -fs "$PUBLIC_BASE_URL/healthz" >/dev/null && break; sleep 0.2; done
(cd end2end && BASE_URL="$PUBLIC_BASE_URL" SEED_LOG="$WORK/seed.log" npx playwright test)

step "bytes on the wire (Accept-Encoding: br, gzip): /wish/new within its budget"
TRACK=$(awk '$2 == "in_progress" {print $3; exit}' "$WORK/seed.log" | sed 's#^https\?://[^/]*##')
# 180,000 B guards today's 173,558 B; issue 19 asks 160 KB (the WebAssembly is 157 KB of it).
BUDGET=${WIRE_BUDGET:-180000} PAGE=/wish/new scripts/wire-bytes.sh "$PUBLIC_BASE_URL" / /wish/new /project/new /track "$TRACK" /wishes /projects

step "Lighthouse (mobile, slow 4G) on the resident pages, standard and 长者模式: accessibility 100, performance ≥ 95"
(cd end2end && BASE_URL="$PUBLIC_BASE_URL" SEED_LOG="$WORK/seed.log" CHROME_PATH=/usr/bin/chromium PERF_FLOOR=95 node lighthouse.mjs)
