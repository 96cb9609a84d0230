import { expect } from '@jest/globals';
import type { TestApp } from '../support/app.js';
import { call, countEvents, type ApiResponse } from '../support/api.js';

/** Expects a problem-details refusal with this status, naming `field` among the offending ones when given. */
export const expectProblem = (response: ApiResponse, status: number, field?: string): void => {
  expect({ status: response.status, body: response.body }).toEqual(expect.objectContaining({ status }));
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.detail).toEqual(expect.any(String));
  if (field !== undefined) {
    const fields = [...(response.body.errors ?? []).map((e: { field: string }) => e.field), response.body.details?.field];
    expect(fields).toContain(field);
  }
};

export interface Refusal {
  readonly title: string;
  readonly method?: string;
  readonly path: string;
  readonly as?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly field?: string;
}

/** Sends each request, expects its refusal, and that nothing was written by any of them. */
export const expectAllRefused = async (t: TestApp, refusals: readonly Refusal[]): Promise<void> => {
  const before = await countEvents(t);
  for (const r of refusals) {
    const response = await call(t, r.method ?? 'POST', r.path, {
      ...(r.as ? { as: r.as } : {}),
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(r.rawBody !== undefined ? { rawBody: r.rawBody } : {}),
      ...(r.headers ? { headers: r.headers } : {}),
    });
    try {
      expectProblem(response, r.status, r.field);
    } catch (error) {
      throw new Error(`${r.title}: ${(error as Error).message}\n${response.text}`, { cause: error });
    }
  }
  expect(await countEvents(t)).toBe(before);
};

/** Copies a body with one field replaced at a dotted path (`lines.0.quantity`); `undefined` removes it. */
export const withField = <T>(body: T, path: string, value: unknown): T => {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy as T;
};

/** The bad quantities every write must refuse, with the reason in words. */
export const BAD_QUANTITIES: readonly [string, unknown][] = [
  ['negative', -5],
  ['zero', 0],
  ['fractional', 2.5],
  ['absurdly large', 1e12],
  ['a string', '12'],
];

export const FAR_FUTURE = '2999-01-01T00:00:00Z';
/** Times no field takes. A local time without an offset is taken (read as Swedish time), unless the day does not exist. */
export const MALFORMED_TIMES: readonly string[] = ['yesterday', '2026-13-01T08:00:00Z', '2026-03-04 08:00', '2026-02-30T08:00:00'];

/**
 * A builder of refusals expected from one route for one caller: `bad(title, body, field?, status = 400)`.
 */
export const refusalsAt =
  (path: string, as: string) =>
  (title: string, body: unknown, field?: string, status = 400): Refusal => ({ title, path, as, body, status, ...(field ? { field } : {}) });
