/**
 * Session context (§5): what both ends of an acknowledged link hold after a frame — the id
 * table and the last progress per (user, content) — under a version that names it. A frame
 * with context refers to the table by index and predicts progress from these entries.
 */
export interface ProgressEntry {
  readonly positionMs: number;
  /** null when the op carried no durationMs. */
  readonly durationMs: number | null;
  readonly playing: boolean;
  readonly timestamp: number;
}

export interface ContextState {
  readonly version: number;
  readonly strings: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Keyed by progressKey(userId, contentId). */
  readonly progress: ReadonlyMap<string, ProgressEntry>;
  /** Timestamp of the last op the context has seen (0 for none). */
  readonly lastTimestamp: number;
  /** The last interval between ops it has seen; predicts the next frame's first timestamp. */
  readonly lastInterval: number;
  /** Table indices of the last user and content ids referenced; ref deltas start from them. */
  readonly lastUserRef: number;
  readonly lastContentRef: number;
  /** The last seq the context has seen (0 for none): a session frame may leave out the next one. */
  readonly lastSeq: number;
}

/** Bounds on what a context may hold; past them the next context restarts from the frame alone. */
export const MAX_CONTEXT_STRINGS = 4096;
export const MAX_CONTEXT_PROGRESS = 4096;

export const EMPTY_CONTEXT: ContextState = {
  version: 0,
  strings: [],
  index: new Map(),
  progress: new Map(),
  lastTimestamp: 0,
  lastInterval: 0,
  lastUserRef: 0,
  // Without context, a frame's first content id is predicted to be the second string it
  // introduces (after the op's user id): a self-contained one-op frame then needs no ref column.
  lastContentRef: 1,
  lastSeq: 0,
};

let lastUserContext: ContextState = EMPTY_CONTEXT;

/**
 * What a user-bound frame's body builds on: a table of its user alone (entry 0, the user ref
 * every op predicts), nothing else; version 0, as without context. The last one is kept, as a
 * receiver decodes frame after frame of the same user.
 */
export function userContext(userId: string): ContextState {
  if (lastUserContext.strings[0] !== userId)
    lastUserContext = { ...EMPTY_CONTEXT, strings: [userId], index: new Map([[userId, 0]]) };
  return lastUserContext;
}

export function progressKey(userId: string, contentId: string): string {
  return `${userId}\u0000${contentId}`;
}

/** Position predicted for an update at `timestamp` from the previous one (§5); clamped so residuals stay safe. */
export function predictPosition(prev: ProgressEntry | undefined, timestamp: number): number {
  if (prev === undefined) return 0;
  const predicted = prev.playing ? prev.positionMs + (timestamp - prev.timestamp) : prev.positionMs;
  if (predicted < 0) return 0;
  return Math.min(predicted, Number.MAX_SAFE_INTEGER);
}

/**
 * The next context version: a 28-bit chain hash of the base version and the body, never 0
 * (28 bits fit a 4-byte varint; the sender refuses to adopt a version two frames collide on).
 * Both ends derive it, so a stale table left by an earlier sender cannot be mistaken for it.
 */
export function nextVersion(base: number, bodyCrc: number): number {
  let h = (Math.imul(base ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(Math.floor(base / 0x100000000), 0xc2b2ae35)) >>> 0;
  h = (Math.imul(h ^ (h >>> 16), 0x7feb352d) ^ bodyCrc) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  h >>>= 4;
  return h === 0 ? 1 : h;
}
