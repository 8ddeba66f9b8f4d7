import { randomUUID } from 'node:crypto';
import type { ConnectionState, PublishAck, Publisher } from '@media-sync/queue';
import { escapeUserId, PublisherError } from '@media-sync/queue';
import { type IClientOptions, type MqttClient, connect as mqttConnect } from 'mqtt';

export interface MqttPublisherOptions {
  /** `mqtt://[user:password@]host:port`. Default `mqtt://127.0.0.1:1883`. */
  readonly url?: string;
  /** Topics are `<prefix>/user/<escaped userId>/sync`. Default `media-sync`. */
  readonly prefix?: string;
  /** Largest frame accepted. Default 1 MiB. */
  readonly maxFrameBytes?: number;
  /** How long to wait for a connection or for the PUBACK. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** Passed to mqtt.js last (credentials, TLS...). */
  readonly mqtt?: IClientOptions;
}

export interface MqttPublisher extends Publisher {
  /** The topic of `userId`'s frames. */
  topicOf(userId: string): string;
}

export function topicOf(prefix: string, userId: string): string {
  return `${prefix}/user/${escapeUserId(userId)}/sync`;
}

/** CONNACK and PUBACK reason codes of MQTT 5 (and 3.1.1's 4 and 5) that refuse the credentials. */
const AUTH_CODES = new Set([4, 5, 0x86, 0x87, 0x8c]);

/** What mqtt.js reported, as the contract's codes. */
export function toPublisherError(error: unknown, timeoutMs: number): PublisherError {
  if (error instanceof PublisherError) return error;
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'number' && AUTH_CODES.has(code)) {
    return new PublisherError('UNAUTHORIZED', `the MQTT broker refused the credentials: ${message}`, { cause: error });
  }
  if (code === 0x95) {
    return new PublisherError('FRAME_TOO_LARGE', `the MQTT broker refused the size: ${message}`, { cause: error });
  }
  if (code === 0x97 || code === 0x89) {
    return new PublisherError('BUSY', `the MQTT broker is over a quota: ${message}`, { cause: error });
  }
  if (/timeout/i.test(message)) {
    return new PublisherError('TIMEOUT', `no PUBACK within ${timeoutMs} ms`, { cause: error });
  }
  return new PublisherError('UNAVAILABLE', `the MQTT broker is unavailable: ${message}`, { cause: error });
}

/**
 * Waits for `client` to be connected; a refused CONNACK is UNAUTHORIZED, anything else within
 * `timeoutMs` UNAVAILABLE.
 */
export function whenConnected(client: MqttClient, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const finish = (error?: PublisherError) => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const onConnect = () => finish();
    const onError = (error: Error) => {
      const mapped = toPublisherError(error, timeoutMs);
      if (mapped.code === 'UNAUTHORIZED') finish(mapped);
    };
    const onAbort = () => finish(new PublisherError('ABORTED', 'publish aborted', { cause: signal?.reason }));
    const timer = setTimeout(
      () => finish(new PublisherError('UNAVAILABLE', `no MQTT connection within ${timeoutMs} ms`)),
      timeoutMs,
    );
    client.on('connect', onConnect);
    client.on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Publishes frames with QoS 1 to MQTT 5 brokers. The ack is the broker's PUBACK: the broker took
 * the message and queued it for every subscription, persistent sessions of offline devices
 * included (kept across a restart when the broker persists its state).
 */
export function createMqttPublisher(options: MqttPublisherOptions = {}): MqttPublisher {
  const prefix = options.prefix ?? 'media-sync';
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
  const client = mqttConnect(options.url ?? 'mqtt://127.0.0.1:1883', {
    protocolVersion: 5,
    clientId: `media-sync-pub-${randomUUID()}`,
    clean: true,
    connectTimeout: timeoutMs,
    reconnectPeriod: 250,
    queueQoSZero: false,
    ...options.mqtt,
  });
  // mqtt.js reports errors as events too; a publisher reports them through `publish`.
  client.on('error', () => undefined);
  const listeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'offline';
  let closed = false;
  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of [...listeners]) listener(next);
  };
  client.on('connect', () => setState('online'));
  client.on('close', () => setState('offline'));
  client.on('offline', () => setState('offline'));

  return {
    name: 'mqtt',
    capabilities: { sessionContext: false, dedupe: false },
    maxFrameBytes,
    get connectionState() {
      return state;
    },
    topicOf: (userId) => topicOf(prefix, userId),

    async publish(frame, publishOptions): Promise<PublishAck> {
      const signal = publishOptions?.signal;
      if (closed) throw new PublisherError('CLOSED', 'the MQTT publisher is closed');
      if (signal?.aborted) throw new PublisherError('ABORTED', 'publish aborted', { cause: signal.reason });
      const { bytes, metrics } = frame.selfContained();
      if (bytes.length > maxFrameBytes) {
        throw new PublisherError('FRAME_TOO_LARGE', `frame of ${bytes.length} bytes is over ${maxFrameBytes}`);
      }
      await whenConnected(client, timeoutMs, signal);
      await new Promise<void>((resolve, reject) => {
        const finish = (error?: PublisherError) => {
          clearTimeout(timer);
          client.off('close', onClose);
          signal?.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve();
        };
        // mqtt.js keeps an unacknowledged QoS 1 message and sends it again after a reconnect;
        // the contract wants the outage reported now, so a dropped link rejects at once
        // (a copy that still arrives is dropped by subscribers by (deviceId, seq)).
        const onClose = () =>
          finish(new PublisherError('DISCONNECTED', 'the MQTT connection dropped before the PUBACK'));
        const onAbort = () => finish(new PublisherError('ABORTED', 'publish aborted', { cause: signal?.reason }));
        const timer = setTimeout(
          () => finish(new PublisherError('TIMEOUT', `no PUBACK within ${timeoutMs} ms`)),
          timeoutMs,
        );
        client.on('close', onClose);
        signal?.addEventListener('abort', onAbort, { once: true });
        client.publish(
          topicOf(prefix, frame.userId),
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          { qos: 1 },
          (error) => finish(error ? toPublisherError(error, timeoutMs) : undefined),
        );
      });
      return { duplicate: false, rejected: [], metrics };
    },

    onConnectionState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      await client.endAsync(true);
      setState('offline');
    },
  };
}
