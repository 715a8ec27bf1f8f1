#!/usr/bin/env bash
# Installs what the playground build and the tests need, skipping what is already present.
# Sourced by scripts/serve and scripts/test; safe to run again (the warm path costs seconds).
set -euo pipefail

TRUNK_VERSION=0.21.14
# The wasm-bindgen CLI must match the wasm-bindgen crate that Cargo.lock pins.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

log() { printf '\033[1m[tools]\033[0m %s\n' "$*" >&2; }

ensure_rust_wasm() {
  if ! rustup target list --installed --toolchain nightly | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32 target to nightly"
    rustup target add wasm32-unknown-unknown --toolchain nightly
  fi
  if ! rustup component list --installed --toolchain nightly | grep -q '^rust-src'; then
    log "adding rust-src to nightly (build-std needs it)"
    rustup component add rust-src --toolchain nightly
  fi
}

ensure_wasm_bindgen_cli() {
  local want; want=$(wasm_bindgen_version)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    log "building wasm-bindgen-cli $want with cargo (a few minutes)"
    # Not --locked: the CLI's own lockfile pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$TRUNK_VERSION" ]; then
    log "building trunk $TRUNK_VERSION with cargo (about six minutes)"
    cargo install --locked trunk --version "$TRUNK_VERSION" --force
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    log "installing Debian's chromium and chromium-driver"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

ensure_npm_packages() {
  if [ ! -d tests/e2e/node_modules/playwright-core ]; then
    log "installing npm packages from tests/e2e/package-lock.json"
    (cd tests/e2e && npm ci --no-audit --no-fund)
  fi
}

ensure_playground_tools() {
  export PATH="$HOME/.cargo/bin:$PATH"
  ensure_rust_wasm
  ensure_wasm_bindgen_cli
  ensure_trunk
}
