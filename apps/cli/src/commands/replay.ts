import { existsSync } from 'node:fs';
import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, META_KEYS, type ReplayReport } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';

interface ReplayCommandOptions {
  db: string;
  url: string;
  token: string;
}

/** `media-sync replay --db FILE --url URL --token T`: drains a device's SQLite queue to a gateway. */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description("send a device's queued ops to a gateway, with a progress bar, and print the report")
    .requiredOption('--db <file>', 'the SQLite queue file of the device')
    .requiredOption('--url <url>', 'gateway URL, e.g. ws://127.0.0.1:8787')
    .requiredOption('--token <token>', 'device token from `media-sync token`')
    .action(async (options: ReplayCommandOptions) => {
      const report = await replayQueue(options);
      process.stdout.write(formatReport(report));
      if (report.stoppedBy !== 'drained') {
        throw new Error(
          `replay stopped (${report.stoppedBy})${report.error ? `: ${report.error.code} ${report.error.message}` : ''}`,
        );
      }
    });
}

/** The claims part of a gateway token (not verified: only the gateway holds the secret). */
export function readTokenClaims(token: string): { userId: string; deviceId: string; expiresAt: number } {
  try {
    const [body] = token.split('.');
    const claims = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as {
      u: unknown;
      d: unknown;
      exp: unknown;
    };
    if (typeof claims.u === 'string' && typeof claims.d === 'string' && typeof claims.exp === 'number') {
      return { userId: claims.u, deviceId: claims.d, expiresAt: claims.exp };
    }
  } catch {
    // Reported below as one clear error.
  }
  throw new Error('--token is not a media-sync gateway token (expected <claims>.<signature>)');
}

export async function replayQueue(options: ReplayCommandOptions): Promise<ReplayReport> {
  const claims = readTokenClaims(options.token);
  // Opening a missing path would create an empty queue and "drain" nothing: a mistyped --db.
  if (!existsSync(options.db)) throw new Error(`no queue database at ${options.db}`);
  const storage = createSqliteStorage({ path: options.db });
  const storedDevice = await storage.getMeta(META_KEYS.deviceId);
  if (storedDevice !== undefined && storedDevice !== claims.deviceId) {
    await storage.close();
    throw new Error(`${options.db} is the queue of device ${storedDevice}, the token is for device ${claims.deviceId}`);
  }
  const publisher = createWebSocketPublisher({ url: options.url, token: options.token });
  const queue = createQueue({ deviceId: claims.deviceId, userId: claims.userId, storage, publisher });
  // cli-progress draws only on a terminal; elsewhere the printed report says it all.
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { stream: process.stderr, format: 'replay [{bar}] {value}/{total} ops | {frames} frames', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  try {
    bar?.start(await queue.pending(), 0, { frames: 0 });
    // A manual replay is "sync now": rows still waiting out the backoff of a failed run go too.
    return await queue.replay({
      force: true,
      onProgress: (progress) =>
        bar?.update(progress.published + progress.coalesced + progress.expired + progress.deadLettered, {
          frames: progress.frames,
        }),
    });
  } finally {
    bar?.stop();
    await queue.close();
    await publisher.close();
    await storage.close();
  }
}

export function formatReport(report: ReplayReport): string {
  const rows: [string, string | number][] = [
    ['published', report.published],
    ['coalesced', report.coalesced],
    ['expired', report.expired],
    ['dead-lettered', report.deadLettered],
    ['pending', report.pending],
    ['frames', report.frames],
    ['bytes JSON (reference envelope)', report.bytes.bytesJson],
    ['bytes on the wire (self-contained frames)', report.bytes.bytesWire],
    ['wire / JSON', report.bytes.compressionRatio.toFixed(4)],
    ['duration ms', Math.round(report.durationMs)],
    ['stopped by', report.stoppedBy],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}
