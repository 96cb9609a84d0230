import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SignJWT, generateKeyPair, type JWTPayload } from 'jose';
import { loadSigningKey } from '../../src/auth/signing-key.js';
import { signingKeyFile } from '../../src/auth/local-token.js';
import { APP_CONFIG, type AppConfig } from '../../src/config/config.js';
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

  /**
   * A token signed with the app's own key, so only what it claims can be wrong: `claims` replace the
   * good ones (undefined removes one); `iat` and `exp` are seconds from now, or undefined to leave out.
   */
  const signedByTheApp = async (claims: Record<string, unknown>, times: { iat?: number; exp?: number } = { iat: 0, exp: 3600 }) => {
    const config = t.app.get<AppConfig>(APP_CONFIG);
    const key = await loadSigningKey(signingKeyFile(config), false);
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = { sub: 'u-1', name: 'Eva Lind', role: 'county', county: '01', iss: config.AUTH_ISSUER, aud: config.AUTH_AUDIENCE, ...claims };
    if (times.iat !== undefined) payload.iat = now + times.iat;
    if (times.exp !== undefined) payload.exp = now + times.exp;
    const present = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
    return new SignJWT(present).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).sign(key);
  };

  it('refuses a token whose claims have the wrong types, without failing', async () => {
    const bad: [string, Record<string, unknown>][] = [
      ['role as a number', { role: 7 }],
      ['role as a list', { role: ['admin'] }],
      ['county as a list', { county: ['01'] }],
      ['county as a number', { county: 1 }],
      ['county as an object', { county: { code: '01' } }],
      ['municipality as a list', { role: 'municipality', county: undefined, municipality: ['0115'] }],
      ['municipality as a number', { role: 'municipality', county: undefined, municipality: 115 }],
      ['no sub', { sub: undefined }],
      ['sub as a number', { sub: 42 }],
      ['sub as an object', { sub: { id: 'u-1' } }],
      ['empty sub', { sub: '' }],
      ['name as a number', { name: 42 }],
      ['name as a list', { name: ['Eva', 'Lind'] }],
      // Text a database cannot store, which would otherwise reach every event's metadata.
      ['name with a NUL', { name: 'Eva\u0000Lind' }],
      ['sub with a lone surrogate', { sub: 'u-\ud800' }],
    ];
    for (const [what, claims] of bad) {
      const r = await call(t, 'GET', '/api/items', { as: await signedByTheApp(claims) });
      expect({ what, status: r.status, code: r.body?.code }).toEqual({ what, status: 401, code: 'AUTH.UNAUTHENTICATED' });
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
    // The same token with its claims right is taken: what was refused was the claims.
    expect((await call(t, 'GET', '/api/items', { as: await signedByTheApp({}) })).status).toBe(200);
  });

  it('refuses a token without iat or exp, one that lives longer than the maximum, and one issued in the future', async () => {
    const HOUR = 3600;
    const refused: [string, { iat?: number; exp?: number }, RegExp][] = [
      ['no iat', { exp: HOUR }, /iat/],
      ['no exp', { iat: 0 }, /exp/],
      ['13 hours', { iat: 0, exp: 13 * HOUR }, /lifetime|lives/],
      ['a year', { iat: -HOUR, exp: 365 * 24 * HOUR }, /lifetime|lives/],
      ['issued in ten minutes', { iat: 600, exp: HOUR }, /future/],
    ];
    for (const [what, times, detail] of refused) {
      const r = await call(t, 'GET', '/api/items', { as: await signedByTheApp({}, times) });
      expect({ what, status: r.status, detail: r.body?.detail }).toEqual({ what, status: 401, detail: expect.stringMatching(detail) });
    }
    // Twelve hours is the default maximum, and a clock a few seconds ahead is tolerated.
    for (const times of [
      { iat: 0, exp: 12 * HOUR },
      { iat: 30, exp: HOUR },
    ]) {
      expect((await call(t, 'GET', '/api/items', { as: await signedByTheApp({}, times) })).status).toBe(200);
    }
  });
});
