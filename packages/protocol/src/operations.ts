import type { Hlc } from './hlc.js';

/** A JSON value as `JSON.parse` returns it: the shape of a device command's payload. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type PlaybackState = 'playing' | 'paused' | 'stopped' | 'completed';
export const PLAYBACK_STATES: readonly PlaybackState[] = ['playing', 'paused', 'stopped', 'completed'];

export interface WatchlistAddOperation {
  readonly type: 'watchlistAdd';
  readonly userId: string;
  readonly contentId: string;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

export interface WatchlistRemoveOperation {
  readonly type: 'watchlistRemove';
  readonly userId: string;
  readonly contentId: string;
  readonly timestamp: number;
}

export interface ProgressUpdateOperation {
  readonly type: 'progressUpdate';
  readonly userId: string;
  readonly contentId: string;
  /** Integer milliseconds from the start of the title. */
  readonly positionMs: number;
  readonly durationMs?: number;
  readonly state: PlaybackState;
  readonly timestamp: number;
}

export interface DeviceCommandOperation {
  readonly type: 'deviceCommand';
  readonly commandId: string;
  readonly sourceDeviceId: string;
  readonly targetDeviceId: string;
  readonly commandType: string;
  readonly payload: JsonValue;
  readonly timestamp: number;
  /** Epoch milliseconds after which the command is dropped; absent = timestamp + 5 minutes. */
  readonly expiresAt?: number;
}

/** One change a device records, in the canonical JSON form of the spec (§2). */
export type SyncOperation =
  | WatchlistAddOperation
  | WatchlistRemoveOperation
  | ProgressUpdateOperation
  | DeviceCommandOperation;

export type OperationType = SyncOperation['type'];
export const OPERATION_TYPES: readonly OperationType[] = [
  'watchlistAdd',
  'watchlistRemove',
  'progressUpdate',
  'deviceCommand',
];

/** How long a device command stays deliverable when it names no `expiresAt`. */
export const DEFAULT_COMMAND_TTL_MS = 5 * 60 * 1000;

/** When a device command stops being deliverable. */
export function commandExpiresAt(op: DeviceCommandOperation): number {
  return op.expiresAt ?? op.timestamp + DEFAULT_COMMAND_TTL_MS;
}

/** A line of a trace file: an operation and, optionally, the device whose queue holds it. */
export interface TraceEntry {
  readonly deviceId?: string;
  readonly op: SyncOperation;
}

/**
 * An operation as it travels between devices: with the identity `(deviceId, seq)` that every
 * receiver dedupes on and the hybrid logical clock that orders merges.
 */
export interface SequencedOperation {
  readonly deviceId: string;
  /** Per-device sequence number, starting at 1, never reused. */
  readonly seq: number;
  readonly hlc: Hlc;
  readonly op: SyncOperation;
}
