import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AckMessage,
  decodeGatewayMessage,
  encodeGatewayMessage,
  GATEWAY_SUBPROTOCOL,
  type GatewayMessage,
} from '@media-sync/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

export type FrameUpload = Extract<GatewayMessage, { type: 'frame' }>;

export interface FakeGateway {
  readonly url: string;
  /** Every client message, in arrival order. */
  readonly received: GatewayMessage[];
  /** Every upgrade request (URL and subprotocol header), accepted or not. */
  readonly requests: { url: string; protocol: string | undefined }[];
  readonly sockets: Set<WebSocket>;
  /** What to do with each FRAME; default: ack it. */
  onFrame: (message: FrameUpload, socket: WebSocket) => void;
  /** Refuse upgrades with this HTTP status. */
  refuseWith: number | undefined;
  /** Upgrade, then close at once with this code and reason, before the HELLO. */
  closeOnConnect: { code: number; reason: string } | undefined;
  close(): Promise<void>;
}

/** A stand-in for the gateway that speaks the wire protocol and does what each test tells it. */
export async function startFakeGateway(port = 0): Promise<FakeGateway> {
  const wss = new WebSocketServer({
    port,
    host: '127.0.0.1',
    handleProtocols: (protocols) => (protocols.has(GATEWAY_SUBPROTOCOL) ? GATEWAY_SUBPROTOCOL : false),
    verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
      gateway.requests.push({ url: info.req.url ?? '', protocol: info.req.headers['sec-websocket-protocol'] });
      if (gateway.refuseWith === undefined) done(true);
      else done(false, gateway.refuseWith);
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const gateway: FakeGateway = {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received: [],
    requests: [],
    sockets: new Set(),
    refuseWith: undefined,
    closeOnConnect: undefined,
    onFrame: (message, socket) => ack(socket, message.frameId),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of gateway.sockets) socket.terminate();
        wss.close(() => resolve());
      }),
  };
  wss.on('connection', (socket) => {
    gateway.sockets.add(socket);
    socket.on('close', () => gateway.sockets.delete(socket));
    if (gateway.closeOnConnect) {
      socket.close(gateway.closeOnConnect.code, gateway.closeOnConnect.reason);
      return;
    }
    reply(socket, {
      type: 'hello',
      protocol: 2,
      userId: 'u1',
      deviceId: 'tv',
      maxFrameBytes: 1000,
      tokenExpiresAt: Date.now() + 3_600_000,
    });
    socket.on('message', (data: Buffer) => {
      const message = decodeGatewayMessage(new Uint8Array(data));
      gateway.received.push(message);
      if (message.type === 'frame') gateway.onFrame(message, socket);
    });
  });
  return gateway;
}

export function reply(socket: WebSocket, message: GatewayMessage): void {
  socket.send(encodeGatewayMessage(message));
}

export function ack(socket: WebSocket, frameId: number, fields: Partial<Omit<AckMessage, 'type'>> = {}): void {
  reply(socket, {
    type: 'ack',
    frameId,
    firstSeq: 1,
    lastSeq: 1,
    duplicate: false,
    rejected: [],
    rejectedCount: 0,
    rejectedTruncated: false,
    ...fields,
  });
}
