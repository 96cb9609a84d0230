import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { guardPool } from '../src/database/pool-options.js';
import { from as copyFrom } from 'pg-copy-streams';
import { migrate } from '../src/database/data-source.js';
import type { NewEvent } from '../src/event-store/event-store.js';
import { PostgresEventStore } from '../src/event-store/postgres/postgres-event-store.js';
import { benchDatabase, benchEvent, concurrently, createPlainEventsTable, type Figure, printFigures, timed } from './support.js';

/**
 * The physical ceiling of the hot paths on this machine: how fast the very same PostgreSQL takes
 * rows shaped like the log's (same columns, same primary key and unique indexes, same JSON) and
 * gives them back, with nothing of the service in between — one autocommit INSERT a row, many rows
 * a statement, COPY, and a scan. Then the service's own append and read beside the closest of
 * them, in the same run, so "how close does it come" is a ratio rather than a guess.
 */

/** Streams the rows are spread over, as in the event-store benchmark. */
const STREAMS = 25;
/** Rows a multi-row INSERT carries, and events a bulk append carries. */
const BULK = 1000;
/** Rows a scan page carries (the rebuild tool's page). */
const PAGE = 5000;

/** One row of the log, as the append function writes it: explicit position, stream and revision. */
interface Row {
  readonly position: number;
  readonly eventId: string;
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

export const ceilingBenchmarks = async (scale: number): Promise<Figure[]> => {
  const db = await benchDatabase();
  await migrate(db.url);
  const pool = guardPool(new pg.Pool({ connectionString: db.url, max: 9 }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { batchSize: PAGE });
  await store.start();

  let table = 0;
  /** A fresh, empty table of the events table's shape for each measure: none pays for another's index growth. */
  const freshTable = async () => {
    const name = `ceiling_${++table}`;
    await createPlainEventsTable(pool, name, { identity: false });
    let position = 0;
    const revisions = new Map<string, number>();
    /** The next row: serialising the JSON is part of every measure, as it is part of an append. */
    const row = (event: NewEvent, i: number): Row => {
      const streamId = `warehouse-ceiling-${i % STREAMS}`;
      const revision = (revisions.get(streamId) ?? -1) + 1;
      revisions.set(streamId, revision);
      return {
        position: ++position,
        eventId: event.metadata.eventId,
        streamId,
        revision,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
      };
    };
    return { name, row };
  };

  const ceilings: { name: string; rows: number; perSecond: number }[] = [];
  const measure = async (name: string, rows: number, work: () => Promise<number>) => {
    const perSecond = await timed(work);
    ceilings.push({ name, rows, perSecond });
    return perSecond;
  };
  const insertOne = (name: string, r: Row) =>
    pool.query(`INSERT INTO ${name} (position, event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      r.position,
      r.eventId,
      r.streamId,
      r.revision,
      r.type,
      r.data,
      r.metadata,
    ]);
  /** Many rows in one statement: one array a column, one round trip, one commit. */
  const insertMany = (name: string, rows: readonly Row[]) =>
    pool.query(
      `INSERT INTO ${name} (position, event_id, stream_id, revision, type, data, metadata)
       SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::jsonb[], $7::jsonb[])`,
      [
        rows.map((r) => r.position),
        rows.map((r) => r.eventId),
        rows.map((r) => r.streamId),
        rows.map((r) => r.revision),
        rows.map((r) => r.type),
        rows.map((r) => r.data),
        rows.map((r) => r.metadata),
      ],
    );
  /** COPY's text format: tab-separated, backslash, tab and newline escaped (JSON.stringify leaves no raw newline or tab). */
  const copyLine = (r: Row) =>
    `${r.position}\t${r.eventId}\t${r.streamId}\t${r.revision}\t${r.type}\t${r.data.replaceAll('\\', '\\\\')}\t${r.metadata.replaceAll('\\', '\\\\')}\n`;

  const single1 = 2000 * scale;
  const single8 = 6000 * scale;
  const bulkRows = 100_000 * scale;
  const figures: Figure[] = [];
  // The service's appends, on the events table through the store, with exact expected revisions.
  const revisions = new Map<string, bigint>();
  const append = async (streamId: string, events: NewEvent[]) => {
    const result = await store.appendToStream(streamId, events, { expectedRevision: revisions.get(streamId) ?? 'no_stream' });
    revisions.set(streamId, result.nextExpectedRevision);
  };
  /** Each writer its own streams, so exact expected revisions never race (as in the event-store benchmark). */
  const stream = (run: string, w: number, i: number) => `warehouse-${run}-w${w}-${i % STREAMS}`;
  try {
    // Each service figure is measured right after the ceiling it is compared with, so that load
    // from elsewhere on the machine falls on both alike. Rows and events are built (JSON
    // serialised for the ceiling's rows) before the clock starts: the ceiling is the database's
    // and the wire's, not this process's; the service's figures include its own serialising.
    for (const [writers, count] of [
      [1, single1],
      [8, single8],
    ] as const) {
      const many = writers > 1 ? 's' : '';
      const table = await freshTable();
      const rows = Array.from({ length: count }, (_, i) => table.row(benchEvent(i), i));
      const insert = await measure(`single-row INSERT, autocommit, ${writers} connection${many}`, count, () =>
        concurrently(writers, count, async (_, i) => {
          await insertOne(table.name, rows[i]!);
        }),
      );
      const events = Array.from({ length: count }, (_, i) => benchEvent(i));
      figures.push({
        name: `append 1 event, ${writers} writer${many}`,
        unit: 'events/s',
        service: await timed(() => concurrently(writers, count, (w, i) => append(stream(`a${writers}`, w, i), [events[i]!]))),
        baseline: insert,
        baselineName: `single-row INSERT, ${writers} connection${many}`,
      });
    }

    const tm = await freshTable();
    let rowsBulk = Array.from({ length: bulkRows }, (_, i) => tm.row(benchEvent(i), i));
    const unnest = await measure(`multi-row INSERT (unnest, ${BULK} rows a statement), 1 connection`, bulkRows, async () => {
      for (let i = 0; i < bulkRows; i += BULK) await insertMany(tm.name, rowsBulk.slice(i, i + BULK));
      return bulkRows;
    });
    let eventsBulk = Array.from({ length: bulkRows }, (_, i) => benchEvent(i));
    const bulkAppend = await timed(async () => {
      for (let i = 0; i < bulkRows; i += BULK) await append(`warehouse-bulk-${i / BULK}`, eventsBulk.slice(i, i + BULK));
      return bulkRows;
    });
    eventsBulk = [];
    figures.push({
      name: `append ${BULK} events at once, 1 writer`,
      unit: 'events/s',
      service: bulkAppend,
      baseline: unnest,
      baselineName: `multi-row INSERT, ${BULK} a statement`,
    });

    const tc = await freshTable();
    rowsBulk = Array.from({ length: bulkRows }, (_, i) => tc.row(benchEvent(i), i));
    const copy = await measure('COPY FROM STDIN (text format), 1 connection, one transaction', bulkRows, async () => {
      const client = await pool.connect();
      try {
        // Chunks of a thousand lines: one write a line would measure the stream machinery.
        const chunks = function* () {
          for (let i = 0; i < bulkRows; i += BULK)
            yield rowsBulk
              .slice(i, i + BULK)
              .map(copyLine)
              .join('');
        };
        await pipeline(
          Readable.from(chunks()),
          client.query(copyFrom(`COPY ${tc.name} (position, event_id, stream_id, revision, type, data, metadata) FROM STDIN`)),
        );
      } finally {
        client.release();
      }
      return bulkRows;
    });
    rowsBulk = [];
    figures.push({ name: `append ${BULK} events at once, 1 writer`, unit: 'events/s', service: bulkAppend, baseline: copy, baselineName: 'COPY FROM STDIN' });

    // Scans: of the COPY's table with the client decoding rows (what a rebuild gets at best), and
    // in the server alone (every row's JSON detoasted, nothing sent); then the service's read of
    // its own log, of about the same size, the same way.
    await pool.query(`VACUUM ANALYZE ${tc.name}`);
    await pool.query('VACUUM ANALYZE events');
    const scan = await measure(`keyset SELECT, ${PAGE} a page, rows decoded by pg`, bulkRows, async () => {
      let after = 0;
      let count = 0;
      for (;;) {
        const { rows } = await pool.query(
          `SELECT position, stream_id, revision, type, data, metadata, recorded_at FROM ${tc.name} WHERE position > $1 ORDER BY position LIMIT $2`,
          [after, PAGE],
        );
        count += rows.length;
        if (rows.length < PAGE) return count;
        after = Number(rows[rows.length - 1].position);
      }
    });
    const total = Number((await pool.query('SELECT count(*) AS n FROM events')).rows[0].n);
    const read = await timed(async () => {
      let after: string | undefined;
      let count = 0;
      for (;;) {
        const page = await store.readAll({ after, maxCount: PAGE });
        count += page.length;
        if (page.length < PAGE) return count;
        after = page[page.length - 1]!.checkpoint;
      }
    });
    figures.push({
      name: `read the whole log (${total.toLocaleString('en-US')} events), ${PAGE} a page`,
      unit: 'events/s',
      service: read,
      baseline: scan,
      baselineName: `keyset SELECT of a ${bulkRows.toLocaleString('en-US')}-row table`,
    });
    await measure('sequential scan in the server (count of rows whose JSON is read)', bulkRows, async () => {
      const { rows } = await pool.query(`SELECT count(*) AS n FROM ${tc.name} WHERE data ? 'deliveryId' AND metadata ? 'eventId'`);
      return Number(rows[0].n);
    });

    process.stdout.write(`\n## Physical ceiling (PostgreSQL ${db.serverVersion}, rows shaped like the log's)\n\n`);
    const width = Math.max(...ceilings.map((c) => c.name.length));
    for (const c of ceilings) {
      process.stdout.write(
        `${c.name.padEnd(width)}  ${Math.round(c.perSecond).toLocaleString('en-US').padStart(9)} rows/s` +
          `  (${(1e6 / c.perSecond).toFixed(1).padStart(7)} µs a row, ${c.rows.toLocaleString('en-US')} rows)\n`,
      );
    }
    printFigures('The service against the ceiling', figures);
    return figures;
  } finally {
    await store.close();
    await pool.end();
    await db.close();
  }
};
