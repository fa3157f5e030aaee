#!/usr/bin/env bash
# Migrations are append-only: every migration that is in main has its SHA-256 in
# store/migrations/checksums.txt. This fails when one of them changed, disappeared, or a new one was
# added without its line (add it with: sha256sum store/migrations/*/NNNN_*.sql >> store/migrations/checksums.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
LIST=store/migrations/checksums.txt
sha256sum --quiet --strict -c "$LIST" || {
  echo "check-migrations: a migration already in main was changed or removed (above). Never edit one: add a new numbered file to both folders." >&2
  exit 1
}
missing=0
for f in store/migrations/sqlite/*.sql store/migrations/postgres/*.sql; do
  if ! grep -q "  $f\$" "$LIST"; then
    echo "check-migrations: $f has no checksum in $LIST; add it once the migration is final." >&2
    missing=1
  fi
done
for n in $(ls store/migrations/sqlite/ | grep '\.sql$'); do
  [ -f "store/migrations/postgres/$n" ] || { echo "check-migrations: $n exists for SQLite but not for PostgreSQL" >&2; missing=1; }
done
[ "$missing" = 0 ]
echo "migrations: $(wc -l < "$LIST") files unchanged"
