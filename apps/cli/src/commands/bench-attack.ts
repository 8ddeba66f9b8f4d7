import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Codec, createCodec } from '@media-sync/codec';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import type { OutgoingFrame } from '@media-sync/queue';
import { createToken, startSyncServer } from '@media-sync/sync-server';
import { progressOp } from '@media-sync/sync-server/hostile-clients';

/** A legitimate device's ACK latency with and without hostile clients attacking the gateway. */
export interface AttackBenchRow {
  readonly setting: string;
  readonly frames: number;
  readonly ackMsP50: number;
  readonly ackMsP99: number;
}

export interface AttackBenchOptions {
  /** Hostile clients, split over every attack of SPEC §12. Default 50. */
  readonly attackers?: number;
  /** How long each setting is measured. Default 5 000 ms. */
  readonly durationMs?: number;
  readonly codec?: Codec;
  readonly progress?: (line: string) => void;
}

/**
 * One gateway (SQLite, defaults) and one device publishing a one-op frame every 20 ms, timed
 * until each ACK: first alone, then while `attackers` hostile clients in another process flood
 * without reading, amplify ACKs, send decompression bombs, leave messages unfinished, never
 * finish their headers and hold expiring tokens.
 */
export async function benchGatewayUnderAttack(options: AttackBenchOptions = {}): Promise<AttackBenchRow[]> {
  const attackers = options.attackers ?? 50;
  const durationMs = options.durationMs ?? 5000;
  const codec = options.codec ?? (await createCodec());
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-bench-attack-'));
  const secret = randomBytes(32).toString('base64url');
  const server = await startSyncServer({ secret, dbPath: join(dir, 'gateway.db'), codec });
  const userId = 'bench-user';
  const deviceId = 'bench-tv';
  const publisher = createWebSocketPublisher({
    url: server.url,
    token: await createToken({ secret, userId, deviceId }),
    codec,
  });
  let seq = 0;
  const measure = async (): Promise<number[]> => {
    const samples: number[] = [];
    const end = performance.now() + durationMs;
    while (performance.now() < end) {
      seq += 1;
      const started = performance.now();
      await publisher.publish(frameOf(codec, userId, deviceId, seq));
      samples.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return samples;
  };
  try {
    options.progress?.('bench gateway under attack: no attackers');
    const quiet = await measure();
    options.progress?.(`bench gateway under attack: ${attackers} hostile clients`);
    const stop = await spawnAttackers(server.url, secret, attackers);
    let attacked: number[];
    try {
      attacked = await measure();
    } finally {
      await stop();
    }
    return [
      row('no attackers', quiet),
      row(
        `${attackers} hostile clients (flood, amplification, bombs, fragments, slow headers, expired tokens)`,
        attacked,
      ),
    ];
  } finally {
    await publisher.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatAttackBench(rows: readonly AttackBenchRow[]): string {
  const lines = [
    'a legitimate device publishing a one-op frame every 20 ms: its ACK latency',
    '',
    '| setting | frames | ACK p50 ms | ACK p99 ms |',
    '|---|---:|---:|---:|',
    ...rows.map(
      (row) => `| ${row.setting} | ${row.frames} | ${row.ackMsP50.toFixed(1)} | ${row.ackMsP99.toFixed(1)} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function row(setting: string, samples: number[]): AttackBenchRow {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { setting, frames: samples.length, ackMsP50: at(0.5), ackMsP99: at(0.99) };
}

function frameOf(codec: Codec, userId: string, deviceId: string, seq: number): OutgoingFrame {
  const entry = progressOp(userId, deviceId, seq, Date.now() - 1000);
  let encoded: ReturnType<Codec['encodeFrame']> | undefined;
  return {
    deviceId,
    userId,
    firstSeq: seq,
    lastSeq: seq,
    ops: [entry],
    skipped: [],
    selfContained() {
      encoded ??= codec.encodeFrame(deviceId, [entry]);
      return encoded;
    },
  };
}

/** Starts the attackers in a child process; resolves with a function that stops them. */
async function spawnAttackers(url: string, secret: string, clients: number): Promise<() => Promise<void>> {
  const built = fileURLToPath(new URL('./bench-attackers.js', import.meta.url));
  const script = existsSync(built) ? built : fileURLToPath(new URL('./bench-attackers.ts', import.meta.url));
  const args = script.endsWith('.ts') ? ['--conditions=@media-sync/source', '--import', 'tsx', script] : [script];
  const child = spawn(process.execPath, [...args, url, secret, String(clients)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('started')) resolve();
    });
    void exited.then(() => reject(new Error(`the attackers exited before starting: ${err}`)));
  });
  return async () => {
    child.kill('SIGTERM');
    await exited;
  };
}
