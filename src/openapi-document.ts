import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ResponseObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ACCESS_POLICY, type RouteAccess } from './auth/access-policy.js';
import { WRITES_NOTHING } from './http/idempotency.interceptor.js';
import { INSTANT_FORMAT_NOTE, SWEDISH_TIME_MARK } from './http/request-fields.js';

/**
 * The service's OpenAPI document, built in one place for the running service (`/api/docs-json`),
 * the committed contract (`contract/openapi.json`, `npm run contract`) and the tests.
 *
 * Controllers describe what is theirs: each operation's id, summary, parameters, request body and
 * success body (DTO classes with `@nestjs/swagger` decorators). What every operation shares is added
 * here, from the same facts the service acts on, so it cannot be forgotten on a new route: the
 * problem-details schema and the error statuses an operation can really answer, the
 * `Idempotency-Key` header of writes, the response headers, and `security: []` on public routes
 * (from the access policy).
 */

export const PROBLEM_JSON = 'application/problem+json';

/** Tags in the order the docs page shows them, each with a line on what it holds. */
const TAGS: readonly { name: string; description: string }[] = [
  { name: 'operations', description: 'Health and readiness' },
  { name: 'reference', description: 'Counties, municipalities, items and warehouses' },
  { name: 'reporting', description: 'Weekly situation reports of the municipalities, and who has reported' },
  { name: 'procurement', description: 'The region’s purchase orders and their receipts' },
  { name: 'warehouse', description: 'Receipts from every source, adjustments, dispatches and stock by lot' },
  { name: 'deliveries', description: 'Deliveries to the municipalities, their confirmations and history' },
  { name: 'stock', description: 'Projected stock per municipality and item, now or as of a moment' },
  { name: 'allocation', description: 'Allocation rounds: proposals, decisions and their inputs' },
  { name: 'national-requests', description: 'Need the county cannot cover, raised to the national board' },
  { name: 'situation', description: 'The situation picture (lägesbild) sent to the government' },
  { name: 'audit', description: 'Replays of decisions, what-if, and any stream as it was recorded' },
];

const problemDetailsSchema: SchemaObject = {
  type: 'object',
  description:
    'RFC 9457 problem details. `code` is stable and machine-readable; `title` and `detail` are for people (English, ' +
    'or Swedish with `Accept-Language: sv`).',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', description: 'What kind of problem this is' },
    title: { type: 'string', description: 'A short, human summary of the kind of problem' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong with this request' },
    instance: { type: 'string', description: 'The path of the request' },
    code: {
      type: 'string',
      description:
        'Stable machine code, e.g. `WAREHOUSE.INSUFFICIENT_STOCK`, `REQUEST.INVALID`; every text a client shows for it is in ' +
        'the message catalogue (`messages/en.json`, `messages/sv.json`), keyed by this code',
      example: 'WAREHOUSE.INSUFFICIENT_STOCK',
    },
    correlationId: { type: 'string', description: 'The request’s correlation id (also the `X-Correlation-Id` header)' },
    errors: {
      type: 'array',
      description: 'For invalid input: one entry per offending field',
      items: { $ref: '#/components/schemas/FieldError' },
    },
  },
  additionalProperties: true,
};

const fieldErrorSchema: SchemaObject = {
  type: 'object',
  description: 'One per offending field: the first of its problems that applies',
  required: ['field', 'code', 'message'],
  properties: {
    field: { type: 'string', description: 'Path of the field in the body, query or path: `lines[2].quantity`', example: 'lines[0].quantity' },
    code: {
      type: 'string',
      description: 'Stable machine code, e.g. `FIELD.NOT_INTEGER`, `FIELD.REQUIRED`, `REFERENCE.UNKNOWN_ITEM`',
      example: 'FIELD.NOT_INTEGER',
    },
    message: { type: 'string', description: 'For people, in the language of the problem' },
    suggestion: { type: 'string', description: 'For an unknown code: the known one it most likely meant', example: 'FFP2' },
  },
  additionalProperties: true,
};

