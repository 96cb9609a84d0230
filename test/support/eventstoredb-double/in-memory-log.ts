/**
 * The storage side of the EventStoreDB test double: one in-memory transaction log, plain data,
 * no gRPC. See index.ts for what the double implements.
 *
 * Positions imitate the real server: a position is a byte offset in the log, so positions are
 * not dense; every event has its own prepare position, and all events of one write share the
 * commit position of the write (the prepare position of its first event).
 */

export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface LoggedEvent extends LogPosition {
  readonly streamId: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  /** 100-nanosecond ticks since the Unix epoch, as the server sends `created`. */
  readonly createdTicks: bigint;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export type ExpectedRevision =
  { readonly kind: 'any' } | { readonly kind: 'no_stream' } | { readonly kind: 'stream_exists' } | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  | { readonly ok: true; readonly revision: bigint; readonly position: LogPosition }
  /** `current` is undefined when the stream does not exist. */
  | { readonly ok: false; readonly current: bigint | undefined };

/** What a filtered read or subscription lets through, as the client sends it. */
export interface LogFilter {
  readonly on: 'stream' | 'type';
  readonly regex?: RegExp;
  readonly prefixes?: readonly string[];
}

export const comparePositions = (a: LogPosition, b: LogPosition): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

export const filterAllows = (filter: LogFilter | undefined, event: LoggedEvent): boolean => {
  if (!filter) return true;
  const subject = filter.on === 'stream' ? event.streamId : event.type;
  if (filter.prefixes && filter.prefixes.length > 0) return filter.prefixes.some((p) => subject.startsWith(p));
  return filter.regex ? filter.regex.test(subject) : true;
};

/** A rough record size, so that positions grow like byte offsets do. */
const recordSize = (e: ProposedEvent, streamId: string): bigint => BigInt(80 + streamId.length + e.type.length + e.data.length + e.customMetadata.length);

const nowTicks = (): bigint => BigInt(Date.now()) * 10_000n;

/** Where a recently committed event id went, as the server's index writer remembers it. */
interface RecentEvent {
  readonly streamId: string;
  readonly revision: bigint;
}

/** How many committed event ids the log remembers for `any` / `stream_exists` retries by default. */
export const DEFAULT_RECENT_EVENT_IDS = 1000;

export class InMemoryLog {
  private readonly events: LoggedEvent[] = [];
  private readonly streams = new Map<string, LoggedEvent[]>();
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  /**
   * The server's bounded cache of recently committed event ids (its index writer's
   * `_committedEvents`): the only thing a retry with `any` or `stream_exists` is recognised by.
   * Oldest first; a restart or failover starts it empty.
   */
  private readonly recent = new Map<string, RecentEvent>();
  private nextPosition = 0n;

  constructor(private readonly recentCapacity: number = DEFAULT_RECENT_EVENT_IDS) {}

  /** All events in log order. */
  all(): readonly LoggedEvent[] {
    return this.events;
  }

  stream(streamId: string): readonly LoggedEvent[] | undefined {
    return this.streams.get(streamId);
  }

  /** Called synchronously for every event appended from now on, in log order. */
  onAppend(listener: (event: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets the recently committed event ids, as a restart or a failover to another node does. */
  forgetRecentEventIds(): void {
    this.recent.clear();
  }

  /**
   * The server's commit check (its `IndexWriter.CheckCommit`), then the write:
   *  - `stream_exists` on a missing stream is refused;
   *  - `any` / `stream_exists`: the proposed ids are looked up in the recent-ids cache only. The
   *    first id unknown: the write goes ahead (even if later ids are known). All known, in this
   *    stream: success, nothing written, answering the revision of the last of them. Some known,
   *    then one unknown: refused as wrong expected version ("corrupted idempotency").
   *  - an exact revision (no_stream is -1) below the current one: the ids are compared with the
   *    stream's events after that revision, in the log itself (no age limit). All equal: success,
   *    nothing written. The first differs: wrong expected version. A later one differs (or runs
   *    past the end): wrong expected version too.
   *  - an exact revision above the current one is refused; equal to it, the write goes ahead.
   */
  append(streamId: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const existing = this.streams.get(streamId) ?? [];
    const current = existing.length === 0 ? undefined : BigInt(existing.length - 1);
    const refused: AppendOutcome = { ok: false, current };

    if (expected.kind === 'stream_exists' && current === undefined) return refused;
    if (proposed.length > 0) {
      if (expected.kind === 'any' || expected.kind === 'stream_exists') {
        const check = this.checkRecent(streamId, existing, proposed);
        if (check === 'corrupted') return refused;
        if (check !== 'new') return check;
      } else {
        const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
        const currentRevision = current ?? -1n;
        if (expectedRevision > currentRevision) return refused;
        if (expectedRevision < currentRevision) return this.checkLog(existing, expectedRevision, proposed) ?? refused;
      }
    } else if ((expected.kind === 'no_stream' && current !== undefined) || (expected.kind === 'revision' && current !== expected.revision)) {
      return refused;
    }

    if (proposed.length === 0) {
      // The server answers an empty write with the stream's state and writes nothing.
      return { ok: true, revision: current ?? -1n, position: { commit: this.nextPosition, prepare: this.nextPosition } };
    }

    const commit = this.nextPosition;
    const created = nowTicks();
    const stream = existing.length === 0 ? [] : existing;
    const written: LoggedEvent[] = [];
    for (const p of proposed) {
      const event: LoggedEvent = {
        ...p,
        streamId,
        revision: BigInt(stream.length),
        commit,
        prepare: this.nextPosition,
        createdTicks: created,
      };
      this.nextPosition += recordSize(p, streamId);
      stream.push(event);
      this.events.push(event);
      written.push(event);
      this.remember(event);
    }
    this.streams.set(streamId, stream);
    for (const event of written) for (const listener of this.listeners) listener(event);
    const last = written[written.length - 1]!;
    return { ok: true, revision: last.revision, position: { commit, prepare: commit } };
  }

  private remember(event: LoggedEvent): void {
    this.recent.delete(event.id);
    this.recent.set(event.id, { streamId: event.streamId, revision: event.revision });
    while (this.recent.size > this.recentCapacity) this.recent.delete(this.recent.keys().next().value!);
  }

  /** The idempotent answer: the revision of the last matched event, at the position of its write. */
  private static idempotent(event: LoggedEvent): AppendOutcome {
    return { ok: true, revision: event.revision, position: { commit: event.commit, prepare: event.commit } };
  }

  private checkRecent(streamId: string, existing: readonly LoggedEvent[], proposed: readonly ProposedEvent[]): AppendOutcome | 'new' | 'corrupted' {
    let last: RecentEvent | undefined;
    for (const [i, p] of proposed.entries()) {
      const known = this.recent.get(p.id);
      if (!known || known.streamId !== streamId) return i === 0 ? 'new' : 'corrupted';
      last = known;
    }
    return InMemoryLog.idempotent(existing[Number(last!.revision)]!);
  }

  private checkLog(existing: readonly LoggedEvent[], expectedRevision: bigint, proposed: readonly ProposedEvent[]): AppendOutcome | undefined {
    const start = Number(expectedRevision + 1n);
    for (const [i, p] of proposed.entries()) {
      if (existing[start + i]?.id !== p.id) return undefined;
    }
    return InMemoryLog.idempotent(existing[start + proposed.length - 1]!);
  }
}
