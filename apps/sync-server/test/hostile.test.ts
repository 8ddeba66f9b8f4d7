import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttackName } from '../src/hostile-clients.js';
import { deferCleanup, eventually, token } from './helpers.js';
import {
  type GatewayProcess,
  type Healthz,
  legitimateDevice,
  spawnAttackers,
  spawnGateway,
  watchRss,
} from './hostile-process.js';

/**
 * The attacks of SPEC §12, each by 50 clients for a few seconds against a gateway in its own
 * process, while a legitimate device publishes a frame every 50 ms. Each must leave the gateway
 * under its memory bound, the device's ACKs fast, the bound's counter raised, and the gateway
 * serving afterwards.
 */
const ATTACKERS = 50;
const ATTACK_MS = 5000;
/**
 * Growth of the gateway's resident memory one attack may cause, from its RSS just before that
 * attack: the attacks run one after another in one process, and the allocator keeps pages an
 * earlier attack used, so growth from the suite's start would charge each attack for the ones
 * before it.
 */
const RSS_GROWTH_BOUND = 150 * 1024 * 1024;
/** What the gateway's RSS may reach at any point of the whole suite (it starts near 110 MB). */
const RSS_CEILING = 350 * 1024 * 1024;
/** The legitimate device's ACK latency, 99th percentile, during an attack (16.7 s before the bounds, issue figures), with room for a loaded CI box. */
const P99_BOUND_MS = 1500;

