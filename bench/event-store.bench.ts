import pg from 'pg';
import { guardPool } from '../src/database/pool-options.js';
import { migrate } from '../src/database/data-source.js';
import type { ExpectedRevision, NewEvent } from '../src/event-store/event-store.js';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { benchDatabase, benchEvent, concurrently, createPlainEventsTable, type Figure, printFigures, timed } from './support.js';

/**
 * The PostgreSQL event store against plain `pg` on the same database in the same run:
 *  - appends vs plain INSERTs of the same rows into a table of the same shape and indexes;
 *  - reading the whole log and catching a subscription up vs a plain keyset-paged SELECT.
 */
export const eventStoreBenchmarks = async (scale: number): Promise<Figure[]> => {
  const db = await benchDatabase();
  await migrate(db.url);
  const pool = guardPool(new pg.Pool({ connectionString: db.url, max: 16 }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { batchSize: 1000 });
  await store.start();
  await createPlainEventsTable(pool, 'plain_events', { identity: true });

  const figures: Figure[] = [];
  const revisions = new Map<string, bigint>();
  let run = 0;

  /** One append through the store, with the exact expected revision as a command would. */
  const append = async (stream: string, events: NewEvent[]) => {
    const expected: ExpectedRevision = revisions.get(stream) ?? 'no_stream';
    const result = await store.appendToStream(stream, events, { expectedRevision: expected });
    revisions.set(stream, result.nextExpectedRevision);
  };
  const plainRevisions = new Map<string, number>();
  /** The same rows as plain INSERTs, one statement per append, revision kept in memory. */
  const plainInsert = async (stream: string, events: NewEvent[]) => {
    const first = (plainRevisions.get(stream) ?? -1) + 1;
    plainRevisions.set(stream, first + events.length - 1);
    const values: unknown[] = [];
    const rows = events.map((e, i) => {
      values.push(e.metadata.eventId, stream, first + i, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata));
      const o = i * 6;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6})`;
    });
    await pool.query(`INSERT INTO plain_events (event_id, stream_id, revision, type, data, metadata) VALUES ${rows.join(', ')}`, values);
  };

  for (const [writers, size, appends] of [
    [1, 1, 2000 * scale],
    [8, 1, 6000 * scale],
    [1, 10, 1000 * scale],
    [8, 10, 3000 * scale],
  ] as const) {
    run++;
    const streamOf = (w: number, i: number) => `warehouse-r${run}w${w}s${i % 25}`;
    const batch = (i: number) => Array.from({ length: size }, (_, k) => benchEvent(i * size + k));
    const baseline = await timed(() => concurrently(writers, appends, (w, i) => plainInsert(`plain-${streamOf(w, i)}`, batch(i))));
    const service = await timed(() => concurrently(writers, appends, (w, i) => append(streamOf(w, i), batch(i))));
    figures.push({
      name: `append, ${writers} writer${writers > 1 ? 's' : ''}, ${size}-event appends`,
      unit: 'appends/s',
      service,
      baseline,
      baselineName: `plain INSERT of ${size} row${size > 1 ? 's' : ''} via pg`,
    });
  }

  const total = Number((await pool.query('SELECT count(*) FROM events')).rows[0].count);
  const plainScan = () =>
    timed(async () => {
      let after = '0';
      let count = 0;
      for (;;) {
        const { rows } = await pool.query(
          'SELECT position, stream_id, revision, type, data, metadata, recorded_at FROM events WHERE position > $1 ORDER BY position LIMIT 1000',
          [after],
        );
        count += rows.length;
        if (rows.length < 1000) return count;
        after = rows[rows.length - 1].position;
      }
    });

  const readBaseline = await plainScan();
  const read = await timed(async () => {
    let after: string | undefined;
    let count = 0;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 1000 });
      count += page.length;
      if (page.length < 1000) return count;
      after = page[page.length - 1]!.checkpoint;
    }
  });
  figures.push({
    name: `read the whole log (${total.toLocaleString('en-US')} events)`,
    unit: 'events/s',
    service: read,
    baseline: readBaseline,
    baselineName: 'plain keyset SELECT, 1000 a page',
  });

  const catchUpBaseline = await plainScan();
  const catchUp = await timed(async () => {
    const subscription = store.subscribeToAll();
    let count = 0;
    for await (const message of subscription) {
      if (message.kind === 'event') count++;
      if (message.kind === 'caught-up') break;
    }
    await subscription.unsubscribe();
    return count;
  });
  figures.push({
    name: 'subscription catch-up from the start',
    unit: 'events/s',
    service: catchUp,
    baseline: catchUpBaseline,
    baselineName: 'plain keyset SELECT, 1000 a page',
  });

  await store.close();
  await pool.end();
  await db.close();
  printFigures(`Event store (PostgreSQL ${db.serverVersion})`, figures);
  return figures;
};
