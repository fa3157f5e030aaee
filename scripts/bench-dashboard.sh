#!/usr/bin/env bash
# Times the dashboard, its drill-down, the public page and the public API over a big demo database:
#   scripts/bench-dashboard.sh [sqlite-file] [items] [years]
# Defaults: /tmp/portal-bench/bench.db with 2,500,000 items over 5 years (seeding it takes ~7 minutes
# the first time; later runs reuse the file). Needs a release build (cargo leptos build --release).
# Prints the median and the slowest of N requests per URL (N=${RUNS:-15}), after one warm-up request.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-/tmp/portal-bench/bench.db}
ITEMS=${2:-2500000}
YEARS=${3:-5}
RUNS=${RUNS:-15}
SERVER=${SERVER:-target/release/server}   # another build to compare: SERVER=/path/to/server
PORT=${PORT:-3400}
BASE=http://127.0.0.1:$PORT
mkdir -p "$(dirname "$DB")"
export DATABASE_URL=sqlite:$DB
UNTIL=$(TZ=Asia/Shanghai date +%F)
if [ ! -f "$DB" ]; then
  # Into a file, not `| head -1`: the first line is now the village import's log, and closing the
  # pipe early killed the seeder when it printed its summary.
  "$SERVER" seed-demo --items "$ITEMS" --seed 2026 --years "$YEARS" --until "$UNTIL" > "$DB.seed.log"
  grep '^seeded' "$DB.seed.log"
fi
printf 'bench-password-123\n' | "$SERVER" user add --if-missing --email bench@demo.dg.gov.cn \
  --name bench --role leader >/dev/null
LEPTOS_SITE_ADDR=127.0.0.1:$PORT PUBLIC_BASE_URL=$BASE "$SERVER" >/tmp/portal-bench-server.log 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
JAR=$(mktemp)
curl -s -c "$JAR" -o /dev/null -H "Origin: $BASE" \
  -d "email=bench@demo.dg.gov.cn&password=bench-password-123&next=/dashboard" "$BASE/staff/sign-in"
Y=$(TZ=Asia/Shanghai date +%Y)
FIRST=$((Y - YEARS + 1))
echo "items: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM items' 2>/dev/null || echo "$ITEMS"), rollup rows: $(sqlite3 "$DB" 'SELECT COUNT(*) FROM measure_rollups' 2>/dev/null || echo '?')"
printf '%-62s %8s %8s %8s\n' "request" "median" "max" "bytes"
for path in \
  "/dashboard" \
  "/dashboard?from=$FIRST-01-01&to=$UNTIL" \
  "/dashboard?town=humen" \
  "/dashboard?from=$FIRST-01-01&to=$UNTIL&kind=wish&category=elderly_alone" \
  "/dashboard?from=$Y-03-15&to=$Y-09-10" \
  "/dashboard/items?set=overdue" \
  "/dashboard/items?set=items&from=$FIRST-01-01&to=$UNTIL&page=40" \
  "/dashboard/league.xlsx" \
  "/figures" \
  "/api/v1/kpi" \
  "/api/v1/kpi?from=$FIRST-01-01&to=$UNTIL" \
  "/api/v1/kpi?from=$Y-03-15&to=$Y-09-10&town=humen" \
  "/"; do
  curl -s -b "$JAR" -o /dev/null "$BASE$path"
  times=$(for _ in $(seq 1 "$RUNS"); do curl -s -b "$JAR" -o /dev/null -w '%{time_total}\n' "$BASE$path"; done | sort -n)
  size=$(curl -s -b "$JAR" "$BASE$path" | wc -c)
  median=$(echo "$times" | sed -n "$(( (RUNS + 1) / 2 ))p")
  max=$(echo "$times" | tail -1)
  printf '%-62s %7.0fms %7.0fms %8s\n' "$path" "$(echo "$median * 1000" | bc)" "$(echo "$max * 1000" | bc)" "$size"
done
rm -f "$JAR"
