import { afterAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { loadSigningKey } from '../../src/auth/signing-key.js';
import { signToken } from '../../src/auth/local-token.js';
import { loadConfig } from '../../src/config/config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { verifyProjection } from '../../src/projections/projection-rebuilder.js';
import { ProjectionsService } from '../../src/projections/projections.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../../src/database/embedded-postgres.js';

/**
 * SIGKILL while commands stream in and projections are mid-batch, then restart: every acknowledged
 * command is in the log, nothing is half-written, and every read model equals a rebuild from the log.
 */
let db: TestDatabase;
let dir: string;
const children: ChildProcess[] = [];
let inspector: TestApp | undefined;

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await inspector?.close();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const startService = async (port: number, keyFile: string) => {
  const { DATABASE_URL: _a, EVENTSTORE_CONNECTION_STRING: _b, ...inherited } = process.env;
  const child = spawn(process.execPath, [path.resolve('dist/main.js')], {
    env: {
      ...inherited,
      DATABASE_URL: db.url,
      PORT: String(port),
      DATA_DIR: dir,
      AUTH_SIGNING_KEY_FILE: keyFile,
      LOG_LEVEL: 'silent',
      PROJECTION_BATCH_SIZE: '7',
    },
    stdio: 'ignore',
  });
  children.push(child);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('service did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
};

it('keeps every acknowledged command and consistent read models across a SIGKILL', async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppe-crash-'));
  const keyFile = path.join(dir, 'signing-key.pem');
  const port = await freePort();
  const service = await startService(port, keyFile);
  const key = await loadSigningKey(keyFile, false);
  const config = loadConfig({});

  const municipalities = ['1814', '1860', '1861', '1862', '1863', '1864', '1880', '1881'];
  const acknowledged = new Map<string, string[]>(municipalities.map((m) => [m, []]));
  let killed = false;
  const writers = municipalities.map(async (m) => {
    const token = await signToken(key, { sub: `crash-${m}`, name: m, role: 'municipality', municipality: m }, config, 600);
    for (let i = 0; !killed && i < 400; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/municipalities/${m}/reports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            reportedAt: new Date(Date.now() - (500 - i) * 60_000).toISOString(),
            infections: i,
            lines: [{ item: 'FFP2', onHand: 100 + i, usedSinceLastReport: i, requested: 5 }],
          }),
        });
        if (r.status === 201) acknowledged.get(m)!.push(((await r.json()) as { reportId: string }).reportId);
      } catch {
        return; // the service is gone
      }
    }
  });
  // Kill once a good number of commands went through, while the rest are still streaming in.
  while ([...acknowledged.values()].reduce((n, a) => n + a.length, 0) < 120) await new Promise((r) => setTimeout(r, 20));
  service.kill('SIGKILL');
  killed = true;
  await Promise.all(writers);

  await startService(port, keyFile);
  inspector = await startTestApp({ AUTH_SIGNING_KEY_FILE: keyFile }, { db });
  const store = inspector.app.get<EventStore>(EVENT_STORE);
  for (const m of municipalities) {
    const logged = (await store.readStream(`municipality-${m}`)).map((e) => (e.data as { reportId: string }).reportId);
    // Every acknowledged report is there, in order; at most the one in flight at the kill follows.
    expect(logged.slice(0, acknowledged.get(m)!.length)).toEqual(acknowledged.get(m));
    expect(logged.length - acknowledged.get(m)!.length).toBeLessThanOrEqual(1);
  }
  const projections = inspector.app.get(ProjectionsService).projections.filter((p) => p.rebuildable !== false);
  for (const projection of projections) {
    const result = await verifyProjection(inspector.app.get(DataSource), store, projection);
    expect({ projection: projection.name, differences: result.differences }).toEqual({ projection: projection.name, differences: [] });
  }
}, 120_000);
