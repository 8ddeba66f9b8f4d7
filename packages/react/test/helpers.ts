import type { ConnectionState, OutgoingFrame, PublishAck, Publisher } from '@media-sync/queue';
import type { ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';

/**
 * Renders `element` into a fresh container of the test's DOM, synchronously. Later updates come
 * from the sources (queue events, publisher state) as they do in a page; tests wait for them.
 */
export async function render(element: ReactNode): Promise<{ container: HTMLElement; root: Root; unmount(): void }> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  flushSync(() => root.render(element));
  return {
    container,
    root,
    unmount: () => {
      root.unmount();
      container.remove();
    },
  };
}

/** Text of the element with `data-testid` = `id`. */
export function textOf(container: HTMLElement, id: string): string | null {
  return container.querySelector(`[data-testid="${id}"]`)?.textContent ?? null;
}

/**
 * A publisher that acks every frame at once, refusing the seqs in `refuse` (as a gateway's ack
 * lists them), with connection state set by the test. The queue around it is the real one.
 */
export function createAckingPublisher(refuse: ReadonlySet<number> = new Set()): Publisher & {
  setState(state: ConnectionState): void;
  readonly listenerCount: number;
} {
  let state: ConnectionState = 'offline';
  const listeners = new Set<(state: ConnectionState) => void>();
  return {
    name: 'acking',
    capabilities: { sessionContext: false, dedupe: true },
    maxFrameBytes: 1 << 20,
    get connectionState() {
      return state;
    },
    get listenerCount() {
      return listeners.size;
    },
    setState(next) {
      state = next;
      for (const listener of listeners) listener(next);
    },
    async publish(frame: OutgoingFrame): Promise<PublishAck> {
      const { metrics } = frame.selfContained();
      const rejected = frame.ops
        .filter((op) => refuse.has(op.seq))
        .map((op) => ({ firstSeq: op.seq, lastSeq: op.seq, code: 'FORBIDDEN_TARGET' }));
      return { duplicate: false, rejected, metrics };
    },
    onConnectionState(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {},
  };
}
