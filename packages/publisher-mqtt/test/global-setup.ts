import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrokerProbe, findBroker, freePort, spawnBroker } from '@media-sync/publisher-conformance';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mqtt: BrokerProbe;
    /** A second Mosquitto that refuses every client, for the refused-credentials case; undefined without the binary. */
    mqttRefusing: { readonly host: string; readonly port: number } | undefined;
  }
}

/** Starts `mosquitto` with anonymous clients refused and no password file: every CONNECT is refused. */
async function startRefusingBroker() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'media-sync-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous false\npersistence false\n`);
  const child = await spawnBroker({ command: process.env['MOSQUITTO_BIN'] ?? 'mosquitto', args: ['-c', config], port });
  if (child) return { child, port, dir };
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
