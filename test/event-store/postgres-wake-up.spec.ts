import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { guardPool } from '../../src/database/pool-options.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, testEvent, type TestDatabase } from '../support/database.js';

/**
 * Subscribers in another process learn of appends by LISTEN/NOTIFY, not by polling: with polling
 * set to a minute, an event appended through another store instance must still arrive at once.
 */
let db: TestDatabase;
let pool: pg.Pool;
const stores: PostgresEventStore[] = [];

const openStore = async (pollIntervalMs: number) => {
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { pollIntervalMs });
  await store.start();
  stores.push(store);
  return store;
};

beforeAll(async () => {
  db = await createTestDatabase();
  pool = guardPool(new pg.Pool({ connectionString: db.url }));
});
afterAll(async () => {
  for (const store of stores) await store.close();
  await pool.end();
  await db.drop();
});

it('wakes a subscriber of another instance through NOTIFY long before its next poll', async () => {
  const writer = await openStore(60_000);
  const reader = await openStore(60_000);
  const subscription = reader.subscribeToAll();
  const iterator = subscription[Symbol.asyncIterator]();
  expect((await iterator.next()).value).toEqual({ kind: 'caught-up' });

  const started = Date.now();
  await writer.appendToStream('warehouse-01', [testEvent('StockReceived')], { expectedRevision: 'no_stream' });
  const next = await iterator.next();
  expect(next.value).toEqual(expect.objectContaining({ kind: 'event' }));
  expect(Date.now() - started).toBeLessThan(30_000); // far below the 60 s poll
  await subscription.unsubscribe();
});
