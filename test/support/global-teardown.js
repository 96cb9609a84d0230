import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const db = globalThis.__PPE_TEST_DB__;
  if (!db) return;
  await db.server.stop();
  await rm(db.dir, { recursive: true, force: true });
}
