import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DEFAULT_DEADLINES, guardPool, poolOptions, type PoolDeadlines } from '../../src/database/pool-options.js';
import { EventStoreOutcomeUnknownError, EventStoreUnavailableError } from '../../src/event-store/errors.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, testEvent, type TestDatabase } from '../support/database.js';

/**
 * An append that cannot finish says which 503 it is: the server cancelling it at its statement
 * deadline rolled it back (nothing written), while an answer that never came leaves it unknown.
 * The stream's append lock, held from outside, keeps the append from finishing.
 */
let db: TestDatabase;
let blocker: pg.Client;
const STREAM = 'municipality-0115';

const storeWith = (deadlines: Partial<PoolDeadlines>) => {
  const pool = guardPool(new pg.Pool({ connectionString: db.url, ...poolOptions(2, { ...DEFAULT_DEADLINES, ...deadlines }) }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }));
  return { pool, store };
};

const eventsOf = async (stream: string): Promise<number> =>
  (await blocker.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE stream_id = $1', [stream])).rows[0]!.n;

beforeAll(async () => {
  db = await createTestDatabase();
  blocker = new pg.Client({ connectionString: db.url });
  await blocker.connect();
  await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [STREAM]);
});

afterAll(async () => {
  await blocker?.end();
  await db?.drop();
});

describe('an append past its deadline', () => {
  it('is unavailable, nothing written, when the server cancels it (statement timeout)', async () => {
    const { pool, store } = storeWith({ statementTimeoutMs: 300, queryTimeoutMs: 5000 });
    try {
      const error = await store.appendToStream(STREAM, [testEvent('Tested')], { expectedRevision: 'any' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreUnavailableError);
      expect(await eventsOf(STREAM)).toBe(0);
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('is outcome unknown when no answer comes (client-side timeout), and its connection is dropped', async () => {
    const { pool, store } = storeWith({ statementTimeoutMs: 20_000, queryTimeoutMs: 300 });
    try {
      const error = await store.appendToStream(STREAM, [testEvent('Tested')], { expectedRevision: 'any' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EventStoreOutcomeUnknownError);
      // The connection that gave up is closed, not handed out again with the answer still pending.
      expect(pool.totalCount).toBe(0);
      // The server, still waiting on the lock, has not noticed the connection go: once the lock
      // is free the append may still commit. That is why the outcome is unknown.
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