const dir = mkdtempSync(join(tmpdir(), 'media-sync-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Which counter of `/healthz` says the attack ran into its bound. The amplification attack has
 * none: its bound is the ACK's range cap, and within seconds its replies fit in the kernel's
 * socket buffers. Expiry on an open connection is proven by the auth tests; here the expired
 * clients only must not slow the device.
 */
const COUNTER: Partial<Record<AttackName, (health: Healthz) => number>> = {
  flood: (health) => health.limits.errorsInRow ?? 0,
  decompression: (health) => health.limits.framesOverBody ?? 0,
  fragments: (health) => health.limits.incompleteMessages ?? 0,
  slowHeaders: (health) => health.limits.headerTimeouts ?? 0,
};

describe('a gateway process under attack by 50 hostile clients', () => {
  let gateway: GatewayProcess;
  let baseline: number;

  beforeAll(async () => {
    // Short timeouts so each attack runs into them within its few seconds; a short heartbeat so
    // connections whose peers vanished while the gateway was not reading them are found soon.
    // Commits are not fsynced: the bound measured is what clients make the gateway do, not the
    // latency of a shared CI disk (`media-sync bench gateway` measures with fsync).
    gateway = await spawnGateway(dir, {
      headerTimeoutMs: 1000,
      incompleteMessageMs: 1000,
      heartbeatMs: 1000,
      synchronous: 'normal',
    });
    baseline = gateway.rssBytes();
  });
  afterAll(() => gateway.stop());

  const attacks: AttackName[] = ['flood', 'amplification', 'decompression', 'fragments', 'slowHeaders', 'expiredToken'];
  for (const name of attacks) {
    it(`${name}: memory bounded, a device's ACKs stay fast, the bound is counted, serving afterwards`, async () => {
      const device = await legitimateDevice(gateway.url, `tv-${name}`, await token(`tv-${name}`));
      const before = (await gateway.healthz()).body;
      const start = gateway.rssBytes();
      const rss = watchRss(gateway);
      const attackers = await spawnAttackers(name, gateway.url, ATTACKERS, name);
      const latencies = await device.measure(new Promise((resolve) => setTimeout(resolve, ATTACK_MS)));
      const attack = await attackers.stop();
      const peak = rss.stop();
      const after = await gateway.healthz();
      console.log(
        `${name}: ${attack.sent} messages on ${attack.connections} connections; gateway RSS ${mb(start)} → peak ${mb(peak)} (suite start ${mb(baseline)}); ` +
          `device ACK p50 ${latencies.p50.toFixed(1)} ms, p99 ${latencies.p99.toFixed(1)} ms, max ${latencies.max.toFixed(1)} ms (${latencies.samples.length} frames)`,
      );
      expect(attack.sent).toBeGreaterThan(0);
      expect(peak - start).toBeLessThan(RSS_GROWTH_BOUND);
      expect(peak).toBeLessThan(RSS_CEILING);
      expect(latencies.p99).toBeLessThan(P99_BOUND_MS);
      expect(after.status).toBe(200);
      const counter = COUNTER[name];
      if (counter) expect(counter(after.body)).toBeGreaterThan(counter(before));
      // Serving afterwards: the device's next frame is acknowledged, and the attackers' memory is given back.
      await device.publishOne();
      await eventually(() => gateway.rssBytes() - start < RSS_GROWTH_BOUND, 10_000);
      let held = Number.POSITIVE_INFINITY;
      await eventually(() => {
        void gateway.healthz().then((health) => {
          held = health.body.inboundHeldBytes;
        });
        return held === 0;
      }, 10_000);
    }, 30_000);
  }

  it('logs each kind of refusal as a JSON line', () => {
    const messages = new Set(gateway.logs.map((line) => line.message));
    expect(messages).toContain('connection closed: too many bad messages in a row');
    expect(messages).toContain('connection closed: message not finished in time');
    expect(messages).toContain('connection closed: no complete request in time');
  });
});

describe('connection bounds of a gateway process', () => {
  it('closes the connection holding the most (1013) once all together hold maxInboundBytes', async () => {
    const gateway = await spawnGateway(dir, { maxInboundBytes: 1024 * 1024, incompleteMessageMs: 60_000 });
    deferCleanup(gateway.stop);
    // 20 connections each leave 200 KiB of a message unfinished: 4 MiB wanted, 1 MiB allowed.
    const attackers = await spawnAttackers('fragments', gateway.url, 20, 'budget');
    let health: Healthz | undefined;
    await eventually(() => {
      gateway.healthz().then(
        (answer) => {
          health = answer.body;
        },
        () => undefined,
      );
      return (health?.limits.inboundOverBudget ?? 0) > 0;
    }, 15_000);
    // The budget, plus what connections cut in that instant still hold until their sockets close
    // (a tick later): at most the budget and two messages being received.
    for (let i = 0; i < 5; i++) {
      health = (await gateway.healthz()).body;
      expect(health.inboundHeldBytes).toBeLessThanOrEqual(1024 * 1024 + 2 * (256 + 4) * 1024);
    }
    await attackers.stop();
    expect(gateway.logs.some((line) => line.message.startsWith('connection closed: inbound budget'))).toBe(true);
  }, 30_000);

  it('closes TCP connections past maxConnections on arrival, logs and counts them', async () => {
    const gateway = await spawnGateway(dir, { maxConnections: 20, headerTimeoutMs: 60_000 });
    deferCleanup(gateway.stop);
    const sockets = Array.from({ length: 30 }, () => connect(Number(new URL(gateway.url).port), '127.0.0.1'));
    const closedEarly = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<boolean>((resolve) => {
            socket.on('error', () => undefined);
            socket.once('close', () => resolve(true));
            setTimeout(() => resolve(false), 2000).unref();
          }),
      ),
    );
    expect(closedEarly.filter(Boolean).length).toBeGreaterThanOrEqual(10);
    for (const socket of sockets) socket.destroy();
    await eventually(() => gateway.logs.some((line) => line.message === 'connection refused: maxConnections open'));
    // The gateway may not have seen every destroyed socket close yet: until it has, it is still at
    // maxConnections and drops this request too.
    let health: Awaited<ReturnType<typeof gateway.healthz>> | undefined;
    const deadline = Date.now() + 10_000;
    while (health === undefined) {
      health = await gateway.healthz().catch((error: unknown) => {
        if (Date.now() > deadline) throw error;
        return undefined;
      });
      if (health === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(health.body.limits.connectionsOverMax).toBeGreaterThanOrEqual(10);
  }, 20_000);

  it('refuses a device its fifth connection and a user its thirty-third with 429', async () => {
    const gateway = await spawnGateway(dir);
    deferCleanup(gateway.stop);
    const upgrade = async (deviceId: string) => {
      const bearer = await token(deviceId);
      return new Promise<number>((resolve) => {
        const socket = connect(Number(new URL(gateway.url).port), '127.0.0.1');
        socket.on('error', () => resolve(0));
        socket.write(
          `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\n` +
            `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: media-sync.v2\r\nAuthorization: Bearer ${bearer}\r\n\r\n`,
        );
        socket.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('latin1').split(' ')[1])));
      });
    };
    const device = [];
    for (let i = 0; i < 5; i++) device.push(await upgrade('tv'));
    expect(device).toEqual([101, 101, 101, 101, 429]);
    const user = [];
    for (let i = 0; i < 29; i++) user.push(await upgrade(`device-${i}`));
    // 4 of the user's connections are the tv's; 28 more reach the cap of 32, the 29th is refused.
    expect(user.filter((status) => status === 101)).toHaveLength(28);
    expect(user[28]).toBe(429);
    const health = await gateway.healthz();
    expect(health.body.limits.connectionsOverDevice).toBe(1);
    expect(health.body.limits.connectionsOverUser).toBe(1);
  }, 20_000);
});

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
