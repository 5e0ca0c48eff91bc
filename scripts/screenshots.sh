#!/usr/bin/env bash
# Takes the till's screenshots from the real program under Xvfb and writes them to
# docs/screenshots/. Keys go in with xdotool, so the keyboard-wedge path is the real one
# (xdotool types a code 5 ms per key, as a scanner does).
#
#   bash scripts/screenshots.sh              # builds pos (release) first
#   POS=path/to/pos bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in Xvfb import xdotool; do
  command -v "$tool" >/dev/null || {
    echo "screenshots: $tool missing; run: apt-get install -y xvfb imagemagick xdotool fonts-noto-cjk" >&2
    exit 1
  }
done

if [ -z "${POS:-}" ]; then
  cargo build --release -p pos-app
  POS="${CARGO_TARGET_DIR:-target}/release/pos"
fi
pos=$POS
out=docs/screenshots
mkdir -p "$out"
work=$(mktemp -d)
display=:${SCREENSHOT_DISPLAY:-99}
Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
app=
cleanup() {
  if [ -n "$app" ]; then kill "$app" 2>/dev/null || true; fi
  kill "$xvfb" 2>/dev/null || true
  # The last run's output of pos, for when a screen does not look as expected.
  cp "$work/pos.log" "${TMPDIR:-/tmp}/pos-screenshots.log" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export DISPLAY=$display
# Wait (bounded) for the X server to answer.
for _ in $(seq 1 100); do xdotool getmouselocation >/dev/null 2>&1 && break; sleep 0.1; done

# The window redraws within a frame or two of a key; give it a moment before a shot.
settle() { sleep "${SETTLE:-0.8}"; }
# Starts pos on a data dir and waits (bounded) for its window.
start() {
  "$pos" --data-dir "$1" >"$work/pos.log" 2>&1 &
  app=$!
  for _ in $(seq 1 300); do
    xdotool search --pid "$app" >/dev/null 2>&1 && break
    sleep 0.1
  done
  sleep 2
  # No window manager under Xvfb: keys go to the window under the pointer.
  xdotool mousemove 683 60
  xdotool search --pid "$app" | head -1 | xargs -r xdotool windowfocus 2>/dev/null || true
}
stop() { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; app=; }
shot() {
  settle
  if ! kill -0 "$app" 2>/dev/null; then
    echo "screenshots: pos exited before the $1 shot; its output:" >&2
    cat "$work/pos.log" >&2
    exit 1
  fi
  import -window root "$out/$1.png"
  # A window that has not drawn its first frame yet is all black: wait and take it again.
  for _ in 1 2 3; do
    [ "$(identify -format '%[mean]' "$out/$1.png")" != "0" ] && break
    sleep 2
    import -window root "$out/$1.png"
  done
  echo "screenshot: $out/$1.png"
}
key() { xdotool key --delay 150 "$@"; sleep 0.2; }
typed() { xdotool type --delay 150 "$1"; }
# A wedge scan: 5 ms a key, then Enter.
scan() { xdotool type --delay 5 "$1"; xdotool key Return; sleep 0.4; }

# First start on an empty data dir: the set-up screen.
start "$work/empty"
shot setup
stop

# A demo till, as scripts/run-demo.sh makes it, with a (dead) printer configured.
demo="$work/demo"
"$pos" init --data-dir "$demo" --store S001 --terminal T01 --manager-pin 123456 --cashier-pin 1111 >/dev/null
"$pos" import --data-dir "$demo" assets/demo/catalog.csv >/dev/null

start "$demo"
shot login
typed 1111; key Return
typed 5; key Tab; typed 4; key Tab; typed 3
shot shift-open
key Return

# A sale: an EAN; a UDI with lot and expiry (two days left: a warning); a UDI with a
# serial; an expired lot (refused); a search by pinyin initials.
scan 6921345626875
scan 01069213456281451726112410L2411B12
shot sale-near-expiry
# The strips' lot chosen by hand: F1 lists the product's lots, earliest expiry first.
key F1
shot lot-pick
key Escape
scan 010692134562472721YW2602701823
scan 0106923652013423172611211024112207
shot sale-expired-refused
typed xyj
sleep 0.5
shot sale-search
# The first hit is a serial-tracked monitor: Enter offers its units in stock.
key Return
shot sale-serial-pick
key Escape; key Escape

# A member by card number, then the sale screen with member, lines and total.
key F2
typed 886000000002; key Return
shot sale

# A price override beyond the cashier's limit: the manager's PIN prompt.
key Up; key Up; key F6
typed 30; key Tab; typed damaged
key Return
shot approval
typed 123456; key Return

# Payment: 500 points, 100.00 by card, the rest in cash.
key F12
key F5; typed 500; key Return
key F2; typed 100; key Tab; typed C0001
shot payment
key Return
key F1; typed 500; key Return
shot sale-done

# A return without a receipt: items scanned straight onto the returns screen's list
# (a manager's PIN is asked when it is confirmed).
key F4
scan 6921345626875
scan 01069213456281451726112410L2411B12
shot return-no-receipt
key Escape

# Returns: the screen for finding a sale (the receipt QR or its number).
key F4
typed 2; key Return
key Tab; typed 1
shot return
key Escape

key F10
shot alerts
key Escape
key F8
shot x-report
key Escape
key F9
typed 8
shot close
key Escape
key F11
shot review
key Escape

# Stock work (Ctrl+K): a goods receipt (F1) of a new lot scanned from its UDI, 8 boxes
# against 10 on the delivery note, previewed (F12) before it is recorded.
key ctrl+k
key F1
key Tab; typed DN-7781; key Tab; typed SN-DC01; key Tab
scan 01069236520130891728063010L-NEW01
typed '*8'; key Return
typed '=10'; key Return
key F12
shot stock-receipt-preview
key Escape; key Escape
# A transfer dispatch (F2): the strips scanned without a lot; the held lot that expires
# first is proposed.
key F2
key Tab; typed TR-9; key Tab; typed S002; key Tab
scan 6923652013423
shot stock-dispatch-fefo
key Escape; key Escape; key Escape

# The manager: log out (Ctrl+L), pick the manager with an arrow, open settings (Ctrl+S)
# and the operators screen (F2).
key ctrl+l
key Up
typed 123456; key Return
key ctrl+s
shot settings
key F2
shot operators
key Escape
stop

# English, on the same till.
sed -i 's/^language = .*/language = "en"/' "$demo/config.toml"
start "$demo"
typed 1111; key Return
scan 6921345626875
scan 010692134562472721YW2602701823
shot sale-en
stop

# A configuration file that cannot be read opens the settings with the reason.
echo 'store_name = [broken' > "$demo/config.toml"
start "$demo"
shot settings-corrupt-config
stop
echo "screenshots: done"
