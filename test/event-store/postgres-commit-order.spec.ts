import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { guardPool } from '../../src/database/pool-options.js';
import type { NewEvent, SubscriptionMessage } from '../../src/event-store/event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The trap a sequence-numbered log falls into: transaction A takes its place in the log, B takes a
 * later one and commits first. A reader that saw B and remembers "B's position" would skip A when
 * it commits. The store must hold B back until A is decided, then deliver A before B.
 */
let db: TestDatabase;
let pool: pg.Pool;
let store: PostgresEventStore;

const event = (type: string): NewEvent => ({
  type,
  data: {},
  metadata: {
    eventId: randomUUID(),
    correlationId: 'c',
    causationId: 'c',
    actor: 'tester',
    role: 'admin',
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  },
});

beforeAll(async () => {
  db = await createTestDatabase();
  pool = guardPool(new pg.Pool({ connectionString: db.url }));
  store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { pollIntervalMs: 50 });
  await store.start();
});

afterAll(async () => {
  await store.close();
  await pool.end();
  await db.drop();
});

const appendInOpenTransaction = async (client: pg.Client, streamId: string, type: string) => {
  const e = event(type);
  await client.query('BEGIN');
  await client.query(`SELECT * FROM ppe_append_events($1, 'any', NULL, $2::uuid[], $3::text[], $4::jsonb[], $5::jsonb[])`, [
    streamId,
    [e.metadata.eventId],
    [e.type],
    [JSON.stringify(e.data)],
    [JSON.stringify(e.metadata)],
  ]);
};

it('holds back an event committed behind a slower, earlier transaction, then delivers both in log order', async () => {
  const slow = new pg.Client({ connectionString: db.url });
  await slow.connect();
  const subscription = store.subscribeToAll();
  const iterator = subscription[Symbol.asyncIterator]();
  const next = () => iterator.next().then((r) => r.value as SubscriptionMessage);
  expect((await next()).kind).toBe('caught-up');

  await appendInOpenTransaction(slow, 'order-a', 'EarlierButSlow');
  await store.appendToStream('order-b', [event('LaterButFast')], { expectedRevision: 'no_stream' });

  // B is committed, yet the subscriber must not see it while A may still commit before it.
  const pending = next();
  const early = await Promise.race([pending, new Promise((resolve) => setTimeout(() => resolve('nothing yet'), 300))]);
  expect(early).toBe('nothing yet');
  expect(await store.readAll()).toEqual([]);

  await slow.query('COMMIT');
  const first = await pending;
  const second = await next();
  expect([first, second].map((m) => (m.kind === 'event' ? m.event.type : m.kind))).toEqual(['EarlierButSlow', 'LaterButFast']);
  await subscription.unsubscribe();
  await slow.end();
});

it('moves on when the earlier transaction rolls back', async () => {
  const slow = new pg.Client({ connectionString: db.url });
  await slow.connect();
  const head = await store.headPosition();
  const subscription = store.subscribeToAll({ after: head.toString() });
  const iterator = subscription[Symbol.asyncIterator]();
  const next = () => iterator.next().then((r) => r.value as SubscriptionMessage);
  expect((await next()).kind).toBe('caught-up');

  await appendInOpenTransaction(slow, 'rollback-a', 'NeverHappened');
  await store.appendToStream('rollback-b', [event('Happened')], { expectedRevision: 'no_stream' });
  await slow.query('ROLLBACK');
  const message = await next();
  expect(message.kind === 'event' && message.event.type).toBe('Happened');
  await subscription.unsubscribe();
  await slow.end();
});
