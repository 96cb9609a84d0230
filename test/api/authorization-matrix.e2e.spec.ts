import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ACCESS_POLICY, type AccessTarget } from '../../src/auth/access-policy.js';
import { ROLES, type Role } from '../../src/shared/actor.js';
import { call, type ApiResponse } from '../support/api.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { registeredRoutes, type RegisteredRoute } from '../support/routes.js';

/**
 * Every route the application registers × every role × a target in and out of the caller's scope,
 * checked against ACCESS_POLICY: a role the table does not list gets 403, a listed role outside its
 * scope gets 403, a listed role inside it gets past authorization (it may still be refused as bad
 * input: bodies are empty or minimal, the point is the authorization answer). Without a token every
 * route but the public ones answers 401.
 *
 * Expectations are computed here from the table and from the spec's rule of scope, not from the
 * guard's code, so a change to the guard or to a handler's scope check that the table does not
 * state — or a table change the code does not follow — fails.
 *
 * Targets in the path or query are varied for one caller; records whose county only the handler
 * knows (`resource`) are made in county 01 in `beforeAll` and called by callers of county 01 and 18.
 */

interface Scope {
  readonly county?: string;
  readonly municipality?: string;
}

interface Caller {
  readonly role: Role;
  readonly scope: Scope;
}

/** What a request acts on: `own` when the handler takes the county from the token alone. */
type Owner = Scope | 'own';

interface Target {
  readonly path: string;
  readonly body?: unknown;
  readonly owner: Owner;
}

interface Case {
  readonly route: string;
  readonly caller: Caller;
  readonly method: string;
  readonly target: Target;
  readonly allowed: boolean;
}

const COUNTY_OF: Readonly<Record<string, string>> = { '0115': '01', '0114': '01', '1814': '18' };
const HOME: Scope = { county: '01', municipality: '0115' };

/** A caller at home in county 01 (Vallentuna for a municipality user), and the callers it is not. */
const homeCaller = (role: Role): Caller => ({ role, scope: role === 'municipality' ? { municipality: '0115' } : { county: '01' } });
const strangers = (role: Role): Caller[] =>
  role === 'municipality'
    ? [
        { role, scope: { municipality: '0114' } },
        { role, scope: { municipality: '1814' } },
      ]
    : [{ role, scope: { county: '18' } }];
/** Auditors and admins may hold a token without a county: it reaches every county. */
const unscoped = (role: Role): Caller[] => (role === 'auditor' || role === 'admin' ? [{ role, scope: {} }] : []);

/** The spec's rule: a municipality user acts on its own municipality, everyone else in its own county. */
const reaches = ({ role, scope }: Caller, owner: Owner): boolean => {
  if (owner === 'own') return true;
  if (role === 'municipality') {
    if (owner.municipality !== undefined) return owner.municipality === scope.municipality;
    return owner.county === undefined || owner.county === COUNTY_OF[scope.municipality!];
  }
  return scope.county === undefined || owner.county === undefined || owner.county === scope.county;
};

const describeCaller = ({ role, scope }: Caller): string => `${role}(${scope.municipality ?? scope.county ?? 'unscoped'})`;

/** The records in county 01 that `resource` routes act on, made through the API. */
interface Fixtures {
  readonly reportId: string;
  readonly purchaseId: string;
  readonly deliveryId: string;
  readonly allocationId: string;
  readonly requestId: string;
  /** The log position of the last setup write, for reads of projections. */
  readonly position: string;
}

const county01: Scope = { county: '01' };

