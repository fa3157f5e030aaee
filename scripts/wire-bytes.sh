#!/usr/bin/env bash
# Bytes actually sent over the wire for a page and everything it loads (its stylesheet, and on pages
# with islands the JavaScript and WebAssembly), as a phone asking `Accept-Encoding: br, gzip` gets
# them on a first visit: body bytes as transferred (compressed), plus response headers.
#   scripts/wire-bytes.sh BASE_URL PATH... ; BUDGET=<bytes> PAGE=<path> fails when PAGE is over BUDGET.
set -euo pipefail
BASE=$1
shift
AE='br, gzip'
over=0
printf '%-22s %9s %9s %9s %9s %10s\n' page html css js wasm total
for path in "$@"; do
  html=$(curl -s -o /dev/null -H "Accept-Encoding: $AE" -w '%{size_download} %{size_header}' "$BASE$path")
  page=$(curl -s --compressed "$BASE$path")
  css_url=$(grep -o 'rel="stylesheet" href="[^"]*"' <<<"$page" | head -1 | sed 's/.*href="//; s/"$//' || true)
  js_url=$(grep -o 'rel="modulepreload" href="[^"]*"' <<<"$page" | head -1 | sed 's/.*href="//; s/"$//' || true)
  wasm_url=$(grep -o 'rel="preload" href="[^"]*\.wasm"' <<<"$page" | head -1 | sed 's/.*href="//; s/"$//' || true)
  size() {
    [ -n "$1" ] || { echo 0; return; }
    curl -s -o /dev/null -H "Accept-Encoding: $AE" -w '%{size_download} %{size_header}' "$BASE$1" | awk '{print $1 + $2}'
  }
  h=$(awk '{print $1 + $2}' <<<"$html")
  c=$(size "$css_url")
  j=$(size "$js_url")
  w=$(size "$wasm_url")
  total=$((h + c + j + w))
  printf '%-22s %9d %9d %9d %9d %10d\n' "${path:0:22}" "$h" "$c" "$j" "$w" "$total"
  if [ -n "${BUDGET:-}" ] && [ "$path" = "${PAGE:-}" ] && [ "$total" -gt "$BUDGET" ]; then
    echo "wire-bytes: $path sends $total bytes, over the budget of $BUDGET" >&2
    over=1
  fi
done
exit $over
