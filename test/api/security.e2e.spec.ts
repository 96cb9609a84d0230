import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { call, countEvents } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_PER_USER: '5', CORS_ORIGINS: 'https://lansstyrelsen.example' });
});
afterAll(async () => {
  await t?.close();
});

describe('transport security', () => {
  it('sends security headers', async () => {
    const r = await call(t, 'GET', '/api/health');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('strict-transport-security')).toContain('max-age=');
    expect(r.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a body over the limit with 413 and writes nothing', async () => {
    const before = await countEvents(t);
    const huge = {
      reportedAt: new Date().toISOString(),
      infections: 1,
      lines: [{ item: 'FFP2', onHand: 1, usedSinceLastReport: 1, requested: 1, pad: 'x'.repeat(300_000) }],
    };
    const r = await call(t, 'POST', '/api/municipalities/0115/reports', { as: await t.token('municipality', { municipality: '0115' }), body: huge });
    expect(r.status).toBe(413);
    expect(r.body.type).toMatch(/problems\/body-too-large$/);
    expect(await countEvents(t)).toBe(before);
  });

  it('allows only the configured browser origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.url}/api/items`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight('https://lansstyrelsen.example')).headers.get('access-control-allow-origin')).toBe('https://lansstyrelsen.example');
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a caller exceeds its limit, and only that caller', async () => {
    const busy = await t.token('auditor', { sub: 'busy-auditor' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call(t, 'GET', '/api/items', { as: busy })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    const limited = await call(t, 'GET', '/api/items', { as: busy });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(t, 'GET', '/api/items', { as: await t.token('auditor', { sub: 'calm-auditor' }) })).status).toBe(200);
    expect((await call(t, 'GET', '/api/health')).status).toBe(200);
  });
});
