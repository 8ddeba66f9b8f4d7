import {
  decodeGatewayMessage,
  encodeGatewayMessage,
  GATEWAY_SUBPROTOCOL,
  type GatewayMessage,
  TOKEN_SUBPROTOCOL_PREFIX,
} from '@media-sync/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { outgoing, progressOps, startTestGateway, type TestGateway, token, USER } from './helpers.js';

let gateway: TestGateway;
let socket: WebSocket;
const replies = new Map<number, GatewayMessage>();
const waiters = new Map<number, () => void>();

beforeAll(async () => {
  // Hundreds of bad frames on one connection are the point here, not a client to close.
  gateway = await startTestGateway({ maxErrorsInRow: 1_000_000 });
  socket = new WebSocket(gateway.server.url, [GATEWAY_SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${await token('tv')}`]);
  socket.on('message', (data: Buffer) => {
    const message = decodeGatewayMessage(new Uint8Array(data));
    if (message.type !== 'ack' && message.type !== 'error') return;
    replies.set(message.frameId, message);
    waiters.get(message.frameId)?.();
  });
  await new Promise<void>((resolve) => socket.once('open', () => resolve()));
});

afterAll(async () => {
  socket.close();
  await gateway.cleanup();
});

let nextId = 1;
/** Sends `bytes` as a FRAME and resolves with the gateway's reply to it. */
function exchange(bytes: Uint8Array): Promise<GatewayMessage> {
  const id = nextId++;
  const message = encodeGatewayMessage({ type: 'frame', frameId: id, frame: bytes });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply to frame ${id}`)), 5000);
    waiters.set(id, () => {
      clearTimeout(timer);
      waiters.delete(id);
      resolve(replies.get(id) as GatewayMessage);
    });
    socket.send(message);
  });
}

describe('gateway fed random and mutated frames', () => {
  it('answers every one with an ACK or an ERROR carrying a code, and stays up', async () => {
    const valid = (await outgoing(progressOps('tv', 1, 20))).bytes;
    const seed = Date.now();
    console.log(`fuzz seed ${seed}`);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), {
              minLength: 1,
              maxLength: 6,
            })
            .map((edits) => {
              const mutated = Uint8Array.from(valid);
              for (const [at, value] of edits) mutated[at] = value;
              return mutated;
            }),
          fc.nat({ max: valid.length - 1 }).map((end) => valid.subarray(0, end)),
        ),
        async (bytes) => {
          const reply = await exchange(bytes);
          expect(['ack', 'error']).toContain(reply.type);
          if (reply.type === 'error') expect(reply.code).toMatch(/^[A-Z_]+$/);
        },
      ),
      { seed, numRuns: 300 },
    );
    const health = await fetch(`${gateway.server.url.replace('ws:', 'http:')}/healthz`);
    expect(health.status).toBe(200);
    // Whatever got through was a well-formed frame of this device's user: state stays checkable.
    expect((await gateway.server.stateOf(USER)).progress.every((entry) => entry.userId === USER)).toBe(true);
  }, 60_000);
});
