import { Controller, Get, Param, Query } from '@nestjs/common';
import { UUID } from '../../shared/ids.js';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
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
import { ApiCount, nullableRef } from '../../http/api-properties.js';
import { AmendmentRecordDto, DriftDto, PARAMETERS, PolicyRefDto, POSITION_PATTERN, RoundInputsDto, RoundOutputsDto } from '../allocation-round.dto.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

export class AllocationRoundsQueryDto extends ReadQueryDto {
  @ApiProperty({ pattern: '^[0-9]{2}$', example: '01', description: 'The county (the guard checks it is the caller’s)' })
  @Matches(/^\d{2}$/, { message: 'county must be a county code' })
  county: string;

  @ApiPropertyOptional({ enum: ROUND_STATUSES, enumName: 'RoundStatus', description: 'Only rounds in this status' })
  @IsOptional()
  @IsIn(ROUND_STATUSES)
  status?: RoundStatus;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: `Rounds to answer, newest first, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})`,
  })
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

export class PlanLineDto {
  @ApiProperty({ example: '0117' })
  readonly municipality: string;
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Approved for it, amendments included' })
  readonly planned: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'Dispatched against the round so far' })
  readonly dispatched: number;
  @ApiCount()
  readonly remaining: number;
  @ApiProperty({ description: 'Fully dispatched' })
  readonly closed: boolean;
}

export class UnmetLineDto {
  @ApiProperty({ example: '0117' })
  readonly municipality: string;
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;
  @ApiProperty({ type: 'integer', minimum: 1 })
  readonly unmet: number;
}

export class EnteredByDto {
  @ApiProperty({ description: 'The token’s subject' })
  readonly actor: string;
  @ApiProperty({ type: 'string', nullable: true, description: 'The token’s name, when it had one' })
  readonly name: string | null;
  @ApiProperty({ example: 'county' })
  readonly role: string;
}

export class ProposalDto {
  @ApiProperty({ type: () => PolicyRefDto })
  readonly policy: PolicyRefDto;
  @ApiProperty({ ...PARAMETERS, description: 'Every parameter the policy ran with, defaults included' })
  readonly parameters: Record<string, number | boolean>;
  @ApiProperty({ type: () => RoundInputsDto, description: 'In the list: the position and business time only; in a round’s detail: every input figure too' })
  readonly inputs: RoundInputsDto;
  @ApiProperty({ type: () => RoundOutputsDto })
  readonly outputs: RoundOutputsDto;
  @ApiProperty({ type: () => [UnmetLineDto], description: 'The need the round could not meet, per municipality and item (lines with none left out)' })
  readonly unmet: readonly UnmetLineDto[];
  @ApiProperty({ type: () => EnteredByDto })
  readonly proposedBy: EnteredByDto;
  @ApiProperty({ format: 'date-time', description: 'When the proposal was recorded' })
  readonly proposedAt: string;
  @ApiProperty({ format: 'uuid' })
  readonly eventId: string;
  @ApiProperty({ pattern: POSITION_PATTERN })
  readonly position: string;
}

export class RoundDecisionDto {
  @ApiProperty({ enum: ['approved', 'rejected'] })
  readonly outcome: Exclude<RoundStatus, 'proposed'>;
  @ApiProperty({ type: [String], description: 'The members of the meeting who took it' })
  readonly decidedBy: readonly string[];
  @ApiProperty()
  readonly note: string;
  @ApiProperty({ type: () => [AmendmentRecordDto], description: 'Empty for a rejection or an approval as proposed' })
  readonly amendments: readonly AmendmentRecordDto[];
  @ApiProperty({ type: () => EnteredByDto, description: 'Who entered the decision (from the token), as against the members who took it' })
  readonly enteredBy: EnteredByDto;
  @ApiProperty({ format: 'date-time', description: 'When the meeting decided (business time)' })
  readonly decidedAt: string;
  @ApiProperty({ format: 'date-time', description: 'When the decision was recorded' })
  readonly recordedAt: string;
  @ApiProperty({ format: 'uuid' })
  readonly eventId: string;
  @ApiProperty({ pattern: POSITION_PATTERN })
  readonly position: string;
}

