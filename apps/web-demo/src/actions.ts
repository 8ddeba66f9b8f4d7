import type { JsonValue, SyncOperation } from '@media-sync/protocol';
import type { DeviceEngine } from './engine.js';

/** The edits the page makes, as ops (§2). Each resolves once the op is durable in IndexedDB. */
export function actionsOf(engine: DeviceEngine) {
  const { userId, deviceId } = engine.config;
  return {
    setInWatchlist(contentId: string, member: boolean): Promise<void> {
      const type = member ? 'watchlistAdd' : 'watchlistRemove';
      return engine.record([{ type, userId, contentId, timestamp: Date.now() }]);
    },
    progress(
      contentId: string,
      positionMs: number,
      state: 'playing' | 'paused' | 'stopped' | 'completed',
      durationMs?: number,
    ): Promise<void> {
      const op: SyncOperation = {
        type: 'progressUpdate',
        userId,
        contentId,
        positionMs: Math.max(0, Math.round(positionMs)),
        state,
        timestamp: Date.now(),
        ...(durationMs === undefined ? {} : { durationMs }),
      };
      return engine.record([op]);
    },
    sendCommand(targetDeviceId: string, commandType: string, payload: JsonValue = null): Promise<string> {
      const commandId = crypto.randomUUID();
      return engine
        .record([
          {
            type: 'deviceCommand',
            commandId,
            sourceDeviceId: deviceId,
            targetDeviceId,
            commandType,
            payload,
            timestamp: Date.now(),
          },
        ])
        .then(() => commandId);
    },
  };
}

export type Actions = ReturnType<typeof actionsOf>;
