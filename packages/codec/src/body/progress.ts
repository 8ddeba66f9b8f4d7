import type { PlaybackState, ProgressUpdateOperation } from '@media-sync/protocol';
import {
  type BiasedReader,
  type ColumnBytes,
  type RunLengthColumnReader,
  RunLengthColumnWriter,
  SignedColumnWriter,
  type UintColumnReader,
  UintColumnWriter,
} from '../columns.js';
import { type ContextState, type ProgressEntry, predictPosition, progressKey } from '../context.js';
import { CodecError } from '../errors.js';
import { PlaybackStateCode } from '../wire.js';

/**
 * The progress columns (one entry per progress update): position residuals (position minus
 * its prediction, biased), durations (0 = as predicted, 1 = absent, else duration + 2) and
 * playback states (run length). The prediction is the previous update of the same (user,
 * content), in this frame or the context.
 */

const STATES: readonly (PlaybackState | undefined)[] = [undefined, 'playing', 'paused', 'stopped', 'completed'];

interface MutableProgress {
  readonly userId: string;
  readonly contentId: string;
  positionMs: number;
  durationMs: number | null;
  playing: boolean;
  timestamp: number;
}

interface SlotProgress extends MutableProgress {
  readonly userRef: number;
}

/** Frame-local progress key of two table ids: a small integer (fast Map key) in the usual case. */
function idKey(userRef: number, contentRef: number): number {
  return userRef < 0x8000 && contentRef < 0x10000
    ? userRef * 0x10000 + contentRef
    : -(userRef * 2 ** 26 + contentRef) - 1;
}

function keyedByIds(entries: Iterable<MutableProgress>): Map<string, ProgressEntry> {
  const out = new Map<string, ProgressEntry>();
  for (const e of entries) {
    out.set(progressKey(e.userId, e.contentId), {
      positionMs: e.positionMs,
      durationMs: e.durationMs,
      playing: e.playing,
      timestamp: e.timestamp,
    });
  }
  return out;
}

function invalid(i: number, detail: string): CodecError {
  return new CodecError('INVALID_INPUT', 0, `op ${i} has ${detail}`);
}

/**
 * How positions are predicted (Batch.position_prediction), chosen per frame by the encoder as
 * whichever gives the smaller column: 0 = the previous position plus the elapsed time while
 * playing (a player reporting wall-clock progress), 1 = the previous position (the column bias
 * then carries the typical step: players whose positions and report times jitter apart).
 */
export const PositionPrediction = { elapsed: 0, previous: 1 } as const;

export class ProgressColumnsWriter {
  readonly residuals = new SignedColumnWriter();
  /** The same residuals under PositionPrediction.previous. */
  readonly stepResiduals = new SignedColumnWriter();
  readonly durations = new UintColumnWriter();
  readonly states = new RunLengthColumnWriter(PlaybackStateCode.playing);
  private readonly latest = new Map<number, MutableProgress>();
  private context!: ContextState;

  reset(context: ContextState): void {
    this.residuals.reset();
    this.stepResiduals.reset();
    this.durations.reset();
    this.states.reset();
    this.latest.clear();
    this.context = context;
  }

  /** `userRef`/`contentRef` are the table's provisional ids (stable within the frame). */
  write(p: ProgressUpdateOperation, userRef: number, contentRef: number, i: number): void {
    const key = idKey(userRef, contentRef);
    let mine = this.latest.get(key);
    const prev: ProgressEntry | undefined = mine ?? this.context.progress.get(progressKey(p.userId, p.contentId));
    const position = p.positionMs;
    if (!Number.isSafeInteger(position) || position < 0) throw invalid(i, `positionMs ${position}`);
    const timestamp = p.timestamp;
    this.residuals.write(position - predictPosition(prev, timestamp));
    this.stepResiduals.write(position - (prev === undefined ? 0 : prev.positionMs));
    const duration = p.durationMs ?? null;
    if (duration !== null && (!Number.isSafeInteger(duration) || duration < 0))
      throw invalid(i, `durationMs ${duration}`);
    const predictedDuration = prev === undefined ? null : prev.durationMs;
    if (duration === predictedDuration) this.durations.write(0);
    else if (duration === null) this.durations.write(1);
    else this.durations.write(duration <= Number.MAX_SAFE_INTEGER - 2 ? duration + 2 : BigInt(duration) + 2n);
    const state = PlaybackStateCode[p.state];
    if (state === undefined) throw invalid(i, `state ${JSON.stringify(p.state)}`);
    this.states.write(state);
    const playing = state === PlaybackStateCode.playing;
    if (mine === undefined) {
      mine = {
        userId: p.userId,
        contentId: p.contentId,
        positionMs: position,
        durationMs: duration,
        playing,
        timestamp,
      };
      this.latest.set(key, mine);
    } else {
      mine.positionMs = position;
      mine.durationMs = duration;
      mine.playing = playing;
      mine.timestamp = timestamp;
    }
  }

