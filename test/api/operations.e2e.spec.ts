import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('operations endpoints', () => {
  it('GET /api/health reports the event store kind, the database and each projection', async () => {
    const response = await fetch(`${t.url}/api/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.status).toBe('ok');
    expect(body.details.eventStore).toEqual({ status: 'up', kind: 'postgresql' });
    expect(body.details.database.status).toBe('up');
    expect(body.details.projections.projections).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'stream-catalog', version: 1, lagEvents: 0 })]),
    );
  });

  it('echoes a sane correlation id and makes one otherwise', async () => {
    const mine = await fetch(`${t.url}/api/health`, { headers: { 'X-Correlation-Id': 'req-42' } });
    expect(mine.headers.get('x-correlation-id')).toBe('req-42');
    const hostile = await fetch(`${t.url}/api/health`, { headers: { 'X-Correlation-Id': 'x'.repeat(500) } });
    expect(hostile.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document and its UI', async () => {
    const json = await fetch(`${t.url}/api/docs-json`);
    expect(json.status).toBe(200);
    const doc = (await json.json()) as any;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/health');
    const ui = await fetch(`${t.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('answers an unknown route with problem details', async () => {
    const response = await fetch(`${t.url}/api/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as any;
    expect(body).toEqual(expect.objectContaining({ status: 404, title: 'Not found', instance: '/api/nowhere' }));
    expect(body.correlationId).toEqual(expect.any(String));
  });
});

describe('OpenAPI document', () => {
  it('has one schema per DTO class name (two classes of one name would overwrite each other)', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const path = await import('node:path');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk('src');
    const names = files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/export class (\w+Dto)\b/g)].map((m) => m[1]));
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('documents every route with an operation summary, and never names two schemas alike', async () => {
    const doc = (await (await fetch(`${t.url}/api/docs-json`)).json()) as any;
    const operations = Object.entries(doc.paths as Record<string, Record<string, { summary?: string }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, summary: op.summary })),
    );
    expect(operations.filter((o) => !o.summary)).toEqual([]);
    expect(operations.length).toBeGreaterThan(15);
  });
});
