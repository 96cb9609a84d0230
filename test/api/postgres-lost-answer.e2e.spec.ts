import { afterAll, beforeAll, expect, it } from '@jest/globals';
import net from 'node:net';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * PostgreSQL commits an append, and its answer never reaches the service (a network path that
 * dropped, a host that froze after the commit). The service reaches PostgreSQL through a TCP proxy
 * that, once armed, swallows every answer on the connection that sends the next append. The write
 * must answer 503 saying its outcome is unknown, within the configured bound, and a retry with the
 * same Idempotency-Key must land it exactly once.
 */
let db: TestDatabase;
let t: TestApp;
let proxy: net.Server;
let armed = false;
const sockets = new Set<net.Socket>();

const startProxy = async (target: URL): Promise<number> => {
  proxy = net.createServer((client) => {
    const server = net.connect(Number(target.port), target.hostname);
    for (const socket of [client, server]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => sockets.delete(socket));
    }
    server.on('close', () => client.destroy());
    client.on('close', () => server.destroy());
    let swallowing = false;
    client.on('data', (chunk: Buffer) => {
      if (armed && chunk.includes('ppe_append_events')) {
        armed = false;
        swallowing = true;
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (!swallowing) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return (proxy.address() as net.AddressInfo).port;
};

const QUERY_TIMEOUT_MS = 2000;

beforeAll(async () => {
  db = await createTestDatabase();
  const proxied = new URL(db.url);
  proxied.port = String(await startProxy(new URL(db.url)));
  t = await startTestApp(
    { DB_STATEMENT_TIMEOUT_MS: '1500', DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS), DB_CONNECTION_TIMEOUT_MS: '1000' },
    { db: { url: proxied.toString(), drop: () => db.drop() } },
  );
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await t?.close();
  await new Promise((resolve) => proxy?.close(resolve));
}, 60_000);

it('answers 503 "outcome unknown" when the answer to a committed append is lost, and the retry lands it once', async () => {
  const as = await t.token('warehouse', { county: '01', sub: 'dora' });
  const receipt = () =>
    call(t, 'POST', '/api/warehouses/01-central/receipts', {
      as,
      body: { source: 'donation', from: 'Solna Bygg AB', lines: [{ item: 'FFP3', quantity: 70 }] },
      headers: { 'Idempotency-Key': 'donation-solna-1' },
    });
  const keyed = async () => {
    const { DataSource } = await import('typeorm');
    const rows: { n: number }[] = await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM events WHERE metadata->>'idempotencyKey' = 'donation-solna-1'`);
    return rows[0]!.n;
  };

  armed = true;
  const started = Date.now();
  const lost = await receipt();
  expect(lost.status).toBe(503);
  expect(lost.body.code).toBe('EVENT_STORE.OUTCOME_UNKNOWN');
  expect(lost.headers.get('retry-after')).not.toBeNull();
  expect(Date.now() - started).toBeLessThan(10_000);
  // PostgreSQL did commit it: the service was right not to say "nothing was written".
  expect(await keyed()).toBe(1);

  const retry = await receipt();
  expect(retry.status).toBe(201);
  expect(await keyed()).toBe(1);
  const stock = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${retry.body.position}`, { as });
  expect(stock.body.items.find((i: { item: string }) => i.item === 'FFP3').onHand).toBe(70);
});
