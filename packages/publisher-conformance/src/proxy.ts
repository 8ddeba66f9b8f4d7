import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** A host and port a client connects to. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** What a case can do to the link between a publisher and its broker. */
export interface FaultControl {
  /** The broker becomes unreachable: open connections drop, new ones are refused. */
  down(): Promise<void>;
  /** The broker is reachable again. */
  up(): Promise<void>;
  /**
   * Cuts the connection during the next publish, once `minBytes` have been sent after this call.
   * With `delivered`, the broker receives those bytes and answers, and only its answer is lost;
   * without, the broker never sees them. Resolves once the cut happened.
   */
  cutNextPublish(options: { readonly minBytes: number; readonly delivered: boolean }): Promise<void>;
}

export interface FaultProxy extends FaultControl {
  /** Where clients connect to reach the broker through the proxy. */
  readonly endpoint: Endpoint;
  /** Connections accepted since the start. */
  readonly connections: number;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  readonly upstream: Socket;
}

interface PendingCut {
  readonly minBytes: number;
  readonly delivered: boolean;
  readonly done: () => void;
}

/**
 * A TCP proxy in front of a real broker, on a loopback port of its own, that can refuse
 * connections and cut one mid-publish: a broker outage and a dropped link, without touching
 * the broker itself.
 */
export async function startFaultProxy(target: Endpoint): Promise<FaultProxy> {
  const pairs = new Set<Pair>();
  let server: Server | undefined;
  let port = 0;
  let connections = 0;
  let pendingCut: PendingCut | undefined;

  const drop = (pair: Pair) => {
    pair.client.destroy();
    pair.upstream.destroy();
    pairs.delete(pair);
  };

  function accept(client: Socket): void {
    connections += 1;
    client.pause();
    const upstream = tcpConnect({ host: target.host, port: target.port });
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    let held: Buffer[] = [];
    let heldBytes = 0;
    let cutting: PendingCut | undefined;
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    upstream.on('connect', () => client.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (cutting) {
        // The broker answered the held publish: that answer is the part that is lost.
        const cut = cutting;
        cutting = undefined;
        drop(pair);
        cut.done();
        return;
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => {
      if (cutting) return;
      if (pendingCut === undefined) {
        upstream.write(chunk);
        return;
      }
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes < pendingCut.minBytes) return;
      const cut = pendingCut;
      pendingCut = undefined;
      const bytes = Buffer.concat(held);
      held = [];
      heldBytes = 0;
      if (!cut.delivered) {
        drop(pair);
        cut.done();
        return;
      }
      cutting = cut;
      upstream.write(bytes);
    });
    const onEnd = () => {
      if (cutting) {
        const cut = cutting;
        cutting = undefined;
        cut.done();
      }
      drop(pair);
    };
    client.on('close', onEnd);
    upstream.on('close', onEnd);
    client.on('error', onEnd);
    upstream.on('error', onEnd);
  }

  async function listen(): Promise<void> {
    const next = createServer(accept);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        resolve();
      });
    });
    const address = next.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no TCP address');
    port = address.port;
    server = next;
  }

  async function stopListening(): Promise<void> {
    const current = server;
    server = undefined;
    for (const pair of [...pairs]) drop(pair);
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await listen();
  return {
    get endpoint() {
      return { host: '127.0.0.1', port };
    },
    get connections() {
      return connections;
    },
    down: stopListening,
    async up() {
      if (server === undefined) await listen();
    },
    cutNextPublish(options) {
      return new Promise<void>((resolve) => {
        pendingCut = { ...options, done: resolve };
      });
    },
    close: stopListening,
  };
}
