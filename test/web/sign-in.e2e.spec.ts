import { describe, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import { startTestApp } from '../support/app.js';
import { browserTestEnvironment, checkScreen, openTab, signIn } from './support/browser.js';

const env = browserTestEnvironment();

describe('the screens, served by the service', () => {
  it('answers the app at / and at any screen’s address, and keeps the API’s 404 a problem', async () => {
    for (const path of ['/', '/kommun', '/revision/strom/abc']) {
      const response = await fetch(`${env.app.url}${path}`);
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
        path,
        status: 200,
        type: expect.stringContaining('text/html'),
      });
    }
    const api = await fetch(`${env.app.url}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });

  it('signs a municipality coordinator in on the local sign-in page, by keyboard, in Swedish', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await page.goto(`${env.app.url}/`);
    await page.getByRole('heading', { name: 'Logga in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('sv');
    await checkScreen(tab, 'sign-in');

    // Keyboard only. The screen opens with focus on its heading; the form follows it.
    expect(await page.locator(':focus').textContent()).toBe('Logga in');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('name')).toBe('role');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Vallentuna');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Karin Kommun');
    await page.keyboard.press('Enter');
    await page.getByText('Inloggad som Karin Kommun (kommun)').waitFor();
    await page.waitForURL(`${env.app.url}/kommun`);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('switches to English and back with one click', async () => {
    const tab = await openTab(env.browser);
    await signIn(env.app, tab, { role: 'auditor', name: 'Anders Revisor' });
    await tab.page.getByRole('button', { name: 'Change language to English' }).click();
    await tab.page.getByText('Signed in as Anders Revisor (audit)').waitFor();
    expect(await tab.page.locator('html').getAttribute('lang')).toBe('en');
    await tab.page.getByRole('button', { name: 'Byt språk till svenska' }).click();
    await tab.page.getByText('Inloggad som Anders Revisor (revision)').waitFor();
    await tab.context.close();
  });

  it('refuses a scope that does not fit the role, and names the field', async () => {
    const r = await call(env.app, 'POST', '/api/auth/local-tokens', { body: { role: 'county', name: 'X' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('AUTH.SCOPE_INVALID');
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'county', code: 'AUTH.SCOPE_INVALID' })]);
    const bad = await call(env.app, 'POST', '/api/auth/local-tokens', { body: { role: 'municipality', municipality: '9999', name: 'X' } });
    expect(bad.status).toBe(400);
  });
});

describe('the local sign-in is off', () => {
  it.each([
    ['when the service listens beyond this machine', { HOST: '0.0.0.0' }, 'Ingen inloggning är konfigurerad'],
    [
      'when an identity provider is configured',
      { AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks', AUTH_ISSUER: 'http://127.0.0.1:9' },
      'Du loggar in med ditt vanliga konto',
    ],
  ])('%s: no token, and the page does not offer it', async (_when, settings, pageSays) => {
    const off = await startTestApp(settings);
    try {
      const options = await call(off, 'GET', '/api/auth/sign-in');
      expect(options.body.local).toBeNull();
      const r = await call(off, 'POST', '/api/auth/local-tokens', { body: { role: 'county', county: '01', name: 'Intrång' } });
      expect({ status: r.status, code: r.body.code, token: r.body.token }).toEqual({ status: 404, code: 'AUTH.LOCAL_SIGN_IN_OFF', token: undefined });

      const tab = await openTab(env.browser);
      await tab.page.goto(`${off.url}/logga-in`);
      await tab.page.getByRole('heading', { name: 'Logga in' }).waitFor();
      await tab.page.getByText(pageSays).waitFor();
      expect(await tab.page.getByLabel('Roll').count()).toBe(0);
      await tab.context.close();
    } finally {
      await off.close();
    }
  });
});
