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
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

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
const recordSize = (e: ProposedEvent, streamId: string): bigint =>
  BigInt(80 + streamId.length + e.type.length + e.data.length + e.customMetadata.length);

const nowTicks = (): bigint => BigInt(Date.now()) * 10_000n;

export class InMemoryLog {
  private readonly events: LoggedEvent[] = [];
  private readonly streams = new Map<string, LoggedEvent[]>();
  private readonly listeners = new Set<(event: LoggedEvent) => void>();
  private nextPosition = 0n;

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

  append(streamId: string, expected: ExpectedRevision, proposed: readonly ProposedEvent[]): AppendOutcome {
    const existing = this.streams.get(streamId) ?? [];
    const current = existing.length === 0 ? undefined : BigInt(existing.length - 1);

    const idempotent = this.idempotentResult(existing, expected, proposed);
    if (idempotent) return idempotent;

    const accepted =
      expected.kind === 'any' ||
      (expected.kind === 'no_stream' && current === undefined) ||
      (expected.kind === 'stream_exists' && current !== undefined) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!accepted) return { ok: false, current };

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
    }
    this.streams.set(streamId, stream);
    for (const event of written) for (const listener of this.listeners) listener(event);
    const last = written[written.length - 1]!;
    return { ok: true, revision: last.revision, position: { commit, prepare: commit } };
  }

  /**
   * The server recognises a retried write: when the proposed ids are exactly the events that
   * followed the expected revision (or, for `any`, a run of events starting with the first id),
   * it answers success again and writes nothing. A partial match is refused.
   */
  private idempotentResult(
    existing: readonly LoggedEvent[],
    expected: ExpectedRevision,
    proposed: readonly ProposedEvent[],
  ): AppendOutcome | undefined {
    if (proposed.length === 0 || existing.length === 0) return undefined;
    let start: number;
    switch (expected.kind) {
      case 'no_stream':
        start = 0;
        break;
      case 'revision':
        start = Number(expected.revision) + 1;
        break;
      default:
        start = existing.findIndex((e) => e.id === proposed[0]!.id);
        if (start < 0) return undefined;
    }
    if (start >= existing.length) return undefined;
    const run = existing.slice(start, start + proposed.length);
    if (run.length === proposed.length && run.every((e, i) => e.id === proposed[i]!.id)) {
      const last = run[run.length - 1]!;
      return { ok: true, revision: last.revision, position: { commit: last.commit, prepare: last.commit } };
    }
    return undefined;
  }
}
