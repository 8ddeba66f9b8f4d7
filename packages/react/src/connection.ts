import type { ConnectionState, Publisher } from '@media-sync/queue';
import type { ExternalSource } from './external-source.js';

/** The publisher's `connectionState`, following `onConnectionState`. No publisher reads `offline`. */
export function createConnectionSource(
  publisher: Pick<Publisher, 'connectionState' | 'onConnectionState'> | null | undefined,
): ExternalSource<ConnectionState> {
  if (publisher == null) return { subscribe: () => () => {}, getSnapshot: () => 'offline' };
  return {
    subscribe: (listener) => publisher.onConnectionState(() => listener()),
    getSnapshot: () => publisher.connectionState,
  };
}
