#!/usr/bin/env bash
# Sets up whatever is missing, builds the release, seeds a demo year into a fresh SQLite database once,
# prints a few tracking links, and serves the portal on http://127.0.0.1:3000 (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$PWD/end2end/node_modules/.bin:$PATH"   # a current wasm-opt for the release build
cargo leptos build --release
export DATABASE_URL=${DATABASE_URL:-sqlite:data/portal.db}
export LEPTOS_SITE_ADDR=${LEPTOS_SITE_ADDR:-127.0.0.1:3000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$LEPTOS_SITE_ADDR}
target/release/server seed-demo --items "${DEMO_ITEMS:-20000}" --seed 2026 --if-empty
scripts/demo-staff.sh
echo "staff sign-in: $PUBLIC_BASE_URL/staff (e.g. guancheng@demo.dg.gov.cn / ${DEMO_STAFF_PASSWORD:-demo-portal-2026})"
echo "serving on $PUBLIC_BASE_URL"
exec target/release/server
