import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createWebSocketPublisher, type WebSocketPublisher } from '@media-sync/publisher-websocket';
import { createQueue, META_KEYS, type ReplayReport, type ReplayStop } from '@media-sync/queue';
import { createSqliteStorage } from '@media-sync/storage-sqlite';
import { Presets, SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { decodeJwt } from 'jose';
import { CliError, EXIT, type ExitCode } from '../errors.js';
import { dbOption } from './queue.js';

export interface ReplayCommandOptions {
  readonly db: string;
  readonly url: string;
  readonly token: string;
  /** How long to wait for the gateway's first answer. Default 5 000 ms. */
  readonly connectTimeoutMs?: number;
}

/** The report of a replay run, with what the bytes it counts are. */
export interface ReplayResult extends ReplayReport {
  /** Frames sent encoded against the gateway's session context (smaller than self-contained ones). */
  readonly contextFrames: number;
}

/** `media-sync replay --db FILE --url URL --token T`: drains a device's SQLite queue to a gateway. */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description("send a device's queued ops to a gateway, with a progress bar, and print the report")
    .addOption(dbOption('the SQLite queue file of the device'))
    .addOption(
      new Option('--url <url>', 'gateway URL, e.g. ws://127.0.0.1:8787').env('MEDIA_SYNC_URL').makeOptionMandatory(),
    )
    .addOption(
      new Option(
        '--token <token>',
        'device token from `media-sync token`; prefer MEDIA_SYNC_TOKEN (a flag shows in ps)',
      )
        .env('MEDIA_SYNC_TOKEN')
        .makeOptionMandatory(),
    )
    .option('--timeout <ms>', "how long to wait for the gateway's first answer", milliseconds, 5000)
    .option('--json', 'print the report as JSON')
    .action(async (options: Omit<ReplayCommandOptions, 'connectTimeoutMs'> & { json?: boolean; timeout: number }) => {
      const result = await replayQueue({ ...options, connectTimeoutMs: options.timeout });
      process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
      const failure = replayFailure(result);
      if (failure) throw failure;
    });
}

function milliseconds(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new InvalidArgumentError(`expected a number of milliseconds, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** What a token says about itself, read without verifying it (only the gateway holds the secret). */
export interface TokenClaims {
  readonly userId: string;
  readonly deviceId: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** The claims of a gateway token, a JWT (`sub` user, `did` device, `exp` seconds), read with `jose.decodeJwt`. */
export function readTokenClaims(token: string): TokenClaims {
  try {
    const claims = decodeJwt(token);
    const deviceId = claims.did;
    if (typeof claims.sub === 'string' && typeof deviceId === 'string' && typeof claims.exp === 'number') {
      return { userId: claims.sub, deviceId, expiresAt: claims.exp * 1000 };
    }
  } catch {
    // Reported below as one clear error.
  }
  throw new CliError(
    'TOKEN_MISMATCH',
    '--token is not a media-sync gateway token (expected a JWT with sub, did and exp claims; make one with `media-sync token`)',
  );
}

function gatewayUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(
      'USAGE',
      `--url ${JSON.stringify(text)} is not a URL (expected ws://host:port or wss://host:port)`,
    );
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new CliError('USAGE', `--url ${text} must start with ws:// or wss://, not ${url.protocol}//`);
  }
  return url;
}

export async function replayQueue(options: ReplayCommandOptions): Promise<ReplayResult> {
  const claims = readTokenClaims(options.token);
  const url = gatewayUrl(options.url);
  const now = Date.now();
  if (claims.expiresAt <= now) {
    throw new CliError(
      'UNAUTHORIZED',
      `the token expired at ${new Date(claims.expiresAt).toISOString()} (${describeAge(now - claims.expiresAt)} ago); make a new one with \`media-sync token\``,
    );
  }
  // A missing or empty --db would otherwise become an empty queue that "drains" nothing.
  const storage = createSqliteStorage({ path: options.db, create: false });
  let publisher: WebSocketPublisher | undefined;
  try {
    const [storedDevice, storedUser] = await Promise.all([
      storage.getMeta(META_KEYS.deviceId),
      storage.getMeta(META_KEYS.userId),
    ]);
    if (storedDevice !== undefined && storedDevice !== claims.deviceId) {
      throw new CliError(
        'TOKEN_MISMATCH',
        `${options.db} is the queue of device ${storedDevice}, the token is for device ${claims.deviceId}`,
      );
    }
    // The gateway would refuse every op of another user (FORBIDDEN_USER) and the queue would
    // dead-letter them all: a wrong token, caught before anything is sent.
    if (storedUser !== undefined && storedUser !== claims.userId) {
      throw new CliError(
        'TOKEN_MISMATCH',
        `${options.db} is the queue of user ${storedUser}, the token is for user ${claims.userId}`,
      );
    }
    const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    // Nothing in the file changes until the gateway has answered: a run that cannot send
    // (unreachable, token refused) neither coalesces nor expires nor counts attempts.
    const live = await firstContact(
      () => createWebSocketPublisher({ url: options.url, token: options.token, connectTimeoutMs }),
      url,
      claims,
      connectTimeoutMs,
    );
    publisher = live;
    const queue = createQueue({ deviceId: claims.deviceId, userId: claims.userId, storage, publisher: live });
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
      const report = await queue.replay({
        force: true,
        onProgress: (progress) =>
          bar?.update(progress.published + progress.coalesced + progress.expired + progress.deadLettered, {
            frames: progress.frames,
          }),
      });
      return { ...report, contextFrames: live.stats().contextFrames };
    } finally {
      bar?.stop();
      await queue.close();
    }
  } finally {
    await publisher?.close();
    await storage.close();
  }
}

