import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { InboundScheduler } from '../src/flow.js';
import { resolveLimits } from '../src/limits.js';
import { newLimitCounters } from '../src/session.js';

const quiet = { info() {}, warn() {}, error() {} };

/** The parts of a ws connection the inbound side uses: its events, pause/resume, nothing queued out. */
function fakeConnection(): { ws: WebSocket; socket: Duplex; receive(bytes: Uint8Array): void } {
  const ws = Object.assign(new EventEmitter(), {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    pause() {},
    resume() {},
    close() {},
    terminate() {},
    send() {},
  });
  const socket = new EventEmitter();
  return {
    ws: ws as unknown as WebSocket,
    socket: socket as unknown as Duplex,
    receive: (bytes) => ws.emit('message', Buffer.from(bytes), true),
  };
}

function turns(n: number): Promise<void> {
  let chain = Promise.resolve();
  for (let i = 0; i < n; i++) chain = chain.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return chain;
}

/**
 * Many connections with one message each, whose handlers wait for a server that has not answered
 * yet: how many handlers have started after a few turns of the event loop.
 */
async function handlersStarted(handlersWaitForIo: boolean, connections: number): Promise<number> {
  const scheduler = new InboundScheduler(resolveLimits({}), newLimitCounters(), quiet, { handlersWaitForIo });
  let started = 0;
  let answer: () => void = () => {};
  const server = new Promise<void>((resolve) => {
    answer = resolve;
  });
  const peers = Array.from({ length: connections }, (_, i) => {
    const peer = fakeConnection();
    scheduler.open(peer.ws, peer.socket, { deviceId: `device-${i}` }, async () => {
      started += 1;
      await server;
    });
    return peer;
  });
  for (const peer of peers) peer.receive(new Uint8Array([1, 2, 3]));
  await turns(3);
  const seen = started;
  answer();
  await scheduler.idle();
  return seen;
}

describe('the inbound drain', () => {
  it('hands every waiting connection its turn at once when handlers wait for a server (PostgreSQL), so their reads share a turn', async () => {
    // One message per turn of the event loop had 1 000 one-op devices queue here for hundreds of ms.
    expect(await handlersStarted(true, 200)).toBe(200);
  });

  it('waits a turn for each handler when the store answers in the same turn (SQLite), so its time is charged to its connection', async () => {
    expect(await handlersStarted(false, 200)).toBeLessThan(200);
  });
});
