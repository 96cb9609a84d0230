import { describe, expect, it } from '@jest/globals';
import { call } from '../support/api.js';
import type { TestApp } from '../support/app.js';
import { browserTestEnvironment, checkScreen, openTab, signIn } from './support/browser.js';
import { COUNTY, openRound, seedWeek, type Week } from './support/scenario.js';

const env = browserTestEnvironment();

const HOUR = 3_600_000;

/** This week Vallentuna and Stockholm run short of respirators, so the rounds have something to share and need left unmet. */
const shortage = async (t: TestApp, week: Week) => {
  for (const [code, onHand, used, requested] of [
    ['0115', 20, 300, 400],
    ['0180', 100, 5000, 6000],
  ] as const) {
    const r = await call(t, 'POST', `/api/municipalities/${code}/reports`, {
      as: week.tokens[code],
      body: {
        reportedAt: new Date(Date.now() - HOUR).toISOString(),
        infections: 12,
        lines: [
          { item: 'FFP2', onHand, usedSinceLastReport: used, requested },
          { item: 'GLOVE-NITRILE-M', onHand: 2000, usedSinceLastReport: 500, requested: 1000 },
        ],
      },
    });
    expect(r.status).toBe(201);
  }
};

const DECIDERS = ['Anna Lind (Länsstyrelsen)', 'Erik Berg (Region Stockholm)'];

