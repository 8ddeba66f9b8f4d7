import type { SyncServerOptions } from '@media-sync/sync-server';
import { type Command, InvalidArgumentError, Option } from 'commander';

/**
 * One setting of `serve`, given as a flag or as an environment variable; a flag wins over the
 * environment, the environment over the default. The README's configuration table and the
 * deployment files are checked against this list.
 */
export interface ServeSetting {
  /** Commander flag, e.g. `--max-connections <n>`. */
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  /** Shown in help and the README; undefined when the gateway's own default applies. */
  readonly defaultValue?: string | number;
  readonly parse?: (text: string) => number | string;
}

/** A limit of `startSyncServer` a deployment sets from its environment. */
interface LimitSetting extends ServeSetting {
  /** The `startSyncServer` option it sets; `limits.X` for a decode limit. */
  readonly option: string;
}

export const SERVE_SETTINGS: readonly ServeSetting[] = [
  {
    flag: '--port <port>',
    env: 'PORT',
    description: 'TCP port, 0 for any free one',
    defaultValue: 8787,
    parse: parsePort,
  },
  { flag: '--host <host>', env: 'HOST', description: 'interface to listen on', defaultValue: '127.0.0.1' },
  {
    flag: '--db <file>',
    env: 'MEDIA_SYNC_GATEWAY_DB',
    description: 'SQLite file of the gateway state',
    defaultValue: 'media-sync-gateway.db',
  },
  {
    flag: '--synchronous <mode>',
    env: 'MEDIA_SYNC_SQLITE_SYNCHRONOUS',
    description: 'SQLite sync: full (an ACK survives a power cut) or normal (survives a crash)',
    defaultValue: 'full',
    parse: parseSynchronous,
  },
  {
    flag: '--log-level <level>',
    env: 'MEDIA_SYNC_LOG_LEVEL',
    description: 'fatal, error, warn, info, debug or silent',
    defaultValue: 'info',
    parse: parseLogLevel,
  },
  {
    flag: '--store <url>',
    env: 'MEDIA_SYNC_STORE',
    description: 'the gateway state: postgres://user@host:5432/db[?schema=NAME] (shared by instances), else --db',
  },
  {
    flag: '--fanout <url>',
    env: 'MEDIA_SYNC_FANOUT',
    description: 'NATS server (nats://host:4222) of the instances that share one store; none: one instance',
  },
  {
    flag: '--fanout-subject-prefix <prefix>',
    env: 'MEDIA_SYNC_FANOUT_SUBJECT_PREFIX',
    description: 'first subject tokens of the fan-out, one per population of instances (default media-sync.gateway)',
  },
];

/**
 * The gateway's bounds (README, limits) as flags and environment variables: `maxConnections`
 * is `--max-connections` and `MEDIA_SYNC_MAX_CONNECTIONS`; a decode limit `limits.maxOps` is
 * `--max-ops` and `MEDIA_SYNC_MAX_OPS`.
 */
export const LIMIT_SETTINGS: readonly LimitSetting[] = (
  [
    ['maxConnections', 'open TCP connections in all (keep under ulimit -n)'],
    ['maxConnectionsPerUser', 'WebSocket connections of one user'],
    ['maxConnectionsPerDevice', 'WebSocket connections of one device'],
    ['maxCachedUsers', 'merged user states kept in memory'],
    ['maxInboundBytes', 'inbound bytes held for all connections together'],
    ['maxOutboundBytes', 'outbound bytes queued for one connection'],
    ['maxTotalOutboundBytes', 'outbound bytes queued for all connections together'],
    ['maxErrorsInRow', 'ERROR replies in a row before a connection is closed'],
    ['opsPerSecond', 'ops per second one device may send'],
    ['opsBurst', 'ops one device may send in a burst'],
    ['maxStoredBytesPerDevice', 'bytes of log and commands one device may have stored'],
    ['cpuMsPerSecond', 'event-loop milliseconds one connection earns per second'],
    ['cpuBurstMs', 'event-loop milliseconds one connection may save up'],
    ['headerTimeoutMs', 'milliseconds to send a whole upgrade request'],
    ['incompleteMessageMs', 'milliseconds to finish a message once begun'],
    ['heartbeatMs', 'ping period; a connection that missed a pong is cut'],
    ['maxDriftMs', 'an op whose clock runs further ahead is rejected (CLOCK_DRIFT)'],
    ['snapshotEvery', 'a replica snapshot after this many logged ops'],
    ['maxAckRanges', 'rejected seq ranges one ACK lists'],
    ['limits.maxFrameBytes', 'largest frame, in bytes'],
    ['limits.maxOps', 'ops in one frame'],
    ['limits.maxBodyBytes', 'largest uncompressed frame body, in bytes'],
  ] as const
).map(([option, description]) => {
  const name = option.replace(/^limits\./, '');
  const kebab = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return {
    option,
    flag: `--${kebab} <n>`,
    env: `MEDIA_SYNC_${kebab.replace(/-/g, '_').toUpperCase()}`,
    description,
    parse: parseCount,
  };
});

/** Adds every setting of the two tables to `command` as an option that also reads its variable. */
export function addServeSettings(command: Command): Command {
  for (const setting of [...SERVE_SETTINGS, ...LIMIT_SETTINGS]) {
    const option = new Option(setting.flag, setting.description).env(setting.env);
    if (setting.parse) option.argParser(setting.parse);
    if (setting.defaultValue !== undefined) option.default(setting.defaultValue);
    command.addOption(option);
  }
  return command;
}

/** The limit options of `startSyncServer` that were given (as flags or in the environment). */
export function limitOptionsFrom(parsed: Record<string, unknown>): Partial<SyncServerOptions> {
  const options: Record<string, unknown> = {};
  const decode: Record<string, number> = {};
  for (const setting of LIMIT_SETTINGS) {
    const key = setting.option.replace(/^limits\./, '');
    const value = parsed[key];
    if (value === undefined) continue;
    if (setting.option.startsWith('limits.')) decode[key] = value as number;
    else options[key] = value;
  }
  if (Object.keys(decode).length > 0) options.limits = decode;
  return options as Partial<SyncServerOptions>;
}

export function parsePort(text: string): number {
  const port = Number(text);
  if (text.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`expected a port 0-65535, got ${JSON.stringify(text)}`);
  }
  return port;
}

function parseCount(text: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`expected a whole number, got ${JSON.stringify(text)}`);
  }
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseLogLevel(text: string): string {
  if (!LOG_LEVELS.includes(text)) {
    throw new InvalidArgumentError(`expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(text)}`);
  }
  return text;
}

function parseSynchronous(text: string): string {
  if (text !== 'full' && text !== 'normal') {
    throw new InvalidArgumentError(`expected full or normal, got ${JSON.stringify(text)}`);
  }
  return text;
}
