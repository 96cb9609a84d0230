import type { DataSource, EntityManager } from 'typeorm';
import type { RecordedEvent } from '../../event-store/event-store.js';
import type { Projection } from '../../projections/projection.js';
import type { DeliveryDispatchedData } from '../../warehouse/domain/warehouse.events.js';
import type {
  AllocationApprovedData,
  AllocationProposedData,
  AllocationRejectedData,
  RoundInputsData,
  RoundOutputsData,
} from '../domain/allocation.events.js';

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

interface RoundRow {
  allocation_id: string;
  county: string;
  warehouse_id: string;
  status: RoundStatus;
  policy_name: string;
  policy_version: number;
  parameters: Record<string, number | boolean>;
  inputs_position: string;
  inputs_as_of: Date;
  inputs: RoundInputsData;
  outputs: RoundOutputsData;
  proposed_by: string;
  proposed_by_name: string | null;
  proposed_role: string;
  proposed_at: Date;
  proposed_event_id: string;
  proposed_position: string;
  decided_by: string[] | null;
  decision_note: string | null;
  amendments: AllocationApprovedData['amendments'] | null;
  decision_entered_by: string | null;
  decision_entered_name: string | null;
  decision_role: string | null;
  decided_at: Date | null;
  decision_recorded_at: Date | null;
  decision_event_id: string | null;
  decision_position: string | null;
}

interface PlanRow {
  allocation_id: string;
  municipality: string;
  item: string;
  planned: string;
  dispatched: string;
}

export interface PlanLine {
  readonly municipality: string;
  readonly item: string;
  readonly planned: number;
  readonly dispatched: number;
  readonly remaining: number;
  /** Fully dispatched. */
  readonly closed: boolean;
}

export interface AllocationRound {
  readonly allocationId: string;
  readonly county: string;
  readonly warehouseId: string;
  readonly status: RoundStatus;
  readonly proposal: {
    readonly policy: { readonly name: string; readonly version: number };
    readonly parameters: Record<string, number | boolean>;
    /** In the list: the position and business time only; in a round's detail: every input figure too. */
    readonly inputs: { readonly position: string; readonly asOf: string } & Partial<Pick<RoundInputsData, 'supply' | 'municipalities'>>;
    readonly outputs: RoundOutputsData;
    /** The need the round could not meet, per municipality and item (lines with none left out). */
    readonly unmet: readonly { readonly municipality: string; readonly item: string; readonly unmet: number }[];
    readonly proposedBy: { readonly actor: string; readonly name: string | null; readonly role: string };
    /** When the proposal was recorded. */
    readonly proposedAt: string;
    readonly eventId: string;
    readonly position: string;
  };
  readonly decision: null | {
    readonly outcome: Exclude<RoundStatus, 'proposed'>;
    readonly decidedBy: readonly string[];
    readonly note: string;
    readonly amendments: AllocationApprovedData['amendments'];
    /** Who entered the decision (from the token), as against the meeting members who took it. */
    readonly enteredBy: { readonly actor: string; readonly name: string | null; readonly role: string };
    /** When the meeting decided (business time). */
    readonly decidedAt: string;
    readonly recordedAt: string;
    readonly eventId: string;
    readonly position: string;
  };
  /** Per municipality and item, once approved; empty otherwise. */
  readonly plan: readonly PlanLine[];
  /** Approved and every plan line fully dispatched. */
  readonly closed: boolean;
}

const toRound = (row: RoundRow, plan: readonly PlanRow[], detail: boolean): AllocationRound => {
  const lines = plan
    .filter((p) => p.allocation_id === row.allocation_id)
    .map((p): PlanLine => {
      const planned = Number(p.planned);
      const dispatched = Number(p.dispatched);
      return { municipality: p.municipality, item: p.item, planned, dispatched, remaining: Math.max(0, planned - dispatched), closed: dispatched >= planned };
    });
  const inputs = detail
    ? { position: row.inputs_position, asOf: row.inputs_as_of.toISOString(), supply: row.inputs.supply, municipalities: row.inputs.municipalities }
    : { position: row.inputs_position, asOf: row.inputs_as_of.toISOString() };
  return {
    allocationId: row.allocation_id,
    county: row.county,
    warehouseId: row.warehouse_id,
    status: row.status,
    proposal: {
      policy: { name: row.policy_name, version: row.policy_version },
      parameters: row.parameters,
      inputs,
      outputs: row.outputs,
      unmet: row.outputs.lines.filter((l) => l.unmet > 0).map((l) => ({ municipality: l.municipality, item: l.item, unmet: l.unmet })),
      proposedBy: { actor: row.proposed_by, name: row.proposed_by_name, role: row.proposed_role },
      proposedAt: row.proposed_at.toISOString(),
      eventId: row.proposed_event_id,
      position: row.proposed_position,
    },
    decision:
      row.status === 'proposed'
        ? null
        : {
            outcome: row.status,
            decidedBy: row.decided_by ?? [],
            note: row.decision_note ?? '',
            amendments: row.amendments ?? [],
            enteredBy: { actor: row.decision_entered_by!, name: row.decision_entered_name, role: row.decision_role! },
            decidedAt: row.decided_at!.toISOString(),
            recordedAt: row.decision_recorded_at!.toISOString(),
            eventId: row.decision_event_id!,
            position: row.decision_position!,
          },
    plan: lines,
    closed: row.status === 'approved' && lines.every((l) => l.closed),
  };
};

const ROUND_COLUMNS = `allocation_id, county, warehouse_id, status, policy_name, policy_version, parameters,
  inputs_position::text AS inputs_position, inputs_as_of, inputs, outputs, proposed_by, proposed_by_name, proposed_role,
  proposed_at, proposed_event_id, proposed_position::text AS proposed_position, decided_by, decision_note, amendments,
  decision_entered_by, decision_entered_name, decision_role, decided_at, decision_recorded_at, decision_event_id,
  decision_position::text AS decision_position`;

const plansOf = async (db: DataSource, ids: readonly string[]): Promise<PlanRow[]> =>
  db.query(
    `SELECT allocation_id, municipality, item, planned::text AS planned, dispatched::text AS dispatched
       FROM allocation_round_plan WHERE allocation_id = ANY($1::text[]) ORDER BY municipality, item`,
    [ids],
  );

/** One round, with every input figure; undefined when unknown. */
export const allocationRound = async (db: DataSource, allocationId: string): Promise<AllocationRound | undefined> => {
  const [row] = (await db.query(`SELECT ${ROUND_COLUMNS} FROM allocation_rounds WHERE allocation_id = $1`, [allocationId])) as RoundRow[];
  return row ? toRound(row, await plansOf(db, [row.allocation_id]), true) : undefined;
};

/** A county's rounds, newest first. */
export const allocationRounds = async (
  db: DataSource,
  filter: { county: string; status?: RoundStatus; limit: number },
): Promise<AllocationRound[]> => {
  const rows = (await db.query(
    `SELECT ${ROUND_COLUMNS} FROM allocation_rounds
      WHERE county = $1 AND ($2::text IS NULL OR status = $2)
      ORDER BY allocation_rounds.proposed_position DESC LIMIT $3`,
    [filter.county, filter.status ?? null, filter.limit],
  )) as RoundRow[];
  const plans = await plansOf(
    db,
    rows.map((r) => r.allocation_id),
  );
  return rows.map((r) => toRound(r, plans, false));
};
