import { ApiProperty, type ApiPropertyOptions, getSchemaPath, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { ROLES } from '../shared/actor.js';

/**
 * Documentation of the response fields every context answers alike, so that each says the same
 * thing about them: log positions, moments, dates, ids and who recorded something.
 */

type Extra = Omit<ApiPropertyOptions, 'type' | 'format' | 'pattern'> & { description?: string };

/** A log position: a decimal string (it can pass 2^53), what `?waitFor=` takes. */
export const ApiLogPosition = (options: Extra = {}) =>
  ApiProperty({
    type: 'string',
    pattern: '^\\d{1,20}$',
    example: '751000004',
    description: 'Log position of the last event this recorded (decimal string): read with `?waitFor=` it to see the write',
    ...options,
  } as ApiPropertyOptions);

/** A moment, in UTC (`…Z`). */
export const ApiInstant = (options: Extra = {}) => ApiProperty({ type: 'string', format: 'date-time', ...options } as ApiPropertyOptions);

/** A calendar date. */
export const ApiDate = (options: Extra = {}) => ApiProperty({ type: 'string', format: 'date', ...options } as ApiPropertyOptions);

/** An id the service made. */
export const ApiUuid = (options: Extra = {}) => ApiProperty({ type: 'string', format: 'uuid', ...options } as ApiPropertyOptions);

/** Whole units. */
export const ApiUnits = (options: Extra = {}) => ApiProperty({ type: 'integer', ...options } as ApiPropertyOptions);

/** A count, or units that are never negative. */
export const ApiCount = (options: Extra = {}) => ApiUnits({ minimum: 0, ...options });

/** Admits null and nothing else: the OpenAPI 3.0 way to add null to a choice of schemas. */
export const NULL_SCHEMA: SchemaObject = { type: 'object', nullable: true, enum: [null] };

/**
 * A property whose value is one of `schemas`. `type: 'object'` only keeps Nest from describing the
 * reflected TypeScript type as well: beside a combinator, it leaves `type` out.
 */
export const anyOfProperty = (schemas: (SchemaObject | ReferenceObject)[], options: { description?: string } = {}): ApiPropertyOptions =>
  ({ ...options, type: 'object', anyOf: schemas }) as ApiPropertyOptions;

/**
 * A nested object that may be null. `@ApiProperty({ type: () => X, nullable: true })` writes
 * `nullable` beside an `allOf` of the reference, which OpenAPI 3.0 reads as *not* admitting null
 * (`nullable` only widens a `type` in the same schema), so validators refuse the null the service
 * sends: null is its own alternative here. The model must be known to the document: name it in the
 * controller's `@ApiExtraModels`.
 */
export const nullableRef = (model: () => abstract new (...args: never[]) => unknown, options: { description?: string } = {}): ApiPropertyOptions =>
  anyOfProperty([{ $ref: getSchemaPath(model()) }, NULL_SCHEMA], options);

/** `@ApiProperty(nullableRef(…))`. */
export const ApiNullableObject = (model: abstract new (...args: never[]) => unknown, options: { description?: string } = {}) =>
  ApiProperty(nullableRef(() => model, options));

/** Who recorded an event, as its metadata says: the token's subject, name and role. */
export class RecordedByDto {
  @ApiProperty({ example: 'u-17', description: 'The token’s subject: a stable user id' })
  sub: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Anna Berg', description: 'The name the token carried, if any' })
  name: string | null;

  @ApiProperty({ enum: ROLES, enumName: 'Role', example: 'municipality' })
  role: string;
}
