#!/usr/bin/env bash
# The whole test suite, with its own set-up. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# CI starts from a fresh clone each time; a target dir outside the clone lets it reuse
# the previous run's build on the same machine.
# Incremental caches only help edit-compile loops; in CI they cost gigabytes of disk.
if [ "${CI:-}" = "true" ]; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/pos-till-ci-target}"
  export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo nextest run --workspace --locked --profile ci --no-fail-fast