/** For each `resource` route, requests acting on a county-01 record, with a body that passes validation. */
const resourceTargets = (f: Fixtures): Readonly<Record<string, readonly Target[]>> => {
  const waitFor = `?waitFor=${f.position}`;
  const decision = { decidedBy: ['Anna Lind (Länsstyrelsen)'], note: 'Decided at the logistics meeting' };
  return {
    'POST /api/purchases': [
      {
        path: '/api/purchases',
        body: { supplier: 'Medisupply Nordic AB', warehouseId: '01-central', lines: [{ item: 'FFP2', quantity: 10 }] },
        owner: county01,
      },
    ],
    'GET /api/purchases/:id': [{ path: `/api/purchases/${f.purchaseId}`, owner: county01 }],
    'POST /api/purchases/:id/receipts': [
      { path: `/api/purchases/${f.purchaseId}/receipts`, body: { lines: [{ item: 'FFP2', quantity: 1 }] }, owner: county01 },
    ],
    'POST /api/purchases/:id/cancellation': [
      { path: `/api/purchases/${f.purchaseId}/cancellation`, body: { reason: 'The supplier cannot deliver the rest' }, owner: county01 },
    ],
    'POST /api/deliveries/:id/receipt': [{ path: `/api/deliveries/${f.deliveryId}/receipt`, body: { lines: [{ item: 'FFP2', received: 10 }] }, owner: HOME }],
    'GET /api/deliveries/:id': [{ path: `/api/deliveries/${f.deliveryId}${waitFor}`, owner: HOME }],
    'GET /api/audit/streams/:streamId': [
      `purchase-${f.purchaseId}`,
      'warehouse-01-central',
      'municipality-0115',
      `delivery-${f.deliveryId}`,
      `allocation-${f.allocationId}`,
      `national-request-${f.requestId}`,
    ].map((stream) => ({ path: `/api/audit/streams/${stream}`, owner: county01 })),
    // A round is opened for the county in the token; no body field can name another.
    'POST /api/allocation-rounds': [{ path: '/api/allocation-rounds', body: { items: ['FFP2'] }, owner: 'own' }],
    'GET /api/allocation-rounds/:id': [{ path: `/api/allocation-rounds/${f.allocationId}${waitFor}`, owner: county01 }],
    'POST /api/allocation-rounds/:id/approve': [{ path: `/api/allocation-rounds/${f.allocationId}/approve`, body: decision, owner: county01 }],
    'POST /api/allocation-rounds/:id/reject': [{ path: `/api/allocation-rounds/${f.allocationId}/reject`, body: decision, owner: county01 }],
    // A request is raised for the county in the token; what it escalates must be of that county.
    'POST /api/national-requests': [
      { path: '/api/national-requests', body: { allocationId: f.allocationId, lines: [{ item: 'FFP2', quantity: 1 }] }, owner: county01 },
    ],
    'POST /api/national-requests/:id/answer': [
      { path: `/api/national-requests/${f.requestId}/answer`, body: { outcome: 'refused', note: 'Nothing to spare this week' }, owner: county01 },
    ],
    'GET /api/audit/allocation-rounds/:id/replay': [{ path: `/api/audit/allocation-rounds/${f.allocationId}/replay${waitFor}`, owner: county01 }],
    'POST /api/audit/allocation-rounds/:id/what-if': [
      { path: `/api/audit/allocation-rounds/${f.allocationId}/what-if`, body: { policy: 'need-weighted/1' }, owner: county01 },
    ],
  };
};

/** Path parameters that are not the scope target, filled with records of the fixtures. */
const fill = (pattern: string, params: Readonly<Record<string, string>>): string =>
  pattern.replace(/:(\w+)/g, (_, name: string) => params[name] ?? `no-fixture-for-${name}`);

/** The targets a path or query names, in and out of county 01 / Vallentuna. */
const scopedTargets = (route: RegisteredRoute, target: Exclude<AccessTarget, { kind: 'resource' }>, f: Fixtures): Target[] => {
  const body = route.method === 'GET' ? undefined : {};
  const at = (params: Record<string, string>, query = '') => fill(route.path, { reportId: f.reportId, ...params }) + query;
  switch (target.kind) {
    case 'none':
      return [{ path: at({}), body, owner: {} }];
    case 'municipality-param':
      return ['0115', '0114', '1814'].map((code) => ({
        path: at({ [target.param]: code }),
        body,
        owner: { county: COUNTY_OF[code]!, municipality: code },
      }));
    case 'warehouse-param':
      return ['01', '18'].map((county) => ({ path: at({ [target.param]: `${county}-central` }), body, owner: { county } }));
    case 'county-query':
      return ['01', '18'].map((county) => ({ path: at({}, `?${target.param}=${county}`), body, owner: { county } }));
    case 'municipality-query':
      return [
        { path: at({}), body, owner: {} },
        ...['0115', '0114', '1814'].map((code) => ({
          path: at({}, `?${target.param}=${code}`),
          body,
          owner: { county: COUNTY_OF[code]!, municipality: code },
        })),
      ];
    default: {
      const unexpected: never = target;
      throw new Error(`unknown access target ${JSON.stringify(unexpected)}`);
    }
  }
};

