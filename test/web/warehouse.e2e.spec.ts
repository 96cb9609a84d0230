import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { call, countEvents } from '../support/api.js';
import { browserTestEnvironment, checkScreen, openTab, signIn } from './support/browser.js';
import { approveRound, COUNTY, openRound, seedWeek, WAREHOUSE, type Week } from './support/scenario.js';

/**
 * The warehouse staff's day in the screens, on the real service: today's work from the approved
 * plans, a dispatch picked earliest expiry first (partly by keyboard), receipts against the open
 * purchase order and from a donor, a write-off, the stock with its expiry warnings, the delivery
 * history and its export, and a dispatch that waits in the outbox while the network is down.
 */
const env = browserTestEnvironment();
let week: Week;
let allocationId: string;

interface PlanLine {
  municipality: string;
  item: string;
  planned: number;
  dispatched: number;
  remaining: number;
}
let plan: PlanLine[];

const DAY = 86_400_000;
const dateIn = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** Today as the screens count days: in Stockholm (a UTC date is yesterday's late in the Swedish evening). */
const stockholmToday = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
const person = { role: 'warehouse', name: 'Lars Lager', county: COUNTY } as const;
const swedish = (n: number) => new Intl.NumberFormat('sv-SE').format(n);

const get = async (path: string, as = week.tokens.warehouse) => {
  const r = await call(env.app, 'GET', path, { as });
  if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.body;
};

/** The menu entry's link, by its Swedish name. */
const menu = (page: Page, name: string) => page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name, exact: true });

/** The text of a table's body rows, one string per row, cells joined by " | ". */
const rowsOf = async (table: Locator): Promise<string[]> =>
  table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => (cell.textContent ?? '').trim()).join(' | ')));

/**
 * The log position of the warehouse's last event of a type, read from the log itself: reads of the
 * read models wait for it (`?waitFor=`), so they see what the screen just recorded.
 */
const lastWarehouseEvent = async (type: string): Promise<{ position: string; count: number }> => {
  const events = (await get(`/api/audit/streams/warehouse-${WAREHOUSE}`, week.tokens.auditor)).events.filter((e: { type: string }) => e.type === type);
  return { position: events.at(-1)?.position ?? '0', count: events.length };
};

const MUNICIPALITIES = ['0115', '0117', '0180'] as const;

/**
 * This week's reports: the seeded week leaves every municipality with two weeks' supply, so a round
 * would plan nothing. Today they report running short (a week's heavy use), and the round has
 * something to share out: FFP2 400 / 800 / 3,200 and gloves 1,000 / 2,000 / 8,000 asked for.
 */
const reportShortage = async (): Promise<void> => {
  const size: Record<(typeof MUNICIPALITIES)[number], number> = { '0115': 1, '0117': 2, '0180': 8 };
  for (const code of MUNICIPALITIES) {
    const s = size[code];
    const r = await call(env.app, 'POST', `/api/municipalities/${code}/reports`, {
      as: week.tokens[code],
      body: {
        reportedAt: new Date(Date.now() - 3_600_000).toISOString(),
        infections: 9 * s,
        lines: [
          { item: 'FFP2', onHand: 20 * s, usedSinceLastReport: 280 * s, requested: 400 * s },
          { item: 'GLOVE-NITRILE-M', onHand: 100 * s, usedSinceLastReport: 2400 * s, requested: 1000 * s },
        ],
      },
    });
    if (r.status !== 201) throw new Error(`report of ${code} answered ${r.status}: ${r.text.slice(0, 300)}`);
  }
};

