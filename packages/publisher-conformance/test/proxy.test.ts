import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultProxy, startFaultProxy } from '../src/index.js';

// A real TCP server behind the proxy: it records what reaches it and answers `ack:<bytes>`.
let server: Server;
let received: Buffer[];
let proxy: FaultProxy;

beforeEach(async () => {
  received = [];
  server = createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      socket.write(`ack:${chunk.length}`);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  proxy = await startFaultProxy({ host: '127.0.0.1', port: address.port });
});

afterEach(async () => {
  await proxy.close();
  await new Promise((resolve) => server.close(resolve));
});

async function client(): Promise<Socket> {
  const socket = connect(proxy.endpoint);
  await once(socket, 'connect');
  return socket;
}

function nextData(socket: Socket): Promise<string> {
  return once(socket, 'data').then(([chunk]) => String(chunk));
}

describe('fault proxy', () => {
  it('forwards both ways', async () => {
    const socket = await client();
    socket.write('hello');
    expect(await nextData(socket)).toBe('ack:5');
    expect(Buffer.concat(received).toString()).toBe('hello');
    socket.destroy();
  });

  it('down drops open connections and refuses new ones; up accepts again on the same port', async () => {
    const socket = await client();
    const closed = once(socket, 'close');
    await proxy.down();
    await closed;
    const refused = connect(proxy.endpoint);
    const [error] = await once(refused, 'error');
    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    await proxy.up();
    const again = await client();
    again.write('x');
    expect(await nextData(again)).toBe('ack:1');
    again.destroy();
  });

  it('cuts before the server sees the publish when not delivered', async () => {
    const socket = await client();
    const closed = once(socket, 'close');
    const cut = proxy.cutNextPublish({ minBytes: 6, delivered: false });
    socket.write('abc');
    socket.write('defgh');
    await cut;
    await closed;
    expect(received).toEqual([]);
  });

  it('lets the server take the publish and loses only its answer when delivered', async () => {
    const socket = await client();
    const answers: string[] = [];
    socket.on('data', (chunk) => answers.push(String(chunk)));
    const closed = once(socket, 'close');
    const cut = proxy.cutNextPublish({ minBytes: 4, delivered: true });
    socket.write('abcd');
    await cut;
    await closed;
    expect(Buffer.concat(received).toString()).toBe('abcd');
    expect(answers).toEqual([]);
  });
});
