import type { AllocationApprovedData, AllocationProposedData, AllocationRejectedData } from '../src/allocation/domain/allocation.events.js';
import { allocationStream } from '../src/allocation/domain/allocation.events.js';
import {
  type NationalRequestAnsweredData,
  type NationalRequestRaisedData,
  nationalRequestStream,
} from '../src/national-requests/domain/national-request.events.js';
import { reserveStockReaction } from '../src/allocation/reactions/reserve-stock.reaction.js';
import type { DeliveryReceivedData } from '../src/deliveries/domain/delivery.events.js';
import { deliveryStream } from '../src/deliveries/domain/delivery.events.js';
import { openDeliveryReaction } from '../src/deliveries/reactions/open-delivery.reaction.js';
import { reactionEventId } from '../src/event-store/event-ids.js';
import type { EventMetadata, ExpectedRevision, LogPosition, NewEvent } from '../src/event-store/event-store.js';
import type { PurchaseOrderedData, PurchaseReceivedData } from '../src/procurement/domain/purchase.events.js';
import { purchaseStream } from '../src/procurement/domain/purchase.events.js';
import { receiptsIntoWarehouse } from '../src/procurement/reactions/receipts-into-warehouse.reaction.js';
import type { Reaction } from '../src/projections/reaction.js';
import { ReferenceData, readReferenceCsv } from '../src/reference/reference-data.js';
import type { ReportLine, SituationReportCorrectedData, SituationReportedData } from '../src/reporting/domain/situation-report.events.js';
import { municipalityStream } from '../src/reporting/domain/situation-report.events.js';
import type { DeliveryDispatchedData, StockAdjustedData, StockReceivedData } from '../src/warehouse/domain/warehouse.events.js';
import { warehouseStream } from '../src/warehouse/domain/warehouse.events.js';

/**
 * A national event log, generated deterministically from a seed: 21 counties, 290 municipalities,
 * 104 weeks of weekly situation reports (and a few corrections), weekly purchases received a week
 * later into the county's central warehouse, daily dispatches confirmed by the municipalities the
 * next day, monthly damage write-offs, an allocation round per county every four weeks (approved
 * or rejected, the approved plan reserved and dispatched the next day), and national requests for
 * what a round could not cover.
 *
 * The log comes as *phases*: sets of appends to distinct streams that may run concurrently. A
 * phase is built only once the previous one is written, so what a phase refers to (an allocation
 * round's input position) is already in the log. Derived events (a purchase receipt's stock, a
 * dispatch's delivery stream, an approval's reservation) come from the service's own reactions,
 * with the ids the service would give them.
 */