let t: TestApp;
let routes: RegisteredRoute[];
let fixtures: Fixtures;
const tokens = new Map<string, Promise<string>>();
const tokenOf = (caller: Caller): Promise<string> => {
  const key = describeCaller(caller);
  if (!tokens.has(key)) tokens.set(key, t.token(caller.role, caller.scope));
  return tokens.get(key)!;
};

const created = async (response: ApiResponse, what: string) => {
  if (response.status !== 201) throw new Error(`setup: ${what} answered ${response.status}: ${response.text}`);
  return response.body as Record<string, string>;
};

/** One record per kind of `resource` route, in county 01, each through its own API. */
const makeFixtures = async (): Promise<Fixtures> => {
  const as = (role: Role) => tokenOf(homeCaller(role));
  const report = await created(
    await call(t, 'POST', '/api/municipalities/0115/reports', {
      as: await as('municipality'),
      body: {
        reportedAt: new Date(Date.now() - 24 * 3_600_000).toISOString(),
        infections: 4,
        lines: [{ item: 'FFP2', onHand: 100, usedSinceLastReport: 0, requested: 2000 }],
      },
    }),
    'a situation report',
  );
  const purchase = await created(
    await call(t, 'POST', '/api/purchases', {
      as: await as('region'),
      body: { supplier: 'Medisupply Nordic AB', warehouseId: '01-central', lines: [{ item: 'FFP2', quantity: 1000 }] },
    }),
    'a purchase',
  );
  await created(
    await call(t, 'POST', `/api/purchases/${purchase.purchaseId}/receipts`, { as: await as('warehouse'), body: { lines: [{ item: 'FFP2', quantity: 500 }] } }),
    'a purchase receipt',
  );
  const dispatch = await created(
    await call(t, 'POST', '/api/warehouses/01-central/dispatches', {
      as: await as('warehouse'),
      body: { municipality: '0115', lines: [{ item: 'FFP2', quantity: 10 }] },
    }),
    'a dispatch',
  );
  const round = await created(await call(t, 'POST', '/api/allocation-rounds', { as: await as('county'), body: { items: ['FFP2'] } }), 'an allocation round');
  const request = await created(
    await call(t, 'POST', '/api/national-requests', { as: await as('county'), body: { lines: [{ item: 'FFP2', quantity: 100 }] } }),
    'a national request',
  );
  return {
    reportId: report.reportId!,
    purchaseId: purchase.purchaseId!,
    deliveryId: dispatch.deliveryId!,
    allocationId: round.allocationId!,
    requestId: request.requestId!,
    position: request.position!,
  };
};

/** Every caller × target of every registered route, with what the table says it should get. */
const casesOf = (route: RegisteredRoute): Case[] => {
  const access = ACCESS_POLICY[route.key];
  if (!access || access.roles === 'public') return [];
  const targets = access.target.kind === 'resource' ? (resourceTargets(fixtures)[route.key] ?? []) : scopedTargets(route, access.target, fixtures);
  return ROLES.flatMap((role) => {
    const listed = access.roles === 'any-role' || (access.roles as readonly Role[]).includes(role);
    // A path or query target varies for a caller at home; a record stays put and its callers vary.
    const callers = [homeCaller(role), ...(access.target.kind === 'resource' ? strangers(role) : []), ...unscoped(role)];
    return callers.flatMap((caller) =>
      targets.map((target) => ({ route: route.key, caller, method: route.method, target, allowed: listed && reaches(caller, target.owner) })),
    );
  });
};

const send = async (c: Case): Promise<ApiResponse> =>
  call(t, c.method, c.target.path, { as: await tokenOf(c.caller), ...(c.target.body !== undefined ? { body: c.target.body } : {}) });

