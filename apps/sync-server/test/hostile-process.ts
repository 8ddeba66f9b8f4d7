import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import type { AttackName } from '../src/hostile-clients.js';
import { deferCleanup, outgoing, progressOps, SECRET, USER } from './helpers.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/limits-gateway.ts', import.meta.url));
const ATTACKERS = fileURLToPath(new URL('./fixtures/attackers.ts', import.meta.url));

/** A gateway in a child process, as `serve` runs it, with its log lines and memory in view. */
export interface GatewayProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  /** Every JSON log line the gateway wrote so far. */
  readonly logs: { level: string; message: string; [field: string]: unknown }[];
  /** The gateway's `/healthz` answer (status code and body). */
  healthz(): Promise<{ status: number; body: Healthz }>;
  /** Resident set size of the gateway process now, in bytes (Linux /proc). */
  rssBytes(): number;
  /** SIGKILLs the process (the caller decides when: after its test, or after all of them). */
  stop(): Promise<void>;
}

export interface Healthz {
  readonly status: string;
  readonly connections: number;
  readonly rssBytes: number;
  readonly inboundHeldBytes: number;
  readonly outboundQueuedBytes: number;
  readonly tokensExpired: number;
  readonly limits: Record<string, number>;
}

export async function spawnGateway(dir: string, options: Record<string, unknown> = {}): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@media-sync/source',
      '--import',
      'tsx',
      FIXTURE,
      join(dir, `gateway-${Date.now()}.db`),
      SECRET,
      JSON.stringify(options),
    ],
    { stdio: 'pipe' },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const logs: GatewayProcess['logs'] = [];
  let partial = '';
  child.stderr.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ level: 'raw', message: line });
      }
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(line.trim());
    });
    child.on('exit', (code) =>
      reject(new Error(`gateway exited (${code}) before listening: ${logs.map((l) => l.message).join('; ')}`)),
    );
  });
  const http = url.replace(/^ws/, 'http');
  return {
    child,
    url,
    logs,
    async healthz() {
      const response = await fetch(`${http}/healthz`);
      return { status: response.status, body: (await response.json()) as Healthz };
    },
    rssBytes() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      return kib * 1024;
    },
    stop,
  };
}

/**
 * `clients` attackers of one kind in a child process (their busy loops would otherwise slow the
 * test's own legitimate device); `stop` ends them and says what they got onto the wire.
 */
export async function spawnAttackers(
  name: AttackName,
  url: string,
  clients: number,
  userPrefix: string,
): Promise<{ stop(): Promise<{ sent: number; connections: number }> }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@media-sync/source', '--import', 'tsx', ATTACKERS, name, url, SECRET, String(clients), userPrefix],
    { stdio: 'pipe' },
  );
  deferCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.startsWith('started\n')) resolve();
    });
    void exited.then(() => reject(new Error(`attackers exited before starting: ${err}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const last = out.trim().split('\n').pop() ?? '{}';
      return JSON.parse(last) as { sent: number; connections: number };
    },
  };
}

/** Samples the gateway's RSS every 100 ms until stopped; resolves with the peak. */
export function watchRss(gateway: GatewayProcess): { stop(): number } {
  let peak = gateway.rssBytes();
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, gateway.rssBytes());
    } catch {
      // The process is gone; the test will say so.
    }
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

export interface Latencies {
  readonly samples: number[];
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * A legitimate device (the real publisher) that publishes a 1-op frame every 50 ms and times
 * each until its ACK, while `during` runs.
 */
export async function legitimateDevice(url: string, deviceId: string, token: string) {
  const publisher = createWebSocketPublisher({ url, token, ackTimeoutMs: 30_000 });
  deferCleanup(() => publisher.close());
  let seq = 0;
  const publishOne = async (): Promise<number> => {
    seq += 1;
    const frame = await outgoing(progressOps(deviceId, seq, 1));
    const started = performance.now();
    const ack = await publisher.publish(frame);
    if (ack.rejected.length > 0) throw new Error(`legitimate frame rejected: ${JSON.stringify(ack.rejected)}`);
    return performance.now() - started;
  };
  await publishOne();
  return {
    publishOne,
    /** Publishes every 50 ms until `until` resolves; the ACK latencies in ms. */
    async measure(until: Promise<unknown>): Promise<Latencies> {
      const samples: number[] = [];
      let done = false;
      void until.then(() => {
        done = true;
      });
      while (!done) {
        samples.push(await publishOne());
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return summarize(samples);
    },
  };
}

export function summarize(samples: number[]): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { samples, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

export { USER };
