import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * Clients that ask for a large CSV export and then never read it must not starve the service: with
 * a pool of 4, twice as many stalled exports leave reads, a keyed write and health answering, and
 * every connection an export took is given back within the configured bound.
 */
const POOL = 4;
const IDLE_WRITE_MS = 3000;
let t: TestApp;
let admin: pg.Client;
let county: string;
const stalled: net.Socket[] = [];

/** One request with a ceiling: a starved service fails the test instead of hanging it. */
const get = async (path: string, token: string, init: RequestInit = {}) => {
  const response = await fetch(`${t.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
    signal: AbortSignal.timeout(8000),
  });
  return { status: response.status, text: await response.text() };
};

/** The app's sessions stuck in a transaction, or running an export's query, seen by the server. */
const exportSessions = async (): Promise<number> => {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND (state LIKE 'idle in transaction%' OR (state = 'active' AND query LIKE '%FROM delivery_history%'))`,
  );
  return rows[0]!.n;
};

const until = async (what: string, check: () => Promise<boolean>, ms: number): Promise<number> => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
};

beforeAll(async () => {
  t = await startTestApp({ DB_POOL_SIZE: String(POOL), EXPORT_IDLE_WRITE_MS: String(IDLE_WRITE_MS), EXPORT_MAX_MS: '30000' });
  admin = new pg.Client({ connectionString: t.db.url });
  await admin.connect();
  // The history read model filled directly: what is under test is how its export is sent, and
  // 20,000 deliveries (about 15 MB of CSV, far more than socket buffers hold) through the log
  // would take minutes.
  await admin.query(`
    INSERT INTO delivery_history (delivery_id, warehouse_id, municipality, county, vehicle, dispatched_at, status)
    SELECT gen_random_uuid(), '01-central', '0115', '01', 'ABC ' || i, now() - i * interval '1 minute', 'in-transit'
      FROM generate_series(1, 20000) AS i`);
  await admin.query(`
    INSERT INTO delivery_history_lines (delivery_id, item, line_no, quantity, reason)
    SELECT delivery_id, 'FFP2', 0, 500, repeat('torn packaging; ', 40) FROM delivery_history`);
  county = await t.token('county', { county: '01' });
}, 120_000);

afterAll(async () => {
  for (const socket of stalled) socket.destroy();
  await admin?.end();
  await t?.close();
}, 60_000);

describe('clients that stop reading a CSV export', () => {
  it('leave reads, a keyed write and health answering, and give back their connections in time', async () => {
    const { port } = new URL(t.url);
    for (let i = 0; i < 2 * POOL; i++) {
      // Sends the request and never reads a byte of the answer.
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(`GET /api/deliveries HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nAuthorization: Bearer ${county}\r\n\r\n`);
      stalled.push(socket);
    }
    await until('an export holds a transaction', async () => (await exportSessions()) > 0, 10_000);

    const json = await get('/api/deliveries?limit=5', county);
    expect({ status: json.status, deliveries: JSON.parse(json.text).deliveries?.length }).toEqual({ status: 200, deliveries: 5 });
    const stock = await get('/api/warehouses/01-central/stock', county);
    expect(stock.status).toBe(200);
    const municipality = await t.token('municipality', { municipality: '0115' });
    const write = await get('/api/municipalities/0115/reports', municipality, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify({
        reportedAt: new Date().toISOString(),
        infections: 1,
        lines: [{ item: 'FFP2', onHand: 100, usedSinceLastReport: 10, requested: 20 }],
      }),
    });
    expect({ status: write.status, text: write.status === 201 ? '' : write.text }).toEqual({ status: 201, text: '' });
    const health = await get('/api/health', '');
    expect(health.status).toBe(200);

    // Every stalled export lets go of its connection and transaction: within the idle-write bound
    // (plus a generous margin for a loaded machine).
    await until('the stalled exports give back their connections', async () => (await exportSessions()) === 0, IDLE_WRITE_MS + 10_000);
  }, 90_000);
});
