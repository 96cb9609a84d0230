import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { browserTestEnvironment, checkScreen, openTab, signIn, type Tab } from './support/browser.js';
import { COUNTY, seedWeek, WAREHOUSE, type Week } from './support/scenario.js';

const env = browserTestEnvironment();

const HOUR = 3_600_000;
const COUNTY_BOARD = { role: 'county', county: COUNTY, name: 'Lena Länsstyrelsen' } as const;

/** A report of this week for one municipality, as the municipality would send it; its position. */
const reportNow = async (t: TestApp, week: Week, code: '0115' | '0117' | '0180', ffp2: { onHand: number; used: number; requested: number }) => {
  const r = await call(t, 'POST', `/api/municipalities/${code}/reports`, {
    as: week.tokens[code],
    body: {
      reportedAt: new Date(Date.now() - HOUR).toISOString(),
      infections: 12,
      lines: [
        { item: 'FFP2', onHand: ffp2.onHand, usedSinceLastReport: ffp2.used, requested: ffp2.requested },
        { item: 'GLOVE-NITRILE-M', onHand: 2000, usedSinceLastReport: 500, requested: 1000 },
      ],
    },
  });
  expect(r.status).toBe(201);
  return r.body.position as string;
};

/** The rows of the first table under a caption, by their row headers' text, in the order shown. */
const rowHeaders = async (tab: Tab, caption: string) =>
  tab.page
    .locator('table', { has: tab.page.locator('caption', { hasText: caption }) })
    .locator('tbody th[scope="row"]')
    .allTextContents();

