import { describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { call } from '../support/api.js';
import { browserTestEnvironment, checkScreen, openTab, signIn } from './support/browser.js';
import { COUNTY, seedWeek } from './support/scenario.js';

const env = browserTestEnvironment();

/** Numbers as the screens write them in Swedish (`2 000`, with the locale's own space). */
const sv = (n: number) => new Intl.NumberFormat('sv-SE').format(n);

/** The cells of a table row, headed by `rowHeader`, as text. */
const rowOf = async (scope: ReturnType<Page['locator']>, rowHeader: string) =>
  scope
    .locator('tr', { has: scope.page().getByRole('rowheader', { name: rowHeader, exact: true }) })
    .locator('td')
    .allTextContents();

/** What has focus: a form field by its id, anything else (a heading, a button) by its text. */
const focused = async (page: Page): Promise<string> => {
  const element = page.locator(':focus');
  const tag = await element.evaluate((e) => (e as unknown as { tagName: string }).tagName);
  return ['INPUT', 'SELECT', 'TEXTAREA'].includes(tag) ? ((await element.getAttribute('id')) ?? '') : ((await element.textContent()) ?? '');
};

describe('the region purchaser’s screens', () => {
  it('follows the county’s orders, places one by keyboard, and cancels what is still to come', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'region', name: 'Rut Region', county: COUNTY });
    await page.waitForURL(`${env.app.url}/inkop`);

    // A fresh service: the start page says there are no orders and where to place the first.
    await page.getByRole('heading', { name: 'Inköpsordrar', level: 1 }).waitFor();
    await page.getByText('Inga inköpsordrar ännu').waitFor();
    expect(await page.getByRole('link', { name: 'Lägg den första beställningen' }).getAttribute('href')).toBe('/inkop/ny');
    await checkScreen(tab, 'region-purchases-empty');

    // The seeded week: one order of 6 000 FFP2 and 20 000 gloves, 4 000 and 12 000 of them received.
    const week = await seedWeek(env.app);
    await page.reload();
    const seeded = page.getByRole('article', { name: /^Skyddsgrossisten AB, beställd/ });
    await seeded.waitFor();
    await seeded.getByText('Delvis mottagen').waitFor();
    expect(await rowOf(seeded, 'Andningsskydd FFP2')).toEqual([sv(6000), sv(4000), sv(2000)]);
    expect(await rowOf(seeded, 'Nitrilhandskar M')).toEqual([sv(20000), sv(12000), sv(8000)]);
    const summary = page.getByRole('table', { name: /Kvar att leverera per artikel/ });
    expect(await rowOf(summary, 'Andningsskydd FFP2')).toEqual([sv(6000), sv(4000), sv(2000), '1']);
    expect(await rowOf(summary, 'Nitrilhandskar M')).toEqual([sv(20000), sv(12000), sv(8000), '1']);
    await page.getByRole('img', { name: 'Beställt och mottaget per artikel, öppna ordrar' }).locator('.recharts-bar-rectangle').first().waitFor();
    await checkScreen(tab, 'region-purchases');

    // The menu and the statuses in English, one click away, and back.
    await page.getByRole('button', { name: 'Change language to English' }).click();
    await page.getByRole('heading', { name: 'Purchase orders', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'New order' }).waitFor();
    await page
      .getByRole('article', { name: /^Skyddsgrossisten AB, ordered/ })
      .getByText('Partially received')
      .waitFor();
    await page.getByRole('button', { name: 'Byt språk till svenska' }).click();
    await page.getByRole('heading', { name: 'Inköpsordrar', level: 1 }).waitFor();

    // The seeded order's page: each receipt with who recorded it, when, its lots and its log position.
    await seeded.getByRole('link').click();
    await page.getByRole('heading', { name: 'Inköpsorder från Skyddsgrossisten AB', level: 1 }).waitFor();
    const receipt = page.getByRole('region', { name: /^Mottaget / });
    await receipt.waitFor();
    await receipt.getByText('Lars Lager (lager)').waitFor();
    expect(await rowOf(receipt, 'Andningsskydd FFP2')).toEqual([sv(4000), 'FFP2-2026-A', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
    expect(await rowOf(receipt, 'Nitrilhandskar M')).toEqual([sv(12000), 'GLV-2026-A', expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/)]);
    const detail = (await call(env.app, 'GET', `/api/purchases/${week.purchaseId}`, { as: week.tokens.region })).body;
    await receipt.getByText(detail.receipts[0].position, { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Avbryt det som återstår' }).waitFor();
    await checkScreen(tab, 'region-order-received');

    // A new order, by keyboard alone: the page opens with focus on its heading and the form follows.
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Ny beställning' }).click();
    await page.getByRole('heading', { name: 'Ny beställning', level: 1 }).waitFor();
    await page.getByLabel('Artikel').locator('option', { hasText: 'Andningsskydd FFP3 (FFP3)' }).waitFor({ state: 'attached' });
    await checkScreen(tab, 'region-new-order');
    expect(await focused(page)).toBe('Ny beställning');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('order-supplier');
    await page.keyboard.type('Medisupply Nordic AB');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('order-warehouseId');
    expect(await page.getByLabel('Lager').inputValue()).toBe('01-central');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('order-lines-0-item');
    await page.keyboard.type('Andningsskydd FFP3');
    expect(await page.locator('#order-lines-0-item').inputValue()).toBe('FFP3');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('order-lines-0-quantity');
    // Zero is not an order: the service refuses, and says so beside the quantity, in Swedish.
    await page.keyboard.type('0');
    await page.keyboard.press('Enter');
    const quantityField = page.locator('.field', { has: page.locator('#order-lines-0-quantity') });
    await quantityField.locator('.field-error').getByText('Antal (styck) måste vara minst 1').waitFor();
    expect(await page.locator('#order-lines-0-quantity').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#order-lines-0-quantity').getAttribute('aria-describedby')).toContain('order-lines-0-quantity-error');
    expect(await focused(page)).toBe('order-lines-0-quantity');
    expect(await page.locator('.field-error').count()).toBe(1);
    // The summary under the form says it in the form's words too, with the row, not the request's field path.
    const refusal = page.getByRole('alert');
    await refusal.getByText('Antal (styck) på rad 1 måste vara minst 1').waitFor();
    expect(await refusal.textContent()).not.toContain('lines[0]');
    await checkScreen(tab, 'region-new-order-refused');

    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('5000');
    // A second line: "Lägg till rad" puts focus on the new line's item.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Lägg till rad');
    await page.keyboard.press('Enter');
    await page.locator('#order-lines-1-item').waitFor();
    expect(await focused(page)).toBe('order-lines-1-item');
    await page.keyboard.type('Nitrilhandskar L');
    expect(await page.locator('#order-lines-1-item').inputValue()).toBe('GLOVE-NITRILE-L');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('order-lines-1-quantity');
    await page.keyboard.type('10000');
    // No delivery time promised yet (the field is optional): Enter sends the order from here.
    await page.keyboard.press('Enter');

    // Its page, read from the purchase's own stream, shows it at once.
    await page.waitForURL(/\/inkop\/ordrar\/[0-9a-f-]{36}$/);
    const purchaseId = page.url().split('/').pop()!;
    await page.getByRole('heading', { name: 'Inköpsorder från Medisupply Nordic AB', level: 1 }).waitFor();
    await page.getByText('Beställningen är registrerad.').waitFor();
    await page.getByText('Inget har tagits emot mot ordern ännu.').waitFor();
    const lines = page.getByRole('table', { name: 'Beställt, mottaget och kvar att leverera per artikel' });
    expect(await rowOf(lines, 'Andningsskydd FFP3')).toEqual([sv(5000), '0', sv(5000)]);
    expect(await rowOf(lines, 'Nitrilhandskar L')).toEqual([sv(10000), '0', sv(10000)]);
    await page.locator('dl.facts').getByText('Ingen tid angiven').waitFor();
    await checkScreen(tab, 'region-order');

    // Recorded as typed: the county's list (its read model) has it.
    const listed = await call(env.app, 'GET', '/api/purchases', { as: week.tokens.region });
    const mine = listed.body.purchases.find((p: { purchaseId: string }) => p.purchaseId === purchaseId);
    expect(mine).toMatchObject({
      supplier: 'Medisupply Nordic AB',
      warehouseId: '01-central',
      status: 'ordered',
      expectedAt: null,
      orderedBy: { name: 'Rut Region' },
      lines: [
        { item: 'FFP3', ordered: 5000, received: 0, outstanding: 5000 },
        { item: 'GLOVE-NITRILE-L', ordered: 10000, received: 0, outstanding: 10000 },
      ],
    });

    // And so does the start page, waiting for the user's own write.
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Inköpsordrar' }).click();
    const placed = page.getByRole('article', { name: /^Medisupply Nordic AB, beställd/ });
    await placed.getByText('Beställd', { exact: true }).waitFor();
    expect(await rowOf(summary, 'Andningsskydd FFP3')).toEqual([sv(5000), '0', sv(5000), '1']);
    expect(await rowOf(summary, 'Andningsskydd FFP2')).toEqual([sv(6000), sv(4000), sv(2000), '1']);

    // Cancel it, with the required reason, by keyboard from the reason field.
    await placed.getByRole('link').click();
    await page.getByRole('heading', { name: 'Inköpsorder från Medisupply Nordic AB', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Avbryt återstoden av ordern' }).click();
    const reasonField = page.locator('.field', { has: page.getByLabel('Skäl') });
    await reasonField
      .locator('.field-error')
      .getByText(/^Skäl /)
      .waitFor();
    expect(await focused(page)).toBe('cancel-reason');
    await page.keyboard.type('Leverantören kan inte leverera före maj');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Avbryt återstoden av ordern');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Ordern är avbruten' }).waitFor();
    expect(await focused(page)).toBe('Ordern är avbruten');
    await page.getByText('Återstoden av ordern är avbruten.').waitFor();
    await page.getByText('Leverantören kan inte leverera före maj').waitFor();
    await page.locator('dl.facts').getByText('Avbruten', { exact: true }).waitFor();
    expect(await rowOf(lines, 'Andningsskydd FFP3')).toEqual([sv(5000), '0', '0']);
    await checkScreen(tab, 'region-order-cancelled');

    const cancelled = await call(env.app, 'GET', `/api/purchases/${purchaseId}`, { as: week.tokens.region });
    expect(cancelled.body).toMatchObject({
      status: 'cancelled',
      cancellation: { reason: 'Leverantören kan inte leverera före maj', cancelledBy: { name: 'Rut Region', role: 'region' } },
    });

    // Off the open orders; among all of them, after the open ones, with its reason.
    await page.getByRole('link', { name: 'Alla inköpsordrar' }).click();
    await page.getByRole('heading', { name: 'Öppna ordrar, nyast först' }).waitFor();
    await seeded.waitFor();
    expect(await placed.count()).toBe(0);
    // The choice is kept in the address (`?visa=alla`), so it survives a reload and can be bookmarked.
    await page.getByRole('radio', { name: 'Alla ordrar' }).click();
    await page.getByRole('heading', { name: 'Alla ordrar: öppna först, sedan mottagna och avbrutna' }).waitFor();
    await page.waitForURL(`${env.app.url}/inkop?visa=alla`);
    expect(await page.getByRole('radio', { name: 'Alla ordrar' }).isChecked()).toBe(true);
    await placed.getByText('Avbruten', { exact: true }).waitFor();
    await placed.getByText('Leverantören kan inte leverera före maj').waitFor();
    const order = await page.getByRole('article').evaluateAll((articles) => articles.map((a) => a.getAttribute('aria-labelledby')));
    expect(order).toEqual([`order-${week.purchaseId}`, `order-${purchaseId}`]);
    await checkScreen(tab, 'region-purchases-all');

    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('records a promised delivery time as Swedish time and shows it so', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'region', name: 'Rut Region', county: COUNTY });
    await page.goto(`${env.app.url}/inkop/ny`);
    await page.getByLabel('Artikel').locator('option', { hasText: 'Visir (VISOR)' }).waitFor({ state: 'attached' });
    await page.getByLabel('Leverantör').fill('Visirfabriken AB');
    await page.getByLabel('Artikel').selectOption('VISOR');
    await page.getByLabel('Antal (styck)').fill('750');
    // The date picker's keys differ by the browser's own language: the value is set as the picker would set it.
    await page.getByLabel('Utlovad leverans').fill('2026-03-20T10:00');
    await page.getByRole('button', { name: 'Registrera beställningen' }).click();
    await page.getByRole('heading', { name: 'Inköpsorder från Visirfabriken AB', level: 1 }).waitFor();
    await page.locator('dl.facts').getByText('2026-03-20 10:00').waitFor();
    const purchaseId = page.url().split('/').pop()!;
    const token = await env.app.token('region', { county: COUNTY });
    const detail = await call(env.app, 'GET', `/api/purchases/${purchaseId}`, { as: token });
    // 10:00 in Stockholm in March is 09:00 UTC.
    expect(detail.body).toMatchObject({ expectedAt: '2026-03-20T09:00:00.000Z', lines: [{ item: 'VISOR', ordered: 750, outstanding: 750 }] });
    await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Inköpsordrar' }).click();
    await page
      .getByRole('article', { name: /^Visirfabriken AB, beställd/ })
      .getByText('2026-03-20')
      .waitFor();
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
