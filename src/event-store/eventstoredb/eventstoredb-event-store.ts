import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  eventTypeFilter,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Filter,
  type JSONType,
  type Position,
  type RecordedEvent as EsdbRecordedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { settleWithin } from '../../shared/settle-within.js';
import { describeExpected, EventStoreOutcomeUnknownError, EventStoreUnavailableError, StreamNotFoundError, WrongExpectedVersionError } from '../errors.js';
import {
  matchesFilter,
  type AppendResult,
  type Checkpoint,
  type EventFilter,
  type EventMetadata,
  type EventStore,
  type EventStoreHealth,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionMessage,
} from '../event-store.js';

export interface EventStoreDbEventStoreOptions {
  /** Events fetched per request when `readAll` and `headPosition` page through `$all`. */
  readonly readPageSize?: number;
  /** `readAll` without `maxCount` returns at most this many events. */
  readonly defaultReadAllCount?: number;
  /**
   * Server-side search window of filtered subscriptions. The server sends a checkpoint after
   * every `maxSearchWindow` events it considers, so 1 (the default) lets a subscriber see its
   * checkpoint move as soon as an event it does not want is written; larger windows mean fewer
   * messages but checkpoints only every so many events.
   */
  readonly maxSearchWindow?: number;
  /** How long `health()` waits for its read. Default 1500 ms, so that health answers within 2 s. */
  readonly healthTimeoutMs?: number;
  /**
   * How long one call may take before it is given up: an append (then its outcome is unknown), one
   * page of a read, the client's first question of what the server supports. Default 3000 ms, so
   * that a command that cannot finish (a read, then an append) answers 503 within ~6 s.
   */
  readonly deadlineMs?: number;
}

export const DEFAULT_DEADLINE_MS = 3000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 1500;

/** Messages the adapter keeps ready for a subscriber before it stops reading from the server. */
const SUBSCRIPTION_BUFFER = 256;

/**
 * Checkpoints carry both parts of the log position: the events of one write share their commit
 * position and differ in their prepare position, and a subscriber must resume between them.
 */
const CHECKPOINT = /^(\d{1,20})\/(\d{1,20})$/;

export const toCheckpoint = (position: Position): Checkpoint => `${position.commit}/${position.prepare}`;

export const parseCheckpoint = (checkpoint: Checkpoint): Position => {
  const match = typeof checkpoint === 'string' ? CHECKPOINT.exec(checkpoint) : null;
  if (!match) {
    throw new Error(`not an EventStoreDB checkpoint (expected "<commit>/<prepare>"): ${String(checkpoint)}`);
  }
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
};

const comparePositions = (a: Position, b: Position): number =>
  a.commit !== b.commit ? (a.commit < b.commit ? -1 : 1) : a.prepare === b.prepare ? 0 : a.prepare < b.prepare ? -1 : 1;

const isSystemEvent = (e: { readonly streamId: string; readonly type: string }): boolean => e.streamId.startsWith('$') || e.type.startsWith('$');

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const toClientExpected = (expected: ExpectedRevision): AppendExpectedRevision => {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected;
  }
};

/** The client's error types that mean "the server could not be reached or did not answer". */
const UNAVAILABLE_TYPES: ReadonlySet<string> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
]);
/** gRPC status codes UNAVAILABLE and DEADLINE_EXCEEDED, for errors the client passes on raw. */
const UNAVAILABLE_GRPC_CODES: ReadonlySet<unknown> = new Set([14, 4]);
const UNAVAILABLE_NODE_CODES: ReadonlySet<unknown> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

interface ClientErrorShape {
  readonly type?: string;
  readonly code?: unknown;
  readonly message?: string;
  readonly streamName?: string;
  readonly expectedVersion?: unknown;
  readonly actualVersion?: unknown;
}

