import { Writable } from 'node:stream';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createToken } from '../src/index.js';
import { deferCleanup, eventually, gateway, outgoing, progressOps, rawClient, SECRET, token, USER } from './helpers.js';

/** A pino logger writing JSON lines into memory, as it would to stdout. */
function memoryPino() {
  const lines: string[] = [];
  let partial = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      partial += chunk.toString();
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      lines.push(...complete);
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  const records = () => lines.map((line) => JSON.parse(line) as { level: number; msg: string; [key: string]: unknown });
  return { logger, lines, records };
}

describe('logs', () => {
  it('writes JSON lines through a pino instance: a line per connection opened and closed and per rejected frame, never a secret', async () => {
    const { logger, lines, records } = memoryPino();
    const { server } = await gateway({ logger });
    const goodToken = await token('tv');
    const tv = createWebSocketPublisher({ url: server.url, token: goodToken, sessionContext: false });
    await tv.publish(await outgoing(progressOps('tv', 1, 3)));
    const phoneToken = await token('phone');
    const phone = rawClient(server.url, phoneToken);
    await phone.receivedCount(1);
    phone.send({ type: 'frame', frameId: 1, frame: new Uint8Array([9, 9, 9, 9, 9, 9]) });
    phone.send({ type: 'frame', frameId: 2, frame: new Uint8Array([1, 2, 3]) });
    await phone.receivedCount(3);
    // Auth failures: a token signed with another secret in a header, and the real secret itself
    // sent as a token in the query string.
    const forgedToken = await createToken({ secret: 'another-secret-entirely', userId: USER, deviceId: 'tv' });
    for (const url of [server.url, `${server.url}/?token=${encodeURIComponent(SECRET)}`]) {
      const socket = new WebSocket(url, {
        headers: url === server.url ? { authorization: `Bearer ${forgedToken}` } : {},
      });
      socket.on('error', () => undefined);
      await new Promise((resolve) => socket.once('close', resolve));
    }
    await tv.close();
    phone.socket.close();
    await eventually(() => records().filter((record) => record.msg === 'connection closed').length === 2);

    const all = records();
    expect(all.length).toBe(lines.length);
    const byMessage = (msg: string) => all.filter((record) => record.msg === msg);
    const opened = byMessage('connection opened');
    expect(opened.map((record) => record.deviceId).sort()).toEqual(['phone', 'tv']);
    expect(opened.every((record) => record.userId === USER && record.level === 30)).toBe(true);
    const closed = byMessage('connection closed');
    expect(closed.map((record) => record.deviceId).sort()).toEqual(['phone', 'tv']);
    expect(closed.every((record) => typeof record.code === 'number' && typeof record.seconds === 'number')).toBe(true);
    const rejected = byMessage('frame rejected');
    expect(rejected.map((record) => record.frameId)).toEqual([1, 2]);
    expect(rejected.every((record) => record.deviceId === 'phone' && typeof record.code === 'string')).toBe(true);
    expect(rejected.every((record) => record.level === 40)).toBe(true);
    const refused = byMessage('connection refused');
    expect(refused.map((record) => record.code).sort()).toEqual(['TOKEN_BAD_SIGNATURE', 'TOKEN_MALFORMED']);

    // Nothing that grants access is ever written: not the secret, not a token, not a part of one.
    const text = lines.join('\n');
    for (const secretText of [SECRET, goodToken, phoneToken, forgedToken, ...forgedToken.split('.')]) {
      expect(text).not.toContain(secretText);
    }
  });

  it('accepts any logger of the same shape', async () => {
    const seen: { fields: Record<string, unknown>; message: string }[] = [];
    const note = (fields: Record<string, unknown>, message: string) => seen.push({ fields, message });
    const { server } = await gateway({ logger: { info: note, warn: note, error: note } });
    const raw = rawClient(server.url, await token('tv'));
    await raw.receivedCount(1);
    expect(seen).toContainEqual({
      fields: expect.objectContaining({ userId: USER, deviceId: 'tv' }),
      message: 'connection opened',
    });
    deferCleanup(() => raw.socket.terminate());
  });
});
