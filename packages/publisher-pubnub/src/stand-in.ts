import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';

/**
 * A local stand-in for the PubNub REST endpoints the SDK calls for this adapter: publish (GET
 * and POST), subscribe (v2 long-poll), history (v3 fetch messages), time and presence leave.
 * It keeps messages in memory per subscribe key and channel, with timetokens that only grow,
 * and refuses what the service refuses: a message over its size limit (414) and a request
 * without the configured auth key (403). It is what the tests and the benchmark run against;
 * it is not the service, whose behaviour it imitates from its documentation.
 */
export interface PubNubStandInOptions {
  /** Largest message: the channel name plus the JSON body, in bytes. Default 32 KiB, the service's. */
  readonly maxMessageBytes?: number;
  /** When set, every request must carry `auth=<authKey>`; any other gets 403. */
  readonly authKey?: string;
  /** How long a subscribe waits for a message before answering empty. Default 5 000 ms (the service: 280 s). */
  readonly longPollMs?: number;
  /** Messages kept per channel; the oldest go first. Default 10 000. */
  readonly maxMessagesPerChannel?: number;
}

export interface PubNubStandIn {
  /** `host:port`, for the SDK's `origin` (with `ssl: false`). */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  /** Publish requests answered, refused ones included. */
  readonly publishes: number;
  /** Body bytes of every publish request as received (the SDK deflates POST bodies), or the message of a GET path. */
  readonly publishedBytes: number;
  /** The messages of a channel, oldest first. */
  messages(subscribeKey: string, channel: string): readonly StoredMessage[];
  close(): Promise<void>;
}

export interface StoredMessage {
  readonly timetoken: string;
  readonly message: unknown;
  readonly publisher: string | undefined;
}

interface Waiter {
  readonly channels: readonly string[];
  readonly after: bigint;
  readonly wake: () => void;
}

const HISTORY_MAX = 100;

