// The Node side of the browser tests: bundles entry.ts with esbuild, serves it on loopback and
// finds Debian's Chromium (never downloads one).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

/** Flags for a quiet headless Chromium that never reaches the network on its own. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function bundleBrowserEntry(): Promise<string> {
  const result = await build({
    absWorkingDir: packageDir,
    entryPoints: ['test/browser/entry.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    // Workspace packages from their TypeScript sources, as everywhere in the tests.
    conditions: ['@media-sync/source'],
    alias: { vitest: './test/browser/vitest-shim.ts' },
    // zstd-codec (pulled in through the queue's codec) requires these only when it runs in Node.
    external: ['fs', 'path', 'crypto'],
    write: false,
    logLevel: 'error',
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild produced no bundle');
  return output.text;
}

/**
 * Serves the page and the bundle on 127.0.0.1 (a secure context, so Web Locks are on). The
 * origin, and with it the IndexedDB data, stays the same for as long as the server runs.
 */
export async function serveBundle(bundle: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.url === '/entry.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (request.url === '/') {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><title>storage-indexeddb</title><script type="module" src="/entry.js"></script>');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/**
 * Starts Chromium ourselves (not through Playwright) in its own process group, so the test can
 * SIGKILL the whole browser the way a crash would; resolves with its DevTools endpoint.
 */
export function launchKillableChromium(userDataDir: string): Promise<{ process: ChildProcess; wsEndpoint: string }> {
  const child = spawn(
    CHROMIUM_PATH,
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${userDataDir}`, 'about:blank'],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const endpoint = /DevTools listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (endpoint !== undefined) {
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve({ process: child, wsEndpoint: endpoint });
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`chromium exited with ${code} before listening:\n${stderr}`)));
  });
}

/** SIGKILLs the browser and every process it started; resolves once the main one is gone. */
export function killProcessGroup(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  return exited;
}
