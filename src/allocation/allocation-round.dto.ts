import { ApiProperty, type ApiPropertyOptions, ApiPropertyOptional, type SchemaObject } from '@nestjs/swagger';
import { anyOfProperty, ApiCount, NULL_SCHEMA } from '../http/api-properties.js';
import type { AllocationApprovedData, RoundInputsData, RoundOutputsData } from './domain/allocation.events.js';
import type { DiffEntry, InputDifference } from './domain/compare-round.js';
import type { DriftSummary } from './queries/decision-drift.js';

/**
 * The shapes of an allocation round as the API answers them: the recorded proposal's policy,
 * parameters, inputs and outputs, the decision's amendments and plan, and drift. Each DTO
 * `implements` the zod-inferred type of the event it comes from, so a change to the event's schema
 * that the document does not follow fails to compile.
 */

export const POSITION_PATTERN = '^[0-9]{1,19}$';

/** A value an input or output field held: a number, a flag, a text (a revision), a whole record, or null. */
const ANY_VALUE: SchemaObject[] = [{ type: 'number' }, { type: 'boolean' }, { type: 'string' }, { type: 'object', additionalProperties: true }, NULL_SCHEMA];
const FIGURE: SchemaObject[] = [{ type: 'number' }, { type: 'boolean' }, NULL_SCHEMA];

export class PolicyRefDto {
  @ApiProperty({ pattern: '^[a-z0-9-]{1,60}$', example: 'need-weighted' })
  readonly name: string;

  @ApiProperty({ type: 'integer', minimum: 1, example: 2 })
  readonly version: number;
}

/** Every parameter a policy ran with, by name: numbers and flags (see docs/allocation.md). */
export const PARAMETERS: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: { anyOf: [{ type: 'number' }, { type: 'boolean' }] },
  example: { horizonDays: 14, acuteDays: 3, infectionWeight: 1, wholePacks: false },
};

export class ItemSupplyDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Units the warehouse could give (on hand − already allocated)' })
  readonly available: number;

  @ApiProperty({ type: 'integer', minimum: 1, description: 'Units in one pack' })
  readonly packSize: number;
}

export class MunicipalityItemInputDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;

  @ApiCount()
  readonly projectedStock: number;

  @ApiProperty({ type: 'number', minimum: 0, nullable: true, description: 'Units a day; null while unknown' })
  readonly dailyUse: number | null;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'What its latest report asked for' })
  readonly requested: number;
}

export class MunicipalityInputDto {
  @ApiProperty({ example: '0115' })
  readonly municipality: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Confirmed infections (latest report)' })
  readonly infections: number;

  @ApiProperty({ type: () => [MunicipalityItemInputDto] })
  readonly items: MunicipalityItemInputDto[];
}

/** Where a round read its inputs, and in a round's detail every input figure. */
export class RoundInputsDto implements Pick<RoundInputsData, 'position' | 'asOf'>, Partial<Pick<RoundInputsData, 'supply' | 'municipalities'>> {
  @ApiProperty({ pattern: POSITION_PATTERN, description: 'The log position the inputs were read at: nothing recorded after it was seen' })
  readonly position: string;

  @ApiProperty({ format: 'date-time', description: 'The business time the stock was projected to' })
  readonly asOf: string;

  @ApiPropertyOptional({ type: () => [ItemSupplyDto], description: 'In a round’s detail: the warehouse’s supply per item' })
  readonly supply?: ItemSupplyDto[];

  @ApiPropertyOptional({
    type: () => [MunicipalityInputDto],
    description: 'In a round’s detail: each municipality that had reported, with its figures per item',
  })
  readonly municipalities?: MunicipalityInputDto[];
}

export class AllocationLineDto {
  @ApiProperty({ example: '0115' })
  readonly municipality: string;

