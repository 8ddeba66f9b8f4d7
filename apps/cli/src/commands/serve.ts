import { readFileSync } from 'node:fs';
import { parseSecrets, startSyncServer, type TokenKey } from '@media-sync/sync-server';
import type { Command } from 'commander';
import pino from 'pino';
import { registerBenchGatewayCommand } from './bench-gateway.js';
import { registerDemoCommand } from './demo.js';
import { registerReplayCommand } from './replay.js';
import { addServeSettings, limitOptionsFrom } from './serve-config.js';
import { registerTokenCommand } from './token.js';

interface ServeOptions {
  port: number;
  host: string;
  db: string;
  logLevel: string;
  synchronous: 'full' | 'normal';
  secret?: string;
  secretFile?: string;
  store?: string;
  fanout?: string;
  fanoutSubjectPrefix?: string;
}

export interface SecretOptions {
  secret?: string;
  secretFile?: string;
}

/**
 * The token keys from `--secret-file`, else `--secret`, else `MEDIA_SYNC_SECRET`: one secret, or
 * `<kid> <secret>` lines for rotation. A flag shows in `ps`, so the file or the environment is
 * what to use; help output never shows the secret.
 */
export function readSecrets(options: SecretOptions): TokenKey[] {
  if (options.secretFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.secretFile, 'utf8');
    } catch (error) {
      throw new Error(`cannot read --secret-file ${options.secretFile}: ${(error as Error).message}`);
    }
    return parseSecrets(text);
  }
  if (options.secret !== undefined) {
    process.stderr.write('media-sync: warning: --secret shows in `ps`; use MEDIA_SYNC_SECRET or --secret-file\n');
    return parseSecrets(options.secret);
  }
  const fromEnv = process.env.MEDIA_SYNC_SECRET;
  if (fromEnv === undefined || fromEnv.trim() === '') {
    throw new Error('no token secret: set MEDIA_SYNC_SECRET or pass --secret-file FILE');
  }
  return parseSecrets(fromEnv);
}

/** `media-sync serve`: runs the reference gateway until SIGINT/SIGTERM, then shuts down cleanly. */
export function registerServeCommand(program: Command): void {
  const serve = program.command('serve').description('run the sync gateway (WebSocket, JWT tokens, SQLite state)');
  addServeSettings(serve)
    .option(
      '--secret-file <file>',
      'file holding the token secret, or "<kid> <secret>" lines (default: MEDIA_SYNC_SECRET)',
    )
    .option('--secret <secret>', 'the token secret (visible in ps: prefer MEDIA_SYNC_SECRET or --secret-file)')
    .action(async (options: ServeOptions & Record<string, unknown>, command: Command) => {
      warnOfPasswordsInFlags(command, options);
      const logger = gatewayLogger(options.logLevel);
      const server = await startSyncServer({
        port: options.port,
        host: options.host,
        dbPath: options.db,
        synchronous: options.synchronous,
        secret: readSecrets(options),
        logger,
        ...limitOptionsFrom(options),
        ...(options.store ? { store: options.store } : {}),
        ...(options.fanout ? { fanout: options.fanout } : {}),
        ...(options.fanoutSubjectPrefix ? { fanoutSubjectPrefix: options.fanoutSubjectPrefix } : {}),
      });
      // The first stdout line is the URL, so scripts (and tests) can wait for it.
      process.stdout.write(`${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await server.close();
      logger.flush();
    });
}

/**
 * A password (or NATS token) in the URL of `--store` or `--fanout` shows in `ps` like `--secret` does: the same
 * warning, naming the variable that keeps it out of sight.
 */
function warnOfPasswordsInFlags(command: Command, options: ServeOptions): void {
  for (const [name, variable] of [
    ['store', 'MEDIA_SYNC_STORE'],
    ['fanout', 'MEDIA_SYNC_FANOUT'],
  ] as const) {
    const value = options[name];
    if (value === undefined || command.getOptionValueSource(name) !== 'cli') continue;
    // NATS takes a bare token as the user part (`nats://TOKEN@host`); PostgreSQL a user name.
    if (value.split(',').some((url) => hasPassword(url.trim(), name === 'fanout'))) {
      process.stderr.write(`media-sync: warning: the password in --${name} shows in \`ps\`; use ${variable}\n`);
    }
  }
}

function hasPassword(url: string, userIsSecret: boolean): boolean {
  try {
    const parsed = new URL(url);
    return parsed.password !== '' || (userIsSecret && parsed.username !== '');
  } catch {
    return false;
  }
}

/**
 * pino writing JSON lines to stderr (stdout carries the URL line): synchronously, so the last
 * lines before an exit are not lost. Paths that could ever hold a credential are censored.
 */
function gatewayLogger(level: string) {
  return pino(
    {
      level,
      base: { pid: process.pid, service: 'media-sync-gateway' },
      redact: {
        paths: ['token', 'secret', 'authorization', '*.token', '*.secret', '*.authorization'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 2, sync: true }),
  );
}

/** Registers the gateway's commands: `serve`, `token`, `replay`, `demo` and `bench gateway`. */
export function registerGatewayCommands(program: Command): void {
  registerServeCommand(program);
  registerTokenCommand(program);
  registerReplayCommand(program);
  registerDemoCommand(program);
  const bench = program.commands.find((command) => command.name() === 'bench');
  if (bench) registerBenchGatewayCommand(bench);
}
