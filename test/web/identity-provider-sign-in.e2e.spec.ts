import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { call } from '../support/api.js';
import { browserTestEnvironment, checkScreen, openTab } from './support/browser.js';

/**
 * Sign-in as in production: the screens run OpenID Connect's authorization code flow with PKCE
 * against a real OpenID provider (the `oidc-provider` package, started here on a loopback port), and
 * the service accepts the access token it issues — verified against the provider's JWKS, with the
 * user's role and scope as claims. The provider's own development login page stands in for the
 * region's login; nothing of the flow is mocked.
 */
const ACCOUNTS: Record<string, { name: string; role: string; county?: string; municipality?: string }> = {
  lena: { name: 'Lena Länsstyrelsen', role: 'county', county: '01' },
  vera: { name: 'Vera Vallentuna', role: 'municipality', municipality: '0115' },
};

let idp: http.Server;
let issuer: string;

// The provider's address first: the service must know its issuer and keys when it starts.
const env = browserTestEnvironment(async () => {
  idp = http.createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  return { AUTH_JWKS_URL: `${issuer}/jwks`, AUTH_ISSUER: issuer, AUTH_WEB_CLIENT_ID: 'screens' };
});

beforeAll(async () => {
  // The provider warns, rightly, that its in-memory store and development login are not for production; here they are the point.
  for (const level of ['warn', 'info'] as const) {
    const log = console[level].bind(console);
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      if (!String(args[0]).startsWith('oidc-provider ')) log(...args);
    });
  }
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'screens',
        token_endpoint_auth_method: 'none',
        redirect_uris: [`${env.app.url}/inloggad`],
        post_logout_redirect_uris: [`${env.app.url}/logga-in`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['a test secret that signs the provider’s cookies'] },
    pkce: { required: () => true },
    ttl: { AccessToken: 3600, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
    clientBasedCORS: (_ctx, origin) => origin === env.app.url,
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, name: ACCOUNTS[id]?.name ?? id }) }),
    features: {
      devInteractions: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Every access token is for the ledger's API: a JWT with its audience, which the service verifies.
        defaultResource: () => 'urn:ppe-ledger:api',
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'openid profile', audience: 'ppe-ledger', accessTokenFormat: 'jwt', accessTokenTTL: 3600 }),
      },
    },
    // The role and scope the service reads, as the region's directory would put them in the token.
    extraTokenClaims: (_ctx, token) => {
      const account = ACCOUNTS[(token as { accountId?: string }).accountId ?? ''];
      return account ? { ...account } : undefined;
    },
  });
  const handle = provider.callback();
  idp.on('request', (request, response) => void handle(request, response));
});

afterAll(async () => {
  await new Promise((resolve) => idp?.close(resolve));
});

describe('sign-in with the identity provider', () => {
  it('offers only the provider, then signs in with the authorization code and PKCE, and the API takes the token', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await page.goto(`${env.app.url}/lan`);
    await page.getByRole('heading', { name: 'Logga in', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Logga in med regionens inloggning' }).waitFor();
    expect(await page.getByLabel('Roll').count()).toBe(0);
    await checkScreen(tab, 'sign-in-identity-provider');

    const authorize = page.waitForRequest((request) => request.url().includes('/auth?'));
    await page.getByRole('button', { name: 'Logga in med regionens inloggning' }).click();
    const query = new URL((await authorize).url()).searchParams;
    expect({ method: query.get('code_challenge_method'), challenge: query.get('code_challenge')?.length }).toEqual({ method: 'S256', challenge: 43 });
    expect(query.get('response_type')).toBe('code');

    // The provider's own pages: log in, then consent.
    await page.locator('input[name="login"]').fill('lena');
    await page.locator('input[name="password"]').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Back in the screens, signed in as the provider said, on the page first asked for.
    await page.getByText('Inloggad som Lena Länsstyrelsen (länsstyrelsen)').waitFor();
    await page.waitForURL(`${env.app.url}/lan`);

    // The token the screens hold is the provider's, and the service accepts it for the county's reads.
    const token = ((await page.evaluate("JSON.parse(sessionStorage.getItem('ppe-ledger.session') ?? '{}')")) as { token?: string }).token ?? '';
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ iss: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), aud: 'ppe-ledger', sub: 'lena', role: 'county' });
    const stock = await call(env.app, 'GET', '/api/stock', { as: token });
    expect({ status: stock.status, county: stock.body.county?.code }).toEqual({ status: 200, county: '01' });
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('refuses a token the local key signed: only the provider’s count', async () => {
    const local = await call(env.app, 'POST', '/api/auth/local-tokens', { body: { role: 'county', county: '01', name: 'Intrång' } });
    expect(local.status).toBe(404);
    const options = await call(env.app, 'GET', '/api/auth/sign-in');
    expect(options.body).toEqual({
      local: null,
      openIdConnect: { issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), clientId: 'screens', scope: 'openid profile' },
    });
  });
});
