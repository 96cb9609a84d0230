import type { EntityManager } from 'typeorm';
import { StreamNotFoundError } from '../../event-store/errors.js';
import type { EventRegistry } from '../../event-store/event-registry.js';
import type { EventStore, RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import type { DeliveryReceivedData } from '../../deliveries/domain/delivery.events.js';
import { deliveryStream } from '../../deliveries/domain/delivery.events.js';
import { municipalityStream, type SituationReportCorrectedData, type SituationReportedData } from '../../reporting/domain/situation-report.events.js';
import { diffMunicipality } from '../domain/compare-round.js';
import type { AllocationApprovedData, AllocationProposedData, AllocationRejectedData } from '../domain/allocation.events.js';
import type { MunicipalityInput } from '../domain/policies/policy.js';
import { buildRoundInputs, effectiveReports, type Fact } from '../domain/round-inputs.js';

export const DECISION_DRIFT = 'decision-drift';

/** A report, correction or receipt that may concern a round proposed before it was recorded. */
interface LateFactCandidate {
  readonly event: RecordedEvent;
  readonly municipality: string;
  /** The business time it describes. */
  readonly describes: string;
  readonly deliveryId?: string;
  readonly receivedAt?: string;
}

interface RoundScopeRow {
  allocation_id: string;
  items: { item: string; packSize: number }[];
  as_of: Date;
  recorded: MunicipalityInput[];
}

/** The round's scope: the municipalities whose streams it read, whether they had reported or not. */
const scopeOf = (d: AllocationProposedData): string[] => {
  const prefix = municipalityStream('');
  const read = d.inputs.streams.filter((s) => s.streamId.startsWith(prefix)).map((s) => s.streamId.slice(prefix.length));
  return [...new Set([...read, ...d.inputs.municipalities.map((m) => m.municipality)])].sort();
};

/**
 * Every proposed round's scope and decision, and — when a late fact changes what the round would
 * have seen — how its inputs differ now from what was recorded (decision drift).
 *
 * A fact drifts a round when it is recorded after the round's input position, concerns one of its
 * municipalities, and describes a time at or before the round's `asOf`: a late report, a correction,
 * a delivery confirmed late. The affected municipality's inputs are then recomputed as the log knows
 * them at that fact's position — its own stream and the delivery streams received into it since its
 * latest count, nothing else — with the same code the proposal used, and compared with the recorded
 * ones. The comparison is per municipality and replaces the previous one for it, so a correction
 * that puts the figures back clears the drift.
 *
 * Reads the event store (never beyond the position of the event being applied, so a rebuild reaches
 * the same rows). Deliveries received are remembered here to know which delivery streams to read.
 *
 * Caveats: a fact recorded between the position a round read its inputs at and the proposal itself
 * (the moment the round was being computed) is not compared. A proposal reads the deliveries dispatched at most a week before its municipalities'
 * earliest latest count; this recomputation reads those received after the municipality's own count.
 * A delivery dispatched long before a count but confirmed after it would show as drift.
 *
 * Idempotent per event: rounds keep the position of what last changed them (`… < excluded…`),
 * deliveries are inserted once, and a recomputation at a position already applied gives the same rows.
 */
export class DecisionDriftProjection implements Projection {
  readonly name = DECISION_DRIFT;
  readonly version = 1;
  readonly eventTypes = ['AllocationProposed', 'AllocationApproved', 'AllocationRejected', 'SituationReported', 'SituationReportCorrected', 'DeliveryReceived'];
  readonly tables = ['decision_drift_rounds', 'decision_drift_municipalities', 'decision_drift_deliveries'];

  constructor(
    private readonly store: EventStore,
    private readonly registry: EventRegistry,
  ) {}

  /**
   * Rounds change rarely and facts arrive by the thousand, so a page is cut at each allocation event:
   * the facts between two of them are probed against the rounds in one query, and only those that
   * concern a round (late ones, a few in a hundred) are compared one by one, in log order. The
   * allocation events themselves are applied one by one, in order, between the runs of facts.
   */
  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    let facts: LateFactCandidate[] = [];
    for (const event of events) {
      switch (event.type) {
        case 'AllocationProposed':
        case 'AllocationApproved':
        case 'AllocationRejected':
          await this.lateFacts(tx, facts);
          facts = [];
          if (event.type === 'AllocationProposed') await this.proposed(tx, event as RecordedEvent<string, AllocationProposedData>);
          else if (event.type === 'AllocationApproved') {
            const d = event.data as AllocationApprovedData;
            await this.decided(tx, event, d.allocationId, 'approved', d.plan);
          } else {
            const d = event.data as AllocationRejectedData;
            await this.decided(tx, event, d.allocationId, 'rejected', null);
          }
          break;
        case 'SituationReported':
        case 'SituationReportCorrected': {
          const d = event.data as SituationReportedData | SituationReportCorrectedData;
          facts.push({ event, municipality: d.municipality, describes: d.reportedAt });
          break;
        }
        case 'DeliveryReceived': {
          const d = event.data as DeliveryReceivedData;
          facts.push({ event, municipality: d.municipality, describes: d.receivedAt, receivedAt: d.receivedAt, deliveryId: d.deliveryId });
          break;
        }
        default:
          break;
      }
    }
    await this.lateFacts(tx, facts);
  }

  /**
   * Remembers the deliveries received, then finds which facts concern a round (the same test
   * `lateFact` makes, against the rounds one query returns) and compares only those, in log order.
   * No round changes within the run, so the probe sees what each fact would have seen alone.
   */
  private async lateFacts(tx: EntityManager, facts: readonly LateFactCandidate[]): Promise<void> {
    if (facts.length === 0) return;
    const received = facts.filter((f) => f.deliveryId !== undefined);
    if (received.length > 0) {
      await tx.query(
        `INSERT INTO decision_drift_deliveries (delivery_id, municipality, received_at, position)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::bigint[])
         ON CONFLICT (delivery_id) DO NOTHING`,
        [
          received.map((f) => f.deliveryId),
          received.map((f) => f.municipality),
          received.map((f) => f.receivedAt),
          received.map((f) => f.event.position.toString()),
        ],
      );
    }
    // Only rounds whose asOf is no earlier than the run's earliest business time can be concerned:
    // the last few. Their scopes are few enough to test here rather than join per fact.
    const earliest = facts.reduce((min, f) => (Date.parse(f.describes) < Date.parse(min) ? f.describes : min), facts[0]!.describes);
    const rounds: { municipalities: string[]; input_position: string; as_of: Date }[] = await tx.query(
      `SELECT municipalities, input_position, as_of FROM decision_drift_rounds WHERE as_of >= $1 AND input_position < $2`,
      [earliest, facts[facts.length - 1]!.event.position.toString()],
    );
    if (rounds.length === 0) return;
    const concerned = rounds.map((r) => ({ scope: new Set(r.municipalities), inputPosition: BigInt(r.input_position), asOf: r.as_of.getTime() }));
    for (const fact of facts) {
      const describes = Date.parse(fact.describes);
      if (concerned.some((r) => r.scope.has(fact.municipality) && r.inputPosition < fact.event.position && r.asOf >= describes)) {
        await this.lateFact(tx, fact.event, fact.municipality, fact.describes);
      }
    }
  }

  private async proposed(tx: EntityManager, event: RecordedEvent<string, AllocationProposedData>): Promise<void> {
    const d = event.data;
    const replaced: unknown[] = await tx.query(
      `INSERT INTO decision_drift_rounds AS r (allocation_id, county, warehouse_id, municipalities, items, as_of, input_position,
                                               recorded, outputs, proposed_position, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'proposed')
       ON CONFLICT (allocation_id) DO UPDATE SET
         county = excluded.county, warehouse_id = excluded.warehouse_id, municipalities = excluded.municipalities,
         items = excluded.items, as_of = excluded.as_of, input_position = excluded.input_position, recorded = excluded.recorded,
         outputs = excluded.outputs, proposed_position = excluded.proposed_position, status = 'proposed',
         plan = NULL, decided_at = NULL, decided_position = NULL
       WHERE r.proposed_position < excluded.proposed_position
       RETURNING allocation_id`,
      [
        d.allocationId,
        d.county,
        d.warehouseId,
        scopeOf(d),
        JSON.stringify(d.inputs.supply.map(({ item, packSize }) => ({ item, packSize }))),
        d.inputs.asOf,
        d.inputs.position,
        JSON.stringify(d.inputs.municipalities),
        JSON.stringify(d.outputs),
        event.position.toString(),
      ],
    );
    // A new proposal is decided on its own inputs: what drifted from the previous one no longer applies.
    if (replaced.length > 0) {
      await tx.query('DELETE FROM decision_drift_municipalities WHERE allocation_id = $1 AND last_position < $2', [d.allocationId, event.position.toString()]);
    }
  }

  private async decided(tx: EntityManager, event: RecordedEvent, allocationId: string, status: 'approved' | 'rejected', plan: unknown): Promise<void> {
    await tx.query(
      `UPDATE decision_drift_rounds SET status = $2, plan = $3, decided_at = $4, decided_position = $5
        WHERE allocation_id = $1 AND proposed_position < $5 AND (decided_position IS NULL OR decided_position < $5)`,
      [allocationId, status, plan === null ? null : JSON.stringify(plan), event.metadata.occurredAt, event.position.toString()],
    );
  }

  private async lateFact(tx: EntityManager, event: RecordedEvent, municipality: string, describes: string): Promise<void> {
    const rounds: RoundScopeRow[] = await tx.query(
      `SELECT allocation_id, items, as_of, recorded FROM decision_drift_rounds
        WHERE municipalities @> ARRAY[$1::text] AND input_position < $2 AND as_of >= $3
        ORDER BY allocation_id`,
      [municipality, event.position.toString(), describes],
    );
    if (rounds.length === 0) return;
    const facts = await this.read(municipalityStream(municipality), event.position);
    for (const round of rounds) {
      const asOf = new Date(round.as_of);
      const deliveries = await this.deliveriesSinceCount(tx, municipality, facts, asOf, event.position);
      const [now] = buildRoundInputs(
        { municipalities: [municipality], items: round.items, asOf },
        { warehouse: [], municipalities: new Map([[municipality, facts]]), deliveries },
      ).municipalities;
      const recorded = round.recorded.find((m) => m.municipality === municipality);
      const differences = diffMunicipality(municipality, recorded, now);
      await tx.query(
        `INSERT INTO decision_drift_municipalities AS m (allocation_id, municipality, differences, caused_by, detected_at, last_position)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (allocation_id, municipality) DO UPDATE SET
           differences = excluded.differences, caused_by = excluded.caused_by, detected_at = excluded.detected_at,
           last_position = excluded.last_position
         WHERE m.last_position < excluded.last_position`,
        [
          round.allocation_id,
          municipality,
          JSON.stringify(differences),
          JSON.stringify({ eventId: event.metadata.eventId, position: event.position.toString(), type: event.type, streamId: event.streamId }),
          event.recordedAt.toISOString(),
          event.position.toString(),
        ],
      );
    }
  }

  /** The delivery streams that bear on the municipality's stock after its latest count before `asOf`. */
  private async deliveriesSinceCount(tx: EntityManager, municipality: string, facts: readonly Fact[], asOf: Date, position: bigint): Promise<Fact[]> {
    const counts = effectiveReports(facts).filter((r) => r.reportedAt <= asOf);
    const latest = counts[counts.length - 1];
    if (!latest) return [];
    const rows: { delivery_id: string }[] = await tx.query(
      `SELECT delivery_id FROM decision_drift_deliveries
        WHERE municipality = $1 AND received_at > $2 AND received_at <= $3 AND position <= $4 ORDER BY position`,
      [municipality, latest.reportedAt.toISOString(), asOf.toISOString(), position.toString()],
    );
    const deliveries: Fact[] = [];
    for (const row of rows) deliveries.push(...(await this.read(deliveryStream(row.delivery_id), position)));
    return deliveries;
  }

  private async read(streamId: string, position: bigint): Promise<Fact[]> {
    try {
      return (await this.store.readStream(streamId))
        .filter((e) => e.position <= position)
        .map((e) => (this.registry.has(e.type) ? this.registry.decode(e) : e));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}
