import { useConnectionState, useQueueStatus, useReplica } from '@media-sync/react';
import { type FormEvent, useEffect, useState, useSyncExternalStore } from 'react';
import type { Actions } from './actions.js';
import { CATALOG, titleOf } from './catalog.js';
import type { DeviceEngine } from './engine.js';

/** Simulated playback: each tick moves a playing title this far (a minute of film per second). */
const PLAYBACK_STEP_MS = 60_000;

export function App({ engine, actions }: { engine: DeviceEngine; actions: Actions }) {
  const { role, queue } = useSyncExternalStore(engine.parts.subscribe, engine.parts.getSnapshot);
  // A follower sees the leader's writes to the shared IndexedDB only by reading it again.
  const status = useQueueStatus(queue, { pollMs: role === 'leader' ? 2_000 : 300 });
  const connection = useConnectionState(engine.connection);
  const { watchlist, progress } = useReplica(engine.replica);
  const bytes = useSyncExternalStore(engine.bytes.subscribe, engine.bytes.getSnapshot);
  const commands = useSyncExternalStore(engine.commands.subscribe, engine.commands.getSnapshot);
  const [playing, setPlaying] = useState<string | null>(null);
  const [target, setTarget] = useState('');
  const [lastError, setLastError] = useState<string | null>(null);
  const { userId, deviceId } = engine.config;

  const positionOf = (contentId: string) => progress.find((entry) => entry.contentId === contentId)?.positionMs ?? 0;
  const inWatchlist = new Set(watchlist.filter((entry) => entry.member).map((entry) => entry.contentId));
  const report = (promise: Promise<unknown>) =>
    promise.then(
      () => setLastError(null),
      (error: Error) => setLastError(error.message),
    );

  useEffect(() => {
    if (playing === null) return;
    const title = CATALOG.find((entry) => entry.contentId === playing);
    const timer = setInterval(() => {
      const next = Math.min(positionOf(playing) + PLAYBACK_STEP_MS, title?.durationMs ?? Number.MAX_SAFE_INTEGER);
      void report(actions.progress(playing, next, 'playing', title?.durationMs));
    }, 1_000);
    return () => clearInterval(timer);
  });

  const togglePlay = (contentId: string) => {
    const title = CATALOG.find((entry) => entry.contentId === contentId);
    if (playing === contentId) {
      setPlaying(null);
      void report(actions.progress(contentId, positionOf(contentId), 'paused', title?.durationMs));
    } else {
      setPlaying(contentId);
      void report(actions.progress(contentId, positionOf(contentId), 'playing', title?.durationMs));
    }
  };

  const send = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const commandType = String(form.get('commandType') ?? 'play');
    if (target.trim() === '') return;
    void report(actions.sendCommand(target.trim(), commandType, { contentId: playing ?? CATALOG[0].contentId }));
  };

  const savings = bytes.bytesJson === 0 ? null : 100 * (1 - bytes.bytesWire / bytes.bytesJson);

  return (
    <main>
      <header>
        <h1>media-sync</h1>
        <p>
          user <b data-testid="user">{userId}</b> · device <b data-testid="device">{deviceId}</b> · this tab is{' '}
          <b data-testid="role">{role}</b>
          {role === 'follower' ? ' (another tab syncs for this device)' : ''}
        </p>
        <p className={`connection ${connection}`}>
          gateway: <b data-testid="connection">{connection}</b>
        </p>
      </header>

      <section className="counts">
        <div>
          <span data-testid="pending">{status.loaded ? status.pending : '…'}</span> changes not yet synced
        </div>
        <div>
          <span data-testid="dead-lettered">{status.loaded ? status.deadLettered : '…'}</span> could not be saved
        </div>
        <div>
          sent <span data-testid="bytes-wire">{bytes.bytesWire}</span> bytes for{' '}
          <span data-testid="published">{bytes.published}</span> changes in {bytes.frames} frames; as JSON{' '}
          <span data-testid="bytes-json">{bytes.bytesJson}</span> bytes
          {savings === null ? '' : ` (${savings.toFixed(0)} % less)`}
        </div>
        {lastError === null ? null : <div className="error">{lastError}</div>}
      </section>

      <section>
        <h2>Titles</h2>
        <table>
          <tbody>
            {CATALOG.map(({ contentId, title, durationMs }) => (
              <tr key={contentId} data-testid={`title-${contentId}`}>
                <td>{title}</td>
                <td>
                  <button
                    type="button"
                    data-testid={`watchlist-${contentId}`}
                    onClick={() => void report(actions.setInWatchlist(contentId, !inWatchlist.has(contentId)))}
                  >
                    {inWatchlist.has(contentId) ? '− watchlist' : '+ watchlist'}
                  </button>
                </td>
                <td>
                  <button type="button" data-testid={`play-${contentId}`} onClick={() => togglePlay(contentId)}>
                    {playing === contentId ? 'pause' : 'play'}
                  </button>
                </td>
                <td>
                  <progress max={durationMs} value={positionOf(contentId)} />{' '}
                  <span data-testid={`position-${contentId}`}>{Math.round(positionOf(contentId) / 60_000)}</span> min
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section>
        <h2>Watchlist</h2>
        <ul data-testid="watchlist">
          {watchlist
            .filter((entry) => entry.member)
            .map((entry) => (
              <li key={entry.contentId}>{titleOf(entry.contentId)}</li>
            ))}
        </ul>
      </section>

      <section>
        <h2>Send a command to another device</h2>
        <form onSubmit={send}>
          <input
            data-testid="command-target"
            placeholder="device id, e.g. tv"
            value={target}
            onChange={(event) => setTarget(event.target.value)}
          />
          <select name="commandType" data-testid="command-type">
            <option value="play">play</option>
            <option value="pause">pause</option>
          </select>
          <button type="submit" data-testid="command-send">
            send
          </button>
        </form>
        <h2>Commands received</h2>
        <ul data-testid="commands">
          {commands.map((command) => (
            <li key={command.commandId} data-testid={`command-${command.commandId}`}>
              {command.commandType} from {command.sourceDeviceId} · delivered{' '}
              <span data-testid="deliveries">{command.deliveries}</span>×
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
