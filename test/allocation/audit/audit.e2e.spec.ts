import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { AllocationProposedData } from '../../../src/allocation/domain/allocation.events.js';
import { EVENT_STORE, type EventStore } from '../../../src/event-store/event-store.js';
import { XLSX } from '../../../src/http/spreadsheet.js';
import { ReactionsService } from '../../../src/projections/reaction.js';
import { call, countEvents } from '../../support/api.js';
import type { TestApp } from '../../support/app.js';
import { describeOnBothEventStores } from '../../support/both-stores.js';
import { correctionData, line, reportData } from '../../deliveries/fixtures.js';
import { BAD_QUANTITIES, expectAllRefused, expectProblem, FAR_FUTURE, type Refusal } from '../../warehouse/helpers.js';
import { approveRound, proposeRound, recordedBy } from './rounds.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Ten days ago, on the hour: the scenario's day 0. */
const B = Math.floor(Date.now() / HOUR) * HOUR - 10 * DAY;
const day = (n: number, hours = 0) => new Date(B + n * DAY + hours * HOUR);

const vallentuna = { sub: 'u-17', name: 'Anna Berg', role: 'municipality' as const, county: '01', municipality: '0115' };
const osteraker = { ...vallentuna, sub: 'u-18', municipality: '0117' };
const warehouseStaff = { sub: 'u-31', name: 'Lars Ek', role: 'warehouse' as const, county: '01' };

