import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchGatewayDevices, formatDevicesBench, percentile } from '../src/commands/bench-gateway-devices.js';
import { loadBusiestDevice } from '../src/trace-files.js';
import { generateTrace } from '../src/trace-generator.js';
import { CLI_SCRIPT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'gateway-devices-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TRACE = join(dir, 'trace.jsonl');
writeFileSync(TRACE, `${generateTrace({ seed: 3, ops: 400 }).join('\n')}\n`);
const SERVE = {
  command: process.execPath,
  args: ['--conditions=@media-sync/source', '--import', 'tsx', CLI_SCRIPT, 'serve'],
};

describe('bench gateway --devices', () => {
  it('drives real serve processes with many devices and reports every row from what it measured', async () => {
    const { ops } = loadBusiestDevice(TRACE);
    const profileDir = join(dir, 'profiles');
    const rows = await benchGatewayDevices({
      ops,
      devices: 40,
      active: 10,
      rate: 5,
      seconds: 2,
      bulkDevices: 2,
      bulkFrames: 2,
      serve: SERVE,
      profileDir,
    });
    expect(rows.map((row) => row.scenario)).toEqual([
      '500-op frames',
      'idle, subscribed',
      '1 op per frame, 5 op/s each',
    ]);
    const [bulk, idle, single] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    // Every op was acknowledged without a refusal, and the gateway's own CPU and RSS were read.
    expect(bulk).toMatchObject({ devices: 2, ops: 2 * 2 * 500, refused: 0 });
    expect(bulk.opsPerCpuSecond).toBeGreaterThan(bulk.opsPerSecond * 0.05);
    expect(Number.isFinite(bulk.opsPerCpuSecond)).toBe(true);
    expect(idle.devices).toBe(40);
    expect(idle.gatewayRssMb).toBeGreaterThan(20);
    expect(single).toMatchObject({ devices: 10, ops: 10 * 10, refused: 0 });
    // Each op of a pair's device reached the other device of its user.
    expect(single.fanoutMsP99).toBeGreaterThan(0);
    expect(single.ackMsP99).toBeGreaterThanOrEqual(single.ackMsP50 as number);
    expect(single.gatewayAckMsP99).toBeGreaterThan(0);
    // The gateway wrote its CPU profile on its clean exit.
    expect(readdirSync(profileDir).some((file) => file.endsWith('.cpuprofile'))).toBe(true);
    const table = formatDevicesBench(rows, 1);
    expect(table).toContain('| SQLite | 1 | 500-op frames | 2 | 2,000 |');
    expect(table.split('\n').filter((line) => line.startsWith('| SQLite'))).toHaveLength(3);
  }, 120_000);

  it('refuses to bench a store or fan-out the serve it runs does not read', async () => {
    const { ops } = loadBusiestDevice(TRACE);
    // A stand-in whose help names no variable.
    const bare = { command: process.execPath, args: ['-e', 'console.log("Usage: media-sync serve")', '--'] };
    await expect(
      benchGatewayDevices({ ops, serve: bare, stores: [{ label: 'PostgreSQL', url: 'postgres://127.0.0.1/none' }] }),
    ).rejects.toThrow('does not read MEDIA_SYNC_STORE');
    await expect(benchGatewayDevices({ ops, serve: bare, fanout: 'nats://127.0.0.1:4222' })).rejects.toThrow(
      'does not read MEDIA_SYNC_FANOUT',
    );
  });

  it('takes percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
