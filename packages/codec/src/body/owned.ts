import { type ColumnBytes, type DeltaColumnReader, DeltaColumnWriter } from '../columns.js';

/**
 * The user and content refs of watchlist and progress ops (the ops a user owns): string refs
 * stored as the change from the previous one, starting from the context's last refs (0 without
 * context), so a frame about one title — or a context frame continuing the last — leaves both
 * columns out.
 */
export class OwnedRefsWriter {
  /** Provisional table ids, mapped to wire refs once the table is complete. */
  readonly users: number[] = [];
  readonly contents: number[] = [];

  reset(): void {
    this.users.length = 0;
    this.contents.length = 0;
  }

  write(userRef: number, contentRef: number): void {
    this.users.push(userRef);
    this.contents.push(contentRef);
  }

  finish(
    finalRef: (id: number) => number,
    lastUserRef: number,
    lastContentRef: number,
  ): { users: ColumnBytes; contents: ColumnBytes; lastUser: number; lastContent: number } {
    const users = deltaRefs(this.users, finalRef, lastUserRef, userRefWriter);
    const contents = deltaRefs(this.contents, finalRef, lastContentRef, contentRefWriter);
    return {
      users: users.bytes,
      contents: contents.bytes,
      lastUser: users.last,
      lastContent: contents.last,
    };
  }
}

const userRefWriter = new DeltaColumnWriter();
const contentRefWriter = new DeltaColumnWriter();

function deltaRefs(
  ids: readonly number[],
  finalRef: (id: number) => number,
  initial: number,
  w: DeltaColumnWriter,
): { bytes: ColumnBytes; last: number } {
  if (ids.length === 0) return { bytes: null, last: initial };
  w.reset(initial);
  for (let i = 0; i < ids.length; i++) w.write(finalRef(ids[i] as number));
  return { bytes: w.bytes(), last: w.last };
}

export class OwnedRefsReader {
  constructor(
    readonly users: DeltaColumnReader,
    readonly contents: DeltaColumnReader,
  ) {}
}
