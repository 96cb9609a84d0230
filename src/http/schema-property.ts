import type { Type } from '@nestjs/common';
import { type ApiPropertyOptions, getSchemaPath, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';

/** Admits null and nothing else: the OpenAPI 3.0 way to add null to a choice of schemas. */
export const NULL_SCHEMA: SchemaObject = { type: 'object', nullable: true, enum: [null] };

/**
 * A property whose value is one of `schemas`. `type: 'object'` only keeps Nest from describing the
 * reflected TypeScript type as well: beside a combinator, it leaves `type` out.
 */
export const anyOfProperty = (schemas: (SchemaObject | ReferenceObject)[], options: { description?: string } = {}): ApiPropertyOptions =>
  ({ ...options, type: 'object', anyOf: schemas }) as ApiPropertyOptions;

/**
 * A property holding a nested DTO or null. `@ApiProperty({ type: () => X, nullable: true })` writes
 * `nullable` beside an `allOf` of the reference, which OpenAPI 3.0.3 reads as *not* admitting null
 * (`nullable` only widens a `type` in the same schema), so validators refuse the null the service
 * sends. This writes the form 3.0 means: either the DTO or null. The DTO must be registered
 * (`@ApiExtraModels(X)` on the class that uses it).
 */
export const nullableRef = (dto: () => Type, options: { description?: string } = {}): ApiPropertyOptions =>
  anyOfProperty([{ $ref: getSchemaPath(dto()) }, NULL_SCHEMA], options);