describe('the warehouse’s screens', () => {
  it('says what to do on a fresh service: nothing to deliver, an empty warehouse, no deliveries', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, person);
    await page.waitForURL(`${env.app.url}/lager`);
    await page.getByText('Inget att leverera just nu').waitFor();
    await page.getByText('Inga inköpsorder väntar på leverans.').waitFor();
    await checkScreen(tab, 'warehouse-today-empty');

    // The same in English, one click away: the menu and the page.
    await page.getByRole('button', { name: 'Change language to English' }).click();
    await page.getByRole('heading', { name: 'Today’s work', level: 1 }).waitFor();
    await page.getByText('Nothing to deliver right now').waitFor();
    expect(await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link').allTextContents()).toEqual([
      'Today’s work',
      'Dispatch',
      'Receipts',
      'Counts and write-offs',
      'Stock',
      'Delivery history',
    ]);
    await checkScreen(tab, 'warehouse-today-empty-en');
    await page.getByRole('button', { name: 'Byt språk till svenska' }).click();
    await page.getByRole('heading', { name: 'Dagens arbete', level: 1 }).waitFor();

    await menu(page, 'Lager').click();
    await page.getByText('Lagret är tomt').waitFor();
    await page.getByText('Partier som går ut inom 30 dagar märks ”Går ut snart”.', { exact: false }).waitFor();
    await checkScreen(tab, 'warehouse-stock-empty');

    await menu(page, 'Leveranshistorik').click();
    await page.getByText('När lagret registrerar en leverans visas den här.').waitFor();
    await checkScreen(tab, 'warehouse-history-empty');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('delivers an approved plan, receives goods, writes off an expired lot, and keeps the history', async () => {
    week = await seedWeek(env.app);
    await reportShortage();
    const round = await openRound(env.app, week);
    allocationId = round.allocationId;
    const approved = await approveRound(env.app, week, allocationId);
    // The warehouse reads its county's rounds: the plan it is to deliver.
    plan = (await get(`/api/allocation-rounds/${allocationId}?waitFor=${approved.position}`)).plan;
    // Stockholm's FFP2 is more than the donated lot holds, so its picking list takes two lots.
    const stockholmFfp2 = plan.find((l) => l.municipality === '0180' && l.item === 'FFP2')!;
    expect(stockholmFfp2.remaining).toBeGreaterThan(500);
    const stockholmLines = plan.filter((l) => l.municipality === '0180' && l.remaining > 0);

    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, person);

    // Today's work: the approved plan per municipality, with what is left to deliver.
    await page.waitForURL(`${env.app.url}/lager`);
    const toDeliver = page.getByRole('region', { name: 'Att leverera enligt beslutade fördelningar' });
    const stockholm = toDeliver.getByRole('article', { name: 'Stockholm' });
    await stockholm.waitFor();
    for (const code of new Set(plan.filter((l) => l.remaining > 0).map((l) => l.municipality))) {
      const name = { '0115': 'Vallentuna', '0117': 'Österåker', '0180': 'Stockholm' }[code]!;
      await toDeliver.getByRole('article', { name }).waitFor();
    }
    expect(await rowsOf(stockholm.getByRole('table'))).toEqual(
      stockholmLines.map((l) => `${l.item === 'FFP2' ? 'Andningsskydd FFP2' : 'Nitrilhandskar M'} | ${swedish(l.planned)} | 0 | ${swedish(l.remaining)}`),
    );
    await checkScreen(tab, 'warehouse-today');

    // To the form by keyboard: the municipality's button, then Enter.
    await stockholm.getByRole('link', { name: 'Leverera till Stockholm' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/lager\/leverera\?fordelning=.+&kommun=0180$/);
    await page.getByRole('heading', { name: 'Leverera', level: 1 }).waitFor();
    expect(await page.locator(':focus').textContent()).toBe('Leverera');

    // The picking list, as the service will pick: the donated lot expires sooner, so it goes first.
    const preview = page.getByRole('table', { name: 'Plocklista – förslag, först utgående först' });
    await preview.waitFor();
    const previewRows = await rowsOf(preview);
    const ffp2Rows = previewRows.filter((r) => r.startsWith('Andningsskydd FFP2'));
    expect(ffp2Rows.map((r) => r.split(' | ')[1])).toEqual(['FFP2-DON-1', 'FFP2-2026-A']);
    expect(ffp2Rows.map((r) => r.split(' | ')[3])).toEqual([swedish(500), swedish(stockholmFfp2.remaining - 500)]);
    await checkScreen(tab, 'warehouse-dispatch');

    // More than the plan holds: the service's refusal stands next to the line's quantity.
    const ffp2Quantity = page.getByRole('group', { name: 'Rad 1' }).getByLabel('Antal');
    expect(await ffp2Quantity.inputValue()).toBe(String(stockholmFfp2.remaining));
    await ffp2Quantity.fill(String(stockholmFfp2.remaining + 100));
    await page.getByRole('button', { name: 'Registrera leverans' }).click();
    const lineError = page.getByRole('group', { name: 'Rad 1' }).locator('.field-error');
    await lineError.waitFor();
    expect(await lineError.textContent()).toContain(`fördelningen håller ${stockholmFfp2.remaining} till för kommunen`);
    expect(await ffp2Quantity.getAttribute('aria-invalid')).toBe('true');
    await checkScreen(tab, 'warehouse-dispatch-refused');

    // Corrected and sent by keyboard: the quantity typed, the vehicle, then Tab to the button and Enter.
    await ffp2Quantity.focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(String(stockholmFfp2.remaining));
    await page.getByLabel('Fordon').focus();
    await page.keyboard.type('Bil 3 (ABC 123)');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Registrera leverans');
    const before = await countEvents(env.app);
    await page.keyboard.press('Enter');
    const recordedHeading = page.getByRole('heading', { name: 'Leveransen är registrerad' });
    await recordedHeading.waitFor();
    expect(await page.locator(':focus').textContent()).toBe('Leveransen är registrerad');
    const recordedRows = await rowsOf(page.getByRole('table', { name: 'Plocklista för leveransen, som tjänsten registrerade den' }));
    expect(recordedRows.filter((r) => r.startsWith('Andningsskydd FFP2')).map((r) => r.split(' | ')[1])).toEqual(['FFP2-DON-1', 'FFP2-2026-A']);
    await checkScreen(tab, 'warehouse-dispatch-recorded');

    // The delivery exists, for the allocation, picked as shown; one dispatch and the delivery it opens.
    const deliveries = (await get(`/api/deliveries?municipality=0180&waitFor=${(await lastWarehouseEvent('DeliveryDispatched')).position}`)).deliveries;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      municipality: '0180',
      allocationId,
      vehicle: 'Bil 3 (ABC 123)',
      status: 'in-transit',
      dispatch: { recordedBy: { name: 'Lars Lager', role: 'warehouse' } },
    });
    const deliveredFfp2 = deliveries[0].lines.find((l: { item: string }) => l.item === 'FFP2');
    expect(deliveredFfp2.quantity).toBe(stockholmFfp2.remaining);
    expect(deliveredFfp2.lots.map((l: { lot: string }) => l.lot)).toEqual(['FFP2-DON-1', 'FFP2-2026-A']);
    expect((await countEvents(env.app)) - before).toBe(2);

    // Today's work no longer lists Stockholm's plan; the delivery is among today's.
    await page.getByRole('link', { name: 'Tillbaka till dagens arbete' }).click();
    await page.getByRole('heading', { name: 'Dagens arbete', level: 1 }).waitFor();
    await toDeliver.getByRole('article', { name: 'Österåker' }).waitFor();
    expect(await toDeliver.getByRole('article', { name: 'Stockholm' }).count()).toBe(0);
    const sentToday = page.getByRole('table', { name: 'Skickat i dag' });
    await sentToday.waitFor();
    expect((await rowsOf(sentToday)).join('\n')).toContain('Stockholm');
    await checkScreen(tab, 'warehouse-today-after-dispatch');

    // A receipt against the open, partly received order: the rest of the FFP2 in a new lot.
    await menu(page, 'Inleverans').click();
    const order = page.getByRole('article', { name: 'Skyddsgrossisten AB' });
    await order.waitFor();
    expect(await order.getByText('Delvis mottagen').count()).toBe(1);
    await checkScreen(tab, 'warehouse-receipts');
    await order.getByRole('link', { name: 'Ta emot från Skyddsgrossisten AB' }).click();
    await page.getByRole('heading', { name: 'Inleverans mot inköpsorder', level: 1 }).waitFor();
    const ffp2Line = page.getByRole('group', { name: 'Rad 1: Andningsskydd FFP2' });
    await ffp2Line.waitFor();
    expect(await ffp2Line.getByLabel('Antal').inputValue()).toBe('2000');
    await ffp2Line.getByLabel('Parti').fill('FFP2-2026-B');
    await ffp2Line.getByLabel('Bäst före').fill(dateIn(400));
    // The gloves come another day: their line goes.
    await page.getByRole('button', { name: 'Ta bort rad 2' }).click();
    await checkScreen(tab, 'warehouse-receipt-purchase');
    await page.getByRole('button', { name: 'Registrera inleverans' }).click();
    await page.getByRole('heading', { name: 'Inleveransen är registrerad' }).waitFor();
    const purchase = await get(`/api/purchases/${week.purchaseId}`);
    expect(purchase.lines.find((l: { item: string }) => l.item === 'FFP2')).toMatchObject({ ordered: 6000, received: 6000, outstanding: 0 });
    expect(purchase.status).toBe('partially-received');
    await checkScreen(tab, 'warehouse-receipt-purchase-recorded');

    // A donation: gloves in a lot that expires within the warning threshold.
    await menu(page, 'Inleverans').click();
    await page.getByRole('link', { name: 'Gåva', exact: true }).click();
    await page.getByRole('heading', { name: 'Inleverans från annan källa', level: 1 }).waitFor();
    expect(await page.getByLabel('Källa').inputValue()).toBe('donation');
    await page.getByLabel('Från').fill('Apoteksgruppen i Täby AB');
    const donated = page.getByRole('group', { name: 'Rad 1' });
    await donated.getByLabel('Artikel').selectOption('GLOVE-NITRILE-M');
    await page.getByRole('group', { name: 'Rad 1: Nitrilhandskar M' }).getByLabel('Antal').fill('3000');
    await page.getByRole('group', { name: 'Rad 1: Nitrilhandskar M' }).getByLabel('Parti').fill('GLV-DON-7');
    await page.getByRole('group', { name: 'Rad 1: Nitrilhandskar M' }).getByLabel('Bäst före').fill(dateIn(20));
    await checkScreen(tab, 'warehouse-receipt-other');
    await page.getByRole('button', { name: 'Registrera inleverans' }).click();
    await page.getByRole('heading', { name: 'Inleveransen är registrerad' }).waitFor();

    // An old emergency stockpile, long expired, arrives (recorded through the API: the screen's part is what follows).
    const stockpile = await call(env.app, 'POST', `/api/warehouses/${WAREHOUSE}/receipts`, {
      as: week.tokens.warehouse,
      body: {
        source: 'emergency-stockpile',
        from: 'Beredskapslager Kungsängen',
        lines: [{ item: 'FFP2', quantity: 300, lot: 'BER-2019-3', expiresOn: dateIn(-400) }],
      },
    });
    expect(stockpile.status).toBe(201);

    // Both receipts are in the warehouse's stock, each lot with its own expiry.
    const stockNow = await get(`/api/warehouses/${WAREHOUSE}/stock?waitFor=${stockpile.body.position}`);
    const lotsOf = (item: string) => stockNow.items.find((i: { item: string }) => i.item === item).lots;
    expect(lotsOf('FFP2')).toContainEqual({ lot: 'FFP2-2026-B', expiresOn: dateIn(400), onHand: 2000 });
    expect(lotsOf('GLOVE-NITRILE-M')).toContainEqual({ lot: 'GLV-DON-7', expiresOn: dateIn(20), onHand: 3000 });

    // The stock by lot: words and a badge for the expired lot and the one that expires soon.
    await menu(page, 'Lager').click();
    const byLot = page.getByRole('table', { name: 'Per parti, det som går ut först överst' });
    await byLot.getByRole('cell', { name: 'BER-2019-3', exact: true }).waitFor();
    const lotRows = await rowsOf(byLot);
    expect(lotRows.find((r) => r.includes('BER-2019-3'))).toContain('Utgånget');
    expect(lotRows.find((r) => r.includes('GLV-DON-7'))).toContain('Går ut snart');
    expect(lotRows.find((r) => r.includes('FFP2-2026-B'))).toContain('Giltigt');
    await page.getByText('1 parti har gått ut. 1 parti går ut inom 30 dagar.', { exact: false }).waitFor();
    const totals = await rowsOf(page.getByRole('table', { name: 'Totalt per artikel' }));
    const ffp2Stock = stockNow.items.find((i: { item: string }) => i.item === 'FFP2');
    expect(totals.find((r) => r.startsWith('Andningsskydd FFP2'))).toBe(
      `Andningsskydd FFP2 | ${swedish(ffp2Stock.onHand)} | ${swedish(ffp2Stock.allocated)} | ${swedish(ffp2Stock.available)}`,
    );
    await checkScreen(tab, 'warehouse-stock');

    // The expired lot written off from its row: reason, item, lot and quantity come filled in.
    await byLot.getByRole('link', { name: 'Kassera BER-2019-3' }).click();
    await page.getByRole('heading', { name: 'Inventering och kassation', level: 1 }).waitFor();
    expect(await page.getByLabel('Utgånget – kasseras').isChecked()).toBe(true);
    const writeOff = page.getByRole('group', { name: 'Rad 1: Andningsskydd FFP2' });
    expect(await writeOff.getByLabel('Parti').inputValue()).toBe('BER-2019-3');
    expect(await writeOff.getByLabel('Antal att kassera').inputValue()).toBe('300');
    await page.getByLabel('Anteckning').fill('Beredskapslager från 2019, utgånget.');
    await checkScreen(tab, 'warehouse-adjustment');
    await page.getByRole('button', { name: 'Registrera kassation' }).click();
    await page.getByRole('heading', { name: 'Justeringen är registrerad' }).waitFor();
    expect((await rowsOf(page.getByRole('table', { name: 'Det som registrerades, per parti' })))[0]).toContain('BER-2019-3');
    const afterWriteOff = await get(`/api/warehouses/${WAREHOUSE}/stock?waitFor=${(await lastWarehouseEvent('StockAdjusted')).position}`);
    expect(afterWriteOff.items.find((i: { item: string }) => i.item === 'FFP2').lots.map((l: { lot: string }) => l.lot)).not.toContain('BER-2019-3');
    await checkScreen(tab, 'warehouse-adjustment-recorded');

    // Another adjustment without the note it needs: the refusal stands by the note.
    await page.getByRole('button', { name: 'Registrera en till justering' }).click();
    await page.getByLabel('Annan justering').check();
    await page.getByRole('group', { name: 'Rad 1' }).getByLabel('Artikel').selectOption('FFP2');
    await page.getByRole('group', { name: 'Rad 1: Andningsskydd FFP2' }).getByLabel('Ändring (+ ökar, − minskar)').fill('-5');
    const eventsBefore = await countEvents(env.app);
    await page.getByRole('button', { name: 'Registrera justering' }).click();
    await page.getByText('En justering av annan orsak måste förklaras i en anteckning').first().waitFor();
    expect(await page.getByLabel('Anteckning').getAttribute('aria-invalid')).toBe('true');
    expect(await countEvents(env.app)).toBe(eventsBefore);
    await checkScreen(tab, 'warehouse-adjustment-refused');

    // The history, filtered to Stockholm's deliveries in transit today, and its export.
    await menu(page, 'Leveranshistorik').click();
    await page.getByRole('heading', { name: 'Leveranshistorik', level: 1 }).waitFor();
    await page.getByLabel('Kommun').selectOption('0180');
    await page.getByLabel('Status').selectOption('in-transit');
    await page.getByLabel('Avgick från och med').fill(stockholmToday());
    await page.getByLabel('Avgick till och med').fill(stockholmToday());
    await page.getByRole('button', { name: 'Visa', exact: true }).click();
    await page.waitForURL(/kommun=0180/);
    const history = page.getByRole('table', { name: 'Leveranser (1 st)' });
    await history.waitFor();
    const [historyRow] = await rowsOf(history);
    expect(historyRow).toContain('Stockholm');
    expect(historyRow).toContain('Bil 3 (ABC 123)');
    expect(historyRow).toContain('FFP2-DON-1');
    expect(historyRow).toContain('På väg');
    await checkScreen(tab, 'warehouse-history');

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportera CSV' }).click()]);
    const csvText = (await readFile((await csv.path())!)).toString('utf8');
    expect(csv.suggestedFilename()).toBe('deliveries.csv');
    const csvLines = csvText
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csvLines[0]).toMatch(/^delivery_id,status,/);
    // One row per delivery line, all of them Stockholm's one delivery.
    expect(csvLines.slice(1)).toHaveLength(deliveries[0].lines.length);
    expect(csvLines.slice(1).every((line) => line.startsWith(`${deliveries[0].deliveryId},in-transit,`))).toBe(true);
    await page.getByText('Filen deliveries.csv är hämtad').waitFor();

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportera Excel' }).click()]);
    const workbook = await readFile((await xlsx.path())!);
    expect(xlsx.suggestedFilename()).toMatch(/^leveranser-\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(workbook.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip: what an .xlsx is
    expect(workbook.length).toBeGreaterThan(1000);
    await checkScreen(tab, 'warehouse-history-exported');

    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('keeps a dispatch made while the network is down, and sends it once when it is back', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, person);

    // Unplanned, more than no allocation holds: the service's refusal stands by the line, nothing is written.
    await menu(page, 'Leverera').click();
    await page.getByText('Utan fördelning: bara lager som ingen beslutad fördelning håller får levereras.').waitFor();
    await page.getByLabel('Kommun').selectOption('0115');
    await page.getByRole('group', { name: 'Rad 1' }).getByLabel('Artikel').selectOption('FFP2');
    const unplanned = page.getByRole('group', { name: 'Rad 1: Andningsskydd FFP2' });
    await unplanned.getByText('Fritt att leverera utan fördelning:', { exact: false }).waitFor();
    await unplanned.getByLabel('Antal').fill('100000');
    const unchanged = await countEvents(env.app);
    await page.getByRole('button', { name: 'Registrera leverans' }).click();
    await unplanned.locator('.field-error').getByText('100000 av FFP2 begärdes', { exact: false }).waitFor();
    expect(await countEvents(env.app)).toBe(unchanged);
    await checkScreen(tab, 'warehouse-dispatch-unplanned-refused');

    await menu(page, 'Dagens arbete').click();
    const toDeliver = page.getByRole('region', { name: 'Att leverera enligt beslutade fördelningar' });
    await toDeliver.getByRole('article', { name: 'Österåker' }).getByRole('link', { name: 'Leverera till Österåker' }).click();
    await page.getByRole('table', { name: 'Plocklista – förslag, först utgående först' }).waitFor();
    await page.getByLabel('Fordon').fill('Bil 5');

    const dispatchedBefore = (await lastWarehouseEvent('DeliveryDispatched')).count;
    const before = await countEvents(env.app);
    await tab.context.setOffline(true);
    await page.getByRole('button', { name: 'Registrera leverans' }).click();
    await page.getByRole('heading', { name: 'Leveransen väntar på att skickas' }).waitFor();
    await page.getByText('Ingen anslutning just nu. Det du sparade väntar').waitFor();
    await page.getByRole('link', { name: '1 väntar på att skickas' }).waitFor();
    expect(await countEvents(env.app)).toBe(before);
    await checkScreen(tab, 'warehouse-dispatch-queued');

    await tab.context.setOffline(false);
    await page.getByText('Leveransen har nu skickats och registrerats.', { exact: false }).waitFor();
    await page.getByRole('heading', { name: 'Leveransen är registrerad' }).waitFor();
    expect(await page.getByRole('link', { name: '1 väntar på att skickas' }).count()).toBe(0);

    // Exactly one dispatch landed (and the delivery it opens), for the allocation, once.
    const dispatched = await lastWarehouseEvent('DeliveryDispatched');
    expect(dispatched.count).toBe(dispatchedBefore + 1);
    const deliveries = (await get(`/api/deliveries?municipality=0117&waitFor=${dispatched.position}`)).deliveries;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ allocationId, vehicle: 'Bil 5', status: 'in-transit' });
    expect((await countEvents(env.app)) - before).toBe(2);
    expect(plan.filter((l) => l.municipality === '0117' && l.remaining > 0).map((l) => [l.item, l.remaining])).toEqual(
      deliveries[0].lines.map((l: { item: string; quantity: number }) => [l.item, l.quantity]),
    );
    await checkScreen(tab, 'warehouse-dispatch-sent');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
