import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Page, Route } from 'playwright-core';
import { call, countEvents } from '../support/api.js';
import { browserTestEnvironment, checkScreen, openTab, signIn } from './support/browser.js';
import { seedWeek, WAREHOUSE, type Week } from './support/scenario.js';

/**
 * The municipality coordinator's screens against the real service: the seeded county week, then
 * what a coordinator does with it. Each test signs in as its own municipality, so the reports of
 * one (which must describe later and later moments) do not depend on another test's.
 */
const env = browserTestEnvironment();
let week: Week;

beforeAll(async () => {
  week = await seedWeek(env.app);
});

/** A number as the screens show it in Swedish (`2 400`), with any kind of space as a plain one. */
const sv = (n: number): string => new Intl.NumberFormat('sv-SE', { maximumFractionDigits: 1 }).format(n).replace(/\s/g, ' ');
const text = async (page: Page, selector: string): Promise<string> => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
// Page scripts as text: this test compiles without the DOM's types.
const focusedId = (page: Page): Promise<string> => page.evaluate<string>("document.activeElement?.id ?? ''");
const waitForFocus = (page: Page, id: string) => page.waitForFunction(`document.activeElement?.id === ${JSON.stringify(id)}`);

/** Presses Tab until the field with this id has focus: the keyboard's way through a form, failing if it never gets there. */
const tabTo = async (page: Page, id: string, most = 80): Promise<void> => {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if ((await focusedId(page)) === id) return;
  }
  throw new Error(`Tab never reached #${id} (focus is on #${await focusedId(page)})`);
};

const reportsOf = async (code: keyof Week['tokens'], waitFor?: string) =>
  (await call(env.app, 'GET', `/api/municipalities/${code}/reports${waitFor ? `?waitFor=${waitFor}` : ''}`, { as: week.tokens[code] })).body.reports as {
    reportId: string;
    infections: number;
    corrections: number;
    lastCorrectionReason: string | null;
    lines: { item: string; onHand: number; usedSinceLastReport: number; requested: number }[];
  }[];

