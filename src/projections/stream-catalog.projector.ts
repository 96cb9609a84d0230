import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../event-store/event-store.js';
import type { Projection } from './projection.js';

/**
 * Every stream in the log with its category (`warehouse` of `warehouse-01`), size and last event.
 * Serves the auditor's list of streams and shows the projections runtime at work on every event.
 */
export class StreamCatalogProjection implements Projection {
  readonly name = 'stream-catalog';
  readonly version = 1;
  readonly eventTypes = 'all' as const;
  readonly tables = ['stream_catalog'] as const;

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    // One row per stream in the batch, folded here so the upsert touches each row once.
    const byStream = new Map<string, { count: number; last: RecordedEvent; first: RecordedEvent }>();
    for (const event of events) {
      const entry = byStream.get(event.streamId);
      if (entry) {
        entry.count++;
        entry.last = event;
      } else {
        byStream.set(event.streamId, { count: 1, first: event, last: event });
      }
    }
    const rows = [...byStream.values()];
    await tx.query(
      `INSERT INTO stream_catalog AS c (stream_id, category, events, last_revision, last_position, last_type,
                                        first_recorded_at, last_recorded_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[],
                            $7::timestamptz[], $8::timestamptz[])
       ON CONFLICT (stream_id) DO UPDATE SET
         events = c.events + excluded.events,
         last_revision = excluded.last_revision,
         last_position = excluded.last_position,
         last_type = excluded.last_type,
         last_recorded_at = excluded.last_recorded_at`,
      [
        rows.map((r) => r.last.streamId),
        rows.map((r) => categoryOf(r.last.streamId)),
        rows.map((r) => r.count),
        rows.map((r) => r.last.revision.toString()),
        rows.map((r) => r.last.position.toString()),
        rows.map((r) => r.last.type),
        rows.map((r) => r.first.recordedAt.toISOString()),
        rows.map((r) => r.last.recordedAt.toISOString()),
      ],
    );
  }
}

/** EventStoreDB's convention: the category is what comes before the first dash. */
export const categoryOf = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
