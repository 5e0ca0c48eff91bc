#!/usr/bin/env bash
# Measures the real till window under Xvfb on a generated 200,000-SKU catalog: the time
# from launch until the window exists, and the resident memory of `pos` at the empty sale
# screen and after 1,000 sales keyed into the window as a counter works (xdotool, no
# pause anywhere: a wedge scanner types three codes at 1 ms a key, each with Enter; F12,
# F1, the cash amount "200" at once, Enter; the next customer's first scan at once). It
# then counts the sales on disk and checks their lines and takings: a sale, a line or a
# digit of a tendered amount lost makes it fail. Prints the figures; BENCHMARKS.md quotes
# them.
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
# Three demo products added to the generated catalog to be scanned: a blood-pressure cuff
# (49.00), a thermometer (19.90) and another thermometer (49.00): 117.90 a customer.
codes="6921345626875 6921345628442 6926271825460"
basket_fen=11790
tendered=200

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
grep -E "^(product|barcode),(100024|120001|120003)," assets/demo/catalog.csv >"$work/basket.csv"
"$POS" import --data-dir "$data" "$work/basket.csv" >/dev/null
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

# The whole counter's keys in one xdotool script, so nothing waits between customers.
for _ in $(seq 1 "$sales"); do
  for code in $codes; do printf 'type --delay 1 %s\nkey --delay 1 Return\n' "$code"; done
  printf 'key --delay 1 F12 F1\ntype --delay 1 %s\nkey --delay 1 Return\n' "$tendered"
done >"$work/sales.xdo"
sales_on_disk() {
  "$POS" report x --json --data-dir "$data" | sed -n 's/.*"sales_count":\([0-9]*\).*/\1/p'
}
keying=$(date +%s%N)
xdotool "$work/sales.xdo"
keyed_ms=$((($(date +%s%N) - keying) / 1000000))
# The window may still be working through keys: wait (bounded) for every sale, or for the
# count to stay put for 5 s (then some were lost).
count=$(sales_on_disk)
still=0
for _ in $(seq 1 600); do
  [ "$count" -ge "$sales" ] && break
  sleep 0.5
  now=$(sales_on_disk)
  if [ "$now" = "$count" ]; then still=$((still + 1)); else still=0; fi
  count=$now
  [ "$still" -ge 10 ] && break
done
all_in_ms=$((($(date +%s%N) - keying) / 1000000))
after=$(rss_mib)
documents=$("$POS" verify --data-dir "$data" | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')
report=$("$POS" report x --json --data-dir "$data")
sold=$(echo "$report" | sed -n 's/.*"sales_count":\([0-9]*\),"sales_total":"\([0-9.]*\)".*/\1 sales, \2 yuan/p')
sales_total=$(echo "$report" | sed -n 's/.*"sales_total":"\([0-9.]*\)".*/\1/p')
total_fen=$(echo "$sales_total" | awk '{ printf "%d", $1 * 100 + 0.5 }')
expected_fen=$((sales * basket_fen))
# Each sale's tenders, where the sqlite3 shell is at hand: one cash tender of exactly 200.
paid_exactly=unchecked
if command -v sqlite3 >/dev/null; then
  paid_exactly=$(sqlite3 "$data/till.sqlite" "SELECT count(*) FROM document
    WHERE kind = 'sale' AND json_array_length(CAST(body AS TEXT), '$.body.tenders') = 1
      AND json_extract(CAST(body AS TEXT), '$.body.tenders[0].kind') = 'cash'
      AND json_extract(CAST(body AS TEXT), '$.body.tenders[0].amount') = '$tendered'
      AND json_array_length(CAST(body AS TEXT), '$.body.lines') = 3")
fi

echo "window exists after launch: ${window_ms} ms ($skus SKUs)"
echo "resident memory at the empty sale screen: ${empty} MiB"
echo "resident memory after $sales sales keyed: ${after} MiB"
echo "documents in the till: ${documents} (the shift's opening and its sales): $sold"
echo "keyed in ${keyed_ms} ms; every sale on disk ${all_in_ms} ms after the first key"
echo "sales on disk: ${count} of ${sales}; takings ${sales_total} yuan (expected $((expected_fen / 100)).$(printf %02d $((expected_fen % 100)))); sales of 3 lines paid with exactly ${tendered} cash: ${paid_exactly}"
if [ "$count" -ne "$sales" ] || [ "$total_fen" -ne "$expected_fen" ] ||
  { [ "$paid_exactly" != unchecked ] && [ "$paid_exactly" -ne "$sales" ]; }; then
  echo "measure-window: sales or lines were lost" >&2
  exit 1
fi