describeOnBothEventStores('allocation audit, national requests and the situation picture', (start) => {
  let t: TestApp;
  let store: EventStore;
  const as: Record<string, string> = {};
  let round: AllocationProposedData;
  let tampered: AllocationProposedData;
  let corrected: string;
  let unmetFfp2 = 0;

  /**
   * Vallentuna (0115) counts 1000 FFP2 on day 0 and 650 on day 7 (100 a day); Österåker (0117) counts
   * none on day 2 and 100 on day 6 (50 a day), with many more infections. The warehouse receives 900
   * FFP2 on day 8. A round is proposed and approved; a second one is recorded with an output the
   * policy does not give. Then Vallentuna's day-7 count is corrected to 300: a late correction.
   */
  beforeAll(async () => {
    t = await start();
    store = t.app.get<EventStore>(EVENT_STORE);
    as.auditor = await t.token('auditor');
    as.auditor18 = await t.token('auditor', { county: '18' });
    as.county = await t.token('county', { county: '01', sub: 'u-4', name: 'Eva Lind' });
    as.county18 = await t.token('county', { county: '18' });
    as.committee = await t.token('committee', { county: '01' });
    as.municipality = await t.token('municipality', { municipality: '0115' });
    as.admin = await t.token('admin');
    as.warehouse = await t.token('warehouse', { county: '01' });

    const day7 = reportData('0115', day(7), [line('FFP2', 650, 700, 1500)], { infections: 6 });
    const facts = [
      ['municipality-0115', 'SituationReported', reportData('0115', day(0), [line('FFP2', 1000, 0, 500)], { infections: 3 }), vallentuna, day(0)],
      ['municipality-0117', 'SituationReported', reportData('0117', day(2), [line('FFP2', 0, 0, 800)], { infections: 20 }), osteraker, day(2)],
      ['municipality-0117', 'SituationReported', reportData('0117', day(6), [line('FFP2', 100, 200, 1000)], { infections: 20 }), osteraker, day(6)],
      ['municipality-0115', 'SituationReported', day7, vallentuna, day(7)],
      [
        'warehouse-01-central',
        'StockReceived',
        { receiptId: randomUUID(), warehouseId: '01-central', source: 'donation', from: 'Byggbolaget i Solna AB', lines: [{ item: 'FFP2', quantity: 900 }] },
        warehouseStaff,
        day(8),
      ],
    ] as const;
    let last = 0n;
    for (const [streamId, type, data, actor, at] of facts) {
      last = (await store.appendToStream(streamId, [recordedBy(actor, streamId, type, data, at)], { expectedRevision: 'any' })).position;
    }
    round = (await proposeRound(store, { position: last })).data;
    const approval = await approveRound(store, round);
    // The reservation that follows an approval is written now, not at some moment during the tests.
    await t.app.get(ReactionsService).afterCommand(approval.streamId, [approval.event]);
    tampered = (
      await proposeRound(store, {
        position: approval.position,
        tamper: (o) => ({
          ...o,
          lines: o.lines.map((l) => (l.municipality === '0115' && l.item === 'FFP2' ? { ...l, quantity: l.quantity + 1, unmet: Math.max(0, l.unmet - 1) } : l)),
        }),
      })
    ).data;
    const correction = correctionData(day7, [line('FFP2', 300, 700, 1500)], 'the day-7 count missed a care home’s empty store');
    corrected = (
      await store.appendToStream('municipality-0115', [recordedBy(vallentuna, 'municipality-0115', 'SituationReportCorrected', correction, day(7))], {
        expectedRevision: 'any',
      })
    ).position.toString();
    unmetFfp2 = round.outputs.lines.filter((l) => l.item === 'FFP2').reduce((sum, l) => sum + l.unmet, 0);
  });
  afterAll(async () => {
    await t?.close();
  });

  const replayOf = (id: string, token = as.auditor) => call(t, 'GET', `/api/audit/allocation-rounds/${id}/replay?waitFor=${corrected}`, { as: token });

  it('sets up a round that shares scarce FFP2 and leaves need unmet', () => {
    expect(round.inputs.municipalities.map((m) => m.municipality)).toEqual(['0115', '0117']);
    expect(round.outputs.items.find((i) => i.item === 'FFP2')).toMatchObject({ available: 900, allocated: 900 });
    expect(unmetFfp2).toBeGreaterThan(0);
  });

  it('replays a decision from the log as it stood: inputs and outputs reproduced, though a correction came later', async () => {
    const r = await replayOf(round.allocationId);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      allocationId: round.allocationId,
      county: '01',
      status: 'approved',
      policy: 'need-weighted/2',
      position: round.inputs.position,
      inputsReproduced: true,
      outputsReproduced: true,
      diff: [],
    });
    const streams = r.body.read.streams.map((s: { streamId: string }) => s.streamId);
    expect(streams).toEqual(expect.arrayContaining([`allocation-${round.allocationId}`, 'warehouse-01-central', 'municipality-0115', 'municipality-0117']));
    // Only the county's streams: the other county's municipality was never read.
    expect(streams).not.toContain('municipality-1880');
    expect(streams.every((s: string) => /^(allocation|warehouse|municipality|delivery)-/.test(s))).toBe(true);
    // Five facts before the proposal (four reports and a receipt), and the round’s own two events.
    expect(r.body.read.events).toBe(5 + 2);
  });

  it('flags the approved decision as drifted by the late correction, with the difference', async () => {
    const r = await replayOf(round.allocationId);
    const recorded = round.inputs.municipalities.find((m) => m.municipality === '0115')!.items.find((i) => i.item === 'FFP2')!;
    expect(r.body.drift).toMatchObject({
      drifted: true,
      causedBy: { type: 'SituationReportCorrected', streamId: 'municipality-0115', position: corrected },
      differences: [
        { municipality: '0115', item: 'FFP2', field: 'projectedStock', recorded: recorded.projectedStock, now: Math.max(0, recorded.projectedStock - 350) },
      ],
    });
  });

  it('shows a proposal whose outputs do not follow from its inputs', async () => {
    const r = await replayOf(tampered.allocationId);
    expect(r.status).toBe(200);
    expect(r.body.inputsReproduced).toBe(true);
    expect(r.body.outputsReproduced).toBe(false);
    const line0115 = tampered.outputs.lines.find((l) => l.municipality === '0115' && l.item === 'FFP2')!;
    expect(r.body.diff).toEqual(
      expect.arrayContaining([{ path: 'outputs.lines[0115][FFP2].quantity', recorded: line0115.quantity, replayed: line0115.quantity - 1 }]),
    );
  });

  it('lets only auditors replay, within their scope', async () => {
    expect((await replayOf(round.allocationId, as.county)).status).toBe(403);
    expect((await replayOf(round.allocationId, as.committee)).status).toBe(403);
    expect((await replayOf(round.allocationId, as.auditor18)).status).toBe(403);
    expect((await call(t, 'GET', `/api/audit/allocation-rounds/${round.allocationId}/replay`)).status).toBe(401);
    expectProblem(await replayOf(randomUUID()), 404);
    expectProblem(await replayOf('not-a-round'), 404);
  });

  it('answers what-if under other parameters and another policy version, writing nothing', async () => {
    const before = await countEvents(t);
    const path = `/api/audit/allocation-rounds/${round.allocationId}/what-if`;
    const same = await call(t, 'POST', path, { as: as.auditor, body: {} });
    expect(same.status).toBe(200);
    expect(same.body.lines.every((l: { change: number }) => l.change === 0)).toBe(true);

    const needOnly = await call(t, 'POST', path, { as: as.county, body: { parameters: { infectionWeight: 0 } } });
    expect(needOnly.status).toBe(200);
    expect(needOnly.body.whatIf).toEqual({ policy: 'need-weighted/2', parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 0, wholePacks: false } });
    expect(needOnly.body.lines.some((l: { change: number }) => l.change !== 0)).toBe(true);
    expect(needOnly.body.lines.reduce((sum: number, l: { change: number }) => sum + l.change, 0)).toBe(0);

    const v1 = await call(t, 'POST', path, { as: as.auditor, body: { policy: 'need-weighted/1' } });
    expect(v1.status).toBe(200);
    expect(v1.body.whatIf.policy).toBe('need-weighted/1');
    expect(v1.body.recorded.policy).toBe('need-weighted/2');
    // A what-if writes nothing, so its answers are not kept: one key may ask two questions.
    const keyed = (body: object) => call(t, 'POST', path, { as: as.auditor, body, headers: { 'Idempotency-Key': 'what-if-k' } });
    expect((await keyed({})).status).toBe(200);
    const other = await keyed({ parameters: { infectionWeight: 0 } });
    expect(other.status).toBe(200);
    expect(other.body.whatIf.parameters.infectionWeight).toBe(0);
    expect(await countEvents(t)).toBe(before);
  });

  it('refuses what-if to other counties, other roles and bad parameters', async () => {
    const path = `/api/audit/allocation-rounds/${round.allocationId}/what-if`;
    await expectAllRefused(t, [
      { title: 'county of another county', path, as: as.county18, body: {}, status: 403 },
      { title: 'committee', path, as: as.committee, body: {}, status: 403 },
      { title: 'municipality', path, as: as.municipality, body: {}, status: 403 },
      { title: 'no token', path, body: {}, status: 401 },
      { title: 'unknown round', path: `/api/audit/allocation-rounds/${randomUUID()}/what-if`, as: as.auditor, body: {}, status: 404 },
      { title: 'unknown policy', path, as: as.auditor, body: { policy: 'need-weighted/9' }, status: 400, field: 'policy' },
      { title: 'malformed policy', path, as: as.auditor, body: { policy: 'Need Weighted' }, status: 400, field: 'policy' },
      { title: 'unknown parameter', path, as: as.auditor, body: { parameters: { generosity: 2 } }, status: 400, field: 'parameters.generosity' },
      { title: 'bad parameter', path, as: as.auditor, body: { parameters: { horizonDays: -1 } }, status: 400, field: 'parameters.horizonDays' },
      { title: 'extra field', path, as: as.auditor, body: { write: true }, status: 400, field: 'write' },
      { title: 'text/plain', path, as: as.auditor, rawBody: '{}', headers: { 'content-type': 'text/plain' }, status: 415 },
    ]);
  });

  it('raises a national request from the unmet need of the round, and the board’s answer, and what arrived', async () => {
    const raised = await call(t, 'POST', '/api/national-requests', {
      as: as.county,
      body: { allocationId: round.allocationId, lines: [{ item: 'FFP2', quantity: unmetFfp2 }], note: 'Österåker has run out' },
      headers: { 'idempotency-key': 'raise-1' },
    });
    expect(raised.status).toBe(201);
    expect(raised.body).toEqual({ requestId: expect.any(String), position: expect.stringMatching(/^\d+$/) });
    const { requestId } = raised.body;

    const before = await countEvents(t);
    const again = await call(t, 'POST', '/api/national-requests', {
      as: as.county,
      body: { allocationId: round.allocationId, lines: [{ item: 'FFP2', quantity: unmetFfp2 }], note: 'Österåker has run out' },
      headers: { 'idempotency-key': 'raise-1' },
    });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(raised.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await call(t, 'POST', '/api/national-requests', {
      as: as.county,
      body: { lines: [{ item: 'FFP2', quantity: 1 }] },
      headers: { 'idempotency-key': 'raise-1' },
    });
    expectProblem(other, 422);
    expect(await countEvents(t)).toBe(before);

    const answered = await call(t, 'POST', `/api/national-requests/${requestId}/answer`, {
      as: as.admin,
      body: { outcome: 'partly-granted', lines: [{ item: 'FFP2', quantity: 300 }], note: 'the rest next week' },
    });
    expect(answered.status).toBe(201);
    expect(answered.body).toEqual({ requestId, position: expect.stringMatching(/^\d+$/) });

    const received = await call(t, 'POST', '/api/warehouses/01-central/receipts', {
      as: as.warehouse,
      body: { source: 'national-allocation', from: 'Socialstyrelsen', nationalRequestId: requestId, lines: [{ item: 'FFP2', quantity: 300 }] },
    });
    expect(received.status).toBe(201);

    const list = await call(t, 'GET', `/api/national-requests?county=01&waitFor=${received.body.position}`, { as: as.county });
    expect(list.status).toBe(200);
    expect(list.body.requests).toEqual([
      expect.objectContaining({
        requestId,
        county: '01',
        allocationId: round.allocationId,
        status: 'answered',
        lines: [{ item: 'FFP2', quantity: unmetFfp2, granted: 300, received: 300 }],
        note: 'Österåker has run out',
        raised: expect.objectContaining({ by: { sub: 'u-4', name: 'Eva Lind' } }),
        answer: expect.objectContaining({ outcome: 'partly-granted', lines: [{ item: 'FFP2', quantity: 300 }], note: 'the rest next week' }),
        received: [expect.objectContaining({ item: 'FFP2', quantity: 300, warehouseId: '01-central' })],
      }),
    ]);
    for (const token of [as.auditor, as.admin])
      expect((await call(t, 'GET', `/api/national-requests?county=01&waitFor=${received.body.position}`, { as: token })).status).toBe(200);
    expect((await call(t, 'GET', '/api/national-requests?county=01', { as: as.county18 })).status).toBe(403);
    expect((await call(t, 'GET', '/api/national-requests?county=01', { as: as.committee })).status).toBe(403);
    expect((await call(t, 'GET', '/api/national-requests?county=01')).status).toBe(401);

    await expectAllRefused(t, [
      { title: 'answered twice', path: `/api/national-requests/${requestId}/answer`, as: as.admin, body: { outcome: 'refused' }, status: 409 },
      { title: 'county answers', path: `/api/national-requests/${requestId}/answer`, as: as.county, body: { outcome: 'refused' }, status: 403 },
      { title: 'auditor answers', path: `/api/national-requests/${requestId}/answer`, as: as.auditor, body: { outcome: 'refused' }, status: 403 },
      { title: 'unknown request', path: `/api/national-requests/${randomUUID()}/answer`, as: as.admin, body: { outcome: 'refused' }, status: 404 },
      { title: 'not an id', path: '/api/national-requests/42/answer', as: as.admin, body: { outcome: 'refused' }, status: 404 },
    ]);
  });

  it('refuses national requests beyond the unmet need, out of scope, or badly formed', async () => {
    const path = '/api/national-requests';
    const good = { allocationId: round.allocationId, lines: [{ item: 'FFP2', quantity: 1 }] };
    const refusals: Refusal[] = [
      {
        title: 'beyond unmet need',
        path,
        as: as.county,
        body: { ...good, lines: [{ item: 'FFP2', quantity: unmetFfp2 + 1 }] },
        status: 409,
        field: 'lines[0].quantity',
      },
      {
        title: 'item the round did not leave unmet',
        path,
        as: as.county,
        body: {
          ...good,
          lines: [
            { item: 'FFP2', quantity: 1 },
            { item: 'VISOR', quantity: 1 },
          ],
        },
        status: 409,
        field: 'lines[1].quantity',
      },
      { title: 'round of another county', path, as: as.county18, body: good, status: 403 },
      { title: 'unknown round', path, as: as.county, body: { ...good, allocationId: randomUUID() }, status: 400, field: 'allocationId' },
      { title: 'malformed round id', path, as: as.county, body: { ...good, allocationId: 'r-1' }, status: 400, field: 'allocationId' },
      {
        title: 'unknown item',
        path,
        as: as.county,
        body: {
          lines: [
            { item: 'FFP2', quantity: 1 },
            { item: 'UNOBTAINIUM', quantity: 1 },
          ],
        },
        status: 400,
        field: 'lines[1].item',
      },
      {
        title: 'twice the same item',
        path,
        as: as.county,
        body: {
          lines: [
            { item: 'FFP2', quantity: 1 },
            { item: 'FFP2', quantity: 1 },
          ],
        },
        status: 400,
        field: 'lines[1].item',
      },
      { title: 'no lines', path, as: as.county, body: { lines: [] }, status: 400, field: 'lines' },
      { title: 'missing lines', path, as: as.county, body: { note: 'help' }, status: 400, field: 'lines' },
      { title: 'extra field', path, as: as.county, body: { ...good, county: '18' }, status: 400, field: 'county' },
      { title: 'blank note', path, as: as.county, body: { ...good, note: '  ' }, status: 400, field: 'note' },
      { title: 'text/plain', path, as: as.county, rawBody: JSON.stringify(good), headers: { 'content-type': 'text/plain' }, status: 415 },
      { title: 'municipality', path, as: as.municipality, body: good, status: 403 },
      { title: 'auditor', path, as: as.auditor, body: good, status: 403 },
      { title: 'no token', path, body: good, status: 401 },
      ...BAD_QUANTITIES.map(([what, quantity]): Refusal => ({
        title: `${what} quantity`,
        path,
        as: as.county,
        body: { lines: [{ item: 'FFP2', quantity }] },
        status: 400,
        field: 'lines[0].quantity',
      })),
    ];
    await expectAllRefused(t, refusals);
    const raised = await call(t, 'POST', path, { as: as.county, body: { lines: [{ item: 'VISOR', quantity: 200 }] } });
    expect(raised.status).toBe(201);
    const answer = `/api/national-requests/${raised.body.requestId}/answer`;
    await expectAllRefused(t, [
      { title: 'grant without lines', path: answer, as: as.admin, body: { outcome: 'granted' }, status: 400, field: 'lines' },
      {
        title: 'refusal with lines',
        path: answer,
        as: as.admin,
        body: { outcome: 'refused', lines: [{ item: 'VISOR', quantity: 1 }] },
        status: 400,
        field: 'lines',
      },
      { title: 'unknown outcome', path: answer, as: as.admin, body: { outcome: 'maybe' }, status: 400, field: 'outcome' },
      {
        title: 'unknown item',
        path: answer,
        as: as.admin,
        body: { outcome: 'granted', lines: [{ item: 'NOPE', quantity: 1 }] },
        status: 400,
        field: 'lines[0].item',
      },
      {
        title: 'fractional',
        path: answer,
        as: as.admin,
        body: { outcome: 'granted', lines: [{ item: 'VISOR', quantity: 1.5 }] },
        status: 400,
        field: 'lines[0].quantity',
      },
    ]);
  });

  it('refuses a national allocation received against a request that is not its county’s, the same way as an unknown one', async () => {
    const theirs = await call(t, 'POST', '/api/national-requests', { as: as.county18, body: { lines: [{ item: 'FFP2', quantity: 500 }] } });
    expect(theirs.status).toBe(201);
    const path = '/api/warehouses/01-central/receipts';
    const receipt = (nationalRequestId: string) => ({
      source: 'national-allocation',
      from: 'Socialstyrelsen',
      nationalRequestId,
      lines: [{ item: 'FFP2', quantity: 500 }],
    });
    const refusals: Refusal[] = [
      { title: 'unknown request', path, as: as.warehouse, body: receipt(randomUUID()), status: 400, field: 'nationalRequestId' },
      { title: 'another county’s request', path, as: as.warehouse, body: receipt(theirs.body.requestId), status: 400, field: 'nationalRequestId' },
    ];
    await expectAllRefused(t, refusals);
    // The two refusals read alike: the answer does not tell that the other county's request exists.
    const [unknown, foreign] = await Promise.all(refusals.map((r) => call(t, 'POST', path, { as: r.as!, body: r.body })));
    const shown = (body: Record<string, unknown>) => ({ ...body, correlationId: undefined });
    expect(unknown!.body).toMatchObject({
      status: 400,
      code: 'NATIONAL_REQUEST.UNKNOWN',
      errors: [{ field: 'nationalRequestId', message: expect.any(String) }],
    });
    expect(shown(foreign!.body)).toEqual(shown(unknown!.body));

    // Nothing counted as received against the other county's request.
    const list = await call(t, 'GET', `/api/national-requests?county=18&waitFor=${theirs.body.position}`, { as: as.auditor });
    expect(list.body.requests.find((r: { requestId: string }) => r.requestId === theirs.body.requestId)).toMatchObject({
      lines: [{ item: 'FFP2', quantity: 500, granted: null, received: 0 }],
      received: [],
    });
  });

  it('draws the situation picture: infections, stock, unmet need after the approved round, open requests, drift', async () => {
    const r = await call(t, 'GET', `/api/situation?county=01&waitFor=${corrected}`, { as: as.county });
    expect(r.status).toBe(200);
    expect(r.body.county).toEqual({ code: '01', name: expect.any(String) });
    expect(r.body.round).toMatchObject({ allocationId: round.allocationId });
    const v = r.body.municipalities.find((m: { code: string }) => m.code === '0115');
    const o = r.body.municipalities.find((m: { code: string }) => m.code === '0117');
    expect(v).toMatchObject({ name: 'Vallentuna', infections: 6, driftedRounds: [round.allocationId] });
    expect(o).toMatchObject({ infections: 20, driftedRounds: [] });
    const unmetOf = (code: string) => round.outputs.lines.find((l) => l.municipality === code && l.item === 'FFP2')!.unmet;
    expect(v.items.find((i: { item: string }) => i.item === 'FFP2')).toMatchObject({ unmetNeed: unmetOf('0115'), status: expect.any(String) });
    expect(o.items.find((i: { item: string }) => i.item === 'FFP2')).toMatchObject({ unmetNeed: unmetOf('0117') });
    expect(r.body.totals).toMatchObject({ infections: 26, unmetNeed: [{ item: 'FFP2', units: unmetFfp2 }] });
    expect(r.body.totals.municipalities.unknown).toBe(r.body.municipalities.length - 2);
    expect(r.body.drift).toEqual([expect.objectContaining({ allocationId: round.allocationId, drifted: true })]);
    expect(r.body.totals.openNationalRequests).toBe(r.body.nationalRequests.length);

    // Before the round was decided and the reports came in: nothing known.
    const early = await call(t, 'GET', `/api/situation?county=01&asOf=${encodeURIComponent(day(1).toISOString())}`, { as: as.auditor });
    expect(early.status).toBe(200);
    expect(early.body.round).toBeNull();
    expect(early.body.municipalities.find((m: { code: string }) => m.code === '0115')).toMatchObject({ infections: 3, driftedRounds: [] });
    expect(early.body.totals.openNationalRequests).toBe(0);
  });

  it('exports the situation picture as CSV, one row per municipality and item', async () => {
    const r = await call(t, 'GET', `/api/situation?county=01&waitFor=${corrected}`, { as: as.auditor, headers: { accept: 'text/csv' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    const rows = r.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(rows[0]).toBe(
      'county,as_of,municipality,municipality_name,infections,last_reported_at,municipality_status,item,projected,days_of_supply,item_status,unmet_need,drifted_rounds',
    );
    const vallentunaFfp2 = rows.find((row) => row.includes(',0115,Vallentuna,') && row.includes(',FFP2,'))!;
    expect(vallentunaFfp2.split(',')).toEqual(expect.arrayContaining(['01', '0115', 'Vallentuna', '6', round.allocationId]));
  });

  it('exports the situation picture as an Excel workbook with Swedish column names, by Accept or by ?format=xlsx', async () => {
    const byAccept = await call(t, 'GET', `/api/situation?county=01&waitFor=${corrected}`, { as: as.auditor, headers: { accept: XLSX } });
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers.get('content-type')).toBe(XLSX);
    expect(byAccept.headers.get('content-disposition')).toMatch(/^attachment; filename="lagesbild-01-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    // The link form, for a browser that cannot set Accept; read as bytes to parse the workbook.
    const response = await fetch(`${t.url}/api/situation?county=01&format=xlsx`, { headers: { authorization: `Bearer ${as.auditor}` } });
    expect(response.headers.get('content-type')).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.getWorksheet('Lägesbild')!;
    const headings = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headings).toEqual(expect.arrayContaining(['Kommun', 'Smittade', 'Status', 'Artikel', 'Ej täckt behov (st)']));
    const column = (heading: string) => headings.indexOf(heading) + 1;
    const rows = sheet.getRows(2, sheet.rowCount - 1)!;
    const vallentunaFfp2 = rows.find((row) => row.getCell(column('Kommun')).value === 'Vallentuna' && row.getCell(column('Artikel')).value === 'FFP2')!;
    // Figures are numbers, not text, so Excel sums them.
    expect(vallentunaFfp2.getCell(column('Smittade')).value).toBe(6);
    expect(vallentunaFfp2.getCell(column('Ej täckt behov (st)')).value).toBe(
      round.outputs.lines.find((l) => l.municipality === '0115' && l.item === 'FFP2')!.unmet,
    );
    expect(vallentunaFfp2.getCell(column('Beslut med avvikelser')).value).toBe(round.allocationId);
    // A municipality that never reported still has its row, its status in Swedish.
    expect(rows.filter((row) => row.getCell(column('Status')).value === 'okänd').length).toBeGreaterThan(0);

    // ?format= wins over Accept, and csv is there too.
    const csv = await call(t, 'GET', '/api/situation?county=01&format=csv', { as: as.auditor, headers: { accept: 'application/json' } });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expectProblem(await call(t, 'GET', '/api/situation?county=01&format=pdf', { as: as.auditor }), 400, 'format');
  });

  it('refuses the situation picture outside scope or with a bad moment', async () => {
    const get = (query: string, token?: string) => call(t, 'GET', `/api/situation?${query}`, token ? { as: token } : {});
    expectProblem(await get('county=01', as.county18), 403);
    expectProblem(await get('county=01', as.municipality), 403);
    expectProblem(await get('county=01', as.committee), 403);
    expectProblem(await get('county=01'), 401);
    expectProblem(await get('county=99', as.auditor), 400, 'county');
    expectProblem(await get('', as.auditor), 400, 'county');
    expectProblem(await get(`county=01&asOf=${encodeURIComponent(FAR_FUTURE)}`, as.auditor), 400, 'asOf');
    expectProblem(await get('county=01&asOf=yesterday', as.auditor), 400, 'asOf');
    expectProblem(await get('county=01&colour=red', as.auditor), 400, 'colour');
  });
});
