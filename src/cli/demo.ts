import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Role } from '../shared/actor.js';
import { loadSigningKey } from '../auth/signing-key.js';
import { signingKeyFile, signToken } from '../auth/local-token.js';
import { loadConfig } from '../config/config.js';
import { ReferenceData } from '../reference/reference-data.js';

/**
 * `npm run demo` — a few weeks of Stockholm County through the public API, so that a newcomer
 * sees real numbers in every read: weekly reports from all 26 municipalities (infections and use
 * rising and falling), the region's purchases and partial receipts, stock from the emergency
 * stockpile, a donation from a local company, a national allocation, daily dispatches, and
 * confirmations with a few discrepancies, over the three weeks before this one; then this week's
 * reports and decisions, so that an auditor has decisions to replay: an allocation round approved
 * and fully dispatched and received, one approved with an amended line, partly dispatched and
 * drifted by a late correction of a report it used, one rejected, and a national request for the
 * unmet need that round left. No business time lies in the future.
 *
 * Runs against the service at DEMO_URL (default http://127.0.0.1:PORT), or starts one on the
 * embedded database and leaves it running. Every request carries an Idempotency-Key derived from
 * the week the demo is anchored to, so running it twice in one week changes nothing: the daily
 * story ends before this week, and this week's rounds are answered again as first recorded.
 */
const config = loadConfig();
const reference = ReferenceData.load();
const BASE = process.env.DEMO_URL ?? `http://127.0.0.1:${config.PORT}`;
const COUNTY = '01';
const WAREHOUSE = reference.warehouseOf(COUNTY)!.id;
const ITEMS = ['FFP2', 'MASK-IIR', 'GLOVE-NITRILE-M', 'APRON', 'SANITIZER-500'] as const;
const DAY = 86_400_000;

/** Deterministic pseudo-random numbers (mulberry32), so every run tells the same story. */
const random = (() => {
  let seed = 20_200_315;
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
})();

const mondayOf = (at: Date) => {
  const d = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
};
const now = new Date();
/** Monday three weeks before this week's: the demo's day 0. */
const anchor = new Date(mondayOf(now).getTime() - 21 * DAY);
const at = (day: number, hour: number) => new Date(anchor.getTime() + day * DAY + hour * 3_600_000);
const iso = (d: Date) => d.toISOString();
const runKey = anchor.toISOString().slice(0, 10);

const tokens = new Map<string, string>();
const key = await loadSigningKey(signingKeyFile(config), true);
const tokenFor = async (role: Role, scope: { county?: string; municipality?: string } = {}) => {
  const id = `${role}:${scope.municipality ?? scope.county ?? ''}`;
  if (!tokens.has(id)) {
    const names: Record<string, string> = {
      region: 'Karin Lund (regionens inköp)',
      warehouse: 'Omar Haddad (logistik, Stockholms stad)',
      county: 'Eva Nyström (länsstyrelsen)',
      committee: 'Logistikberedningen Stockholms län',
      auditor: 'Revisor',
    };
    const sub = `demo-${role}-${scope.municipality ?? scope.county ?? 'all'}`;
    const name = role === 'municipality' ? `Samordnare ${reference.municipality(scope.municipality!)!.name}` : (names[role] ?? role);
    tokens.set(id, await signToken(key, { sub, name, role, ...scope }, config, 3600));
  }
  return tokens.get(id)!;
};

class DemoError extends Error {}

/** The fields of the API's answers the demo reads (each answer has some of them). */
interface Answer {
  readonly position: string;
  readonly purchaseId: string;
  readonly deliveryId: string;
  readonly reportId: string;
  readonly requestId: string;
  readonly summary: Record<string, number>;
  /** An allocation round's proposal (opening) and plan (approval). */
  readonly allocationId: string;
  readonly outputs: {
    readonly lines: readonly { municipality: string; item: string; quantity: number; unmet: number }[];
    readonly items: readonly { item: string; unmet: number }[];
  };
  readonly plan: readonly { municipality: string; item: string; quantity: number }[];
}

