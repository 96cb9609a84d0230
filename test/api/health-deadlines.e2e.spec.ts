import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * /api/health answers fast whatever hangs below it, and tells an unauthenticated caller states,
 * never driver messages, hosts or ports. The service reaches PostgreSQL through a TCP proxy that
 * can stop forwarding: a frozen server, as a hung host or a network dropping packets looks.
 */
const POOL = 2;
let db: TestDatabase;
let t: TestApp;
let proxy: net.Server;
let frozen = false;
const sockets = new Set<net.Socket>();

const startProxy = async (target: URL): Promise<number> => {
  proxy = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    client.on('close', () => sockets.delete(client));
    // A frozen server accepts connections and never answers.
    if (frozen) return;
    const server = net.connect(Number(target.port), target.hostname);
    sockets.add(server);
    server.on('error', () => client.destroy());
    server.on('close', () => client.destroy());
    client.on('close', () => server.destroy());
    client.on('data', (chunk) => {
      if (!frozen) server.write(chunk);
    });
    server.on('data', (chunk) => {
      if (!frozen) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return (proxy.address() as net.AddressInfo).port;
};

const health = async () => {
  const started = Date.now();
  const response = await fetch(`${t.url}/api/health`, { signal: AbortSignal.timeout(20_000) });
  return { status: response.status, text: await response.text(), ms: Date.now() - started };
};

/** Nothing internal: no addresses, ports or driver messages. */
const expectNoInternals = (text: string, port: number) => {
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|ECONN|timeout expired|Query read timeout|Connection terminated|connect|pool|exceeded/i);
  expect(text).not.toContain(String(port));
};

let proxyPort: number;

beforeAll(async () => {
  db = await createTestDatabase();
  const target = new URL(db.url);
  proxyPort = await startProxy(target);
  const proxied = new URL(db.url);
  proxied.port = String(proxyPort);
  // Statements may wait long (the blocked writes below hold their connections while they wait).
  t = await startTestApp(
    { DB_POOL_SIZE: String(POOL), DB_STATEMENT_TIMEOUT_MS: '30000', DB_QUERY_TIMEOUT_MS: '35000' },
    { db: { url: proxied.toString(), drop: () => db.drop() } },
  );
}, 120_000);

afterAll(async () => {
  frozen = false;
  for (const socket of sockets) socket.destroy();
  await t?.close();
  await new Promise((resolve) => proxy?.close(resolve));
}, 60_000);

describe('health answers fast, and says states only', () => {
  it('answers 503 within 2 s while every connection of the event log pool is taken', async () => {
    expect((await health()).status).toBe(200);
    // Writes to four municipalities wait on their streams' append locks, held from outside: each
    // holds an event log pool connection while it waits.
    const municipalities = ['0114', '0115', '0117', '0120'];
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    for (const m of municipalities) await blocker.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`municipality-${m}`]);
    const writes = municipalities.map(async (m, i) => {
      const token = await t.token('municipality', { municipality: m });
      const r = await fetch(`${t.url}/api/municipalities/${m}/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({
          reportedAt: new Date(Date.now() - i * 60_000).toISOString(),
          infections: i,
          lines: [{ item: 'FFP2', onHand: 100, usedSinceLastReport: 10, requested: 20 }],
        }),
      });
      return r.status;
    });
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await blocker.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()",
        );
        if (rows[0]!.n >= POOL) break;
        if (Date.now() > deadline) throw new Error('the writes never took the pool');
        await new Promise((r) => setTimeout(r, 20));
      }
      const answer = await health();
      expect({ status: answer.status, fast: answer.ms < 2500 }).toEqual({ status: 503, fast: true });
      const body = JSON.parse(answer.text);
      expect(body.error.eventStore).toEqual({ status: 'down', kind: 'postgresql', message: 'no answer in time' });
      expectNoInternals(answer.text, proxyPort);
    } finally {
      await blocker.end();
    }
    await Promise.all(writes);
    expect((await health()).status).toBe(200);
  }, 60_000);

  it('answers 503 within 2 s when the server freezes, naming no host, port or driver message', async () => {
    expect((await health()).status).toBe(200);
    frozen = true;
    const answer = await health();
    expect({ status: answer.status, fast: answer.ms < 2500 }).toEqual({ status: 503, fast: true });
    const body = JSON.parse(answer.text);
    expect(body.error.eventStore).toEqual(expect.objectContaining({ status: 'down', kind: 'postgresql' }));
    expect(body.error.database).toEqual(expect.objectContaining({ status: 'down' }));
    expect(body.details.projections.status).toBe('up');
    expectNoInternals(answer.text, proxyPort);
    // Asked again while still frozen (connections now waiting on the pool too): as fast.
    const again = await health();
    expect({ status: again.status, fast: again.ms < 2500 }).toEqual({ status: 503, fast: true });
    expectNoInternals(again.text, proxyPort);
  }, 60_000);
});