/** Turns the client's errors into the store's own; anything unrecognised passes through. */
export const mapClientError = (error: unknown, context: { readonly streamId?: string; readonly expected?: ExpectedRevision } = {}): unknown => {
  if (
    error instanceof WrongExpectedVersionError ||
    error instanceof StreamNotFoundError ||
    error instanceof EventStoreUnavailableError ||
    typeof error !== 'object' ||
    error === null
  ) {
    return error;
  }
  const e = error as ClientErrorShape;
  if (e.type === ErrorType.WRONG_EXPECTED_VERSION) {
    return new WrongExpectedVersionError(
      context.streamId ?? e.streamName ?? '',
      describeExpected(context.expected ?? e.expectedVersion),
      describeExpected(e.actualVersion ?? 'unknown'),
    );
  }
  if (e.type === ErrorType.STREAM_NOT_FOUND) {
    return new StreamNotFoundError(context.streamId ?? e.streamName ?? '');
  }
  if (
    (e.type !== undefined && UNAVAILABLE_TYPES.has(e.type)) ||
    UNAVAILABLE_GRPC_CODES.has(e.code) ||
    UNAVAILABLE_NODE_CODES.has(e.code) ||
    /Failed to discover/i.test(e.message ?? '')
  ) {
    return new EventStoreUnavailableError(`EventStoreDB is unavailable: ${e.message ?? 'no answer'}`, { cause: error });
  }
  return error;
};

/**
 * An append's failure. A deadline that passed after the call reached the server (grpc-js names the
 * peer, `remote_addr=`, once the call is on a connection) leaves the write's fate unknown: the server
 * may commit it after the client gave up. Before that, nothing was sent.
 */
export const mapAppendError = (error: unknown, context: { readonly streamId: string; readonly expected: ExpectedRevision }): unknown => {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientErrorShape;
  const deadline = e.type === ErrorType.DEADLINE_EXCEEDED || e.code === 4;
  if (deadline && !/remote_addr=/.test(e.message ?? '')) {
    return new EventStoreUnavailableError(`EventStoreDB could not be reached in time: ${e.message ?? 'no answer'}`, { cause: error });
  }
  if (deadline) {
    return new EventStoreOutcomeUnknownError(`EventStoreDB did not answer the append to ${context.streamId} in time; it may or may not have been written`, {
      cause: error,
    });
  }
  return mapClientError(error, context);
};

