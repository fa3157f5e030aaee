#!/usr/bin/env bash
# Submissions per second and tracking pages per second, on SQLite and on PostgreSQL, with one and with
# two server instances on the same database (the load generator spreads requests round-robin, as the
# load balancer does). Release build; each database is seeded with demo data first.
#   scripts/bench-http.sh [items=100000] [seconds=20] [concurrency=32]
# Starts its own throwaway PostgreSQL 15 (scripts/pg.sh, with fsync on as in production; SQLite runs
# in WAL mode with synchronous=FULL and group commit, the portal's setting since issue 19) and removes
# everything at the end. The load generator (loadgen/) runs on the same machine and takes CPU from the
# servers: read the numbers as "what this machine serves", not as a server's ceiling.
set -euo pipefail
cd "$(dirname "$0")/.."
ITEMS=${1:-100000}
SECONDS_RUN=${2:-20}
CONC=${3:-32}
WORK=$(mktemp -d /tmp/portal-bench-http.XXXXXX)
chmod 755 "$WORK"
PG_PORT=$((20000 + RANDOM % 20000))
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  scripts/pg.sh stop "$WORK/pg"
  rm -rf "$WORK"
}
trap cleanup EXIT
# BIN= another server binary (e.g. an older release, to compare); SCENARIOS="submit" to run fewer.
if [ -z "${BIN:-}" ]; then
  cargo build --release -p server -p loadgen 2>&1 | tail -1
  BIN=target/release/server
fi
LOAD=${LOAD:-target/release/loadgen}
SCENARIOS=${SCENARIOS:-submit track}
INSTANCES=${INSTANCES:-1 2}
DATABASES=${DATABASES:-sqlite postgres}
PG_URL=$(scripts/pg.sh start "$WORK/pg" "$PG_PORT" durable)
UNTIL=$(TZ=Asia/Shanghai date +%F)
echo "machine: $(nproc) cores; $ITEMS demo items; $SECONDS_RUN s per run after 3 s warm-up; $CONC concurrent clients"
printf '%-11s %-9s %-10s %s\n' database instances scenario "result (RSS after the scenario, per server)"

for db in $DATABASES; do
  if [ $db = sqlite ]; then URL="sqlite:$WORK/bench.db"; else URL="$PG_URL"; fi
  DATABASE_URL="$URL" "$BIN" seed-demo --items "$ITEMS" --seed 2026 --until "$UNTIL" >/dev/null
  for n in $INSTANCES; do
    BASES=()
    PIDS=()
    for i in $(seq 1 $n); do
      port=$((40000 + RANDOM % 20000))
      # The load generator stands in for many residents behind a proxy: it names a different client
      # address per request in X-Forwarded-For, so the submission limits are counted as in production.
      DATABASE_URL="$URL" LEPTOS_SITE_ADDR="127.0.0.1:$port" MAIL_WORKER=off RUST_LOG=warn TRUSTED_PROXIES=127.0.0.1/32 \
        "$BIN" >"$WORK/server-$db-$n-$i.log" 2>&1 &
      PIDS+=($!)
      BASES+=("http://127.0.0.1:$port")
    done
    for b in "${BASES[@]}"; do
      for _ in $(seq 1 300); do curl -fs "$b/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
    done
    joined=$(IFS=,; echo "${BASES[*]}")
    rss=$(for p in "${PIDS[@]}"; do echo "$(( $(awk '{print $2}' /proc/$p/statm) * 4 / 1024 ))"; done | paste -sd/)
    printf '%-11s %-9s %-10s server RSS %s MiB\n' $db $n started "$rss"
    for scenario in $SCENARIOS; do
      result=$("$LOAD" $scenario --database-url "$URL" --base "$joined" --seconds "$SECONDS_RUN" \
        --concurrency "$CONC" 2>&1 | tail -1) || true
      rss=$(for p in "${PIDS[@]}"; do echo "$(( $(awk '{print $2}' /proc/$p/statm) * 4 / 1024 ))"; done | paste -sd/)
      printf '%-11s %-9s %-10s %s; server RSS %s MiB\n' $db $n $scenario "${result#* * }" "$rss"
    done
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    PIDS=()
  done
done
