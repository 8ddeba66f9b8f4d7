import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createToken } from '@media-sync/sync-server';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parse } from 'yaml';
import { cli, later, tempDir } from './helpers.js';
import { freePort, spawnServe } from './serve-process.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPLOY = join(ROOT, 'apps/sync-server/deploy');

/** Dockerfile instructions in order, continuation lines joined; comments dropped. */
function dockerfileInstructions(text: string): { instruction: string; args: string }[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      return { instruction: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** The stage that runs: instructions after the last FROM. */
function finalStage(text: string) {
  const all = dockerfileInstructions(text);
  const lastFrom = all.map((entry) => entry.instruction).lastIndexOf('FROM');
  const stage = all.slice(lastFrom);
  const one = (instruction: string) => stage.filter((entry) => entry.instruction === instruction).at(-1)?.args;
  const env: Record<string, string> = {};
  for (const entry of stage.filter((e) => e.instruction === 'ENV')) {
    for (const pair of entry.args.matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[pair[1] as string] = pair[2] as string;
  }
  return {
    env,
    expose: (one('EXPOSE') ?? '').split(/\s+/).filter(Boolean),
    entrypoint: JSON.parse(one('ENTRYPOINT') ?? '[]') as string[],
    cmd: JSON.parse(one('CMD') ?? '[]') as string[],
    user: one('USER'),
  };
}

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  build?: { context: string; dockerfile: string };
}

function compose(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true });
}

/** Every variable `serve` reads: the `env:` names its help prints, and the secret. */
async function variablesServeReads(): Promise<Set<string>> {
  const help = (await cli(['serve', '--help'])).stdout;
  const names = [...help.replace(/\n\s+/g, ' ').matchAll(/env: ([A-Z_][A-Z0-9_]*)/g)].map(
    (match) => match[1] as string,
  );
  expect(help).toContain('MEDIA_SYNC_SECRET');
  return new Set([...names, 'MEDIA_SYNC_SECRET']);
}

/** Variables the compose file sets for options of the multi-instance design that `serve` may not have yet. */
const MULTI_INSTANCE = ['MEDIA_SYNC_STORE', 'MEDIA_SYNC_FANOUT'];

