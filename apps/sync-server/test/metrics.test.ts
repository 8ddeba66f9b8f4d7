import { createWebSocketPublisher } from '@media-sync/publisher-websocket';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  deferCleanup,
  eventually,
  gateway,
  OTHER_USER,
  outgoing,
  progressOps,
  rawClient,
  token,
  USER,
  watchlistOp,
} from './helpers.js';

/** One sample of the Prometheus text format: `name{label="value",...} number`. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Parses the text exposition format (what a Prometheus server scrapes), failing on any line it cannot read. */
function parsePrometheusText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice('# TYPE '.length).split(' ');
      types.set(name as string, type as string);
      continue;
    }
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = pair[2] as string;
    }
    const text = match[4] as string;
    // The format spells the special values +Inf, -Inf and NaN (a gauge with no data yet, any case).
    const value = /^[+-]Inf$/.test(text)
      ? Number(`${text[0]}Infinity`)
      : /^nan$/i.test(text)
        ? Number.NaN
        : Number(text);
    if (Number.isNaN(value) && !/^nan$/i.test(text)) throw new Error(`not a number: ${line}`);
    samples.push({ name: match[1] as string, labels, value });
  }
  return { samples, types };
}

async function scrape(url: string) {
  const response = await fetch(`${url.replace('ws:', 'http:')}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const parsed = parsePrometheusText(await response.text());
  return {
    ...parsed,
    /** The value of one series; 0 when the series is absent (a labelled counter never incremented). */
    value(name: string, labels: Record<string, string> = {}): number {
      const found = parsed.samples.filter(
        (sample) =>
          sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
      );
      return found.reduce((sum, sample) => sum + sample.value, 0);
    },
  };
}

async function publisher(url: string, deviceId: string, userId = USER) {
  const created = createWebSocketPublisher({ url, token: await token(deviceId, userId), sessionContext: false });
  deferCleanup(() => created.close());
  return created;
}

describe('GET /metrics', () => {
  it('counts connections, frames and ops by outcome and code, per gateway', async () => {
    const a = await gateway();
    const b = await gateway();
    const tv = await publisher(a.server.url, 'tv');
    const frame = await outgoing(progressOps('tv', 1, 10));
    await tv.publish(frame);
    await tv.publish(frame);
    // An op of another user in the tv's frame: refused FORBIDDEN_USER, the rest applied.
    const mixed = await tv.publish(
      await outgoing([watchlistOp('tv', 11, 'tt1'), watchlistOp('tv', 12, 'tt2', OTHER_USER)]),
    );
    expect(mixed.rejected).toEqual([{ firstSeq: 12, lastSeq: 12, code: 'FORBIDDEN_USER' }]);
    // Bytes that are no frame: an ERROR with the codec's code.
    const raw = rawClient(a.server.url, await token('phone'));
    await raw.receivedCount(1);
    raw.send({ type: 'frame', frameId: 7, frame: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) });
    await raw.receivedCount(2);
    const error = raw.received[1];
    if (error?.type !== 'error') throw new Error(`expected an ERROR, got ${error?.type}`);

    const metrics = await scrape(a.server.url);
    expect(metrics.types.get('media_sync_frames_accepted_total')).toBe('counter');
    expect(metrics.value('media_sync_connections_open')).toBe(2);
    expect(metrics.value('media_sync_connections_opened_total')).toBe(2);
    expect(metrics.value('media_sync_frames_accepted_total')).toBe(2);
    expect(metrics.value('media_sync_frames_duplicate_total')).toBe(1);
    expect(metrics.value('media_sync_frames_rejected_total', { code: error.code })).toBe(1);
    expect(metrics.value('media_sync_frames_rejected_total')).toBe(1);
    expect(metrics.value('media_sync_ops_accepted_total')).toBe(11);
    expect(metrics.value('media_sync_ops_duplicate_total')).toBe(10);
    expect(metrics.value('media_sync_ops_rejected_total', { code: 'FORBIDDEN_USER' })).toBe(1);
    expect(metrics.value('media_sync_ops_rejected_total')).toBe(1);
    // Every frame answered is timed once: three ACKs and the ERROR.
    expect(metrics.value('media_sync_ack_latency_seconds_count', { result: 'ack' })).toBe(3);
    expect(metrics.value('media_sync_ack_latency_seconds_count', { result: 'error' })).toBe(1);
    expect(metrics.value('media_sync_ack_latency_seconds_bucket', { result: 'ack', le: '+Inf' })).toBe(3);
    // Store calls are timed by method: the two committed frames were written.
    expect(metrics.value('media_sync_store_seconds_count', { operation: 'writeFrames', outcome: 'ok' })).toBe(2);
    expect(metrics.value('media_sync_store_seconds_count', { operation: 'registerDevice' })).toBe(2);
    expect(metrics.value('process_resident_memory_bytes')).toBeGreaterThan(0);

    // The other gateway in this process has its own registry: it saw none of it.
    const other = await scrape(b.server.url);
    expect(other.value('media_sync_connections_opened_total')).toBe(0);
    expect(other.value('media_sync_frames_accepted_total')).toBe(0);
    expect(other.value('media_sync_store_seconds_count', { operation: 'writeFrames' })).toBe(0);

    raw.socket.close();
    await eventually(() => a.server.metrics().connections === 1);
    const after = await scrape(a.server.url);
    expect(after.value('media_sync_connections_open')).toBe(1);
    expect(after.value('media_sync_connections_closed_total')).toBe(1);
  });

  it('counts refused connections by reason and the limit hits of /healthz', async () => {
    const { server } = await gateway({ maxConnectionsPerDevice: 1 });
    const first = rawClient(server.url, await token('tv'));
    await first.receivedCount(1);
    const second = rawClient(server.url, await token('tv'));
    await second.closed;
    const forged = new WebSocket(server.url, { headers: { authorization: 'Bearer not-a-token' } });
    forged.on('error', () => undefined);
    await new Promise((resolve) => forged.once('close', resolve));

    const metrics = await scrape(server.url);
    expect(metrics.value('media_sync_connections_refused_total', { reason: 'maxConnectionsPerDevice' })).toBe(1);
    expect(metrics.value('media_sync_connections_refused_total', { reason: 'TOKEN_MALFORMED' })).toBe(1);
    expect(metrics.value('media_sync_connections_refused_total')).toBe(2);
    expect(metrics.value('media_sync_limit_hits_total', { limit: 'connectionsOverDevice' })).toBe(1);
    // Every bound has its series, hit or not, with the value /healthz shows.
    const health = (await (await fetch(`${server.url.replace('ws:', 'http:')}/healthz`)).json()) as {
      limits: Record<string, number>;
    };
    expect(Object.keys(health.limits).length).toBeGreaterThan(10);
    for (const [limit, count] of Object.entries(health.limits)) {
      expect(metrics.samples.some((s) => s.name === 'media_sync_limit_hits_total' && s.labels.limit === limit)).toBe(
        true,
      );
      expect(metrics.value('media_sync_limit_hits_total', { limit })).toBe(count);
    }
  });

  it('records fan-out lag reported through the recorder', async () => {
    const { server } = await gateway();
    server.prometheus.observeFanoutLag(0.004, 'remote');
    server.prometheus.observeFanoutLag(0.3, 'remote');
    const metrics = await scrape(server.url);
    expect(metrics.value('media_sync_fanout_lag_seconds_count', { path: 'remote' })).toBe(2);
    expect(metrics.value('media_sync_fanout_lag_seconds_bucket', { path: 'remote', le: '0.005' })).toBe(1);
    expect(metrics.value('media_sync_fanout_lag_seconds_sum', { path: 'remote' })).toBeCloseTo(0.304, 6);
  });
});
