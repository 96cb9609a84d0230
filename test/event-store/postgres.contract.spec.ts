import pg from 'pg';
import { guardPool } from '../../src/database/pool-options.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';
import { createTestDatabase } from '../support/database.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('PostgreSQL', async () => {
  const db = await createTestDatabase();
  const pool = guardPool(new pg.Pool({ connectionString: db.url, max: 12 }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { batchSize: 50 });
  await store.start();
  return {
    store,
    cleanup: async () => {
      await pool.end();
      await db.drop();
    },
  };
});
