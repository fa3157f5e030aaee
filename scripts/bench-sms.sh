#!/usr/bin/env bash
# Throughput of the outbox worker sending texts: queues N test texts in a fresh
# database, starts a real Kannel on 127.0.0.1 (bearerbox + smsbox, Kannel's fakesmsc as the carrier)
# and the release server with SMS_URL, and times until the outbox is drained.
# Usage: scripts/bench-sms.sh [N=2000] [sqlite|postgres://…/db]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
WORK=$(mktemp -d /tmp/portal-bench-sms.XXXXXX)
DB=${2:-sqlite}
[ "$DB" = sqlite ] && DB="sqlite:$WORK/bench.db"
port() { echo $((20000 + RANDOM % 40000)); }
ADMIN=$(port); BOXES=$(port); SMSC=$(port); SEND=$(port); PORT=$(port)
BIN=target/release/server
[ -x "$BIN" ] || cargo build --release -p server
cat > "$WORK/kannel.conf" <<CONF
group = core
admin-port = $ADMIN
admin-password = bench-$RANDOM
admin-interface = 127.0.0.1
smsbox-port = $BOXES
smsbox-interface = 127.0.0.1
box-allow-ip = "127.0.0.1"
log-file = "$WORK/bearerbox.log"
log-level = 2
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
host = 127.0.0.1
port = $SMSC
our-host = 127.0.0.1
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $BOXES
sendsms-port = $SEND
sendsms-interface = 127.0.0.1
log-file = "$WORK/smsbox.log"
log-level = 2

group = sendsms-user
username = portal
password = bench-pw
max-messages = 10
concatenation = true
CONF
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
/usr/sbin/bearerbox "$WORK/kannel.conf" > /dev/null 2>&1 & PIDS+=($!)
sleep 1
/usr/sbin/smsbox "$WORK/kannel.conf" > /dev/null 2>&1 & PIDS+=($!)
/usr/lib/kannel/test/fakesmsc -H 127.0.0.1 -r "$SMSC" -m 0 "1 2 text x" > /dev/null 2>&1 & PIDS+=($!)
sleep 2
export DATABASE_URL="$DB" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" RUST_LOG=warn
export SMS_URL="http://127.0.0.1:$SEND/cgi-bin/sendsms" SMS_PASSWORD=bench-pw
MAIL_WORKER=off "$BIN" mail test --to 13900000000 --count "$N" > /dev/null
start=$(date +%s.%N)
"$BIN" > "$WORK/server.log" 2>&1 & PIDS+=($!)
while :; do
  sent=$("$BIN" mail status | awk '$1 == "sent" {print $2}')
  [ "${sent:-0}" -ge "$N" ] && break
  sleep 1
done
end=$(date +%s.%N)
awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { printf "%d texts in %.2f s: %.0f texts/s (one worker, Kannel sendsms on 127.0.0.1, %s)\n", n, e - s, n / (e - s), ENVIRON["DATABASE_URL"] ~ /^postgres/ ? "PostgreSQL" : "SQLite" }'
