import { readFrameHeader } from '@media-sync/codec';
import { type AckMessage, commandExpiresAt, type SequencedOperation } from '@media-sync/protocol';
import type { Delivery } from './delivery.js';
import type { GatewayLimits } from './limits.js';
import { codedRanges } from './seq-ranges.js';
import type { Counters, Session } from './session.js';
import type { GatewayStore, StoredRejection } from './store.js';
import type { UserCache } from './user-cache.js';

/** Why the gateway refused one op. */
export type RejectCode =
  /** The op names another user than the token's. */
  | 'FORBIDDEN_USER'
  /** The frame or command comes from another device than the token's. */
  | 'FORBIDDEN_DEVICE'
  /** The command targets a device of another user. */
  | 'FORBIDDEN_TARGET'
  /** The op's HLC is further ahead of the gateway's clock than it allows (§3 maxDriftMs). */
  | 'CLOCK_DRIFT';

type Verdict = StoredRejection;

/**
 * Decode, authorise, dedupe, merge and commit one frame (SPEC §9). Synchronous from the bytes to
 * the ACK: a frame is never half done, whatever happens to its connection.
 */
export class Ingest {
  readonly #store: GatewayStore;
  readonly #users: UserCache;
  readonly #delivery: Delivery;
  readonly #counters: Counters;
  readonly #limits: GatewayLimits;
  readonly #now: () => number;

  constructor(deps: {
    store: GatewayStore;
    users: UserCache;
    delivery: Delivery;
    counters: Counters;
    limits: GatewayLimits;
    now: () => number;
  }) {
    this.#store = deps.store;
    this.#users = deps.users;
    this.#delivery = deps.delivery;
    this.#counters = deps.counters;
    this.#limits = deps.limits;
    this.#now = deps.now;
  }

