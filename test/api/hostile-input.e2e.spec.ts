import { afterAll, beforeAll, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ACCESS_POLICY } from '../../src/auth/access-policy.js';
import type { Role } from '../../src/shared/actor.js';
import { call, countEvents } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * Garbage at every write route the OpenAPI document lists: wrong types, missing and extra fields,
 * huge strings and arrays, unicode, numbers past the safe-integer limits, deep nesting,
 * prototype-pollution keys, invalid JSON. Never a 500, never a stack trace, never a write.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_PER_USER: '100000', RATE_LIMIT_PER_ADDRESS: '100000' });
});
afterAll(async () => {
  await t?.close();
});

const SCOPE: Record<Role, { county?: string; municipality?: string }> = {
  municipality: { municipality: '0115' },
  region: { county: '01' },
  warehouse: { county: '01' },
  county: { county: '01' },
  committee: { county: '01' },
  auditor: {},
  admin: {},
};

const PARAMS: Record<string, string> = { code: '0115', id: '01-central', reportId: '3f1b3c1e-8a7d-4c8e-9a1b-2c3d4e5f6a7b', streamId: 'warehouse-01-central' };

const nasty: unknown[] = [
  null,
  [],
  'text',
  42,
  {},
  { lines: 'all of them' },
  { lines: Array.from({ length: 5000 }, () => ({ item: 'FFP2', quantity: 1 })) },
  { supplier: 'x'.repeat(100_000) },
  { quantity: Number.MAX_SAFE_INTEGER + 2, lines: [{ item: 'FFP2', quantity: 2 ** 64 }] },
  { lines: [{ item: 'FFP2', quantity: -0 }], reportedAt: '2026-02-30T25:61:00Z' },
  JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"polluted": 1}}}'),
  { lines: [{ item: '🧤'.repeat(50), quantity: 1 }], note: '\u0000\u202e' },
  { a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: {} } } } } } } } } } } },
];

it('answers hostile bodies at every write route with 4xx problem details, and writes nothing', async () => {
  const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }>>;
    components: { schemas: Record<string, { required?: string[] }> };
  };
  /** A route whose body has no required field (e.g. opening a round with defaults) rightly takes `{}`. */
  const takesEmptyBody = (path: string) => {
    const ref = doc.paths[path]!.post!.requestBody?.content?.['application/json']?.schema?.$ref;
    return !ref || !(doc.components.schemas[ref.split('/').pop()!]?.required ?? []).length;
  };
  const writes = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.post ? [path] : []));
  expect(writes.length).toBeGreaterThan(8);
  const before = await countEvents(t);
  // A fixed seed: the same garbage every run, so a failure can be reproduced.
  const generated = fc.sample(fc.anything({ maxDepth: 4, withObjectString: true, withNullPrototype: true }), { numRuns: 25, seed: 20261122 });
  let requests = 0;
  for (const openApiPath of writes) {
    const path = openApiPath.replace(/\{(\w+)\}/g, (_, p: string) => PARAMS[p] ?? '3f1b3c1e-8a7d-4c8e-9a1b-2c3d4e5f6a7b');
    const access = ACCESS_POLICY[`POST ${openApiPath.replace(/\{(\w+)\}/g, ':$1')}`]!;
    const role = (Array.isArray(access.roles) ? access.roles[0] : 'auditor') as Role;
    const as = await t.token(role, SCOPE[role]);
    // No body at all, or `{}`: what a route whose fields are all optional rightly accepts.
    const isEmptyObject = (x: unknown) => x === undefined || (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.keys(x).length === 0);
    const bodies: { body?: unknown; rawBody?: string }[] = [...nasty.map((body) => ({ body })), ...generated.map((body) => ({ body }))].filter(
      (b) => !(takesEmptyBody(openApiPath) && isEmptyObject(b.body)),
    );
    bodies.push({ rawBody: '{"lines": [' }, { rawBody: '{"a":1}{"b":2}' }, { rawBody: '\uFEFF{"x":1}' });
    for (const b of bodies) {
      const r = await call(t, 'POST', path, { as, ...b, ...(b.rawBody ? { headers: { 'content-type': 'application/json' } } : {}) });
      requests++;
      const where = `${openApiPath} with ${JSON.stringify(b).slice(0, 200)} → ${r.status} ${r.text.slice(0, 300)}`;
      expect({ where, ok: r.status >= 400 && r.status < 500 }).toEqual({ where, ok: true });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|stack/);
    }
  }
  expect(requests).toBeGreaterThan(300);
  expect(await countEvents(t)).toBe(before);
  expect(({} as Record<string, unknown>).admin).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}, 120_000);