describe('the logistics meeting’s screens', () => {
  it('review a proposal, amend a line with its reason, approve it with the names of those deciding; reject another', async () => {
    const week = await seedWeek(env.app);
    await shortage(env.app, week);
    const first = await openRound(env.app, week);
    const second = await openRound(env.app, week);
    const proposed = await call(env.app, 'GET', `/api/allocation-rounds/${first.allocationId}?waitFor=${second.position}`, { as: week.tokens.committee });
    const stockholm = proposed.body.proposal.outputs.lines.find((l: { municipality: string; item: string }) => l.municipality === '0180' && l.item === 'FFP2');
    expect(stockholm.quantity).toBeGreaterThan(200);

    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'committee', county: COUNTY, name: 'Maja Möte' });

    // Both proposals await the meeting; nothing is decided yet.
    await page.getByRole('heading', { name: 'Förslag att besluta', level: 1 }).waitFor();
    const awaiting = page.getByRole('table', { name: 'Förslag som väntar på beslut, senaste först' });
    await awaiting.waitFor();
    expect(await awaiting.locator('tbody tr').count()).toBe(2);
    await page.getByText('Inga beslutade omgångar ännu.').waitFor();
    await checkScreen(tab, 'committee-proposals');

    // The older proposal: every line with its inputs.
    await awaiting.locator(`a[href$="${first.allocationId}"]`).click();
    await page.getByRole('heading', { name: /^Förslag: Omgång /, level: 1 }).waitFor();
    const line = page.locator('#rad-FFP2-0180');
    await line.waitFor();
    expect((await line.locator('td').allTextContents()).slice(0, 8)).toEqual([
      '12',
      expect.any(String), // projected stock and daily use: the service's own, tested with the stock
      expect.any(String),
      (6000).toLocaleString('sv-SE'),
      stockholm.need.toLocaleString('sv-SE'),
      'Ja',
      stockholm.quantity.toLocaleString('sv-SE'),
      stockholm.unmet.toLocaleString('sv-SE'),
    ]);
    // The chart's own chunk loads on first use; the picture is taken once it is drawn.
    await page
      .getByRole('figure', { name: /Andningsskydd FFP2: behov och föreslagen mängd/ })
      .locator('svg')
      .first()
      .waitFor();
    await checkScreen(tab, 'committee-review');

    // By keyboard: change Stockholm's respirators; focus goes to the new quantity, then its reason.
    await page.getByRole('button', { name: 'Ändra Stockholm, Andningsskydd FFP2' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Ändringar (1)' }).waitFor();
    expect(await page.locator(':focus').getAttribute('id')).toBe('andring-FFP2-0180-quantity');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('999999');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe('andring-FFP2-0180-reason');
    await page.keyboard.type('Stockholm får 200 andningsskydd från stadens eget beredskapslager');
    await page.getByLabel('Beslutande').fill(DECIDERS.join('\n'));
    await page.getByLabel('Anteckning').fill('Beslut vid logistikberedningen');

    // More than the round had: refused, and said beside the quantity.
    await page.getByRole('button', { name: 'Godkänn med ändringarna' }).click();
    const amendment = page.locator('#andring-FFP2-0180');
    await amendment.locator('.field-error').waitFor();
    expect(await amendment.locator('.field-error').textContent()).toContain('tillgängliga');
    await page.getByRole('alert').waitFor();
    await checkScreen(tab, 'committee-review-refused');
    const amended = stockholm.quantity - 200;
    await page.getByLabel('Ny mängd (st)').fill(String(amended));
    await page.getByRole('button', { name: 'Godkänn med ändringarna' }).click();

    // The decided state, read back: approved, with the amendment and who decided.
    await page.getByText('Beslutet är registrerat: förslaget är godkänt.').waitFor();
    await page.getByRole('heading', { name: /^Beslut: Omgång /, level: 1 }).waitFor();
    const amendments = page.getByRole('table', { name: 'Ändringar mot förslaget' });
    await amendments.waitFor();
    expect(await amendments.locator('tbody tr').textContent()).toContain('Stockholm får 200 andningsskydd från stadens eget beredskapslager');
    for (const name of DECIDERS) await page.getByRole('listitem').filter({ hasText: name }).waitFor();
    expect(await page.locator('#rad-FFP2-0180 td').nth(7).textContent()).toBe(amended.toLocaleString('sv-SE'));
    await checkScreen(tab, 'committee-approved');
    await amendments.getByRole('link', { name: 'Indata för Stockholm, Andningsskydd FFP2' }).click();
    await page.waitForURL(/#rad-FFP2-0180$/);

    const approved = await call(env.app, 'GET', `/api/allocation-rounds/${first.allocationId}`, { as: week.tokens.committee });
    expect(approved.body.status).toBe('approved');
    expect(approved.body.decision).toEqual(
      expect.objectContaining({
        outcome: 'approved',
        decidedBy: DECIDERS,
        note: 'Beslut vid logistikberedningen',
        amendments: [
          {
            municipality: '0180',
            item: 'FFP2',
            proposed: stockholm.quantity,
            approved: amended,
            reason: 'Stockholm får 200 andningsskydd från stadens eget beredskapslager',
          },
        ],
        enteredBy: expect.objectContaining({ name: 'Maja Möte', role: 'committee' }),
      }),
    );
    expect(approved.body.plan).toContainEqual(expect.objectContaining({ municipality: '0180', item: 'FFP2', planned: amended }));

    // The other proposal is rejected, with names and a note.
    await page.getByRole('link', { name: 'Alla förslag' }).click();
    await awaiting.locator(`a[href$="${second.allocationId}"]`).click();
    await page.getByRole('heading', { name: /^Förslag: Omgång /, level: 1 }).waitFor();
    await page.getByLabel('Beslutande').fill(DECIDERS.join('\n'));
    await page.getByLabel('Anteckning').fill('Dubblett av omgången som godkändes');
    await page.getByRole('button', { name: 'Avslå förslaget' }).click();
    await page.getByText('Beslutet är registrerat: förslaget är avslaget.').waitFor();
    await page.getByRole('heading', { name: /^Beslut: Omgång /, level: 1 }).waitFor();
    await checkScreen(tab, 'committee-rejected');
    const rejected = await call(env.app, 'GET', `/api/allocation-rounds/${second.allocationId}`, { as: week.tokens.committee });
    expect(rejected.body.status).toBe('rejected');
    expect(rejected.body.decision).toEqual(
      expect.objectContaining({ outcome: 'rejected', decidedBy: DECIDERS, note: 'Dubblett av omgången som godkändes', amendments: [] }),
    );

    // Both are listed as decided; none awaits.
    await page.getByRole('link', { name: 'Alla förslag' }).click();
    const decided = page.getByRole('table', { name: 'Beslutade omgångar, senaste först' });
    await decided.waitFor();
    expect(await decided.locator('tbody tr').count()).toBe(2);
    await page.getByText('Inga förslag väntar på beslut').waitFor();
    await checkScreen(tab, 'committee-decided');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});
