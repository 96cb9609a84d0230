import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Actor } from '../../src/shared/actor.js';
import { DELIVERY_EVENTS, type DeliveryReceivedData } from '../../src/deliveries/domain/delivery.events.js';
import { EventRegistry } from '../../src/event-store/event-registry.js';
import type { EventStore, LogPosition, NewEvent, RecordedEvent } from '../../src/event-store/event-store.js';
import type { Projection } from '../../src/projections/projection.js';
import {
  REPORTING_EVENTS,
  type ReportLine,
  type SituationReportCorrectedData,
  type SituationReportedData,
} from '../../src/reporting/domain/situation-report.events.js';
import type { CommandContext } from '../../src/shared/command-context.js';
import { toNewEvents } from '../../src/event-store/command-handling.js';
import { WAREHOUSE_EVENTS, type DeliveryDispatchedData } from '../../src/warehouse/domain/warehouse.events.js';

/**
 * Facts of other contexts (dispatches, situation reports) as their commands would record them, so
 * deliveries and stock can be tested without those commands.
 */

export const registry = new EventRegistry().register(...WAREHOUSE_EVENTS, ...DELIVERY_EVENTS, ...REPORTING_EVENTS);

export const WAREHOUSE_STREAM = 'warehouse-01-central';

export const warehouseStaff: Actor = { sub: 'u-31', name: 'Lars Ek', role: 'warehouse', county: '01' };
export const vallentunaCoordinator: Actor = { sub: 'u-17', name: 'Anna Berg', role: 'municipality', county: '01', municipality: '0115' };

export const hoursAgo = (hours: number): Date => new Date(Date.now() - hours * 3_600_000);

export const dispatchData = (overrides: Partial<DeliveryDispatchedData> = {}): DeliveryDispatchedData => ({
  deliveryId: randomUUID(),
  warehouseId: '01-central',
  municipality: '0115',
  county: '01',
  vehicle: 'ABC 123',
  dispatchedAt: '2026-03-05T06:30:00.000Z',
  lines: [
    {
      item: 'FFP2',
      quantity: 500,
      lots: [
        { lot: 'L-2291', expiresOn: '2027-01-31', quantity: 300 },
        { lot: 'L-2304', expiresOn: '2027-03-31', quantity: 200 },
      ],
    },
    { item: 'GLOVE-NITRILE-M', quantity: 1000, lots: [{ lot: null, expiresOn: null, quantity: 1000 }] },
  ],
  ...overrides,
});

export const receiptData = (dispatch: DeliveryDispatchedData, receivedAt: string, accepted: Record<string, [number, string?]> = {}): DeliveryReceivedData => {
  const lines = dispatch.lines.map((line) => {
    const [taken, reason] = accepted[line.item] ?? [line.quantity];
    return { item: line.item, dispatched: line.quantity, accepted: taken, rejected: line.quantity - taken, ...(reason ? { reason } : {}) };
  });
  return {
    deliveryId: dispatch.deliveryId,
    municipality: dispatch.municipality,
    county: dispatch.county,
    receivedAt,
    lines,
    discrepancy: lines.some((l) => l.rejected > 0),
  };
};

export const reportData = (
  municipality: string,
  reportedAt: Date,
  lines: readonly ReportLine[],
  overrides: Partial<SituationReportedData> = {},
): SituationReportedData => ({
  reportId: randomUUID(),
  municipality,
  reportedAt: reportedAt.toISOString(),
  period: '2026-W10',
  infections: 5,
  lines: [...lines],
  ...overrides,
});

export const correctionData = (report: SituationReportedData, lines: readonly ReportLine[], reason = 'counted twice'): SituationReportCorrectedData => ({
  correctionId: randomUUID(),
  municipality: report.municipality,
  corrects: report.reportId,
  reason,
  reportedAt: report.reportedAt,
  period: report.period,
  infections: report.infections,
  lines: [...lines],
});

export const line = (item: string, onHand: number, usedSinceLastReport: number, requested = 0): ReportLine => ({
  item,
  onHand,
  usedSinceLastReport,
  requested,
});

/** An event with the metadata a command by `actor` would have given it, checked against its schema. */
export const recordedBy = (actor: Actor, streamId: string, type: string, data: unknown, occurredAt: Date): NewEvent => {
  const context: CommandContext = { actor, correlationId: randomUUID(), causationId: randomUUID(), now: new Date() };
  return toNewEvents(registry, streamId, [{ type, data }], context, occurredAt)[0]!;
};

/** Appends facts to the log as their commands would; answers what was written and the last position. */
export const appendFacts = async (
  store: EventStore,
  facts: readonly { streamId: string; type: string; data: unknown; actor: Actor; occurredAt: Date }[],
): Promise<{ recorded: { streamId: string; event: NewEvent }[]; position: LogPosition }> => {
  const recorded: { streamId: string; event: NewEvent }[] = [];
  let position = 0n;
  for (const fact of facts) {
    const event = recordedBy(fact.actor, fact.streamId, fact.type, fact.data, fact.occurredAt);
    position = (await store.appendToStream(fact.streamId, [event], { expectedRevision: 'any' })).position;
    recorded.push({ streamId: fact.streamId, event });
  }
  return { recorded, position };
};

/** Applies each event twice, each time in its own transaction, as a replay after a crash would. */
export const applyTwice = async (dataSource: DataSource, projection: Projection, events: readonly RecordedEvent[]): Promise<void> => {
  for (const event of events) {
    for (let i = 0; i < 2; i++) await dataSource.transaction((tx) => projection.apply([event], tx));
  }
};
