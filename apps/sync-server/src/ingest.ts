import { CodecError, type FrameHeader } from '@media-sync/codec';
import {
  type AckMessage,
  commandExpiresAt,
  MAX_STRING_BYTES,
  type SequencedOperation,
  utf8Length,
} from '@media-sync/protocol';
import type { Delivery } from './delivery.js';
import { SyncServerError } from './errors.js';
import type { GatewayLimits } from './limits.js';
import type { SyncServerLogger } from './logger.js';
import type { DeviceBudgets } from './quotas.js';
import { type CodedRange, codedRanges, contains, normalize, type SeqRange, size, subtract } from './seq-ranges.js';
import { type Counters, countRejectedOps, type Session, send } from './session.js';
import type { FrameWrite, FrameWriteResult, GatewayStore } from './store.js';
import { storableId } from './token.js';
import type { UserCache } from './user-cache.js';
import type { UserState } from './user-state.js';

/** Why the gateway refused one op. */
export type RejectCode =
  /** The op names another user than the token's. */
  | 'FORBIDDEN_USER'
  /** The frame or command comes from another device than the token's. */
  | 'FORBIDDEN_DEVICE'
  /** The op's HLC names another node than the token's device (it would win ties unfairly, §3). */
  | 'FORBIDDEN_NODE'
  /** The op's HLC is further ahead of the gateway's clock than it allows (§3 maxDriftMs). */
  | 'CLOCK_DRIFT'
  /** The sender declared the seq skipped (coalesced, expired) in an earlier frame. */
  | 'SKIPPED'
  /**
   * A command to a device id no token can name (a NUL or a lone surrogate): no device could ever
   * take it, and PostgreSQL cannot store the id (the frame would fail, and be re-sent, for ever).
   */
  | 'INVALID_TARGET';

/** A frame checked and merged in memory, waiting for the group commit before its ACK. */
interface PendingFrame {
  readonly session: Session;
  readonly write: FrameWrite;
  readonly ack: AckMessage;
  /**
   * The write's state ops pass §2 validation as they are: the codec decoded them under limits
   * within §2's (ids of at most 256 UTF-8 bytes, read from the frame and checked there) and
   * every other field they carry is the token's own (its device id a §2 id too), so the merge
   * does not validate them again.
   */
  readonly stateOpsAreValid: boolean;
}

function deviceKey(session: Session): string {
  return `${session.userId}\u0000${session.deviceId}`;
}

interface Verdict {
  readonly seq: number;
  readonly code: RejectCode;
}

/**
 * Decode, authorise, dedupe, commit and merge one frame (SPEC §9). A frame is never half done,
 * whatever happens to its connection: it is committed whole (or not at all) before its ACK, and
 * merged into the in-memory replica only once committed.
 *
 * Dedupe has one authority: the store's settled seq ranges per (user, device). A seq is settled
 * once, in the transaction that logs it (or stores its command, or its rejection), and that
 * transaction checks the seqs again, so an ACK without a rejection always means the op is in the
 * log exactly once, even when another gateway received the same frame at the same time.
 *
 * Commits are serial: while one group commits, the next one gathers.
 */
export class Ingest {
  readonly #store: GatewayStore;
  readonly #users: UserCache;
  readonly #delivery: Delivery;
  readonly #counters: Counters;
  readonly #limits: GatewayLimits;
  readonly #now: () => number;
  readonly #log: SyncServerLogger;
  readonly #groupCommit: boolean;
  readonly #budgets: DeviceBudgets;
  /**
   * The decoder refuses every string §2 refuses: its limit on string bytes is §2's or lower
   * (a gateway configured with longer strings has its ops validated before they are merged).
   */
  readonly #decoderWithinSpec: boolean;
  readonly #pending: PendingFrame[] = [];
  /** `userId deviceId` of every device with a frame in `#pending`. */
  readonly #pendingDevices = new Set<string>();
  #flushScheduled = false;
  /** The commits so far, one after another: a flush waits for the one before it. */
  #commits: Promise<void> = Promise.resolve();

