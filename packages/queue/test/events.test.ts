import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from '../src/index.js';

interface Events {
  ping: { n: number };
  pong: string;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('TypedEmitter', () => {
  it('calls listeners in order, unsubscribes, and resolves next() on a matching event', async () => {
    const emitter = new TypedEmitter<Events>();
    const seen: string[] = [];
    const off = emitter.on('ping', ({ n }) => seen.push(`a${n}`));
    emitter.on('ping', ({ n }) => seen.push(`b${n}`));
    const third = emitter.next('ping', ({ n }) => n === 3);
    emitter.emit('ping', { n: 1 });
    off();
    emitter.emit('ping', { n: 3 });
    expect(await third).toEqual({ n: 3 });
    expect(seen).toEqual(['a1', 'b1', 'b3']);
    expect(emitter.listenerCount('ping')).toBe(1);
    expect(emitter.listenerCount('pong')).toBe(0);
  });

  it('a throwing listener is reported and does not stop the others', () => {
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    const emitter = new TypedEmitter<Events>();
    const seen: string[] = [];
    const boom = new Error('listener bug');
    emitter.on('pong', () => {
      throw boom;
    });
    emitter.on('pong', (text) => seen.push(text));
    emitter.emit('pong', 'hello');
    expect(seen).toEqual(['hello']);
    expect(reported).toEqual([boom]);
  });
});
