import { Writable } from 'node:stream';
import { parseTraceLine, type SyncOperation } from '@media-sync/protocol';
import { findBroker } from '@media-sync/publisher-conformance';
import { describe, expect, it } from 'vitest';
import { BROKER_PUBLISHERS, runBrokerDemo } from '../src/commands/demo-brokers.js';
import { generateTrace } from '../src/trace-generator.js';

const PORTS = { mqtt: 1883, nats: 4222, redis: 6379 } as const;
const ENV = { mqtt: 'MQTT_URL', nats: 'NATS_URL', redis: 'REDIS_URL' } as const;

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join('') });
}

describe.each(BROKER_PUBLISHERS)('demo --publisher %s', (kind) => {
  it('syncs every device of a user through the broker until their replicas converge', async (context) => {
    const broker = await findBroker({ name: kind, envVar: ENV[kind], defaultPort: PORTS[kind] });
    if (broker.missing) return context.skip(broker.missing);
    const devices = new Map<string, SyncOperation[]>();
    for (const line of generateTrace({ seed: 7, ops: 400 })) {
      const entry = parseTraceLine(line);
      const deviceId = entry.deviceId ?? 'device-1';
      devices.set(deviceId, [...(devices.get(deviceId) ?? []), entry.op]);
    }
    const out = sink();
    const result = await runBrokerDemo({ kind, label: 'test', devices, coalesce: true, json: false, say: sink(), out });
    expect(result.converged).toBe(true);
    expect(result.devices.reduce((sum, device) => sum + device.published, 0)).toBeGreaterThan(0);
    expect(out.text()).toContain('converged: yes');
  }, 60_000);
});
