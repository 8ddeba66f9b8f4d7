import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { verifyToken } from '@media-sync/sync-server';
import { describe, expect, it } from 'vitest';
import { startWebDemo } from '../src/commands/web.js';
import { cli, later, tempDir } from './helpers.js';

const SECRET = 'web-command-test-secret';

/** A GET with a chosen Host header (fetch does not let one set it). */
function get(
  url: string,
  path: string,
  host?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; type: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: host === undefined ? headers : { ...headers, host } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body, type: String(response.headers['content-type']) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function builtApp(): string {
  const dir = join(tempDir(), 'app');
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>demo</title>');
  writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  return dir;
}

describe('media-sync web', () => {
  it('serves the app, mints a token for a device, and shows the gateway state of a user', async () => {
    const demo = await startWebDemo({ appDir: builtApp(), port: 0, secret: [{ kid: 'default', secret: SECRET }] });
    later(() => demo.close());
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const page = await get(demo.url, '/?user=u&device=d');
    expect(page).toMatchObject({ status: 200, body: '<!doctype html><title>demo</title>' });
    expect(page.type).toContain('text/html');
    expect((await get(demo.url, '/assets/index-abc.js')).type).toContain('text/javascript');

    const minted = JSON.parse((await get(demo.url, '/api/token?user=u-1&device=tv')).body) as {
      token: string;
      url: string;
    };
    expect(minted.url).toBe(demo.gateway.url);
    expect(await verifyToken(minted.token, SECRET)).toMatchObject({ userId: 'u-1', deviceId: 'tv' });

    const state = JSON.parse((await get(demo.url, '/api/state?user=u-1')).body);
    expect(state).toEqual({ userId: 'u-1', head: 0, progress: [], watchlist: [] });
  });

  it('refuses a request addressed to another host, bad ids, and paths outside the app', async () => {
    const demo = await startWebDemo({ appDir: builtApp(), port: 0 });
    later(() => demo.close());
    expect((await get(demo.url, '/api/token?user=u&device=d', 'evil.example:80')).status).toBe(421);
    expect((await get(demo.url, '/api/token?user=u&device=d', 'localhost')).status).toBe(200);
    expect(await get(demo.url, '/api/token?user=u')).toMatchObject({ status: 400, body: '{"error":"missing device"}' });
    expect((await get(demo.url, `/api/token?user=${'x'.repeat(257)}&device=d`)).body).toContain('over 256 UTF-8 bytes');
    expect((await get(demo.url, '/../package.json')).status).toBe(404);
    expect((await get(demo.url, '/%2e%2e/%2e%2e/package.json')).status).toBe(404);
    expect((await get(demo.url, '/missing.js')).status).toBe(404);
  });

  it('refuses a token to a page of another origin, and follows no symbolic link out of the app', async () => {
    const app = builtApp();
    const outsideDir = tempDir();
    writeFileSync(join(outsideDir, 'secret.txt'), 'not for the page');
    symlinkSync(join(outsideDir, 'secret.txt'), join(app, 'leak.txt'));
    symlinkSync(outsideDir, join(app, 'elsewhere'));
    const demo = await startWebDemo({ appDir: app, port: 0 });
    later(() => demo.close());
    const host = new URL(demo.url).host;

    const crossSite = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };
    expect(await get(demo.url, '/api/token?user=u&device=d', undefined, crossSite)).toMatchObject({ status: 403 });
    expect((await get(demo.url, '/api/state?user=u', undefined, { origin: 'http://evil.example' })).status).toBe(403);
    // Another port of 127.0.0.1 is the same site but another origin.
    const samesite = { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' };
    expect((await get(demo.url, '/api/token?user=u&device=d', undefined, samesite)).status).toBe(403);
    // The page's own fetch, and curl.
    const own = { origin: `http://${host}`, 'sec-fetch-site': 'same-origin' };
    expect((await get(demo.url, '/api/token?user=u&device=d', undefined, own)).status).toBe(200);
    expect((await get(demo.url, '/api/token?user=u&device=d')).status).toBe(200);

    expect(await get(demo.url, '/leak.txt')).toMatchObject({ status: 404, body: 'not found' });
    expect((await get(demo.url, '/elsewhere/secret.txt')).status).toBe(404);
    expect((await get(demo.url, '/a%00.js')).status).toBe(404);
    expect((await get(demo.url, '/assets/index-abc.js')).status).toBe(200);
  });

  it("names the gateway's log: a new one for each run on a temp database, the same for one --db file", async () => {
    const logOf = async (demo: { url: string }) =>
      (JSON.parse((await get(demo.url, '/api/token?user=u&device=d')).body) as { log: string }).log;
    const app = builtApp();
    const dbPath = join(tempDir(), 'gateway.db');
    const first = await startWebDemo({ appDir: app, port: 0, dbPath });
    const firstLog = await logOf(first);
    await first.close();
    const again = await startWebDemo({ appDir: app, port: 0, dbPath });
    later(() => again.close());
    expect(await logOf(again)).toBe(firstLog);
    const fresh = await startWebDemo({ appDir: app, port: 0 });
    later(() => fresh.close());
    const other = await startWebDemo({ appDir: app, port: 0 });
    later(() => other.close());
    expect(await logOf(fresh)).not.toBe(await logOf(other));
    expect(await logOf(fresh)).not.toBe(firstLog);
  });

  it('says how to build the app when there is none, exit 1', async () => {
    const result = await cli(['web', '--port', '0', '--app', tempDir()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no built web demo in');
    expect(result.stderr).toContain('npm run build -w @media-sync/web-demo');
  });
});
