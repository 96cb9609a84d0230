import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly db: TestDatabase;
  close(): Promise<void>;
}

/** The real application on a fresh database, listening on an ephemeral port of 127.0.0.1. */
export const startTestApp = async (env: Record<string, string> = {}): Promise<TestApp> => {
  const db = await createTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', WAIT_FOR_TIMEOUT_MS: '3000', ...env });
  const app = await createApp(config, db.url);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    db,
    async close() {
      await app.close();
      await db.drop();
    },
  };
};