  constructor(deps: {
    store: GatewayStore;
    users: UserCache;
    delivery: Delivery;
    counters: Counters;
    limits: GatewayLimits;
    now: () => number;
    log: SyncServerLogger;
    groupCommit: boolean;
    budgets: DeviceBudgets;
  }) {
    this.#budgets = deps.budgets;
    this.#store = deps.store;
    this.#users = deps.users;
    this.#delivery = deps.delivery;
    this.#counters = deps.counters;
    this.#limits = deps.limits;
    this.#now = deps.now;
    this.#log = deps.log;
    this.#groupCommit = deps.groupCommit;
    this.#decoderWithinSpec = deps.limits.decode.maxStringBytes <= MAX_STRING_BYTES;
  }

  /**
   * Handles one FrameUpload: answers a bad frame with ERROR at once, a re-send or a frame that
   * changes nothing with its ACK at once, and queues any other frame's writes for the next group
   * commit, whose ACKs go out once the commit is durable. Resolves once the frame is answered or
   * queued; never rejects. The caller hands a connection's next frame over only after that.
   */
  async receive(session: Session, frameId: number, bytes: Uint8Array): Promise<void> {
    const started = performance.now();
    let prepared: AckMessage | PendingFrame;
    try {
      prepared = await this.#prepare(session, frameId, bytes);
    } catch (error) {
      this.#counters.framesFailed += 1;
      if (error instanceof CodecError) {
        send(session, {
          type: 'error',
          frameId,
          code: error.code,
          message: error.message,
          ...(error.offset === undefined ? {} : { offset: error.offset }),
        });
      } else if (error instanceof SyncServerError) {
        // A device bound (RATE_LIMITED, QUOTA_EXCEEDED): nothing of the frame was stored.
        send(session, { type: 'error', frameId, code: error.code, message: error.message });
      } else {
        // A store failure while reading (an outage): nothing was changed, and INTERNAL tells the
        // client to send the frame again later rather than give its ops up.
        this.#log.error({ deviceId: session.deviceId, error: String(error) }, 'frame not read');
        send(session, {
          type: 'error',
          frameId,
          code: 'INTERNAL',
          message: "the gateway's store did not answer (nothing was stored); send the frame again later",
        });
      }
      return;
    } finally {
      this.#counters.ingestMs += performance.now() - started;
    }
    if ('type' in prepared) {
      send(session, prepared);
      return;
    }
    this.#queue(prepared);
  }

  /**
   * Commits every queued frame (in one transaction with group commit; one sync with
   * `synchronous = FULL`), then merges, fans out, delivers commands and sends the ACKs. A frame
   * whose commit fails gets INTERNAL (the client sends it again later). Waits for the commits
   * before it.
   */
  flush(): Promise<void> {
    this.#commits = this.#commits.then(() => this.#flushQueued());
    return this.#commits;
  }

