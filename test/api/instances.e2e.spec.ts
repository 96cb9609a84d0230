import { afterAll, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { EVENT_STORE } from '../../src/event-store/event-store.js';
import { verifyProjection } from '../../src/projections/projection-rebuilder.js';
import { ProjectionsService } from '../../src/projections/projections.service.js';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../../src/database/embedded-postgres.js';

/**
 * Two instances on one database: both serve HTTP, each projection is led by exactly one of them,
 * and when the leader dies (SIGKILL) the other takes its projections over within seconds, ending
 * with read models that match a rebuild from the log.
 */
let db: TestDatabase;
let b: TestApp | undefined;
let a: ChildProcess | undefined;
let dir: string;

afterAll(async () => {
  if (a && a.exitCode === null) a.kill('SIGKILL');
  await b?.close();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const health = async (url: string) => {
  try {
    const r = await fetch(`${url}/api/health`);
    return (await r.json()) as { details: { projections: { projections: { name: string; state: string }[] } } };
  } catch {
    return undefined;
  }
};

/** Polls a condition on the services' state (not on a projection's data) with a deadline. */
const eventually = async (check: () => Promise<boolean>, what: string, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

it('shares the projections between two instances and hands them over when the leader dies', async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppe-instances-'));
  const keyFile = path.join(dir, 'signing-key.pem');
  const portA = await freePort();
  const urlA = `http://127.0.0.1:${portA}`;
  const { DATABASE_URL: _a, EVENTSTORE_CONNECTION_STRING: _b, ...inherited } = process.env;
  a = spawn(process.execPath, [path.resolve('dist/main.js')], {
    env: { ...inherited, DATABASE_URL: db.url, PORT: String(portA), DATA_DIR: dir, AUTH_SIGNING_KEY_FILE: keyFile, LOG_LEVEL: 'silent' },
    stdio: 'ignore',
  });
  await eventually(async () => (await health(urlA))?.details.projections.projections.every((p) => p.state === 'live') ?? false, 'A leads');

  b = await startTestApp({ AUTH_SIGNING_KEY_FILE: keyFile, PROJECTION_LEASE_RETRY_MS: '200' }, { db });
  await eventually(async () => (await health(b!.url))!.details.projections.projections.every((p) => p.state === 'standby'), 'B stands by');

  // Both serve HTTP; reads on B wait on the leader's progress.
  const token = await b.token('municipality', { municipality: '1814' });
  const report = (url: string, hoursAgo: number) =>
    fetch(`${url}/api/municipalities/1814/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        reportedAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
        infections: 1,
        lines: [{ item: 'FFP2', onHand: 50, usedSinceLastReport: 5, requested: 10 }],
      }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { position: string } }));
  const viaA = await report(urlA, 5);
  expect(viaA.status).toBe(201);
  const viaB = await report(b.url, 4);
  expect(viaB.status).toBe(201);
  const readOnB = await call(b, 'GET', `/api/municipalities/1814/reports?waitFor=${viaB.body.position}`, { as: token });
  expect(readOnB.status).toBe(200);
  expect(readOnB.body.reports).toHaveLength(2);

  a.kill('SIGKILL');
  await eventually(async () => (await health(b!.url))!.details.projections.projections.every((p) => p.state === 'live'), 'B takes over', 15_000);

  const later = await report(b.url, 3);
  expect(later.status).toBe(201);
  const read = await call(b, 'GET', `/api/municipalities/1814/reports?waitFor=${later.body.position}`, { as: token });
  expect(read.body.reports).toHaveLength(3);

  for (const projection of b.app.get(ProjectionsService).projections.filter((p) => p.rebuildable !== false)) {
    const result = await verifyProjection(b.app.get(DataSource), b.app.get(EVENT_STORE), projection);
    expect({ projection: projection.name, differences: result.differences }).toEqual({ projection: projection.name, differences: [] });
  }
}, 90_000);