export async function startPubNubStandIn(options: PubNubStandInOptions = {}): Promise<PubNubStandIn> {
  const maxMessageBytes = options.maxMessageBytes ?? 32 * 1024;
  const longPollMs = options.longPollMs ?? 5_000;
  const maxPerChannel = options.maxMessagesPerChannel ?? 10_000;
  /** `<subscribeKey>\n<channel>` → messages, oldest first. */
  const channels = new Map<string, Array<StoredMessage & { readonly tt: bigint }>>();
  const waiters = new Map<string, Set<Waiter>>();
  let lastTimetoken = 0n;
  let publishes = 0;
  let publishedBytes = 0;

  /** 17 digits, 100 ns units as the service's, strictly increasing. */
  const nextTimetoken = (): bigint => {
    const now = BigInt(Date.now()) * 10_000n;
    lastTimetoken = now > lastTimetoken ? now : lastTimetoken + 1n;
    return lastTimetoken;
  };

  const send = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'text/javascript; charset="UTF-8"',
      'content-length': Buffer.byteLength(text),
      'access-control-allow-origin': '*',
    });
    response.end(text);
  };
  const forbidden = (response: ServerResponse, service: string) =>
    send(response, 403, { message: 'Forbidden', payload: {}, error: true, service, status: 403 });

  const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      request.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit (with room for the JSON quotes) nothing more is kept: the answer is 414.
        if (size <= limit * 2) chunks.push(chunk);
      });
      request.on('end', () => resolve(size > limit * 2 ? undefined : Buffer.concat(chunks)));
      request.on('error', reject);
    });

  async function publish(request: IncomingMessage, response: ServerResponse, parts: string[], url: URL) {
    publishes += 1;
    // /publish/<pub>/<sub>/0/<channel>/0[/<message>]
    const [, , subscribeKey, , rawChannel, , rawMessage] = parts;
    if (subscribeKey === undefined || rawChannel === undefined) return send(response, 400, [0, 'Invalid Key', '0']);
    const channel = decodeURIComponent(rawChannel);
    let text: string | undefined;
    if (rawMessage !== undefined) {
      text = decodeURIComponent(rawMessage);
      publishedBytes += Buffer.byteLength(rawMessage);
    } else {
      const body = await readBody(request, maxMessageBytes);
      publishedBytes += body?.length ?? 0;
      try {
        const deflated = request.headers['content-encoding'] === 'deflate';
        text =
          body === undefined
            ? undefined
            : (deflated ? inflateSync(body, { maxOutputLength: maxMessageBytes * 2 }) : body).toString('utf8');
      } catch {
        text = undefined;
      }
    }
    if (options.authKey !== undefined && url.searchParams.get('auth') !== options.authKey) {
      return forbidden(response, 'Access Manager');
    }
    const size = text === undefined ? Number.POSITIVE_INFINITY : Buffer.byteLength(text) + Buffer.byteLength(channel);
    if (size > maxMessageBytes) return send(response, 414, [0, 'Message Too Large', String(nextTimetoken())]);
    let message: unknown;
    try {
      message = JSON.parse(text as string);
    } catch {
      return send(response, 400, [0, 'Invalid JSON', String(nextTimetoken())]);
    }
    const tt = nextTimetoken();
    const key = `${subscribeKey}\n${channel}`;
    const log = channels.get(key) ?? [];
    channels.set(key, log);
    log.push({ tt, timetoken: String(tt), message, publisher: url.searchParams.get('uuid') ?? undefined });
    if (log.length > maxPerChannel) log.splice(0, log.length - maxPerChannel);
    for (const waiter of [...(waiters.get(subscribeKey) ?? [])]) {
      if (waiter.channels.includes(channel)) waiter.wake();
    }
    send(response, 200, [1, 'Sent', String(tt)]);
  }

  function subscribe(response: ServerResponse, parts: string[], url: URL) {
    // /v2/subscribe/<sub>/<channels>/0
    const [, , subscribeKey = '', rawChannels = ''] = parts;
    if (options.authKey !== undefined && url.searchParams.get('auth') !== options.authKey) {
      return forbidden(response, 'Access Manager');
    }
    const names = decodeURIComponent(rawChannels).split(',').filter(Boolean);
    const tt = url.searchParams.get('tt');
    const now = () => ({ t: String(lastTimetoken > 0n ? lastTimetoken : nextTimetoken()), r: 1 });
    // The handshake: the current timetoken, no messages.
    if (tt === null || tt === '0') return send(response, 200, { t: now(), m: [] });
    const after = BigInt(tt);
    const pending = () =>
      names.flatMap((channel) =>
        (channels.get(`${subscribeKey}\n${channel}`) ?? [])
          .filter((stored) => stored.tt > after)
          .map((stored) => ({ channel, stored })),
      );
    const answer = () => {
      const found = pending().sort((a, b) => (a.stored.tt < b.stored.tt ? -1 : 1));
      const last = found[found.length - 1];
      send(response, 200, {
        t: { t: last ? last.stored.timetoken : tt, r: 1 },
        m: found.map(({ channel, stored }) => ({
          a: '1',
          f: 0,
          i: stored.publisher,
          p: { t: stored.timetoken, r: 1 },
          k: subscribeKey,
          c: channel,
          d: stored.message,
          b: channel,
        })),
      });
    };
    if (pending().length > 0) return answer();
    const set = waiters.get(subscribeKey) ?? new Set<Waiter>();
    waiters.set(subscribeKey, set);
    const done = () => {
      clearTimeout(timer);
      set.delete(waiter);
    };
    const waiter: Waiter = {
      channels: names,
      after,
      wake: () => {
        done();
        answer();
      },
    };
    const timer = setTimeout(waiter.wake, longPollMs);
    set.add(waiter);
    response.on('close', done);
  }

  function history(response: ServerResponse, parts: string[], url: URL) {
    // /v3/history/sub-key/<sub>/channel/<channel>
    const [, , , subscribeKey = '', , rawChannel = ''] = parts;
    if (options.authKey !== undefined && url.searchParams.get('auth') !== options.authKey) {
      return forbidden(response, 'Access Manager');
    }
    const channel = decodeURIComponent(rawChannel);
    const start = url.searchParams.get('start');
    const end = url.searchParams.get('end');
    const max = Math.min(Number(url.searchParams.get('max') ?? HISTORY_MAX) || HISTORY_MAX, HISTORY_MAX);
    // As the service documents it: `start` exclusive (older than), `end` inclusive (at or
    // newer); the newest `max` of the slice, returned oldest first.
    const slice = (channels.get(`${subscribeKey}\n${channel}`) ?? []).filter(
      (stored) => (start === null || stored.tt < BigInt(start)) && (end === null || stored.tt >= BigInt(end)),
    );
    const page = slice.slice(Math.max(0, slice.length - max));
    const stringTokens = url.searchParams.get('string_message_token') === 'true';
    send(response, 200, {
      status: 200,
      error: false,
      error_message: '',
      channels:
        page.length === 0
          ? {}
          : {
              [channel]: page.map((stored) => ({
                message: stored.message,
                timetoken: stringTokens ? stored.timetoken : Number(stored.tt),
                ...(url.searchParams.get('include_uuid') === 'true' ? { uuid: stored.publisher } : {}),
              })),
            },
    });
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const parts = url.pathname.split('/').slice(1);
    const handle = async () => {
      if (parts[0] === 'publish') return publish(request, response, parts, url);
      if (parts[0] === 'v2' && parts[1] === 'subscribe') return subscribe(response, parts, url);
      if (parts[0] === 'v3' && parts[1] === 'history') return history(response, parts, url);
      if (parts[0] === 'time') return send(response, 200, [Number(nextTimetoken())]);
      if (parts[0] === 'v2' && parts[1] === 'presence') {
        return send(response, 200, { status: 200, message: 'OK', action: 'leave', service: 'Presence' });
      }
      send(response, 404, { status: 404, error: true, message: 'Not Found', service: 'stand-in' });
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent)
        send(response, 500, { status: 500, error: true, message: String(error), service: 'stand-in' });
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    origin: `127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    get publishes() {
      return publishes;
    },
    get publishedBytes() {
      return publishedBytes;
    },
    messages: (subscribeKey, channel) => channels.get(`${subscribeKey}\n${channel}`) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        for (const set of waiters.values()) for (const waiter of [...set]) waiter.wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