  @ApiProperty({ example: 'FFP2' })
  readonly item: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'What the policy judged it needs' })
  readonly need: number;

  @ApiProperty({ description: 'Under the acute threshold of days of supply: served first' })
  readonly acute: boolean;

  @ApiCount()
  readonly quantity: number;

  @ApiCount()
  readonly unmet: number;
}

export class ItemOutcomeDto {
  @ApiProperty({ example: 'FFP2' })
  readonly item: string;

  @ApiCount()
  readonly available: number;

  @ApiCount()
  readonly allocated: number;

  @ApiCount()
  readonly unmet: number;
}

export class RoundOutputsDto implements RoundOutputsData {
  @ApiProperty({ type: () => [AllocationLineDto], description: 'Per municipality and item' })
  readonly lines: AllocationLineDto[];

  @ApiProperty({ type: () => [ItemOutcomeDto], description: 'Per item: available, allocated and unmet in all' })
  readonly items: ItemOutcomeDto[];
}

export class AmendmentRecordDto implements Readonly<AllocationApprovedData['amendments'][number]> {
  @ApiProperty({ example: '0117' })
  readonly municipality: string;

  @ApiProperty({ example: 'FFP2' })
  readonly item: string;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The proposal’s quantity' })
  readonly proposed: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'The quantity the meeting approved instead' })
  readonly approved: number;

  @ApiProperty()
  readonly reason: string;
}

export class PlannedLineDto implements Readonly<AllocationApprovedData['plan'][number]> {
  @ApiProperty({ example: '0117' })
  readonly municipality: string;

  @ApiProperty({ example: 'FFP2' })
  readonly item: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  readonly quantity: number;
}

export class DriftCauseDto {
  @ApiProperty({ format: 'uuid' })
  readonly eventId: string;

  @ApiProperty({ pattern: POSITION_PATTERN })
  readonly position: string;

  @ApiProperty({ example: 'SituationReportCorrected', description: 'The late fact’s event type' })
  readonly type: string;

  @ApiProperty({ example: 'municipality-0115' })
  readonly streamId: string;
}

export class InputDifferenceDto implements InputDifference {
  @ApiProperty({ example: '0115' })
  readonly municipality: string;

  @ApiPropertyOptional({ example: 'FFP2', description: 'Absent for a difference of the municipality as a whole (infections, whether it had reported)' })
  readonly item?: string;

  @ApiProperty({ enum: ['reported', 'infections', 'projectedStock', 'dailyUse', 'requested'], example: 'projectedStock' })
  readonly field: string;

  @ApiProperty(anyOfProperty(FIGURE, { description: 'As the round recorded it (`reported`: whether it was there)' }))
  readonly recorded: InputDifference['recorded'];

  @ApiProperty(anyOfProperty(FIGURE, { description: 'As the log knows it now' }))
  readonly now: InputDifference['now'];
}

/** What changed in a decided round's inputs since the decision, as the log knows it now. */
export class DriftDto implements DriftSummary {
  @ApiProperty({ enum: [true] })
  readonly drifted: boolean;

  @ApiProperty({ format: 'date-time', description: 'When drift was last detected (recording time)' })
  readonly detectedAt: string;

  @ApiProperty({ type: () => DriftCauseDto, description: 'The latest late fact that left a difference' })
  readonly causedBy: DriftCauseDto;

  @ApiProperty({ type: () => [InputDifferenceDto] })
  readonly differences: readonly InputDifferenceDto[];
}

export class DiffEntryDto implements DiffEntry {
  @ApiProperty({ example: 'outputs.lines[0115][FFP2].quantity', description: 'What differs, each level named by its key' })
  readonly path: string;

  @ApiProperty(anyOfProperty(ANY_VALUE, { description: 'As recorded: a figure, a flag, a revision, a whole record, or null' }))
  readonly recorded: unknown;

  @ApiProperty(anyOfProperty(ANY_VALUE, { description: 'As the replay computed it' }))
  readonly replayed: unknown;
}
