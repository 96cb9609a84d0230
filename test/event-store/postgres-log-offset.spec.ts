import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { guardPool } from '../../src/database/pool-options.js';
import { migrate } from '../../src/database/data-source.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, testEvent, type TestDatabase } from '../support/database.js';

/**
 * A log restored onto a server whose transaction ids are behind its positions (another or a new
 * server): once aligned at start, new events still come after the restored ones, and readers see
 * the restored ones at once.
 */
let db: TestDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase();
  pool = guardPool(new pg.Pool({ connectionString: db.url }));
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

it('puts new events after a restored log that is ahead of the server’s transaction ids', async () => {
  // A "restored" event from a server whose transaction ids were a million ahead of this one's.
  const [{ xid }] = (await pool.query('SELECT pg_current_xact_id()::text::bigint AS xid')).rows;
  const restored = (BigInt(xid) + 1_000_000n) * 1_000_000n + 1n;
  const old = testEvent('Restored');
  await pool.query(
    `INSERT INTO events (position, event_id, stream_id, revision, type, data, metadata) VALUES ($1, $2, 'restored-1', 0, 'Restored', '{}', $3)`,
    [restored.toString(), old.metadata.eventId, JSON.stringify(old.metadata)],
  );
  await pool.query(`INSERT INTO streams (stream_id, revision) VALUES ('restored-1', 0)`);

  await migrate(db.url); // what every start does
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }));
  const appended = await store.appendToStream('after-restore', [testEvent('New')], { expectedRevision: 'no_stream' });
  expect(appended.position).toBeGreaterThan(restored);
  expect((await store.readAll()).map((e) => e.type)).toEqual(['Restored', 'New']);
  await migrate(db.url); // aligning again changes nothing once the server is ahead
  const again = await store.appendToStream('after-restore', [testEvent('Newer')], { expectedRevision: 0n });
  expect(again.position).toBeGreaterThan(appended.position);
  await store.close();
});
