import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import type { Actor } from '../../shared/actor.js';
import { assertInScope } from '../../auth/auth.guard.js';
import { CurrentActor } from '../../auth/current-actor.js';
import { ReadQueryDto } from '../../http/read-query.dto.js';
import { ReadsFrom } from '../../projections/wait-for.js';
import { DECISION_DRIFT } from '../drift/decision-drift.projection.js';
import { DomainError } from '../../shared/domain-error.js';
import { driftFor } from '../drift/drift.query.js';
import { ALLOCATION_ROUNDS, type AllocationRound, allocationRound, allocationRounds, ROUND_STATUSES, type RoundStatus } from '../projections/allocation-rounds.js';
import { UUID } from '../../shared/ids.js';

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
