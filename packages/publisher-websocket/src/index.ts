// The gateway's protocol lives in @media-sync/protocol, beside the rest of the wire schema.
export { GATEWAY_SUBPROTOCOL, TOKEN_SUBPROTOCOL_PREFIX, UNAUTHORIZED_CLOSE_CODE } from '@media-sync/protocol';
export type {
  BackoffOptions,
  ConnectionOptions,
  WebSocketConstructor,
  WebSocketLike,
} from './connection.js';
export { createWebSocketPublisher, type WebSocketPublisher, type WebSocketPublisherOptions } from './publisher.js';
export {
  createWebSocketSubscriber,
  type WebSocketSubscriber,
  type WebSocketSubscriberOptions,
} from './subscriber.js';
