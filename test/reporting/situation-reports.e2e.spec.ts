import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { periodOf } from '../../src/reporting/domain/reporting-period.js';
import { call, countEvents } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { describeOnBothEventStores } from '../support/both-stores.js';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const body = (reportedAt: string, overrides: Record<string, unknown> = {}) => ({
  reportedAt,
  infections: 6,
  lines: [
    { item: 'FFP2', onHand: 400, usedSinceLastReport: 150, requested: 300 },
    { item: 'GLOVE-NITRILE-M', onHand: 5000, usedSinceLastReport: 2100, requested: 0 },
  ],
  ...overrides,
});

describeOnBothEventStores('situation reports', (start) => {
  let t: TestApp;
  let vallentuna: string; // municipality 0115, county 01
  let osteraker: string; // municipality 0117, county 01
  let county01: string;
  let county18: string;

  beforeAll(async () => {
    // A whole week to report in, so that a report made now counts as on time.
    t = await start({ REPORT_DUE_HOURS: '168' });
    vallentuna = await t.token('municipality', { municipality: '0115', name: 'Anna Berg' });
    osteraker = await t.token('municipality', { municipality: '0117' });
    county01 = await t.token('county', { county: '01' });
    county18 = await t.token('county', { county: '18' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const report = (as: string, code: string, payload: unknown, headers: Record<string, string> = {}) =>
    call(t, 'POST', `/api/municipalities/${code}/reports`, { as, body: payload, headers });

  describe('reporting', () => {
    let first: { reportId: string; position: string };

    it('takes a municipality’s own report and answers its id, period and log position', async () => {
      const reportedAt = hoursAgo(30);
      const r = await report(vallentuna, '0115', body(reportedAt));
      expect(r.status).toBe(201);
      expect(r.body).toEqual({ reportId: expect.any(String), period: periodOf(new Date(reportedAt)), position: expect.stringMatching(/^\d+$/) });
      first = r.body;

      const list = await call(t, 'GET', `/api/municipalities/0115/reports?waitFor=${first.position}`, { as: vallentuna });
      expect(list.status).toBe(200);
      expect(list.body.reports).toEqual([
        expect.objectContaining({
          reportId: first.reportId,
          reportedAt: new Date(reportedAt).toISOString(),
          reportedBy: expect.objectContaining({ name: 'Anna Berg', role: 'municipality' }),
          infections: 6,
          corrections: 0,
        }),
      ]);
    });

    it('lets the county board report for a municipality of its county, and no one else', async () => {
      expect((await report(county01, '0115', body(hoursAgo(20)))).status).toBe(201);
      const before = await countEvents(t);
      for (const [as, status] of [
        [county18, 403],
        [osteraker, 403],
        [await t.token('warehouse', { county: '01' }), 403],
        [await t.token('auditor'), 403],
        [await t.token('committee', { county: '01' }), 403],
      ] as const) {
        const r = await report(as, '0115', body(hoursAgo(10)));
        expect(r.status).toBe(status);
        expect(r.body.type).toMatch(/problems\/auth-forbidden$/);
      }
      expect((await call(t, 'POST', '/api/municipalities/0115/reports', { body: body(hoursAgo(10)) })).status).toBe(401);
      expect(await countEvents(t)).toBe(before);
    });

    it('keeps reports in the order of the moments they describe', async () => {
      const before = await countEvents(t);
      const r = await report(vallentuna, '0115', body(hoursAgo(40)));
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('REPORTING.OUT_OF_ORDER');
      expect(await countEvents(t)).toBe(before);
    });

    it.each([
      ['a negative quantity', { lines: [{ item: 'FFP2', onHand: -1, usedSinceLastReport: 0, requested: 0 }] }, 'lines[0].onHand'],
      ['a fractional quantity', { lines: [{ item: 'FFP2', onHand: 1.5, usedSinceLastReport: 0, requested: 0 }] }, 'lines[0].onHand'],
      ['an absurd quantity', { lines: [{ item: 'FFP2', onHand: 1e15, usedSinceLastReport: 0, requested: 0 }] }, 'lines[0].onHand'],
      ['a quantity as text', { lines: [{ item: 'FFP2', onHand: '5', usedSinceLastReport: 0, requested: 0 }] }, 'lines[0].onHand'],
      ['an unknown item', { lines: [{ item: 'FFP9', onHand: 1, usedSinceLastReport: 0, requested: 0 }] }, 'lines[0].item'],
      ['no lines', { lines: [] }, 'lines'],
      ['a missing field', { infections: undefined }, 'infections'],
      ['an extra field', { actor: 'someone-else' }, 'actor'],
      ['a malformed date', { reportedAt: '4 March' }, 'reportedAt'],
      ['a far-future date', { reportedAt: '2099-01-01T00:00:00Z' }, 'reportedAt'],
      [
        'an item twice',
        {
          lines: [
            { item: 'FFP2', onHand: 1, usedSinceLastReport: 0, requested: 0 },
            { item: 'FFP2', onHand: 2, usedSinceLastReport: 0, requested: 0 },
          ],
        },
        'lines[1].item',
      ],
    ])('refuses %s, naming the field, and writes nothing', async (_what, overrides, field) => {
      const before = await countEvents(t);
      const r = await report(vallentuna, '0115', body(hoursAgo(1), overrides));
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countEvents(t)).toBe(before);
    });

    it('refuses a body that is not JSON, and an unknown municipality', async () => {
      const before = await countEvents(t);
      const text = await call(t, 'POST', '/api/municipalities/0115/reports', {
        as: vallentuna,
        rawBody: 'reportedAt=now',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      expect(text.body.code).toBe('REQUEST.UNSUPPORTED_MEDIA_TYPE');
      const broken = await call(t, 'POST', '/api/municipalities/0115/reports', {
        as: vallentuna,
        rawBody: '{"reportedAt":',
        headers: { 'content-type': 'application/json' },
      });
      expect(broken.status).toBe(400);
      expect(broken.body.detail).toMatch(/not valid JSON/);
      const unknown = await report(county01, '9999', body(hoursAgo(1)));
      expect(unknown.status).toBe(404);
      expect(await countEvents(t)).toBe(before);
    });

    it('answers a retried request with the first answer, and refuses the key for another request', async () => {
      const payload = body(hoursAgo(2));
      const headers = { 'Idempotency-Key': 'report-0117-w1' };
      const firstTry = await report(osteraker, '0117', payload, headers);
      expect(firstTry.status).toBe(201);
      const afterFirst = await countEvents(t);
      const retry = await report(osteraker, '0117', payload, headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(firstTry.body);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      const other = await report(osteraker, '0117', { ...payload, infections: 99 }, headers);
      expect(other.status).toBe(422);
      expect(await countEvents(t)).toBe(afterFirst);
    });
  });

  describe('corrections and completeness', () => {
    it('corrects a report: new figures, the reason, the original kept; completeness shows it', async () => {
      const made = await report(vallentuna, '0115', body(hoursAgo(0.5)));
      expect(made.status).toBe(201);
      const corrected = await call(t, 'POST', `/api/municipalities/0115/reports/${made.body.reportId}/corrections`, {
        as: vallentuna,
        body: { reason: 'Two care homes were counted twice', infections: 4, lines: [{ item: 'FFP2', onHand: 310, usedSinceLastReport: 150, requested: 300 }] },
      });
      expect(corrected.status).toBe(201);
      expect(corrected.body).toEqual({ correctionId: expect.any(String), corrects: made.body.reportId, position: expect.any(String) });

      const list = await call(t, 'GET', `/api/municipalities/0115/reports?waitFor=${corrected.body.position}`, { as: county01 });
      const row = list.body.reports.find((r: { reportId: string }) => r.reportId === made.body.reportId);
      expect(row).toEqual(expect.objectContaining({ infections: 4, corrections: 1, lastCorrectionReason: 'Two care homes were counted twice' }));

      const raw = await call(t, 'GET', `/api/audit/streams/municipality-0115`, { as: await t.token('auditor') });
      if (raw.status === 200) {
        const types = raw.body.events.map((e: { type: string }) => e.type);
        expect(types.filter((x: string) => x === 'SituationReported').length).toBeGreaterThanOrEqual(3);
        expect(types).toContain('SituationReportCorrected');
      }

      const period = made.body.period;
      const completeness = await call(t, 'GET', `/api/reporting/completeness?county=01&period=${period}&waitFor=${corrected.body.position}`, {
        as: county01,
      });
      expect(completeness.status).toBe(200);
      const vallentunaRow = completeness.body.municipalities.find((m: { code: string }) => m.code === '0115');
      // With a whole week to report, a report of the current week is on time and silence is pending;
      // in the half hour after a week turns, the report belongs to the week just over.
      const current = period === periodOf(new Date());
      expect(vallentunaRow).toEqual(expect.objectContaining({ status: current ? 'reported' : 'late', corrected: true }));
      const silent = completeness.body.municipalities.find((m: { code: string }) => m.code === '0180');
      expect(silent.status).toBe(current ? 'pending' : 'missing');
      expect(completeness.body.municipalities).toHaveLength(26);
    });

    it('refuses to correct an unknown report, or without a reason', async () => {
      const before = await countEvents(t);
      const unknown = await call(t, 'POST', '/api/municipalities/0115/reports/00000000-0000-4000-8000-000000000000/corrections', {
        as: vallentuna,
        body: { reason: 'x', infections: 1, lines: [{ item: 'FFP2', onHand: 1, usedSinceLastReport: 0, requested: 0 }] },
      });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('REPORTING.UNKNOWN_REPORT');
      const list = await call(t, 'GET', '/api/municipalities/0115/reports', { as: vallentuna });
      const reportId = list.body.reports[0].reportId;
      const noReason = await call(t, 'POST', `/api/municipalities/0115/reports/${reportId}/corrections`, {
        as: vallentuna,
        body: { infections: 1, lines: [{ item: 'FFP2', onHand: 1, usedSinceLastReport: 0, requested: 0 }] },
      });
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors.map((e: { field: string }) => e.field)).toContain('reason');
      expect(await countEvents(t)).toBe(before);
    });

    it('shows completeness only to the county board of that county and auditors', async () => {
      expect((await call(t, 'GET', '/api/reporting/completeness?county=01', { as: county18 })).status).toBe(403);
      expect((await call(t, 'GET', '/api/reporting/completeness?county=01', { as: vallentuna })).status).toBe(403);
      expect((await call(t, 'GET', '/api/reporting/completeness?county=01', { as: await t.token('auditor') })).status).toBe(200);
      const bad = await call(t, 'GET', '/api/reporting/completeness?county=01&period=W10', { as: county01 });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].field).toBe('period');
    });
  });
});
