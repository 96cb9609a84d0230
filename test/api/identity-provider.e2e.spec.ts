import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { loadSigningKey } from '../../src/auth/signing-key.js';
import { signToken } from '../../src/auth/local-token.js';
import { loadConfig } from '../../src/config/config.js';
import { call } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';

/**
 * With AUTH_JWKS_URL set, the service trusts the identity provider's keys only: a token the provider
 * signed with valid claims is accepted; a token signed by any other key (the service's own local key
 * included), expired, for another issuer or audience, or unsigned is refused with 401.
 */
const ISSUER = 'https://idp.lansstyrelsen.example/realms/ppe';
const AUDIENCE = 'ppe-ledger-api';
const KID = 'idp-2026-03';

/** A stand-in identity provider: an RS256 key pair, its public half served as a JWKS on 127.0.0.1. */
interface IdentityProvider {
  readonly jwksUrl: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  jwksRequests: number;
  close(): Promise<void>;
}

const startIdentityProvider = async (): Promise<IdentityProvider> => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
  let server: Server;
  const provider: IdentityProvider = {
    jwksUrl: '',
    privateKey,
    publicJwk,
    jwksRequests: 0,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
  server = createServer((request, response) => {
    if (request.url !== '/protocol/openid-connect/certs') {
      response.writeHead(404).end();
      return;
    }
    provider.jwksRequests++;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(provider, { jwksUrl: `http://127.0.0.1:${port}/protocol/openid-connect/certs` });
};

const CLAIMS = { name: 'Anna Berg', role: 'municipality', municipality: '0115' };

/** A token as the provider would issue it; `change` bends one thing about it. */
const issue = (
  key: CryptoKey | Uint8Array,
  change: { claims?: JWTPayload; alg?: string; kid?: string; issuer?: string; audience?: string; expiresAt?: number } = {},
): Promise<string> =>
  new SignJWT({ ...CLAIMS, ...change.claims })
    .setProtectedHeader({ alg: change.alg ?? 'RS256', kid: change.kid ?? KID, typ: 'JWT' })
    .setSubject('f3c1a9e2-anna-berg')
    .setIssuer(change.issuer ?? ISSUER)
    .setAudience(change.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(change.expiresAt ?? '1h')
    .sign(key);

let idp: IdentityProvider;
let t: TestApp;
let dataDir: string;
let signingKeyFile: string;

beforeAll(async () => {
  idp = await startIdentityProvider();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ppe-idp-'));
  // The service's own key exists, as after a start without a provider: it must not be trusted now.
  signingKeyFile = path.join(dataDir, 'signing-key.pem');
  await loadSigningKey(signingKeyFile, true);
  t = await startTestApp({ AUTH_JWKS_URL: idp.jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_SIGNING_KEY_FILE: signingKeyFile });
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

const items = (token: string) => call(t, 'GET', '/api/items', { as: token });

const expectRefused = async (token: string, detail: RegExp) => {
  const r = await items(token);
  expect({ status: r.status, detail: r.body?.detail }).toEqual({ status: 401, detail: expect.stringMatching(detail) });
  expect(r.headers.get('content-type')).toContain('application/problem+json');
};

describe('tokens of an identity provider (AUTH_JWKS_URL)', () => {
  it('accepts a token the provider signed, with its claims as the caller and its scope', async () => {
    const token = await issue(idp.privateKey);
    expect((await items(token)).status).toBe(200);
    expect(idp.jwksRequests).toBeGreaterThan(0);
    expect((await call(t, 'GET', '/api/municipalities/0115/stock', { as: token })).status).toBe(200);
    const neighbour = await call(t, 'GET', '/api/municipalities/0114/stock', { as: token });
    expect({ status: neighbour.status, code: neighbour.body.code }).toEqual({ status: 403, code: 'AUTH.FORBIDDEN' });
  });

  it('refuses a token signed by another key under the provider’s key id, or under a key id it does not publish', async () => {
    const { privateKey: stranger } = await generateKeyPair('RS256');
    await expectRefused(await issue(stranger), /signature/);
    await expectRefused(await issue(stranger, { kid: 'idp-unknown' }), /signature/);
  });

  it('refuses the service’s own locally signed tokens while a provider is configured', async () => {
    const local = await loadSigningKey(signingKeyFile, false);
    const config = loadConfig({ AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
    await expectRefused(await signToken(local, { sub: 'u-17', name: 'Anna Berg', role: 'admin' }, config, 3600), /not valid|signature/);
  });

  it('refuses an expired token', async () => {
    await expectRefused(await issue(idp.privateKey, { expiresAt: Math.floor(Date.now() / 1000) - 120 }), /expired/);
  });

  it('refuses a token for another issuer or another audience', async () => {
    await expectRefused(await issue(idp.privateKey, { issuer: 'https://idp.elsewhere.example' }), /not valid/);
    await expectRefused(await issue(idp.privateKey, { audience: 'another-service' }), /not valid/);
  });

  it('refuses an unsigned token (alg: none), and one “signed” with the provider’s public key as an HMAC secret', async () => {
    const unsigned = new UnsecuredJWT({ ...CLAIMS }).setSubject('f3c1a9e2-anna-berg').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h').encode();
    await expectRefused(unsigned, /not valid/);
    const publicKeyAsSecret = new TextEncoder().encode(JSON.stringify(idp.publicJwk));
    await expectRefused(await issue(publicKeyAsSecret, { alg: 'HS256' }), /not valid/);
  });

  it('refuses a provider token whose role or scope the service does not know', async () => {
    await expectRefused(await issue(idp.privateKey, { claims: { role: 'superuser' } }), /role/);
    await expectRefused(await issue(idp.privateKey, { claims: { municipality: '9999' } }), /existing municipality/);
    await expectRefused(await issue(idp.privateKey, { claims: { role: 'county', municipality: undefined, county: '99' } }), /county 99 does not exist/);
  });
});