  /** The ACK of one frame, after it is durable. Throws CodecError on bad bytes, anything else on a store failure. */
  ingest(session: Session, frameId: number, bytes: Uint8Array): AckMessage {
    const decodeLimits = this.#limits.decode;
    const header = readFrameHeader(bytes, decodeLimits);
    const { userId, deviceId } = session;
    const ack = (duplicate: boolean, verdicts: readonly Verdict[], carried?: readonly number[]): AckMessage =>
      this.#ack(frameId, header.firstSeq, header.lastSeq, duplicate, verdicts, carried);
    if (header.deviceId !== deviceId) {
      const { ops } = session.decoder.decode(bytes, { limits: decodeLimits });
      this.#counters.opsRejected += ops.length;
      const seqs = ops.map((entry) => entry.seq);
      return ack(
        false,
        ops.map((entry) => ({ seq: entry.seq, code: 'FORBIDDEN_DEVICE', reason: '' })),
        seqs,
      );
    }
    const highSeq = this.#store.highSeq(userId, deviceId);
    // A re-sent frame is acknowledged from its header alone: its seqs are contiguous, at or
    // below the device's high-water mark and all settled (an indexed range count), and it repeats
    // the rejections it got the first time. A frame with seq gaps (requeued dead letters 3 and 6
    // around settled 4 and 5) can reach its op count with seqs it does not carry, so it is
    // decoded and checked seq by seq, as are seqs below the mark that were never settled.
    const rangeSize = header.lastSeq - header.firstSeq + 1;
    if (
      header.lastSeq <= highSeq &&
      rangeSize === header.opCount &&
      this.#store.countSettled(userId, deviceId, header.firstSeq, header.lastSeq) >= rangeSize
    ) {
      this.#counters.framesDuplicate += 1;
      this.#counters.opsDuplicate += header.opCount;
      return ack(true, this.#store.rejections(userId, deviceId, header.firstSeq, header.lastSeq));
    }
    const { ops } = session.decoder.decode(bytes, { limits: decodeLimits });
    const now = this.#now();
    const rejected: Verdict[] = [];
    const stateOps: SequencedOperation[] = [];
    const commands: { entry: SequencedOperation; targetDeviceId: string; expiresAt: number }[] = [];
    const settledSeqs: number[] = [];
    const duplicateSeqs = new Set<number>();
    for (const entry of ops) {
      if (entry.seq <= highSeq && this.#store.isSettled(userId, deviceId, entry.seq)) {
        duplicateSeqs.add(entry.seq);
        continue;
      }
      settledSeqs.push(entry.seq);
      const verdict = this.#authorize(session, entry) ?? this.#checkClock(entry, now);
      if (verdict) {
        rejected.push(verdict);
        continue;
      }
      if (entry.op.type === 'deviceCommand') {
        const expiresAt = commandExpiresAt(entry.op);
        if (expiresAt < now) this.#counters.commandsExpired += 1;
        else commands.push({ entry, targetDeviceId: entry.op.targetDeviceId, expiresAt });
      } else {
        stateOps.push(entry);
      }
    }
    const user = this.#users.get(userId);
    const fresh = user.apply(stateOps);
    user.sinceSnapshot += fresh.length;
    const takeSnapshot = user.sinceSnapshot >= this.#limits.snapshotEvery;
    const result = this.#store.writeFrame(
      {
        userId,
        deviceId,
        highSeq: ops.reduce((high, entry) => Math.max(high, entry.seq), header.lastSeq),
        stateOps: fresh,
        commands,
        rejected,
        settledSeqs,
        ...(takeSnapshot ? { snapshot: () => JSON.stringify(user.replica) } : {}),
      },
      user.head,
    );
    user.head = result.headLogSeq;
    if (takeSnapshot) user.sinceSnapshot = 0;
    this.#counters.framesAccepted += 1;
    this.#counters.opsApplied += fresh.length + commands.length;
    this.#counters.opsDuplicate += duplicateSeqs.size + (stateOps.length - fresh.length);
    this.#counters.opsRejected += rejected.length;
    this.#counters.commandsStored += commands.length;
    if (fresh.length > 0) this.#delivery.fanOut(userId, deviceId, fresh, result.headLogSeq);
    commands.forEach((command, i) => {
      const id = result.commandIds[i];
      if (id !== undefined) this.#delivery.sendCommand(userId, command.targetDeviceId, id, command.entry);
    });
    // An op settled earlier is acknowledged again with the rejection it got then; otherwise the
    // client would count a refused op as delivered.
    const repeated =
      duplicateSeqs.size === 0
        ? []
        : this.#store
            .rejections(userId, deviceId, header.firstSeq, header.lastSeq)
            .filter((stored) => duplicateSeqs.has(stored.seq));
    const verdicts = repeated.length === 0 ? rejected : [...repeated, ...rejected].sort((a, b) => a.seq - b.seq);
    return ack(
      false,
      verdicts,
      ops.map((entry) => entry.seq),
    );
  }

  #ack(
    frameId: number,
    firstSeq: number,
    lastSeq: number,
    duplicate: boolean,
    verdicts: readonly Verdict[],
    carried: readonly number[] | undefined,
  ): AckMessage {
    const ranges = codedRanges(verdicts, carried);
    const cap = this.#limits.maxAckRanges;
    return {
      type: 'ack',
      frameId,
      firstSeq,
      lastSeq,
      duplicate,
      rejected: ranges.length > cap ? ranges.slice(0, cap) : ranges,
      rejectedCount: verdicts.length,
      rejectedTruncated: ranges.length > cap,
    };
  }

  #checkClock(entry: SequencedOperation, now: number): Verdict | undefined {
    if (entry.hlc.physicalMs <= now + this.#limits.maxDriftMs) return undefined;
    return { seq: entry.seq, code: 'CLOCK_DRIFT', reason: '' };
  }

  /** Undefined when the device may publish this op; the rejection otherwise. */
  #authorize(session: Session, entry: SequencedOperation): Verdict | undefined {
    const { op } = entry;
    const reject = (code: RejectCode): Verdict => ({ seq: entry.seq, code, reason: '' });
    if (entry.deviceId !== session.deviceId) return reject('FORBIDDEN_DEVICE');
    if (op.type !== 'deviceCommand') return op.userId === session.userId ? undefined : reject('FORBIDDEN_USER');
    if (op.sourceDeviceId !== session.deviceId) return reject('FORBIDDEN_DEVICE');
    // Device ids are names within a user; a target known only under other users is theirs.
    const owners = this.#store.deviceOwners(op.targetDeviceId);
    if (owners.length > 0 && !owners.includes(session.userId)) return reject('FORBIDDEN_TARGET');
    return undefined;
  }
}
