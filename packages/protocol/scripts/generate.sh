#!/usr/bin/env bash
# Regenerates src/gen/ (or the folder given as $1) from ../../proto with protobufjs-cli.
# Deterministic: the output depends only on the .proto files and the pinned protobufjs-cli, so
# `npm run generate && git diff --exit-code` proves the committed code is current.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-src/gen}")
proto_root=../../proto
mapfile -t files < <(cd "$proto_root" && find media_sync -name '*.proto' | LC_ALL=C sort)
mkdir -p "$out"
(cd "$proto_root" && npx --no-install pbjs -t static-module -w es6 --es6 --force-number \
  --no-verify --no-convert --no-delimited --no-service \
  -p . -o "$out/media_sync.js" "${files[@]}")
npx --no-install pbts --no-comments -o "$out/media_sync.d.ts" "$out/media_sync.js"
