import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { findBroker } from '@media-sync/publisher-conformance';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/commands/demo.js';
import { generateTrace } from '../src/trace-generator.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('media-sync demo', () => {
  it('replays the generated 20 000-op trace through the gateway and checks every device converged', async () => {
    const out = sink();
    const err = sink();
    // --generated: the test stands alone, without ../shared/traces beside the repository.
    const result = await runDemo({ out: out.stream, err: err.stream, generated: true });
    expect(result.converged).toBe(true);
    expect(result.trace).toBe('a generated trace (seed 20000, 20000 ops)');
    expect(result.devices.length).toBeGreaterThan(1);
    const ops = result.devices.reduce((sum, device) => sum + device.ops, 0);
    const handled = result.devices.reduce((sum, d) => sum + d.published + d.coalesced + d.expired + d.deadLettered, 0);
    // The trace's 20 000 ops plus the one live command the demo sends.
    expect(ops).toBe(20_001);
    expect(result.liveCommand).toEqual({ from: expect.any(String), to: expect.any(String), deliveries: 1 });
    // Every op was sent, coalesced or expired; none was lost or dead-lettered.
    expect(handled).toBe(ops);
    expect(result.devices.every((device) => device.deadLettered === 0)).toBe(true);
    for (const device of result.devices) {
      expect(device.bytesWire).toBeLessThan(device.bytesJson);
      // The publisher encodes against the session context after its first frame.
      expect(device.contextFrames).toBeGreaterThan(0);
      expect(device.contextFrames).toBeLessThanOrEqual(device.frames);
    }
    // Only measured columns: the bytes sent, and how many frames leaned on the session context.
    expect(out.text()).toMatch(
      /\| device +\| +ops \| +sent \| coalesced \| expired \| frames \| +JSON B \| +wire B \| ctx frames \|/,
    );
    expect(out.text()).not.toContain('frame B');
    expect(out.text()).toContain('converged: yes');
    expect(out.text()).toMatch(/\| total +\| +20001 \|/);
    expect(out.text()).toMatch(/live command .+: delivered once/);
    expect(err.text()).toContain('back online');
  }, 60_000);

  it('sends every op with --no-coalesce and still converges, and prints JSON with --json', async () => {
    // A small trace from the generator behind --generated keeps this second full run light.
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-demo-test-'));
    try {
      const trace = join(dir, 'generated.jsonl');
      writeFileSync(trace, `${generateTrace({ seed: 20_000, ops: 2_000 }).join('\n')}\n`);
      const json = sink();
      const result = await runDemo({ out: json.stream, err: sink().stream, coalesce: false, trace, json: true });
      expect(result.converged).toBe(true);
      expect(result.trace).toBe(trace);
      expect(json.text().startsWith('{')).toBe(true);
      expect(JSON.parse(json.text())).toMatchObject({
        converged: true,
        trace,
        gateway: { opsApplied: expect.any(Number) },
      });
      expect(result.devices.reduce((sum, device) => sum + device.ops, 0)).toBe(2_001);
      for (const device of result.devices) {
        expect(device.coalesced).toBe(0);
        expect(device.published + device.expired).toBe(device.ops);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('spreads the devices over three gateways on one PostgreSQL store with NATS between them, and converges', async (context) => {
    const postgres = await findBroker({ name: 'PostgreSQL', envVar: 'POSTGRES_URL', defaultPort: 5432 });
    const nats = await findBroker({ name: 'NATS', envVar: 'NATS_URL', defaultPort: 4222 });
    const missing = postgres.missing ?? nats.missing;
    if (missing) return context.skip(missing);
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-demo-test-'));
    try {
      const trace = join(dir, 'generated.jsonl');
      writeFileSync(trace, `${generateTrace({ seed: 31, ops: 2_000, devices: 4 }).join('\n')}\n`);
      const out = sink();
      const result = await runDemo({
        out: out.stream,
        err: sink().stream,
        trace,
        gateways: 3,
        store: process.env.POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/test',
        fanout: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      });
      expect(result.gateways).toBe(3);
      expect(result.devices).toHaveLength(4);
      expect(result.converged).toBe(true);
      expect(result.liveCommand).toEqual({ from: expect.any(String), to: expect.any(String), deliveries: 1 });
      expect(out.text()).toMatch(
        /^3 gateways ws:\/\/\S+ ws:\/\/\S+ ws:\/\/\S+ \(PostgreSQL .+, schema media_sync_demo_[0-9a-f]+; fan-out over NATS/m,
      );
      expect(out.text()).toContain(
        'converged: yes (4 device replicas vs gateway state, devices spread over 3 gateways)',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses several gateways without a PostgreSQL store and a fan-out', async () => {
    await expect(runDemo({ out: sink().stream, err: sink().stream, gateways: 3 })).rejects.toThrow(
      '--gateways 3 needs a store they share and a fan-out between them: --store postgres://… --fanout nats://…',
    );
  });
});
