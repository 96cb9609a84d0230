import { applyDecorators } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';

import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min, ValidateBy, ValidateNested } from 'class-validator';
import { DomainError } from '../shared/domain-error.js';
import { MAX_LOG_POSITION } from '../event-store/event-store.js';
import { withSwedishOffset } from './local-time.js';
import type { FieldCheckContext } from './problem-details.js';

/**
 * Request fields every context uses alike: whole units, dates, date-times, text, and the business
 * time a request describes. A check whose constraint name says too little gives its field code as
 * its context (see `FieldCheckContext`).
 */

const code = (fieldCode: string): { context: FieldCheckContext } => ({ context: { fieldCode } });

export const MAX_UNITS = 1_000_000_000;

/** Whole units from `min` to a billion: fractions, negatives and absurd amounts are refused. */
export const IsUnits = (min: number) => applyDecorators(IsInt({ message: '$property must be a whole number of units' }), Min(min), Max(MAX_UNITS));

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A moment: an ISO 8601 date-time with an offset, or a local time without one (`2026-03-04T07:30`,
 * what a form sends), read as Swedish time — never in the server's zone.
 */
export const IsInstant = () =>
  applyDecorators(
    // Marks the field for the API document, which adds INSTANT_FORMAT_NOTE to its description. Only the
    // mark: the field's own `@ApiProperty` keeps its description and example, above or below this.
    ApiProperty({ [SWEDISH_TIME_MARK]: true } as ApiPropertyOptions),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? withSwedishOffset(value) : value)),
    IsString(),
    Matches(INSTANT, {
      message: '$property must be an ISO 8601 date-time, e.g. 2026-03-04T08:00 (Swedish time) or 2026-03-04T08:00:00+01:00',
      ...code('FIELD.NOT_DATE_TIME'),
    }),
    IsISO8601({ strict: true }, { message: '$property is not a real date-time', ...code('FIELD.NOT_DATE_TIME') }),
  );

/** How an `IsInstant` field reads in the API document (one line, after what the field is). */
export const INSTANT_FORMAT_NOTE =
  'ISO 8601 date-time; one without an offset (`2026-03-04T07:30`, as a form sends it) is read as Swedish time (Europe/Stockholm, summer time included).';
/** The schema extension that marks an `IsInstant` field until the API document words it. */
export const SWEDISH_TIME_MARK = 'x-swedish-local-time';

/** A calendar date (an expiry), checked to exist: 2026-02-30 is refused. */
export const IsCalendarDate = () =>
  applyDecorators(
    IsString(),
    Matches(DATE, { message: '$property must be a date, e.g. 2027-01-31', ...code('FIELD.NOT_DATE') }),
    IsISO8601({ strict: true }, { message: '$property is not a real date', ...code('FIELD.NOT_DATE') }),
  );

/**
 * A list of `dto`s, each validated: from `min` (1 unless given) to `max` entries. The decorators are
 * applied in the order a stack of them written above a field would be.
 */
export const IsListOf = (dto: new () => object, { min = 1, max }: { min?: number; max: number }) =>
  applyDecorators(
    Type(() => dto),
    ValidateNested({ each: true }),
    ArrayMaxSize(max),
    ...(min > 0 ? [ArrayMinSize(min)] : []),
    IsArray(),
  );

/**
 * A stream revision or log position, as a decimal string from 0 to 2^63-1. Kept a string up to the
 * store: as a JavaScript number it would lose its last digits past 2^53, and past 2^63-1 the database
 * would fail the read.
 */
export const IsLogNumber = () =>
  ValidateBy({
    name: 'isLogNumber',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_LOG_POSITION,
      defaultMessage: () => `$property must be a whole number from 0 to ${MAX_LOG_POSITION}, in decimal digits`,
    },
  });

/**
 * Text PostgreSQL cannot store or that is not Unicode at all: a NUL character (jsonb and text refuse
 * it, so it would fail a write as a 500) or half of a UTF-16 surrogate pair with no other half.
 */
// eslint-disable-next-line no-control-regex -- the NUL is what this pattern looks for
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why no field may hold this text, or undefined when it may. */
export const whyUnstorable = (text: string): string | undefined =>
  !UNSTORABLE_TEXT.test(text)
    ? undefined
    : text.includes('\u0000')
      ? 'contains a NUL character'
      : 'contains a lone UTF-16 surrogate, which is not Unicode text';

/** Free text that must say something. */
export const IsText = (max: number) =>
  applyDecorators(IsString(), Matches(/\S/, { message: '$property must not be blank', ...code('FIELD.BLANK') }), MaxLength(max));

/** How far ahead of the server's clock a business time may be: clocks drift, goods do not arrive tomorrow. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * The business time a request describes (when goods arrived, left, were counted), or now when it
 * gives none. A time more than a few minutes ahead is refused, naming the field.
 */
export const businessTime = (value: string | undefined, field: string, now: Date): Date => {
  if (value === undefined) return now;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) {
    throw new DomainError('REQUEST.INVALID_TIME', `${field} is not a date-time`, 'invalid', { field });
  }
  if (at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw new DomainError('REQUEST.FUTURE_TIME', `${field} is in the future: ${value}`, 'invalid', { field });
  }
  return at;
};
