#!/usr/bin/env bash
# Installs the system packages the build, the tests and the till need on Debian.
# Idempotent: installs only what is missing, so a second run takes a second.
set -euo pipefail

packages=(
  postgresql          # head office's database; tests start their own throwaway cluster
  xvfb                # a real X server for the till window in tests and screenshots
  imagemagick         # `import -window root` takes screenshots under Xvfb
  fonts-noto-cjk      # renders Chinese in the till window
  libxkbcommon-x11-0  # keyboard input for winit on X11
  libx11-xcb1 libxcursor1 libxrandr2 libxi6 libvulkan1 mesa-vulkan-drivers
  util-linux          # runuser, to run initdb as the postgres user when we are root
  xdotool             # pos-app/tests/it/window_keys.rs and the scripts type into the real window
  chromium            # the console's real-browser tests and screenshots (head-office/tests/it/browser)
  chromium-driver     # chromedriver: the WebDriver server those tests drive chromium through
  curl                # scripts/run-demo.sh waits for head office's /v1/health
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
