import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from '../../src/database/data-source.js';
import { guardPool, poolOptions } from '../../src/database/pool-options.js';
import type { NewEvent } from '../../src/event-store/event-store.js';
import { PostgresEventStore } from '../../src/event-store/postgres/postgres-event-store.js';

export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

const adminUrl = (): string => {
  const url = process.env.PPE_TEST_ADMIN_URL;
  if (!url) throw new Error('no test database server: run the tests through jest (global setup)');
  return url;
};

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/** A fresh, migrated database of its own for one test file. */
export const createTestDatabase = async (): Promise<TestDatabase> => {
  const name = `ppe_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl(), name);
  await migrate(url);
  return {
    url,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl() });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
};

export interface TestLog {
  readonly db: TestDatabase;
  readonly pool: pg.Pool;
  readonly store: PostgresEventStore;
  readonly dataSource: DataSource;
  close(): Promise<void>;
}

/** A migrated database with a PostgreSQL event store and a TypeORM data source on it. */
export const openTestLog = async (): Promise<TestLog> => {
  const db = await createTestDatabase();
  const pool = guardPool(new pg.Pool({ connectionString: db.url, ...poolOptions(10) }));
  const store = new PostgresEventStore(pool, () => new pg.Client({ connectionString: db.url }), { pollIntervalMs: 200 });
  await store.start();
  const dataSource = createDataSource(db.url);
  await dataSource.initialize();
  return {
    db,
    pool,
    store,
    dataSource,
    async close() {
      await store.close();
      await dataSource.destroy();
      await pool.end();
      await db.drop();
    },
  };
};

export const testEvent = (type: string, data: unknown = {}, overrides: Partial<NewEvent['metadata']> = {}): NewEvent => ({
  type,
  data,
  metadata: {
    eventId: randomUUID(),
    correlationId: 'test',
    causationId: 'test',
    actor: 'tester',
    role: 'admin',
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
    ...overrides,
  },
});

export const silentLogger = { info() {}, warn() {}, error() {} };
