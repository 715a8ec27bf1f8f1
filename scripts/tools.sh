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

# Installs the npm packages of a folder from its package-lock.json, again when the lockfile
# changed since the last install (npm records what it installed in node_modules).
ensure_npm_folder() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "installing npm packages from $dir/package-lock.json"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The browser tests' packages (playwright-core, Ruff's wasm for the benchmark).
ensure_npm_packages() {
  ensure_npm_folder tests/e2e
}

# The editor's packages (CodeMirror, esbuild) and binaryen's wasm-opt, which Trunk finds on PATH.
ensure_editor_packages() {
  ensure_npm_folder www/editor
  export PATH="$PWD/www/editor/node_modules/.bin:$PATH"
}

ensure_playground_tools() {
  export PATH="$HOME/.cargo/bin:$PATH"
  ensure_rust_wasm
  ensure_wasm_bindgen_cli
  ensure_trunk
  ensure_editor_packages
}
