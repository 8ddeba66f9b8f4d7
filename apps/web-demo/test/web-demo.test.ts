// The web demo in Debian's Chromium: `media-sync web` (the gateway and the built app, a real
// process) and browser contexts as devices. A and B are two devices of one user, C a device of
// another user. Steps run in order and share the devices, as a user's day would.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createCodec } from '@media-sync/codec';
import type { SequencedOperation } from '@media-sync/protocol';
import { createWebSocketSubscriber } from '@media-sync/publisher-websocket';
import { createToken } from '@media-sync/sync-server';
import { type Browser, type BrowserContext, chromium, type Page, type WebSocketRoute } from 'playwright-core';
import { build as viteBuild } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoTestApi, DemoView, Edit } from '../src/test-api.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test-support/chromium.js';

const appRoot = resolve(import.meta.dirname, '..');
const outputDir = join(appRoot, 'test-output', 'web-demo');
const SECRET = 'web-demo-suite-secret';
const USER = 'user-1';
const OTHER_USER = 'user-2';
/** Small frames, so a replay of a hundred ops is many frames and can be cut in the middle. */
const BATCH = 4;
const TITLES = ['tt0111161', 'tt0068646', 'tt0468569', 'tt0108052', 'tt0167260', 'tmdb:550', 'tmdb:680', 'tmdb:13'];

const chromiumAvailable = existsSync(CHROMIUM_PATH);
if (!chromiumAvailable) {
  const message = `Chromium not found at ${CHROMIUM_PATH}: the web demo suite cannot run`;
  if (process.env.CI) throw new Error(`${message}, and CI is set, so this fails the run`);
  console.warn(`\n*** ${message} ***\n`);
}

type GatewayState = {
  head: number;
  watchlist: Array<{ contentId: string; member: boolean }>;
  progress: Array<{ contentId: string; positionMs: number }>;
};

/** Watchlist membership (tombstones included) and positions, by content id: what must converge. */
function comparable(state: Pick<DemoView, 'watchlist' | 'progress'> | GatewayState) {
  return {
    watchlist: Object.fromEntries(state.watchlist.map((entry) => [entry.contentId, entry.member])),
    progress: Object.fromEntries(state.progress.map((entry) => [entry.contentId, entry.positionMs])),
  };
}

const view = (page: Page): Promise<DemoView> =>
  page.evaluate(() => (globalThis as unknown as { mediaSyncDemo: DemoTestApi }).mediaSyncDemo.view());
const edits = (page: Page, list: readonly Edit[]): Promise<void> =>
  page.evaluate((l) => (globalThis as unknown as { mediaSyncDemo: DemoTestApi }).mediaSyncDemo.edits(l), list);

