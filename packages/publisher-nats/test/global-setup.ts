import { type BrokerProbe, findBroker, freePort, spawnBroker } from '@media-sync/publisher-conformance';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    nats: BrokerProbe;
    /** A second NATS server that requires a password, for the refused-credentials case; undefined without the binary. */
    natsWithPassword: { readonly host: string; readonly port: number } | undefined;
  }
}

/** Starts `nats-server` with a user and password on a free port; resolves once it listens. */
async function startPasswordServer() {
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '--user', 'media-sync', '--pass', 'right-password'];
  const child = await spawnBroker({ command: process.env['NATS_SERVER_BIN'] ?? 'nats-server', args, port });
  return child ? { child, port } : undefined;
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
