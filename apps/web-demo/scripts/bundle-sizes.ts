// Prints what a page that enqueues into IndexedDB and syncs over WebSocket transfers, per bundler
// (no bundler configuration, packages installed from their packed tarballs): raw and gzip bytes
// per output file and per kind (zstd's deflated WebAssembly, zstd's runtime, the app and packages).
//   npm run bundle-sizes -w @media-sync/web-demo        (after `npm run build`)
import {
  type BundleResult,
  bundleWithEsbuild,
  bundleWithVite,
  bundleWithWebpack,
  installConsumer,
  totals,
} from '../bundle-check/bundles.js';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);

const consumer = installConsumer();
const results: BundleResult[] = [
  await bundleWithEsbuild(consumer, 'iife'),
  await bundleWithEsbuild(consumer, 'esm-splitting'),
  await bundleWithVite(consumer),
  await bundleWithWebpack(consumer),
];
console.log(`${'bundler'.padEnd(34)}${'part'.padEnd(18)}${'raw'.padStart(10)}${'gzip'.padStart(10)}`);
for (const result of results) {
  const sums = totals(result);
  for (const kind of ['app + packages', 'zstd runtime', 'zstd wasm', 'html', 'total'] as const) {
    const { raw, gzip } = sums[kind];
    if (raw === 0) continue;
    console.log(`${result.bundler.padEnd(34)}${kind.padEnd(18)}${kb(raw)}${kb(gzip)}`);
  }
  for (const file of result.files) {
    console.log(`${''.padEnd(36)}${file.name.padEnd(40)}${kb(file.raw)}${kb(file.gzip)}  ${file.kind}`);
  }
}
console.log(`\n(consumer project: ${consumer.dir})`);
