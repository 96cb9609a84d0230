import { Controller, Get, Param, Query } from '@nestjs/common';
import { UUID } from '../../shared/ids.js';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { DECISION_DRIFT } from '../projections/decision-drift.projector.js';
import { DomainError } from '../../shared/domain-error.js';
import type { AllocationApprovedData, RoundInputsData, RoundOutputsData } from '../domain/allocation.events.js';
import { ALLOCATION_ROUNDS, ROUND_STATUSES, type RoundStatus } from '../projections/allocation-rounds.projector.js';
import { driftFor } from './decision-drift.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export class AllocationRoundsQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ example: '01', description: 'The county (required; the guard checks it is the caller’s)' })
  @IsOptional()
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county?: string;

  @ApiPropertyOptional({ enum: ROUND_STATUSES, example: 'approved' })
  @IsOptional()
  @IsIn(ROUND_STATUSES)
  status?: RoundStatus;

  @ApiPropertyOptional({ example: 50, description: `Rounds to answer, newest first, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;
}

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
export const allocationRounds = async (db: DataSource, filter: { county: string; status?: RoundStatus; limit: number }): Promise<AllocationRound[]> => {
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

const EXAMPLE_ROUND = {
  allocationId: '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a',
  county: '01',
  warehouseId: '01-central',
  status: 'approved',
  proposal: {
    policy: { name: 'need-weighted', version: 2 },
    parameters: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false },
    inputs: { position: '751000030', asOf: '2026-03-09T09:00:00.000Z' },
    outputs: {
      lines: [{ municipality: '0117', item: 'FFP2', need: 440, acute: false, quantity: 266, unmet: 174 }],
      items: [{ item: 'FFP2', available: 1000, allocated: 1000, unmet: 600 }],
    },
    unmet: [{ municipality: '0117', item: 'FFP2', unmet: 174 }],
    proposedBy: { actor: 'u-4711', name: 'Karin Ek', role: 'county' },
    proposedAt: '2026-03-09T09:00:01.204Z',
    eventId: '0b7e2d4c-1a3f-4c5d-8e6f-7a8b9c0d1e2f',
    position: '751000031',
  },
  decision: {
    outcome: 'approved',
    decidedBy: ['Anna Lind (Länsstyrelsen)', 'Erik Berg (Region Stockholm)'],
    note: 'Beslut vid logistikberedningen 9 mars',
    amendments: [{ municipality: '0117', item: 'FFP2', proposed: 266, approved: 300, reason: 'Nytt utbrott på två boenden' }],
    enteredBy: { actor: 'u-0815', name: 'Per Holm', role: 'committee' },
    decidedAt: '2026-03-09T09:30:00.000Z',
    recordedAt: '2026-03-09T10:02:11.530Z',
    eventId: '1c8f3e5d-2b4a-4d6e-9f70-8b9c0d1e2f3a',
    position: '751000039',
  },
  plan: [{ municipality: '0117', item: 'FFP2', planned: 300, dispatched: 200, remaining: 100, closed: false }],
  closed: false,
  drift: null,
};

@ApiTags('allocation')
@ApiBearerAuth()
@Controller('allocation-rounds')
export class AllocationRoundsController {
  constructor(private readonly db: DataSource) {}

  @Get()
  @ReadsFrom(ALLOCATION_ROUNDS, DECISION_DRIFT)
  @ApiOperation({
    summary: 'A county’s allocation rounds, newest first, with their decisions and plans',
    description:
      'For the county board, the committee and auditors, of their county. Each round with its policy, parameters, the log ' +
      'position and time its inputs were read at, its outputs and unmet need, who proposed it, its decision and who entered ' +
      'it, its plan drawn down by dispatches, and any drift. The inputs figures are in the round’s own detail.',
  })
  @ApiOkResponse({ schema: { example: { county: '01', rounds: [EXAMPLE_ROUND] } } })
  async list(@Query() query: AllocationRoundsQueryDto) {
    const rounds = await allocationRounds(this.db, {
      county: query.county!,
      ...(query.status ? { status: query.status } : {}),
      limit: query.limit ?? DEFAULT_LIMIT,
    });
    return { county: query.county, rounds: await this.withDrift(rounds) };
  }

  @Get(':id')
  @ReadsFrom(ALLOCATION_ROUNDS, DECISION_DRIFT)
  @ApiOperation({
    summary: 'One allocation round: every input figure, the outputs, the decision, the plan and its progress',
    description: 'For the county board, the committee and auditors of the round’s county; an unknown round is a 404.',
  })
  @ApiOkResponse({ schema: { example: EXAMPLE_ROUND } })
  async one(@Param('id') id: string, @Query() _query: ReadQueryDto, @CurrentActor() actor: Actor) {
    const round = UUID.test(id) ? await allocationRound(this.db, id) : undefined;
    if (!round) throw new DomainError('ALLOCATION.NOT_FOUND', `no allocation round with id ${id}`, 'not-found');
    assertInScope(actor, { county: round.county });
    const [withDrift] = await this.withDrift([round]);
    return withDrift;
  }

  private async withDrift(rounds: readonly AllocationRound[]) {
    const drift = await driftFor(
      this.db,
      rounds.map((r) => r.allocationId),
    );
    return rounds.map((r) => ({ ...r, drift: drift.get(r.allocationId) ?? null }));
  }
}
