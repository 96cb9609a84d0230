import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { TestApp } from '../support/app.js';
import { call, countEvents } from '../support/api.js';
import { describeOnBothEventStores } from '../support/both-stores.js';
import { BAD_QUANTITIES, expectAllRefused, expectProblem, FAR_FUTURE, MALFORMED_TIMES, refusalsAt, withField } from './helpers.js';

/**
 * Each test works on items of its own in the Stockholm warehouse, so that they do not depend on one
 * another's stock.
 */
describeOnBothEventStores('warehouse', (start) => {
  let t: TestApp;
  let as: Record<'warehouse' | 'warehouse18' | 'region' | 'county' | 'county18' | 'auditor' | 'municipality' | 'admin', string>;

  beforeAll(async () => {
    t = await start();
    as = {
      warehouse: await t.token('warehouse', { county: '01', name: 'Lager Stockholm' }),
      warehouse18: await t.token('warehouse', { county: '18' }),
      region: await t.token('region', { county: '01' }),
      county: await t.token('county', { county: '01' }),
      county18: await t.token('county', { county: '18' }),
      auditor: await t.token('auditor'),
      municipality: await t.token('municipality', { municipality: '0115' }),
      admin: await t.token('admin'),
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string, body: unknown, token = as.warehouse, headers?: Record<string, string>) =>
    call(t, 'POST', `/api/warehouses/01-central/${path}`, { as: token, body, ...(headers ? { headers } : {}) });
  const receive = async (lines: object[], source = 'donation') => {
    const r = await post('receipts', { source, from: 'Byggbolaget i Solna AB', lines });
    expect(r.status).toBe(201);
    return r.body as { receiptId: string; position: string };
  };
  const stockOf = async (item: string, position: string, token = as.warehouse) => {
    const r = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${position}`, { as: token });
    expect(r.status).toBe(200);
    return r.body.items.find((i: { item: string }) => i.item === item);
  };

  it('receives stock from each other source, and shows it by lot, earliest expiry first', async () => {
    await receive([{ item: 'FFP3', quantity: 100 }], 'emergency-stockpile');
    await receive([{ item: 'FFP3', quantity: 40, lot: 'LATE', expiresOn: '2029-01-31' }], 'return');
    await receive([{ item: 'FFP3', quantity: 25, lot: 'UNDATED' }]);
    const request = await call(t, 'POST', '/api/national-requests', { as: as.county, body: { lines: [{ item: 'FFP3', quantity: 10 }] } });
    expect(request.status).toBe(201);
    const r = await post('receipts', {
      source: 'national-allocation',
      from: 'Socialstyrelsen',
      nationalRequestId: request.body.requestId,
      lines: [{ item: 'FFP3', quantity: 10, lot: 'EARLY', expiresOn: '2026-12-31' }],
      receivedAt: '2026-03-09T09:45:00+01:00',
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ receiptId: expect.stringMatching(/^[0-9a-f-]{36}$/), position: expect.stringMatching(/^\d+$/) });
    expect(await stockOf('FFP3', r.body.position)).toEqual({
      item: 'FFP3',
      onHand: 175,
      allocated: 0,
      available: 175,
      lots: [
        { lot: 'EARLY', expiresOn: '2026-12-31', onHand: 10 },
        { lot: 'LATE', expiresOn: '2029-01-31', onHand: 40 },
        { lot: 'UNDATED', expiresOn: null, onHand: 25 },
        { lot: null, expiresOn: null, onHand: 100 },
      ],
    });
    const audit = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${r.body.position}`, { as: as.auditor });
    expect(audit.status).toBe(200);
    expect(audit.body).toMatchObject({ warehouseId: '01-central', county: '01' });
    expect((await call(t, 'GET', '/api/warehouses/01-central/stock', { as: as.county })).status).toBe(200);
  });

  it('refuses receipts from other roles and counties, purchases, and bad input', async () => {
    const body = {
      source: 'donation',
      from: 'Företaget AB',
      lines: [{ item: 'VISOR', quantity: 10, lot: 'V-1', expiresOn: '2030-01-01' }],
    };
    const path = '/api/warehouses/01-central/receipts';
    const bad = refusalsAt(path, as.warehouse);
    await expectAllRefused(t, [
      { title: 'no token', path, body, status: 401 },
      { title: 'region', path, as: as.region, body, status: 403 },
      { title: 'county', path, as: as.county, body, status: 403 },
      { title: 'auditor', path, as: as.auditor, body, status: 403 },
      { title: 'municipality', path, as: as.municipality, body, status: 403 },
      { title: 'warehouse of another county', path, as: as.warehouse18, body, status: 403 },
      { title: 'unknown warehouse', path: '/api/warehouses/99-central/receipts', as: as.warehouse, body, status: 404 },
      bad('a purchase', { ...body, source: 'purchase' }, 'source'),
      bad('an unknown source', { ...body, source: 'found' }, 'source'),
      bad('a national request on a donation', { ...body, nationalRequestId: '5e2b7c3a-9d1f-4e6a-8b0c-1a2d3e4f5a6b' }, 'nationalRequestId'),
      bad('a national request that is no id', { ...body, source: 'national-allocation', nationalRequestId: 'N-1' }, 'nationalRequestId'),
      bad('missing from', withField(body, 'from', undefined), 'from'),
      ...BAD_QUANTITIES.map(([what, q]) => bad(`${what} quantity`, withField(body, 'lines.0.quantity', q), 'lines[0].quantity')),
      bad('unknown item', withField(body, 'lines.0.item', 'FFP2-XL'), 'lines[0].item'),
      bad('malformed expiry', withField(body, 'lines.0.expiresOn', '31/01/2030'), 'lines[0].expiresOn'),
      bad('empty lot', withField(body, 'lines.0.lot', ''), 'lines[0].lot'),
      bad('far-future receivedAt', { ...body, receivedAt: FAR_FUTURE }, 'receivedAt'),
      ...MALFORMED_TIMES.map((v) => bad(`malformed receivedAt ${v}`, { ...body, receivedAt: v }, 'receivedAt')),
      bad('extra field', { ...body, warehouseId: '18-central' }, 'warehouseId'),
      { ...bad('text/plain', undefined, undefined, 415), rawBody: JSON.stringify(body), headers: { 'content-type': 'text/plain' } },
    ]);
  });

  it('dispatches earliest expiry first and answers the lots to pick', async () => {
    await receive([
      { item: 'APRON', quantity: 50 },
      { item: 'APRON', quantity: 30, lot: 'A-LATE', expiresOn: '2028-06-30' },
      { item: 'APRON', quantity: 20, lot: 'A-EARLY', expiresOn: '2026-09-30' },
    ]);
    const before = await countEvents(t);
    const r = await post('dispatches', {
      municipality: '0115',
      lines: [{ item: 'APRON', quantity: 60 }],
      vehicle: 'Bil 3',
      dispatchedAt: '2026-03-04T07:30:00+01:00',
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      deliveryId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      position: expect.stringMatching(/^\d+$/),
      lines: [
        {
          item: 'APRON',
          quantity: 60,
          lots: [
            { lot: 'A-EARLY', expiresOn: '2026-09-30', quantity: 20 },
            { lot: 'A-LATE', expiresOn: '2028-06-30', quantity: 30 },
            { lot: null, expiresOn: null, quantity: 10 },
          ],
        },
      ],
    });
    expect(await countEvents(t)).toBeGreaterThan(before);
    expect(await stockOf('APRON', r.body.position)).toEqual({
      item: 'APRON',
      onHand: 40,
      allocated: 0,
      available: 40,
      lots: [{ lot: null, expiresOn: null, onHand: 40 }],
    });

    const named = await post('dispatches', { municipality: '0114', lines: [{ item: 'APRON', quantity: 5, lot: 'NOPE' }] });
    expectProblem(named, 409, 'lines[0].quantity');
    expect(named.body.details).toMatchObject({ item: 'APRON', lot: 'NOPE', requested: 5, available: 0 });
  });

  it('refuses a dispatch beyond stock with 409, and writes nothing', async () => {
    const { position } = await receive([{ item: 'SAMPLING-KIT', quantity: 30 }]);
    const path = '/api/warehouses/01-central/dispatches';
    await expectAllRefused(t, [
      {
        title: 'beyond stock',
        path,
        as: as.warehouse,
        body: { municipality: '0115', lines: [{ item: 'SAMPLING-KIT', quantity: 31 }] },
        status: 409,
        field: 'lines[0].quantity',
      },
      {
        title: 'beyond stock on a later line',
        path,
        as: as.warehouse,
        body: {
          municipality: '0115',
          lines: [
            { item: 'SAMPLING-KIT', quantity: 20 },
            { item: 'SAMPLING-KIT', quantity: 11 },
          ],
        },
        status: 409,
        field: 'lines[1].quantity',
      },
    ]);
    const r = await post('dispatches', { municipality: '0115', lines: [{ item: 'SAMPLING-KIT', quantity: 31 }] });
    expect(r.body).toMatchObject({
      status: 409,
      code: 'WAREHOUSE.INSUFFICIENT_STOCK',
      details: { item: 'SAMPLING-KIT', requested: 31, available: 30 },
    });
    expect(await stockOf('SAMPLING-KIT', position)).toMatchObject({ onHand: 30 });
  });

  it('refuses dispatches from other roles and counties, to other counties, and bad input', async () => {
    const { position } = await receive([{ item: 'GOWN-LS', quantity: 100 }]);
    const body = { municipality: '0115', lines: [{ item: 'GOWN-LS', quantity: 10 }] };
    const path = '/api/warehouses/01-central/dispatches';
    const bad = refusalsAt(path, as.warehouse);
    await expectAllRefused(t, [
      { title: 'no token', path, body, status: 401 },
      { title: 'region', path, as: as.region, body, status: 403 },
      { title: 'county', path, as: as.county, body, status: 403 },
      { title: 'municipality', path, as: as.municipality, body, status: 403 },
      { title: 'admin', path, as: as.admin, body, status: 403 },
      { title: 'warehouse of another county', path, as: as.warehouse18, body, status: 403 },
      { title: 'unknown warehouse', path: '/api/warehouses/nowhere/dispatches', as: as.warehouse, body, status: 404 },
      bad('a municipality of another county', { ...body, municipality: '1880' }, 'municipality', 403),
      bad('an unknown municipality', { ...body, municipality: '0199' }, 'municipality'),
      bad('no municipality', withField(body, 'municipality', undefined), 'municipality'),
      ...BAD_QUANTITIES.map(([what, q]) => bad(`${what} quantity`, withField(body, 'lines.0.quantity', q), 'lines[0].quantity')),
      bad('unknown item', withField(body, 'lines.0.item', 'GOWN-XL'), 'lines[0].item'),
      bad('no lines', { ...body, lines: [] }, 'lines'),
      bad('an allocation that is no id', { ...body, allocationId: 'ALLOC-1' }, 'allocationId'),
      bad('an allocation never approved', { ...body, allocationId: '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a' }, 'allocationId', 409),
      bad('far-future dispatchedAt', { ...body, dispatchedAt: FAR_FUTURE }, 'dispatchedAt'),
      ...MALFORMED_TIMES.map((v) => bad(`malformed dispatchedAt ${v}`, { ...body, dispatchedAt: v }, 'dispatchedAt')),
      bad('extra field', { ...body, deliveryId: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9' }, 'deliveryId'),
      bad('extra field in a line', withField(body, 'lines.0.expiresOn', '2030-01-01'), 'lines[0].expiresOn'),
      { ...bad('text/plain', undefined, undefined, 415), rawBody: JSON.stringify(body), headers: { 'content-type': 'text/plain' } },
    ]);
    expect(await stockOf('GOWN-LS', position)).toMatchObject({ onHand: 100 });
  });

  it('answers a replayed dispatch with the first answer, once, and refuses the key for another body', async () => {
    const { position } = await receive([{ item: 'SANITIZER-500', quantity: 50 }]);
    const headers = { 'idempotency-key': `dispatch-${Date.now()}` };
    const body = { municipality: '0117', lines: [{ item: 'SANITIZER-500', quantity: 20 }] };
    const first = await post('dispatches', body, as.warehouse, headers);
    expect(first.status).toBe(201);
    const before = await countEvents(t);
    const again = await post('dispatches', body, as.warehouse, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expectProblem(await post('dispatches', { ...body, vehicle: 'Bil 9' }, as.warehouse, headers), 422);
    expect(await countEvents(t)).toBe(before);
    expect(await stockOf('SANITIZER-500', first.body.position > position ? first.body.position : position)).toMatchObject({ onHand: 30 });
  });

  it('never takes stock below zero under concurrent dispatches', async () => {
    await receive([{ item: 'GLOVE-NITRILE-S', quantity: 100 }]);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        post('dispatches', {
          municipality: ['0114', '0115', '0117', '0120', '0123'][i % 5],
          lines: [{ item: 'GLOVE-NITRILE-S', quantity: 30 }],
        }),
      ),
    );
    const created = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status !== 201);
    expect(created).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.body).toMatchObject({ status: 409, code: 'WAREHOUSE.INSUFFICIENT_STOCK', details: { available: 10 } });
    }
    const last = created.map((r) => BigInt(r.body.position)).reduce((a, b) => (a > b ? a : b));
    expect(await stockOf('GLOVE-NITRILE-S', last.toString())).toMatchObject({ onHand: 10, available: 10 });
  });

  it('writes off damaged and expired stock, records counts and other changes', async () => {
    await receive([
      { item: 'GLOVE-NITRILE-L', quantity: 100, lot: 'GL-1', expiresOn: '2026-01-31' },
      { item: 'GLOVE-NITRILE-L', quantity: 200, lot: 'GL-2', expiresOn: '2028-01-31' },
    ]);
    const expired = await post('adjustments', { reason: 'expired', lines: [{ item: 'GLOVE-NITRILE-L', lot: 'GL-1', quantity: 100 }] });
    expect(expired.status).toBe(201);
    expect(expired.body).toMatchObject({
      adjustmentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      position: expect.stringMatching(/^\d+$/),
      lines: [{ item: 'GLOVE-NITRILE-L', lot: 'GL-1', change: -100 }],
    });
    const damaged = await post('adjustments', {
      reason: 'damaged',
      note: 'Water damage',
      lines: [{ item: 'GLOVE-NITRILE-L', quantity: 15 }],
    });
    expect(damaged.status).toBe(201);
    const counted = await post('adjustments', {
      reason: 'counted',
      lines: [{ item: 'GLOVE-NITRILE-L', lot: 'GL-2', counted: 180 }],
      adjustedAt: '2026-03-10T16:00:00+01:00',
    });
    expect(counted.status).toBe(201);
    expect(counted.body.lines).toEqual([
      { item: 'GLOVE-NITRILE-L', lot: 'GL-2', counted: 180, change: -5, lots: [{ lot: 'GL-2', expiresOn: '2028-01-31', change: -5 }] },
    ]);
    const confirmed = await post('adjustments', { reason: 'counted', lines: [{ item: 'GLOVE-NITRILE-L', counted: 180 }] });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.lines).toEqual([{ item: 'GLOVE-NITRILE-L', counted: 180, change: 0, lots: [] }]);
    const other = await post('adjustments', {
      reason: 'other',
      note: 'Found behind the pallets',
      lines: [{ item: 'GLOVE-NITRILE-L', change: 7 }],
    });
    expect(other.status).toBe(201);
    expect(await stockOf('GLOVE-NITRILE-L', other.body.position)).toEqual({
      item: 'GLOVE-NITRILE-L',
      onHand: 187,
      allocated: 0,
      available: 187,
      lots: [
        { lot: 'GL-2', expiresOn: '2028-01-31', onHand: 180 },
        { lot: null, expiresOn: null, onHand: 7 },
      ],
    });
  });

  it('refuses adjustments that would take stock below zero, or say too little', async () => {
    await receive([{ item: 'VISOR', quantity: 10 }]);
    const path = '/api/warehouses/01-central/adjustments';
    const bad = refusalsAt(path, as.warehouse);
    const oneDamaged = { reason: 'damaged', lines: [{ item: 'VISOR', quantity: 1 }] };
    await expectAllRefused(t, [
      { title: 'region', path, as: as.region, body: oneDamaged, status: 403 },
      { title: 'warehouse of another county', path, as: as.warehouse18, body: oneDamaged, status: 403 },
      bad('more than on hand', { reason: 'damaged', lines: [{ item: 'VISOR', quantity: 11 }] }, 'lines[0].quantity', 409),
      bad('a change beyond stock', { reason: 'other', note: 'lost', lines: [{ item: 'VISOR', change: -11 }] }, 'lines[0].change', 409),
      bad('another reason without a note', { reason: 'other', lines: [{ item: 'VISOR', change: -1 }] }, 'note'),
      bad('an unknown reason', { reason: 'stolen', lines: [{ item: 'VISOR', quantity: 1 }] }, 'reason'),
      bad('a count without counted', { reason: 'counted', lines: [{ item: 'VISOR', quantity: 1 }] }, 'lines[0].quantity'),
      bad('a negative count', { reason: 'counted', lines: [{ item: 'VISOR', counted: -1 }] }, 'lines[0].counted'),
      bad('a fractional change', { reason: 'other', note: 'x', lines: [{ item: 'VISOR', change: 0.5 }] }, 'lines[0].change'),
      bad('a zero removal', { reason: 'damaged', lines: [{ item: 'VISOR', quantity: 0 }] }, 'lines[0].quantity'),
      bad('an absurd removal', { reason: 'expired', lines: [{ item: 'VISOR', quantity: 1e15 }] }, 'lines[0].quantity'),
      bad(
        'the same goods counted twice',
        {
          reason: 'counted',
          lines: [
            { item: 'VISOR', counted: 1 },
            { item: 'VISOR', counted: 2 },
          ],
        },
        'lines[1].item',
      ),
      bad('unknown item', { reason: 'damaged', lines: [{ item: 'HELMET', quantity: 1 }] }, 'lines[0].item'),
      bad('far-future adjustedAt', { reason: 'damaged', lines: [{ item: 'VISOR', quantity: 1 }], adjustedAt: FAR_FUTURE }, 'adjustedAt'),
    ]);
  });

  it('shows stock to the warehouse, county and auditors of its county only', async () => {
    const path = '/api/warehouses/01-central/stock';
    expectProblem(await call(t, 'GET', path), 401);
    expectProblem(await call(t, 'GET', path, { as: as.region }), 403);
    expectProblem(await call(t, 'GET', path, { as: as.municipality }), 403);
    expectProblem(await call(t, 'GET', path, { as: as.county18 }), 403);
    expectProblem(await call(t, 'GET', path, { as: as.warehouse18 }), 403);
    expectProblem(await call(t, 'GET', '/api/warehouses/99-central/stock', { as: as.auditor }), 404);
    expectProblem(await call(t, 'GET', `${path}?asOf=2026-03-01T00:00:00Z`, { as: as.county }), 400, 'asOf');
    expectProblem(await call(t, 'GET', `${path}?waitFor=soon`, { as: as.county }), 400, 'waitFor');
    const empty = await call(t, 'GET', '/api/warehouses/22-central/stock', { as: as.auditor });
    expect(empty.body).toEqual({ warehouseId: '22-central', county: '22', items: [] });
  });
});
