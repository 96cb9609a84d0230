import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type EventStoreDbDouble, startEventStoreDbDouble } from '../support/eventstoredb-double/index.js';

/**
 * An EventStoreDB node that hangs — the connection stays up, nothing is answered — with the default
 * deadlines: a write answers 503 well within 10 s instead of hanging, later writes and the health
 * check are not held behind it, and once the node recovers a retry with the same Idempotency-Key
 * leaves exactly one write in the log.
 */
let double: EventStoreDbDouble;
let t: TestApp;
let as: string;
beforeAll(async () => {
  double = await startEventStoreDbDouble();
  t = await startTestApp({ EVENTSTORE_CONNECTION_STRING: double.connectionString });
  as = await t.token('warehouse', { county: '01', name: 'Lager Stockholm' });
});
afterAll(async () => {
  double?.thaw();
  await t?.close();
  await double?.stop();
});

const receipt = (idempotencyKey: string) =>
  call(t, 'POST', '/api/warehouses/01-central/receipts', {
    as,
    body: { source: 'donation', from: 'Byggbolaget i Solna AB', lines: [{ item: 'FFP2', quantity: 10 }] },
    headers: { 'idempotency-key': idempotencyKey },
  });
const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
};
/** The warehouse stream's events written under one Idempotency-Key, as the node holds them. */
const eventsOfKey = (key: string) =>
  (double.log.stream('warehouse-01-central') ?? []).filter((e) => JSON.parse(Buffer.from(e.customMetadata).toString('utf8')).idempotencyKey === key);

it('answers 503 promptly while the node hangs, keeps health answering, and lands a retried write once', async () => {
  // A write before the hang: the stream exists and the connection is established.
  expect((await receipt(randomUUID())).status).toBe(201);

  // The node hangs as the next write arrives: the command has read its stream, its append goes unanswered.
  double.freeze({ atNextAppend: true });
  const key = randomUUID();
  const first = await timed(() => receipt(key));
  expect(first.result.status).toBe(503);
  expect(first.result.headers.get('retry-after')).toBe('5');
  expect(first.result.body.code).toBe('EVENT_STORE.OUTCOME_UNKNOWN');
  expect(first.ms).toBeLessThan(10_000);
  expect(double.heldCalls).toBeGreaterThan(0);

  const otherKey = randomUUID();
  const second = await timed(() => receipt(otherKey));
  expect(second.result.status).toBe(503);
  expect(second.result.headers.get('retry-after')).toBe('5');
  expect(second.ms).toBeLessThan(10_000);

  const health = await timed(() => call(t, 'GET', '/api/health'));
  expect(health.result.status).toBe(503);
  expect(health.result.body.error.eventStore).toEqual(expect.objectContaining({ status: 'down', kind: 'eventstoredb' }));
  expect(health.ms).toBeLessThan(2500);

  // The node recovers and commits the write it held; the client retries with the same key.
  double.thaw();
  const retry = await receipt(key);
  expect(retry.status).toBe(201);
  // The store would take the same ids again at a later revision (see the event store contract): the
  // retry finds the held write's events in the stream before deciding, and answers those.
  expect(eventsOfKey(key)).toHaveLength(1);
  // The second write was never sent: nothing of it appears later.
  expect(eventsOfKey(otherKey)).toHaveLength(0);
  expect((await call(t, 'GET', '/api/health')).status).toBe(200);
});
