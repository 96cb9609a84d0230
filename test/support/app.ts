import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/shared/actor.js';
import { TokenService } from '../../src/auth/token.service.js';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly db: TestDatabase;
  /** A token for a user of this role and scope, signed by the app's key. */
  token(role: Role, scope?: { county?: string; municipality?: string; sub?: string; name?: string }): Promise<string>;
  close(): Promise<void>;
}

/** The real application on a fresh database, listening on an ephemeral port of 127.0.0.1. */
/** The real application; on a database of its own unless `options.db` shares one (several instances). */
export const startTestApp = async (env: Record<string, string> = {}, options: { db?: TestDatabase } = {}): Promise<TestApp> => {
  const db = options.db ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-app-'));
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', WAIT_FOR_TIMEOUT_MS: '3000', DATA_DIR: dataDir, ...env });
  const app = await createApp(config, db.url);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    db,
    token: (role, scope = {}) =>
      app.get(TokenService).sign({
        sub: scope.sub ?? `${role}-${scope.municipality ?? scope.county ?? 'all'}-${randomUUID().slice(0, 4)}`,
        name: scope.name ?? `Test ${role}`,
        role,
        ...(scope.county ? { county: scope.county } : {}),
        ...(scope.municipality ? { municipality: scope.municipality } : {}),
      }),
    async close() {
      await app.close();
      if (!options.db) await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