  async #flushQueued(): Promise<void> {
    const pending = this.#pending.splice(0);
    this.#pendingDevices.clear();
    this.#flushScheduled = false;
    if (pending.length === 0) return;
    if (this.#groupCommit) {
      await this.#commit(pending);
      return;
    }
    for (const frame of pending) await this.#commit([frame]);
  }

  async #commit(group: readonly PendingFrame[]): Promise<void> {
    const started = performance.now();
    const userIds = new Set(group.map((frame) => frame.session.userId));
    try {
      const users = new Map<string, UserState>();
      let outcomes: PromiseSettledResult<FrameWriteResult>[];
      try {
        // Loaded before the commit: its head tells whether another writer came in between.
        // (A queued frame pins its user, so a cached state needs no LRU touch.)
        // Users not in memory load together (and began loading when their frame was queued): one
        // after another, a group of users new to this gateway waits a store round trip or two each.
        await Promise.all(
          [...userIds].map(async (userId) => {
            users.set(userId, this.#users.peek(userId) ?? (await this.#users.get(userId)));
          }),
        );
        const snapshots = [...users.values()]
          .filter((user) => user.sinceSnapshot >= this.#limits.snapshotEvery)
          .map((user) => ({ userId: user.userId, logSeq: user.head, state: () => JSON.stringify(user.replica) }));
        outcomes = await this.#store.writeFrames(
          group.map((frame) => frame.write),
          snapshots,
        );
        if (outcomes.some((outcome) => outcome.status === 'fulfilled')) {
          this.#counters.commits += 1;
          for (const snapshot of snapshots) (users.get(snapshot.userId) as UserState).sinceSnapshot = 0;
        }
      } catch (error) {
        outcomes = group.map(() => ({ status: 'rejected', reason: error }));
      }
      for (const [i, frame] of group.entries()) {
        const outcome = outcomes[i] as PromiseSettledResult<FrameWriteResult>;
        const user = users.get(frame.session.userId);
        if (outcome.status === 'rejected' || user === undefined) {
          this.#failed(frame, outcome.status === 'rejected' ? outcome.reason : 'user not loaded');
          continue;
        }
        await this.#committed(frame, user, outcome.value);
      }
    } finally {
      for (const frame of group) this.#users.disconnected(frame.session.userId);
      this.#counters.ingestMs += performance.now() - started;
    }
  }

  /** A committed frame: merged into the user's replica, fanned out, its commands sent, acknowledged. */
  async #committed(frame: PendingFrame, user: UserState, result: FrameWriteResult): Promise<void> {
    const { userId, deviceId } = frame.session;
    try {
      const catchingUp = user.committed(this.#store, result, { loggedAreValid: frame.stateOpsAreValid });
      if (catchingUp !== undefined) await catchingUp;
    } catch (error) {
      // The frame is stored; only the cache could not follow: it is rebuilt on next use.
      this.#users.drop(userId);
      this.#log.error({ userId, error: String(error) }, 'user state not updated after a commit');
    }
    this.#counters.framesAccepted += 1;
    this.#budgets.stored(userId, deviceId, result.storedBytes);
    // A subscriber whose cursor is not at `previousHead` (another writer's ops came in between)
    // is caught up from the store by the delivery instead.
    if (result.logged.length > 0) this.#delivery.fanOut(userId, deviceId, result.logged, result.headLogSeq);
    for (const command of result.commands) {
      this.#delivery.sendCommand(userId, command.targetDeviceId, command.id, command.entry);
    }
    send(frame.session, frame.ack);
  }

  #failed(frame: PendingFrame, reason: unknown): void {
    this.#counters.framesFailed += 1;
    this.#log.error({ deviceId: frame.session.deviceId, error: String(reason) }, 'frame not stored');
    // INTERNAL: the client keeps the ops and sends the frame again later (an outage never
    // dead-letters them); if the commit did happen, the re-send is acknowledged as a duplicate.
    send(frame.session, {
      type: 'error',
      frameId: frame.ack.frameId,
      code: 'INTERNAL',
      message: "the gateway's store did not commit the frame; send it again later",
    });
  }

  #queue(frame: PendingFrame): void {
    // An accepted frame ends a run of bad ones now, though its ACK waits for the commit.
    frame.session.flow.noteAck();
    this.#pending.push(frame);
    this.#pendingDevices.add(deviceKey(frame.session));
    // Pinned like a connected user: the cache must not drop a state whose writes are pending.
    this.#users.connected(frame.session.userId);
    // Loaded while the group gathers and the commit before runs, not at the group's commit. A
    // failed load is tried again there (and fails the frame with INTERNAL if it fails again).
    if (this.#users.peek(frame.session.userId) === undefined) {
      this.#users.get(frame.session.userId).catch(() => {});
    }
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      // Every frame that arrives in this turn of the event loop (or while the commit before
      // runs) joins the same commit.
      setImmediate(() => void this.flush());
    }
  }

  /** The ACK when nothing is to be written; otherwise the frame's write, for the commit. */
  async #prepare(session: Session, frameId: number, bytes: Uint8Array): Promise<AckMessage | PendingFrame> {
    // Session frames carry no device id: the session's decoder (bound to the authenticated
    // device) verifies them; self-contained frames verify alone.
    const header = session.decoder.readHeader(bytes, { limits: this.#limits.decode });
    // No op is bigger than maxOpBodyBytes decoded, so neither may the body be: a 555-byte frame
    // cannot make the gateway inflate megabytes for a handful of ops.
    const bodyBound = header.opCount * this.#limits.maxOpBodyBytes;
    if (header.bodyLength > bodyBound) {
      this.#counters.limits.framesOverBody += 1;
      throw new CodecError(
        'LIMIT_EXCEEDED',
        0,
        `body_length ${header.bodyLength} exceeds ${header.opCount} ops × ${this.#limits.maxOpBodyBytes} bytes`,
      );
    }
    const decodeLimits = {
      ...this.#limits.decode,
      maxBodyBytes: Math.min(this.#limits.decode.maxBodyBytes, bodyBound),
    };
    const { userId, deviceId } = session;
    // Dedupe reads the store: a frame of a device whose previous frame is not committed yet
    // (only a client that does not wait for its ACKs sends one) waits for that commit first.
    if (this.#pendingDevices.has(deviceKey(session))) await this.flush();
    const { firstSeq, lastSeq, opCount } = header;
    const ack = (duplicate: boolean, rejected: readonly CodedRange[], rejectedCount: number): AckMessage =>
      this.#ack(frameId, header, duplicate, rejected, rejectedCount);
    // Every op needs body bytes (its user or command ids live in the string table): a frame
    // claiming ops with no body is refused before any lookup, whatever it claims to re-send.
    if (opCount > 0 && header.bodyLength === 0) {
      throw new CodecError('MALFORMED_FRAME', 0, `op_count ${opCount} with an empty body`);
    }
    if (header.deviceId !== deviceId) {
      // Nothing of another device's frame is looked at or stored: every op it carries is refused.
      countRejectedOps(this.#counters, 'FORBIDDEN_DEVICE', opCount);
      return ack(false, opCount === 0 ? [] : [{ firstSeq, lastSeq, code: 'FORBIDDEN_DEVICE' }], opCount);
    }
    const declared = normalize(header.skipped);
    if (opCount === 0 && declared.length === 0) return ack(false, [], 0);
    let settled: SeqRange[] = [];
    let ops: readonly SequencedOperation[] = [];
    if (opCount > 0) {
      settled = await this.#store.settledIn(userId, deviceId, firstSeq, lastSeq);
      // A re-send: every seq of its range is settled, so is every op it carries. Acknowledged
      // from the (checksummed) header alone, with the stored rejections of its range.
      if (settled.length === 1 && settled[0]?.first === firstSeq && settled[0]?.last === lastSeq) {
        this.#counters.framesDuplicate += 1;
        this.#counters.opsDuplicate += opCount;
        // Its first commit may have gone through unanswered (INTERNAL): its ops reached no one.
        // Awaited, so a client re-sending a frame in a loop has one such read under way at a time.
        await this.#delivery.catchUpUser(userId).catch(() => {});
        const rejected = await this.#store.rejectedIn(
          userId,
          deviceId,
          firstSeq,
          lastSeq,
          this.#limits.maxAckRanges + 1,
        );
        return ack(true, rejected, Math.min(opCount, size(rejected.map(toSeqRange))));
      }
      await this.#budgets.admit(userId, deviceId, opCount);
      ({ ops } = session.decoder.decode(bytes, { limits: decodeLimits }));
    }
    const now = this.#now();
    const verdicts: Verdict[] = [];
    const stateOps: SequencedOperation[] = [];
    const commands: { entry: SequencedOperation; targetDeviceId: string; expiresAt: number }[] = [];
    // A frame's seqs increase, so the newly settled ones are built as ranges as they come
    // (`normalize` below still takes them in any order): no object per op.
    const newlySettled: { first: number; last: number }[] = [];
    const repeatedSeqs: number[] = [];
    for (const entry of ops) {
      if (contains(settled, entry.seq)) {
        repeatedSeqs.push(entry.seq);
        continue;
      }
      const run = newlySettled[newlySettled.length - 1];
      if (run !== undefined && entry.seq === run.last + 1) run.last = entry.seq;
      else newlySettled.push({ first: entry.seq, last: entry.seq });
      const code = this.#authorize(session, entry) ?? this.#checkClock(entry, now);
      if (code) {
        verdicts.push({ seq: entry.seq, code });
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
    // Seqs the sender will never send settle too, so the ranges stay few; should one arrive
    // anyway it is refused as SKIPPED rather than acknowledged without being logged.
    const skipped =
      declared.length === 0
        ? []
        : subtract(
            declared,
            await this.#store.settledIn(
              userId,
              deviceId,
              (declared[0] as SeqRange).first,
              (declared[declared.length - 1] as SeqRange).last,
            ),
          );
    // The seqs carried matter only to place verdicts among accepted ops.
    const carried = verdicts.length === 0 && repeatedSeqs.length === 0 ? [] : ops.map((entry) => entry.seq);
    const rejected = codedRanges(verdicts, carried);
    const skippedRejections = skipped.map((range) => ({ firstSeq: range.first, lastSeq: range.last, code: 'SKIPPED' }));
    this.#counters.opsApplied += stateOps.length + commands.length;
    this.#counters.opsDuplicate += repeatedSeqs.length;
    for (const verdict of verdicts) countRejectedOps(this.#counters, verdict.code, 1);
    this.#counters.commandsStored += commands.length;
    let answer: AckMessage;
    if (repeatedSeqs.length === 0) {
      answer = ack(false, rejected, verdicts.length);
    } else {
      // An op settled earlier is acknowledged again with the rejection it got then; otherwise
      // the client would count a refused op as delivered.
      const repeated = await this.#repeatedVerdicts(userId, deviceId, repeatedSeqs);
      const all = [...verdicts, ...repeated].sort((a, b) => a.seq - b.seq);
      answer = ack(false, codedRanges(all, carried), all.length);
    }
    const settledNow = normalize(skipped.length === 0 ? newlySettled : [...newlySettled, ...skipped]);
    if (settledNow.length === 0) {
      this.#counters.framesDuplicate += 1;
      return answer;
    }
    return {
      session,
      ack: answer,
      // Session frames carry no device id: their ops name the token's, which must be a §2 id.
      stateOpsAreValid: this.#decoderWithinSpec && isSpecId(deviceId),
      write: {
        userId,
        deviceId,
        stateOps,
        commands,
        rejected: [...rejected, ...skippedRejections],
        settled: settledNow,
      },
    };
  }

  /** The stored verdicts of already settled seqs (those that were rejected). */
  async #repeatedVerdicts(userId: string, deviceId: string, seqs: readonly number[]): Promise<Verdict[]> {
    const first = seqs[0] as number;
    const last = seqs[seqs.length - 1] as number;
    // Ranges, not ops: as many as the frame has seqs at most, each a short index seek.
    const stored = await this.#store.rejectedIn(userId, deviceId, first, last, seqs.length);
    const out: Verdict[] = [];
    let i = 0;
    for (const seq of seqs) {
      while (i < stored.length && (stored[i] as CodedRange).lastSeq < seq) i += 1;
      const range = stored[i];
      if (range !== undefined && range.firstSeq <= seq) out.push({ seq, code: range.code as RejectCode });
    }
    return out;
  }

  #ack(
    frameId: number,
    header: FrameHeader,
    duplicate: boolean,
    ranges: readonly CodedRange[],
    rejectedCount: number,
  ): AckMessage {
    const cap = this.#limits.maxAckRanges;
    return {
      type: 'ack',
      frameId,
      firstSeq: header.firstSeq,
      lastSeq: header.lastSeq,
      duplicate,
      rejected: ranges.length > cap ? ranges.slice(0, cap) : ranges,
      rejectedCount,
      rejectedTruncated: ranges.length > cap,
    };
  }

  #checkClock(entry: SequencedOperation, now: number): RejectCode | undefined {
    return entry.hlc.physicalMs <= now + this.#limits.maxDriftMs ? undefined : 'CLOCK_DRIFT';
  }

  /**
   * Undefined when the device may publish this op; the rejection code otherwise. Device ids are
   * names within a user: a command's target is always a device of the sender's own user (commands
   * are stored and delivered per user), so no answer depends on other users' devices.
   */
  #authorize(session: Session, entry: SequencedOperation): RejectCode | undefined {
    const { op } = entry;
    if (entry.deviceId !== session.deviceId) return 'FORBIDDEN_DEVICE';
    if (entry.hlc.nodeId !== session.deviceId) return 'FORBIDDEN_NODE';
    if (op.type !== 'deviceCommand') return op.userId === session.userId ? undefined : 'FORBIDDEN_USER';
    if (op.sourceDeviceId !== session.deviceId) return 'FORBIDDEN_DEVICE';
    if (!storableId(op.targetDeviceId)) return 'INVALID_TARGET';
    return undefined;
  }
}

/** A §2 id: non-empty, at most 256 UTF-8 bytes (a token's ids hold no lone surrogate). */
function isSpecId(id: string): boolean {
  return id.length > 0 && (id.length * 3 <= MAX_STRING_BYTES || utf8Length(id) <= MAX_STRING_BYTES);
}

function toSeqRange(range: CodedRange): SeqRange {
  return { first: range.firstSeq, last: range.lastSeq };
}
