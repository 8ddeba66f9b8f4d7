import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrokerProbe, findBroker } from '@media-sync/publisher-conformance';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mqtt: BrokerProbe;
    /** A second Mosquitto that refuses every client, for the refused-credentials case; undefined without the binary. */
    mqttRefusing: { readonly host: string; readonly port: number } | undefined;
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

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts `mosquitto` with anonymous clients refused and no password file: every CONNECT is refused. */
async function startRefusingBroker(): Promise<{ child: ChildProcess; port: number; dir: string } | undefined> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous false\npersistence false\n`);
  const child = spawn(process.env['MOSQUITTO_BIN'] ?? 'mosquitto', ['-c', config], { stdio: 'ignore' });
  let exited = false;
  child.once('error', () => {
    exited = true;
  });
  child.once('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 5_000;
  while (!exited && Date.now() < deadline) {
    if (await listening(port)) return { child, port, dir };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill();
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}

// Finds Mosquitto once per run: MQTT_URL, else 127.0.0.1:1883. Missing: a loud skip, or a failure under CI.
export default async function setup(project: TestProject): Promise<() => void> {
  const mqtt = await findBroker({ name: 'MQTT', envVar: 'MQTT_URL', defaultPort: 1883 });
  project.provide('mqtt', mqtt);
  const refusing = mqtt.endpoint ? await startRefusingBroker() : undefined;
  if (mqtt.endpoint && !refusing)
    console.warn('!! mosquitto could not be started: the refused-credentials case is skipped');
  project.provide('mqttRefusing', refusing ? { host: '127.0.0.1', port: refusing.port } : undefined);
  return () => {
    refusing?.child.kill();
    if (refusing) rmSync(refusing.dir, { recursive: true, force: true });
  };
}
