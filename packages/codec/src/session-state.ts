import type { ContextState, ProgressEntry } from './context.js';
import { EMPTY_CONTEXT, progressKey } from './context.js';
import type { SessionProgress, SessionState } from './types.js';

export function toSessionState(context: ContextState): SessionState {
  const progress: SessionProgress[] = [];
  for (const [key, entry] of context.progress) {
    const split = key.indexOf('\u0000');
    progress.push({ userId: key.slice(0, split), contentId: key.slice(split + 1), ...entry });
  }
  return {
    version: context.version,
    strings: [...context.strings],
    progress,
    lastTimestamp: context.lastTimestamp,
    lastInterval: context.lastInterval,
    lastUserRef: context.lastUserRef,
    lastContentRef: context.lastContentRef,
    lastSeq: context.lastSeq,
  };
}

function isSafe(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n);
}

/** Rebuilds a context from `toSessionState` output; anything malformed is a TypeError (API misuse). */
export function fromSessionState(state: SessionState): ContextState {
  if (typeof state !== 'object' || state === null) throw new TypeError('session state must be an object');
  const { version, strings, progress, lastTimestamp } = state;
  const lastInterval = state.lastInterval ?? 0;
  if (!isSafe(lastInterval)) throw new TypeError(`session state lastInterval ${lastInterval} is invalid`);
  const lastUserRef = state.lastUserRef ?? 0;
  const lastContentRef = state.lastContentRef ?? EMPTY_CONTEXT.lastContentRef;
  const lastSeq = state.lastSeq ?? 0;
  if (!isSafe(lastSeq) || lastSeq < 0) throw new TypeError(`session state lastSeq ${lastSeq} is invalid`);
  for (const ref of [lastUserRef, lastContentRef]) {
    // 0 and 1 are the starting refs of an empty context (a prediction, not yet an index).
    if (!isSafe(ref) || ref < 0 || (ref > 1 && ref >= strings.length))
      throw new TypeError(`session state ref ${ref} is invalid`);
  }
  if (!isSafe(version) || version < 0 || version > 0xffffffff)
    throw new TypeError(`session state version ${version} is invalid`);
  if (!Array.isArray(strings) || !strings.every((s) => typeof s === 'string' && s.length > 0)) {
    throw new TypeError('session state strings must be non-empty strings');
  }
  if (!isSafe(lastTimestamp) || lastTimestamp < 0)
    throw new TypeError(`session state lastTimestamp ${lastTimestamp} is invalid`);
  if (!Array.isArray(progress)) throw new TypeError('session state progress must be an array');
  const index = new Map<string, number>();
  strings.forEach((s, i) => {
    if (index.has(s)) throw new TypeError(`session state string ${JSON.stringify(s)} appears twice`);
    index.set(s, i);
  });
  const entries = new Map<string, ProgressEntry>();
  for (const p of progress) {
    if (
      typeof p.userId !== 'string' ||
      typeof p.contentId !== 'string' ||
      !isSafe(p.positionMs) ||
      p.positionMs < 0 ||
      !(p.durationMs === null || (isSafe(p.durationMs) && p.durationMs >= 0)) ||
      typeof p.playing !== 'boolean' ||
      !isSafe(p.timestamp)
    ) {
      throw new TypeError('session state progress entry is invalid');
    }
    entries.set(progressKey(p.userId, p.contentId), {
      positionMs: p.positionMs,
      durationMs: p.durationMs,
      playing: p.playing,
      timestamp: p.timestamp,
    });
  }
  return {
    version,
    strings: [...strings],
    index,
    progress: entries,
    lastTimestamp,
    lastInterval,
    lastUserRef,
    lastContentRef,
    lastSeq,
  };
}
