import { WrongExpectedVersionError, StreamNotFoundError } from './errors.js';
import { rememberAtMost } from '../shared/bounded-map.js';
import { commandEventId } from './event-ids.js';
import type { EventRegistry } from './event-registry.js';
import type { EventStore, ExpectedRevision, LogPosition, NewEvent, RecordedEvent } from './event-store.js';
import { type CommandContext, idempotencySeed } from '../shared/command-context.js';
import type { Decider, DomainEvent } from '../shared/decider.js';

export interface CommandResult<Event extends DomainEvent> {
  readonly events: readonly Event[];
  readonly recorded: readonly NewEvent[];
  /** Position of the last event written; undefined when the decision wrote nothing. */
  readonly position?: LogPosition;
  readonly streamRevision?: bigint;
  /** The events are an earlier attempt's of the same request, found in the stream: nothing new was written. */
  readonly recognised?: boolean;
}

export interface LoadedStream<State> {
  readonly state: State;
  readonly expected: ExpectedRevision;
  /** The events read this time: the whole stream, or those after the cached state. */
  readonly read: readonly RecordedEvent[];
}

/** How many times a decision is retried when another writer got to the stream first. */
const MAX_ATTEMPTS = 5;

/** Folded states kept per decider and stream; least recently used go first. */
const MAX_CACHED_STREAMS = 5000;

interface CachedState {
  readonly state: unknown;
  readonly revision: bigint;
}

/**
 * The last folded state of each stream, with the revision it stands at, per decider. A command
 * then reads only the events after that revision — whoever wrote them, in this instance or
 * another — so its cost does not grow with the stream's length (a warehouse stream gets daily
 * dispatches for years). States are immutable values (deciders are pure), so sharing one is safe.
 * The first command on a stream after a start still reads it whole.
 */
const stateCache = new WeakMap<EventStore, WeakMap<object, Map<string, CachedState>>>();

/** One cache per event store (a process may hold several, tests do) and decider. */
const cacheOf = (store: EventStore, decider: object): Map<string, CachedState> => {
  let byDecider = stateCache.get(store);
  if (!byDecider) stateCache.set(store, (byDecider = new WeakMap()));
  let cache = byDecider.get(decider);
  if (!cache) byDecider.set(decider, (cache = new Map<string, CachedState>()));
  return cache;
};

/**
 * Reads a stream and folds it; a missing stream is the initial state, expected to stay missing.
 * `whole` ignores the cached state and reads from the start.
 */
export const loadStream = async <State, Event extends DomainEvent>(
  store: EventStore,
  registry: EventRegistry,
  streamId: string,
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  options: { readonly whole?: boolean } = {},
): Promise<LoadedStream<State>> => {
  const cache = cacheOf(store, decider);
  const cached = options.whole ? undefined : cache.get(streamId);
  let recorded: RecordedEvent[];
  try {
    recorded = (await store.readStream(streamId, cached ? { fromRevision: cached.revision + 1n } : {})).map((e) => registry.decode(e));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { state: decider.initialState(), expected: 'no_stream', read: [] };
    throw error;
  }
  if (!cached && recorded.length === 0) return { state: decider.initialState(), expected: 'no_stream', read: [] };
  const state = recorded.reduce(
    (s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event),
    (cached?.state as State | undefined) ?? decider.initialState(),
  );
  const revision = recorded.length ? recorded[recorded.length - 1]!.revision : cached!.revision;
  rememberAtMost(cache, streamId, { state, revision }, MAX_CACHED_STREAMS);
  return { state, expected: revision, read: recorded };
};

/** Wraps domain events in the metadata the log keeps with every event. */
export const toNewEvents = (registry: EventRegistry, streamId: string, events: readonly DomainEvent[], context: CommandContext, occurredAt: Date): NewEvent[] =>
  events.map((event, index) => {
    const recorded: NewEvent = {
      type: event.type,
      data: event.data,
      metadata: {
        eventId: commandEventId(idempotencySeed(context), streamId, index),
        correlationId: context.correlationId,
        causationId: context.causationId,
        actor: context.actor.sub,
        actorName: context.actor.name,
        role: context.actor.role,
        occurredAt: occurredAt.toISOString(),
        schemaVersion: registry.currentVersion(event.type),
        ...(context.idempotency ? { idempotencyKey: context.idempotency.key } : {}),
      },
    };
    registry.checkForWrite(recorded);
    return recorded;
  });

/**
 * An earlier attempt of this very request, among events just read: the run of events carrying the
 * ids this request derives, from index 0 on. Only keyed requests can be recognised.
 */
const earlierAttempt = <Event extends DomainEvent>(
  read: readonly RecordedEvent[],
  streamId: string,
  context: CommandContext,
): CommandResult<Event> | undefined => {
  const seed = idempotencySeed(context);
  if (seed === undefined) return undefined;
  const firstId = commandEventId(seed, streamId, 0);
  const first = read.findIndex((e) => e.metadata.eventId === firstId);
  if (first < 0) return undefined;
  const run: RecordedEvent[] = [];
  for (let i = first; i < read.length && read[i]!.metadata.eventId === commandEventId(seed, streamId, run.length); i++) run.push(read[i]!);
  const last = run[run.length - 1]!;
  return {
    events: run.map((e) => ({ type: e.type, data: e.data }) as Event),
    recorded: run.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata })),
    position: last.position,
    streamRevision: last.revision,
    recognised: true,
  };
};

