import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageConformanceCases } from '@media-sync/storage-conformance';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserApi, Outcome } from './browser/entry.js';
import {
  bundleBrowserEntry,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  chromiumAvailable,
  killProcessGroup,
  launchKillableChromium,
  serveBundle,
} from './browser/harness.js';

if (!chromiumAvailable) {
  const message = `Chromium not found at ${CHROMIUM_PATH}: the real-browser IndexedDB tests are SKIPPED`;
  if (process.env.CI) throw new Error(`${message}, and CI is set, so this fails the run`);
  console.warn(`\n*** ${message} (install Debian's chromium or set CHROMIUM_PATH) ***\n`);
}

type Api = { mediaSyncTests: BrowserApi };

/** Opens the test page; pages of one context are tabs of one profile (shared IndexedDB, locks). */
async function openPage(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'mediaSyncTests' in globalThis);
  return page;
}

function resultOf(result: Outcome): unknown {
  if (!result.ok) throw new Error(`in the browser: ${result.error}`);
  return result.value;
}

describe.skipIf(!chromiumAvailable)('real IndexedDB in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let page: Page;

  beforeAll(async () => {
    ({ url, server } = await serveBundle(await bundleBrowserEntry()));
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    page = await openPage(await browser.newContext(), url);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  describe('storage conformance: indexeddb (Chromium)', () => {
    it.each(storageConformanceCases.map((testCase) => [testCase.theme, testCase.name]))(
      '%s: %s',
      async (_theme, name) => {
        const result = await page.evaluate(
          (caseName) => (globalThis as unknown as Api).mediaSyncTests.runCase(caseName),
          name,
        );
        resultOf(result);
      },
      // Generous: the machine running the suite may be busy, and a page round trip is not free.
      30_000,
    );
  });

  it('opens every read-write transaction with durability strict, and Chromium honours it', async () => {
    const seen = resultOf(
      await page.evaluate(() => (globalThis as unknown as Api).mediaSyncTests.strictDurability()),
    ) as Array<{
      requested: unknown;
      actual: string;
    }>;
    expect(seen.length).toBeGreaterThanOrEqual(6);
    for (const transaction of seen) expect(transaction).toEqual({ requested: 'strict', actual: 'strict' });
  }, 30_000);

  it('lets one tab replay at a time, and a closed tab’s lease go at once through Web Locks', async () => {
    // Browser.newPage() would give each page its own profile; tabs share one context.
    const profile = await browser.newContext();
    const tabA = await openPage(profile, url);
    const tabB = await openPage(profile, url);
    const acquire = (tab: Page, owner: string) =>
      tab.evaluate(
        ([database, who]) => (globalThis as unknown as Api).mediaSyncTests.acquireLease(database, who, 600_000),
        ['lease-tabs', owner] as const,
      );
    expect(resultOf(await acquire(tabA, 'tab-a'))).toEqual({ acquired: true, webLocks: true });
    expect(resultOf(await acquire(tabB, 'tab-b'))).toEqual({ acquired: false, webLocks: true });
    expect(resultOf(await acquire(tabA, 'tab-a'))).toEqual({ acquired: true, webLocks: true });
    // Ten minutes of lease left, but the tab is gone: its Web Lock went with it.
    // The browser drops a closed tab's locks asynchronously: retry until it has.
    await tabA.close();
    await expect
      .poll(async () => resultOf(await acquire(tabB, 'tab-b')), { timeout: 20_000, interval: 50 })
      .toEqual({ acquired: true, webLocks: true });
    await profile.close();
  }, 60_000);

  it('keeps every queue.enqueue the page saw resolve when the whole browser is SIGKILLed', async () => {
    const userDataDir = mkdtempSync(join(tmpdir(), 'media-sync-chromium-'));
    try {
      const reported = new Map<number, string>();
      const killAfter = 20 + Math.floor(Math.random() * 60);
      const first = await launchKillableChromium(userDataDir);
      const cdp = await chromium.connectOverCDP(first.wsEndpoint);
      const context = cdp.contexts()[0] ?? (await cdp.newContext());
      let enoughReported: () => void = () => {};
      const enough = new Promise<void>((resolve) => {
        enoughReported = resolve;
      });
      await context.exposeFunction('reportAppended', (line: string) => {
        for (const pair of line.split(',')) {
          const [seq, label] = pair.split('=');
          reported.set(Number(seq), label as string);
        }
        if (reported.size >= killAfter) enoughReported();
      });
      const appender = await context.newPage();
      await appender.goto(url);
      await appender.waitForFunction(() => 'mediaSyncTests' in globalThis);
      // Never settles normally: it enqueues until the browser dies under it.
      const running = appender
        .evaluate(() => (globalThis as unknown as Api).mediaSyncTests.enqueueForever('killed'))
        .catch(() => undefined);
      await enough;
      await killProcessGroup(first.process);
      await running;
      const seenBeforeKill = new Map(reported);

      const second = await launchKillableChromium(userDataDir);
      try {
        const again = await chromium.connectOverCDP(second.wsEndpoint);
        const reader = await (again.contexts()[0] ?? (await again.newContext())).newPage();
        await reader.goto(url);
        await reader.waitForFunction(() => 'mediaSyncTests' in globalThis);
        const { rows, counts } = resultOf(
          await reader.evaluate(() => (globalThis as unknown as Api).mediaSyncTests.readAll('killed')),
        ) as { rows: string[]; counts: { pending: number; lastSeq: number } };
        const stored = new Map(rows.map((row) => [Number(row.split('=')[0]), row.split('=')[1]]));
        console.info(`browser SIGKILL: ${seenBeforeKill.size} enqueues reported resolved, ${rows.length} stored`);
        expect(rows.length).toBeGreaterThanOrEqual(seenBeforeKill.size);
        for (const [seq, label] of seenBeforeKill) expect(stored.get(seq), `seq ${seq}`).toBe(label);
        expect(new Set(stored.values()).size).toBe(rows.length);
        expect(counts).toMatchObject({ pending: rows.length, lastSeq: Math.max(...stored.keys()) });
        await again.close();
      } finally {
        await killProcessGroup(second.process);
      }
    } finally {
      rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
