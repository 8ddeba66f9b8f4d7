import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
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
  it('replays the standard trace through the gateway and checks every device converged', async () => {
    const out = sink();
    const err = sink();
    const result = await runDemo({ out: out.stream, err: err.stream });
    expect(result.converged).toBe(true);
    expect(result.devices.map((device) => device.deviceId).sort()).toEqual(['phone-1', 'tv-living-room', 'web-chrome']);
    const ops = result.devices.reduce((sum, device) => sum + device.ops, 0);
    const handled = result.devices.reduce((sum, d) => sum + d.published + d.coalesced + d.expired + d.deadLettered, 0);
    // The trace's 20 000 ops plus the one live command the demo sends.
    expect(ops).toBe(20_001);
    expect(result.liveCommand).toEqual({ from: expect.any(String), to: expect.any(String), deliveries: 1 });
    // Every op was sent, coalesced or expired; none was lost or dead-lettered.
    expect(handled).toBe(ops);
    expect(result.devices.every((device) => device.deadLettered === 0)).toBe(true);
    for (const device of result.devices) expect(device.bytesWire).toBeLessThan(device.bytesJson);
    expect(out.text()).toContain('converged: yes');
    expect(out.text()).toMatch(/\| total +\| +20001 \|/);
    expect(out.text()).toMatch(/live command .+: delivered once/);
    expect(err.text()).toContain('back online');
  }, 60_000);

  it('sends every op with --no-coalesce and still converges, on a generated trace too', async () => {
    // A small trace from the generator behind --generated keeps this second full run light.
    const dir = mkdtempSync(join(tmpdir(), 'media-sync-demo-test-'));
    try {
      const trace = join(dir, 'generated.jsonl');
      writeFileSync(trace, `${generateTrace({ seed: 20_000, ops: 2_000 }).join('\n')}\n`);
      const result = await runDemo({ out: sink().stream, err: sink().stream, coalesce: false, trace });
      expect(result.converged).toBe(true);
      expect(result.trace).toBe(trace);
      expect(result.devices.reduce((sum, device) => sum + device.ops, 0)).toBe(2_001);
      for (const device of result.devices) {
        expect(device.coalesced).toBe(0);
        expect(device.published + device.expired).toBe(device.ops);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
