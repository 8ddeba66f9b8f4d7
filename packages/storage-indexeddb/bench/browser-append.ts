// Append throughput of createIndexedDbStorage in Debian's headless Chromium (never downloaded).
// Prints a Markdown table.   npm run bench -w @media-sync/storage-indexeddb
import { chromium } from 'playwright-core';
import type { BrowserApi, Outcome } from '../test/browser/entry.js';
import {
  bundleBrowserEntry,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  chromiumAvailable,
  serveBundle,
} from '../test/browser/harness.js';

const SINGLE = Number(process.env.BENCH_SINGLE ?? 500);
const BATCHES = Number(process.env.BENCH_BATCHES ?? 20);

if (!chromiumAvailable) {
  console.error(`Chromium not found at ${CHROMIUM_PATH}; set CHROMIUM_PATH`);
  process.exit(1);
}
const { url, server } = await serveBundle(await bundleBrowserEntry());
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'mediaSyncTests' in globalThis);
  const result: Outcome = await page.evaluate(
    ([single, batches]) =>
      (globalThis as unknown as { mediaSyncTests: BrowserApi }).mediaSyncTests.benchAppend(single, batches),
    [SINGLE, BATCHES] as const,
  );
  if (!result.ok) throw new Error(result.error);
  const rates = result.value as Record<'strictSingle' | 'strictBatched' | 'relaxedSingle' | 'relaxedBatched', number>;
  console.log(`| IndexedDB in ${browser.version()}, ${SINGLE} single + ${BATCHES}×1000 batched | ops/s |`);
  console.log('|---|---:|');
  console.log(`| createIndexedDbStorage append (strict), 1 op per transaction | ${rates.strictSingle} |`);
  console.log(`| raw IndexedDB add (relaxed), 1 op per transaction | ${rates.relaxedSingle} |`);
  console.log(`| createIndexedDbStorage append (strict), 1000 ops per transaction | ${rates.strictBatched} |`);
  console.log(`| raw IndexedDB add (relaxed), 1000 ops per transaction | ${rates.relaxedBatched} |`);
} finally {
  await browser.close();
  server.close();
}
