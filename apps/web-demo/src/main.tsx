import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { actionsOf } from './actions.js';
import { DeviceEngine } from './engine.js';
import { exposeForTests } from './test-api.js';

// Which user and device this page is: `?user=alice&device=laptop`. Without `device`, the tab
// keeps a generated one in localStorage, so one browser profile is one device.
const params = new URLSearchParams(location.search);
const userId = params.get('user') ?? 'demo-user';
const deviceId = params.get('device') ?? deviceOfThisBrowser();
const maxBatchOps = params.has('batch') ? Number(params.get('batch')) : undefined;
// `&retry=600000`: the link's own reconnect delay (the tests make it long, so that only the
// `online` and `visibilitychange` handlers below can bring the link back in time).
const retryMs = params.has('retry') ? Number(params.get('retry')) : undefined;

function deviceOfThisBrowser(): string {
  const key = 'media-sync-demo:device';
  const known = localStorage.getItem(key);
  if (known !== null) return known;
  const made = `browser-${crypto.randomUUID().slice(0, 8)}`;
  localStorage.setItem(key, made);
  return made;
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
let engine: DeviceEngine;
try {
  engine = new DeviceEngine({
    userId,
    deviceId,
    ...(maxBatchOps === undefined ? {} : { maxBatchOps }),
    ...(retryMs === undefined ? {} : { retryMs }),
  });
  await engine.start();
} catch (error) {
  // Say why instead of a blank page: ids or options the queue refuses, or an IndexedDB outbox
  // that does not open (a database a newer app version wrote, storage full or disabled).
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  createRoot(root).render(
    <main>
      <h1>media-sync</h1>
      <p className="error" data-testid="start-error">
        This page could not start, so it records no changes{typeof code === 'string' ? ` (${code})` : ''}: {message}
      </p>
      <p>
        The address takes <code>?user=…&amp;device=…</code> (each non-empty, at most 256 UTF-8 bytes) and optionally{' '}
        <code>&amp;batch=N</code> (N ≥ 1). If the device&apos;s storage (IndexedDB) is the problem, close the other tabs
        of this page and reload, or clear this site&apos;s data in the browser.
      </p>
    </main>,
  );
  document.documentElement.dataset.ready = 'error';
  throw error;
}

const actions = actionsOf(engine);
exposeForTests(engine, actions);

// Reconnect when the browser says the network is back or the page is looked at again, not
// only when a reconnect timer fires; drop the link when the browser says it is offline.
addEventListener('online', () => engine.reconnect());
addEventListener('offline', () => engine.reconnect());
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && engine.connection.connectionState === 'offline') engine.reconnect();
});

// The app's files come from the service worker's cache once it has been installed: the page
// opens offline after one visit. (Secure contexts only: https, or http on localhost/127.0.0.1.)
if ('serviceWorker' in navigator) {
  void navigator.serviceWorker.register('./sw.js').catch((error: Error) => console.warn('no offline copy:', error));
}

createRoot(root).render(
  <StrictMode>
    <App engine={engine} actions={actions} />
  </StrictMode>,
);
document.title = `media-sync · ${deviceId}`;
document.documentElement.dataset.ready = 'true';
