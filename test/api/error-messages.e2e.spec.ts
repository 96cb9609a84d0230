import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * Errors a front end can show: every problem and every field error has a stable code, one message
 * per field, a human title, in English by default and in Swedish with `Accept-Language: sv`.
 */
let t: TestApp;
let warehouse: string;
beforeAll(async () => {
  t = await startTestApp();
  warehouse = await t.token('warehouse', { county: '01', name: 'Lager Stockholm' });
});
afterAll(async () => {
  await t?.close();
});

const SV = { 'accept-language': 'sv-SE,sv;q=0.9,en;q=0.5' };
const dispatch = (body: unknown, headers: Record<string, string> = {}) =>
  call(t, 'POST', '/api/warehouses/01-central/dispatches', { as: warehouse, body, headers });
const receive = async (lines: object[]) => {
  const r = await call(t, 'POST', '/api/warehouses/01-central/receipts', { as: warehouse, body: { source: 'donation', from: 'Testgivare AB', lines } });
  expect(r.status).toBe(201);
};

describe('a validation problem', () => {
  const body = { municipality: '0115', lines: [{ item: 'FFP2', quantity: 2.5, surplus: true }] };

  it('in English: REQUEST.INVALID, one coded message per field', async () => {
    const r = await dispatch(body);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-language')).toBe('en');
    expect(r.body).toEqual(
      expect.objectContaining({
        code: 'REQUEST.INVALID',
        title: 'Invalid request',
        detail: '2 field(s) are invalid: lines[0].surplus, lines[0].quantity',
        errors: [
          { field: 'lines[0].surplus', code: 'FIELD.UNKNOWN', message: 'lines[0].surplus is not a field of this request' },
          // A fraction fails "whole number" (and no other check of the field is listed with it).
          { field: 'lines[0].quantity', code: 'FIELD.NOT_INTEGER', message: 'lines[0].quantity must be a whole number' },
        ],
      }),
    );
  });

  it('in Swedish with Accept-Language: sv (q-values honoured)', async () => {
    const r = await dispatch(body, SV);
    expect(r.status).toBe(400);
    expect(r.headers.get('content-language')).toBe('sv');
    expect(r.body).toEqual(
      expect.objectContaining({
        code: 'REQUEST.INVALID',
        title: 'Ogiltig begäran',
        detail: '2 fält är ogiltiga: lines[0].surplus, lines[0].quantity',
        errors: [
          { field: 'lines[0].surplus', code: 'FIELD.UNKNOWN', message: 'lines[0].surplus är inte ett fält i den här begäran' },
          { field: 'lines[0].quantity', code: 'FIELD.NOT_INTEGER', message: 'lines[0].quantity måste vara ett heltal' },
        ],
      }),
    );
    // English is preferred here, so English it is.
    const english = await dispatch(body, { 'accept-language': 'sv;q=0.3, en-GB;q=0.8' });
    expect(english.headers.get('content-language')).toBe('en');
  });

  it('codes a missing field, a too large one and a wrong type', async () => {
    const r = await dispatch({
      lines: [
        { item: 'FFP2', quantity: 1e12 },
        { item: 7, quantity: 1 },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { field: 'municipality', code: 'FIELD.REQUIRED', message: 'municipality is required' },
      { field: 'lines[0].quantity', code: 'FIELD.TOO_LARGE', message: 'lines[0].quantity must be at most 1000000000' },
      { field: 'lines[1].item', code: 'FIELD.NOT_TEXT', message: 'lines[1].item must be text' },
    ]);
  });
});

describe('an unknown item code', () => {
  it('answers ffp2, FFP-2 and glove-m alike: REFERENCE.UNKNOWN_ITEM naming the field, with the closest code', async () => {
    const shapes = [];
    for (const [typed, meant] of [
      ['ffp2', 'FFP2'],
      ['FFP-2', 'FFP2'],
      ['glove-m', 'GLOVE-NITRILE-M'],
    ] as const) {
      const r = await dispatch({ municipality: '0115', lines: [{ item: typed, quantity: 1 }] });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([
        { field: 'lines[0].item', code: 'REFERENCE.UNKNOWN_ITEM', message: `${typed} is not in the item catalogue; did you mean ${meant}?`, suggestion: meant },
      ]);
      shapes.push({ status: r.status, code: r.body.code, fields: r.body.errors.map((e: { field: string; code: string }) => [e.field, e.code]) });
    }
    expect(new Set(shapes.map((s) => JSON.stringify(s))).size).toBe(1);
  });

  it('in Swedish, and without a suggestion when nothing is close', async () => {
    const sv = await dispatch({ municipality: '0115', lines: [{ item: 'FFP-2', quantity: 1 }] }, SV);
    expect(sv.body.errors).toEqual([
      { field: 'lines[0].item', code: 'REFERENCE.UNKNOWN_ITEM', message: 'FFP-2 finns inte i artikelkatalogen; menade du FFP2?', suggestion: 'FFP2' },
    ]);
    const far = await dispatch({ municipality: '0115', lines: [{ item: 'BANANA', quantity: 1 }] });
    expect(far.body.errors).toEqual([{ field: 'lines[0].item', code: 'REFERENCE.UNKNOWN_ITEM', message: 'BANANA is not in the item catalogue' }]);
  });

  it('names the entry of a list of item codes', async () => {
    const county = await t.token('county', { county: '01' });
    const r = await call(t, 'POST', '/api/allocation-rounds', { as: county, body: { items: ['FFP2', 'ffp3'] } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { field: 'items[1]', code: 'REFERENCE.UNKNOWN_ITEM', message: 'ffp3 is not in the item catalogue; did you mean FFP3?', suggestion: 'FFP3' },
    ]);
  });
});

describe('a domain error', () => {
  it('keeps its code, reads as a title in each language, and names its field', async () => {
    await receive([{ item: 'VISOR', quantity: 3 }]);
    const body = { municipality: '0115', lines: [{ item: 'VISOR', quantity: 1_000_000 }] };
    const en = await dispatch(body);
    expect(en.status).toBe(409);
    expect(en.headers.get('content-language')).toBe('en');
    expect(en.body).toEqual(
      expect.objectContaining({
        code: 'WAREHOUSE.INSUFFICIENT_STOCK',
        title: 'Not enough stock',
        detail: expect.stringMatching(/^1000000 of VISOR requested, \d+ available/),
        errors: [{ field: 'lines[0].quantity', code: 'WAREHOUSE.INSUFFICIENT_STOCK', message: en.body.detail }],
      }),
    );
    const sv = await dispatch(body, { 'accept-language': 'sv' });
    expect(sv.status).toBe(409);
    expect(sv.headers.get('content-language')).toBe('sv');
    expect(sv.body).toEqual(
      expect.objectContaining({
        code: 'WAREHOUSE.INSUFFICIENT_STOCK',
        title: 'Otillräckligt lager',
        detail: `1000000 av VISOR begärdes, ${en.body.details.available} finns tillgängliga`,
        errors: [{ field: 'lines[0].quantity', code: 'WAREHOUSE.INSUFFICIENT_STOCK', message: sv.body.detail }],
      }),
    );
  });
});

describe('401 and 404', () => {
  it('answers a missing token with AUTH.UNAUTHENTICATED in either language', async () => {
    const en = await call(t, 'GET', '/api/warehouses/01-central/stock');
    expect(en.status).toBe(401);
    expect(en.body).toEqual(expect.objectContaining({ code: 'AUTH.UNAUTHENTICATED', title: 'Not signed in', detail: expect.stringMatching(/bearer token/) }));
    const sv = await call(t, 'GET', '/api/warehouses/01-central/stock', { headers: { 'accept-language': 'sv-SE' } });
    expect(sv.status).toBe(401);
    expect(sv.headers.get('content-language')).toBe('sv');
    expect(sv.body).toEqual(
      expect.objectContaining({ code: 'AUTH.UNAUTHENTICATED', title: 'Inte inloggad', detail: 'Skicka en giltig token: Authorization: Bearer <JWT>.' }),
    );
  });

  it('answers an unknown route and an unknown record with a code in either language', async () => {
    const route = await call(t, 'GET', '/api/nowhere', { headers: { 'accept-language': 'sv' } });
    expect(route.status).toBe(404);
    expect(route.body).toEqual(expect.objectContaining({ code: 'REQUEST.NOT_FOUND', title: 'Hittades inte', detail: 'Det finns ingen sådan post.' }));
    const delivery = await call(t, 'GET', '/api/deliveries/5d2f8a61-0000-4000-8000-000000000000', { as: warehouse });
    expect(delivery.status).toBe(404);
    expect(delivery.body).toEqual(expect.objectContaining({ code: 'DELIVERY.NOT_FOUND', title: 'Unknown delivery' }));
    const sv = await call(t, 'GET', '/api/deliveries/5d2f8a61-0000-4000-8000-000000000000', { as: warehouse, headers: { 'accept-language': 'sv' } });
    expect(sv.body).toEqual(expect.objectContaining({ code: 'DELIVERY.NOT_FOUND', title: 'Okänd leverans', detail: 'Det finns ingen sådan leverans' }));
  });
});

describe('a local time without an offset', () => {
  const dispatchedAt = async (local: string) => {
    await receive([{ item: 'APRON', quantity: 1 }]);
    const r = await dispatch({ municipality: '0115', lines: [{ item: 'APRON', quantity: 1 }], dispatchedAt: local });
    expect(r.status).toBe(201);
    const delivery = await call(t, 'GET', `/api/deliveries/${r.body.deliveryId}?waitFor=${r.body.position}`, { as: warehouse });
    expect(delivery.status).toBe(200);
    return delivery.body.dispatchedAt as string;
  };

  it('is read as Swedish time: +01:00 in winter, +02:00 in summer', async () => {
    expect(await dispatchedAt('2026-03-04T07:30')).toBe('2026-03-04T06:30:00.000Z');
    expect(await dispatchedAt('2025-07-01T07:30:00')).toBe('2025-07-01T05:30:00.000Z');
  });

  it('still refuses a day that does not exist, with FIELD.NOT_DATE_TIME', async () => {
    const r = await dispatch({ municipality: '0115', lines: [{ item: 'APRON', quantity: 1 }], dispatchedAt: '2026-02-30T07:30' });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'dispatchedAt', code: 'FIELD.NOT_DATE_TIME' })]);
  });
});
