// Prints what a page that enqueues into IndexedDB and syncs over WebSocket transfers, per bundler
// (no bundler configuration, packages installed from their packed tarballs): raw and gzip bytes
// per output file and per kind (zstd's deflated WebAssembly, zstd's runtime, the app and packages).
//   npm run bundle-sizes -w @media-sync/web-demo        (after `npm run build`)
import {
  type BundleResult,
  bundleWithEsbuild,
  bundleWithVite,
  bundleWithWebpack,
  esbuildBreakdown,
  installConsumer,
  totals,
  wasmTravel,
} from '../bundle-check/bundles.js';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`.padStart(10);

const consumer = installConsumer();
const results: BundleResult[] = [
  await bundleWithEsbuild(consumer, 'iife'),
  await bundleWithEsbuild(consumer, 'esm-splitting'),
  await bundleWithVite(consumer),
  await bundleWithWebpack(consumer),
];
console.log(
  `${'bundler'.padEnd(34)}${'part'.padEnd(18)}${'raw'.padStart(10)}${'gzip'.padStart(10)}${'brotli'.padStart(10)}`,
);
for (const result of results) {
  const sums = totals(result);
  for (const kind of ['app + packages', 'zstd runtime', 'zstd wasm', 'html', 'total'] as const) {
    const { raw, gzip, brotli } = sums[kind];
    if (raw === 0) continue;
    console.log(`${result.bundler.padEnd(34)}${kind.padEnd(18)}${kb(raw)}${kb(gzip)}${kb(brotli)}`);
  }
  for (const file of result.files) {
    console.log(
      `${''.padEnd(36)}${file.name.padEnd(40)}${kb(file.raw)}${kb(file.gzip)}${kb(file.brotli)}  ${file.kind}`,
    );
  }
}

// What the single file is made of: exact minified bytes per part, and each part gzipped alone.
const breakdown = await esbuildBreakdown(consumer);
console.log(`\nesbuild single file, by part${'raw'.padStart(49)}${'gzip alone'.padStart(12)}  modules`);
for (const { part, raw, gzipAlone, modules } of breakdown) {
  console.log(`  ${part.padEnd(66)}${kb(raw)}${kb(gzipAlone).padStart(12)}  ${modules}`);
}
const sum = breakdown.reduce((total, part) => total + part.raw, 0);
console.log(`  ${'(sum)'.padEnd(66)}${kb(sum)}`);

const travel = wasmTravel(consumer);
console.log(`\nzstd WebAssembly: ${kb(travel.wasm).trim()} raw; transferred as`);
console.log(`  Zopfli-deflated, base64 in JS, gzip (as shipped, zero-config)  ${kb(travel.deflatedBase64Gzip)}`);
console.log(`  a .wasm asset, gzip -9                                         ${kb(travel.wasmGzip)}`);
console.log(`  a .wasm asset, brotli 11                                       ${kb(travel.wasmBrotli)}`);
console.log(`\n(consumer project: ${consumer.dir})`);
