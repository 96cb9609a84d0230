import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { AdvisoryLockLease } from '../../src/projections/projection-lease.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * A process's runners ask the lease at once when they start; its one connection must take their
 * statements in turn (pg 9 refuses a query sent while another runs) and answer each correctly.
 */
describe('advisory-lock lease', () => {
  let db: TestDatabase;
  let inFlight = 0;
  let mostInFlight = 0;
  const clients: pg.Client[] = [];
  const connect = () => {
    const client = new pg.Client({ connectionString: db.url });
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await query(...args);
      } finally {
        inFlight--;
      }
    };
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('takes eleven names asked at once, one statement at a time, and leaves them to no other instance', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `projection-${i}`);
    const first = new AdvisoryLockLease(connect);
    const second = new AdvisoryLockLease(connect);
    try {
      expect(await Promise.all(names.map((name) => first.tryAcquire(name)))).toEqual(names.map(() => true));
      expect(mostInFlight).toBe(1);
      expect(await Promise.all(names.map((name) => second.tryAcquire(name)))).toEqual(names.map(() => false));
      await Promise.all(names.slice(0, 3).map((name) => first.release(name)));
      expect(await Promise.all(names.map((name) => second.tryAcquire(name)))).toEqual(names.map((_, i) => i < 3));
      expect(mostInFlight).toBe(1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
