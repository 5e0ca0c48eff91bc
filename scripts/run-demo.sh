#!/usr/bin/env bash
# Runs the till on the demo data: set-up, release build, a data dir with the demo
# catalog on first run, then the till.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cargo build --release --locked -p pos-app

data_dir="${POS_DATA_DIR:-data/demo}"
pos=target/release/pos
if [ ! -f "$data_dir/till.sqlite" ]; then
  "$pos" init --data-dir "$data_dir" --store S001 --terminal T01 --manager-pin 123456 --cashier-pin 1111
  "$pos" import --data-dir "$data_dir" assets/demo/catalog.csv
fi
exec "$pos" --data-dir "$data_dir" "$@"
