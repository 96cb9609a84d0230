import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect } from '@jest/globals';
import chromium from '@sparticuz/chromium';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium as playwright, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SCREENS_FOLDER } from '../../../src/screens/screens.module.js';
import { startTestApp, type TestApp } from '../../support/app.js';

/**
 * The browser tests' Chromium: the one inside the `@sparticuz/chromium` package (installed by `npm
 * ci`, unpacked on first use), or PPE_CHROMIUM's if set. There is no skipping: a machine where it
 * cannot start fails the test with the reason.
 */
export const launchBrowser = async (): Promise<Browser> => {
  const executablePath = process.env.PPE_CHROMIUM ?? (await chromium.executablePath());
  return playwright.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--headless=new',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The browser's own controls (a date field's order and its AM/PM) in Swedish, as on the users' PCs.
      '--lang=sv-SE',
    ],
  });
};

/** The screens the app serves are the ones `npm run build:web` wrote; a stale or missing build is a clear failure. */
export const assertScreensBuilt = (): void => {
  if (!existsSync(path.join(SCREENS_FOLDER, 'index.html'))) throw new Error('the screens are not built: run npm run build:web (npm test does)');
};

export interface BrowserTestEnvironment {
  /** The running service; set once the file's first `beforeAll` is done. */
  readonly app: TestApp;
  readonly browser: Browser;
}

/**
 * Every browser test file's frame, registered once here: before all, the screens must be built and
 * the service and Chromium start side by side; after all, both close. `appSettings` runs first, for a
 * file whose service needs settings known only then (the identity provider's address).
 */
export const browserTestEnvironment = (appSettings: () => Promise<Record<string, string>> | Record<string, string> = () => ({})): BrowserTestEnvironment => {
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    assertScreensBuilt();
    const settings = await appSettings();
    [app, browser] = await Promise.all([startTestApp(settings), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
  return {
    get app() {
      if (!app) throw new Error('the service is not started yet: use env.app inside a test or a later beforeAll');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('the browser is not launched yet: use env.browser inside a test or a later beforeAll');
      return browser;
    },
  };
};

/** Where the tests save a picture of every screen they check, for a reviewer to look at without running anything. */
export const SCREENSHOTS = path.resolve('test-output/screens');

export interface Tab {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Errors the page threw or logged: a journey ends with none. */
  readonly errors: string[];
}

/** A new browser window as a person here has it: Swedish, Stockholm time, an office screen. */
export const openTab = async (browser: Browser): Promise<Tab> => {
  const context = await browser.newContext({ locale: 'sv-SE', timezoneId: 'Europe/Stockholm', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused request is logged by the browser itself; the page shows it, which the tests check.
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return { page, context, errors };
};

export interface Person {
  readonly role: 'municipality' | 'region' | 'warehouse' | 'county' | 'committee' | 'auditor';
  readonly name: string;
  readonly county?: string;
  readonly municipality?: string;
}

/** Signs in on the local sign-in page, by keyboard-reachable labels, and waits for the role's start page. */
export const signIn = async (t: TestApp, tab: Tab, person: Person): Promise<void> => {
  const { page } = tab;
  await page.goto(`${t.url}/logga-in`);
  await page.getByLabel('Roll').selectOption(person.role);
  if (person.municipality) await page.getByLabel('Kommun').selectOption(person.municipality);
  if (person.county) await page.getByLabel('Län').selectOption(person.county);
  await page.getByLabel('Ditt namn').fill(person.name);
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.getByText(`Inloggad som ${person.name}`).waitFor();
};

/**
 * Checks a screen as it stands against WCAG 2.1 A and AA with axe-core, and saves its picture. The
 * failure lists each rule broken and where, so it can be fixed from the test output alone.
 */
export const checkScreen = async (tab: Tab, name: string): Promise<void> => {
  await mkdir(SCREENSHOTS, { recursive: true });
  await tab.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const result = await new AxeBuilder({ page: tab.page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const violations = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect({ screen: name, violations }).toEqual({ screen: name, violations: [] });
};
