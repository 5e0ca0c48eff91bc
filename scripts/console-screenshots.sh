#!/usr/bin/env bash
# Takes the console's screenshots in the real browser (headless chromium through
# chromedriver) and writes them to docs/screenshots/console-*.png. Brings up its own
# demo head office in a temporary folder, as run-demo.sh does: the demo catalog and
# sign-ins, the demo till S001/T01 with 30 simulated sales pushed by its sync agent, a
# second till of S001 that never called, and a till of S002 the store manager must not see.
#
#   bash scripts/console-screenshots.sh            # builds what it needs (debug) first
#   HEAD_OFFICE=path POS=path SYNC_AGENT=path bash scripts/console-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/demo-head-office.sh

for tool in chromium chromedriver curl; do
  command -v "$tool" >/dev/null || { echo "console-screenshots: $tool missing; run: bash scripts/setup.sh" >&2; exit 1; }
done

target="${CARGO_TARGET_DIR:-target}"
if [ -z "${HEAD_OFFICE:-}" ] || [ -z "${POS:-}" ] || [ -z "${SYNC_AGENT:-}" ]; then
  cargo build --locked -p head-office -p pos-app -p sync-agent
  HEAD_OFFICE="$target/debug/head-office" POS="$target/debug/pos" SYNC_AGENT="$target/debug/sync-agent"
fi
cargo build --locked -p head-office --example console_screenshots

work=$(mktemp -d)
chmod 755 "$work" # as root, the cluster runs as postgres, which must reach its folder
cleanup() {
  demo_head_office_down
  rm -rf "$work"
}
trap cleanup EXIT
# A port of its own, so a running demo is left alone.
DEMO_LISTEN=127.0.0.1:${SCREENSHOT_PORT:-18088}
DEMO_URL="http://$DEMO_LISTEN"
demo_head_office_up "$work/head-office"

till="$work/till"
"$POS" init --data-dir "$till" --store "$DEMO_STORE" --terminal "$DEMO_TERMINAL" \
  --manager-pin 123456 --server "$DEMO_URL" --token "$(demo_enroll)" >/dev/null
"$POS" import --data-dir "$till" assets/demo/catalog.csv >/dev/null
"$POS" simulate --data-dir "$till" --sales 30 --seed 7 --pin 123456 >/dev/null
"$SYNC_AGENT" once --data-dir "$till" >/dev/null
"$HEAD_OFFICE" enroll --store "$DEMO_STORE" --terminal T02 >/dev/null 2>&1
"$HEAD_OFFICE" enroll --store S002 --terminal T01 >/dev/null 2>&1

"$target/debug/examples/console_screenshots" "$DEMO_URL" docs/screenshots \
  "$DEMO_ADMIN:$DEMO_ADMIN_PASSWORD" "$DEMO_MANAGER:$DEMO_MANAGER_PASSWORD"
