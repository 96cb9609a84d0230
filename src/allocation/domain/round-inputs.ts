import type { DeliveryReceivedData } from '../../deliveries/domain/delivery.events.js';
import type { ReportLine, SituationReportCorrectedData, SituationReportedData } from '../../reporting/domain/situation-report.events.js';
import { projectStock } from '../../stock/domain/projected-stock.js';
import type { DeliveryDispatchedData, StockAdjustedData, StockReceivedData } from '../../warehouse/domain/warehouse.events.js';
import type { ItemSupply, MunicipalityInput, PolicyInputs } from './policies/policy.js';

/**
 * The inputs of an allocation round, computed from the log alone: the warehouse's stream, the
 * county's municipality streams, and the streams of the deliveries that bear on their stock. The
 * same function serves the proposal and its replay, so a replay that reads the same events must
 * reproduce the recorded inputs exactly. Pure: the streams are read elsewhere (round-facts.ts).
 */

/** An event as this computation needs it. */
export interface Fact {
  readonly streamId: string;
  readonly type: string;
  readonly data: unknown;
}

export interface RoundScope {
  readonly municipalities: readonly string[];
  readonly items: readonly { readonly item: string; readonly packSize: number }[];
  /** Business time the municipalities' stock is projected to. */
  readonly asOf: Date;
}

export interface RoundFacts {
  readonly warehouse: readonly Fact[];
  readonly municipalities: ReadonlyMap<string, readonly Fact[]>;
  /** Events of `delivery-{id}` streams (opened, received). */
  readonly deliveries: readonly Fact[];
}

interface EffectiveReport {
  readonly reportId: string;
  readonly reportedAt: Date;
  readonly infections: number;
  readonly lines: readonly ReportLine[];
}

/** A municipality's reports with their latest corrections applied, in the order they describe. */
export const effectiveReports = (facts: readonly Fact[]): EffectiveReport[] => {
  const reports = new Map<string, EffectiveReport>();
  for (const fact of facts) {
    if (fact.type === 'SituationReported') {
      const d = fact.data as SituationReportedData;
      reports.set(d.reportId, { reportId: d.reportId, reportedAt: new Date(d.reportedAt), infections: d.infections, lines: d.lines });
    } else if (fact.type === 'SituationReportCorrected') {
      const d = fact.data as SituationReportCorrectedData;
      const report = reports.get(d.corrects);
      if (report) reports.set(d.corrects, { ...report, infections: d.infections, lines: d.lines });
    }
  }
  return [...reports.values()].sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime());
};

/** Warehouse stock per item: on hand minus what approved allocations still hold. */
export const warehouseAvailable = (facts: readonly Fact[]): Map<string, number> => {
  const onHand = new Map<string, number>();
  const reserved = new Map<string, Map<string, number>>(); // allocation → item → units still held
  const add = (item: string, units: number) => onHand.set(item, (onHand.get(item) ?? 0) + units);
  for (const fact of facts) {
    switch (fact.type) {
      case 'StockReceived':
        for (const l of (fact.data as StockReceivedData).lines) add(l.item, l.quantity);
        break;
      case 'StockAdjusted':
        for (const l of (fact.data as StockAdjustedData).lines) add(l.item, l.change);
        break;
      case 'DeliveryDispatched': {
        const d = fact.data as DeliveryDispatchedData;
        for (const l of d.lines) {
          add(l.item, -l.quantity);
          const held = d.allocationId ? reserved.get(d.allocationId) : undefined;
          if (held?.has(l.item)) held.set(l.item, Math.max(0, held.get(l.item)! - l.quantity));
        }
        break;
      }
      case 'StockReserved': {
        const d = fact.data as { allocationId: string; lines: { item: string; quantity: number }[] };
        const held = reserved.get(d.allocationId) ?? new Map<string, number>();
        for (const l of d.lines) held.set(l.item, (held.get(l.item) ?? 0) + l.quantity);
        reserved.set(d.allocationId, held);
        break;
      }
      default:
        break;
    }
  }
  const available = new Map<string, number>();
  for (const [item, units] of onHand) {
    const held = [...reserved.values()].reduce((sum, h) => sum + (h.get(item) ?? 0), 0);
    available.set(item, Math.max(0, units - held));
  }
  return available;
};

/** Accepted units per municipality and item from deliveries received in (after, until]. */
const receivedBetween = (deliveries: readonly Fact[], municipality: string, item: string, after: Date, until: Date): number => {
  let units = 0;
  for (const fact of deliveries) {
    if (fact.type !== 'DeliveryReceived') continue;
    const d = fact.data as DeliveryReceivedData;
    const at = new Date(d.receivedAt);
    if (d.municipality !== municipality || at <= after || at > until) continue;
    for (const l of d.lines) if (l.item === item) units += l.accepted;
  }
  return units;
};

export const buildRoundInputs = (scope: RoundScope, facts: RoundFacts): PolicyInputs => {
  const available = warehouseAvailable(facts.warehouse);
  const supply: ItemSupply[] = scope.items.map(({ item, packSize }) => ({ item, available: available.get(item) ?? 0, packSize }));
  const municipalities: MunicipalityInput[] = [];
  for (const code of [...scope.municipalities].sort()) {
    const reports = effectiveReports(facts.municipalities.get(code) ?? []).filter((r) => r.reportedAt <= scope.asOf);
    const latest = reports[reports.length - 1];
    if (!latest) continue; // never reported: nothing is known to share by
    const previous = reports[reports.length - 2];
    const items = scope.items.flatMap(({ item }) => {
      const line = latest.lines.find((l) => l.item === item);
      if (!line) return [];
      const projected = projectStock(
        {
          lastCount: {
            reportId: latest.reportId,
            countedAt: latest.reportedAt,
            onHand: line.onHand,
            usedSinceLastReport: line.usedSinceLastReport,
            requested: line.requested,
            ...(previous ? { previousReportAt: previous.reportedAt } : {}),
          },
          deliveredSince: receivedBetween(facts.deliveries, code, item, latest.reportedAt, scope.asOf),
          inTransit: 0,
        },
        scope.asOf,
        // Thresholds only colour the status, which the policy does not use.
        { criticalDays: 3, lowDays: 7 },
      );
      return [{ item, projectedStock: projected.projected, dailyUse: projected.dailyUse, requested: line.requested }];
    });
    if (items.length > 0) municipalities.push({ municipality: code, infections: latest.infections, items });
  }
  return { supply, municipalities };
};

/**
 * The delivery streams a round must read: deliveries to the scope's municipalities dispatched after
 * the earliest of their latest counts, less a week — a delivery dispatched before a count but
 * received after it adds to the stock counted; one received before the count is in the count.
 */
export const deliveriesToRead = (scope: RoundScope, facts: Pick<RoundFacts, 'warehouse' | 'municipalities'>): string[] => {
  const counts = scope.municipalities.flatMap((code) => {
    const reports = effectiveReports(facts.municipalities.get(code) ?? []).filter((r) => r.reportedAt <= scope.asOf);
    return reports.length ? [reports[reports.length - 1]!.reportedAt.getTime()] : [];
  });
  if (counts.length === 0) return [];
  const since = Math.min(...counts);
  const wanted = new Set(scope.municipalities);
  return facts.warehouse
    .filter((f) => f.type === 'DeliveryDispatched')
    .map((f) => f.data as DeliveryDispatchedData)
    .filter((d) => wanted.has(d.municipality) && new Date(d.dispatchedAt).getTime() > since - 7 * 86_400_000)
    .map((d) => `delivery-${d.deliveryId}`);
};
