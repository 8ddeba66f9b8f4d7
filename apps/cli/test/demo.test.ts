import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../src/commands/demo.js';

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

  it('sends every op with --no-coalesce and still converges, on the generated trace too', async () => {
    const out = sink();
    const result = await runDemo({ out: out.stream, err: sink().stream, coalesce: false, generated: true });
    expect(result.converged).toBe(true);
    expect(result.trace).toMatch(/generated/);
    for (const device of result.devices) {
      expect(device.coalesced).toBe(0);
      expect(device.published + device.expired).toBe(device.ops);
    }
  }, 60_000);
});
