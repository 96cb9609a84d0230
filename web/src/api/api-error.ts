import type { components } from '../../../contract/api';

export type Problem = components['schemas']['ProblemDetails'];
export type FieldError = components['schemas']['FieldError'];

/** A refusal or failure the API answered with problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
  }

  /**
   * The message of the field error naming `field` (a path such as `lines[0].onHand`), if any, to
   * stand beside that field. The service's messages start with the path, which means nothing to
   * the person at the form: with `label` the path becomes the field's label ("Antal måste vara
   * minst 1"); without, it goes ("Måste vara minst 1", under the field's own label).
   */
  fieldMessage(field: string, label?: string): string | undefined {
    const message = this.problem.errors?.find((error) => error.field === field)?.message;
    if (message === undefined || !message.startsWith(`${field} `)) return message;
    const rest = message.slice(field.length + 1);
    return label ? `${label} ${rest}` : `${rest.charAt(0).toUpperCase()}${rest.slice(1)}`;
  }
}
