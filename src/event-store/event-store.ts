/**
 * The one event-store contract every adapter honours (PostgreSQL, EventStoreDB).
 * Nothing here knows about Nest, TypeORM or a client library.
 *
 * Positions: a `bigint` on the inside, a decimal string on the outside (API, logs, checkpoints
 * in JSON). A position orders the whole log; it is not dense (there are gaps).
 *  - PostgreSQL: transaction id × 1,000,000 + ordinal in the transaction (see postgres adapter).
 *  - EventStoreDB: the commit position of the write.
 * A *checkpoint* is what a subscriber stores to resume exactly after an event. For PostgreSQL it
 * is the position itself; for EventStoreDB it also carries the prepare position, because the
 * events of one write share a commit position. Treat checkpoints as opaque strings.
 */

export type StreamRevision = bigint;
export type LogPosition = bigint;
/** The largest revision or log position there can be: PostgreSQL's bigint, where the log lives. */
export const MAX_LOG_POSITION: LogPosition = 2n ** 63n - 1n;
export type Checkpoint = string;

/** What the caller knows about the stream's current state when appending. */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | StreamRevision;

export interface EventMetadata {
  readonly eventId: string;
  readonly correlationId: string;
  readonly causationId: string;
  /** The acting user's subject (`sub` of the token), or a system actor such as `system:seed`. */
  readonly actor: string;
  readonly actorName?: string;
  readonly role: string;
  /** Business time the event describes (ISO 8601). May differ from the recording time. */
  readonly occurredAt: string;
  readonly schemaVersion: number;
  /** Idempotency key of the command that wrote the event, when there was one. */
  readonly idempotencyKey?: string;
}

/** An event as a command hands it to the store. `metadata.eventId` is the event's id. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly streamId: string;
  readonly revision: StreamRevision;
  readonly position: LogPosition;
  /** Resume token: a subscription started from it continues with the next event. */
  readonly checkpoint: Checkpoint;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadata;
  /** When the log recorded the event (the log's own clock). */
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextExpectedRevision: StreamRevision;
  /** Position of the last appended event. */
  readonly position: LogPosition;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive start revision; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: StreamRevision;
  readonly maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: read the events after this checkpoint. Omitted: from the start of the log. */
  readonly after?: Checkpoint;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

/** Leaves system events out always; narrows further by type or stream prefix when given. */
export interface EventFilter {
  readonly eventTypes?: readonly string[];
  readonly streamPrefixes?: readonly string[];
}

export type SubscriptionMessage =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  /** The subscriber has seen everything up to here (filtered-out events included). */
  | { readonly kind: 'checkpoint'; readonly position: LogPosition; readonly checkpoint: Checkpoint }
  /** Catch-up is over; live events follow. Sent once. */
  | { readonly kind: 'caught-up' };

export interface SubscribeOptions {
  /** Exclusive: continue after this checkpoint. Omitted: from the start of the log. */
  readonly after?: Checkpoint;
  readonly filter?: EventFilter;
}

export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  /** Stops the subscription; a pending iteration ends. Idempotent. */
  unsubscribe(): Promise<void>;
}

export type EventStoreKind = 'postgresql' | 'eventstoredb';

export interface EventStoreHealth {
  readonly kind: EventStoreKind;
  readonly up: boolean;
  readonly detail?: string;
}

export interface EventStore {
  readonly kind: EventStoreKind;
  appendToStream(streamId: string, events: readonly NewEvent[], options: { readonly expectedRevision: ExpectedRevision }): Promise<AppendResult>;
  /** Throws StreamNotFoundError when the stream has no events. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log, or 0n when the log is empty. */
  headPosition(): Promise<LogPosition>;
  /**
   * Position of the log's last entry, the store's own (system) events included, or 0n when empty:
   * no subscriber's checkpoint can be beyond it (filtered subscriptions move past system events).
   */
  endPosition(): Promise<LogPosition>;
  /** How many events (filter applied) follow a checkpoint, counting no further than `cap`. */
  countEventsAfter(after: Checkpoint | undefined, cap: number, filter?: EventFilter): Promise<number>;
  /** Turns a checkpoint back into the position it stands for. */
  positionOf(checkpoint: Checkpoint): LogPosition;
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');

/** Streams whose names start with `$` belong to the store itself and are never delivered. */
export const isSystemStream = (streamId: string): boolean => streamId.startsWith('$');

export const matchesFilter = (event: { readonly streamId: string; readonly type: string }, filter?: EventFilter): boolean => {
  if (isSystemStream(event.streamId) || event.type.startsWith('$')) return false;
  if (filter?.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((p) => event.streamId.startsWith(p))) {
    return false;
  }
  return true;
};
