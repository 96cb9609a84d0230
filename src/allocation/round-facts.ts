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
 * Reads the streams a round's inputs come from, as they stood at log position `position`: events
 * recorded later are left out. Reads only these streams, so its cost does not grow with the rest
 * of the log. Events are upcast to their current schema on the way, so an old decision replays
 * through the same code as a new one.
 */
export const readRoundFacts = async (
  store: EventStore,
  registry: EventRegistry,
  scope: RoundScope & { readonly warehouseId: string; readonly position: LogPosition },
): Promise<{ facts: RoundFacts; streams: StreamRead[] }> => {
  const streams: StreamRead[] = [];
  const read = async (streamId: string): Promise<Fact[]> => {
    let events: RecordedEvent[] = [];
    try {
      events = (await store.readStream(streamId)).filter((e) => e.position <= scope.position);
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    streams.push({ streamId, revision: (events.length ? events[events.length - 1]!.revision : -1n).toString() });
    return events.map((e) => (registry.has(e.type) ? registry.decode(e) : e));
  };
  const warehouse = await read(warehouseStream(scope.warehouseId));
  const municipalities = new Map<string, Fact[]>();
  for (const code of [...scope.municipalities].sort()) municipalities.set(code, await read(municipalityStream(code)));
  const deliveries: Fact[] = [];
  for (const streamId of deliveriesToRead(scope, { warehouse, municipalities })) deliveries.push(...(await read(streamId)));
  return { facts: { warehouse, municipalities, deliveries }, streams };
};