export interface Append {
  readonly streamId: string;
  readonly events: NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

export interface SeedProgress {
  /** Position of the last event written so far (the writer keeps it up to date between phases). */
  lastPosition: LogPosition;
}

export const WEEKS = 104;
/** A Monday: ISO week 1 of 2023 starts on it. */
const START = Date.UTC(2023, 0, 2);
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MUNICIPALITIES = 290;
/** The 21 Swedish county codes. */
const COUNTY_CODES = ['01', '03', '04', '05', '06', '07', '08', '09', '10', '12', '13', '14', '17', '18', '19', '20', '21', '22', '23', '24', '25'];

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/** sfc32: small, fast and good enough; the whole log follows from its four words of state. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.u32() / 4_294_967_296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)]!;
  }

  /** A version 4 UUID made of the generator's output. */
  uuid(): string {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const a = hex(this.u32());
    const b = hex(this.u32());
    const c = hex(this.u32());
    const d = hex(this.u32());
    const variant = ((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Geography: the reference data's three counties as they are, synthetic municipalities elsewhere

/**
 * The service's reference data grown to the whole country: 21 counties each with a `NN-central`
 * warehouse, and synthetic municipalities (codes `NN50`…, never in the reference file) up to 290.
 */
export const nationalReference = (): ReferenceData => {
  const municipalities = readReferenceCsv('municipalities.csv');
  const warehouses = readReferenceCsv('warehouses.csv');
  const known = new Set(municipalities.map((m) => m.county_code));
  const synthetic = COUNTY_CODES.filter((c) => !known.has(c));
  const missing = MUNICIPALITIES - municipalities.length;
  synthetic.forEach((county, i) => {
    const count = Math.floor(missing / synthetic.length) + (i < missing % synthetic.length ? 1 : 0);
    for (let k = 0; k < count; k++) {
      municipalities.push({
        county_code: county,
        county_name: `Län ${county}`,
        municipality_code: `${county}${50 + k}`,
        municipality_name: `Kommun ${county}${50 + k}`,
      });
    }
    warehouses.push({ warehouse_id: `${county}-central`, county_code: county, name: `Centrallager län ${county}`, operator: `Region ${county}` });
  });
  return new ReferenceData({ municipalities, warehouses, items: readReferenceCsv('items.csv') });
};

// ---------------------------------------------------------------------------------------------
// The simulated world the events describe

interface Lot {
  readonly lot: string | null;
  readonly expiresOn: string | null;
  quantity: number;
}

interface MunicipalityState {
  readonly code: string;
  readonly county: string;
  /** Size of its care homes relative to the average. */
  readonly weight: number;
  /** Wave timing offset (days): the epidemic does not hit everywhere at once. */
  readonly phase: number;
  readonly onHand: Map<string, number>;
  readonly used: Map<string, number>;
  lastReport?: SituationReportedData;
  infections: number;
}

interface WarehouseState {
  readonly id: string;
  readonly county: string;
  readonly stream: string;
  /** Per item, lots in the order they are taken (earliest expiry first). */
  readonly lots: Map<string, Lot[]>;
  /** Per allocation, per municipality and item: units set aside and not yet dispatched. */
  readonly reserved: Map<string, Map<string, number>>;
}

interface OpenPurchase {
  readonly data: PurchaseOrderedData;
  readonly arrives: number;
}

interface PendingDelivery {
  readonly dispatched: DeliveryDispatchedData;
  readonly correlationId: string;
}

interface PendingRound {
  readonly proposed: AllocationProposedData;
  readonly approve: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoDate = (ms: number) => iso(ms).slice(0, 10);
const isoWeekOf = (ms: number): string => {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 4)) / (7 * DAY) + ((new Date(Date.UTC(year, 0, 4)).getUTCDay() + 6) % 7) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
};

/** Daily use per resident-weight and infection, per item: gloves go fast, sampling kits slowly. */
const BASE_USE: Record<string, number> = {
  FFP2: 40,
  FFP3: 8,
  'MASK-IIR': 120,
  VISOR: 6,
  'GLOVE-NITRILE-S': 150,
  'GLOVE-NITRILE-M': 300,
  'GLOVE-NITRILE-L': 150,
  APRON: 90,
  'GOWN-LS': 30,
  'SANITIZER-500': 4,
  'SAMPLING-KIT': 5,
};

export interface NationalLogOptions {
  readonly seed: number;
  /** The log's size the generator aims at: it sets how many deliveries a day there are. */
  readonly events: number;
  /** Every event goes through this before it is handed out (e.g. the registry's write check). */
  readonly check?: (event: NewEvent) => void;
}

/**
 * The national log as phases of appends. The caller writes each phase, updates `progress`, then
 * asks for the next; it may stop at any point (the log is then a consistent prefix).
 */
export function* nationalLog(options: NationalLogOptions, progress: SeedProgress): Generator<Append[]> {
  const random = new Random(options.seed);
  const reference = nationalReference();
  const items = reference.items;
  const revisions = new Map<string, bigint>();

  const municipalities: MunicipalityState[] = reference.municipalities.map((m) => ({
    code: m.code,
    county: m.countyCode,
    weight: 0.4 + random.next() * 2.6,
    phase: random.int(-40, 40),
    onHand: new Map(items.map((i) => [i.code, 0])),
    used: new Map(items.map((i) => [i.code, 0])),
    infections: 0,
  }));
  const warehouses = new Map<string, WarehouseState>(
    reference.warehouses.map((w) => [w.countyCode, { id: w.id, county: w.countyCode, stream: warehouseStream(w.id), lots: new Map(), reserved: new Map() }]),
  );
  const byCounty = new Map<string, MunicipalityState[]>();
  for (const m of municipalities) byCounty.set(m.county, [...(byCounty.get(m.county) ?? []), m]);
  const counties = [...byCounty.keys()].sort();

  // Reports, purchases (three events each), rounds and requests are fixed by the calendar; the
  // rest of the budget goes to deliveries (three events each), at least one a municipality a week.
  const fixed = municipalities.length * WEEKS * 1.02 + counties.length * WEEKS * 2 * 3 + counties.length * (WEEKS / 4) * 5;
  const deliveriesPerDay = Math.max(1 / 7, (options.events - fixed) / 3 / (municipalities.length * WEEKS * 7));

  // --- building events ---------------------------------------------------------------------
  const metadata = (actor: string, role: string, occurredAt: number, correlationId = random.uuid()): EventMetadata => ({
    eventId: random.uuid(),
    correlationId,
    causationId: correlationId,
    actor,
    actorName: actor,
    role,
    occurredAt: iso(occurredAt),
    schemaVersion: 1,
  });
  const event = (type: string, data: unknown, meta: EventMetadata): NewEvent => {
    const e = { type, data, metadata: meta };
    options.check?.(e);
    return e;
  };
  /** What the service's reaction writes for `source`, with the ids and metadata it would give it. */
  const derived = (reaction: Reaction, streamId: string, source: NewEvent): { streamId: string; events: NewEvent[] }[] =>
    reaction.react({ streamId, ...source }).map((effect) => ({
      streamId: effect.streamId,
      events: effect.events.map((e, index) =>
        event(e.type, e.data, {
          ...source.metadata,
          eventId: reactionEventId(source.metadata.eventId, effect.streamId, index),
          causationId: source.metadata.eventId,
        }),
      ),
    }));

  /** Collects one phase: events per stream in order, one append per stream. */
  class Phase {
    readonly streams = new Map<string, NewEvent[]>();
    add(streamId: string, ...events: NewEvent[]): void {
      const list = this.streams.get(streamId);
      if (list) list.push(...events);
      else this.streams.set(streamId, [...events]);
    }
    appends(): Append[] {
      return [...this.streams].map(([streamId, events]) => {
        const revision = revisions.get(streamId);
        revisions.set(streamId, (revision ?? -1n) + BigInt(events.length));
        return { streamId, events, expectedRevision: revision ?? 'no_stream' };
      });
    }
  }

  // --- the warehouse's stock -------------------------------------------------------------------
  const receive = (w: WarehouseState, item: string, lot: Lot) => {
    const lots = w.lots.get(item) ?? [];
    lots.push(lot);
    lots.sort((a, b) => (a.expiresOn ?? '9999').localeCompare(b.expiresOn ?? '9999'));
    w.lots.set(item, lots);
  };
  const onHand = (w: WarehouseState, item: string) => (w.lots.get(item) ?? []).reduce((s, l) => s + l.quantity, 0);
  const heldBack = (w: WarehouseState, item: string) => {
    let held = 0;
    for (const plan of w.reserved.values()) for (const [key, q] of plan) if (key.endsWith(`|${item}`)) held += q;
    return held;
  };
  /** Takes `quantity` from the earliest-expiring lots; answers which. */
  const take = (w: WarehouseState, item: string, quantity: number) => {
    const taken: { lot: string | null; expiresOn: string | null; quantity: number }[] = [];
    const lots = w.lots.get(item) ?? [];
    while (quantity > 0 && lots.length > 0) {
      const lot = lots[0]!;
      const q = Math.min(lot.quantity, quantity);
      taken.push({ lot: lot.lot, expiresOn: lot.expiresOn, quantity: q });
      lot.quantity -= q;
      quantity -= q;
      if (lot.quantity === 0) lots.shift();
    }
    return taken;
  };

  const openPurchases: OpenPurchase[] = [];
  let pendingDeliveries: PendingDelivery[] = [];
  let pendingCorrections: MunicipalityState[] = [];
  const pendingRequests: { data: NationalRequestRaisedData; answerOn: number }[] = [];
  let approvedToday: { warehouse: WarehouseState; approved: AllocationApprovedData; source: NewEvent }[] = [];

  /** Infection pressure: two waves a year apart, each municipality a little early or late. */
  const pressure = (m: MunicipalityState, day: number) => {
    const wave = (centre: number, width: number) => Math.exp(-(((day + m.phase - centre) / width) ** 2));
    return 0.15 + 1.6 * wave(90, 45) + 1.1 * wave(330, 60) + 0.7 * wave(600, 50);
  };

  for (let day = 0; day < WEEKS * 7; day++) {
    const today = START + day * DAY;
    const weekday = day % 7; // 0 = Monday
    for (const m of municipalities) {
      const p = pressure(m, day);
      m.infections = Math.round(m.weight * p * 6 * (0.8 + random.next() * 0.4));
      for (const item of items) {
        const use = Math.round(((BASE_USE[item.code] ?? 10) * m.weight * p * (0.7 + random.next() * 0.6)) / 7);
        const used = Math.min(use, m.onHand.get(item.code)!);
        m.onHand.set(item.code, m.onHand.get(item.code)! - used);
        m.used.set(item.code, m.used.get(item.code)! + used);
      }
    }

    // Morning: reports (Mondays), yesterday's corrections, deliveries arriving, purchases received.
    const morning = new Phase();
    for (const m of pendingCorrections) {
      const original = m.lastReport!;
      const data: SituationReportCorrectedData = {
        correctionId: random.uuid(),
        municipality: m.code,
        corrects: original.reportId,
        reason: 'Räknefel i en enhet; siffrorna rättade efter inventering',
        reportedAt: original.reportedAt,
        period: original.period,
        infections: Math.max(0, original.infections + random.int(-2, 3)),
        lines: original.lines.map((l) => ({ ...l, onHand: Math.max(0, l.onHand + random.int(-50, 50)) })),
      };
      morning.add(municipalityStream(m.code), event('SituationReportCorrected', data, metadata(`user-mun-${m.code}`, 'municipality', today + 9 * HOUR)));
    }
    pendingCorrections = [];
    if (weekday === 0) {
      for (const m of municipalities) {
        const reportedAt = today + 7 * HOUR + random.int(0, 180) * 60_000;
        const lines: ReportLine[] = items.map((item) => {
          const daily = m.used.get(item.code)! / 7;
          return {
            item: item.code,
            onHand: m.onHand.get(item.code)!,
            usedSinceLastReport: m.used.get(item.code)!,
            requested: Math.max(0, Math.round(daily * 14 - m.onHand.get(item.code)!)),
          };
        });
        const data: SituationReportedData = {
          reportId: random.uuid(),
          municipality: m.code,
          reportedAt: iso(reportedAt),
          period: isoWeekOf(today),
          infections: m.infections,
          lines,
        };
        m.lastReport = data;
        for (const item of items) m.used.set(item.code, 0);
        morning.add(municipalityStream(m.code), event('SituationReported', data, metadata(`user-mun-${m.code}`, 'municipality', reportedAt)));
        if (random.chance(0.015)) pendingCorrections.push(m);
      }
    }
    for (const { dispatched, correlationId } of pendingDeliveries) {
      const m = municipalities.find((x) => x.code === dispatched.municipality)!;
      const receivedAt = Date.parse(dispatched.dispatchedAt) + random.int(3, 20) * HOUR;
      const short = random.chance(0.02);
      const lines = dispatched.lines.map((l, i) => {
        const missing = short && i === 0 ? Math.min(l.quantity, random.int(1, 20)) : 0;
        m.onHand.set(l.item, m.onHand.get(l.item)! + l.quantity - missing);
        return {
          item: l.item,
          dispatched: l.quantity,
          accepted: l.quantity - missing,
          rejected: missing,
          ...(missing ? { reason: 'Kartong skadad vid leverans' } : {}),
        };
      });
      const data: DeliveryReceivedData = {
        deliveryId: dispatched.deliveryId,
        municipality: dispatched.municipality,
        county: dispatched.county,
        receivedAt: iso(receivedAt),
        lines,
        discrepancy: short,
      };
      morning.add(
        deliveryStream(dispatched.deliveryId),
        event('DeliveryReceived', data, metadata(`user-mun-${m.code}`, 'municipality', receivedAt, correlationId)),
      );
    }
    const derivedReceipts: { streamId: string; events: NewEvent[] }[] = [];
    for (const purchase of openPurchases.filter((p) => p.arrives === day)) {
      const o = purchase.data;
      const receivedAt = today + 10 * HOUR + random.int(0, 300) * 60_000;
      const data: PurchaseReceivedData = {
        purchaseId: o.purchaseId,
        receiptId: random.uuid(),
        warehouseId: o.warehouseId,
        county: o.county,
        supplier: o.supplier,
        lines: o.lines.map((l) => ({
          item: l.item,
          quantity: l.quantity,
          lot: `L${isoDate(today).replace(/-/g, '')}-${random.int(100, 999)}`,
          expiresOn: isoDate(today + random.int(300, 900) * DAY),
        })),
        overDelivery: false,
      };
      const received = event('PurchaseReceived', data, metadata(`user-wh-${o.county}`, 'warehouse', receivedAt));
      morning.add(purchaseStream(o.purchaseId), received);
      derivedReceipts.push(...derived(receiptsIntoWarehouse, purchaseStream(o.purchaseId), received));
      const w = warehouses.get(o.county)!;
      for (const l of data.lines) receive(w, l.item, { lot: l.lot!, expiresOn: l.expiresOn!, quantity: l.quantity });
    }
    for (const request of pendingRequests.filter((r) => r.answerOn === day)) {
      const granted = random.chance(0.6);
      const data: NationalRequestAnsweredData = {
        requestId: request.data.requestId,
        county: request.data.county,
        outcome: granted ? 'partly-granted' : 'refused',
        lines: granted ? request.data.lines.map((l) => ({ item: l.item, quantity: Math.max(1, Math.floor(l.quantity / 2)) })) : [],
        note: granted ? 'Hälften av begärd mängd; resten vid nästa fördelning' : 'Nationellt lager räcker inte',
      };
      morning.add(nationalRequestStream(data.requestId), event('NationalRequestAnswered', data, metadata('user-admin', 'admin', today + 11 * HOUR)));
    }
    yield morning.appends();

    // Midday: stock into the warehouses, new orders, write-offs, allocation rounds.
    const midday = new Phase();
    for (const r of derivedReceipts) midday.add(r.streamId, ...r.events);
    const rounds: PendingRound[] = [];
    counties.forEach((county, c) => {
      const w = warehouses.get(county)!;
      const local = byCounty.get(county)!;
      if (day === 0) {
        // The emergency stockpile opened at the start of the crisis.
        const data: StockReceivedData = {
          receiptId: random.uuid(),
          warehouseId: w.id,
          source: 'emergency-stockpile',
          from: 'Beredskapslager',
          lines: items.map((item) => ({
            item: item.code,
            quantity: Math.round((BASE_USE[item.code] ?? 10) * local.length * 20),
            lot: `BL-${county}-${item.code}`,
            expiresOn: isoDate(today + 200 * DAY),
          })),
        };
        midday.add(w.stream, event('StockReceived', data, metadata(`user-wh-${county}`, 'warehouse', today + 12 * HOUR)));
        for (const l of data.lines) receive(w, l.item, { lot: l.lot!, expiresOn: l.expiresOn!, quantity: l.quantity });
      }
      if (weekday === 1 || weekday === 3) {
        // Twice a week the region orders what the county's municipalities use in half a week, and more.
        const weight = local.reduce((s, m) => s + m.weight, 0);
        const p = local.reduce((s, m) => s + pressure(m, day + 7), 0) / local.length;
        const data: PurchaseOrderedData = {
          purchaseId: random.uuid(),
          supplier: random.pick(['Mölnlycke Health Care', 'Ahlsell', 'OneMed', 'Abena', 'Medline']),
          warehouseId: w.id,
          county,
          lines: items
            .filter(() => random.chance(0.8))
            .map((item) => ({
              item: item.code,
              quantity: Math.max(item.packSize, Math.round(((BASE_USE[item.code] ?? 10) * weight * p * 0.6) / item.packSize) * item.packSize),
            })),
          expectedAt: iso(today + 7 * DAY),
        };
        if (data.lines.length > 0) {
          midday.add(purchaseStream(data.purchaseId), event('PurchaseOrdered', data, metadata(`user-region-${county}`, 'region', today + 13 * HOUR)));
          openPurchases.push({ data, arrives: day + random.int(4, 9) });
        }
      }
      if (day % 28 === 27) {
        const item = random.pick(items).code;
        const lot = w.lots.get(item)?.[0];
        if (lot && lot.quantity > 10) {
          const damaged = random.int(1, Math.min(200, lot.quantity - 1));
          lot.quantity -= damaged;
          const data: StockAdjustedData = {
            adjustmentId: random.uuid(),
            warehouseId: w.id,
            reason: 'damaged',
            note: 'Fuktskadade kartonger',
            lines: [{ item, lot: lot.lot ?? undefined, change: -damaged, lots: [{ lot: lot.lot, expiresOn: lot.expiresOn, change: -damaged }] }],
          };
          if (data.lines[0]!.lot === undefined) delete (data.lines[0] as { lot?: string }).lot;
          midday.add(w.stream, event('StockAdjusted', data, metadata(`user-wh-${county}`, 'warehouse', today + 14 * HOUR)));
        }
      }
      if (day % 28 === 14 + (c % 7)) {
        const round = proposeRound(w, local, today);
        midday.add(
          allocationStream(round.proposed.allocationId),
          event('AllocationProposed', round.proposed, metadata(`user-county-${county}`, 'county', today + 14 * HOUR)),
        );
        rounds.push(round);
      }
    });
    yield midday.appends();

    // Afternoon: the logistics meeting decides the rounds; unmet need goes to the national board.
    if (rounds.length > 0) {
      const afternoon = new Phase();
      for (const round of rounds) {
        const p = round.proposed;
        const decidedAt = today + 15 * HOUR;
        const meta = metadata(`user-committee-${p.county}`, 'committee', decidedAt);
        if (round.approve) {
          const data: AllocationApprovedData = {
            allocationId: p.allocationId,
            county: p.county,
            warehouseId: p.warehouseId,
            decidedBy: ['Anna Lind', 'Per Berg', 'Sara Ek'],
            note: 'Godkänt enligt förslaget',
            amendments: [],
            plan: p.outputs.lines.filter((l) => l.quantity > 0).map((l) => ({ municipality: l.municipality, item: l.item, quantity: l.quantity })),
          };
          const approved = event('AllocationApproved', data, meta);
          afternoon.add(allocationStream(p.allocationId), approved);
          approvedToday.push({ warehouse: warehouses.get(p.county)!, approved: data, source: approved });
        } else {
          const data: AllocationRejectedData = {
            allocationId: p.allocationId,
            county: p.county,
            decidedBy: ['Anna Lind', 'Per Berg'],
            note: 'Underlaget ofullständigt',
          };
          afternoon.add(allocationStream(p.allocationId), event('AllocationRejected', data, meta));
        }
        const unmet = p.outputs.items.filter((i) => i.unmet > 0);
        if (unmet.length > 0 && random.chance(0.5)) {
          const data: NationalRequestRaisedData = {
            requestId: random.uuid(),
            county: p.county,
            allocationId: p.allocationId,
            lines: unmet.map((i) => ({ item: i.item, quantity: i.unmet })),
            note: 'Ej täckt behov efter fördelning',
          };
          afternoon.add(
            nationalRequestStream(data.requestId),
            event('NationalRequestRaised', data, metadata(`user-county-${p.county}`, 'county', decidedAt + HOUR)),
          );
          pendingRequests.push({ data, answerOn: day + random.int(3, 10) });
        }
      }
      yield afternoon.appends();
    }

    // Evening: reservations of today's approvals; dispatches (Monday to Saturday), the approved plans first.
    const evening = new Phase();
    const dispatches: PendingDelivery[] = [];
    for (const { warehouse: w, approved, source } of approvedToday) {
      for (const effect of derived(reserveStockReaction, allocationStream(approved.allocationId), source)) evening.add(effect.streamId, ...effect.events);
      w.reserved.set(approved.allocationId, new Map(approved.plan.map((l) => [`${l.municipality}|${l.item}`, l.quantity])));
    }
    const toReserve = approvedToday;
    approvedToday = [];
    const dispatch = (w: WarehouseState, m: MunicipalityState, wanted: { item: string; quantity: number }[], allocationId?: string) => {
      const dispatchedAt = today + 16 * HOUR + random.int(0, 240) * 60_000;
      const lines = wanted
        .filter((l) => l.quantity > 0)
        .map((l) => ({ item: l.item, quantity: l.quantity, lots: take(w, l.item, l.quantity) }))
        .filter((l) => l.lots.length > 0)
        .map((l) => ({ ...l, quantity: l.lots.reduce((s, x) => s + x.quantity, 0) }));
      if (lines.length === 0) return;
      const data: DeliveryDispatchedData = {
        deliveryId: random.uuid(),
        warehouseId: w.id,
        municipality: m.code,
        county: m.county,
        ...(allocationId ? { allocationId } : {}),
        vehicle: `${random.pick(['ABC', 'DKR', 'GHT', 'MLP'])} ${random.int(100, 999)}`,
        dispatchedAt: iso(dispatchedAt),
        lines,
      };
      const meta = metadata(`user-wh-${m.county}`, 'warehouse', dispatchedAt);
      const dispatched = event('DeliveryDispatched', data, meta);
      evening.add(w.stream, dispatched);
      dispatches.push({ dispatched: data, correlationId: meta.correlationId });
      if (allocationId) w.reserved.delete(allocationId);
    };
    for (const { warehouse: w, approved } of toReserve) {
      for (const code of new Set(approved.plan.map((l) => l.municipality))) {
        const m = municipalities.find((x) => x.code === code)!;
        dispatch(
          w,
          m,
          approved.plan.filter((l) => l.municipality === code),
          approved.allocationId,
        );
      }
    }
    if (weekday !== 6) {
      for (const m of municipalities) {
        const w = warehouses.get(m.county)!;
        const times = Math.floor((deliveriesPerDay * 7) / 6) + (random.chance(((deliveriesPerDay * 7) / 6) % 1) ? 1 : 0);
        for (let k = 0; k < times; k++) {
          const wanted = items
            .filter(() => random.chance(0.35))
            .map((item) => {
              const need = ((BASE_USE[item.code] ?? 10) * m.weight * pressure(m, day)) / 6 / 0.35 / deliveriesPerDay;
              const free = onHand(w, item.code) - heldBack(w, item.code);
              return { item: item.code, quantity: Math.max(0, Math.min(free, Math.round(need * (0.5 + random.next())))) };
            });
          dispatch(w, m, wanted);
        }
      }
    }
    yield evening.appends();

    // Each dispatch opens its delivery's stream, as the service's reaction does.
    if (dispatches.length > 0) {
      const opened = new Phase();
      for (const d of dispatches) {
        const source = evening.streams
          .get(warehouseStream(d.dispatched.warehouseId))!
          .find((e) => (e.data as DeliveryDispatchedData).deliveryId === d.dispatched.deliveryId)!;
        for (const effect of derived(openDeliveryReaction, warehouseStream(d.dispatched.warehouseId), source)) opened.add(effect.streamId, ...effect.events);
      }
      yield opened.appends();
    }
    pendingDeliveries = dispatches;
  }

  /** A round's proposal from the stock and reports the generator knows: simple, but as the schema wants it. */
  function proposeRound(w: WarehouseState, local: MunicipalityState[], today: number): PendingRound {
    const roundItems = items.slice(0, 4);
    const supply = roundItems.map((item) => ({
      item: item.code,
      available: Math.max(0, onHand(w, item.code) - heldBack(w, item.code)),
      packSize: item.packSize,
    }));
    const inputs = local.map((m) => ({
      municipality: m.code,
      infections: m.lastReport?.infections ?? 0,
      items: roundItems.map((item) => {
        const line = m.lastReport?.lines.find((l) => l.item === item.code);
        return {
          item: item.code,
          projectedStock: m.onHand.get(item.code)!,
          dailyUse: line ? Math.round((line.usedSinceLastReport / 7) * 100) / 100 : null,
          requested: line?.requested ?? 0,
        };
      }),
    }));
    const lines = inputs.flatMap((m) =>
      m.items.map((i) => {
        const s = supply.find((x) => x.item === i.item)!;
        const need = i.requested;
        // A tenth of what is available each, in whole packs: never more than needed nor available.
        const quantity = Math.min(need, Math.floor(s.available / 10 / local.length / s.packSize) * s.packSize);
        return {
          municipality: m.municipality,
          item: i.item,
          need,
          acute: i.dailyUse !== null && i.projectedStock < i.dailyUse * 3,
          quantity,
          unmet: need - quantity,
        };
      }),
    );
    const proposed: AllocationProposedData = {
      allocationId: random.uuid(),
      county: w.county,
      warehouseId: w.id,
      policy: { name: 'need-weighted', version: 2 },
      parameters: { acuteDays: 3, infectionWeight: 0.5 },
      inputs: {
        position: progress.lastPosition.toString(),
        asOf: iso(today + 14 * HOUR),
        streams: [w.stream, ...local.map((m) => municipalityStream(m.code))].map((streamId) => ({
          streamId,
          revision: (revisions.get(streamId) ?? -1n).toString(),
        })),
        supply,
        municipalities: inputs,
      },
      outputs: {
        lines,
        items: supply.map((s) => {
          const allocated = lines.filter((l) => l.item === s.item).reduce((sum, l) => sum + l.quantity, 0);
          const unmet = lines.filter((l) => l.item === s.item).reduce((sum, l) => sum + l.unmet, 0);
          return { item: s.item, available: s.available, allocated, unmet };
        }),
      },
    };
    return { proposed, approve: random.chance(0.9) };
  }
}
