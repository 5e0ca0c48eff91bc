#!/usr/bin/env bash
# Measures the real till window under Xvfb on a generated 200,000-SKU catalog: the time
# from launch until the window exists, and the resident memory of `pos` at the empty sale
# screen and after 1,000 sales rung up through the window's own keys (xdotool: a wedge
# scan at 5 ms a key, F12, F1 cash, Enter for the exact amount). Prints the figures;
# BENCHMARKS.md quotes them.
#
#   bash scripts/measure-window.sh                      # builds pos (release) first
#   POS=path/to/pos SKUS=200000 SALES=1000 bash scripts/measure-window.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in Xvfb xdotool; do
  command -v "$tool" >/dev/null || {
    echo "measure-window: $tool missing; run: bash scripts/setup.sh" >&2
    exit 1
  }
done
if [ -z "${POS:-}" ]; then
  cargo build --release --locked -p pos-app
  POS="${CARGO_TARGET_DIR:-target}/release/pos"
fi
skus=${SKUS:-200000}
sales=${SALES:-1000}
# The demo's blood-pressure cuff (49.00), added to the generated catalog to be scanned.
cuff=6921345626875

work=$(mktemp -d)
data=$work/till
app=
xvfb=
cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; fi
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; fi
  # KEEP=1 keeps the till and the window's output for a look when the figures surprise.
  if [ -n "${KEEP:-}" ]; then
    rm -rf "${TMPDIR:-/tmp}/measure-window"
    mkdir -p "${TMPDIR:-/tmp}/measure-window"
    cp -r "$data" "$work/pos.log" "${TMPDIR:-/tmp}/measure-window/" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$POS" init --data-dir "$data" --store S001 --terminal T01 \
  --manager-pin 123456 --cashier-pin 1111 >/dev/null
"$POS" import --data-dir "$data" --generate "$skus" >/dev/null
grep -E "^(product|barcode),100024," assets/demo/catalog.csv >"$work/cuff.csv"
"$POS" import --data-dir "$data" "$work/cuff.csv" >/dev/null
if [ -n "${WEDGE_GAP_MS:-}" ]; then
  sed -i "s/^max_inter_key_ms = .*/max_inter_key_ms = $WEDGE_GAP_MS/" "$data/config.toml"
fi

display=:${MEASURE_DISPLAY:-98}
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
export DISPLAY=$display
for _ in $(seq 1 100); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

started=$(date +%s%N)
"$POS" --data-dir "$data" >"$work/pos.log" 2>&1 &
app=$!
for _ in $(seq 1 1000); do
  xdotool search --pid "$app" >/dev/null 2>&1 && break
  sleep 0.01
done
window_ms=$((($(date +%s%N) - started) / 1000000))
sleep 2
# No window manager under Xvfb: keys go to the window under the pointer.
xdotool mousemove 683 60
xdotool search --pid "$app" | head -1 | xargs -r xdotool windowfocus 2>/dev/null || true

rss_mib() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$app/status"; }
key() { xdotool key --delay 100 "$@"; }

# Log in as the cashier and open the shift with five 100-yuan notes.
xdotool type --delay 250 1111
key Return
sleep 0.5
xdotool type --delay 250 5
key Return
sleep 1
empty=$(rss_mib)

for i in $(seq 1 "$sales"); do
  xdotool type --delay 5 "$cuff"
  # Enter on an empty amount pays exactly the rest with the chosen tender (cash).
  xdotool key Return F12 F1 Return
  if [ $((i % 100)) -eq 0 ]; then echo "measure-window: $i sales keyed" >&2; fi
done
sleep 3
after=$(rss_mib)
documents=$("$POS" verify --data-dir "$data" | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
sold=$("$POS" report x --json --data-dir "$data" |
  sed -n 's/.*"sales_count":\([0-9]*\),"sales_total":"\([0-9.]*\)".*/\1 sales, \2 yuan/p')

echo "window exists after launch: ${window_ms} ms ($skus SKUs)"
echo "resident memory at the empty sale screen: ${empty} MiB"
echo "resident memory after $sales sales keyed: ${after} MiB"
echo "documents in the till: ${documents} (the shift's opening and its sales): $sold"
