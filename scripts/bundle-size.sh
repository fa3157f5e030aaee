#!/usr/bin/env bash
# Measures the browser bundle (raw, gzip -9, brotli) and fails when it is over budget.
# Budget: 200 KiB of compressed (brotli) WASM + JS for the islands. See docs/bundle.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_BR=${BUNDLE_BUDGET_BR:-204800}
total_br=0
# A release build names the files by their content (hash-files); target/release/hash.txt lists the hashes.
name() { local h; h=$(sed -n "s/^$1: *//p" target/release/hash.txt 2>/dev/null | head -1); [ -n "$h" ] && echo "target/site/pkg/portal.$h.$1" || echo "target/site/pkg/portal.$1"; }
for f in "$(name wasm)" "$(name js)" "$(name css)"; do
  [ -f "$f" ] || { echo "missing $f (run cargo leptos build --release)"; exit 1; }
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(node -e 'const z=require("zlib");const b=require("fs").readFileSync(process.argv[1]);console.log(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length)' "$f")
  printf '%-36s raw %8d  gzip %7d  brotli %7d bytes\n' "$(basename "$f")" "$raw" "$gz" "$br"
  case "$f" in *.wasm|*.js) total_br=$((total_br + br)) ;; esac
done
echo "islands bundle (wasm + js), brotli: $total_br bytes; budget $BUDGET_BR"
[ "$total_br" -le "$BUDGET_BR" ] || { echo "bundle over budget"; exit 1; }