describe('the county board’s screens', () => {
  it('say what to expect on a fresh service, before anyone has reported', async () => {
    const tab = await openTab(env.browser);
    await signIn(env.app, tab, COUNTY_BOARD);
    await tab.page.getByRole('heading', { name: 'Länet i dag', level: 1 }).waitFor();
    await tab.page.getByText('Ingen kommun har rapporterat ännu').waitFor();
    await tab.page.getByText('Uppdateras automatiskt var 5:e sekund.').waitFor();
    await checkScreen(tab, 'county-overview-empty');
    // English one click away, every word of the page with it.
    await tab.page.getByRole('button', { name: 'Change language to English' }).click();
    await tab.page.getByRole('heading', { name: 'The county today', level: 1 }).waitFor();
    await tab.page.getByText('No municipality has reported yet').waitFor();
    await checkScreen(tab, 'county-overview-empty-en');
    await tab.page.getByRole('button', { name: 'Byt språk till svenska' }).click();
    await tab.page.getByRole('heading', { name: 'Länet i dag', level: 1 }).waitFor();
    await tab.page.getByRole('link', { name: 'Fördelning' }).click();
    await tab.page.getByText('Ingen fördelningsomgång ännu').waitFor();
    await checkScreen(tab, 'county-rounds-empty');
    await tab.page.getByRole('link', { name: 'Nationella förfrågningar' }).click();
    await tab.page.getByText('Inga nationella förfrågningar ännu').waitFor();
    await checkScreen(tab, 'county-national-requests-empty');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('follow a week: the county today, a municipality’s figures to their events, the situation picture and its export, a round opened by keyboard, a national request', async () => {
    const week = await seedWeek(env.app);
    // This week Vallentuna and Stockholm run short of respirators; Österåker has not reported yet.
    await reportNow(env.app, week, '0115', { onHand: 20, used: 300, requested: 400 });
    await reportNow(env.app, week, '0180', { onHand: 100, used: 5000, requested: 6000 });
    // Goods on their way to Vallentuna: the figure "in transit" leads to this delivery.
    const dispatch = await call(env.app, 'POST', `/api/warehouses/${WAREHOUSE}/dispatches`, {
      as: week.tokens.warehouse,
      body: { municipality: '0115', vehicle: 'Bil 3', lines: [{ item: 'FFP2', quantity: 100 }] },
    });
    expect(dispatch.status).toBe(201);

    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, COUNTY_BOARD);

    // The county today: critical first, with the status in words; Österåker has not reported this week.
    const stockCaption = 'Lager per kommun och artikel, mest kritiska först';
    await page.getByRole('table', { name: stockCaption }).waitFor();
    expect(await rowHeaders(tab, stockCaption)).toEqual(['Vallentuna', 'Stockholm', 'Österåker']);
    const vallentuna = page.getByRole('row', { name: /^Vallentuna/ });
    expect(await vallentuna.locator('td').first().textContent()).toBe('Kritisk');
    expect(
      await page
        .getByRole('row', { name: /^Österåker/ })
        .locator('td')
        .first()
        .textContent(),
    ).toBe('Tillräcklig');
    const notReported = page.getByRole('list', { name: /Har inte rapporterat denna vecka/ });
    await notReported.getByRole('link', { name: 'Österåker' }).waitFor();
    expect(await notReported.getByRole('link', { name: 'Vallentuna' }).count()).toBe(0);
    await page.getByRole('heading', { name: /Har aldrig rapporterat \(23\)/ }).waitFor();
    await checkScreen(tab, 'county-overview');

    // A report recorded elsewhere shows without a reload: Österåker has run out, and moves to the top.
    await reportNow(env.app, week, '0117', { onHand: 0, used: 800, requested: 800 });
    await page
      .getByRole('row', { name: /^Österåker/ })
      .locator('td')
      .first()
      .getByText('Slut')
      .waitFor();
    expect((await rowHeaders(tab, stockCaption))[0]).toBe('Österåker');
    await notReported.getByRole('link', { name: 'Österåker' }).waitFor({ state: 'detached' });

    // A municipality's page: each figure leads to the event behind it.
    await vallentuna.getByRole('link', { name: 'Vallentuna' }).click();
    await page.getByRole('heading', { name: 'Vallentuna', level: 1 }).waitFor();
    const ffp2 = page.getByRole('row', { name: /^Andningsskydd FFP2/ });
    await ffp2.waitFor();
    await page.getByRole('table', { name: 'Leveranser till Vallentuna, i den ordning de skickades' }).waitFor();
    await checkScreen(tab, 'county-municipality');
    await ffp2.getByRole('link', { name: /^20 st,/ }).click();
    await page.waitForURL(/#rapport-[0-9a-f-]+$/);
    const reportId = new URL(page.url()).hash.slice(1);
    const reportRow = page.locator(`tr[id="${reportId}"]`);
    expect(await reportRow.textContent()).toContain('Andningsskydd FFP2: 20 i lager, 300 förbrukat, 400 begärt');
    await ffp2.getByRole('link', { name: '100' }).click();
    await page.waitForURL(/#leveranser$/);
    const delivery = page.getByRole('table', { name: /^Leveranser till Vallentuna/ }).locator('tbody tr');
    expect(await delivery.count()).toBe(1);
    expect(await delivery.textContent()).toContain('På väg');
    expect(await delivery.textContent()).toContain('Andningsskydd FFP2: 100 st');
    expect(await delivery.textContent()).toContain('Bil 3');

    // The situation picture, on screen and as files.
    await page.getByRole('link', { name: 'Lägesbild' }).click();
    await page.getByRole('table', { name: 'Läget per kommun, mest kritiska först' }).waitFor();
    await page.getByRole('heading', { name: 'Länet totalt' }).waitFor();
    await checkScreen(tab, 'county-situation');
    const [excel] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ned som Excel' }).click()]);
    expect(excel.suggestedFilename()).toMatch(/^lagesbild-01-.*\.xlsx$/);
    const workbook = await readFile((await excel.path())!);
    expect(workbook.length).toBeGreaterThan(1000);
    expect(workbook.subarray(0, 2).toString('latin1')).toBe('PK'); // an .xlsx is a zip
    await page.getByText(`Filen ${excel.suggestedFilename()} är hämtad.`).waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ned som CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const rows = (await readFile((await csv.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(rows[0]).toContain('municipality');
    expect(rows.some((row) => row.includes('0115') && row.includes('FFP2'))).toBe(true);
    await checkScreen(tab, 'county-situation-exported');

    // Open a round through the form, mostly by keyboard: only respirators and gloves.
    await page.getByRole('link', { name: 'Fördelning' }).click();
    await page.getByRole('link', { name: 'Öppna en ny omgång' }).click();
    await page.getByRole('heading', { name: 'Öppna en fördelningsomgång', level: 1 }).waitFor();
    await page.getByLabel('Andningsskydd FFP2').waitFor();
    await checkScreen(tab, 'county-open-round');
    expect(await page.locator(':focus').textContent()).toBe('Öppna en fördelningsomgång');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Markera alla');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Avmarkera alla
    expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(0);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('value')).toBe('FFP2');
    await page.keyboard.press('Space');
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('value')).toBe('GLOVE-NITRILE-M');
    await page.keyboard.press('Space');
    // On past the other items, the policy and to the first parameter (a bounded walk: a lost focus fails, not hangs).
    for (let i = 0; i < 20 && (await page.locator(':focus').getAttribute('name')) !== 'horizonDays'; i++) await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('name')).toBe('horizonDays');
    expect(await page.getByLabel('Behov för antal dagar').inputValue()).toBe('14');
    // A need for no days is refused, and the reason stands beside the field; corrected, the round opens.
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('0');
    await page.keyboard.press('Enter');
    const horizonError = page.locator('.field', { has: page.getByLabel('Behov för antal dagar') }).locator('.field-error');
    await horizonError.waitFor();
    // Beside its field the message drops the field's technical name (the label says which field).
    expect(await horizonError.textContent()).toBe('Har ett ogiltigt värde');
    await page.getByRole('alert').waitFor();
    await checkScreen(tab, 'county-open-round-refused');
    await page.getByLabel('Behov för antal dagar').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('14');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lan\/fordelning\/[0-9a-f-]{36}$/);
    const allocationId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: /^Omgång /, level: 1 }).waitFor();
    expect(await page.locator('h1:focus').count()).toBe(1);

    // The round's proposal with every input behind each line, as recorded.
    const recorded = await call(env.app, 'GET', `/api/allocation-rounds/${allocationId}`, { as: week.tokens.county });
    expect(recorded.body.status).toBe('proposed');
    expect(recorded.body.proposal.outputs.items.map((i: { item: string }) => i.item)).toEqual(['FFP2', 'GLOVE-NITRILE-M']);
    expect(recorded.body.proposal.parameters).toEqual(expect.objectContaining({ horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false }));
    const line = recorded.body.proposal.outputs.lines.find((l: { municipality: string; item: string }) => l.municipality === '0180' && l.item === 'FFP2');
    const stockholm = page.locator('#rad-FFP2-0180');
    const cells = await stockholm.locator('td').allTextContents();
    // Infections, projected stock, daily use, requested, need, acute, proposed, unmet.
    expect(cells[0]).toBe('12');
    expect(cells[3]).toBe((6000).toLocaleString('sv-SE'));
    expect(cells[4]).toBe(line.need.toLocaleString('sv-SE'));
    expect(cells[5]).toBe('Ja');
    expect(cells[6]).toBe(line.quantity.toLocaleString('sv-SE'));
    expect(cells[7]).toBe(line.unmet.toLocaleString('sv-SE'));
    // The chart's own chunk loads on first use; the picture is taken once it is drawn.
    await page
      .getByRole('figure', { name: /Andningsskydd FFP2: behov och föreslagen mängd/ })
      .locator('svg')
      .first()
      .waitFor();
    await page.getByRole('heading', { name: 'Behov som inte täcks' }).waitFor();
    await checkScreen(tab, 'county-round');

    // Raise the unmet need with the national board, prefilled from the round.
    const unmet = recorded.body.proposal.outputs.items.find((i: { item: string }) => i.item === 'FFP2').unmet as number;
    expect(unmet).toBeGreaterThan(0);
    await page.getByRole('link', { name: 'Begär det från nationell nivå' }).click();
    await page.getByRole('heading', { name: 'Ny nationell förfrågan', level: 1 }).waitFor();
    await page.getByText('Antalen är förifyllda med det omgången lämnade ej täckt.').waitFor();
    expect(await page.getByLabel('Andningsskydd FFP2').inputValue()).toBe(String(unmet));
    expect(await page.getByLabel('Gäller fördelningsomgång').inputValue()).toBe(allocationId);
    await page.getByLabel('Anteckning till Socialstyrelsen').fill('Utbrott i Vallentuna och Stockholm; andningsskydden räcker under en dag.');
    await checkScreen(tab, 'county-national-request-form');
    await page.getByRole('button', { name: 'Skicka förfrågan' }).click();
    await page.getByText('Förfrågan är registrerad och skickad.').waitFor();
    const requestRow = page.getByRole('table', { name: 'Förfrågningar, senaste först' }).locator('tbody tr');
    // The list reads with the write's position, so the new request is in it once it has loaded.
    await requestRow.first().waitFor();
    expect(await requestRow.count()).toBe(1);
    expect(await requestRow.textContent()).toContain(`Andningsskydd FFP2: ${unmet.toLocaleString('sv-SE')} begärt`);
    await checkScreen(tab, 'county-national-requests');

    const requests = await call(env.app, 'GET', `/api/national-requests?county=${COUNTY}`, { as: week.tokens.county });
    expect(requests.body.requests).toHaveLength(1);
    expect(requests.body.requests[0]).toEqual(
      expect.objectContaining({
        allocationId,
        status: 'open',
        note: 'Utbrott i Vallentuna och Stockholm; andningsskydden räcker under en dag.',
        lines: [expect.objectContaining({ item: 'FFP2', quantity: unmet })],
      }),
    );

    // The round is listed with its status and the need it leaves.
    await page.getByRole('link', { name: 'Fördelning' }).click();
    const listed = page.getByRole('table', { name: 'Fördelningsomgångar, senaste först' }).locator('tbody tr');
    await listed.first().waitFor();
    expect(await listed.count()).toBe(1);
    expect(await listed.textContent()).toContain('Väntar på beslut');
    expect(await listed.textContent()).toContain(`Andningsskydd FFP2: ${unmet.toLocaleString('sv-SE')} st`);
    await checkScreen(tab, 'county-rounds');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