/** Polls `check` (which throws while not yet true) until it passes. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
}

describe.skipIf(!chromiumAvailable)('the web demo in Chromium (media-sync web)', () => {
  let work: string;
  let server: ChildProcess;
  let url: string;
  let browser: Browser;
  let contextA: BrowserContext;
  let contextB: BrowserContext;
  let contextC: BrowserContext;
  let pageA: Page;
  let pageB: Page;
  let pageC: Page;
  let pageA2: Page;
  const pageErrors: string[] = [];

  const gatewayState = async (userId: string): Promise<GatewayState> => {
    const response = await fetch(`${url}api/state?user=${encodeURIComponent(userId)}`);
    return (await response.json()) as GatewayState;
  };

  /** The gateway's log of `userId` up to `head`, read by a subscriber of the user from the start. */
  const gatewayLog = async (userId: string, head: number): Promise<SequencedOperation[]> => {
    const codec = await createCodec();
    const token = await createToken({ secret: SECRET, userId, deviceId: 'auditor' });
    const { url: gatewayUrl } = (await (await fetch(`${url}api/token?user=${userId}&device=auditor`)).json()) as {
      url: string;
    };
    const subscriber = createWebSocketSubscriber({ url: gatewayUrl, token });
    const logged: SequencedOperation[] = [];
    const subscription = await subscriber.subscribe(userId, (frame) => {
      logged.push(...codec.decodeFrame(frame.bytes, { userId }).ops);
    });
    await subscriber.waitForCursor(head, 30_000);
    await subscription.unsubscribe();
    await subscriber.close();
    return logged;
  };

  async function open(context: BrowserContext, userId: string, deviceId: string, extra = ''): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${deviceId}: ${error.message}`));
    await page.goto(`${url}?user=${userId}&device=${deviceId}&batch=${BATCH}${extra}`);
    await page.waitForSelector('html[data-ready="true"]');
    return page;
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'media-sync-web-demo-'));
    mkdirSync(outputDir, { recursive: true });
    const appDir = join(work, 'app');
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    await viteBuild({
      root: appRoot,
      configFile: join(appRoot, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: appDir, emptyOutDir: true },
    }).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
    server = spawn(
      process.execPath,
      [
        '--conditions=@media-sync/source',
        '--import',
        'tsx',
        join(appRoot, 'test-support', 'run-cli.ts'),
        'web',
        '--port',
        '0',
        '--app',
        appDir,
        '--db',
        join(work, 'gateway.db'),
      ],
      { cwd: appRoot, env: { ...process.env, MEDIA_SYNC_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    url = await new Promise<string>((resolveUrl, reject) => {
      server.once('exit', (code) => reject(new Error(`media-sync web exited with ${code}`)));
      createInterface({ input: server.stdout as NodeJS.ReadableStream }).once('line', resolveUrl);
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    contextA = await browser.newContext();
    contextB = await browser.newContext();
    contextC = await browser.newContext();
    [pageA, pageB, pageC] = await Promise.all([
      open(contextA, USER, 'A'),
      open(contextB, USER, 'B'),
      open(contextC, OTHER_USER, 'C'),
    ]);
    for (const page of [pageA, pageB, pageC]) {
      await eventually(async () => expect((await view(page)).connection).toBe('online'));
    }
  }, 180_000);

  afterAll(async () => {
    for (const [name, page] of Object.entries({ A: pageA2, B: pageB, C: pageC })) {
      if (page !== undefined && !page.isClosed())
        await page.screenshot({ path: join(outputDir, `${name}.png`), fullPage: true });
    }
    await browser?.close();
    server?.kill('SIGTERM');
    if (server !== undefined && server.exitCode === null) await new Promise((done) => server.once('exit', done));
    rmSync(work, { recursive: true, force: true });
  });

  it('A makes 200 edits offline, B conflicting ones online; after A returns both show the gateway state, and C sees nothing', async () => {
    await contextA.setOffline(true);
    await eventually(async () => expect((await view(pageA)).connection).toBe('offline'));
    const offline: Edit[] = Array.from({ length: 200 }, (_, i) => {
      const contentId = TITLES[i % TITLES.length] as string;
      return i % 2 === 0
        ? { kind: 'watchlist', contentId, member: i % 3 !== 0 }
        : { kind: 'progress', contentId, positionMs: 60_000 * i };
    });
    await edits(pageA, offline);
    expect((await view(pageA)).pending).toBe(200);
    const headBefore = (await gatewayState(USER)).head;

    // B edits the same titles while A is away: the other membership, other positions.
    const conflicting: Edit[] = TITLES.flatMap((contentId, i) => [
      { kind: 'watchlist', contentId, member: i % 2 === 0 },
      { kind: 'progress', contentId, positionMs: 1_000 * (i + 1) },
    ]);
    await edits(pageB, conflicting);
    await eventually(async () => expect((await view(pageB)).pending).toBe(0));
    // Nothing of A's reached the gateway while it was offline.
    expect((await gatewayState(USER)).head).toBe(headBefore + conflicting.length);

    await contextA.setOffline(false);
    await eventually(async () => expect((await view(pageA)).pending).toBe(0));
    const gateway = await eventually(async () => {
      const [a, b, state] = await Promise.all([view(pageA), view(pageB), gatewayState(USER)]);
      expect(comparable(a)).toEqual(comparable(state));
      expect(comparable(b)).toEqual(comparable(state));
      return state;
    });
    expect(gateway.watchlist).toHaveLength(TITLES.length);
    expect(gateway.progress).toHaveLength(TITLES.length);
    const a = await view(pageA);
    expect(a.deadLettered).toBe(0);
    // Coalescing sent fewer progress updates than A made; the wire carried less than JSON would.
    expect(a.bytesWire).toBeGreaterThan(0);
    expect(a.bytesWire).toBeLessThan(a.bytesJson / 4);

    const c = await view(pageC);
    expect(c).toMatchObject({ connection: 'online', watchlist: [], progress: [], commands: [] });
    expect(comparable(await gatewayState(OTHER_USER))).toEqual({ watchlist: {}, progress: {} });
  });

  it('a second tab of A follows the leader; closing the leader mid-replay loses no op and applies none twice', async () => {
    pageA2 = await open(contextA, USER, 'A');
    expect((await view(pageA2)).role).toBe('follower');
    expect((await view(pageA)).role).toBe('leader');

    await contextA.setOffline(true);
    await eventually(async () => expect((await view(pageA)).connection).toBe('offline'));
    // An edit in the follower tab goes through the leader into the one outbox.
    await edits(pageA2, [{ kind: 'watchlist', contentId: 'tt0111161', member: true }]);
    const watchlistEdits: Edit[] = Array.from({ length: 99 }, (_, i) => ({
      kind: 'watchlist',
      contentId: TITLES[i % TITLES.length] as string,
      member: i % 2 === 1,
    }));
    await edits(pageA, watchlistEdits);
    const before = await view(pageA);
    expect(before.pending).toBe(100);
    await eventually(async () => expect((await view(pageA2)).pending).toBe(100));
    const firstSeq = before.lastSeq - 99;

    // Back online, the leader replays in frames of BATCH ops; it is closed after its second frame.
    await pageA.evaluate(() => (globalThis as unknown as { mediaSyncDemo: DemoTestApi }).mediaSyncDemo.awaitFrames(2));
    await contextA.setOffline(false);
    const pendingAtClose = await pageA.evaluate(async () => {
      const demo = (globalThis as unknown as { mediaSyncDemo: DemoTestApi }).mediaSyncDemo;
      await demo.published;
      return (await demo.view()).pending;
    });
    await pageA.close();
    expect(pendingAtClose).toBeGreaterThan(0);
    expect(pendingAtClose).toBeLessThan(100);

    await eventually(async () => expect(await view(pageA2)).toMatchObject({ role: 'leader', pending: 0 }));
    const head = (await gatewayState(USER)).head;

    const logged = (await gatewayLog(USER, head)).map((entry) => `${entry.deviceId}#${entry.seq}`);
    expect(logged).toHaveLength(head);
    expect(new Set(logged).size).toBe(logged.length);
    for (let seq = firstSeq; seq <= before.lastSeq; seq++) expect(logged).toContain(`A#${seq}`);

    const state = await gatewayState(USER);
    await eventually(async () => expect(comparable(await view(pageA2))).toEqual(comparable(state)));
  });

  it('a reload while offline keeps the queue and the state, served by the service worker', async () => {
    await pageA2.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await contextA.setOffline(true);
    await eventually(async () => expect((await view(pageA2)).connection).toBe('offline'));
    await edits(pageA2, [
      { kind: 'watchlist', contentId: 'tmdb:13', member: false },
      { kind: 'progress', contentId: 'tmdb:13', positionMs: 4_242_000 },
      { kind: 'watchlist', contentId: 'tmdb:680', member: true },
    ]);
    const before = await view(pageA2);
    expect(before.pending).toBe(3);

    await pageA2.reload();
    await pageA2.waitForSelector('html[data-ready="true"]');
    const after = await view(pageA2);
    expect(after).toMatchObject({ role: 'leader', connection: 'offline', pending: 3, lastSeq: before.lastSeq });
    expect(comparable(after)).toEqual(comparable(before));

    await contextA.setOffline(false);
    await eventually(async () => expect((await view(pageA2)).pending).toBe(0));
    await eventually(async () => {
      const state = await gatewayState(USER);
      expect(comparable(await view(pageA2))).toEqual(comparable(state));
      expect(comparable(await view(pageB))).toEqual(comparable(state));
    });
  });

  it('a command from A reaches B once, through the page', async () => {
    await pageA2.fill('[data-testid="command-target"]', 'B');
    await pageA2.selectOption('[data-testid="command-type"]', 'pause');
    await pageA2.click('[data-testid="command-send"]');
    const received = await eventually(async () => {
      const { commands } = await view(pageB);
      expect(commands).toHaveLength(1);
      return commands[0];
    });
    expect(received).toMatchObject({ sourceDeviceId: 'A', deliveries: 1 });
    expect(
      await pageB.locator(`[data-testid="command-${received?.commandId}"] [data-testid="deliveries"]`).textContent(),
    ).toBe('1');

    // Acknowledged once: neither a reconnect nor a reload brings it again.
    await pageB.reload();
    await pageB.waitForSelector('html[data-ready="true"]');
    await eventually(async () => expect((await view(pageB)).connection).toBe('online'));
    const state = await gatewayState(USER);
    await eventually(async () => expect(comparable(await view(pageB))).toEqual(comparable(state)));
    expect((await view(pageB)).commands).toEqual([received]);
    expect((await view(pageC)).commands).toEqual([]);
    expect((await view(pageA2)).commands).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("a follower's edit stored by a leader that closes before confirming it is in the gateway's log once", async () => {
    const contextD = await browser.newContext();
    const leader = await open(contextD, USER, 'D');
    const follower = await open(contextD, USER, 'D');
    expect((await view(leader)).role).toBe('leader');
    expect((await view(follower)).role).toBe('follower');
    await eventually(async () => expect((await view(leader)).connection).toBe('online'));

    await leader.evaluate(() =>
      (globalThis as unknown as { mediaSyncDemo: DemoTestApi }).mediaSyncDemo.withholdNextConfirmation(),
    );
    // A watchlist edit: the queue coalesces progress updates, which would hide a second copy.
    const marker = { kind: 'watchlist', contentId: 'tmdb:603', member: true } as const;
    // Not awaited: the follower's edit settles only once a leader confirms it.
    const recorded = edits(follower, [marker]);
    await leader.evaluate(() => (globalThis as unknown as { mediaSyncDemo: DemoTestApi }).mediaSyncDemo.forwardStored);
    await leader.close();

    // The follower becomes leader, finds its edit stored under the old leader's mark, and replays it.
    await recorded;
    await eventually(async () => expect(await view(follower)).toMatchObject({ role: 'leader', pending: 0 }));
    const head = (await gatewayState(USER)).head;
    const copies = (await gatewayLog(USER, head)).filter(
      (entry) => entry.deviceId === 'D' && entry.op.type === 'watchlistAdd' && entry.op.contentId === marker.contentId,
    );
    expect(copies).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    await contextD.close();
  });

  it('a dropped link comes back at once on `visibilitychange` and on `online`, not on its retry timer', async () => {
    const contextE = await browser.newContext();
    const page = await contextE.newPage();
    page.on('pageerror', (error) => pageErrors.push(`E: ${error.message}`));
    // Every socket of the page passes through here, so the test can cut them as the network would.
    const links: Array<{ page: WebSocketRoute; gateway: WebSocketRoute }> = [];
    await page.routeWebSocket(/.*/, (socket) => {
      links.push({ page: socket, gateway: socket.connectToServer() });
    });
    // A retry delay of ten minutes: only the page's event handlers can reconnect within the test.
    await page.goto(`${url}?user=${USER}&device=E&batch=${BATCH}&retry=600000`);
    await page.waitForSelector('html[data-ready="true"]');
    await eventually(async () => expect((await view(page)).connection).toBe('online'));

    const cut = async () => {
      for (const link of links.splice(0)) {
        await link.page.close();
        await link.gateway.close();
      }
      await eventually(async () => expect((await view(page)).connection).toBe('offline'));
    };

    await cut();
    expect(await page.evaluate(() => document.visibilityState)).toBe('visible');
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await eventually(async () => expect((await view(page)).connection).toBe('online'));
    await edits(page, [{ kind: 'watchlist', contentId: 'tmdb:604', member: true }]);
    await eventually(async () => expect((await view(page)).pending).toBe(0));

    await cut();
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await eventually(async () => expect((await view(page)).connection).toBe('online'));
    await edits(page, [{ kind: 'watchlist', contentId: 'tmdb:604', member: false }]);
    await eventually(async () => expect((await view(page)).pending).toBe(0));
    expect(pageErrors).toEqual([]);
    await contextE.close();
  });

  it('a token kept from an earlier run of the server (another secret, a gateway gone) does not keep the page offline', async () => {
    const contextF = await browser.newContext();
    const page = await open(contextF, USER, 'F');
    await eventually(async () => expect((await view(page)).connection).toBe('online'));
    // What a restarted `media-sync web` leaves in the page's storage: its gateway ran on another
    // port and signed with another secret.
    const stale = await createToken({ secret: 'an-earlier-run', userId: USER, deviceId: 'F' });
    await page.evaluate(({ key, value }) => localStorage.setItem(key, value), {
      key: `media-sync-demo:token:${USER}:F`,
      value: JSON.stringify({ token: stale, url: 'ws://127.0.0.1:1/', expiresAt: Date.now() + 3_600_000 }),
    });
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    await eventually(async () => expect((await view(page)).connection).toBe('online'), 15_000);
    await contextF.close();
  });

  it('a device whose IndexedDB a newer app version wrote says so on the page, not a blank page', async () => {
    const contextG = await browser.newContext();
    const page = await contextG.newPage();
    await page.goto(`${url}no-such-page`); // any page of the origin, to reach its IndexedDB
    await page.evaluate(
      (name) =>
        new Promise<void>((done, fail) => {
          const request = indexedDB.open(name, 99);
          request.onsuccess = () => {
            request.result.close();
            done();
          };
          request.onerror = () => fail(request.error);
        }),
      `media-sync-demo:${USER}:G`,
    );
    await page.goto(`${url}?user=${USER}&device=G`);
    await page.waitForSelector('html[data-ready="error"]');
    const shown = await page.textContent('[data-testid="start-error"]');
    expect(shown).toContain('VersionError: The requested version (1) is less than the existing version (99)');
    expect(shown).toContain('SCHEMA_TOO_NEW');
    await contextG.close();
  });

  it('an address the queue refuses (an empty device, batch=0) is named on the page, not a blank page', async () => {
    const contextH = await browser.newContext();
    const page = await contextH.newPage();
    await page.goto(`${url}?user=${USER}&device=`);
    await page.waitForSelector('html[data-ready="error"]');
    expect(await page.textContent('[data-testid="start-error"]')).toContain('deviceId: must not be empty');
    await page.goto(`${url}?user=${USER}&device=H&batch=0`);
    await page.waitForSelector('html[data-ready="error"]');
    expect(await page.textContent('[data-testid="start-error"]')).toContain('maxBatchOps=0 is invalid');
    await contextH.close();
  });

  it("a cursor kept from another gateway log (a restarted server's fresh database) starts again at 0", async () => {
    const contextI = await browser.newContext();
    const page = await open(contextI, USER, 'I');
    await eventually(async () => expect((await view(page)).connection).toBe('online'));
    // What a page keeps from an earlier run: a cursor far past anything this log holds.
    await page.evaluate((key) => {
      const kept = JSON.parse(localStorage.getItem(key) ?? '{}');
      localStorage.setItem(key, JSON.stringify({ ...kept, cursor: 1_000_000, log: 'an-earlier-run' }));
    }, `media-sync-demo:view:${USER}:I`);
    await page.reload();
    await page.waitForSelector('html[data-ready="true"]');
    await edits(pageB, [{ kind: 'watchlist', contentId: 'tmdb:11', member: true }]);
    await eventually(
      async () =>
        expect((await view(page)).watchlist).toContainEqual(
          expect.objectContaining({ contentId: 'tmdb:11', member: true }),
        ),
      15_000,
    );
    await contextI.close();
  });
});
