import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { proposeRound } from '../allocation/audit/rounds.js';
import { call, countEvents } from '../support/api.js';
import { browserTestEnvironment, checkScreen, openTab, signIn, type Tab } from './support/browser.js';
import { approveRound, openRound, seedWeek, type Week } from './support/scenario.js';

/**
 * The auditor's journey: the county's decisions and which of them drifted, one decision with its
 * replay, a what-if beside what was decided (writing nothing), and the events behind it all.
 *
 * Three rounds over the seeded week: A is approved, then Vallentuna corrects the report A was based
 * on (A drifts); B is opened and approved after the correction (no drift); C is recorded with an
 * output its policy does not give (its replay is not reproduced).
 */

const env = browserTestEnvironment();
let week: Week;
const rounds: Record<'drifted' | 'steady' | 'tampered', string> = { drifted: '', steady: '', tampered: '' };
let correction: { eventId: string; occurredAt: string; recordedAt: string };

const CORRECTION_REASON = 'Ett boendes förråd räknades inte med';

/** A moment as the screens show it: Swedish format (or English), Stockholm time. */
const stockholm = (iso: string, locale = 'sv-SE') =>
  new Intl.DateTimeFormat(locale, {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(iso));

const focusedText = async (page: Page) => (await page.locator(':focus').textContent())?.trim() ?? '';
const focusedName = (page: Page) => page.locator(':focus').getAttribute('name');

beforeAll(async () => {
  week = await seedWeek(env.app);

  const a = await openRound(env.app, week);
  rounds.drifted = a.allocationId;
  await approveRound(env.app, week, a.allocationId);

  // Vallentuna's latest report, which round A read, is corrected after the decision: a late correction.
  const stream = await call(env.app, 'GET', '/api/audit/streams/municipality-0115', { as: week.tokens.auditor });
  const reports = stream.body.events.filter((e: { type: string }) => e.type === 'SituationReported');
  const latest = reports.sort((x: { data: { reportedAt: string } }, y: { data: { reportedAt: string } }) => x.data.reportedAt.localeCompare(y.data.reportedAt))[
    reports.length - 1
  ];
  const corrected = await call(env.app, 'POST', `/api/municipalities/0115/reports/${latest.data.reportId}/corrections`, {
    as: week.tokens['0115'],
    body: {
      reason: CORRECTION_REASON,
      infections: 5,
      lines: [
        { item: 'FFP2', onHand: 900, usedSinceLastReport: 600, requested: 400 },
        { item: 'GLOVE-NITRILE-M', onHand: 2500, usedSinceLastReport: 1500, requested: 1000 },
      ],
    },
  });
  expect(corrected.status).toBe(201);
  const after = await call(env.app, 'GET', '/api/audit/streams/municipality-0115', { as: week.tokens.auditor });
  const event = after.body.events.find((e: { type: string }) => e.type === 'SituationReportCorrected');
  correction = { eventId: event.metadata.eventId, occurredAt: event.metadata.occurredAt, recordedAt: event.recordedAt };

  const b = await openRound(env.app, week);
  rounds.steady = b.allocationId;
  const approvedB = await approveRound(env.app, week, b.allocationId);

  const c = await proposeRound(env.app.app.get<EventStore>(EVENT_STORE), {
    position: BigInt(approvedB.position),
    tamper: (o) => ({ ...o, lines: o.lines.map((l) => (l.municipality === '0115' && l.item === 'FFP2' ? { ...l, quantity: l.quantity + 1 } : l)) }),
  });
  rounds.tampered = c.allocationId;

  // The read models have everything before the browser looks.
  const list = await call(env.app, 'GET', `/api/allocation-rounds?county=01&waitFor=${c.position}`, { as: week.tokens.auditor });
  expect(list.body.rounds.map((r: { allocationId: string; drift: unknown }) => [r.allocationId, r.drift !== null])).toEqual([
    [rounds.tampered, false],
    [rounds.steady, false],
    [rounds.drifted, true],
  ]);
});

const openDecision = async (tab: Tab, allocationId: string) => {
  await tab.page.goto(`${env.app.url}/revision/beslut/${allocationId}`);
  await tab.page.getByRole('heading', { level: 2, name: 'Vad som beslutades' }).waitFor();
};

describe('the auditor’s screens', () => {
  it('lists the decisions newest first with their drift, and a county without any says so', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'auditor', name: 'Anders Revisor' });
    await page.waitForURL(`${env.app.url}/revision`);
    await page.getByRole('heading', { level: 1, name: 'Beslut' }).waitFor();
    // An unscoped auditor starts in Stockholms län and may choose another.
    expect(await page.getByLabel('Län').inputValue()).toBe('01');
    const table = page.getByRole('table', { name: 'Fördelningar i Stockholms län, den senaste först' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    // Newest first: C (proposed), B (approved, steady), A (approved, drifted).
    expect(await rows.nth(0).textContent()).toContain('Föreslagen, inte beslutad');
    expect(await rows.nth(1).textContent()).toContain('Oförändrat');
    expect(await rows.nth(2).textContent()).toContain('Ändrat efter beslutet');
    expect(await rows.nth(2).textContent()).toContain('Anna Lind (Länsstyrelsen)');
    await page.getByText('1 av 3 fördelningar har fått ändrat underlag efter beslutet.').waitFor();
    await checkScreen(tab, 'auditor-decisions');

    await page.getByLabel('Län').selectOption('18');
    await page.getByText('Inga fördelningar i Örebro län ännu.').waitFor();
    expect(page.url()).toContain('lan=18');
    await checkScreen(tab, 'auditor-decisions-empty');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('shows a drifted decision: what was decided, its replay reproduced, and the drift with its cause', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'auditor', name: 'Anders Revisor' });
    const table = page.getByRole('table', { name: /Fördelningar i Stockholms län/ });
    await table.locator('tbody tr').nth(2).getByRole('link').click();
    await page.waitForURL(`${env.app.url}/revision/beslut/${rounds.drifted}`);
    await page.getByRole('heading', { level: 2, name: 'Vad som beslutades' }).waitFor();

    const facts = page.locator('dl.facts').first();
    expect(await facts.textContent()).toContain('Anna Lind (Länsstyrelsen), Erik Berg (Region Stockholm)');
    expect(await facts.textContent()).toContain('Enligt förslaget');
    expect(await facts.textContent()).toContain('Lena Länsstyrelsen (länsstyrelsen');
    expect(await facts.textContent()).toContain('Maja Möte (logistikmötet');
    await page.getByText('Underlaget har ändrats efter beslutet').waitFor();

    const drift = page.getByRole('region', { name: /Ändrat underlag/ });
    const differences = drift.getByRole('table', { name: 'Skillnader per kommun och artikel' });
    const vallentuna = differences.getByRole('row', { name: /Vallentuna Andningsskydd FFP2 Beräknat lager/ });
    await vallentuna.waitFor();
    expect(await drift.textContent()).toContain('Rättelse av lägesrapport i municipality-0115');
    await checkScreen(tab, 'auditor-decision-drift');

    await page.getByRole('button', { name: 'Spela upp igen' }).click();
    // The replay reads the log as it stood at the decision: reproduced, though the basis drifted since.
    await page.getByRole('heading', { level: 3, name: 'Reproducerat' }).waitFor();
    await page.locator('h3:focus', { hasText: 'Reproducerat' }).waitFor();
    await page.getByText('Uppspelningen läser loggen som den stod vid beslutet').waitFor();
    await checkScreen(tab, 'auditor-replay-drift');

    // The cause's link opens its stream at the correction: who, when (both times) and why.
    await drift.getByRole('link', { name: 'Visa händelsen' }).click();
    await page.waitForURL(`${env.app.url}/revision/strom/municipality-0115?handelse=${correction.eventId}`);
    const target = page.locator('article.event-target');
    await target.getByRole('heading', { name: /Rättelse av lägesrapport/ }).waitFor();
    await page.locator('article.event-target:focus').waitFor();
    const text = await target.textContent();
    expect(text).toContain('Den här händelsen ändrade underlaget för ett beslut.');
    expect(text).toContain('Vera Vallentuna (kommun, användar-id');
    expect(text).toContain(`Avser (verksamhetstid)${stockholm(correction.occurredAt)}`);
    expect(text).toContain(`Registrerad (registreringstid)${stockholm(correction.recordedAt)}`);
    expect(stockholm(correction.occurredAt)).not.toBe(stockholm(correction.recordedAt));
    expect(text).toContain(`Varför${CORRECTION_REASON}`);
    expect(await target.locator('q').first().textContent()).toBe(CORRECTION_REASON);
    await target.getByText('Innehåll', { exact: true }).click();
    expect(await target.locator('dl.data-fields').first().textContent()).toContain('Rättar rapport');
    await checkScreen(tab, 'auditor-timeline');

    // English is one click away, times still in Stockholm time.
    await page.getByRole('button', { name: 'Change language to English' }).click();
    await target.getByRole('heading', { name: /Correction of a situation report/ }).waitFor();
    expect(await target.textContent()).toContain(`Recorded (recording time)${stockholm(correction.recordedAt, 'en-GB')}`);
    await checkScreen(tab, 'auditor-timeline-en');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('replays a steady decision as reproduced, and a tampered one with its differences line by line', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'auditor', name: 'Anders Revisor' });
    await openDecision(tab, rounds.steady);
    expect(await page.getByText('Underlaget har ändrats efter beslutet').count()).toBe(0);
    await page.getByRole('button', { name: 'Spela upp igen' }).click();
    await page.getByRole('heading', { level: 3, name: 'Reproducerat' }).waitFor();
    await page.getByText('Både underlaget och resultatet blev exakt som det registrerade.').waitFor();
    await checkScreen(tab, 'auditor-replay');

    await openDecision(tab, rounds.tampered);
    await page.getByText('Logistikmötet har inte beslutat om förslaget ännu.').waitFor();
    await page.getByRole('button', { name: 'Spela upp igen' }).click();
    await page.getByRole('heading', { level: 3, name: 'Inte reproducerat' }).waitFor();
    const diff = page.getByRole('table', { name: 'Skillnader mellan registrerat och uppspelat' });
    const line = diff.getByRole('row', { name: /Resultat Vallentuna Andningsskydd FFP2 Antal outputs\.lines\[0115\]\[FFP2\]\.quantity/ });
    await line.waitFor();
    const recorded = ffp2Line(await call(env.app, 'GET', `/api/allocation-rounds/${rounds.tampered}`, { as: week.tokens.auditor }));
    expect(await line.textContent()).toContain(String(recorded.quantity));
    expect(await line.textContent()).toContain(String(recorded.quantity - 1));
    await checkScreen(tab, 'auditor-replay-diff');
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('runs a what-if by keyboard, beside what was decided, and writes nothing', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'auditor', name: 'Anders Revisor' });
    await openDecision(tab, rounds.drifted);
    const before = await countEvents(env.app);
    await page.getByRole('link', { name: 'Tänk om' }).click();
    await page.getByRole('heading', { level: 1, name: /^Tänk om: fördelning/ }).waitFor();
    await page.getByRole('group', { name: 'Policy och parametrar' }).waitFor();
    await checkScreen(tab, 'auditor-what-if-form');

    // Keyboard only, from the heading the screen opens on.
    await page.locator('h1:focus').waitFor();
    expect(await focusedText(page)).toMatch(/^Tänk om: fördelning/);
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('← Tillbaka till fördelningen');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('policy');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('horizonDays');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('2');
    for (const name of ['acuteDays', 'infectionWeight', 'wholePacks']) {
      await page.keyboard.press('Tab');
      expect(await focusedName(page)).toBe(name);
    }
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Visa vad som hade hänt');
    await page.keyboard.press('Enter');
    // A horizon shorter than the acute threshold: the service refuses and names the field it checked.
    const acuteError = page.locator('#param-acuteDays-error');
    await acuteError.waitFor();
    // Beside its field the message drops the field's technical name (the label says which field).
    expect(await acuteError.textContent()).toBe('Har ett ogiltigt värde');
    await checkScreen(tab, 'auditor-what-if-refused');

    await page.getByLabel('Planeringshorisont (dagar)').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('30');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Resultat' }).waitFor();
    await page.locator('#resultat-heading:focus').waitFor();
    expect(await acuteError.count()).toBe(0);

    const parameters = page.getByRole('table', { name: 'Parametrar' });
    expect(await parameters.getByRole('row', { name: /Planeringshorisont/ }).textContent()).toMatch(/14\s*≠ 30/);
    const lines = page.getByRole('table', { name: 'Per kommun och artikel: beslutet och tänk om' });
    const headers = await lines.locator('thead').textContent();
    expect(headers).toContain('Beslutet');
    expect(headers).toContain('Tänk om');
    // Over fourteen days the stock reported covered the need; over thirty it does not: more units, said in words.
    const stockholmFfp2 = lines.getByRole('row', { name: /Skiljer sig: Stockholm Andningsskydd FFP2/ });
    expect(await stockholmFfp2.textContent()).toMatch(/\+[\d\s\u00a0]+ fler/);
    await page.getByText(/rader skiljer sig från beslutet\. Inget har sparats\./).waitFor();
    await checkScreen(tab, 'auditor-what-if');

    await page.getByLabel('Visa bara rader som skiljer sig').check();
    const shown = await lines.locator('tbody tr').count();
    expect(shown).toBe(await lines.locator('tbody tr.row-changed').count());

    expect(await countEvents(env.app)).toBe(before);
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });

  it('opens any stream by its id, typed, and pages through a long one', async () => {
    const tab = await openTab(env.browser);
    const { page } = tab;
    await signIn(env.app, tab, { role: 'auditor', name: 'Anders Revisor' });
    await page.getByRole('link', { name: 'Händelser' }).click();
    await page.getByRole('heading', { level: 1, name: 'Händelser' }).waitFor();
    await page.getByRole('link', { name: 'Vallentuna', exact: true }).waitFor();
    await checkScreen(tab, 'auditor-streams');

    // Keyboard only: from the heading to the field, the id typed, Enter.
    await page.getByRole('heading', { level: 1, name: 'Händelser' }).focus();
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('streamId');
    await page.keyboard.type(`allocation-${rounds.drifted}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${env.app.url}/revision/strom/allocation-${rounds.drifted}`);
    await page.getByRole('heading', { level: 1, name: `Händelser i allocation-${rounds.drifted}` }).waitFor();
    expect(await focusedText(page)).toBe(`Händelser i allocation-${rounds.drifted}`);
    const proposed = page.getByRole('article', { name: /Fördelning föreslagen/ });
    const approved = page.getByRole('article', { name: /Fördelning godkänd/ });
    await approved.waitFor();
    expect(await proposed.textContent()).toContain('Lena Länsstyrelsen (länsstyrelsen, användar-id');
    const approval = await approved.textContent();
    expect(approval).toContain('Maja Möte (logistikmötet, användar-id');
    expect(approval).toContain('Beslutat avAnna Lind (Länsstyrelsen), Erik Berg (Region Stockholm)');
    expect(approval).toContain('VarförEnligt förslaget');
    await approved.getByText('Innehållet som JSON').click();
    // The proposal's content, readable: its inputs and outputs nest, and the decision's id leads to the decision.
    await proposed.getByText('Innehåll', { exact: true }).click();
    await proposed.getByRole('table', { name: 'Tillgång' }).waitFor();
    expect(await proposed.getByRole('link', { name: rounds.drifted }).getAttribute('href')).toBe(`/revision/beslut/${rounds.drifted}`);
    expect(await approved.locator('pre.json').textContent()).toContain('"decidedBy"');
    await checkScreen(tab, 'auditor-timeline-round');

    // The decision page links to the same stream.
    await page.getByRole('link', { name: 'Öppna beslutet' }).first().click();
    await page.getByRole('link', { name: 'Fördelningens händelser' }).click();
    await page.waitForURL(`${env.app.url}/revision/strom/allocation-${rounds.drifted}`);

    // Paging: one event at a time through Vallentuna's two reports and the correction.
    await page.goto(`${env.app.url}/revision/strom/municipality-0115?antal=1`);
    await page.getByText('Händelser som visas: 1. Det finns fler.').waitFor();
    await page.getByRole('button', { name: 'Visa fler händelser' }).click();
    await page.getByText('Händelser som visas: 2. Det finns fler.').waitFor();
    await page.getByRole('button', { name: 'Visa fler händelser' }).click();
    await page.getByText('Alla händelser visas (3).').waitFor();
    expect(await page.getByRole('button', { name: 'Visa fler händelser' }).count()).toBe(0);

    // An id the service refuses is named at the field; an unknown stream says so.
    const field = page.getByLabel('Ström-id');
    await field.fill('inte ett id');
    await field.press('Enter');
    await page.locator('.field-error').getByText('Är inte ett ström-id').waitFor();
    await checkScreen(tab, 'auditor-timeline-refused');
    await field.fill('municipality-9999');
    await field.press('Enter');
    await page.getByText('Okänd ström').waitFor();
    expect(tab.errors).toEqual([]);
    await tab.context.close();
  });
});

/** Vallentuna's FFP2 line of a round's recorded proposal. */
function ffp2Line(round: { body: { proposal: { outputs: { lines: { municipality: string; item: string; quantity: number }[] } } } }) {
  return round.body.proposal.outputs.lines.find((l) => l.municipality === '0115' && l.item === 'FFP2')!;
}
