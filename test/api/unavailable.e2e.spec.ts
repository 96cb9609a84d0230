import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { type EventStoreDbDouble, startEventStoreDbDouble } from '../support/eventstoredb-double/index.js';

/** When the event store is down, writes answer 503 with Retry-After and write nothing; health says what is down. */
let double: EventStoreDbDouble;
let t: TestApp;
beforeAll(async () => {
  double = await startEventStoreDbDouble();
  t = await startTestApp({ EVENTSTORE_CONNECTION_STRING: double.connectionString });
});
afterAll(async () => {
  await t?.close();
  await double?.stop();
});

const report = async () =>
  call(t, 'POST', '/api/municipalities/2281/reports', {
    as: await t.token('municipality', { municipality: '2281' }),
    body: {
      reportedAt: new Date(Date.now() - 60_000).toISOString(),
      infections: 1,
      lines: [{ item: 'VISOR', onHand: 10, usedSinceLastReport: 2, requested: 5 }],
    },
  });

it('answers 503 with Retry-After while the event store is down, and recovers without a restart', async () => {
  double.setUnavailable(true);
  try {
    const down = await report();
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.type).toMatch(/problems\/unavailable$/);
    const health = await call(t, 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body.error.eventStore).toEqual(expect.objectContaining({ status: 'down', kind: 'eventstoredb' }));
  } finally {
    double.setUnavailable(false);
  }
  expect(double.log.stream('municipality-2281')).toBeUndefined();
  const up = await report();
  expect(up.status).toBe(201);
  expect((await call(t, 'GET', '/api/health')).status).toBe(200);
});
