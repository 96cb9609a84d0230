import type { EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';
import type { AllocationApprovedData, AllocationProposedData, AllocationRejectedData } from '../domain/allocation.events.js';

export const ALLOCATION_ROUNDS = 'allocation-rounds';

export const ROUND_STATUSES = ['proposed', 'approved', 'rejected'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

/**
 * Every allocation round: its proposal (inputs and outputs as recorded), who proposed it, its
 * decision and who entered it, and its plan per municipality and item, drawn down by the
 * dispatches that name it. A round is written once per event: the proposal inserts once, a
 * decision lands only on an undecided round, and each plan row moves only for a later position.
 */
export class AllocationRoundsProjection implements Projection {
  readonly name = ALLOCATION_ROUNDS;
  readonly version = 1;
  readonly eventTypes = ['AllocationProposed', 'AllocationApproved', 'AllocationRejected', 'DeliveryDispatched'] as const;
  readonly tables = ['allocation_rounds', 'allocation_round_plan'] as const;

  async apply(events: readonly RecordedEvent[], tx: EntityManager): Promise<void> {
    for (const event of events) {
      switch (event.type) {
        case 'AllocationProposed':
          await this.proposed(event, event.data as AllocationProposedData, tx);
          break;
        case 'AllocationApproved':
          await this.approved(event, event.data as AllocationApprovedData, tx);
          break;
        case 'AllocationRejected':
          await this.decided(event, 'rejected', event.data as AllocationRejectedData, [], tx);
          break;
        case 'DeliveryDispatched':
          await this.dispatched(event, event.data as DeliveryDispatchedData, tx);
          break;
        default:
          break;
      }
    }
  }

  private async proposed(event: RecordedEvent, d: AllocationProposedData, tx: EntityManager): Promise<void> {
    await tx.query(
      `INSERT INTO allocation_rounds (allocation_id, county, warehouse_id, status, policy_name, policy_version, parameters,
                                      inputs_position, inputs_as_of, inputs, outputs, proposed_by, proposed_by_name,
                                      proposed_role, proposed_at, proposed_event_id, proposed_position, last_position)
       VALUES ($1, $2, $3, 'proposed', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
       ON CONFLICT (allocation_id) DO NOTHING`,
      [
        d.allocationId,
        d.county,
        d.warehouseId,
        d.policy.name,
        d.policy.version,
        JSON.stringify(d.parameters),
        d.inputs.position,
        d.inputs.asOf,
        JSON.stringify(d.inputs),
        JSON.stringify(d.outputs),
        event.metadata.actor,
        event.metadata.actorName ?? null,
        event.metadata.role,
        event.recordedAt.toISOString(),
        event.metadata.eventId,
        event.position.toString(),
      ],
    );
  }

  private async approved(event: RecordedEvent, d: AllocationApprovedData, tx: EntityManager): Promise<void> {
    const applied = await this.decided(event, 'approved', d, d.amendments, tx);
    if (!applied) return;
    await tx.query(
      `INSERT INTO allocation_round_plan (allocation_id, municipality, item, planned, last_position)
       SELECT $1, *, $5 FROM unnest($2::text[], $3::text[], $4::bigint[])
       ON CONFLICT (allocation_id, municipality, item) DO NOTHING`,
      [d.allocationId, d.plan.map((l) => l.municipality), d.plan.map((l) => l.item), d.plan.map((l) => l.quantity), event.position.toString()],
    );
  }

  /** Records the decision on an undecided round; answers whether it did (a replay finds it decided). */
  private async decided(
    event: RecordedEvent,
    status: Exclude<RoundStatus, 'proposed'>,
    d: { allocationId: string; decidedBy: string[]; note: string },
    amendments: AllocationApprovedData['amendments'],
    tx: EntityManager,
  ): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `UPDATE allocation_rounds SET status = $2, decided_by = $3, decision_note = $4, amendments = $5,
              decision_entered_by = $6, decision_entered_name = $7, decision_role = $8, decided_at = $9,
              decision_recorded_at = $10, decision_event_id = $11, decision_position = $12, last_position = $12
        WHERE allocation_id = $1 AND status = 'proposed' AND last_position < $12
       RETURNING 1`,
      [
        d.allocationId,
        status,
        JSON.stringify(d.decidedBy),
        d.note,
        JSON.stringify(amendments),
        event.metadata.actor,
        event.metadata.actorName ?? null,
        event.metadata.role,
        event.metadata.occurredAt,
        event.recordedAt.toISOString(),
        event.metadata.eventId,
        event.position.toString(),
      ],
    );
    // pg answers an UPDATE … RETURNING through TypeORM as [rows, count].
    const affected = Array.isArray(rows[0]) ? rows[0].length : rows.length;
    return affected > 0;
  }

  /**
   * A dispatch naming a known round adds to its plan rows. One for a line the plan does not hold
   * (recorded some other way) shows as dispatched against a plan of zero, not dropped.
   */
  private async dispatched(event: RecordedEvent, d: DeliveryDispatchedData, tx: EntityManager): Promise<void> {
    if (d.allocationId === undefined) return;
    const perItem = new Map<string, number>();
    for (const l of d.lines) perItem.set(l.item, (perItem.get(l.item) ?? 0) + l.quantity);
    await tx.query(
      `INSERT INTO allocation_round_plan AS p (allocation_id, municipality, item, planned, dispatched, last_position)
       SELECT $1, $2, x.item, 0, x.quantity, $5
         FROM unnest($3::text[], $4::bigint[]) AS x(item, quantity)
        WHERE EXISTS (SELECT 1 FROM allocation_rounds r WHERE r.allocation_id = $1)
       ON CONFLICT (allocation_id, municipality, item) DO UPDATE SET
         dispatched = p.dispatched + excluded.dispatched, last_position = excluded.last_position
         WHERE p.last_position < excluded.last_position`,
      [d.allocationId, d.municipality, [...perItem.keys()], [...perItem.values()], event.position.toString()],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Queries
