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
export {
  type AckBody,
  decodeMessage,
  type ErrorBody,
  encodeJsonMessage,
  encodeMessage,
  type GatewayMessage,
  type HelloBody,
  MessageKind,
  type RejectCode,
  readJson,
  SUBPROTOCOL,
  TOKEN_SUBPROTOCOL_PREFIX,
  UNAUTHORIZED_CLOSE_CODE,
} from './wire.js';
