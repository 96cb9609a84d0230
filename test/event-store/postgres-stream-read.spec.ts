import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { guardPool } from '../../src/database/pool-options.js';
import { StreamNotFoundError } from '../../src/event-store/errors.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase, testEvent, type TestDatabase } from '../support/database.js';

/**
 * A command reads its stream after the revision it has cached, and the answer is nearly always
 * "nothing new": that answer, and "no such stream", must each cost one statement, not a read and
 * then a check that the stream exists.
 */
describe('reading a stream from the PostgreSQL log', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresEventStore;
  let statements = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = guardPool(new pg.Pool({ connectionString: db.url }));
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements++;
      return query(...args);
    };
    store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { pollIntervalMs: 60_000 });
    await store.appendToStream('warehouse-01-central', [testEvent('StockReceived'), testEvent('StockReceived')], { expectedRevision: 'no_stream' });
  });
  afterAll(async () => {
    await store?.close();
    await pool?.end();
    await db?.drop();
  });

  const counted = async <T>(read: () => Promise<T>): Promise<{ result: T | Error; statements: number }> => {
    statements = 0;
    const result = await read().catch((error: Error) => error);
    return { result, statements };
  };

  it('answers events, nothing new, or no such stream, each in one statement', async () => {
    const events = await counted(() => store.readStream('warehouse-01-central', { fromRevision: 1n }));
    expect(events.statements).toBe(1);
    expect((events.result as { revision: bigint }[]).map((e) => e.revision)).toEqual([1n]);

    const nothingNew = await counted(() => store.readStream('warehouse-01-central', { fromRevision: 2n }));
    expect(nothingNew).toEqual({ result: [], statements: 1 });

    const missing = await counted(() => store.readStream('warehouse-03-central', { fromRevision: 2n }));
    expect(missing.statements).toBe(1);
    expect(missing.result).toBeInstanceOf(StreamNotFoundError);
  });
});
