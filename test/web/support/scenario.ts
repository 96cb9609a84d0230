import { call } from '../../support/api.js';
import type { TestApp } from '../../support/app.js';

/**
 * A small county week for the browser journeys, recorded through the API as the people would:
 * three municipalities of Stockholms län report two weeks running (so daily use and days of supply
 * are known), the region orders and the warehouse receives it with lots and expiry dates, plus a
 * donation. What each journey does on top of it is the journey's own.
 */
export const COUNTY = '01';
export const WAREHOUSE = '01-central';
export const MUNICIPALITIES = ['0115', '0117', '0180'] as const; // Vallentuna, Österåker, Stockholm
export const ITEMS = ['FFP2', 'GLOVE-NITRILE-M'] as const;

const DAY = 86_400_000;

/** The answer's body, or a failure that says which call of the scenario broke and why. */
const ok = async (t: TestApp, method: string, path: string, as: string, body?: unknown) => {
  const r = await call(t, method, path, { as, body });
  if (r.status >= 300) throw new Error(`scenario: ${method} ${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.body;
};

export interface Week {
  readonly tokens: Record<'county' | 'warehouse' | 'region' | 'committee' | 'auditor', string> & Record<(typeof MUNICIPALITIES)[number], string>;
  readonly purchaseId: string;
  /** The last position written: reads with `?waitFor=` it see everything. */
  readonly position: string;
}

export const seedWeek = async (t: TestApp, now = new Date()): Promise<Week> => {
  const tokens = {
    county: await t.token('county', { county: COUNTY, name: 'Lena Länsstyrelsen' }),
    warehouse: await t.token('warehouse', { county: COUNTY, name: 'Lars Lager' }),
    region: await t.token('region', { county: COUNTY, name: 'Rut Region' }),
    committee: await t.token('committee', { county: COUNTY, name: 'Maja Möte' }),
    auditor: await t.token('auditor', { name: 'Anders Revisor' }),
    '0115': await t.token('municipality', { municipality: '0115', name: 'Vera Vallentuna' }),
    '0117': await t.token('municipality', { municipality: '0117', name: 'Östen Österåker' }),
    '0180': await t.token('municipality', { municipality: '0180', name: 'Stina Stockholm' }),
  };
  const size: Record<string, number> = { '0115': 1, '0117': 2, '0180': 8 };
  for (const [weeksAgo, infections] of [
    [8, 2],
    [1, 5],
  ] as const) {
    const reportedAt = new Date(now.getTime() - weeksAgo * 7 * DAY).toISOString();
    for (const m of MUNICIPALITIES) {
      const s = size[m]!;
      await ok(t, 'POST', `/api/municipalities/${m}/reports`, tokens[m], {
        reportedAt,
        infections: infections * s,
        lines: [
          { item: 'FFP2', onHand: (weeksAgo === 8 ? 900 : 300) * s, usedSinceLastReport: weeksAgo === 8 ? 0 : 600 * s, requested: 400 * s },
          { item: 'GLOVE-NITRILE-M', onHand: (weeksAgo === 8 ? 4000 : 2500) * s, usedSinceLastReport: weeksAgo === 8 ? 0 : 1500 * s, requested: 1000 * s },
        ],
      });
    }
  }
  const order = await ok(t, 'POST', '/api/purchases', tokens.region, {
    supplier: 'Skyddsgrossisten AB',
    warehouseId: WAREHOUSE,
    lines: [
      { item: 'FFP2', quantity: 6000 },
      { item: 'GLOVE-NITRILE-M', quantity: 20000 },
    ],
    expectedAt: new Date(now.getTime() + 3 * DAY).toISOString(),
  });
  const inAYear = new Date(now.getTime() + 365 * DAY).toISOString().slice(0, 10);
  const soon = new Date(now.getTime() + 40 * DAY).toISOString().slice(0, 10);
  // Received as soon as it is ordered (a receipt's time may not precede its order's).
  await ok(t, 'POST', `/api/purchases/${order.purchaseId}/receipts`, tokens.warehouse, {
    lines: [
      { item: 'FFP2', quantity: 4000, lot: 'FFP2-2026-A', expiresOn: inAYear },
      { item: 'GLOVE-NITRILE-M', quantity: 12000, lot: 'GLV-2026-A', expiresOn: inAYear },
    ],
  });
  const donation = await ok(t, 'POST', `/api/warehouses/${WAREHOUSE}/receipts`, tokens.warehouse, {
    source: 'donation',
    from: 'Byggbolaget i Solna AB',
    receivedAt: new Date(now.getTime() - DAY).toISOString(),
    lines: [{ item: 'FFP2', quantity: 500, lot: 'FFP2-DON-1', expiresOn: soon }],
  });
  return { tokens, purchaseId: order.purchaseId, position: donation.position };
};

/** A round the county board opens over the seeded week; its id and position. */
export const openRound = async (t: TestApp, week: Week): Promise<{ allocationId: string; position: string }> =>
  ok(t, 'POST', '/api/allocation-rounds', week.tokens.county, { items: [...ITEMS] });

/** The logistics meeting approves a round as proposed. */
export const approveRound = async (t: TestApp, week: Week, allocationId: string): Promise<{ position: string }> =>
  ok(t, 'POST', `/api/allocation-rounds/${allocationId}/approve`, week.tokens.committee, {
    decidedBy: ['Anna Lind (Länsstyrelsen)', 'Erik Berg (Region Stockholm)'],
    note: 'Enligt förslaget',
  });