describe('the municipality coordinator’s screens', () => {
  it('a week: the stock with its chart, the report by keyboard (refused, then recorded), a correction, a delivery confirmed with a difference', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'municipality', name: 'Vera Vallentuna', municipality: '0115' });
    await page.waitForURL(`${env.app.url}/kommun`);

    // "Vårt lager": the seeded figures, as the service computed them, each leading to its report.
    const stock = (await call(env.app, 'GET', `/api/municipalities/0115/stock?waitFor=${week.position}`, { as: week.tokens['0115'] })).body;
    const ffp2 = stock.items.find((i: { item: string }) => i.item === 'FFP2');
    const ffp2Row = page.getByRole('row', { name: /Andningsskydd FFP2/ });
    await ffp2Row.getByRole('link', { name: /^300, räknat .*: visa rapporten$/ }).waitFor();
    expect(((await ffp2Row.textContent()) ?? '').replace(/\s/g, ' ')).toContain(sv(ffp2.projected));
    await page.getByText(/Veckans rapport \(vecka \d+\) är inte lämnad ännu/).waitFor();
    // The chart: the two seeded reports of FFP2 (eight weeks and one week ago), their figures one click away.
    const figure = page.locator('figure.chart');
    await figure.locator('.recharts-bar-rectangle').first().waitFor();
    expect(await figure.locator('figcaption').textContent()).toContain('Andningsskydd FFP2');
    expect(await figure.locator('tbody tr').count()).toBe(2);
    expect(await figure.locator('tbody tr').last().textContent()).toContain('300');
    await checkScreen(tab, 'municipality-stock');

    // The report, by keyboard alone: from the page's heading to its main action, then through the form.
    expect(await page.locator(':focus').textContent()).toBe('Vårt lager');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Lämna lägesrapport');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.app.url}/kommun/lagesrapport`);
    await page.getByText('Förra: 300').first().waitFor();
    expect(await page.locator(':focus').textContent()).toBe('Lägesrapport');
    await tabTo(page, 'report-infections');
    await page.keyboard.type('6');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('report-lines-FFP2-onHand');
    await page.keyboard.type('250');
    await page.keyboard.press('Tab');
    await page.keyboard.type('50');
    await page.keyboard.press('Tab');
    await page.keyboard.type('300');
    await tabTo(page, 'report-lines-GLOVE-NITRILE-M-onHand');
    // Two thousand million gloves: a whole number the form takes, and the service refuses.
    await page.keyboard.type('2000000000');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1500');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1000');
    const eventsBefore = await countEvents(env.app);
    await page.keyboard.press('Enter');

    // Refused: the summary takes focus, and the service's Swedish message stands beside the gloves' field,
    // though the gloves were the second line sent and are the sixth row of the form.
    await page.locator('.error-summary').waitFor();
    expect(await page.evaluate("document.activeElement?.classList.contains('error-summary')")).toBe(true);
    expect(await text(page, '#report-lines-GLOVE-NITRILE-M-onHand-error')).toMatch(
      /^I lager nu får vara högst 1\s?000\s?000\s?000$|^I lager nu får vara högst \d+$/,
    );
    expect(await page.locator('#report-lines-GLOVE-NITRILE-M-onHand').getAttribute('aria-invalid')).toBe('true');
    expect(await text(page, '.error-summary li')).toMatch(/^Nitrilhandskar M: I lager nu får vara högst/);
    expect(await countEvents(env.app)).toBe(eventsBefore);
    await checkScreen(tab, 'municipality-report-refused');

    // From the summary's link to the field, put right, and sent again with Enter.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('report-lines-GLOVE-NITRILE-M-onHand');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2400');
    await page.keyboard.press('Enter');
    await page.getByText(/^Rapporten för vecka \d+ är registrerad\.$/).waitFor();
    await checkScreen(tab, 'municipality-report');
    const reports = await reportsOf('0115');
    expect(reports).toHaveLength(3);
    const mine = reports[0]!;
    expect(mine.infections).toBe(6);
    expect(mine.lines).toEqual([
      { item: 'FFP2', onHand: 250, usedSinceLastReport: 50, requested: 300 },
      { item: 'GLOVE-NITRILE-M', onHand: 2400, usedSinceLastReport: 1500, requested: 1000 },
    ]);

    // The reports list shows it at once (read-your-write), and the link starts there.
    await page.getByRole('link', { name: 'Se rapporten i listan' }).click();
    await page.waitForURL(`${env.app.url}/kommun/rapporter#rapport-${mine.reportId}`);
    const card = page.locator(`#rapport-${mine.reportId}`);
    await card.getByRole('cell', { name: sv(2400) }).waitFor();
    await waitForFocus(page, `rapport-${mine.reportId}`);
    expect(await page.locator('section.report').count()).toBe(3);
    await checkScreen(tab, 'municipality-reports');

    // A correction, with its reason required.
    await card.getByRole('button', { name: 'Rätta rapporten' }).click();
    const form = `correction-${mine.reportId}`;
    await waitForFocus(page, `${form}-infections`);
    await page.keyboard.press('Control+A');
    await page.keyboard.type('7');
    await page.locator(`#${form}-lines-FFP2-onHand`).fill('260');
    await card.getByRole('button', { name: 'Registrera rättelsen' }).click();
    expect(await text(page, `#${form}-reason-error`)).toBe('Skriv varför');
    await checkScreen(tab, 'municipality-report-correction');
    await page.locator(`#${form}-reason`).fill('Ett boende räknades inte med');
    await card.getByRole('button', { name: 'Registrera rättelsen' }).click();
    await card.getByText('Rättelsen är registrerad.').waitFor();
    await card.getByText(/^1, senast .*: ”Ett boende räknades inte med”$/).waitFor();
    const corrected = (await reportsOf('0115')).find((r) => r.reportId === mine.reportId)!;
    expect({ corrections: corrected.corrections, reason: corrected.lastCorrectionReason, infections: corrected.infections }).toEqual({
      corrections: 1,
      reason: 'Ett boende räknades inte med',
      infections: 7,
    });
    expect(corrected.lines.find((l) => l.item === 'FFP2')!.onHand).toBe(260);
    await checkScreen(tab, 'municipality-reports-corrected');

    // A delivery on its way, confirmed line by line: 50 gloves short, and why.
    const dispatch = await call(env.app, 'POST', `/api/warehouses/${WAREHOUSE}/dispatches`, {
      as: week.tokens.warehouse,
      body: {
        municipality: '0115',
        vehicle: 'Bil 3 (ABC 123)',
        lines: [
          { item: 'FFP2', quantity: 500 },
          { item: 'GLOVE-NITRILE-M', quantity: 2000 },
        ],
      },
    });
    expect(dispatch.status).toBe(201);
    const deliveryId: string = dispatch.body.deliveryId;
    await call(env.app, 'GET', `/api/deliveries/${deliveryId}?waitFor=${dispatch.body.position}`, { as: week.tokens['0115'] });
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Leveranser' }).click();
    const receipt = `receipt-${deliveryId}`;
    await page.getByRole('heading', { name: /^Leverans skickad .* från Centrallager Stockholms län$/ }).waitFor();
    expect(await page.locator(`#${receipt}-lines-GLOVE-NITRILE-M-received`).inputValue()).toBe('2000');
    await checkScreen(tab, 'municipality-deliveries');
    await page.locator(`#${receipt}-lines-GLOVE-NITRILE-M-received`).fill('1950');
    await page.getByRole('button', { name: 'Kvittera leveransen' }).click();
    expect(await text(page, `#${receipt}-lines-GLOVE-NITRILE-M-reason-error`)).toBe('Skriv varför');
    await page.locator(`#${receipt}-lines-GLOVE-NITRILE-M-reason`).fill('50 par trasiga i transporten');
    await page.getByRole('button', { name: 'Kvittera leveransen' }).click();
    await page.getByText(/^Leveransen skickad .* är kvitterad\./).waitFor();
    await page.getByText('Inga leveranser är på väg till er just nu.').waitFor();
    const historyRow = page.locator(`#leverans-${deliveryId}`);
    await page.getByRole('row', { name: /50 par trasiga i transporten/ }).waitFor();
    await historyRow.waitFor();
    await checkScreen(tab, 'municipality-deliveries-confirmed');
    const delivery = (await call(env.app, 'GET', `/api/deliveries/${deliveryId}`, { as: week.tokens['0115'] })).body;
    expect(delivery.status).toBe('received-with-discrepancy');
    expect(delivery.receipt).toEqual(expect.objectContaining({ discrepancy: true, confirmedBy: expect.objectContaining({ name: 'Vera Vallentuna' }) }));
    expect(delivery.lines).toEqual([
      expect.objectContaining({ item: 'FFP2', quantity: 500, accepted: 500, rejected: 0, reason: null }),
      expect.objectContaining({ item: 'GLOVE-NITRILE-M', quantity: 2000, accepted: 1950, rejected: 50, reason: '50 par trasiga i transporten' }),
    ]);

    // Back on the stock page, what arrived counts, and its figure leads to the delivery behind it.
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Vårt lager' }).click();
    await page.getByRole('link', { name: /^500 mottaget sedan räkningen/ }).click();
    await page.getByText(/^Visar bara leveranser av Andningsskydd FFP2 som togs emot efter/).waitFor();
    const traced = page.getByRole('table', { name: /Mottagna leveranser/ }).locator('tbody tr');
    await traced.first().waitFor();
    expect(await traced.count()).toBe(1);
    expect((await traced.first().textContent())?.replace(/\s/g, ' ')).toContain('500');

    // English is one click away, menu included.
    await page.getByRole('button', { name: 'Change language to English' }).click();
    const menu = page.getByRole('navigation', { name: 'Main menu' });
    expect(await menu.getByRole('link').allTextContents()).toEqual(['Our stock', 'Situation report', 'Reports', 'Deliveries']);
    await page.getByRole('heading', { level: 1, name: 'Deliveries' }).waitFor();
    await page.getByRole('button', { name: 'Byt språk till svenska' }).click();
    await page.getByRole('heading', { level: 1, name: 'Leveranser' }).waitFor();

    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('keeps a report made without a network, shows that it waits, and sends it once when the network is back', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'municipality', name: 'Stina Stockholm', municipality: '0180' });
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Lägesrapport' }).click();
    await page
      .getByText(`Förra: ${sv(2400)}`)
      .first()
      .waitFor();
    const fill = async (infections: string, onHand: string) => {
      await page.getByLabel('Bekräftade smittade på boendena').fill(infections);
      await page.locator('#report-lines-FFP2-onHand').fill(onHand);
      await page.locator('#report-lines-FFP2-usedSinceLastReport').fill('400');
      await page.locator('#report-lines-FFP2-requested').fill('3000');
    };
    await fill('40', '2000');
    const events = await countEvents(env.app);
    const reports = (await reportsOf('0180')).length;

    await tab.context.setOffline(true);
    await page.getByRole('button', { name: 'Skicka rapporten' }).click();
    await page.getByText(/^Ingen anslutning just nu\./).waitFor();
    await page.getByRole('link', { name: '1 väntar på att skickas' }).waitFor();
    await checkScreen(tab, 'municipality-report-queued');

    await tab.context.setOffline(false);
    await page.getByRole('link', { name: /väntar på att skickas/ }).waitFor({ state: 'detached' });
    await page.getByText('Det som väntade har nu skickats.').waitFor();
    expect(await countEvents(env.app)).toBe(events + 1);
    const after = await reportsOf('0180');
    expect(after).toHaveLength(reports + 1);
    expect(after[0]!.lines).toEqual([{ item: 'FFP2', onHand: 2000, usedSinceLastReport: 400, requested: 3000 }]);
    expect(after[0]!.infections).toBe(40);

    // A reload while the service cannot be reached keeps what waits: it is in this browser's storage.
    // The page itself must load to be reloaded, so here only the report's POST fails, as it does offline.
    const failReports = (route: Route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue());
    await page.route('**/api/municipalities/0180/reports', failReports);
    await page
      .getByLabel('Räknat den')
      .fill(new Date(Date.now() + 120_000).toLocaleString('sv-SE', { timeZone: 'Europe/Stockholm' }).slice(0, 16).replace(' ', 'T'));
    await fill('41', '1900');
    await page.getByRole('button', { name: 'Skicka rapporten' }).click();
    await page.getByRole('link', { name: '1 väntar på att skickas' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Lägesrapport' }).waitFor();
    await page.getByRole('link', { name: '1 väntar på att skickas' }).click();
    await page.getByText(/^Lägesrapport vecka \d+, Stockholm/).waitFor();
    await checkScreen(tab, 'municipality-outbox-waiting');
    expect(await countEvents(env.app)).toBe(events + 1);
    await page.unroute('**/api/municipalities/0180/reports', failReports);
    await page.getByRole('button', { name: 'Skicka nu' }).click();
    await page.getByText('Inget väntar på att skickas.').waitFor();
    expect(await countEvents(env.app)).toBe(events + 2);
    expect((await reportsOf('0180'))[0]!.infections).toBe(41);

    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('follows new events on the stock page without a reload', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'municipality', name: 'Östen Österåker', municipality: '0117' });
    const ffp2Row = page.getByRole('row', { name: /Andningsskydd FFP2/ });
    await ffp2Row.getByRole('link', { name: /^600, räknat/ }).waitFor();
    // A mark on this document: a reload would lose it.
    await page.evaluate('window.sameDocument = true');

    const report = await call(env.app, 'POST', '/api/municipalities/0117/reports', {
      as: week.tokens['0117'],
      body: { reportedAt: new Date().toISOString(), infections: 3, lines: [{ item: 'FFP2', onHand: 1234, usedSinceLastReport: 100, requested: 50 }] },
    });
    expect(report.status).toBe(201);
    await ffp2Row.getByRole('link', { name: new RegExp(`^${sv(1234)}, räknat`) }).waitFor();
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await page.getByText(/Veckans rapport \(vecka \d+\) är lämnad\./).waitFor();
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('shows a municipality that never reported what to do first', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'municipality', name: 'Ulla Väsby', municipality: '0114' });
    await page.getByText('Ingen rapport ännu').waitFor();
    await page.getByRole('link', { name: 'Lämna veckans lägesrapport' }).waitFor();
    await checkScreen(tab, 'municipality-stock-empty');
    const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
    await menu.getByRole('link', { name: 'Rapporter' }).click();
    await page.getByText('Inga rapporter ännu').waitFor();
    await checkScreen(tab, 'municipality-reports-empty');
    await menu.getByRole('link', { name: 'Leveranser' }).click();
    await page.getByText('Inga leveranser är på väg till er just nu.').waitFor();
    await page.getByText('Inga mottagna leveranser under perioden.').waitFor();
    await checkScreen(tab, 'municipality-deliveries-empty');
    await menu.getByRole('link', { name: 'Lägesrapport' }).click();
    await page.getByRole('button', { name: 'Skicka rapporten' }).click();
    await page.getByText('Fyll i minst en artikel').first().waitFor();
    await checkScreen(tab, 'municipality-report-empty');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
