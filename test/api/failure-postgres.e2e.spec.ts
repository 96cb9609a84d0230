import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import { TokenService } from '../../src/auth/token.service.js';
import { createApp } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config/config.js';
import { freePort, type EmbeddedDatabase, startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { ProjectionsService } from '../../src/projections/projections.service.js';
import { call, countEvents } from '../support/api.js';
import type { TestApp } from '../support/app.js';

/**
 * The PostgreSQL server under the service stops in the middle of a run and comes back on the same
 * data folder and port. Meanwhile writes answer 503 with Retry-After and write nothing, health says
 * what is down; afterwards the same process (no restart) writes again, health is 200, and the
 * projections catch up. The shared test server must keep running for other suites, so this file
 * runs a PostgreSQL of its own.
 */
let dbDir: string;
let appDir: string;
let port: number;
let server: EmbeddedDatabase | undefined;
let app: INestApplication | undefined;
let t: TestApp;

beforeAll(async () => {
  dbDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-failure-db-'));
  appDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-failure-app-'));
  port = await freePort();
  server = await startEmbeddedPostgres(dbDir, { port });
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', WAIT_FOR_TIMEOUT_MS: '10000', DATA_DIR: appDir });
  app = await createApp(config, server.url);
  await app.listen(0, '127.0.0.1');
  const { port: httpPort } = app.getHttpServer().address() as AddressInfo;
  const tokens = app.get(TokenService);
  t = {
    app,
    url: `http://127.0.0.1:${httpPort}`,
    db: { url: server.url, drop: async () => undefined },
    token: (role, scope = {}) =>
      tokens.sign({ sub: scope.sub ?? `${role}-${scope.municipality ?? scope.county ?? 'all'}`, name: `Test ${role}`, role, ...scope }),
    close: async () => undefined,
  };
}, 120_000);

afterAll(async () => {
  await app?.close();
  await server?.stop();
  for (const dir of [dbDir, appDir]) if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

// Fixed business times: a retry must send the very same body as the request it retries.
const startedAt = Date.now();
const body = (minutesAgo: number, infections: number) => ({
  reportedAt: new Date(startedAt - minutesAgo * 60_000).toISOString(),
  infections,
  lines: [{ item: 'FFP2', onHand: 100, usedSinceLastReport: 10, requested: 20 }],
});

const report = async (minutesAgo: number, infections: number, idempotencyKey?: string) =>
  call(t, 'POST', '/api/municipalities/0115/reports', {
    as: await t.token('municipality', { municipality: '0115' }),
    body: body(minutesAgo, infections),
    ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
  });

const reportsOf0115 = async (waitFor: string) =>
  call(t, 'GET', `/api/municipalities/0115/reports?waitFor=${waitFor}`, { as: await t.token('county', { county: '01' }) });

/** The database's own count, bypassing the service (which may still be reconnecting). */
const eventsInDatabase = async (): Promise<number> => {
  const client = new pg.Client({ connectionString: server!.url });
  await client.connect();
  try {
    return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM events')).rows[0]!.n;
  } finally {
    await client.end();
  }
};

/**
 * Stops the server as a crash or `pg_ctl stop -m immediate` does (SIGQUIT to the postmaster): every
 * session ends at once, none commits on its way out. (In a fast shutdown the session holding a lock
 * ends first and the write queued behind it may commit before its own session is terminated: a
 * write whose outcome the client cannot know, which this test cannot pin down.)
 */
const stopImmediately = async (): Promise<void> => {
  const pid = Number((await readFile(path.join(dbDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
  process.kill(pid, 'SIGQUIT');
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
};

const expectUnavailable = (response: { status: number; headers: Headers; body: any; text: string }) => {
  expect({ status: response.status, text: response.text }).toEqual({ status: 503, text: expect.any(String) });
  expect(response.headers.get('retry-after')).toBe('5');
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toEqual(expect.objectContaining({ status: 503, type: expect.stringMatching(/problems\/unavailable$/) }));
  // Nothing internal (driver messages, addresses) reaches the client.
  expect(response.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat/i);
};

describe('PostgreSQL stops in the middle of a run', () => {
  let before: number;
  let stuckKey: string;

  it('serves writes and reads while the database is up', async () => {
    const first = await report(60, 1);
    expect(first.status).toBe(201);
    expect((await reportsOf0115(first.body.position)).body.reports).toHaveLength(1);
    expect((await call(t, 'GET', '/api/health')).status).toBe(200);
  });

  it('answers 503 with Retry-After: outcome unknown for a write cut off mid-flight, unavailable for writes while it is down', async () => {
    before = await countEvents(t);
    // Hold the stream's append lock from outside, so the next write has claimed its Idempotency-Key
    // and is inside the append when the server goes away.
    const blocker = new pg.Client({ connectionString: server!.url });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['municipality-0115']);
    stuckKey = `cut-off-${randomUUID()}`;
    const cutOff = report(50, 2, stuckKey);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await blocker.query(
        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()",
      );
      if (rows.length > 0) break;
      if (Date.now() > deadline) throw new Error('the write never reached the append');
      await new Promise((r) => setTimeout(r, 20));
    }

    await stopImmediately();
    server = undefined;
    // Its append was sent and the connection died under it: the service cannot know whether it
    // committed, and says so (the database below shows it did not).
    const cut = await cutOff;
    expect(cut.status).toBe(503);
    expect(cut.headers.get('retry-after')).toBe('5');
    expect(cut.body).toEqual(expect.objectContaining({ code: 'EVENT_STORE.OUTCOME_UNKNOWN', type: expect.stringMatching(/problems\/outcome-unknown$/) }));
    expect(cut.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat/i);

    expectUnavailable(await report(40, 3));
    expectUnavailable(await report(40, 3, `while-down-${randomUUID()}`));
    const health = await call(t, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('5');
    expect(health.body.status).toBe('error');
    expect(health.body.error.eventStore).toEqual(expect.objectContaining({ status: 'down', kind: 'postgresql' }));
    expect(health.body.error.database).toEqual(expect.objectContaining({ status: 'down' }));
  }, 60_000);

  it('recovers without a restart: writes succeed, health is 200, projections catch up', async () => {
    server = await startEmbeddedPostgres(dbDir, { port });
    expect(await eventsInDatabase()).toBe(before);

    // The write cut off mid-flight wrote nothing, but its Idempotency-Key claim is still pending (the
    // request could not let go of it with the database gone). Its retry waits out the claim, takes
    // it over, and writes once. It is also the first write after the server came back: the pools
    // reconnect on their own.
    const retried = await report(50, 2, stuckKey);
    expect({ status: retried.status, text: retried.status === 201 ? '' : retried.text }).toEqual({ status: 201, text: '' });
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const replayed = await report(50, 2, stuckKey);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(retried.body);

    const after = await report(30, 4);
    expect({ status: after.status, text: after.status === 201 ? '' : after.text }).toEqual({ status: 201, text: '' });

    const reads = await reportsOf0115(after.body.position);
    expect({ status: reads.status, text: reads.status === 200 ? '' : reads.text }).toEqual({ status: 200, text: '' });
    expect(reads.body.reports).toHaveLength(3);
    expect(await eventsInDatabase()).toBe(before + 2);
    // Every projection, not only the one read above, follows the log again.
    expect(await t.app.get(ProjectionsService).waitFor(BigInt(after.body.position), [], 10_000)).toEqual([]);

    const health = await call(t, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.details.eventStore).toEqual({ status: 'up', kind: 'postgresql' });
    expect(health.body.details.database.status).toBe('up');
  }, 60_000);
});
