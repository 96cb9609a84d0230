import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/database/data-source.js';

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
