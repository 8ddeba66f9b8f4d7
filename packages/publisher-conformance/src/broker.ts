import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import type { Endpoint } from './proxy.js';

/** What a broker test's `globalSetup` provides: where the broker is, or why it is missing. */
export interface BrokerProbe {
  readonly endpoint: Endpoint | undefined;
  /** Set when the broker could not be reached: the suite skips with this reason. */
  readonly missing: string | undefined;
}

export interface FindBrokerOptions {
  /** Shown in the messages, e.g. `Redis`. */
  readonly name: string;
  /** Environment variable holding the broker's URL, e.g. `REDIS_URL` = `redis://127.0.0.1:6379`. */
  readonly envVar: string;
  readonly defaultPort: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

function reachable(endpoint: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(endpoint);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Finds the broker for a test run (the env URL, else the default local port). A missing broker
 * is said loudly and skips the suite, unless `CI` is set: then it throws and the run fails.
 */
export async function findBroker(options: FindBrokerOptions): Promise<BrokerProbe> {
  const env = options.env ?? process.env;
  const configured = env[options.envVar];
  const url = configured ? new URL(configured) : undefined;
  const endpoint: Endpoint = {
    host: url?.hostname || '127.0.0.1',
    port: url?.port ? Number(url.port) : options.defaultPort,
  };
  if (await reachable(endpoint, options.timeoutMs ?? 2_000)) return { endpoint, missing: undefined };
  const missing = `${options.name} is not reachable at ${endpoint.host}:${endpoint.port} (set ${options.envVar})`;
  if (env['CI']) throw new Error(`${missing}; CI is set, so a missing broker fails the run`);
  const line = '!'.repeat(100);
  console.warn(`\n${line}\n!! SKIPPING the ${options.name} tests: ${missing}\n${line}\n`);
  return { endpoint: undefined, missing };
}

/** A TCP port on 127.0.0.1 that nothing listens on (for a broker process a test starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface SpawnBrokerOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** The port the broker was told to listen on, 127.0.0.1. */
  readonly port: number;
  /** How long it may take to listen. Default 5 000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Starts a broker process (a second server with other settings, e.g. one that refuses every
 * password) and resolves once it accepts connections on `port`; undefined when the binary is
 * missing, exits, or does not listen in time (then it is killed). The caller kills it after the run.
 */
export async function spawnBroker(options: SpawnBrokerOptions): Promise<ChildProcess | undefined> {
  const child = spawn(options.command, [...options.args], { stdio: 'ignore' });
  let exited = false;
  child.once('error', () => {
    exited = true;
  });
  child.once('exit', () => {
    exited = true;
  });
  const endpoint = { host: '127.0.0.1', port: options.port };
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  while (!exited && Date.now() < deadline) {
    if (await reachable(endpoint, 500)) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  return undefined;
}