/** What `handleCommand` needs: the store and registry, and the one decision to take on one stream. */
export interface HandleCommandOptions<Command, State, Event extends DomainEvent> {
  readonly store: EventStore;
  readonly registry: EventRegistry;
  readonly streamId: string;
  readonly decider: Decider<Command, State, Event>;
  readonly command: Command;
  readonly context: CommandContext;
  /**
   * Business time of the events; defaults to the recording time. A function when it depends on
   * the state (a correction happens at the time of what it corrects).
   */
  readonly occurredAt?: Date | ((state: State) => Date);
}

/**
 * The one way commands write: load the stream, decide, append with the revision that was read.
 * When another writer appended in between, the decision is taken again on the new state (the
 * rule that refused or allowed it may now say otherwise), up to MAX_ATTEMPTS times. Commands on
 * one stream take turns within this process, so only writers of other instances can conflict.
 *
 * Exactly once, on either store: before deciding, a keyed command looks for its own events (by
 * their derived ids) in what it read, and answers those instead of deciding again. When an
 * earlier attempt's outcome is unknown (`mayHaveWritten`), it reads the stream whole first, since
 * a cached state may already stand past that attempt's events. Neither store's own duplicate
 * detection is relied on: EventStoreDB recognises a repeat only at the same expected revision.
 */
export const handleCommand = async <Command, State, Event extends DomainEvent>(
  options: HandleCommandOptions<Command, State, Event>,
): Promise<CommandResult<Event>> => {
  const { store, registry, streamId, decider, command, context } = options;
  return inTurn(streamId, async () => {
    for (let attempt = 1; ; attempt++) {
      const whole = attempt === 1 && context.idempotency?.mayHaveWritten === true;
      const { state, expected, read } = await loadStream(store, registry, streamId, decider, { whole });
      const earlier = earlierAttempt<Event>(read, streamId, context);
      if (earlier) return earlier;
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, recorded: [] };
      const occurredAt = typeof options.occurredAt === 'function' ? options.occurredAt(state) : (options.occurredAt ?? context.now);
      const recorded = toNewEvents(registry, streamId, events, context, occurredAt);
      try {
        const result = await store.appendToStream(streamId, recorded, { expectedRevision: expected });
        // The state after this decision, so the next command on the stream reads nothing it knows.
        if (result.nextExpectedRevision === (typeof expected === 'bigint' ? expected : -1n) + BigInt(events.length)) {
          rememberAtMost(
            cacheOf(store, decider),
            streamId,
            { state: events.reduce(decider.evolve, state), revision: result.nextExpectedRevision },
            MAX_CACHED_STREAMS,
          );
        }
        return { events, recorded, position: result.position, streamRevision: result.nextExpectedRevision };
      } catch (error) {
        // Whether anything was written is not known: the next command reads what is there.
        if (!(error instanceof WrongExpectedVersionError)) cacheOf(store, decider).delete(streamId);
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  });
};

/**
 * The last turn queued per stream. Without turns, a burst on one stream (fifty dispatches from one
 * warehouse) reads one revision, and all but one writer spend their attempts losing to each other:
 * commands the state allows would be refused as conflicts.
 */
const turns = new Map<string, Promise<unknown>>();

const inTurn = async <T>(streamId: string, work: () => Promise<T>): Promise<T> => {
  const mine = (turns.get(streamId) ?? Promise.resolve()).then(work);
  const done = mine.catch(() => undefined);
  turns.set(streamId, done);
  try {
    return await mine;
  } finally {
    if (turns.get(streamId) === done) turns.delete(streamId);
  }
};

/**
 * Appends the events a reaction derived, unless the target stream's state already holds them (the
 * warehouse has this receipt, this reservation): exactly once in effect on either store, through
 * restarts, two instances and failover, without counting on the store to drop a repeated event id
 * (EventStoreDB does that for an append at any revision only from a bounded cache). The append
 * expects the exact revision that was read, so a write in between makes it look again.
 */
export const appendUnlessRecorded = async <State, Event extends DomainEvent>(options: {
  readonly store: EventStore;
  readonly registry: EventRegistry;
  readonly streamId: string;
  readonly decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>;
  readonly events: readonly NewEvent[];
  readonly recorded: (state: State) => boolean;
}): Promise<{ readonly written: boolean }> => {
  const { store, registry, streamId, decider, events } = options;
  return inTurn(streamId, async () => {
    for (let attempt = 1; ; attempt++) {
      const { state, expected } = await loadStream(store, registry, streamId, decider);
      if (options.recorded(state)) return { written: false };
      try {
        const result = await store.appendToStream(streamId, events, { expectedRevision: expected });
        if (result.nextExpectedRevision === (typeof expected === 'bigint' ? expected : -1n) + BigInt(events.length)) {
          const next = events.reduce((s, e) => decider.evolve(s, { type: e.type, data: e.data } as Event), state);
          rememberAtMost(cacheOf(store, decider), streamId, { state: next, revision: result.nextExpectedRevision }, MAX_CACHED_STREAMS);
        }
        return { written: true };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) cacheOf(store, decider).delete(streamId);
        if (!(error instanceof WrongExpectedVersionError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  });
};
