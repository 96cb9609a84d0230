import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const r = await call(t, 'POST', '/api/municipalities/1880/reports', {
    as: await t.token('municipality', { municipality: '1880' }),
    body: { reportedAt: new Date(Date.now() - 3_600_000).toISOString(), infections: 2, lines: [{ item: 'FFP3', onHand: 80, usedSinceLastReport: 10, requested: 40 }] },
  });
  expect(r.status).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

it('shows an auditor the raw events of a stream with their metadata', async () => {
  const r = await call(t, 'GET', '/api/audit/streams/municipality-1880', { as: await t.token('auditor', { sub: 'audit-1' }) });
  expect(r.status).toBe(200);
  expect(r.body.events).toEqual([
    {
      revision: '0',
      position: expect.stringMatching(/^\d+$/),
      type: 'SituationReported',
      data: expect.objectContaining({ municipality: '1880', infections: 2 }),
      metadata: expect.objectContaining({ role: 'municipality', schemaVersion: 1, correlationId: expect.any(String), occurredAt: expect.any(String) }),
      recordedAt: expect.any(String),
    },
  ]);
});

it('limits a county auditor to its county and refuses everyone but auditors', async () => {
  expect((await call(t, 'GET', '/api/audit/streams/municipality-1880', { as: await t.token('auditor', { county: '18' }) })).status).toBe(200);
  expect((await call(t, 'GET', '/api/audit/streams/municipality-1880', { as: await t.token('auditor', { county: '01' }) })).status).toBe(403);
  expect((await call(t, 'GET', '/api/audit/streams/municipality-1880', { as: await t.token('county', { county: '18' }) })).status).toBe(403);
  expect((await call(t, 'GET', '/api/audit/streams/municipality-1880', { as: await t.token('admin') })).status).toBe(403);
});

it('answers 404 for a stream that does not exist and 400 for a system stream name', async () => {
  const auditor = await t.token('auditor');
  expect((await call(t, 'GET', '/api/audit/streams/purchase-00000000-0000-4000-8000-000000000000', { as: auditor })).status).toBe(404);
  const system = await call(t, 'GET', `/api/audit/streams/${encodeURIComponent('$all')}`, { as: auditor });
  expect(system.status).toBe(400);
});
