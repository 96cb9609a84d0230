import { StreamNotFoundError } from '../event-store/errors.js';
import type { EventRegistry } from '../event-store/event-registry.js';
import type { EventStore, LogPosition, RecordedEvent } from '../event-store/event-store.js';
import { municipalityStream } from '../reporting/domain/situation-report.events.js';
import { warehouseStream } from '../warehouse/domain/warehouse.events.js';
import { deliveriesToRead, type Fact, type RoundFacts, type RoundScope } from './domain/round-inputs.js';

export interface StreamRead {
  readonly streamId: string;
  /** Revision of the last event at or before the position; -1 when the stream had none. */
  readonly revision: string;
}

/**
 * Events of a stream are read in pages that grow from the first to the last size: a municipality's
 * or a delivery's stream comes in one round trip, a warehouse's history of years in a handful.
 * Pages stay at most LARGEST_PAGE: asked for about a whole long stream at once, PostgreSQL leaves
 * the (stream, revision) index for a bitmap scan and a sort spilled to disk (EXPLAIN ANALYZE on a
 * 28,000-event warehouse stream: 95–235 ms against 28 ms for 8,192 rows by the index).
 */
const FIRST_PAGE = 256;
const LARGEST_PAGE = 8192;
/** Streams read at once: the deliveries of a round are hundreds of short streams, one round trip each. */
const IN_FLIGHT = 8;

/**
 * A stream's events at or before `position`, in revision order; none when there is no such stream.
 * Stops at the first event past the position: the log orders each stream's events as their
 * revisions (the event store's contract: "orders the log like the stream"), so nothing after it
 * can be at or before the position. Pages are bounded by revision, which the store reads from its
 * (stream, revision) index, so an old decision's replay does not pay for the years of events its
 * streams gathered since. `expected`, the revision a recorded decision says the stream stood at,
 * only sizes the first page (one event past it shows where the stream stood): the position alone
 * decides what is read, so a wrong record reads more pages, never fewer events.
 */
const readUpTo = async (store: EventStore, streamId: string, position: LogPosition, expected?: bigint): Promise<RecordedEvent[]> => {
  const events: RecordedEvent[] = [];
  let fromRevision = 0n;
  const first = expected === undefined ? FIRST_PAGE : Math.min(Number(expected) + 2, LARGEST_PAGE);
  for (let size = first; ; size = Math.min(Math.max(size * 2, FIRST_PAGE), LARGEST_PAGE)) {
    let page: RecordedEvent[];
    try {
      page = await store.readStream(streamId, { fromRevision, maxCount: size });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return events;
      throw error;
    }
    for (const event of page) {
      if (event.position > position) return events;
      events.push(event);
    }
    if (page.length < size) return events;
    fromRevision = page[page.length - 1]!.revision + 1n;
  }
};

/** `read` applied to each of `items`, at most IN_FLIGHT at a time, results in the items' order. */
const inOrder = async <T, R>(items: readonly T[], read: (item: T) => Promise<R>): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, items.length) }, async () => {
      for (let i = next++; i < items.length; i = next++) results[i] = await read(items[i]!);
    }),
  );
  return results;
};

/**
 * Reads the streams a round's inputs come from, as they stood at log position `position`: events
 * recorded later are left out, and not read. Reads only these streams, so its cost does not grow
 * with the rest of the log, nor with what was appended to them since. Events are upcast to their
 * current schema on the way, so an old decision replays through the same code as a new one.
 */
export const readRoundFacts = async (
  store: EventStore,
  registry: EventRegistry,
  scope: RoundScope & {
    readonly warehouseId: string;
    readonly position: LogPosition;
    /** A recorded decision's streams: where each stood, to size the reads (see `readUpTo`). */
    readonly recorded?: readonly StreamRead[];
  },
): Promise<{ facts: RoundFacts; streams: StreamRead[] }> => {
  const expected = new Map((scope.recorded ?? []).map((s) => [s.streamId, BigInt(s.revision)]));
  const read = async (streamId: string): Promise<{ read: StreamRead; facts: Fact[] }> => {
    const events = await readUpTo(store, streamId, scope.position, expected.get(streamId));
    return {
      read: { streamId, revision: (events.length ? events[events.length - 1]!.revision : -1n).toString() },
      facts: events.map((e) => (registry.has(e.type) ? registry.decode(e) : e)),
    };
  };
  const codes = [...scope.municipalities].sort();
  // The warehouse and the municipalities side by side; the deliveries to read follow from them.
  const [warehouse, ...reports] = await inOrder([warehouseStream(scope.warehouseId), ...codes.map(municipalityStream)], read);
  const municipalities = new Map<string, Fact[]>(codes.map((code, i) => [code, reports[i]!.facts]));
  const deliveries = await inOrder(deliveriesToRead(scope, { warehouse: warehouse!.facts, municipalities }), read);
  return {
    facts: { warehouse: warehouse!.facts, municipalities, deliveries: deliveries.flatMap((d) => d.facts) },
    streams: [warehouse!, ...reports, ...deliveries].map((r) => r.read),
  };
};
