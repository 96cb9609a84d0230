import { BadRequestException, type ValidationError } from '@nestjs/common';

/** RFC 9457 problem details as this service writes them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  correlationId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  /** Path of the offending field in the body or query: `lines[2].quantity`. */
  field: string;
  message: string;
}

export const PROBLEM_BASE = 'https://ppe-ledger.example/problems/';
export const problemType = (slug: string): string => `${PROBLEM_BASE}${slug}`;

const join = (parent: string, property: string): string => (/^\d+$/.test(property) ? `${parent}[${property}]` : parent ? `${parent}.${property}` : property);

/** Flattens class-validator's nested errors into one entry per offending field. */
export const flattenValidationErrors = (errors: ValidationError[], parent = ''): FieldError[] =>
  errors.flatMap((error) => {
    const field = join(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });

/** Thrown by the validation pipe; the filter turns it into a validation problem. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super('The request has invalid fields.');
  }
}
