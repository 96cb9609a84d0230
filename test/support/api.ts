import type { TestApp } from './app.js';
import { responseContractOf } from './openapi.js';

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface CallOptions {
  /** A bearer token (from `t.token(...)`); omitted: no Authorization header. */
  readonly as?: string;
  readonly body?: unknown;
  /** A raw body, sent as is (for malformed JSON, wrong content types). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/**
 * Every response is held to the service's OpenAPI document (see openapi.ts). Set
 * PPE_TEST_UNDOCUMENTED=1 to see a test's own failures first while a route's documentation is
 * being written; never in CI.
 */
const HOLD_TO_DOCUMENT = process.env.PPE_TEST_UNDOCUMENTED !== '1';

/** One HTTP call to the test app over real HTTP. JSON bodies are parsed; problem details too. */
export const call = async <T = any>(t: TestApp, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${options.as}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  if (/json/.test(response.headers.get('content-type') ?? '') && text) parsed = JSON.parse(text);
  if (HOLD_TO_DOCUMENT) {
    const contract = await responseContractOf(t.url);
    contract.check(method, path, response.status, response.headers.get('content-type'), parsed);
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
};

/**
 * How many events the log holds: tests assert that refused requests write nothing. Counted in the
 * events table itself on PostgreSQL, because the store's own reads stop at the commit-order
 * frontier, which a projection transaction in flight can hold back for a moment.
 */
export const countEvents = async (t: TestApp): Promise<number> => {
  const { EVENT_STORE } = await import('../../src/event-store/event-store.js');
  const store = t.app.get(EVENT_STORE);
  if (store.kind === 'postgresql') {
    const { DataSource } = await import('typeorm');
    const [row] = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM events');
    return row.n;
  }
  return store.countEventsAfter(undefined, 1_000_000);
};
