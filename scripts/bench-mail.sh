#!/usr/bin/env bash
# Throughput of the mail worker: queues N test mails in a fresh database, starts the release server
# with a real SMTP server (aiosmtpd on 127.0.0.1, not keeping the mails), and times until the outbox
# is drained. Usage: scripts/bench-mail.sh [N=2000] [sqlite|postgres://…/db]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
WORK=$(mktemp -d /tmp/portal-bench-mail.XXXXXX)
DB=${2:-sqlite}
[ "$DB" = sqlite ] && DB="sqlite:$WORK/bench.db"
SMTP_PORT=$((20000 + RANDOM % 20000))
PORT=$((40000 + RANDOM % 20000))
BIN=target/release/server
[ -x "$BIN" ] || cargo build --release -p server
export DATABASE_URL="$DB" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" RUST_LOG=warn
/usr/bin/python3 scripts/smtp_capture.py --port "$SMTP_PORT" --dir "$WORK/mail" --no-save > /dev/null &
SMTP_PID=$!
SERVER_PID=""
trap 'kill $SMTP_PID $SERVER_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
MAIL_WORKER=off "$BIN" mail test --to bench@example.org --count "$N" > /dev/null
start=$(date +%s.%N)
"$BIN" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
while :; do
  sent=$("$BIN" mail status | awk '$1 == "sent" {print $2}')
  [ "${sent:-0}" -ge "$N" ] && break
  sleep 0.2
done
end=$(date +%s.%N)
awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { printf "%d mails in %.2f s: %.0f mails/s (one worker, %s)\n", n, e - s, n / (e - s), ENVIRON["DATABASE_URL"] ~ /^postgres/ ? "PostgreSQL" : "SQLite" }'