/**
 * Waits until the gateway has accepted the session (its HELLO). An HTTP request to the same
 * host first says fast what the OS already knows (no such host, refused, TLS mismatch, no
 * answer); at the deadline, a publisher that gave up on the token means the gateway refused it.
 */
async function firstContact(
  connect: () => WebSocketPublisher,
  url: URL,
  claims: TokenClaims,
  timeoutMs: number,
): Promise<WebSocketPublisher> {
  const started = Date.now();
  const reachability = await probeHttp(url, timeoutMs);
  if (!reachability.reachable) throw new CliError('UNREACHABLE', reachability.problem);
  if (reachability.storeProblem !== undefined) throw new CliError('UNREACHABLE', reachability.storeProblem);
  const publisher = connect();
  if (publisher.connectionState === 'online') return publisher;
  let stopListening = () => {};
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const online = await new Promise<boolean>((resolve) => {
      stopListening = publisher.onConnectionState((state) => {
        if (state === 'online') resolve(true);
      });
      timer = setTimeout(() => resolve(false), Math.max(0, timeoutMs - (Date.now() - started)));
    });
    if (online) return publisher;
  } finally {
    stopListening();
    clearTimeout(timer);
  }
  try {
    if (await tokenRefused(publisher)) {
      throw new CliError(
        'UNAUTHORIZED',
        `the gateway at ${url.href} refused the token: its signature does not verify with the gateway's secret ` +
          `(it is not expired: valid until ${new Date(claims.expiresAt).toISOString()})`,
      );
    }
    // A gateway whose store went away meanwhile cuts each connection before its HELLO: its
    // /healthz says so, which is worth more than a guess that it is no gateway at all.
    const again = await probeHttp(url, timeoutMs);
    if (again.reachable && again.storeProblem !== undefined) throw new CliError('UNREACHABLE', again.storeProblem);
    throw new CliError(
      'UNREACHABLE',
      `${url.host} answers HTTP, but no sync session opened within ${timeoutMs} ms (is it a media-sync gateway?)`,
    );
  } catch (error) {
    await publisher.close();
    throw error;
  }
}

/**
 * Whether the publisher has given up because the gateway refused its token. A publish with an
 * already-aborted signal sends nothing: it fails with UNAUTHORIZED when the token was refused,
 * else with ABORTED.
 */
async function tokenRefused(publisher: WebSocketPublisher): Promise<boolean> {
  try {
    await publisher.publish(undefined as never, { signal: AbortSignal.abort() });
    return false;
  } catch (error) {
    return (error as { code?: unknown }).code === 'UNAUTHORIZED';
  }
}

type Reachability =
  | {
      readonly reachable: true;
      /** Set when the gateway's /healthz says it cannot serve: its store is unreachable, or it is closing. */
      readonly storeProblem?: string;
    }
  | { readonly reachable: false; readonly problem: string };

/** Most bytes of a /healthz answer read: the gateway's is a few hundred. */
const MAX_HEALTH_BYTES = 64 * 1024;

/**
 * One HTTP GET of /healthz on the gateway's host and port: any answer means it is reachable; a
 * 503 from a media-sync gateway also says why it cannot serve now.
 */
function probeHttp(url: URL, timeoutMs: number): Promise<Reachability> {
  const target = new URL('/healthz', url);
  target.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  const get = url.protocol === 'wss:' ? httpsGet : httpGet;
  return new Promise((resolve) => {
    const request = get(target, { timeout: timeoutMs }, (response) => {
      if (response.statusCode !== 503) {
        response.resume();
        request.destroy();
        resolve({ reachable: true });
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= MAX_HEALTH_BYTES) chunks.push(chunk);
      });
      response.on('end', () => {
        const problem = unavailableGateway(url, Buffer.concat(chunks).toString('utf8'));
        resolve(problem === undefined ? { reachable: true } : { reachable: true, storeProblem: problem });
      });
      response.on('error', () => resolve({ reachable: true }));
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    request.on('error', (error) => resolve({ reachable: false, problem: describeConnectError(error, url, timeoutMs) }));
  });
}

/**
 * What a gateway's 503 /healthz body says, in words: `the gateway at h:p is up but cannot reach
 * its store (postgres: connect ECONNREFUSED …)`. Undefined for any other body.
 */
