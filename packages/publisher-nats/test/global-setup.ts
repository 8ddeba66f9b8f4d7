import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { type BrokerProbe, findBroker } from '@media-sync/publisher-conformance';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    nats: BrokerProbe;
    /** A second NATS server that requires a password, for the refused-credentials case; undefined without the binary. */
    natsWithPassword: { readonly host: string; readonly port: number } | undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts `nats-server` with a user and password on a free port; resolves once it listens. */
async function startPasswordServer(): Promise<{ child: ChildProcess; port: number } | undefined> {
  const port = await freePort();
  const child = spawn(
    process.env['NATS_SERVER_BIN'] ?? 'nats-server',
    ['-a', '127.0.0.1', '-p', String(port), '--user', 'media-sync', '--pass', 'right-password'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const started = await new Promise<boolean>((resolve) => {
    child.once('error', () => resolve(false));
    child.stderr?.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('Server is ready')) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
  return started ? { child, port } : undefined;
}

// Finds NATS once per run: NATS_URL, else 127.0.0.1:4222. Missing: a loud skip, or a failure under CI.
export default async function setup(project: TestProject): Promise<() => void> {
  const nats = await findBroker({ name: 'NATS', envVar: 'NATS_URL', defaultPort: 4222 });
  project.provide('nats', nats);
  const withPassword = nats.endpoint ? await startPasswordServer() : undefined;
  if (nats.endpoint && !withPassword)
    console.warn('!! nats-server could not be started: the refused-credentials case is skipped');
  project.provide('natsWithPassword', withPassword ? { host: '127.0.0.1', port: withPassword.port } : undefined);
  return () => withPassword?.child.kill();
}
