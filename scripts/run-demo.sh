#!/usr/bin/env bash
# The whole system on one machine: head office on a PostgreSQL cluster under the data
# dir (kept between runs) with the demo catalog and the console's demo sign-ins, and the
# demo till enrolled with it, whose sync agent connects as the till runs. Prints the
# console's address and sign-ins, then runs the till; head office stops with it.
#
#   bash scripts/run-demo.sh                 # the till window
#   bash scripts/run-demo.sh report x        # any other `pos` command, same data
#   DEMO_LISTEN=127.0.0.1:8090 bash scripts/run-demo.sh
#   HEAD_OFFICE=path POS=path bash scripts/run-demo.sh   # binaries built elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/demo-head-office.sh

bash scripts/setup.sh
if [ -z "${HEAD_OFFICE:-}" ] || [ -z "${POS:-}" ]; then
  cargo build --release --locked -p pos-app -p head-office
  HEAD_OFFICE="${CARGO_TARGET_DIR:-target}/release/head-office"
  POS="${CARGO_TARGET_DIR:-target}/release/pos"
fi

data_dir="${POS_DATA_DIR:-data/demo}"
trap demo_head_office_down EXIT
demo_head_office_up "$data_dir/head-office"

if [ ! -f "$data_dir/till.sqlite" ]; then
  "$POS" init --data-dir "$data_dir" --store "$DEMO_STORE" --terminal "$DEMO_TERMINAL" \
    --manager-pin 123456 --cashier-pin 1111
  "$POS" import --data-dir "$data_dir" assets/demo/catalog.csv
fi
# Every run enrols the till afresh (a new token) and tells it this run's address, so a
# till from before the demo had a head office, or a changed DEMO_LISTEN, syncs too.
"$POS" init --data-dir "$data_dir" --store "$DEMO_STORE" --terminal "$DEMO_TERMINAL" \
  --manager-pin 123456 --server "$DEMO_URL" --token "$(demo_enroll)" >/dev/null

demo_print_sign_ins
echo "  Till $DEMO_STORE/$DEMO_TERMINAL: manager PIN 123456, cashier PIN 1111 (data in $data_dir)"
echo
"$POS" --data-dir "$data_dir" "$@"
