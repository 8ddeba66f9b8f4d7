import { createHash } from 'node:crypto';
import type { Subscriber, Subscription } from '@media-sync/queue';
import { PublisherError } from '@media-sync/queue';
import { type IClientOptions, type MqttClient, connect as mqttConnect } from 'mqtt';
import { topicOf, whenConnected } from './publisher.js';

export interface MqttSubscriberOptions {
  /** The subscribing device: it has one persistent session per user it follows. */
  readonly deviceId: string;
  /** Default `mqtt://127.0.0.1:1883`. */
  readonly url?: string;
  /** Default `media-sync` (the publishers' prefix). */
  readonly prefix?: string;
  /** Connection timeout. Default 5 000 ms. */
  readonly timeoutMs?: number;
  /** How long the broker keeps the session of a device that went away. Default: forever (MQTT 5's 0xFFFFFFFF). */
  readonly sessionExpirySeconds?: number;
  readonly mqtt?: IClientOptions;
}

/** The client id of (prefix, user, device): the broker keeps the session, and what it missed, under it. */
export function sessionClientId(prefix: string, userId: string, deviceId: string): string {
  // JSON keeps the parts apart: ids may hold a newline, and `a` + `b\nc` must not name the session of `a\nb` + `c`.
  return `media-sync-${createHash('sha256')
    .update(JSON.stringify([prefix, userId, deviceId]))
    .digest('hex')
    .slice(0, 32)}`;
}

/**
 * Receives a user's topic through a persistent MQTT 5 session of (user, device) (`clean: false`,
 * no session expiry), subscribed with QoS 1: the broker queues what arrives while the device is
 * offline and delivers it when it reconnects. The PUBACK of a frame is sent once `onFrame`
 * resolved, so a frame handed over but not consumed is delivered again. The first `subscribe`
 * creates the session: frames published before it are not kept for the device.
 */
export function createMqttSubscriber(options: MqttSubscriberOptions): Subscriber {
  const prefix = options.prefix ?? 'media-sync';
  const timeoutMs = options.timeoutMs ?? 5_000;
  const stops = new Set<() => Promise<void>>();
  let closed = false;

  return {
    async subscribe(userId, onFrame): Promise<Subscription> {
      if (closed) throw new PublisherError('CLOSED', 'the MQTT subscriber is closed');
      const topic = topicOf(prefix, userId);
      const client: MqttClient = mqttConnect(options.url ?? 'mqtt://127.0.0.1:1883', {
        protocolVersion: 5,
        clientId: sessionClientId(prefix, userId, options.deviceId),
        clean: false,
        properties: { sessionExpiryInterval: options.sessionExpirySeconds ?? 0xffffffff },
        connectTimeout: timeoutMs,
        reconnectPeriod: 250,
        ...options.mqtt,
      });
      client.on('error', () => undefined);
      let stopped = false;
      let handing: Promise<void> = Promise.resolve();
      // mqtt.js reads the next packet only after `done`: frames are consumed one at a time, in order.
      client.handleMessage = (packet, done) => {
        if (stopped) return;
        // Not ours (a client id reused with another topic): acknowledged and dropped, never left
        // unacknowledged, which would hold back every later message.
        if (packet.topic !== topic) return done();
        handing = (async () => {
          try {
            await onFrame({
              bytes: new Uint8Array(packet.payload as Buffer),
              transportId: String(packet.messageId ?? ''),
            });
            done();
          } catch (error) {
            // No PUBACK: the broker delivers it again on the next connection.
            client.end(true);
            done(error as Error);
          }
        })();
      };
      try {
        await whenConnected(client, timeoutMs);
        await client.subscribeAsync(topic, { qos: 1 });
      } catch (error) {
        client.end(true);
        throw error;
      }
      const stop = async () => {
        if (stopped) return;
        await handing;
        stopped = true;
        stops.delete(stop);
        // Ends the connection, not the subscription: the session keeps collecting frames.
        await client.endAsync(false);
      };
      stops.add(stop);
      return { unsubscribe: stop };
    },

    async close() {
      closed = true;
      await Promise.all([...stops].map((stop) => stop()));
    },
  };
}