const summary = (c: Case, r: ApiResponse, expected: string) =>
  `${c.method} ${c.target.path} as ${describeCaller(c.caller)}: expected ${expected}, got ${r.status} ${r.text.slice(0, 160)}`;

beforeAll(async () => {
  // The matrix sends well over a thousand requests from one address within a minute.
  t = await startTestApp({ RATE_LIMIT_PER_ADDRESS: '100000', RATE_LIMIT_PER_USER: '100000' });
  routes = registeredRoutes(t.app);
  fixtures = await makeFixtures();
}, 60_000);
afterAll(async () => {
  await t?.close();
});

describe('the access table and the routes', () => {
  it('has a line for every registered route and a route for every line', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.map((r) => r.key).filter((key) => !(key in ACCESS_POLICY))).toEqual([]);
    expect(Object.keys(ACCESS_POLICY).filter((key) => !routes.some((r) => r.key === key))).toEqual([]);
  });

  it('has a county-01 record to act on for every route whose scope only the handler can check', () => {
    const kinds = routes.filter((r) => ACCESS_POLICY[r.key]?.target.kind === 'resource').map((r) => r.key);
    expect(kinds.filter((key) => !(key in resourceTargets(fixtures)))).toEqual([]);
  });

  // Pinned as a decision, not only derived from the table: the warehouse delivers the approved plans,
  // so it reads its own county's rounds; municipalities and the region do not read them at all.
  it('lets the county, the committee, the warehouse and auditors read allocation rounds, each within its county', () => {
    for (const key of ['GET /api/allocation-rounds', 'GET /api/allocation-rounds/:id']) {
      expect({ key, roles: ACCESS_POLICY[key]?.roles }).toEqual({ key, roles: ['county', 'committee', 'warehouse', 'auditor'] });
      const cases = casesOf(routes.find((r) => r.key === key)!).filter((c) => c.caller.role === 'warehouse');
      const answers = cases.map((c) => ({ caller: describeCaller(c.caller), county: (c.target.owner as Scope).county, allowed: c.allowed }));
      expect(answers).toEqual(
        expect.arrayContaining([
          { caller: 'warehouse(01)', county: '01', allowed: true },
          { caller: expect.stringMatching(/^warehouse\((01|18)\)$/), county: expect.any(String), allowed: false },
        ]),
      );
      expect(answers.filter((a) => a.allowed).every((a) => a.county === '01' && a.caller === 'warehouse(01)')).toBe(true);
    }
  });
});

describe('the authorization matrix', () => {
  // Refusals first: the writes let through later change the records (a purchase cancelled, a round decided).
  it('refuses with 403 every role the table does not list, and every listed role outside its scope', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const c of routes.flatMap(casesOf).filter((c) => !c.allowed)) {
      const r = await send(c);
      checked++;
      if (r.status !== 403 || r.body?.code !== 'AUTH.FORBIDDEN') wrong.push(summary(c, r, '403 AUTH.FORBIDDEN'));
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  }, 120_000);

  it('lets every listed role through within its scope (the request may still be refused as input)', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const c of routes.flatMap(casesOf).filter((c) => c.allowed)) {
      const r = await send(c);
      checked++;
      if (r.status === 401 || r.status === 403 || r.status >= 500) wrong.push(summary(c, r, 'neither 401/403 nor 5xx'));
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(50);
  }, 120_000);

  it('answers 401 without a token on every route but the public ones, which answer without one', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const access = ACCESS_POLICY[route.key];
      const target =
        access && access.roles !== 'public'
          ? (access.target.kind === 'resource' ? resourceTargets(fixtures)[route.key] : scopedTargets(route, access.target, fixtures))?.[0]
          : { path: fill(route.path, {}), owner: {} };
      const r = await call(t, route.method, target?.path ?? route.path);
      // A public route answers without a token: what it answers (a POST without its body: 400) is no 401 or 403.
      const expected = access?.roles === 'public' ? 'an answer, not 401/403' : '401';
      const ok = access?.roles === 'public' ? r.status !== 401 && r.status !== 403 && r.status < 500 : r.status === 401;
      if (!ok) wrong.push(`${route.key}: expected ${expected}, got ${r.status} ${r.text.slice(0, 160)}`);
    }
    expect(wrong).toEqual([]);
  });
});