const header = (description: string, schema: SchemaObject = { type: 'string' }) => ({ description, schema });
const HEADERS = {
  correlation: header('The request’s correlation id: quote it when reporting a problem'),
  replayed: header('`true` when this is the kept answer to an earlier request with the same `Idempotency-Key`', {
    type: 'string',
    enum: ['true'],
  }),
  retryAfter: header('Seconds to wait before trying again', { type: 'integer', minimum: 0 }),
  contentLanguage: header('The language of `title`, `detail` and the field messages', { type: 'string', enum: ['en', 'sv'] }),
};

/** Why each error status can happen, as the docs page says it. */
const ERROR_STATUSES: Readonly<Record<string, string>> = {
  '400': 'Invalid input: `errors` names each offending field',
  '401': 'No token, or one that is not valid',
  '403': 'The token’s role or scope does not allow this',
  '404': 'No such record',
  '409': 'A business rule refuses it, or the record changed meanwhile (`code` says which)',
  '413': 'Body larger than the service accepts',
  '415': 'Body is not JSON',
  '422': 'This `Idempotency-Key` was used for a different request',
  '429': 'Too many requests: wait `Retry-After` seconds',
  '503':
    'The event store or database is unavailable, a read model is behind `waitFor`, or a write’s outcome is unknown (retry with the same `Idempotency-Key`)',
};

const problemResponse = (status: string): ResponseObject => ({
  description: ERROR_STATUSES[status]!,
  headers: {
    'X-Correlation-Id': HEADERS.correlation,
    'Content-Language': HEADERS.contentLanguage,
    ...(status === '429' || status === '503' ? { 'Retry-After': HEADERS.retryAfter } : {}),
  },
  content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/ProblemDetails' } } },
});

const idempotencyKey: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes the write safe to retry: the same key with the same request answers the first answer (`Idempotent-Replayed: ' +
    'true`) and writes nothing new; with another request, 422. Keys belong to the caller; answers are kept a week.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,200}$', minLength: 1, maxLength: 200 },
};

/** A POST that records something: it takes an `Idempotency-Key`, and can conflict. A what-if does not. */
const writes = (method: string, operation: OperationObject): boolean =>
  method === 'post' && (operation as unknown as Record<string, unknown>)[WRITES_NOTHING] !== true;

/** Which error statuses an operation can answer, from what it is. */
const errorStatusesOf = (method: string, path: string, operation: OperationObject, access: RouteAccess | undefined): string[] => {
  const statuses = new Set<string>(['429', '503']);
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  // Any valid token may call an `any-role` route: it can be unauthenticated, never forbidden.
  if (access?.roles !== 'public') statuses.add('401');
  if (access?.roles !== 'public' && access?.roles !== 'any-role') statuses.add('403');
  if (parameters.some((p) => p.in === 'query' || p.in === 'path') || method === 'post') statuses.add('400');
  if (/\{[^}]+\}/.test(path)) statuses.add('404');
  if (method === 'post') ['413', '415'].forEach((s) => statuses.add(s));
  if (writes(method, operation)) ['409', '422'].forEach((s) => statuses.add(s));
  return [...statuses].sort();
};

const REF = '#/components/schemas/';

/**
 * The validation pipe refuses unknown fields (`forbidNonWhitelisted`), so every schema a request
 * body reaches — its own and the nested ones it refers to — says `additionalProperties: false`.
 */
const closeRequestSchemas = (document: OpenAPIObject): void => {
  const schemas = (document.components?.schemas ?? {}) as Record<string, SchemaObject>;
  const seen = new Set<string>();
  const visit = (schema: unknown): void => {
    if (schema === null || typeof schema !== 'object') return;
    const ref = (schema as { $ref?: string }).$ref;
    if (typeof ref === 'string' && ref.startsWith(REF)) {
      const name = ref.slice(REF.length);
      if (seen.has(name) || !schemas[name]) return;
      seen.add(name);
      const target = schemas[name];
      if (target.type === 'object' || target.properties) target.additionalProperties = false;
      visit(target);
      return;
    }
    for (const value of Object.values(schema)) visit(value);
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post]) {
      const body = operation?.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined;
      for (const media of Object.values(body?.content ?? {})) visit(media.schema);
    }
  }
};

