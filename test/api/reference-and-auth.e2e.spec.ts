import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, generateKeyPair } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { call } from '../support/api.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('reference data', () => {
  it('lists the counties and municipalities of the official codes', async () => {
    const r = await call(t, 'GET', '/api/municipalities', { as: await t.token('county', { county: '01' }) });
    expect(r.status).toBe(200);
    expect(r.body.counties.map((c: { code: string }) => c.code)).toEqual(['01', '18', '22']);
    expect(r.body.municipalities).toHaveLength(45);
    expect(r.body.municipalities).toContainEqual({ code: '0115', name: 'Vallentuna', countyCode: '01' });
  });

  it('lists the item catalogue with names, unit and pack size', async () => {
    const r = await call(t, 'GET', '/api/items', { as: await t.token('municipality', { municipality: '0115' }) });
    expect(r.status).toBe(200);
    const codes = r.body.items.map((i: { code: string }) => i.code);
    for (const code of ['FFP2', 'FFP3', 'MASK-IIR', 'VISOR', 'GLOVE-NITRILE-M', 'APRON', 'GOWN-LS', 'SANITIZER-500', 'SAMPLING-KIT']) {
      expect(codes).toContain(code);
    }
    expect(r.body.items[0]).toEqual({ code: 'FFP2', nameSv: 'Andningsskydd FFP2', nameEn: 'FFP2 respirator', unit: 'piece', packSize: 20 });
  });

  it('lists each county’s central warehouse', async () => {
    const r = await call(t, 'GET', '/api/warehouses', { as: await t.token('auditor') });
    expect(r.body.warehouses.map((w: { id: string; countyCode: string }) => [w.id, w.countyCode])).toEqual([
      ['01-central', '01'],
      ['18-central', '18'],
      ['22-central', '22'],
    ]);
  });
});

describe('tokens', () => {
  const expectUnauthenticated = async (headers: Record<string, string>, detail: RegExp) => {
    const r = await call(t, 'GET', '/api/items', { headers });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.body.detail).toMatch(detail);
  };

  it('refuses a request without a token', async () => {
    await expectUnauthenticated({}, /bearer token/);
  });

  it('refuses a token signed by another key, an unsigned one, and garbage', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ role: 'admin', name: 'x' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('x')
      .setIssuer('ppe-ledger')
      .setAudience('ppe-ledger')
      .setExpirationTime('1h')
      .sign(privateKey);
    await expectUnauthenticated({ authorization: `Bearer ${forged}` }, /signature/);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', iss: 'ppe-ledger', aud: 'ppe-ledger', exp: 9999999999 })}.`;
    await expectUnauthenticated({ authorization: `Bearer ${unsigned}` }, /not valid/);
    await expectUnauthenticated({ authorization: 'Bearer not.a.token' }, /not valid/);
  });

  it('refuses a token with an unknown role or a scope that does not exist', async () => {
    const tokens = t.app.get((await import('../../src/auth/token.service.js')).TokenService);
    const bad = [
      [{ sub: 'a', name: 'a', role: 'superuser' as never }, /role/],
      [{ sub: 'a', name: 'a', role: 'county' }, /must name a county/],
      [{ sub: 'a', name: 'a', role: 'county', county: '99' }, /county 99 does not exist/],
      [{ sub: 'a', name: 'a', role: 'municipality', municipality: '9999' }, /existing municipality/],
      [{ sub: 'a', name: 'a', role: 'municipality', municipality: '0115', county: '18' }, /not in county 18/],
    ] as const;
    for (const [claims, detail] of bad) {
      await expectUnauthenticated({ authorization: `Bearer ${await tokens.sign(claims as never)}` }, detail);
    }
  });

  it('refuses an expired token', async () => {
    const tokens = t.app.get((await import('../../src/auth/token.service.js')).TokenService);
    const expired = await tokens.sign({ sub: 'a', name: 'a', role: 'auditor' }, -120);
    await expectUnauthenticated({ authorization: `Bearer ${expired}` }, /expired/);
  });
});
