#!/usr/bin/env bash
# Writes a brotli (-q 11) and a gzip (-9) copy beside each built wasm, JS and CSS file, so
# the server sends them as they are instead of compressing per request
# (src/server/http.rs, `assets`). Run after every front-end build; only new or changed
# files are compressed, and copies whose file is gone (an older build's hashed name) are
# removed. Each copy is written under a temporary name and renamed when complete.
#   tools/precompress.sh [dir]      (default: target/site/pkg)
set -euo pipefail
dir=${1:-target/site/pkg}
command -v brotli > /dev/null || { echo "precompress: brotli is missing (tools/setup.sh assets)" >&2; exit 1; }
rm -f "$dir"/*.part
for copy in "$dir"/*.br "$dir"/*.gz; do
  [ -e "$copy" ] || continue
  [ -e "${copy%.*}" ] || rm -f "$copy"
done
compress() { # file: its .br and .gz, unless they are newer than it
  set -e
  local f=$1
  if [ ! -e "$f.br" ] || [ "$f" -nt "$f.br" ]; then
    # -n: dated now, not with the file's (second-rounded) time, so it counts as newer
    brotli -f -n -q 11 -o "$f.br.part" "$f"
    mv "$f.br.part" "$f.br"
  fi
  if [ ! -e "$f.gz" ] || [ "$f" -nt "$f.gz" ]; then
    gzip -9 -c "$f" > "$f.gz.part"
    mv "$f.gz.part" "$f.gz"
  fi
}
export -f compress
find "$dir" -maxdepth 1 -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) -print0 |
  xargs -0 -r -n 8 -P "$(nproc)" bash -c 'for f; do compress "$f"; done' _
