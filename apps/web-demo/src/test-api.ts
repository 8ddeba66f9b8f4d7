import type { Actions } from './actions.js';
import type { DeviceEngine } from './engine.js';

/** What the browser tests read and drive (`window.mediaSyncDemo`); the page's buttons use the same actions. */
export interface DemoTestApi {
  readonly actions: Actions;
  view(): Promise<DemoView>;
  /** Many edits in one call, each its own durable enqueue (as many clicks would be). */
  edits(list: readonly Edit[]): Promise<void>;
  /** Arms a wait for the leader's next `count` acknowledged frames; `published` resolves then. */
  awaitFrames(count: number): void;
  published: Promise<void> | undefined;
  /**
   * Makes this leader store the next forwarded edit and never confirm it, as if its tab closed in
   * between; `forwardStored` resolves once that edit is durable.
   */
  withholdNextConfirmation(): void;
  forwardStored: Promise<void> | undefined;
}

export type Edit =
  | { readonly kind: 'watchlist'; readonly contentId: string; readonly member: boolean }
  | { readonly kind: 'progress'; readonly contentId: string; readonly positionMs: number };

export interface DemoView {
  readonly role: string;
  readonly connection: string;
  readonly pending: number;
  readonly deadLettered: number;
  readonly lastSeq: number;
  /** The replica's listings, as the gateway's `stateOf` has them. */
  readonly watchlist: ReadonlyArray<{ contentId: string; member: boolean }>;
  readonly progress: ReadonlyArray<{ contentId: string; positionMs: number }>;
  readonly commands: ReadonlyArray<{ commandId: string; deliveries: number; sourceDeviceId: string }>;
  readonly bytesWire: number;
  readonly bytesJson: number;
}

export function exposeForTests(engine: DeviceEngine, actions: Actions): void {
  const api: DemoTestApi = {
    actions,
    published: undefined,
    forwardStored: undefined,
    withholdNextConfirmation() {
      api.forwardStored = new Promise((resolve) => {
        engine.onForwardStored = () => {
          engine.onForwardStored = undefined;
          resolve();
          return false;
        };
      });
    },
    awaitFrames(count) {
      const queue = engine.queue;
      if (queue === null || engine.role !== 'leader') throw new Error('only the leader tab publishes frames');
      api.published = new Promise((resolve) => {
        let seen = 0;
        const off = queue.on('framePublished', () => {
          seen += 1;
          if (seen < count) return;
          off();
          resolve();
        });
      });
    },
    async edits(list) {
      for (const edit of list) {
        if (edit.kind === 'watchlist') await actions.setInWatchlist(edit.contentId, edit.member);
        else await actions.progress(edit.contentId, edit.positionMs, 'paused');
      }
    },
    async view() {
      const status = (await engine.queue?.status()) ?? { pending: -1, deadLettered: -1, lastSeq: -1 };
      const replica = engine.replica.replica;
      const bytes = engine.bytes.getSnapshot();
      return {
        role: engine.role,
        connection: engine.connection.connectionState,
        pending: status.pending,
        deadLettered: status.deadLettered,
        lastSeq: status.lastSeq,
        watchlist: replica
          .watchlist({ includeTombstones: true })
          .map(({ contentId, member }) => ({ contentId, member })),
        progress: replica.progress().map(({ contentId, positionMs }) => ({ contentId, positionMs })),
        commands: engine.commands
          .getSnapshot()
          .map(({ commandId, deliveries, sourceDeviceId }) => ({ commandId, deliveries, sourceDeviceId })),
        bytesWire: bytes.bytesWire,
        bytesJson: bytes.bytesJson,
      };
    },
  };
  (globalThis as { mediaSyncDemo?: DemoTestApi }).mediaSyncDemo = api;
}
