#!/usr/bin/env bash
# What the server's memory does under load: its RSS at start, through six city-wide CSV exports of the
# 已超期 tab (the largest responses there are), and after ~100,000 requests of tracking pages and
# submissions (10 clients). Release build; the database is seeded first when it is empty.
#   scripts/bench-memory.sh [DATABASE_URL=sqlite:/tmp/portal-bench/memory.db] [items=100000]
# SERVER= another server binary, to compare builds. Numbers: docs/benchmarks.md ("Memory").
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${1:-sqlite:/tmp/portal-bench/memory.db}
ITEMS=${2:-100000}
if [ -z "${SERVER:-}" ]; then
  cargo build --release -p server -p loadgen 2>&1 | tail -1
  SERVER=target/release/server
fi
LOAD=${LOAD:-target/release/loadgen}
case "$DATABASE_URL" in
  sqlite:*) f=${DATABASE_URL#sqlite:}; f=${f#//}; mkdir -p "$(dirname "$f")"
    n=$([ -f "$f" ] && sqlite3 "$f" 'SELECT COUNT(*) FROM items' 2>/dev/null || echo 0) ;;
  *) n=$(psql "$DATABASE_URL" -Atc 'SELECT COUNT(*) FROM items' 2>/dev/null || echo 0) ;;
esac
if [ "$n" = 0 ]; then
  "$SERVER" seed-demo --items "$ITEMS" --seed 2026 --until "$(TZ=Asia/Shanghai date +%F)" >/dev/null
fi
printf 'bench-password-123\n' | "$SERVER" user add --if-missing --email bench-dispatcher@demo.dg.gov.cn \
  --name dispatcher --role dispatcher >/dev/null
PORT=$((41000 + RANDOM % 2000))
BASE=http://127.0.0.1:$PORT
LEPTOS_SITE_ADDR=127.0.0.1:$PORT PUBLIC_BASE_URL=$BASE MAIL_WORKER=off RUST_LOG=warn TRUSTED_PROXIES=127.0.0.1/32 \
  "$SERVER" >/dev/null 2>&1 &
PID=$!
JAR=$(mktemp)
OUT=$(mktemp)
trap 'kill $PID 2>/dev/null || true; rm -f "$JAR" "$OUT"' EXIT
for _ in $(seq 1 150); do curl -fs "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
rss() { echo "$(( $(awk '{print $2}' /proc/$PID/statm) * 4 / 1024 )) MiB"; }
echo "server RSS at start: $(rss)"
curl -s -c "$JAR" -o /dev/null -H "Origin: $BASE" \
  -d "email=bench-dispatcher@demo.dg.gov.cn&password=bench-password-123&next=/staff" "$BASE/staff/sign-in"
for i in 1 2 3 4 5 6; do
  t=$(curl -s -b "$JAR" -o "$OUT" -w '%{time_total}' "$BASE/staff/export.csv?tab=overdue")
  echo "city CSV export $i: $(wc -c < "$OUT") B in ${t} s; RSS $(rss)"
done
for step in "track 40" "submit 20" "track 30"; do
  set -- $step
  "$LOAD" "$1" --database-url "$DATABASE_URL" --base "$BASE" --seconds "$2" --warmup 0 --concurrency 10
  echo "RSS after that: $(rss)"
done