it('refuses NUL characters and lone surrogates in any text of a body, query or path with 400 naming the field, and writes nothing', async () => {
  const warehouse = await t.token('warehouse', { county: '01' });
  const region = await t.token('region', { county: '01' });
  const municipality = await t.token('municipality', { municipality: '0115' });
  const county = await t.token('county', { county: '01' });
  const committee = await t.token('committee', { county: '01' });
  const round = '3f1b3c1e-8a7d-4c8e-9a1b-2c3d4e5f6a7b';
  const reportedAt = new Date(Date.now() - 3_600_000).toISOString();
  const cases: { path: string; as: string; body?: unknown; method?: string; field: string }[] = [
    {
      path: '/api/warehouses/01-central/receipts',
      as: warehouse,
      body: { source: 'donation', from: 'Byggbolaget\u0000AB', lines: [{ item: 'FFP2', quantity: 1 }] },
      field: 'from',
    },
    {
      path: '/api/warehouses/01-central/receipts',
      as: warehouse,
      body: { source: 'donation', from: 'Byggbolaget AB', lines: [{ item: 'FFP2', quantity: 1, lot: 'L-\ud800' }] },
      field: 'lines[0].lot',
    },
    {
      path: '/api/warehouses/01-central/adjustments',
      as: warehouse,
      body: { reason: 'other', note: 'spilt\udc00', lines: [{ item: 'FFP2', quantity: -1 }] },
      field: 'note',
    },
    { path: '/api/purchases', as: region, body: { supplier: '\u0000', warehouseId: '01-central', lines: [{ item: 'FFP2', quantity: 10 }] }, field: 'supplier' },
    {
      path: '/api/municipalities/0115/reports',
      as: municipality,
      body: { reportedAt, infections: 1, lines: [{ item: 'FFP2\u0000', onHand: 1, usedSinceLastReport: 0, requested: 0 }] },
      field: 'lines[0].item',
    },
    {
      path: '/api/warehouses/01-central/dispatches',
      as: warehouse,
      body: { municipality: '0115', vehicle: 'Bil \ud83d', lines: [{ item: 'FFP2', quantity: 1 }] },
      field: 'vehicle',
    },
    { path: '/api/national-requests', as: county, body: { lines: [{ item: 'FFP2', quantity: 1 }], note: 'help\u0000' }, field: 'note' },
    { path: `/api/allocation-rounds/${round}/approve`, as: committee, body: { decidedBy: ['Eva Lind', 'Per\u0000 Ek'], note: 'ok' }, field: 'decidedBy[1]' },
    {
      path: '/api/warehouses/01-central/receipts',
      as: warehouse,
      body: { source: 'donation', from: 'AB', lines: [{ item: 'FFP2', quantity: 1 }], 'x\u0000': 1 },
      field: 'x\u0000',
    },
    { method: 'GET', path: '/api/municipalities/0115/stock?asOf=2026-03-04T08:00:00Z%00', as: county, field: 'asOf' },
    { method: 'GET', path: `/api/allocation-rounds/${round}%00`, as: county, field: 'id' },
    { method: 'GET', path: '/api/allocation-rounds?county=01&status=open%00', as: county, field: 'status' },
  ];
  const before = await countEvents(t);
  for (const c of cases) {
    const r = await call(t, c.method ?? 'POST', c.path, { as: c.as, ...(c.body === undefined ? {} : { body: c.body }) });
    const where = `${c.method ?? 'POST'} ${c.path} ${JSON.stringify(c.body)} → ${r.status} ${r.text.slice(0, 300)}`;
    expect({ where, status: r.status, code: r.body?.code, fields: r.body?.errors?.map((e: { field: string }) => e.field) }).toEqual({
      where,
      status: 400,
      code: 'REQUEST.INVALID_TEXT',
      fields: [c.field],
    });
    expect(r.headers.get('content-type')).toContain('application/problem+json');
  }
  expect(await countEvents(t)).toBe(before);
  // Text that is merely unusual is still taken: a whole surrogate pair (an emoji) and other control-free unicode.
  const fine = await call(t, 'POST', '/api/warehouses/01-central/receipts', {
    as: warehouse,
    body: { source: 'donation', from: 'Åsa 🧤 Öberg \u202e', lines: [{ item: 'FFP2', quantity: 1 }] },
  });
  expect(fine.status).toBe(201);
});

it('answers 400 naming the parameter for a position or count out of range in any query', async () => {
  const county = await t.token('county', { county: '01' });
  const auditor = await t.token('auditor');
  const huge = '9'.repeat(400);
  const cases: { path: string; as: string; field: string }[] = [
    ...['-1', '1.5', '9223372036854775808', huge, '1e3', ''].map((v) => ({
      path: `/api/warehouses/01-central/stock?waitFor=${v}`,
      as: county,
      field: 'waitFor',
    })),
    ...['-1', '9223372036854775808', huge].map((v) => ({ path: `/api/municipalities/0115/stock?knownAt=${v}`, as: county, field: 'knownAt' })),
    ...['0', '-1', '1.5', huge, '1e400'].map((v) => ({ path: `/api/allocation-rounds?county=01&limit=${v}`, as: county, field: 'limit' })),
    ...['-1', '1.5', '9223372036854775808', huge].map((v) => ({
      path: `/api/audit/streams/warehouse-01-central?fromRevision=${v}`,
      as: auditor,
      field: 'fromRevision',
    })),
  ];
  for (const c of cases) {
    const r = await call(t, 'GET', c.path, { as: c.as });
    const where = `${c.path.slice(0, 120)} → ${r.status} ${r.text.slice(0, 200)}`;
    expect({ where, status: r.status, fields: [...new Set(r.body?.errors?.map((e: { field: string }) => e.field))] }).toEqual({
      where,
      status: 400,
      fields: [c.field],
    });
  }
});

it('answers a repeated or nested query parameter with 400 naming it, in words, not "[object Object]"', async () => {
  const as = await t.token('warehouse', { county: '01' });
  for (const query of ['municipality[a]=1', 'municipality=0115&municipality=0117']) {
    const r = await call(t, 'GET', `/api/deliveries?${query}`, { as });
    expect(r.status).toBe(400);
    // The parameter, or its nested path (`municipality[a]`): one field error either way.
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors[0].field).toMatch(/^municipality(\[a\])?$/);
    expect(r.text).not.toContain('[object Object]');
    expect(r.text).not.toContain('0115,0117');
  }
});