  /** The last progress per (user, content) of the frame, for the next context. */
  updates(): Map<string, ProgressEntry> {
    return keyedByIds(this.latest.values());
  }
}

export interface ProgressColumnBytes {
  readonly prediction: number;
  readonly residuals: ColumnBytes;
  readonly residualBits: ColumnBytes;
  readonly residualBias: number;
  readonly durations: ColumnBytes;
  readonly states: ColumnBytes;
}

export function finishProgress(w: ProgressColumnsWriter): ProgressColumnBytes {
  w.residuals.finish();
  w.stepResiduals.finish();
  // Sizes are counted, not written: only the chosen column is encoded.
  const chosen = w.stepResiduals.size() < w.residuals.size() ? w.stepResiduals : w.residuals;
  return {
    prediction: chosen === w.residuals ? PositionPrediction.elapsed : PositionPrediction.previous,
    residuals: chosen.varintBytes(),
    residualBits: chosen.bitBytes(),
    residualBias: chosen.bias,
    durations: w.durations.bytes(),
    states: w.states.bytes(),
  };
}

export class ProgressColumnsReader {
  /** Progress of this frame by content ref (one user per content is the common case)… */
  private readonly bySlot: (SlotProgress | undefined)[] = [];
  /** …and by (user, content) for the rest. */
  private readonly byKey = new Map<number, SlotProgress>();

  constructor(
    private readonly residuals: BiasedReader,
    private readonly durations: UintColumnReader,
    private readonly states: RunLengthColumnReader,
    private readonly context: ContextState,
    private readonly prediction: number,
  ) {
    if (prediction !== PositionPrediction.elapsed && prediction !== PositionPrediction.previous)
      throw new CodecError('MALFORMED_BODY', residuals.offset, `unknown position prediction ${prediction}`);
  }

  read(userRef: number, contentRef: number, userId: string, contentId: string, timestamp: number) {
    let mine = this.bySlot[contentRef];
    if (mine !== undefined && mine.userRef !== userRef) mine = this.byKey.get(idKey(userRef, contentRef));
    const context = this.context;
    const prev: ProgressEntry | undefined =
      mine ?? (context.progress.size === 0 ? undefined : context.progress.get(progressKey(userId, contentId)));
    const residuals = this.residuals;
    const positionAt = residuals.offset;
    const predicted =
      this.prediction === PositionPrediction.elapsed
        ? predictPosition(prev, timestamp)
        : prev === undefined
          ? 0
          : prev.positionMs;
    const positionMs = predicted + residuals.readBiased();
    if (positionMs < 0 || !Number.isSafeInteger(positionMs))
      throw new CodecError('MALFORMED_BODY', positionAt, `positionMs ${positionMs} out of range`);
    const durations = this.durations;
    const durationAt = durations.offset;
    const d = durations.readWide();
    let durationMs: number | null;
    if (d === 0) durationMs = prev === undefined ? null : prev.durationMs;
    else if (d === 1) durationMs = null;
    else {
      const value = typeof d === 'bigint' ? d - 2n : d - 2;
      if (typeof value === 'bigint' && value > BigInt(Number.MAX_SAFE_INTEGER))
        throw new CodecError('MALFORMED_BODY', durationAt, `durationMs ${value} out of range`);
      durationMs = Number(value);
    }
    const stateAt = this.states.offset;
    const stateCode = this.states.read();
    const state = STATES[stateCode];
    if (state === undefined) throw new CodecError('MALFORMED_BODY', stateAt, `unknown playback state ${stateCode}`);
    const playing = stateCode === PlaybackStateCode.playing;
    if (mine === undefined) {
      const entry = { userRef, userId, contentId, positionMs, durationMs, playing, timestamp };
      if (this.bySlot[contentRef] === undefined) this.bySlot[contentRef] = entry;
      else this.byKey.set(idKey(userRef, contentRef), entry);
    } else {
      mine.positionMs = positionMs;
      mine.durationMs = durationMs;
      mine.playing = playing;
      mine.timestamp = timestamp;
    }
    const op: ProgressUpdateOperation =
      durationMs === null
        ? { type: 'progressUpdate', userId, contentId, positionMs, state, timestamp }
        : { type: 'progressUpdate', userId, contentId, positionMs, durationMs, state, timestamp };
    return op;
  }

  /** The last progress per (user, content) of the frame, for the next context. */
  updates(): Map<string, ProgressEntry> {
    const all: MutableProgress[] = [];
    for (const e of this.bySlot) if (e !== undefined) all.push(e);
    for (const e of this.byKey.values()) all.push(e);
    return keyedByIds(all);
  }
}
