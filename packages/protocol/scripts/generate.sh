#!/usr/bin/env bash
# Regenerates src/gen/ from ../../proto with protobufjs-cli. Deterministic: the output depends
# only on the .proto files and the pinned protobufjs-cli version, so `git diff` stays empty.
set -euo pipefail
cd "$(dirname "$0")/.."
proto_root=../../proto
mapfile -t files < <(cd "$proto_root" && find media_sync -name '*.proto' | LC_ALL=C sort)
mkdir -p src/gen
(cd "$proto_root" && npx --no-install pbjs -t static-module -w es6 --es6 --force-number \
  --no-verify --no-convert --no-delimited --no-service \
  -p . -o ../packages/protocol/src/gen/media_sync.js "${files[@]}")
npx --no-install pbts --no-comments -o src/gen/media_sync.d.ts src/gen/media_sync.js
