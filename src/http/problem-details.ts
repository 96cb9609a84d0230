import { BadRequestException, type ValidationError } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

/** RFC 9457 problem details as this service writes them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Stable machine code (`WAREHOUSE.INSUFFICIENT_STOCK`, `REQUEST.INVALID`): every problem has one. */
  code: string;
  correlationId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  /** Path of the offending field in the body or query: `lines[2].quantity`. */
  field: string;
  /** Stable machine code: `FIELD.NOT_INTEGER`, `REFERENCE.UNKNOWN_ITEM` … */
  code: string;
  /** In the caller's language, from the message catalogue. */
  message: string;
  /** The closest known value, where the field names an unknown code (`FFP2` for `ffp2`). */
  suggestion?: string;
}

/** A field error before it is put in words: the exception filter words it in the caller's language. */
export interface FieldFault {
  field: string;
  code: string;
  parameters: Record<string, unknown>;
  /** The English text a request class wrote for a check only it can explain (its own pattern). */
  ownMessage?: string;
}

/**
 * What a validator whose failure means more than its constraint's name says gives class-validator
 * as its `context`: the code of the field error, and parameters read from the refused value. An
 * `index` parameter (for a check of each entry of a list) points the error at that entry.
 */
export interface FieldCheckContext {
  fieldCode: string;
  parameters?: (value: unknown) => Record<string, unknown>;
}

export const PROBLEM_BASE = 'https://ppe-ledger.example/problems/';
export const problemType = (slug: string): string => `${PROBLEM_BASE}${slug}`;

const join = (parent: string, property: string): string => (/^\d+$/.test(property) ? `${parent}[${property}]` : parent ? `${parent}.${property}` : property);

/** class-validator's constraint names and the field codes they stand for. */
const CONSTRAINT_CODES: Readonly<Record<string, string>> = {
  isDefined: 'FIELD.REQUIRED',
  whitelistValidation: 'FIELD.UNKNOWN',
  isInt: 'FIELD.NOT_INTEGER',
  isNumber: 'FIELD.NOT_NUMBER',
  isNumberString: 'FIELD.NOT_NUMBER',
  isString: 'FIELD.NOT_TEXT',
  isBoolean: 'FIELD.NOT_BOOLEAN',
  isArray: 'FIELD.NOT_LIST',
  isObject: 'FIELD.NOT_OBJECT',
  nestedValidation: 'FIELD.NOT_OBJECT',
  isIn: 'FIELD.NOT_ALLOWED',
  isEnum: 'FIELD.NOT_ALLOWED',
  isUUID: 'FIELD.NOT_UUID',
  isNotEmpty: 'FIELD.BLANK',
  matches: 'FIELD.INVALID_FORMAT',
  isISO8601: 'FIELD.NOT_DATE_TIME',
  isDateString: 'FIELD.NOT_DATE_TIME',
  isLogNumber: 'FIELD.NOT_LOG_POSITION',
  min: 'FIELD.TOO_SMALL',
  max: 'FIELD.TOO_LARGE',
  minLength: 'FIELD.TOO_SHORT',
  maxLength: 'FIELD.TOO_LONG',
  isLength: 'FIELD.TOO_LONG',
  arrayMinSize: 'FIELD.TOO_FEW',
  arrayMaxSize: 'FIELD.TOO_MANY',
  arrayUnique: 'FIELD.DUPLICATE',
};

/**
 * Which failed check speaks for a field, lowest first: an unknown field, then the kind of value,
 * then its form, then its size. "Not a whole number" says more than "must not be less than 1".
 */
const RANK: Readonly<Record<string, number>> = {
  whitelistValidation: 0,
  isDefined: 1,
  isString: 1,
  isInt: 1,
  isNumber: 1,
  isNumberString: 1,
  isBoolean: 1,
  isArray: 1,
  isObject: 1,
  nestedValidation: 1,
  min: 3,
  max: 3,
  minLength: 3,
  maxLength: 3,
  isLength: 3,
  arrayMinSize: 3,
  arrayMaxSize: 3,
  arrayUnique: 3,
};
const rankOf = (constraint: string): number => RANK[constraint] ?? 2;

/** The arguments a check was declared with (`Min(1)` → [1]), from class-validator's metadata. */
const declaredArguments = (error: ValidationError, constraint: string): unknown[] => {
  const target = error.target as object | undefined;
  if (!target) return [];
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(target.constructor, '', true, false)
    .find((m) => m.propertyName === error.property && (m.name === constraint || m.type === constraint));
  return (metadata?.constraints as unknown[] | undefined) ?? [];
};

const parametersOf = (constraint: string, declared: unknown[]): Record<string, unknown> => {
  switch (constraint) {
    case 'min':
    case 'minLength':
    case 'arrayMinSize':
      return { min: declared[0] };
    case 'max':
    case 'maxLength':
    case 'arrayMaxSize':
    case 'isLogNumber':
      return { max: declared[0] };
    case 'isLength':
      return { min: declared[0], max: declared[1] };
    case 'isIn':
      return { allowed: declared[0] };
    case 'isEnum':
      return { allowed: Object.values((declared[0] as object | undefined) ?? {}) };
    default:
      return {};
  }
};

const isFieldCheckContext = (value: unknown): value is FieldCheckContext =>
  typeof value === 'object' && value !== null && typeof (value as { fieldCode?: unknown }).fieldCode === 'string';

/** The one fault a field's failed checks come to: the first that applies, with its code and parameters. */
const faultOf = (error: ValidationError, field: string): FieldFault | undefined => {
  const constraints = Object.entries(error.constraints ?? {});
  if (constraints.length === 0) return undefined;
  const [constraint, text] = constraints.reduce((best, next) => (rankOf(next[0]) < rankOf(best[0]) ? next : best));
  if (constraint !== 'whitelistValidation' && (error.value === undefined || error.value === null)) {
    return { field, code: 'FIELD.REQUIRED', parameters: { field } };
  }
  const context: unknown = error.contexts?.[constraint];
  if (isFieldCheckContext(context)) {
    const { index, ...parameters } = context.parameters?.(error.value) ?? {};
    const at = typeof index === 'number' ? `${field}[${index}]` : field;
    return { field: at, code: context.fieldCode, parameters: { ...parameters, field: at } };
  }
  if (constraint === 'isLength' && typeof error.value === 'string') {
    const [min] = declaredArguments(error, constraint) as [number | undefined];
    if (min !== undefined && error.value.length < min) {
      return { field, code: 'FIELD.TOO_SHORT', parameters: { field, min } };
    }
  }
  return {
    field,
    code: CONSTRAINT_CODES[constraint] ?? 'FIELD.INVALID',
    parameters: { ...parametersOf(constraint, declaredArguments(error, constraint)), field },
    ...(constraint === 'matches' ? { ownMessage: text } : {}),
  };
};

/** Flattens class-validator's nested errors into one fault per offending field. */
export const flattenValidationErrors = (errors: ValidationError[], parent = ''): FieldFault[] =>
  errors.flatMap((error) => {
    const field = join(parent, error.property);
    const own = faultOf(error, field);
    return [...(own ? [own] : []), ...flattenValidationErrors(error.children ?? [], field)];
  });

/** Thrown by the validation pipe; the filter turns it into a validation problem. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly fieldFaults: FieldFault[]) {
    super('The request has invalid fields.');
  }
}
