import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToken, parseSecrets, type SyncServer, startSyncServer, type TokenKey } from '@media-sync/sync-server';
import { type Command, InvalidArgumentError } from 'commander';

/** The built web demo of this repository (`npm run build -w @media-sync/web-demo`), from src/ or dist/. */
export const DEFAULT_APP_DIR = fileURLToPath(new URL('../../../web-demo/dist', import.meta.url));

/** How long a token minted for a page lives: a day, as `media-sync token` gives. */
const PAGE_TOKEN_TTL_MS = 24 * 3_600_000;
/** Ids a page may ask a token for: what §2 allows, non-empty and at most 256 UTF-8 bytes. */
const MAX_ID_BYTES = 256;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

export interface WebDemoOptions {
  /** Folder of the built app (index.html, sw.js, assets/). */
  readonly appDir: string;
  /** Port of the page's server on 127.0.0.1; 0 for any free one. */
  readonly port: number;
  /** SQLite file of the gateway; default a temp file removed on close. */
  readonly dbPath?: string;
  /** Token keys; default a random secret for this run only. */
  readonly secret?: readonly TokenKey[];
}

export interface WebDemo {
  /** `http://127.0.0.1:<port>/`: open it, add `?user=…&device=…`. */
  readonly url: string;
  readonly gateway: SyncServer;
  close(): Promise<void>;
}

/**
 * Starts the gateway and a server for the built web demo, both on loopback only. The page asks
 * `/api/token?user=U&device=D` for a device token, which this server mints with the gateway's
 * secret: a convenience for trying the demo on one machine that a real deployment replaces with
 * its own sign-in. So it answers only requests addressed to 127.0.0.1 or localhost (a page of
 * another site that points a DNS name at 127.0.0.1 gets nothing).
 */
export async function startWebDemo(options: WebDemoOptions): Promise<WebDemo> {
  const appDir = resolve(options.appDir);
  if (!existsSync(join(appDir, 'index.html'))) {
    throw new Error(
      `no built web demo in ${appDir}: run \`npm run build -w @media-sync/web-demo\` first, or pass --app DIR`,
    );
  }
  const secret = options.secret ?? parseSecrets(randomBytes(32).toString('base64url'));
  const tempDir = options.dbPath === undefined ? mkdtempSync(join(tmpdir(), 'media-sync-web-')) : undefined;
  const dbPath = options.dbPath ?? join(tempDir as string, 'gateway.db');
  const gateway = await startSyncServer({ secret, dbPath, host: '127.0.0.1', port: 0 });
  // Names the gateway's log, so a page can tell that its cursor counts in another one (this
  // server restarted on a fresh database): a temp database is a new log each run, a file its own.
  const { dev, ino } = statSync(dbPath);
  const logId = tempDir === undefined ? `file-${dev}-${ino}` : `run-${randomBytes(8).toString('hex')}`;
  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(error.message);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('this server answers loopback requests only');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/') && !fromThisOrigin(request)) {
      // A page of another origin cannot read the answer anyway (no CORS headers); refusing it
      // outright keeps a token out of any response another site's request caused.
      sendJson(response, 403, { error: 'this endpoint answers pages of its own origin only' });
      return;
    }
    if (url.pathname === '/api/token') {
      const userId = idParam(url, 'user');
      const deviceId = idParam(url, 'device');
      if (typeof userId !== 'string' || typeof deviceId !== 'string') {
        sendJson(response, 400, {
          error: typeof userId === 'string' ? (deviceId as { error: string }).error : userId.error,
        });
        return;
      }
      const expiresAt = Date.now() + PAGE_TOKEN_TTL_MS;
      const token = await createToken({ secret, userId, deviceId, expiresAt });
      sendJson(response, 200, { token, url: gateway.url, expiresAt, userId, deviceId, log: logId });
      return;
    }
    if (url.pathname === '/api/state') {
      const userId = idParam(url, 'user');
      if (typeof userId !== 'string') {
        sendJson(response, 400, { error: userId.error });
        return;
      }
      sendJson(response, 200, { userId, head: await gateway.headOf(userId), ...(await gateway.stateOf(userId)) });
      return;
    }
    serveFile(appDir, url.pathname, response);
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    gateway,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await gateway.close();
      if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/**
 * Whether a request comes from a page this server served, or from no page at all (curl, a
 * typed URL): browsers name another site in `Sec-Fetch-Site` and `Origin`.
 */
function fromThisOrigin(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${request.headers.host}`;
}

function idParam(url: URL, name: string): string | { error: string } {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return { error: `missing ${name}` };
  if (Buffer.byteLength(value) > MAX_ID_BYTES) return { error: `${name} is over ${MAX_ID_BYTES} UTF-8 bytes` };
  return value;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}

function serveFile(appDir: string, pathname: string, response: ServerResponse): void {
  let path: string;
  try {
    path = resolve(appDir, `.${decodeURIComponent(pathname)}`);
  } catch {
    response.writeHead(400).end();
    return;
  }
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
  // Compared after resolving symbolic links: a link inside the app to /etc or ~ stays unserved.
  const real = realPathOf(file);
  const realApp = realpathSync(appDir);
  if (real === undefined || !real.startsWith(realApp + sep) || !statSync(real).isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  // Hashed assets never change; the page and the service worker must be checked on every visit.
  const immutable = real.startsWith(join(realApp, 'assets') + sep);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(real)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  response.end(readFileSync(real));
}

function realPathOf(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined; // missing, a dangling link, or a name the file system refuses (a NUL byte)
  }
}

interface WebOptions {
  port: number;
  app?: string;
  db?: string;
}

/** `media-sync web`: the gateway and the web demo on loopback, until SIGINT/SIGTERM. */
export function registerWebCommand(program: Command): void {
  program
    .command('web')
    .description('run the gateway and serve the web demo on 127.0.0.1 (tokens minted per device for loopback use)')
    .option('--port <port>', 'port of the page, 0 for any free one', parsePort, 8790)
    .option('--app <dir>', 'folder of the built web demo (default: apps/web-demo/dist of this repository)')
    .option('--db <file>', 'SQLite file of the gateway state (default: a temp file, removed on exit)')
    .action(async (options: WebOptions) => {
      const fromEnv = process.env.MEDIA_SYNC_SECRET;
      const demo = await startWebDemo({
        appDir: options.app ?? DEFAULT_APP_DIR,
        port: options.port,
        ...(options.db === undefined ? {} : { dbPath: options.db }),
        ...(fromEnv === undefined || fromEnv.trim() === '' ? {} : { secret: parseSecrets(fromEnv) }),
      });
      // The first stdout line is the URL, so scripts (and tests) can wait for it.
      process.stdout.write(`${demo.url}\n`);
      process.stdout.write(
        `open ${demo.url}?user=demo-user&device=laptop and ${demo.url}?user=demo-user&device=phone (gateway ${demo.gateway.url})\n`,
      );
      await new Promise<void>((done) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          done();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await demo.close();
    });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`expected a port 0-65535, got ${JSON.stringify(text)}`);
  }
  return port;
}
