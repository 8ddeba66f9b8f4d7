import {
  type ConnectionState,
  type OutgoingFrame,
  type PublishAck,
  type Publisher,
  PublisherError,
} from '@media-sync/queue';

/**
 * The queue's publisher for the page's whole life, in front of the WebSocket publisher of the
 * moment. The page drops its link when the browser goes offline and opens a fresh one at once on
 * `online` or when it becomes visible again, instead of waiting out a reconnect timer; the queue,
 * its auto-replay and the views keep this one object throughout.
 */
export class LinkPublisher implements Publisher {
  readonly name = 'websocket-link';
  readonly capabilities = { sessionContext: true, dedupe: true } as const;
  #current: Publisher | undefined;
  #offCurrent: (() => void) | undefined;
  #state: ConnectionState = 'offline';
  readonly #listeners = new Set<(state: ConnectionState) => void>();

  get maxFrameBytes(): number {
    return this.#current?.maxFrameBytes ?? 1 << 20;
  }

  get connectionState(): ConnectionState {
    return this.#state;
  }

  get current(): Publisher | undefined {
    return this.#current;
  }

  /** Sends through `publisher` from now on (`undefined`: offline, publishes fail `UNAVAILABLE`). */
  use(publisher: Publisher | undefined): void {
    this.#offCurrent?.();
    this.#current = publisher;
    this.#offCurrent = publisher?.onConnectionState((state) => this.#setState(state));
    this.#setState(publisher?.connectionState ?? 'offline');
  }

  publish(frame: OutgoingFrame, options?: { readonly signal?: AbortSignal }): Promise<PublishAck> {
    const current = this.#current;
    if (current === undefined) {
      return Promise.reject(new PublisherError('UNAVAILABLE', 'no link to the gateway: the browser is offline'));
    }
    return current.publish(frame, options);
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    const current = this.#current;
    this.use(undefined);
    await current?.close();
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    for (const listener of [...this.#listeners]) listener(state);
  }
}
