import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestApp } from '../support/app.js';
import { call, countEvents } from '../support/api.js';
import { describeOnBothEventStores } from '../support/both-stores.js';
import { BAD_QUANTITIES, expectAllRefused, expectProblem, FAR_FUTURE, MALFORMED_TIMES, refusalsAt, withField } from '../warehouse/helpers.js';

interface Line {
  municipality: string;
  item: string;
  need: number;
  acute: boolean;
  quantity: number;
  unmet: number;
}

/**
 * The round's life over HTTP: reports and stock → a proposal → the committee's decision with an
 * amended line → the warehouse's reservation → dispatches drawing the plan down.
 */
describeOnBothEventStores('allocation rounds', (start) => {
  let t: TestApp;
  let as: Record<'county' | 'county18' | 'committee' | 'committee18' | 'warehouse' | 'warehouse18' | 'municipality' | 'auditor' | 'region', string>;
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

  let round: {
    allocationId: string;
    position: string;
    inputs: { position: string; asOf: string };
    outputs: { lines: Line[]; items: { item: string; available: number; allocated: number; unmet: number }[] };
  };
  let plan: { municipality: string; item: string; quantity: number }[];
  let approvedAt: string;

  beforeAll(async () => {
    t = await start();
    as = {
      county: await t.token('county', { county: '01', name: 'Karin Ek' }),
      county18: await t.token('county', { county: '18' }),
      committee: await t.token('committee', { county: '01', name: 'Per Holm', sub: 'committee-per' }),
      committee18: await t.token('committee', { county: '18' }),
      warehouse: await t.token('warehouse', { county: '01' }),
      warehouse18: await t.token('warehouse', { county: '18' }),
      municipality: await t.token('municipality', { municipality: '0115' }),
      auditor: await t.token('auditor'),
      region: await t.token('region', { county: '01' }),
    };
    // Four municipalities report FFP2 (the docs' worked example) and visors; 1,000 FFP2 and 60 visors are in the warehouse.
    const reports: [string, number, number, number, number][] = [
      ['0114', 2, 0, 40, 600],
      ['0115', 8, 100, 50, 800],
      ['0117', 6, 400, 60, 500],
      ['0120', 0, 900, 30, 200],
    ];
    for (const [code, infections, onHand, used, requested] of reports) {
      const municipality = await t.token('municipality', { municipality: code });
      for (const [reportedAt, factor] of [
        [hoursAgo(24 * 7 + 2), 1],
        [hoursAgo(2), 1],
      ] as const) {
        const r = await call(t, 'POST', `/api/municipalities/${code}/reports`, {
          as: municipality,
          body: {
            reportedAt,
            infections,
            lines: [
              { item: 'FFP2', onHand, usedSinceLastReport: used * 7 * factor, requested },
              { item: 'VISOR', onHand: 0, usedSinceLastReport: 14, requested: 30 },
            ],
          },
        });
        expect(r.status).toBe(201);
      }
    }
    const receipt = await call(t, 'POST', '/api/warehouses/01-central/receipts', {
      as: as.warehouse,
      body: {
        source: 'emergency-stockpile',
        from: 'Beredskapslagret',
        lines: [
          { item: 'FFP2', quantity: 1000 },
          { item: 'VISOR', quantity: 60 },
        ],
      },
    });
    expect(receipt.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const open = (body: unknown, token = as.county, headers?: Record<string, string>) =>
    call(t, 'POST', '/api/allocation-rounds', { as: token, body, ...(headers ? { headers } : {}) });
  const decide = (id: string, what: 'approve' | 'reject', body: unknown, token = as.committee, headers?: Record<string, string>) =>
    call(t, 'POST', `/api/allocation-rounds/${id}/${what}`, { as: token, body, ...(headers ? { headers } : {}) });
  const read = (id: string, position: string, token = as.county) => call(t, 'GET', `/api/allocation-rounds/${id}?waitFor=${position}`, { as: token });
  const stockOf = async (item: string, position: string) => {
    const r = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${position}`, { as: as.warehouse });
    expect(r.status).toBe(200);
    return r.body.items.find((i: { item: string }) => i.item === item);
  };
  const dispatch = (body: object) => call(t, 'POST', '/api/warehouses/01-central/dispatches', { as: as.warehouse, body });
  const decision = { decidedBy: ['Anna Lind (Länsstyrelsen)', 'Erik Berg (Region Stockholm)'], note: 'Logistikberedningen' };

  it('opens a round for the county’s warehouse and answers the proposal', async () => {
    const r = await open({ items: ['FFP2', 'VISOR'] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      allocationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      position: expect.stringMatching(/^\d+$/),
      county: '01',
      warehouseId: '01-central',
      policy: { name: 'need-weighted', version: 2 },
      parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false },
      inputs: { position: expect.stringMatching(/^\d+$/), asOf: expect.any(String) },
    });
    round = r.body;
    const ffp2 = round.outputs.items.find((i) => i.item === 'FFP2')!;
    expect(ffp2).toMatchObject({ item: 'FFP2', available: 1000 });
    expect(ffp2.allocated).toBeLessThanOrEqual(1000);
    const lines = round.outputs.lines.filter((l) => l.item === 'FFP2');
    expect(lines.map((l) => l.municipality)).toEqual(['0114', '0115', '0117', '0120']);
    for (const l of lines) expect(l.quantity + l.unmet).toBe(l.need);
    expect(lines.find((l) => l.municipality === '0120')).toMatchObject({ need: 0, quantity: 0 });
    expect(BigInt(round.inputs.position)).toBeLessThan(BigInt(round.position));
  });

  it('shows the proposal, undecided, to the county, the committee, the warehouse and auditors of its county', async () => {
    const r = await read(round.allocationId, round.position);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      allocationId: round.allocationId,
      county: '01',
      status: 'proposed',
      proposal: {
        policy: { name: 'need-weighted', version: 2 },
        inputs: {
          position: round.inputs.position,
          supply: [
            { item: 'FFP2', available: 1000 },
            { item: 'VISOR', available: 60 },
          ],
        },
        outputs: round.outputs,
        proposedBy: { name: 'Karin Ek', role: 'county' },
      },
      decision: null,
      plan: [],
      closed: false,
      drift: null,
    });
    expect(r.body.proposal.unmet.length).toBeGreaterThan(0);
    // The warehouse's staff read the rounds of their county: they deliver the approved plans.
    for (const token of [as.committee, as.warehouse, as.auditor]) expect((await read(round.allocationId, round.position, token)).status).toBe(200);
    for (const token of [as.committee, as.warehouse]) {
      const list = await call(t, 'GET', `/api/allocation-rounds?county=01&waitFor=${round.position}`, { as: token });
      expect(list.status).toBe(200);
      expect(list.body.rounds.map((x: { allocationId: string }) => x.allocationId)).toContain(round.allocationId);
    }
    const approvedOnly = await call(t, 'GET', `/api/allocation-rounds?county=01&status=approved`, { as: as.auditor });
    expect(approvedOnly.body.rounds).toEqual([]);

    await expectAllRefused(t, [
      { title: 'no token', method: 'GET', path: `/api/allocation-rounds/${round.allocationId}`, status: 401 },
      { title: 'county of another county', method: 'GET', path: `/api/allocation-rounds/${round.allocationId}`, as: as.county18, status: 403 },
      { title: 'committee of another county', method: 'GET', path: `/api/allocation-rounds/${round.allocationId}`, as: as.committee18, status: 403 },
      { title: 'municipality', method: 'GET', path: `/api/allocation-rounds/${round.allocationId}`, as: as.municipality, status: 403 },
      { title: 'warehouse of another county', method: 'GET', path: `/api/allocation-rounds/${round.allocationId}`, as: as.warehouse18, status: 403 },
      { title: 'unknown round', method: 'GET', path: '/api/allocation-rounds/7a6f5e4d-3c2b-4a1f-8e9d-8c7b6a5f4e3d', as: as.county, status: 404 },
      { title: 'not an id', method: 'GET', path: '/api/allocation-rounds/round-1', as: as.county, status: 404 },
      { title: 'list of another county', method: 'GET', path: '/api/allocation-rounds?county=01', as: as.county18, status: 403 },
      { title: 'list without county', method: 'GET', path: '/api/allocation-rounds', as: as.county, status: 400, field: 'county' },
      { title: 'list with unknown status', method: 'GET', path: '/api/allocation-rounds?county=01&status=open', as: as.county, status: 400, field: 'status' },
      { title: 'list by municipality', method: 'GET', path: '/api/allocation-rounds?county=01', as: as.municipality, status: 403 },
      { title: 'list by the warehouse of another county', method: 'GET', path: '/api/allocation-rounds?county=01', as: as.warehouse18, status: 403 },
      { title: 'list by the region', method: 'GET', path: '/api/allocation-rounds?county=01', as: as.region, status: 403 },
    ]);
  });

  it('refuses to open a round for other roles, and bad input, writing nothing', async () => {
    const path = '/api/allocation-rounds';
    const body = { items: ['FFP2'], policy: 'need-weighted/2', parameters: { horizonDays: 14 } };
    const bad = refusalsAt(path, as.county);
    await expectAllRefused(t, [
      { title: 'no token', path, body, status: 401 },
      ...(['municipality', 'warehouse', 'committee', 'auditor', 'region'] as const).map((role) => ({ title: role, path, as: as[role], body, status: 403 })),
      bad('unknown item', { ...body, items: ['FFP2', 'FFP2-XL'] }, 'items[1]'),
      // The same shape as an unknown item: a code off the catalogue is one mistake, wherever it is off.
      bad('malformed item', { ...body, items: ['ffp2'] }, 'items[0]'),
      bad('an item twice', { ...body, items: ['FFP2', 'FFP2'] }, 'items'),
      bad('no items', { ...body, items: [] }, 'items'),
      bad('unknown policy', { ...body, policy: 'first-come/1' }, 'policy'),
      bad('unknown policy version', { ...body, policy: 'need-weighted/9' }, 'policy'),
      bad('unknown parameter', { ...body, parameters: { horizonDays: 14, generosity: 2 } }, 'parameters.generosity'),
      bad('parameter of the wrong type', { ...body, parameters: { horizonDays: '14' } }, 'parameters.horizonDays'),
      bad('parameter out of range', { ...body, parameters: { horizonDays: 0 } }, 'parameters.horizonDays'),
      bad('acute beyond the horizon', { ...body, parameters: { horizonDays: 7, acuteDays: 8 } }, 'parameters.acuteDays'),
      bad('wholePacks not a boolean', { ...body, parameters: { wholePacks: 'yes' } }, 'parameters.wholePacks'),
      bad('parameters not an object', { ...body, parameters: 14 }, 'parameters'),
      bad('a county in the body', { ...body, county: '01' }, 'county'),
      { ...bad('text/plain', undefined, undefined, 415), rawBody: JSON.stringify(body), headers: { 'content-type': 'text/plain' } },
    ]);
  });

  it('refuses decisions from other roles and counties, and bad input, writing nothing', async () => {
    const path = `/api/allocation-rounds/${round.allocationId}/approve`;
    const line = round.outputs.lines.find((l) => l.municipality === '0117' && l.item === 'FFP2')!;
    const amendment = { municipality: '0117', item: 'FFP2', quantity: line.quantity - 10, reason: 'Österåker fick en donation' };
    const body = { ...decision, amendments: [amendment] };
    const bad = refusalsAt(path, as.committee);
    const ffp2 = round.outputs.items.find((i) => i.item === 'FFP2')!;
    await expectAllRefused(
      t,
      [
        { title: 'no token', path, body, status: 401 },
        ...(['county', 'municipality', 'warehouse', 'auditor', 'region'] as const).map((role) => ({ title: role, path, as: as[role], body, status: 403 })),
        { title: 'committee of another county', path, as: as.committee18, body, status: 403 },
        { title: 'committee of another county rejecting', path: path.replace('approve', 'reject'), as: as.committee18, body: decision, status: 403 },
        { title: 'unknown round', path: '/api/allocation-rounds/7a6f5e4d-3c2b-4a1f-8e9d-8c7b6a5f4e3d/approve', as: as.committee, body, status: 404 },
        bad(
          'more than was available',
          withField(body, 'amendments.0.quantity', line.quantity + (ffp2.available - ffp2.allocated) + 1),
          'amendments[0].quantity',
          409,
        ),
        bad('an amendment without a reason', withField(body, 'amendments.0.reason', undefined), 'amendments[0].reason'),
        bad('a blank reason', withField(body, 'amendments.0.reason', '  '), 'amendments[0].reason'),
        ...BAD_QUANTITIES.filter(([what]) => what !== 'zero').map(([what, q]) =>
          bad(`${what} quantity`, withField(body, 'amendments.0.quantity', q), 'amendments[0].quantity'),
        ),
        bad('unknown item', withField(body, 'amendments.0.item', 'FFP2-XL'), 'amendments[0].item'),
        bad('an item outside the round', withField(body, 'amendments.0.item', 'APRON'), 'amendments[0].item', 409),
        bad('unknown municipality', withField(body, 'amendments.0.municipality', '9999'), 'amendments[0].municipality'),
        bad('a municipality of another county', withField(body, 'amendments.0.municipality', '1880'), 'amendments[0].municipality', 403),
        bad('a municipality without inputs', withField(body, 'amendments.0.municipality', '0125'), 'amendments[0].municipality', 409),
        bad('the same line twice', { ...body, amendments: [amendment, amendment] }, 'amendments[1]'),
        bad('no decidedBy', withField(body, 'decidedBy', undefined), 'decidedBy'),
        bad('empty decidedBy', withField(body, 'decidedBy', []), 'decidedBy'),
        bad('blank name', withField(body, 'decidedBy', ['Anna', ' ']), 'decidedBy'),
        bad(
          '31 names',
          withField(
            body,
            'decidedBy',
            Array.from({ length: 31 }, (_, i) => `Ledamot ${i}`),
          ),
          'decidedBy',
        ),
        bad('no note', withField(body, 'note', undefined), 'note'),
        bad('far-future decidedAt', { ...body, decidedAt: FAR_FUTURE }, 'decidedAt'),
        ...MALFORMED_TIMES.map((v) => bad(`malformed decidedAt ${v}`, { ...body, decidedAt: v }, 'decidedAt')),
        bad('decided before the proposal', { ...body, decidedAt: '2020-01-01T00:00:00Z' }, 'decidedAt'),
        bad('extra field', { ...body, plan: [] }, 'plan'),
        bad('amendments on a rejection', { ...decision, amendments: [amendment] }, 'amendments'),
        { ...bad('text/plain', undefined, undefined, 415), rawBody: JSON.stringify(body), headers: { 'content-type': 'text/plain' } },
      ].map((r) => (r.title === 'amendments on a rejection' ? { ...r, path: path.replace('approve', 'reject') } : r)),
    );
  });

  it('approves with one amended line, once; the plan is reserved in the warehouse', async () => {
    const line = round.outputs.lines.find((l) => l.municipality === '0117' && l.item === 'FFP2')!;
    const body = { ...decision, amendments: [{ municipality: '0117', item: 'FFP2', quantity: line.quantity - 10, reason: 'Österåker fick en donation' }] };
    const headers = { 'idempotency-key': `approve-${round.allocationId}` };
    const before = await countEvents(t);
    const r = await decide(round.allocationId, 'approve', body, as.committee, headers);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      allocationId: round.allocationId,
      position: expect.stringMatching(/^\d+$/),
      amendments: [{ municipality: '0117', item: 'FFP2', proposed: line.quantity, approved: line.quantity - 10, reason: 'Österåker fick en donation' }],
    });
    plan = r.body.plan;
    approvedAt = r.body.position;
    expect(plan.find((l) => l.municipality === '0117' && l.item === 'FFP2')!.quantity).toBe(line.quantity - 10);
    expect(plan.every((l) => l.quantity > 0)).toBe(true);
    const written = await countEvents(t);
    expect(written).toBe(before + 2); // the approval and the warehouse's reservation

    const again = await decide(round.allocationId, 'approve', body, as.committee, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(r.body);
    expectProblem(await decide(round.allocationId, 'approve', { ...body, note: 'Annan' }, as.committee, headers), 422);

    // A second decision, either way, is refused.
    const second = await decide(round.allocationId, 'reject', decision);
    expectProblem(second, 409);
    expect(second.body.code).toBe('ALLOCATION.ALREADY_DECIDED');
    expectProblem(await decide(round.allocationId, 'approve', decision), 409);
    expect(await countEvents(t)).toBe(written);

    const planned = (item: string) => plan.filter((l) => l.item === item).reduce((s, l) => s + l.quantity, 0);
    expect(await stockOf('FFP2', approvedAt)).toMatchObject({ onHand: 1000, allocated: planned('FFP2'), available: 1000 - planned('FFP2') });
    expect(await stockOf('VISOR', approvedAt)).toMatchObject({ onHand: 60, allocated: planned('VISOR'), available: 60 - planned('VISOR') });

    const detail = await read(round.allocationId, approvedAt, as.auditor);
    expect(detail.body).toMatchObject({
      status: 'approved',
      decision: {
        outcome: 'approved',
        decidedBy: decision.decidedBy,
        note: 'Logistikberedningen',
        amendments: r.body.amendments,
        enteredBy: { actor: 'committee-per', name: 'Per Holm', role: 'committee' },
      },
      closed: false,
    });
    expect(detail.body.plan).toEqual(
      plan.map((l) => ({ municipality: l.municipality, item: l.item, planned: l.quantity, dispatched: 0, remaining: l.quantity, closed: false })),
    );
  });

  it('draws the plan down with dispatches against it, and keeps reserved stock from other dispatches', async () => {
    const to0114 = plan.find((l) => l.municipality === '0114' && l.item === 'FFP2')!;
    const first = await dispatch({ municipality: '0114', allocationId: round.allocationId, lines: [{ item: 'FFP2', quantity: to0114.quantity - 10 }] });
    expect(first.status).toBe(201);

    const free = (await stockOf('FFP2', first.body.position)).available as number;
    await expectAllRefused(t, [
      {
        title: 'beyond what the plan still holds',
        path: '/api/warehouses/01-central/dispatches',
        as: as.warehouse,
        body: { municipality: '0114', allocationId: round.allocationId, lines: [{ item: 'FFP2', quantity: 11 }] },
        status: 409,
        field: 'lines[0].quantity',
      },
      {
        title: 'a municipality outside the plan',
        path: '/api/warehouses/01-central/dispatches',
        as: as.warehouse,
        body: { municipality: '0125', allocationId: round.allocationId, lines: [{ item: 'FFP2', quantity: 1 }] },
        status: 409,
        field: 'municipality',
      },
      {
        title: 'reserved stock without the allocation',
        path: '/api/warehouses/01-central/dispatches',
        as: as.warehouse,
        body: { municipality: '0120', lines: [{ item: 'FFP2', quantity: free + 1 }] },
        status: 409,
        field: 'lines[0].quantity',
      },
    ]);

    let detail = await read(round.allocationId, first.body.position);
    expect(detail.body.plan.find((l: { municipality: string; item: string }) => l.municipality === '0114' && l.item === 'FFP2')).toEqual({
      municipality: '0114',
      item: 'FFP2',
      planned: to0114.quantity,
      dispatched: to0114.quantity - 10,
      remaining: 10,
      closed: false,
    });

    // Everything else the plan holds, line by line; the round closes.
    let last = first.body.position as string;
    const rest = [{ ...to0114, quantity: 10 }, ...plan.filter((l) => l !== to0114)];
    for (const l of rest) {
      const r = await dispatch({ municipality: l.municipality, allocationId: round.allocationId, lines: [{ item: l.item, quantity: l.quantity }] });
      expect(r.status).toBe(201);
      last = r.body.position;
    }
    detail = await read(round.allocationId, last);
    expect(detail.body.plan.every((l: { closed: boolean; remaining: number }) => l.closed && l.remaining === 0)).toBe(true);
    expect(detail.body.closed).toBe(true);
    expect(await stockOf('FFP2', last)).toMatchObject({ allocated: 0, available: free });
    // What was never reserved may still leave without an allocation.
    if (free > 0) expect((await dispatch({ municipality: '0120', lines: [{ item: 'FFP2', quantity: free }] })).status).toBe(201);
  });

  it('rejects a round: recorded with who decided, nothing reserved', async () => {
    const opened = await open({ items: ['VISOR'], policy: 'need-weighted/1', parameters: { infectionWeight: 0, wholePacks: true } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ policy: { name: 'need-weighted', version: 1 }, parameters: { infectionWeight: 0, wholePacks: true, horizonDays: 14 } });
    const before = await countEvents(t);
    const r = await decide(opened.body.allocationId, 'reject', { ...decision, note: 'Vänta på nästa veckas rapporter', decidedAt: new Date().toISOString() });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ allocationId: opened.body.allocationId, position: expect.stringMatching(/^\d+$/) });
    expect(await countEvents(t)).toBe(before + 1);
    expectProblem(await decide(opened.body.allocationId, 'approve', decision), 409);

    const detail = await read(opened.body.allocationId, r.body.position, as.committee);
    expect(detail.body).toMatchObject({
      status: 'rejected',
      decision: { outcome: 'rejected', note: 'Vänta på nästa veckas rapporter', amendments: [] },
      plan: [],
    });
    const list = await call(t, 'GET', `/api/allocation-rounds?county=01&waitFor=${r.body.position}`, { as: as.county });
    expect(list.body.rounds.map((x: { allocationId: string; status: string }) => [x.allocationId, x.status])).toEqual([
      [opened.body.allocationId, 'rejected'],
      [round.allocationId, 'approved'],
    ]);
  });

  it('answers a replayed opening with the first answer, once', async () => {
    const headers = { 'idempotency-key': `open-${Date.now()}` };
    const first = await open({ items: ['FFP2'] }, as.county, headers);
    expect(first.status).toBe(201);
    const written = await countEvents(t);
    const again = await open({ items: ['FFP2'] }, as.county, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expectProblem(await open({ items: ['VISOR'] }, as.county, headers), 422);
    expect(await countEvents(t)).toBe(written);
  });
});
