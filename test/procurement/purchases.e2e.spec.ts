import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import type { TestApp } from '../support/app.js';
import { call, countEvents } from '../support/api.js';
import { describeOnBothEventStores } from '../support/both-stores.js';
import { BAD_QUANTITIES, expectAllRefused, expectProblem, FAR_FUTURE, MALFORMED_TIMES, refusalsAt, withField } from '../warehouse/helpers.js';

const ORDER = {
  supplier: 'Medisupply Nordic AB',
  warehouseId: '01-central',
  lines: [
    { item: 'FFP2', quantity: 1000 },
    { item: 'GLOVE-NITRILE-M', quantity: 500 },
  ],
  expectedAt: '2026-03-12T10:00:00+01:00',
};

describeOnBothEventStores('purchases', (start) => {
  let t: TestApp;
  type User = 'region' | 'region18' | 'warehouse' | 'warehouse18' | 'county' | 'county18' | 'auditor' | 'municipality' | 'committee';
  let as: Record<User, string>;

  beforeAll(async () => {
    t = await start();
    as = {
      region: await t.token('region', { county: '01', name: 'Anna Inköp' }),
      region18: await t.token('region', { county: '18' }),
      warehouse: await t.token('warehouse', { county: '01', name: 'Lager Stockholm' }),
      warehouse18: await t.token('warehouse', { county: '18' }),
      county: await t.token('county', { county: '01' }),
      county18: await t.token('county', { county: '18' }),
      auditor: await t.token('auditor'),
      municipality: await t.token('municipality', { municipality: '0115' }),
      committee: await t.token('committee', { county: '01' }),
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  const order = async (body: object = ORDER) => {
    const r = await call(t, 'POST', '/api/purchases', { as: as.region, body });
    expect(r.status).toBe(201);
    return r.body as { purchaseId: string; position: string };
  };
  const receive = (id: string, body: object, token = as.warehouse) => call(t, 'POST', `/api/purchases/${id}/receipts`, { as: token, body });
  const read = (id: string, token = as.region) => call(t, 'GET', `/api/purchases/${id}`, { as: token });

  it('records an order of the region for its county’s warehouse', async () => {
    const before = await countEvents(t);
    const { purchaseId, position } = await order();
    expect(purchaseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(position).toMatch(/^\d+$/);
    expect(await countEvents(t)).toBe(before + 1);

    const r = await read(purchaseId);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      purchaseId,
      supplier: 'Medisupply Nordic AB',
      warehouseId: '01-central',
      county: '01',
      status: 'ordered',
      expectedAt: '2026-03-12T09:00:00.000Z',
      orderedBy: { name: 'Anna Inköp', role: 'region' },
      lines: [
        { item: 'FFP2', ordered: 1000, received: 0, outstanding: 0 + 1000 },
        { item: 'GLOVE-NITRILE-M', ordered: 500, received: 0, outstanding: 500 },
      ],
      receipts: [],
      cancellation: null,
      position,
    });
  });

  it('refuses orders from other roles, other counties and without a token', async () => {
    await expectAllRefused(t, [
      { title: 'no token', path: '/api/purchases', body: ORDER, status: 401 },
      { title: 'warehouse role', path: '/api/purchases', as: as.warehouse, body: ORDER, status: 403 },
      { title: 'county role', path: '/api/purchases', as: as.county, body: ORDER, status: 403 },
      { title: 'auditor', path: '/api/purchases', as: as.auditor, body: ORDER, status: 403 },
      { title: 'municipality', path: '/api/purchases', as: as.municipality, body: ORDER, status: 403 },
      { title: 'region of another county', path: '/api/purchases', as: as.region18, body: ORDER, status: 403 },
    ]);
  });

  it('refuses a bad order, naming the field, and writes nothing', async () => {
    const bad = refusalsAt('/api/purchases', as.region);
    await expectAllRefused(t, [
      ...BAD_QUANTITIES.map(([what, q]) => bad(`${what} quantity`, withField(ORDER, 'lines.1.quantity', q), 'lines[1].quantity')),
      bad('unknown item', withField(ORDER, 'lines.1.item', 'FFP9'), 'lines[1].item'),
      bad('item ordered twice', withField(ORDER, 'lines.1.item', 'FFP2'), 'lines[1].item'),
      bad('unknown warehouse', withField(ORDER, 'warehouseId', '99-central'), 'warehouseId'),
      bad('missing supplier', withField(ORDER, 'supplier', undefined), 'supplier'),
      bad('blank supplier', withField(ORDER, 'supplier', '   '), 'supplier'),
      bad('missing lines', withField(ORDER, 'lines', undefined), 'lines'),
      bad('no lines', withField(ORDER, 'lines', []), 'lines'),
      bad('a line that is not an object', withField(ORDER, 'lines', [7]), 'lines[0]'),
      bad('extra field', { ...ORDER, county: '18' }, 'county'),
      bad('extra field in a line', withField(ORDER, 'lines.0.price', 12), 'lines[0].price'),
      ...MALFORMED_TIMES.map((v) => bad(`malformed expectedAt ${v}`, withField(ORDER, 'expectedAt', v), 'expectedAt')),
      { ...bad('not JSON', undefined), rawBody: '{"supplier":', headers: { 'content-type': 'application/json' } },
      { ...bad('text/plain', undefined, undefined, 415), rawBody: JSON.stringify(ORDER), headers: { 'content-type': 'text/plain' } },
    ]);
  });

  it('answers a replayed Idempotency-Key with the first answer and refuses it for another body', async () => {
    const headers = { 'idempotency-key': `order-${Date.now()}` };
    const first = await call(t, 'POST', '/api/purchases', { as: as.region, body: ORDER, headers });
    expect(first.status).toBe(201);
    const before = await countEvents(t);
    const again = await call(t, 'POST', '/api/purchases', { as: as.region, body: ORDER, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await call(t, 'POST', '/api/purchases', { as: as.region, body: withField(ORDER, 'supplier', 'Another AB'), headers });
    expectProblem(other, 422);
    expect(await countEvents(t)).toBe(before);
  });

  it('takes partial receipts up to what was ordered, and refuses more unless flagged', async () => {
    const { purchaseId } = await order();
    const first = await receive(purchaseId, {
      lines: [
        { item: 'FFP2', quantity: 600, lot: 'L-1', expiresOn: '2028-03-31' },
        { item: 'GLOVE-NITRILE-M', quantity: 500 },
      ],
      receivedAt: '2026-03-11T14:20:00+01:00',
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ receiptId: expect.stringMatching(/^[0-9a-f-]{36}$/), position: expect.stringMatching(/^\d+$/) });
    const second = await receive(purchaseId, { lines: [{ item: 'FFP2', quantity: 300 }] }, as.region);
    expect(second.status).toBe(201);

    await expectAllRefused(t, [
      {
        title: 'over the order',
        path: `/api/purchases/${purchaseId}/receipts`,
        as: as.warehouse,
        body: { lines: [{ item: 'FFP2', quantity: 101 }] },
        status: 409,
        field: 'lines[0].quantity',
      },
      {
        title: 'not on the order',
        path: `/api/purchases/${purchaseId}/receipts`,
        as: as.warehouse,
        body: { lines: [{ item: 'VISOR', quantity: 1 }] },
        status: 409,
        field: 'lines[0].item',
      },
    ]);
    const over = await receive(purchaseId, { lines: [{ item: 'FFP2', quantity: 101 }] });
    expect(over.body).toMatchObject({
      code: 'PURCHASE.OVER_DELIVERY',
      details: { item: 'FFP2', ordered: 1000, alreadyReceived: 900, receiving: 101 },
    });

    const exact = await receive(purchaseId, { lines: [{ item: 'FFP2', quantity: 100 }] });
    expect(exact.status).toBe(201);
    let view = await read(purchaseId, as.auditor);
    expect(view.body).toMatchObject({
      status: 'received',
      lines: [
        { item: 'FFP2', ordered: 1000, received: 1000, outstanding: 0 },
        { item: 'GLOVE-NITRILE-M', ordered: 500, received: 500, outstanding: 0 },
      ],
    });
    expect(view.body.receipts).toHaveLength(3);
    expect(view.body.receipts[0]).toMatchObject({
      receiptId: first.body.receiptId,
      receivedAt: '2026-03-11T13:20:00.000Z',
      recordedBy: { name: 'Lager Stockholm', role: 'warehouse' },
      overDelivery: false,
      lines: [
        { item: 'FFP2', quantity: 600, lot: 'L-1', expiresOn: '2028-03-31' },
        { item: 'GLOVE-NITRILE-M', quantity: 500 },
      ],
    });

    const flagged = await receive(purchaseId, { lines: [{ item: 'FFP2', quantity: 40 }], acceptOverDelivery: true });
    expect(flagged.status).toBe(201);
    view = await read(purchaseId);
    expect(view.body.lines[0]).toEqual({ item: 'FFP2', ordered: 1000, received: 1040, outstanding: 0 });
    expect(view.body.receipts[3]).toMatchObject({ overDelivery: true });
  });

  it('puts goods received against a purchase into the warehouse’s stock at once', async () => {
    const { purchaseId } = await order({
      supplier: 'Glove Co',
      warehouseId: '01-central',
      lines: [{ item: 'GLOVE-NITRILE-L', quantity: 800 }],
    });
    const r = await receive(purchaseId, { lines: [{ item: 'GLOVE-NITRILE-L', quantity: 300, lot: 'G-9', expiresOn: '2029-05-31' }] });
    expect(r.status).toBe(201);
    const stock = await call(t, 'GET', `/api/warehouses/01-central/stock?waitFor=${r.body.position}`, { as: as.warehouse });
    expect(stock.status).toBe(200);
    expect(stock.body.items.find((i: { item: string }) => i.item === 'GLOVE-NITRILE-L')).toEqual({
      item: 'GLOVE-NITRILE-L',
      onHand: 300,
      allocated: 0,
      available: 300,
      lots: [{ lot: 'G-9', expiresOn: '2029-05-31', onHand: 300 }],
    });
    // The warehouse's entry names the purchase, the supplier, and the receipt that caused it.
    const store = t.app.get<EventStore>(EVENT_STORE);
    const [entry] = await store.readStream('warehouse-01-central', { direction: 'backwards', maxCount: 1 });
    expect(entry!.position.toString()).toBe(r.body.position);
    expect(entry).toMatchObject({
      type: 'StockReceived',
      data: { receiptId: r.body.receiptId, source: 'purchase', from: 'Glove Co', purchaseId },
    });
  });

  it('refuses receipts from other roles, other counties, for unknown purchases, and bad receipts', async () => {
    const { purchaseId } = await order();
    const path = `/api/purchases/${purchaseId}/receipts`;
    const body = { lines: [{ item: 'FFP2', quantity: 10 }] };
    const bad = refusalsAt(path, as.warehouse);
    const unknown = '/api/purchases/1d7c9a7e-0000-4000-8000-000000000000/receipts';
    await expectAllRefused(t, [
      { title: 'no token', path, body, status: 401 },
      { title: 'county role', path, as: as.county, body, status: 403 },
      { title: 'municipality', path, as: as.municipality, body, status: 403 },
      { title: 'auditor', path, as: as.auditor, body, status: 403 },
      { title: 'warehouse of another county', path, as: as.warehouse18, body, status: 403 },
      { title: 'region of another county', path, as: as.region18, body, status: 403 },
      { title: 'unknown purchase', path: unknown, as: as.warehouse, body, status: 404 },
      { title: 'not an id', path: '/api/purchases/nonsense/receipts', as: as.warehouse, body, status: 404 },
      ...BAD_QUANTITIES.map(([what, q]) => bad(`${what} quantity`, withField(body, 'lines.0.quantity', q), 'lines[0].quantity')),
      bad('unknown item', withField(body, 'lines.0.item', 'NOPE'), 'lines[0].item'),
      bad('impossible expiry', withField(body, 'lines.0.expiresOn', '2027-02-30'), 'lines[0].expiresOn'),
      bad('far-future receivedAt', { ...body, receivedAt: FAR_FUTURE }, 'receivedAt'),
      ...MALFORMED_TIMES.map((v) => bad(`malformed receivedAt ${v}`, { ...body, receivedAt: v }, 'receivedAt')),
      bad('flag not a boolean', { ...body, acceptOverDelivery: 'yes' }, 'acceptOverDelivery'),
      bad('extra field', { ...body, warehouseId: '18-central' }, 'warehouseId'),
      bad('missing lines', {}, 'lines'),
    ]);
  });

  it('cancels what is outstanding once, and nothing is received afterwards', async () => {
    const { purchaseId } = await order();
    expect((await receive(purchaseId, { lines: [{ item: 'FFP2', quantity: 10 }] })).status).toBe(201);
    const path = `/api/purchases/${purchaseId}/cancellation`;
    await expectAllRefused(t, [
      { title: 'warehouse role', path, as: as.warehouse, body: { reason: 'x' }, status: 403 },
      { title: 'region of another county', path, as: as.region18, body: { reason: 'x' }, status: 403 },
      { title: 'no reason', path, as: as.region, body: {}, status: 400, field: 'reason' },
      { title: 'blank reason', path, as: as.region, body: { reason: ' ' }, status: 400, field: 'reason' },
    ]);
    const cancelled = await call(t, 'POST', path, { as: as.region, body: { reason: 'The supplier cannot deliver' } });
    expect(cancelled.status).toBe(201);
    expect(cancelled.body).toEqual({ purchaseId, position: expect.stringMatching(/^\d+$/) });

    await expectAllRefused(t, [
      { title: 'cancelled twice', path, as: as.region, body: { reason: 'again' }, status: 409 },
      {
        title: 'received after cancellation',
        path: `/api/purchases/${purchaseId}/receipts`,
        as: as.warehouse,
        body: { lines: [{ item: 'FFP2', quantity: 1 }] },
        status: 409,
      },
    ]);
    const view = await read(purchaseId, as.county);
    expect(view.body).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: 'The supplier cannot deliver', cancelledBy: { role: 'region' } },
      lines: [
        { item: 'FFP2', ordered: 1000, received: 10, outstanding: 0 },
        { item: 'GLOVE-NITRILE-M', received: 0, outstanding: 0 },
      ],
    });
  });

  it('refuses to cancel an order received in full', async () => {
    const { purchaseId } = await order({ supplier: 'X', warehouseId: '01-central', lines: [{ item: 'VISOR', quantity: 5 }] });
    expect((await receive(purchaseId, { lines: [{ item: 'VISOR', quantity: 5 }] })).status).toBe(201);
    await expectAllRefused(t, [
      { title: 'fully received', path: `/api/purchases/${purchaseId}/cancellation`, as: as.region, body: { reason: 'late' }, status: 409 },
    ]);
  });

  it('shows a purchase to the roles in its county only', async () => {
    const { purchaseId } = await order();
    for (const token of [as.region, as.warehouse, as.county, as.auditor]) expect((await read(purchaseId, token)).status).toBe(200);
    expectProblem(await read(purchaseId, as.county18), 403);
    expectProblem(await read(purchaseId, as.warehouse18), 403);
    expectProblem(await read(purchaseId, as.municipality), 403);
    expectProblem(await read(purchaseId, as.committee), 403);
    expectProblem(await call(t, 'GET', `/api/purchases/${purchaseId}`), 401);
    expectProblem(await read('1d7c9a7e-0000-4000-8000-000000000000'), 404);
    expectProblem(await read('nonsense'), 404);
  });

  it('lists the county’s orders with what is outstanding, newest first, the open ones on request, as of the caller’s write', async () => {
    const list = (query: string, token = as.region) => call(t, 'GET', `/api/purchases${query}`, { as: token });
    const open = await order({ supplier: 'Listad AB', warehouseId: '01-central', lines: [{ item: 'APRON', quantity: 300 }] });
    const partial = await order({ supplier: 'Delvis AB', warehouseId: '01-central', lines: [{ item: 'VISOR', quantity: 40 }] });
    const received = await receive(partial.purchaseId, { lines: [{ item: 'VISOR', quantity: 15 }] });
    // A receipt replayed by the reaction machinery or a retry counts once: the same receipt id is in the log once.
    const r = await list(`?status=open&waitFor=${received.body.position}`);
    expect(r.status).toBe(200);
    const mine = r.body.purchases.filter((p: { purchaseId: string }) => [open.purchaseId, partial.purchaseId].includes(p.purchaseId));
    expect(mine).toEqual([
      expect.objectContaining({
        purchaseId: partial.purchaseId,
        supplier: 'Delvis AB',
        status: 'partially-received',
        lines: [{ item: 'VISOR', ordered: 40, received: 15, outstanding: 25 }],
        orderedBy: { sub: expect.any(String), name: 'Anna Inköp' },
        lastReceivedAt: expect.any(String),
      }),
      expect.objectContaining({ purchaseId: open.purchaseId, status: 'ordered', lines: [{ item: 'APRON', ordered: 300, received: 0, outstanding: 300 }] }),
    ]);
    expect(r.body.purchases.every((p: { status: string }) => p.status === 'ordered' || p.status === 'partially-received')).toBe(true);

    // The warehouse and the county board see the same list, defaulting to their token's county; another county's sees none of it.
    for (const token of [as.warehouse, as.county]) {
      const theirs = await list('', token);
      expect(theirs.body.county).toBe('01');
      expect(theirs.body.purchases.map((p: { purchaseId: string }) => p.purchaseId)).toEqual(expect.arrayContaining([open.purchaseId, partial.purchaseId]));
    }
    expect((await list('?county=01', as.auditor)).status).toBe(200);
    expect((await list('', as.region18)).body.purchases.map((p: { purchaseId: string }) => p.purchaseId)).not.toContain(open.purchaseId);
    expectProblem(await list('?county=01', as.region18), 403);
    expectProblem(await list('', as.municipality), 403);
    expectProblem(await list('?status=late'), 400);
    expectProblem(await list('', as.auditor), 400);
  });
});