const api = async (method: string, route: string, as: string, body?: unknown, idempotencyKey?: string) => {
  const response = await fetch(`${BASE}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${as}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(idempotencyKey ? { 'idempotency-key': `demo-${runKey}-${idempotencyKey}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text && /json/.test(response.headers.get('content-type') ?? '') ? (JSON.parse(text) as unknown) : text;
  if (!response.ok) {
    const problem = parsed as { title?: string; detail?: string };
    throw new DemoError(`${method} ${route} answered ${response.status}: ${problem.title ?? ''} ${problem.detail ?? text}`);
  }
  return parsed as Answer;
};

const healthy = async () => {
  try {
    return (await fetch(`${BASE}/api/health`)).ok;
  } catch {
    return false;
  }
};

const ensureService = async () => {
  if (await healthy()) return;
  if (process.env.DEMO_URL) throw new DemoError(`no service answers at ${BASE}`);
  const main = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
  const log = path.join(config.dataDir, 'service.log');
  process.stdout.write(`No service at ${BASE}: starting one (log: ${log})…\n`);
  const child = spawn(process.execPath, [main], { detached: true, stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
  child.unref();
  for (let i = 0; i < 240 && !(await healthy()); i++) await new Promise((r) => setTimeout(r, 250));
  if (!(await healthy())) throw new DemoError(`the service did not start; see ${log}`);
  process.stdout.write(`Service started (pid ${child.pid}); it keeps running after the demo. Stop it with: kill ${child.pid}\n`);
};

// ---------------------------------------------------------------------------------------------
// The story.

const municipalities = reference.municipalitiesOf(COUNTY);
/** Rough size of each municipality's care (Stockholm city is by far the largest). */
const size = new Map(municipalities.map((m) => [m.code, m.code === '0180' ? 12 : 1 + Math.round(random() * 3)]));
/** Daily use per unit of size, by item. */
const baseUse: Record<(typeof ITEMS)[number], number> = { FFP2: 14, 'MASK-IIR': 40, 'GLOVE-NITRILE-M': 160, APRON: 30, 'SANITIZER-500': 3 };
/** Each municipality's stock as the demo imagines it, to report counts consistent with deliveries. */
const stock = new Map<string, number>();
const stockKey = (m: string, item: string) => `${m}|${item}`;
for (const m of municipalities) for (const item of ITEMS) stock.set(stockKey(m.code, item), Math.round(baseUse[item] * size.get(m.code)! * (4 + random() * 6)));
/** The wave: infection pressure per week of the demo. */
const wave = [1, 2.2, 3.1, 2.4];
let last = '0';
/** The warehouse's stock as the demo tracks it, so that a second run sends the very same requests. */
const inWarehouse = new Map<string, number>();
const intoWarehouse = (lines: readonly { item: string; quantity: number }[]) => {
  for (const l of lines) inWarehouse.set(l.item, (inWarehouse.get(l.item) ?? 0) + l.quantity);
};

/** Each municipality's latest report as sent, so that one can be corrected late. */
const latestReport = new Map<
  string,
  { reportId: string; infections: number; lines: { item: string; onHand: number; usedSinceLastReport: number; requested: number }[] }
>();

const report = async (week: number) => {
  const day = week * 7;
  const reportedAt = at(day, 8);
  if (reportedAt > now) return;
  for (const m of municipalities) {
    const s = size.get(m.code)!;
    const infections = Math.round(s * wave[week]! * (0.5 + random()));
    const lines = ITEMS.map((item) => {
      const used = week === 0 ? 0 : Math.round(baseUse[item] * s * 7 * (0.7 + 0.15 * wave[week]!) * (0.8 + random() * 0.4));
      const k = stockKey(m.code, item);
      const onHand = Math.max(0, stock.get(k)! - used);
      stock.set(k, onHand);
      const requested = Math.max(0, Math.round(baseUse[item] * s * 14 * (0.7 + 0.15 * wave[week]!) - onHand));
      return { item, onHand, usedSinceLastReport: used, requested };
    });
    const r = await api(
      'POST',
      `/api/municipalities/${m.code}/reports`,
      await tokenFor('municipality', { municipality: m.code }),
      { reportedAt: iso(reportedAt), infections, lines },
      `report-${m.code}-w${week}`,
    );
    latestReport.set(m.code, { reportId: r.reportId, infections, lines });
    last = r.position;
  }
  process.stdout.write(`  week ${week + 1}: reports from all ${municipalities.length} municipalities\n`);
};

const receive = async (
  source: string,
  from: string,
  day: number,
  lines: { item: string; quantity: number; lot?: string; expiresOn?: string }[],
  id: string,
  nationalRequestId?: string,
) => {
  if (at(day, 7) > now) return;
  const r = await api(
    'POST',
    `/api/warehouses/${WAREHOUSE}/receipts`,
    await tokenFor('warehouse', { county: COUNTY }),
    { source, from, lines, receivedAt: iso(at(day, 7)), ...(nationalRequestId ? { nationalRequestId } : {}) },
    id,
  );
  intoWarehouse(lines);
  last = r.position;
  process.stdout.write(`  day ${day}: ${source} from ${from}\n`);
};

const purchases: { id: string; lines: { item: string; quantity: number }[] }[] = [];
const order = async (day: number, supplier: string, lines: { item: string; quantity: number }[], id: string) => {
  const r = await api(
    'POST',
    '/api/purchases',
    await tokenFor('region', { county: COUNTY }),
    { supplier, warehouseId: WAREHOUSE, lines, expectedAt: iso(at(day + 10, 9)) },
    id,
  );
  purchases.push({ id: r.purchaseId, lines });
  last = r.position;
  process.stdout.write(`  day ${day}: the region orders from ${supplier}\n`);
  return r.purchaseId as string;
};
const receiveAgainst = async (purchaseId: string, day: number, share: number, lotTag: string, id: string) => {
  if (at(day, 10) > now) return;
  const purchase = purchases.find((p) => p.id === purchaseId)!;
  const expiry = new Date(at(day, 0).getTime() + (400 + Math.round(random() * 300)) * DAY).toISOString().slice(0, 10);
  const lines = purchase.lines.map((l) => ({ item: l.item, quantity: Math.floor(l.quantity * share), lot: `${lotTag}-${l.item}`, expiresOn: expiry }));
  const r = await api(
    'POST',
    `/api/purchases/${purchaseId}/receipts`,
    await tokenFor('warehouse', { county: COUNTY }),
    { lines, receivedAt: iso(at(day, 10)) },
    id,
  );
  intoWarehouse(lines);
  last = r.position;
  process.stdout.write(`  day ${day}: ${Math.round(share * 100)}% of the order received into the warehouse\n`);
};

const dispatches: { deliveryId: string; municipality: string; day: number; lines: { item: string; quantity: number }[] }[] = [];
const dispatchDay = async (day: number) => {
  if (at(day, 13) > now) return;
  const warehouse = await tokenFor('warehouse', { county: COUNTY });
  const left = inWarehouse;
  // Six municipalities a day, in turn, each getting about a week of its use where stock allows.
  const turn = municipalities.filter((_, i) => (i + day) % 5 === 0).slice(0, 6);
  for (const m of turn) {
    const lines = ITEMS.map((item) => {
      const want = Math.round(baseUse[item] * size.get(m.code)! * 10);
      const quantity = Math.min(want, Math.floor((left.get(item) ?? 0) * 0.35));
      left.set(item, (left.get(item) ?? 0) - quantity);
      return { item, quantity };
    }).filter((l) => l.quantity > 0);
    if (lines.length === 0) continue;
    const r = await api(
      'POST',
      `/api/warehouses/${WAREHOUSE}/dispatches`,
      warehouse,
      { municipality: m.code, lines, vehicle: `BIL-${1 + (day % 4)}`, dispatchedAt: iso(at(day, 13)) },
      `dispatch-${day}-${m.code}`,
    );
    dispatches.push({ deliveryId: r.deliveryId, municipality: m.code, day, lines });
    last = r.position;
  }
};

const confirmDeliveries = async (day: number) => {
  for (const d of dispatches.filter((x) => x.day === day - 1)) {
    if (at(day, 9) > now) return;
    const damaged = random() < 0.12;
    const lines = d.lines.map((l, i) => {
      const received = damaged && i === 0 ? Math.floor(l.quantity * 0.9) : l.quantity;
      for (const item of [l.item]) stock.set(stockKey(d.municipality, item), stock.get(stockKey(d.municipality, item))! + received);
      return { item: l.item, received, ...(received < l.quantity ? { reason: 'Kartong skadad vid leverans / carton damaged in transit' } : {}) };
    });
    const r = await api(
      'POST',
      `/api/deliveries/${d.deliveryId}/receipt`,
      await tokenFor('municipality', { municipality: d.municipality }),
      { receivedAt: iso(at(day, 9)), lines },
      `receipt-${d.deliveryId}`,
    );
    last = r.position;
  }
};

// ---------------------------------------------------------------------------------------------
// This week: the county's allocation rounds, decided, dispatched against, drifted, escalated.

interface Round {
  readonly allocationId: string;
  readonly what: string;
}
const decision = (note: string) => ({ decidedBy: ['Anna Lind (Länsstyrelsen)', 'Erik Berg (Region Stockholm)'], note });

const openRound = async (items: string[], id: string) => {
  const r = await api('POST', '/api/allocation-rounds', await tokenFor('county', { county: COUNTY }), { items }, id);
  last = r.position;
  return r;
};
const decide = async (allocationId: string, what: 'approve' | 'reject', body: object, id: string) => {
  const r = await api('POST', `/api/allocation-rounds/${allocationId}/${what}`, await tokenFor('committee', { county: COUNTY }), body, id);
  last = r.position;
  return r;
};
/** One dispatch per municipality of the plan's lines, naming the round; confirmed on arrival when `confirm`. */
const dispatchPlan = async (allocationId: string, plan: Answer['plan'], id: string, confirm: boolean) => {
  const warehouse = await tokenFor('warehouse', { county: COUNTY });
  const byMunicipality = new Map<string, Answer['plan'][number][]>();
  for (const l of plan) byMunicipality.set(l.municipality, [...(byMunicipality.get(l.municipality) ?? []), l]);
  for (const [municipality, lines] of byMunicipality) {
    const sent = lines.map(({ item, quantity }) => ({ item, quantity }));
    const d = await api(
      'POST',
      `/api/warehouses/${WAREHOUSE}/dispatches`,
      warehouse,
      { municipality, allocationId, lines: sent },
      `${id}-dispatch-${municipality}`,
    );
    last = d.position;
    if (!confirm) continue;
    const r = await api(
      'POST',
      `/api/deliveries/${d.deliveryId}/receipt`,
      await tokenFor('municipality', { municipality }),
      { lines: sent.map(({ item, quantity }) => ({ item, received: quantity })) },
      `${id}-receipt-${municipality}`,
    );
    last = r.position;
  }
  return byMunicipality.size;
};

const decideThisWeek = async (): Promise<{ rounds: Round[]; requestId?: string }> => {
  const rounds: Round[] = [];

  // 1. Gloves and aprons, approved as proposed, every line dispatched and received: a decision that replays cleanly.
  const first = await openRound(['GLOVE-NITRILE-M', 'APRON'], 'round-1');
  const firstApproval = await decide(first.allocationId, 'approve', decision('Logistikberedningen: enligt förslaget / as proposed'), 'round-1-approve');
  const delivered = await dispatchPlan(first.allocationId, firstApproval.plan, 'round-1', true);
  rounds.push({ allocationId: first.allocationId, what: `approved, dispatched to ${delivered} municipalities and received (closed)` });
  process.stdout.write(`  round 1 (gloves, aprons): approved as proposed, dispatched to ${delivered} municipalities and received\n`);

  // 2. Respirators, approved with one line amended, partly dispatched.
  const second = await openRound(['FFP2'], 'round-2');
  const lines = second.outputs.lines.filter((l) => l.quantity > 0).sort((a, b) => b.quantity - a.quantity || a.municipality.localeCompare(b.municipality));
  const moved = lines.length >= 2 ? Math.min(100, Math.floor(lines[0]!.quantity / 10)) : 0;
  const amendments =
    moved > 0
      ? [
          {
            municipality: lines[0]!.municipality,
            item: 'FFP2',
            quantity: lines[0]!.quantity - moved,
            reason: 'Ett boende stängt sedan förra veckan / a care home closed last week',
          },
          {
            municipality: lines[1]!.municipality,
            item: 'FFP2',
            quantity: lines[1]!.quantity + moved,
            reason: 'Nytt utbrott rapporterat per telefon / new outbreak reported by phone',
          },
        ]
      : [];
  const secondApproval = await decide(
    second.allocationId,
    'approve',
    { ...decision('Logistikberedningen: med en ändring / with one change'), amendments },
    'round-2-approve',
  );
  const firstTwo = new Set(secondApproval.plan.map((l) => l.municipality).slice(0, 2));
  const sent = await dispatchPlan(
    second.allocationId,
    secondApproval.plan.filter((l) => firstTwo.has(l.municipality)),
    'round-2',
    false,
  );
  process.stdout.write(
    `  round 2 (FFP2): approved with ${amendments.length} amended lines, dispatched to ${sent} of ${secondApproval.plan.length} municipalities\n`,
  );

  // A late correction of a report the round used: its FFP2 figures change, so the decision drifts
  // (round 1, without FFP2, does not: the municipality's infections stay as they were).
  const corrected = [...latestReport.entries()].find(([code]) => second.outputs.lines.some((l) => l.municipality === code && l.item === 'FFP2'));
  if (corrected) {
    const [municipality, was] = corrected;
    const lines = was.lines.map((l) => (l.item === 'FFP2' ? { ...l, onHand: Math.floor(l.onHand * 0.7), requested: l.requested + 500 } : l));
    const r = await api(
      'POST',
      `/api/municipalities/${municipality}/reports/${was.reportId}/corrections`,
      await tokenFor('municipality', { municipality }),
      { reason: 'Två boenden saknades i räkningen / two care homes were left out of the count', infections: was.infections, lines },
      `correction-${was.reportId}`,
    );
    last = r.position;
    process.stdout.write(`  ${reference.municipality(municipality)!.name} corrects its latest report: round 2 has drifted\n`);
  }
  rounds.push({ allocationId: second.allocationId, what: `approved with ${amendments.length} amended lines, partly dispatched, drifted` });

  // 3. Surgical masks, rejected: the committee waits for the national delivery.
  const third = await openRound(['MASK-IIR'], 'round-3');
  await decide(third.allocationId, 'reject', decision('Avvaktar nationell leverans / waiting for the national delivery'), 'round-3-reject');
  rounds.push({ allocationId: third.allocationId, what: 'rejected' });
  process.stdout.write('  round 3 (surgical masks): rejected\n');

  // The gloves round 1 could not give go to the national board, unanswered for now.
  const unmet = first.outputs.items.filter((i) => i.unmet > 0).map(({ item, unmet }) => ({ item, quantity: unmet }));
  if (unmet.length === 0) return { rounds };
  const request = await api(
    'POST',
    '/api/national-requests',
    await tokenFor('county', { county: COUNTY }),
    { allocationId: first.allocationId, lines: unmet, note: 'Ej tillgodosett behov efter fördelningen / unmet need after the round' },
    'national-request-1',
  );
  last = request.position;
  process.stdout.write(`  the county asks the national board for round 1's unmet need: ${unmet.map((l) => `${l.quantity} ${l.item}`).join(', ')}\n`);
  return { rounds, requestId: request.requestId };
};

const main = async () => {
  await ensureService();
  process.stdout.write(`Playing three weeks of ${reference.county(COUNTY)!.name} from ${runKey}, then this week's decisions, against ${BASE}\n`);
  await receive(
    'emergency-stockpile',
    'Beredskapslager Region Stockholm',
    0,
    ITEMS.map((item) => ({ item, quantity: baseUse[item] * 60 * 15, lot: `BL-2019-${item}`, expiresOn: iso(at(200, 0)).slice(0, 10) })),
    'stockpile',
  );
  await report(0);
  const p1 = await order(
    0,
    'Nordic Medical Supply AB',
    ITEMS.map((item) => ({ item, quantity: baseUse[item] * 60 * 20 })),
    'purchase-1',
  );
  await receiveAgainst(p1, 3, 0.4, 'NMS-A', 'purchase-1-receipt-1');
  let secondOrder: string | undefined;
  // Day by day until this Monday's reports; this week is the county's decisions.
  for (let day = 1; day <= 21; day++) {
    if (day % 7 === 0) await report(day / 7);
    if (day === 8)
      await receive(
        'donation',
        'Bygg & Fastighet i Solna AB',
        8,
        [
          { item: 'FFP2', quantity: 2000 },
          { item: 'GLOVE-NITRILE-M', quantity: 10_000 },
        ],
        'donation-1',
      );
    if (day === 9) await receiveAgainst(p1, 9, 0.6, 'NMS-B', 'purchase-1-receipt-2');
    if (day === 10) {
      secondOrder = await order(
        10,
        'Svensk Skyddsutrustning AB',
        [
          { item: 'FFP2', quantity: 30_000 },
          { item: 'APRON', quantity: 20_000 },
        ],
        'purchase-2',
      );
    }
    if (day === 17 && secondOrder) await receiveAgainst(secondOrder, 17, 0.5, 'SSU-A', 'purchase-2-receipt-1');
    if (day === 15)
      await receive(
        'national-allocation',
        'Socialstyrelsen, nationell fördelning',
        15,
        [{ item: 'FFP2', quantity: 8000, lot: 'SoS-2026-11', expiresOn: iso(at(700, 0)).slice(0, 10) }],
        'national-1',
      );
    if (day % 7 >= 1 && day % 7 <= 4) await dispatchDay(day);
    if (day % 7 >= 2 && day % 7 <= 5) await confirmDeliveries(day);
  }
  process.stdout.write(`  ${dispatches.length} deliveries dispatched and confirmed where due\n`);
  const decided = await decideThisWeek();
  process.stdout.write('\n');

  const county = await tokenFor('county', { county: COUNTY });
  const overview = await api('GET', `/api/stock?county=${COUNTY}&waitFor=${last}`, county);
  const deliveries = await fetch(`${BASE}/api/deliveries?limit=5&waitFor=${last}`, { headers: { authorization: `Bearer ${county}`, accept: 'text/csv' } });
  process.stdout.write(`Read it yourself (token: TOKEN=$(npm run -s token -- --role county --county ${COUNTY})):\n`);
  const statuses = Object.entries(overview.summary as Record<string, number>)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  process.stdout.write(`  GET ${BASE}/api/stock?county=${COUNTY}  → municipalities by worst status: ${statuses}\n`);
  process.stdout.write(
    `  GET ${BASE}/api/municipalities/0180/stock\n  GET ${BASE}/api/warehouses/${WAREHOUSE}/stock\n  GET ${BASE}/api/reporting/completeness?county=${COUNTY}\n`,
  );
  process.stdout.write(`  GET ${BASE}/api/deliveries (Accept: text/csv) → first lines:\n`);
  process.stdout.write(
    `${(await deliveries.text())
      .split('\n')
      .slice(0, 4)
      .map((l) => `    ${l}`)
      .join('\n')}\n`,
  );

  // Wait until the rounds, their drift and the national requests are readable, so that what is printed answers at once.
  const auditor = await tokenFor('auditor');
  await api('GET', `/api/allocation-rounds?county=${COUNTY}&waitFor=${last}`, auditor);
  await api('GET', `/api/national-requests?county=${COUNTY}&waitFor=${last}`, auditor);
  process.stdout.write(`\nDecisions to replay (token: AUDITOR=$(npm run -s token -- --role auditor)):\n`);
  process.stdout.write(`  GET ${BASE}/api/allocation-rounds?county=${COUNTY}  → every round of the county, its status, plan and drift\n`);
  for (const [i, round] of decided.rounds.entries()) {
    process.stdout.write(`  round ${i + 1} ${round.allocationId}: ${round.what}\n`);
    process.stdout.write(`    GET ${BASE}/api/audit/allocation-rounds/${round.allocationId}/replay\n`);
  }
  const [replayed] = decided.rounds;
  if (replayed) {
    process.stdout.write(
      `  What if infection pressure had weighed nothing (nothing is written):\n` +
        `    curl -X POST -H "Authorization: Bearer $AUDITOR" -H 'content-type: application/json' \\\n` +
        `      -d '{"parameters":{"infectionWeight":0}}' ${BASE}/api/audit/allocation-rounds/${replayed.allocationId}/what-if\n`,
    );
  }
  if (decided.requestId) process.stdout.write(`  national request ${decided.requestId}: GET ${BASE}/api/national-requests?county=${COUNTY}\n`);
  process.stdout.write(`  GET ${BASE}/api/situation?county=${COUNTY}  → the situation picture: unmet need, drifted rounds, open national requests\n`);
  process.stdout.write(
    `\nThe screens: open ${BASE}/ and sign in locally as any role of Stockholms län (01) — the county board sees the county ` +
      `today, the auditor these decisions (round 2 drifted), a municipality such as Stockholm (0180) its stock and deliveries.\n`,
  );
};

main().catch((error: unknown) => {
  if (error instanceof DemoError) {
    process.stderr.write(`demo stopped: ${error.message}\n`);
    process.stderr.write('If the demo ran before against this data folder in another week, start from a fresh DATA_DIR.\n');
  } else {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
