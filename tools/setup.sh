#!/usr/bin/env bash
# Installs what building and testing Qudao needs, skipping whatever is already present.
# Only package registries are used (crates.io, npm, Debian); nothing else is downloaded.
#   tools/setup.sh rust      wasm target, cargo-leptos, wasm-bindgen-cli (matching Cargo.lock)
#   tools/setup.sh node      npm build tools (wasm-opt)
#   tools/setup.sh playwright  the end-to-end test packages (npm)
#   tools/setup.sh browser   Debian's Chromium and CJK fonts (for Playwright)
#   tools/setup.sh assets    brotli (precompresses the built front end: tools/precompress.sh)
#   tools/setup.sh bench     wrk, brotli, Chromium and Lighthouse (for make bench)
#   tools/setup.sh postgres  Debian's PostgreSQL 15 (the integration suite runs on it too)
#   tools/setup.sh s3        moto's S3 server from PyPI, in tools/s3 (the photo-bucket tests)
#   tools/setup.sh samples   a public retail sample from PyPI, in tools/samples (acceptance)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.11
# Must equal the wasm-bindgen version in Cargo.lock (pinned with = in Cargo.toml).
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

rust() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local pids=()
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    log "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; ~10 min on 2 cores)"
    # --ignore-rust-version: a locked dependency asks for a newer rustc than it needs.
    # Its own release profile links with full LTO from one codegen unit, the slowest way
    # to build; a build tool needs neither.
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --ignore-rust-version &
    pids+=($!)
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (once)"
    # Not --locked: its lock file pins a crate version that is no longer available.
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" &
    pids+=($!)
  fi
  if [ ${#pids[@]} -gt 0 ]; then
    # meanwhile, the app's own crates download (its build then only compiles)
    cargo fetch --locked > /dev/null 2>&1 || true
  fi
  for pid in "${pids[@]}"; do wait "$pid"; done
}

npm_ci() { # dir: install from the lock file when node_modules is missing or older than it
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    log "npm ci in $dir"
    npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
    touch "$dir/node_modules"
  fi
}

node() {
  npm_ci tools
}

playwright() {
  npm_ci end2end
}

browser() {
  # Never `npx playwright install`: it downloads a browser from outside the registries.
  apt_install chromium fonts-noto-cjk
}

assets() {
  apt_install brotli
}

bench() {
  apt_install wrk brotli chromium fonts-noto-cjk
  npm_ci tools/lighthouse
}

postgres() {
  # the server binaries only; tools/pg.sh starts a throwaway cluster of its own
  apt_install postgresql-15
}

s3() {
  # a virtual environment of its own, rebuilt when the pinned list changes
  # (the stamp is written only once every package is in: a broken install is redone)
  if [ ! -f tools/s3/installed ] || [ tools/s3-requirements.txt -nt tools/s3/installed ]; then
    log "installing moto's S3 server into tools/s3 (PyPI)"
    rm -rf tools/s3
    python3 -m venv tools/s3 || { apt_install python3-venv; python3 -m venv tools/s3; }
    tools/s3/bin/pip install -q --disable-pip-version-check -r tools/s3-requirements.txt
    touch tools/s3/installed
  fi
}

samples() {
  # CDNOW's CD purchases (23 570 customers, 69 659 lines, 1997-01 to 1998-06), as the
  # PyPI package Lifetimes (MIT) ships them: the public retail sample both engines must
  # classify alike. The wheel is checked by its digest before the file is taken out, and
  # the file by its own on every run.
  local file=tools/samples/CDNOW_master.txt
  local wheel_sha=261e3dc89977c2b60767ca6728aaa29d429de0c814635070a749c36555895da8
  local file_sha=eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef
  if [ -f "$file" ] && echo "$file_sha  $file" | sha256sum --check --quiet 2>/dev/null; then
    return 0
  fi
  log "taking the CDNOW retail sample from PyPI (Lifetimes 0.11.3) into tools/samples"
  # pip: the system's, else the one of tools/s3's virtual environment
  local pip=(python3 -m pip)
  if ! python3 -m pip --version > /dev/null 2>&1; then
    s3
    pip=(tools/s3/bin/pip)
  fi
  local tmp
  tmp=$(mktemp -d)
  "${pip[@]}" download -q --disable-pip-version-check --no-deps --only-binary=:all: \
    -d "$tmp" Lifetimes==0.11.3 || { rm -rf "$tmp"; return 1; }
  local wheel=$tmp/Lifetimes-0.11.3-py3-none-any.whl
  echo "$wheel_sha  $wheel" | sha256sum --check --quiet || { rm -rf "$tmp"; return 1; }
  mkdir -p tools/samples
  python3 - "$wheel" "$file.part" <<'PY'
import sys, zipfile
data = zipfile.ZipFile(sys.argv[1]).read("lifetimes/datasets/CDNOW_master.txt")
open(sys.argv[2], "wb").write(data)
PY
  rm -rf "$tmp"
  echo "$file_sha  $file.part" | sha256sum --check --quiet
  mv "$file.part" "$file"
}

# Debian's and PyPI's packages download and unpack while cargo compiles: the steps that
# only install packages run beside the others.
apt_steps=() other_steps=()
for step in "$@"; do
  case $step in
    browser | assets | bench | postgres | s3 | samples) apt_steps+=("$step") ;;
    *) other_steps+=("$step") ;;
  esac
done
apt_pid=""
if [ ${#apt_steps[@]} -gt 0 ]; then
  (for step in "${apt_steps[@]}"; do "$step"; done) &
  apt_pid=$!
  # a failing step ends the script only once apt is done (a rerun would find dpkg locked)
  trap 'wait "$apt_pid" 2>/dev/null || true' EXIT
fi
for step in "${other_steps[@]}"; do "$step"; done
[ -z "$apt_pid" ] || wait "$apt_pid"
