import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { call, countEvents } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const body = (minutesAgo: number, infections = 3) => ({
  reportedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
  infections,
  lines: [{ item: 'APRON', onHand: 200, usedSinceLastReport: 20, requested: 50 }],
});

it('writes once when the same Idempotency-Key arrives many times at once, and answers all alike', async () => {
  const as = await t.token('municipality', { municipality: '2262' });
  const before = await countEvents(t);
  const payload = body(30);
  const answers = await Promise.all(
    Array.from({ length: 12 }, () => call(t, 'POST', '/api/municipalities/2262/reports', { as, body: payload, headers: { 'Idempotency-Key': 'storm-1' } })),
  );
  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
  expect(new Set(answers.map((a) => a.body.reportId)).size).toBe(1);
  expect(await countEvents(t)).toBe(before + 1);
});

it('keeps one municipality’s concurrent reports and corrections in order, refusing what would break it', async () => {
  const as = await t.token('municipality', { municipality: '2280' });
  const first = await call(t, 'POST', '/api/municipalities/2280/reports', { as, body: body(600) });
  expect(first.status).toBe(201);
  const results = await Promise.all([
    ...Array.from({ length: 10 }, (_, i) => call(t, 'POST', '/api/municipalities/2280/reports', { as, body: body(500 - i * 10, i) })),
    ...Array.from({ length: 5 }, (_, i) =>
      call(t, 'POST', `/api/municipalities/2280/reports/${first.body.reportId}/corrections`, {
        as,
        body: { ...body(0, 100 + i), reportedAt: undefined, reason: `recount ${i}` },
      }),
    ),
  ]);
  // Reports that lost the race to a later moment are refused as out of order; corrections all land.
  for (const r of results) expect([201, 409]).toContain(r.status);
  expect(results.slice(10).every((r) => r.status === 201)).toBe(true);
  const events = await t.app.get<EventStore>(EVENT_STORE).readStream('municipality-2280');
  const reported = events.filter((e) => e.type === 'SituationReported').map((e) => Date.parse((e.data as { reportedAt: string }).reportedAt));
  expect(reported).toEqual([...reported].sort((a, b) => a - b));
  expect(new Set(reported).size).toBe(reported.length);
  expect(events.map((e) => e.revision)).toEqual(events.map((_, i) => BigInt(i)));
  expect(events.filter((e) => e.type === 'SituationReportCorrected')).toHaveLength(5);
});
