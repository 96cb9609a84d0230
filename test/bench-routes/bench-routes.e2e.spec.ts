import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { call } from '../support/api.js';

/**
 * The benchmark baselines (`/api/bench/…`) exist only when BENCH_ROUTES is set, go through the
 * service's guards like every route, and can never be switched on in production.
 */
const tableExists = async (t: TestApp): Promise<boolean> => {
  const [row] = await t.app.get(DataSource).query(`SELECT to_regclass('bench_bare_inserts') IS NOT NULL AS exists`);
  return row.exists;
};

describe('by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('mounts no benchmark route and makes no benchmark table', async () => {
    const as = await t.token('admin');
    expect((await call(t, 'POST', '/api/bench/bare-insert', { as, body: { a: 1 } })).status).toBe(404);
    expect((await call(t, 'GET', '/api/bench/bare-select/1', { as })).status).toBe(404);
    expect(await tableExists(t)).toBe(false);
  });
});

describe('with BENCH_ROUTES=true', () => {
  const PER_USER = 5;
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BENCH_ROUTES: 'true', RATE_LIMIT_PER_USER: String(PER_USER) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('inserts a body with one INSERT and reads it back by its id', async () => {
    expect(await tableExists(t)).toBe(true);
    const as = await t.token('warehouse', { county: '01' });
    const body = { municipality: '0115', lines: [{ item: 'FFP2', quantity: 3 }] };
    const inserted = await call(t, 'POST', '/api/bench/bare-insert', { as, body });
    expect(inserted.status).toBe(201);
    expect(inserted.body.id).toMatch(/^\d+$/);
    const read = await call(t, 'GET', `/api/bench/bare-select/${inserted.body.id}`, { as });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ id: inserted.body.id, body, at: expect.any(String) });
  });

  it('answers an unknown or malformed id with a problem', async () => {
    const as = await t.token('auditor');
    expect((await call(t, 'GET', '/api/bench/bare-select/999999', { as })).status).toBe(404);
    expect((await call(t, 'GET', '/api/bench/bare-select/1%3B%20DROP', { as })).status).toBe(400);
  });

  it('goes through the service’s guards: a verified token, JSON only, the rate limit', async () => {
    expect((await call(t, 'POST', '/api/bench/bare-insert', { body: { a: 1 } })).status).toBe(401);
    expect((await call(t, 'GET', '/api/bench/bare-select/1', { as: 'not.a.token' })).status).toBe(401);
    const as = await t.token('auditor');
    expect((await call(t, 'POST', '/api/bench/bare-insert', { as, rawBody: 'a=1', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    // The 415 above was this token's first request of the minute.
    const statuses: number[] = [];
    for (let i = 0; i < PER_USER; i++) statuses.push((await call(t, 'GET', '/api/bench/bare-select/999999', { as })).status);
    expect(statuses).toEqual([...Array(PER_USER - 1).fill(404), 429]);
  });
});

describe('in production', () => {
  it('refuses to start with BENCH_ROUTES set, naming the setting', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', BENCH_ROUTES: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', BENCH_ROUTES: 'true' })).toThrow(/BENCH_ROUTES="true": .*production/);
    expect(loadConfig({ NODE_ENV: 'production', BENCH_ROUTES: 'false' }).BENCH_ROUTES).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).BENCH_ROUTES).toBe(false);
    expect(() => loadConfig({ BENCH_ROUTES: 'maybe' })).toThrow(/BENCH_ROUTES="maybe"/);
  });
});