function unavailableGateway(url: URL, body: string): string | undefined {
  let health: { status?: unknown; store?: { kind?: unknown; error?: unknown } };
  try {
    health = JSON.parse(body) as typeof health;
  } catch {
    return undefined;
  }
  const later = 'nothing was sent and the queue is unchanged: run replay again later';
  if (health.status === 'closing') return `the gateway at ${url.host} is shutting down; ${later}`;
  if (health.status !== 'store unreachable') return undefined;
  const store = health.store ?? {};
  const kind = typeof store.kind === 'string' ? store.kind : 'store';
  const why = typeof store.error === 'string' ? `: ${store.error}` : '';
  return `the gateway at ${url.host} is up but cannot reach its store (${kind}${why}); ${later}`;
}

const TLS_CODE = /^(ERR_SSL|ERR_TLS|EPROTO|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_)/;

/** Says in words which way a connection failed: DNS, refused, TLS, timeout, or unreachable. */
export function describeConnectError(error: unknown, url: URL, timeoutMs: number): string {
  const cause = (error as { cause?: unknown } | null)?.cause ?? error;
  const code = String((cause as { code?: unknown } | null)?.code ?? '');
  const where = url.host;
  if (code === 'ETIMEDOUT') {
    return `no answer from ${where} within ${timeoutMs} ms (timeout)`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return `cannot resolve the host ${url.hostname} (DNS: ${code})`;
  }
  if (code === 'ECONNREFUSED') return `connection refused by ${where} (nothing listens on that port)`;
  if (TLS_CODE.test(code)) {
    return url.protocol === 'wss:'
      ? `TLS with ${where} failed (${code}): a plain ws:// gateway, or a certificate this machine does not trust`
      : `TLS mismatch with ${where} (${code})`;
  }
  if (url.protocol === 'ws:' && /^(HPE_|ECONNRESET)/.test(code)) {
    return `${where} did not answer plain HTTP (${code}): a wss:// gateway addressed as ws://?`;
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `no route to ${where} (${code})`;
  return `cannot connect to ${where}: ${code || (cause instanceof Error ? cause.message : String(cause))}`;
}

function describeAge(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/** The error a finished run ends the command with, or undefined when it did everything. */
export function replayFailure(report: ReplayReport): CliError | undefined {
  const stoppedBy = report.stoppedBy;
  const code = report.error?.code;
  const detail = report.error ? `: ${report.error.code} ${report.error.message}` : '';
  if (stoppedBy === 'unauthorized' || code === 'UNAUTHORIZED') {
    return new CliError('UNAUTHORIZED', `replay stopped (${stoppedBy})${detail}`);
  }
  if (stoppedBy !== 'drained') {
    const exitCode: ExitCode = TRANSIENT_STOPS.has(stoppedBy) ? EXIT.TRANSIENT : EXIT.USAGE;
    return new CliError('REPLAY_INCOMPLETE', `replay stopped (${stoppedBy})${detail}${leaseHolder(report)}`, {
      exitCode,
    });
  }
  if (report.deadLettered > 0) {
    return new CliError(
      'REPLAY_INCOMPLETE',
      `${report.deadLettered} ops were dead-lettered by this run (see \`media-sync status\` and \`media-sync dead-letters list\`)`,
    );
  }
  return undefined;
}

/** Run again later and it may succeed: the gateway was away, busy, or another replay held the file. */
const TRANSIENT_STOPS: ReadonlySet<ReplayStop> = new Set([
  'transientError',
  'backoff',
  'leaseHeld',
  'leaseLost',
  'aborted',
]);

/** Who holds the replay lease, when the queue knows: `held by pid 4242 on tv-box until …`. */
function leaseHolder(report: ReplayReport): string {
  const holder = report.leaseHolder;
  if (!holder) return '';
  const who =
    holder.pid === null ? holder.owner : `pid ${holder.pid}${holder.host === null ? '' : ` on ${holder.host}`}`;
  return ` (held by ${who} until ${new Date(holder.expiresAt).toISOString()})`;
}

export function formatReport(result: ReplayResult): string {
  const sent =
    result.frames === 0
      ? 'bytes sent'
      : result.contextFrames === 0
        ? 'bytes sent (self-contained frames)'
        : result.contextFrames === result.frames
          ? 'bytes sent (frames with session context)'
          : `bytes sent (${result.contextFrames} of ${result.frames} frames with session context)`;
  const rows: [string, string | number][] = [
    ['published', result.published],
    ['coalesced', result.coalesced],
    ['expired', result.expired],
    ['dead-lettered', result.deadLettered],
    ['pending', result.pending],
    ['frames', result.frames],
    ['bytes JSON (reference envelope)', result.bytes.bytesJson],
    [sent, result.bytes.bytesWire],
    ['sent / JSON', result.bytes.compressionRatio.toFixed(4)],
    ['duration ms', Math.round(result.durationMs)],
    ['stopped by', result.stoppedBy],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}