/** A date-time field of a request (`IsInstant`) says, once, how a time without an offset is read. */
const noteSwedishTime = (described: Record<string, unknown>): void => {
  if (!described[SWEDISH_TIME_MARK]) return;
  delete described[SWEDISH_TIME_MARK];
  described.description = typeof described.description === 'string' ? `${described.description}. ${INSTANT_FORMAT_NOTE}` : INSTANT_FORMAT_NOTE;
};

/** Adds what every operation shares (see the file's comment); what an operation declares itself stays. */
export const completeDocument = (document: OpenAPIObject): OpenAPIObject => {
  document.components ??= {};
  for (const schema of Object.values(document.components.schemas ?? {}) as SchemaObject[]) {
    for (const property of Object.values(schema.properties ?? {})) noteSwedishTime(property as Record<string, unknown>);
  }
  document.components.schemas = { ...document.components.schemas, ProblemDetails: problemDetailsSchema, FieldError: fieldErrorSchema };
  closeRequestSchemas(document);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const access = ACCESS_POLICY[`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`];
      if (access?.roles === 'public') operation.security = [];
      for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
        const marked =
          (parameter as unknown as Record<string, unknown>)[SWEDISH_TIME_MARK] ??
          (parameter.schema as Record<string, unknown> | undefined)?.[SWEDISH_TIME_MARK];
        if (marked) {
          delete (parameter as unknown as Record<string, unknown>)[SWEDISH_TIME_MARK];
          delete (parameter.schema as Record<string, unknown> | undefined)?.[SWEDISH_TIME_MARK];
          parameter.description = parameter.description ? `${parameter.description}. ${INSTANT_FORMAT_NOTE}` : INSTANT_FORMAT_NOTE;
        }
      }
      if (writes(method, operation) && !((operation.parameters ?? []) as ParameterObject[]).some((p) => p.name === 'Idempotency-Key')) {
        operation.parameters = [...(operation.parameters ?? []), idempotencyKey];
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        const r = response as ResponseObject;
        r.headers = {
          'X-Correlation-Id': HEADERS.correlation,
          ...(writes(method, operation) && status.startsWith('2') ? { 'Idempotent-Replayed': HEADERS.replayed } : {}),
          ...(status === '503' ? { 'Retry-After': HEADERS.retryAfter } : {}),
          ...r.headers,
        };
      }
      for (const status of errorStatusesOf(method, path, operation, access)) {
        operation.responses[status] ??= problemResponse(status);
      }
    }
  }
  return document;
};

/** The document of a built application. */
export const openApiDocument = (app: INestApplication): OpenAPIObject => {
  const builder = new DocumentBuilder()
    .setTitle('ppe-ledger')
    .setDescription(
      'Protective equipment for a county: situation reports, purchases, warehouse stock, allocation decisions and ' +
        'deliveries, each an event. Writes answer the log `position` of their last event; reads accept ' +
        '`?waitFor=<position>` to read their own writes. Errors are RFC 9457 problem details with a stable `code`; ' +
        'send `Accept-Language: sv` for Swedish messages. Times without an offset are read as Stockholm time.',
    )
    .setVersion('1')
    // The project carries no open-source licence (`UNLICENSED` in package.json); the document says so.
    .setLicense('Proprietary: all rights reserved (UNLICENSED)', '')
    .addServer('/', 'This service')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A token from the county’s identity provider. On a local service, print one with ' +
        '`npm run token -- --role county --county 01` (roles: municipality, region, warehouse, county, committee, ' +
        'auditor, admin; `--municipality 0180` for a municipality) and paste it here.',
    });
  for (const tag of TAGS) builder.addTag(tag.name, tag.description);
  return completeDocument(
    SwaggerModule.createDocument(app, builder.build(), {
      // Controllers name their operations (`dispatchDelivery`); this only catches one that forgot.
      operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
    }),
  );
};