describe('deployment files', () => {
  it('the Dockerfile and the compose file agree with the code: port, command, variables, services', async () => {
    const image = finalStage(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'));
    const { services } = compose();
    const reads = await variablesServeReads();
    // The image runs the CLI's bin (the one package.json declares) with `serve`, as user node.
    const bin = JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')).bin['media-sync'];
    expect(image.entrypoint).toEqual(['node', `apps/cli/${bin.replace(/^\.\//, '')}`]);
    expect(readFileSync(join(ROOT, 'apps/cli', bin), 'utf8')).toContain("from '../dist/main.js'");
    expect(image.cmd).toEqual(['serve']);
    expect(image.user).toBe('node');
    expect(image.expose).toEqual([image.env.PORT]);
    expect(image.env.HOST).toBe('0.0.0.0');
    for (const name of Object.keys(image.env).filter((key) => key !== 'NODE_ENV')) expect(reads, name).toContain(name);

    const gateways = Object.entries(services).filter(([name]) => name.startsWith('gateway-'));
    expect(gateways).toHaveLength(3);
    const hostPorts = new Set<string>();
    for (const [name, service] of gateways) {
      expect(service.build?.dockerfile, name).toBe('apps/sync-server/deploy/Dockerfile');
      expect(join(DEPLOY, service.build?.context ?? '')).toBe(ROOT.replace(/\/$/, ''));
      expect(service.command, name).toEqual(image.cmd);
      const env = service.environment ?? {};
      for (const variable of Object.keys(env)) {
        expect(reads.has(variable) || MULTI_INSTANCE.includes(variable), `${name} sets ${variable}`).toBe(true);
      }
      expect(env.MEDIA_SYNC_SECRET).toMatch(/^\$\{MEDIA_SYNC_SECRET:\?/);
      // Published as host:container, the container side being the port the gateway listens on.
      const [host, container] = (service.ports?.[0] ?? '').split(':');
      expect(container).toBe(env.PORT);
      expect(container).toBe(image.expose[0]);
      hostPorts.add(host as string);
      // The store and the fan-out point at the services of this file, on their ports.
      const store = new URL(env.MEDIA_SYNC_STORE ?? '');
      expect([store.protocol, store.hostname, store.port]).toEqual(['postgres:', 'postgres', '5432']);
      expect(store.username).toBe(services.postgres?.environment?.POSTGRES_USER);
      expect(store.pathname).toBe(`/${services.postgres?.environment?.POSTGRES_DB}`);
      const fanout = new URL(env.MEDIA_SYNC_FANOUT ?? '');
      expect([fanout.protocol, fanout.hostname, fanout.port]).toEqual(['nats:', 'nats', '4222']);
    }
    expect(hostPorts.size).toBe(3);
    expect(services.nats?.command).toContain('--jetstream');
  }, 60_000);

  it("runs the compose file's gateway command with its environment, without containers", async () => {
    const image = finalStage(readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8'));
    const service = compose().services['gateway-1'] as ComposeService;
    const reads = await variablesServeReads();
    const secret = 'deployment-test-secret-7d1e';
    const dir = tempDir();
    // The image's environment, then the service's, as the container gets them, with what only a
    // container has replaced: the secret the operator passes, a free port (8787 may be taken
    // here), the data volume, and the multi-instance services `serve` does not read yet.
    const env: Record<string, string> = { ...image.env, ...service.environment };
    env.MEDIA_SYNC_SECRET = secret;
    env.PORT = String(await freePort());
    env.HOST = '127.0.0.1';
    env.MEDIA_SYNC_GATEWAY_DB = join(dir, 'gateway.db');
    for (const name of MULTI_INSTANCE) if (!reads.has(name)) delete env[name];
    // The compose file's PostgreSQL and NATS services are the ones on this machine, with a schema
    // and a subject prefix of this run.
    if (env.MEDIA_SYNC_STORE !== undefined) {
      const schema = `media_sync_deploy_${process.pid}_${Date.now()}`;
      const postgres = process.env.POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test';
      env.MEDIA_SYNC_STORE = `${postgres}${postgres.includes('?') ? '&' : '?'}schema=${schema}`;
      later(async () => {
        const client = new pg.Client({ connectionString: postgres });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      });
    }
    if (env.MEDIA_SYNC_FANOUT !== undefined) {
      env.MEDIA_SYNC_FANOUT = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
      env.MEDIA_SYNC_FANOUT_SUBJECT_PREFIX = `media-sync.test.deploy${process.pid}`;
    }
    const args = [...image.entrypoint.slice(2), ...(service.command ?? image.cmd)];
    expect(args[0]).toBe('serve');
    const served = spawnServe(args.slice(1), env);
    const url = await served.url;
    expect(url).toBe(`ws://127.0.0.1:${env.PORT}`);
    const http = url.replace('ws:', 'http:');
    expect((await fetch(`${http}/healthz`)).status).toBe(200);
    const token = await createToken({ secret, userId: 'u', deviceId: 'tv' });
    const socket = new WebSocket(url, ['media-sync.v2'], { headers: { authorization: `Bearer ${token}` } });
    later(() => socket.terminate());
    await new Promise((resolve, reject) => {
      socket.once('message', resolve);
      socket.once('error', reject);
    });
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(metrics).toMatch(/^media_sync_connections_open 1$/m);
    socket.close();
    served.child.kill('SIGTERM');
    const { code, stderr } = await served.exited;
    expect(code).toBe(0);
    expect(stderr).not.toContain(secret);
    expect(
      stderr
        .trim()
        .split('\n')
        .every((line) => JSON.parse(line).service === 'media-sync-gateway'),
    ).toBe(true);
  }, 60_000);
});
