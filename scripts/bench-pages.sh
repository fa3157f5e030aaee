#!/usr/bin/env bash
# Times every staff inbox view, the CSV export, the dashboard, its drill-down and exports, the public
# figures and the public API over a big demo database, on SQLite or PostgreSQL:
#   scripts/bench-pages.sh DATABASE_URL [items] [years]
#   scripts/bench-pages.sh sqlite:/tmp/portal-bench/1m.db 1000000 1
#   scripts/bench-pages.sh postgres://postgres@127.0.0.1:25432/bench1m 1000000 1
# An empty database is seeded first (1M items: ~1.5 min on SQLite, ~3 min on PostgreSQL here; 2.5M over
# five years: ~7 min on SQLite); later runs reuse it. Needs a release build of the server
# (`cargo build --release -p server`, or SERVER=/path/to/another/build to compare two).
# For each URL: the first request (cold: nothing cached), then the median and the slowest of RUNS
# (default 15) more, and the bytes of the answer. Paste the table into docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${1:?usage: scripts/bench-pages.sh DATABASE_URL [items] [years]}
ITEMS=${2:-1000000}
YEARS=${3:-1}
RUNS=${RUNS:-15}
SERVER=${SERVER:-target/release/server}
PORT=${PORT:-3400}
BASE=http://127.0.0.1:$PORT
UNTIL=$(TZ=Asia/Shanghai date +%F)
LOG=${TMPDIR:-/tmp}/portal-bench-server.$PORT.log

count() { # the number of items, or 0 when the database is new
  case "$DATABASE_URL" in
    sqlite:*) f=${DATABASE_URL#sqlite:}; f=${f#//}; [ -f "$f" ] && sqlite3 "$f" 'SELECT COUNT(*) FROM items' 2>/dev/null || echo 0 ;;
    postgres*) psql "$DATABASE_URL" -Atc 'SELECT COUNT(*) FROM items' 2>/dev/null || echo 0 ;;
  esac
}
case "$DATABASE_URL" in
  sqlite:*) f=${DATABASE_URL#sqlite:}; mkdir -p "$(dirname "${f#//}")" ;;
esac
if [ "$(count)" = 0 ]; then
  start=$(date +%s)
  "$SERVER" seed-demo --items "$ITEMS" --seed 2026 --years "$YEARS" --until "$UNTIL" > "$LOG.seed"
  echo "$(grep '^seeded' "$LOG.seed") in $(( $(date +%s) - start )) s"
fi
for who in "leader bench-leader@demo.dg.gov.cn" "dispatcher bench-dispatcher@demo.dg.gov.cn"; do
  set -- $who
  printf 'bench-password-123\n' | "$SERVER" user add --if-missing --email "$2" --name "$1" --role "$1" >/dev/null
done
printf 'bench-password-123\n' | "$SERVER" user add --if-missing --email bench-town@demo.dg.gov.cn \
  --name town --role town_staff --town guancheng >/dev/null
LEPTOS_SITE_ADDR=127.0.0.1:$PORT PUBLIC_BASE_URL=$BASE "$SERVER" >"$LOG" 2>&1 &
SERVER_PID=$!
JARS=()
trap 'kill $SERVER_PID 2>/dev/null || true; rm -f "${JARS[@]}"' EXIT
for _ in $(seq 1 150); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
sign_in() { # email → a cookie jar
  local jar; jar=$(mktemp); JARS+=("$jar")
  curl -s -c "$jar" -o /dev/null -H "Origin: $BASE" \
    -d "email=$1&password=bench-password-123&next=/staff" "$BASE/staff/sign-in"
  echo "$jar"
}
LEADER=$(sign_in bench-leader@demo.dg.gov.cn)
DISPATCHER=$(sign_in bench-dispatcher@demo.dg.gov.cn)
TOWN=$(sign_in bench-town@demo.dg.gov.cn)
Y=$(TZ=Asia/Shanghai date +%Y)
FIRST=$((Y - YEARS + 1))
ms() { printf '%.0f' "$(echo "$1 * 1000" | bc)"; }
echo "items: $(count) on ${DATABASE_URL%%:*}, server $SERVER"
printf '%-12s %-64s %7s %7s %7s %9s\n' "who" "request" "first" "median" "max" "bytes"
time_url() { # who jar path
  local who=$1 jar=$2 path=$3 first times size
  first=$(curl -s -b "$jar" -o /dev/null -w '%{time_total}' "$BASE$path")
  times=$(for _ in $(seq 1 "$RUNS"); do curl -s -b "$jar" -o /dev/null -w '%{time_total}\n' "$BASE$path"; done | sort -n)
  size=$(curl -s -b "$jar" "$BASE$path" | wc -c)
  printf '%-12s %-64s %5sms %5sms %5sms %9s\n' "$who" "$path" "$(ms "$first")" \
    "$(ms "$(echo "$times" | sed -n "$(( (RUNS + 1) / 2 ))p")")" "$(ms "$(echo "$times" | tail -1)")" "$size"
}
for tab in new to_sign decide rectify mine in_progress due_soon overdue supervised escalated callback done; do
  time_url dispatcher "$DISPATCHER" "/staff?tab=$tab"
done
time_url dispatcher "$DISPATCHER" "/staff?tab=done&page=40"
time_url dispatcher "$DISPATCHER" "/staff?tab=in_progress&kind=wish"
time_url dispatcher "$DISPATCHER" "/staff?tab=done&town=humen&category=elderly_alone"
time_url dispatcher "$DISPATCHER" "/staff/export.csv?tab=overdue"
time_url dispatcher "$DISPATCHER" "/staff/export.csv?tab=due_soon"
time_url town "$TOWN" "/staff?tab=new"
time_url town "$TOWN" "/staff?tab=overdue"
time_url town "$TOWN" "/staff?tab=done&page=3"
time_url town "$TOWN" "/staff?tab=in_progress&q=%E8%BD%AE%E6%A4%85"
time_url town "$TOWN" "/staff/export.csv?tab=overdue"
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
  time_url leader "$LEADER" "$path"
done
echo "server RSS after the run: $(( $(awk '{print $2}' /proc/$SERVER_PID/statm) * 4 / 1024 )) MiB"