const toRecordedEvent = (resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined => {
  const e = resolved.event as EsdbRecordedEvent | undefined;
  if (!e) return undefined;
  const position = e.position ?? { commit: resolved.commitPosition ?? 0n, prepare: resolved.commitPosition ?? 0n };
  return {
    streamId: e.streamId,
    revision: e.revision,
    position: position.commit,
    checkpoint: toCheckpoint(position),
    type: e.type,
    data: e.data,
    metadata: e.metadata as unknown as EventMetadata,
    recordedAt: e.created,
  };
};

/** A read as the client hands it out: a stream of results that can be cancelled. */
type ClientRead<T> = AsyncIterable<T> & { cancel(): Promise<void>; destroy(error?: Error): unknown };

/**
 * Reads a client stream to the end, turning its errors into the store's. The client sends reads
 * without a deadline (it overrides any it is given), so the adapter keeps its own: past it, the
 * read is cancelled and the store counts as unavailable.
 */
const drain = async <T>(read: ClientRead<T>, deadlineMs: number, streamId?: string): Promise<T[]> => {
  const items: T[] = [];
  const reading = (async () => {
    for await (const item of read) items.push(item);
    return items;
  })();
  try {
    return await settleWithin(reading, deadlineMs, (): never => {
      void read.cancel().finally(() => read.destroy());
      throw new EventStoreUnavailableError(`EventStoreDB did not answer a read${streamId ? ` of ${streamId}` : ''} within ${deadlineMs} ms`);
    });
  } catch (error) {
    throw mapClientError(error, { streamId });
  }
};

/** Builds the server-side filter: never system events, narrowed by type or by stream prefix. */
const serverFilter = (filter: EventFilter | undefined, options: { maxSearchWindow: number; checkpointReached: (position: Position) => void }): Filter => {
  const common = {
    checkpointInterval: 1,
    maxSearchWindow: options.maxSearchWindow,
    checkpointReached: (_subscription: AllStreamSubscription, position: Position) => options.checkpointReached(position),
  };
  if (filter?.eventTypes) {
    return eventTypeFilter({ ...common, regex: `^(?!\\$)(?:${filter.eventTypes.map(escapeRegex).join('|')})$` });
  }
  if (filter?.streamPrefixes) {
    return streamNameFilter({ ...common, regex: `^(?!\\$)(?:${filter.streamPrefixes.map(escapeRegex).join('|')})` });
  }
  return excludeSystemEvents(common);
};

/**
 * Adapts the client's catch-up subscription (a Node stream plus `caughtUp` events and a
 * checkpoint callback) to the store's async-iterable subscription.
 *
 * Order is kept by draining the client stream's buffer before a caught-up or checkpoint message
 * is queued. Checkpoints are coalesced: the latest one not yet covered by a later event is handed
 * out when the subscriber has nothing else to read, so a quiet filtered subscription still sees
 * its position move, while a busy one is not flooded.
 */
class EventStoreDbSubscription implements Subscription {
  private readonly queue: SubscriptionMessage[] = [];
  private waiters: Array<() => void> = [];
  private source: AllStreamSubscription | undefined;
  /** Position of the last event received; later duplicates are dropped. */
  private lastEvent: Position | undefined;
  /** Furthest position a checkpoint has been (or will be) reported for. */
  private lastReported: Position | undefined;
  private pendingCheckpoint: Position | undefined;
  private caughtUp = false;
  private stopped = false;
  private failure: unknown;
  private readonly filter: EventFilter | undefined;

  constructor(
    client: EventStoreDBClient,
    options: SubscribeOptions,
    maxSearchWindow: number,
    private readonly onStop: (subscription: EventStoreDbSubscription) => void,
  ) {
    const after = options.after === undefined ? undefined : parseCheckpoint(options.after);
    this.lastEvent = after;
    this.lastReported = after;
    this.filter = options.filter;
    try {
      const source = client.subscribeToAll({
        fromPosition: after ?? START,
        filter: serverFilter(this.filter, { maxSearchWindow, checkpointReached: (p) => this.onCheckpoint(p) }),
      });
      this.source = source;
      source.on('readable', () => this.pump(false));
      source.on('caughtUp', () => this.onCaughtUp());
      source.on('error', (error: unknown) => this.onFailure(error));
      source.on('end', () => {
        // A catch-up subscription has no end of its own: the server (or the connection) went away.
        this.onFailure(new EventStoreUnavailableError('EventStoreDB ended the subscription'));
      });
    } catch (error) {
      this.onFailure(error);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.unsubscribe();
        return { done: true, value: undefined };
      },
    };
  }

  async unsubscribe(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop(this);
    this.wake();
    const source = this.source;
    if (!source) return;
    try {
      await source.unsubscribe();
    } finally {
      source.destroy();
    }
  }

  private async next(): Promise<IteratorResult<SubscriptionMessage>> {
    for (;;) {
      if (this.stopped) return { done: true, value: undefined };
      const message = this.queue.shift();
      if (message) {
        this.pump(false);
        return { done: false, value: message };
      }
      this.pump(false);
      if (this.queue.length > 0) continue;
      if (this.pendingCheckpoint) {
        const position = this.pendingCheckpoint;
        this.pendingCheckpoint = undefined;
        return { done: false, value: this.checkpointMessage(position) };
      }
      if (this.failure !== undefined) throw this.failure as unknown; // what the client threw, mapped where known
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Moves events from the client stream into the queue; `all` ignores the buffer limit. */
  private pump(all: boolean): void {
    const source = this.source;
    if (!source || this.stopped) return;
    while (all || this.queue.length < SUBSCRIPTION_BUFFER) {
      const resolved = source.read() as AllStreamResolvedEvent | null;
      if (resolved === null) break;
      this.onEvent(resolved);
    }
    this.wake();
  }

  private onEvent(resolved: AllStreamResolvedEvent): void {
    const event = resolved.event;
    if (!event) return;
    const position = event.position;
    if (this.lastEvent && comparePositions(position, this.lastEvent) <= 0) return;
    this.lastEvent = position;
    if (!this.lastReported || comparePositions(position, this.lastReported) > 0) this.lastReported = position;
    if (matchesFilter(event, this.filter)) {
      this.pendingCheckpoint = undefined;
      this.queue.push({ kind: 'event', event: toRecordedEvent(resolved)! });
    } else {
      // Left out here (the server filters on one dimension only): the position still moves on.
      this.pendingCheckpoint = position;
    }
  }

  private onCheckpoint(position: Position): void {
    this.pump(true);
    if (this.lastReported && comparePositions(position, this.lastReported) <= 0) return;
    this.lastReported = position;
    this.pendingCheckpoint = position;
    this.wake();
  }

  private onCaughtUp(): void {
    this.pump(true);
    if (this.caughtUp) return;
    this.caughtUp = true;
    if (this.pendingCheckpoint) {
      this.queue.push(this.checkpointMessage(this.pendingCheckpoint));
      this.pendingCheckpoint = undefined;
    }
    this.queue.push({ kind: 'caught-up' });
    this.wake();
  }

  private onFailure(error: unknown): void {
    if (this.stopped) return;
    this.failure = mapClientError(error);
    this.onStop(this);
    this.wake();
  }

  private checkpointMessage(position: Position): SubscriptionMessage {
    return { kind: 'checkpoint', position: position.commit, checkpoint: toCheckpoint(position) };
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * The event store on EventStoreDB through its gRPC client. Positions are commit positions;
 * checkpoints are "<commit>/<prepare>" so a subscriber can resume inside a multi-event write.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;
  private readonly readPageSize: number;
  private readonly defaultReadAllCount: number;
  private readonly maxSearchWindow: number;
  private readonly healthTimeoutMs: number;
  private readonly deadlineMs: number;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();

  constructor(connectionString: string, options: EventStoreDbEventStoreOptions = {}) {
    this.client = EventStoreDBClient.connectionString(connectionString);
    this.readPageSize = options.readPageSize ?? 500;
    this.defaultReadAllCount = options.defaultReadAllCount ?? 1000;
    this.maxSearchWindow = options.maxSearchWindow ?? 1;
    this.healthTimeoutMs = options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.boundFeatureCheck();
  }

  /**
   * Before its first append on a connection, the client asks the server which methods it supports,
   * without a deadline, and every later append awaits that same answer: a server that hangs then
   * would hold every append forever, and send each one whenever it wakes up, long after its caller
   * was told 503. Bounded here, the append fails as unavailable — before anything was sent — and
   * is never sent later. (The check is a protected member of the client, hence the cast.)
   */
  private boundFeatureCheck(): void {
    const client = this.client as unknown as { supports: (...args: unknown[]) => Promise<boolean> };
    const supports = client.supports;
    if (typeof supports !== 'function') return;
    client.supports = (...args) =>
      settleWithin(supports(...args), this.deadlineMs, (): never => {
        throw new EventStoreUnavailableError(`EventStoreDB did not answer within ${this.deadlineMs} ms; nothing was sent`);
      });
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult> {
    if (events.length === 0) throw new Error('appendToStream needs at least one event');
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) =>
          jsonEvent({
            id: e.metadata.eventId,
            type: e.type,
            data: e.data as JSONType,
            metadata: e.metadata as unknown as JSONType,
          }),
        ),
        { expectedRevision: toClientExpected(options.expectedRevision), deadline: this.deadlineMs },
      );
      if (!result.position) throw new Error(`EventStoreDB did not report the position of the write to ${streamId}`);
      return { nextExpectedRevision: result.nextExpectedRevision, position: result.position.commit };
    } catch (error) {
      throw mapAppendError(error, { streamId, expected: options.expectedRevision });
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    let stream;
    try {
      stream = this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision ?? (backwards ? END : START),
        ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
      });
    } catch (error) {
      throw mapClientError(error, { streamId });
    }
    const read = await drain<ResolvedEvent>(stream, this.deadlineMs, streamId);
    return read.flatMap((r) => toRecordedEvent(r) ?? []);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? this.defaultReadAllCount;
    const found: RecordedEvent[] = [];
    if (limit <= 0) return found;
    await this.scanForward(options.after, (resolved, event) => {
      if (!matchesFilter(event, options.filter)) return true;
      found.push(toRecordedEvent(resolved)!);
      return found.length < limit;
    });
    return found;
  }

  async countEventsAfter(after: Checkpoint | undefined, cap: number, filter?: EventFilter): Promise<number> {
    let count = 0;
    if (cap <= 0) return count;
    await this.scanForward(after, (_resolved, event) => {
      if (matchesFilter(event, filter)) count++;
      return count < cap;
    });
    return count;
  }

  /**
   * Visits the events of `$all` after a checkpoint, in order, until `visit` returns false. The
   * client reads `$all` without a server-side filter, so callers filter what they are handed.
   */
  private async scanForward(
    after: Checkpoint | undefined,
    visit: (resolved: AllStreamResolvedEvent, event: NonNullable<AllStreamResolvedEvent['event']>) => boolean,
  ): Promise<void> {
    let cursor = after === undefined ? undefined : parseCheckpoint(after);
    for (;;) {
      const page = await drain<AllStreamResolvedEvent>(
        this.client.readAll({ direction: FORWARDS, fromPosition: cursor ?? START, maxCount: this.readPageSize }),
        this.deadlineMs,
      );
      let fresh = 0;
      for (const resolved of page) {
        const event = resolved.event;
        if (!event) continue;
        // Reading from a position includes the event at it: skip what was already seen.
        if (cursor && comparePositions(event.position, cursor) <= 0) continue;
        cursor = event.position;
        fresh++;
        if (!visit(resolved, event)) return;
      }
      if (page.length < this.readPageSize || fresh === 0) return;
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = new EventStoreDbSubscription(this.client, options, this.maxSearchWindow, (s) => this.subscriptions.delete(s));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<LogPosition> {
    let cursor: Position | undefined;
    for (;;) {
      const page = await drain<AllStreamResolvedEvent>(
        this.client.readAll({ direction: BACKWARDS, fromPosition: cursor ?? END, maxCount: this.readPageSize }),
        this.deadlineMs,
      );
      let fresh = 0;
      for (const resolved of page) {
        const e = resolved.event;
        if (!e) continue;
        if (cursor && comparePositions(e.position, cursor) >= 0) continue;
        cursor = e.position;
        fresh++;
        if (!isSystemEvent(e)) return e.position.commit;
      }
      if (page.length < this.readPageSize || fresh === 0) return 0n;
    }
  }

  async endPosition(): Promise<LogPosition> {
    const [last] = await drain<AllStreamResolvedEvent>(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }), this.deadlineMs);
    return last?.event?.position.commit ?? 0n;
  }

  positionOf(checkpoint: Checkpoint): LogPosition {
    return parseCheckpoint(checkpoint).commit;
  }

  async health(): Promise<EventStoreHealth> {
    try {
      await drain<AllStreamResolvedEvent>(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }), this.healthTimeoutMs);
      return { kind: this.kind, up: true };
    } catch (error) {
      return { kind: this.kind, up: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.unsubscribe()));
    await this.client.dispose();
  }
}