@ApiExtraModels(RoundDecisionDto, DriftDto)
export class AllocationRoundDto {
  @ApiProperty({ format: 'uuid' })
  readonly allocationId: string;
  @ApiProperty({ example: '01' })
  readonly county: string;
  @ApiProperty({ example: '01-central' })
  readonly warehouseId: string;
  @ApiProperty({ enum: ROUND_STATUSES, enumName: 'RoundStatus' })
  readonly status: RoundStatus;
  @ApiProperty({ type: () => ProposalDto })
  readonly proposal: ProposalDto;
  @ApiProperty(nullableRef(() => RoundDecisionDto, { description: 'Null while proposed' }))
  readonly decision: RoundDecisionDto | null;
  @ApiProperty({ type: () => [PlanLineDto], description: 'Per municipality and item, once approved; empty otherwise' })
  readonly plan: readonly PlanLineDto[];
  @ApiProperty({ description: 'Approved and every plan line fully dispatched' })
  readonly closed: boolean;
}

/** A round as the reads answer it: with the drift of its inputs since the decision, if any. */
export class AllocationRoundWithDriftDto extends AllocationRoundDto {
  @ApiProperty(nullableRef(() => DriftDto, { description: 'What changed in its inputs since the decision; null when nothing did' }))
  readonly drift: DriftDto | null;
}

export class AllocationRoundsDto {
  @ApiProperty({ example: '01' })
  readonly county: string;
  @ApiProperty({ type: () => [AllocationRoundWithDriftDto], description: 'Newest first' })
  readonly rounds: readonly AllocationRoundWithDriftDto[];
}

const toRound = (row: RoundRow, plan: readonly PlanRow[], detail: boolean): AllocationRoundDto => {
  const lines = plan
    .filter((p) => p.allocation_id === row.allocation_id)
    .map((p): PlanLineDto => {
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
export const allocationRound = async (db: DataSource, allocationId: string): Promise<AllocationRoundDto | undefined> => {
  const [row] = (await db.query(`SELECT ${ROUND_COLUMNS} FROM allocation_rounds WHERE allocation_id = $1`, [allocationId])) as RoundRow[];
  return row ? toRound(row, await plansOf(db, [row.allocation_id]), true) : undefined;
};

/** A county's rounds, newest first. */
export const allocationRounds = async (db: DataSource, filter: { county: string; status?: RoundStatus; limit: number }): Promise<AllocationRoundDto[]> => {
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

@ApiTags('allocation')
@ApiBearerAuth()
@Controller('allocation-rounds')
export class AllocationRoundsController {
  constructor(private readonly db: DataSource) {}

  @Get()
  @ReadsFrom(ALLOCATION_ROUNDS, DECISION_DRIFT)
  @ApiOperation({
    operationId: 'listAllocationRounds',
    summary: 'A county’s allocation rounds, newest first, with their decisions and plans',
    description:
      'For the county board, the committee, the warehouse’s staff (who deliver the approved plans) and auditors, of their ' +
      'county. Each round with its policy, parameters, the log ' +
      'position and time its inputs were read at, its outputs and unmet need, who proposed it, its decision and who entered ' +
      'it, its plan drawn down by dispatches, and any drift. The inputs figures are in the round’s own detail.',
  })
  @ApiOkResponse({ type: AllocationRoundsDto })
  async list(@Query() query: AllocationRoundsQueryDto): Promise<AllocationRoundsDto> {
    const rounds = await allocationRounds(this.db, {
      county: query.county,
      ...(query.status ? { status: query.status } : {}),
      limit: query.limit ?? DEFAULT_LIMIT,
    });
    return { county: query.county, rounds: await this.withDrift(rounds) };
  }

  @Get(':id')
  @ReadsFrom(ALLOCATION_ROUNDS, DECISION_DRIFT)
  @ApiOperation({
    operationId: 'getAllocationRound',
    summary: 'One allocation round: every input figure, the outputs, the decision, the plan and its progress',
    description: 'For the county board, the committee, the warehouse’s staff and auditors of the round’s county; an unknown round is a 404.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The round’s `allocationId`' })
  @ApiOkResponse({ type: AllocationRoundWithDriftDto })
  async one(@Param('id') id: string, @Query() _query: ReadQueryDto, @CurrentActor() actor: Actor): Promise<AllocationRoundWithDriftDto> {
    const round = UUID.test(id) ? await allocationRound(this.db, id) : undefined;
    if (!round) throw new DomainError('ALLOCATION.NOT_FOUND', `no allocation round with id ${id}`, 'not-found');
    assertInScope(actor, { county: round.county });
    const [withDrift] = await this.withDrift([round]);
    return withDrift!;
  }

  private async withDrift(rounds: readonly AllocationRoundDto[]): Promise<AllocationRoundWithDriftDto[]> {
    const drift = await driftFor(
      this.db,
      rounds.map((r) => r.allocationId),
    );
    return rounds.map((r) => ({ ...r, drift: drift.get(r.allocationId) ?? null }));
  }
}
