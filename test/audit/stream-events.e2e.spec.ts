import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const r = await call(t, 'POST', '/api/municipalities/1880/reports', {
    as: await t.token('municipality', { municipality: '1880' }),
    body: {
      reportedAt: new Date(Date.now() - 3_600_000).toISOString(),
      infections: 2,
      lines: [{ item: 'FFP3', onHand: 80, usedSinceLastReport: 10, requested: 40 }],
    },
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

it('answers 400 naming the field for a fromRevision or limit out of range, and reads from an exact revision', async () => {
  const auditor = await t.token('auditor');
  const bad: [string, string][] = [
    ['fromRevision', '-1'],
    ['fromRevision', '1.5'],
    ['fromRevision', '9223372036854775808'],
    ['fromRevision', '18446744073709551616'],
    ['fromRevision', '9'.repeat(400)],
    ['fromRevision', '1e3'],
    ['fromRevision', ''],
    ['fromRevision', 'abc'],
    ['limit', '0'],
    ['limit', '-5'],
    ['limit', '2.5'],
    ['limit', '9'.repeat(400)],
    ['limit', '10001'],
  ];
  for (const [field, value] of bad) {
    const r = await call(t, 'GET', `/api/audit/streams/municipality-1880?${field}=${value}`, { as: auditor });
    const where = `${field}=${value.slice(0, 30)} → ${r.status} ${r.text.slice(0, 200)}`;
    expect({ where, status: r.status, fields: [...new Set(r.body?.errors?.map((e: { field: string }) => e.field))] }).toEqual({
      where,
      status: 400,
      fields: [field],
    });
  }
  // Twice the same parameter is a list, not a number.
  const twice = await call(t, 'GET', '/api/audit/streams/municipality-1880?fromRevision=0&fromRevision=1', { as: auditor });
  expect(twice.status).toBe(400);
  // The largest revision there can be reads nothing, rather than failing.
  const last = await call(t, 'GET', '/api/audit/streams/municipality-1880?fromRevision=9223372036854775807', { as: auditor });
  expect({ status: last.status, events: last.body.events }).toEqual({ status: 200, events: [] });
  const first = await call(t, 'GET', '/api/audit/streams/municipality-1880?fromRevision=0&limit=1', { as: auditor });
  expect(first.body.events.map((e: { revision: string }) => e.revision)).toEqual(['0']);
});
