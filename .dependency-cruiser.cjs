// The layering of the service, held by dependency-cruiser (`npm run lint:deps`). docs/architecture.md
// ("Layers") says the same in prose; change both together.
//
// From the bottom up:
//   shared       the kernel: deciders' types, domain errors, schemas, the actor, the command
//                context, ids. Imports nothing of the app and no framework: only Node, zod, uuid.
//   config, database, event-store (the contract, its adapters, command handling)
//   http         request plumbing: problem details, request fields, idempotency, the Context decorator
//   reference, auth, projections (the checkpointed runtime)
//   the contexts (allocation, audit, deliveries, national-requests, procurement, reporting, situation,
//   stock, warehouse) on top,
//   and the composition root (app.module, bootstrap, main, cli, health, bench-routes) above all.
// A context's domain/ is pure: only other domain/ folders and shared.

/** Each framework folder and the folders below it that it may import. Anything else of src/ is above it. */
const LAYERS = {
  shared: [],
  config: ['shared'],
  database: ['shared', 'config'],
  'event-store': ['shared', 'config', 'database'],
  http: ['shared', 'config', 'database', 'event-store'],
  reference: ['shared', 'config', 'database'],
  auth: ['shared', 'config', 'http', 'reference'],
  projections: ['shared', 'config', 'database', 'event-store', 'http'],
};

/** Packages that tie code to a framework, a database or a store. */
const FRAMEWORK_PACKAGES = '(^|/)node_modules/(@nestjs|typeorm|pg|pg-[a-z-]+|@eventstore|express|class-validator|class-transformer|rxjs)/';

const SPEC = '\\.spec\\.ts$';
const folders = (names) => `^src/(${names.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules cannot be understood, tested or moved apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'Deciders and events know no framework, database or store: time and ids come in as arguments.',
      from: { path: '^src/.+/domain/', pathNot: SPEC },
      to: { path: FRAMEWORK_PACKAGES },
    },
    {
      name: 'domain-imports-only-domain-and-shared',
      severity: 'error',
      comment: "A domain/ folder imports other contexts' domain/ folders and src/shared, nothing else of the app.",
      from: { path: '^src/.+/domain/', pathNot: SPEC },
      to: { path: '^src/', pathNot: ['^src/shared/', '^src/.+/domain/'] },
    },
    {
      name: 'shared-imports-only-node-zod-uuid',
      severity: 'error',
      comment: 'shared is the bottom layer, imported by domain code: Node built-ins, zod and uuid only.',
      from: { path: '^src/shared/' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], pathNot: '(^|/)node_modules/(zod|uuid)/' },
    },
    ...Object.entries(LAYERS).map(([layer, below]) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `src/${layer} may import only ${below.length ? below.map((b) => `src/${b}`).join(', ') : 'itself'}: the rest of the app stands on it.`,
      from: { path: `^src/${layer}/` },
      to: { path: '^src/', pathNot: folders([layer, ...below]) },
    })),
    {
      name: 'contexts-do-not-import-the-composition-root',
      severity: 'error',
      comment: 'Modules are wired in app.module; only bootstrap, main and the command-line tools start it.',
      from: { path: '^src/', pathNot: ['^src/(app\\.module|bootstrap|main)\\.ts$', '^src/(cli|bench-routes|health)/'] },
      to: { path: ['^src/(app\\.module|bootstrap|main)\\.ts$', '^src/(cli|bench-routes|health)/'] },
    },
    {
      name: 'store-contract-knows-no-adapter',
      severity: 'error',
      comment: 'The contract (event-store.ts, errors, registry, command handling) is what every adapter honours; it names none.',
      from: { path: '^src/event-store/[^/]+$', pathNot: ['event-store\\.module\\.ts$', SPEC] },
      to: { path: '^src/event-store/(postgres|eventstoredb)/' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      severity: 'error',
      from: { path: '^src/event-store/(postgres|eventstoredb)/' },
      to: { path: '^src/event-store/(postgres|eventstoredb)/', pathNot: '^src/event-store/$1/' },
    },
    {
      name: 'only-the-wiring-picks-an-adapter',
      severity: 'error',
      comment: 'Outside event-store/, code uses the contract; the event-store module chooses the adapter.',
      from: { path: '^src/', pathNot: '^src/event-store/' },
      to: { path: '^src/event-store/(postgres|eventstoredb)/' },
    },
    {
      name: 'server-does-not-import-the-web-app',
      severity: 'error',
      comment: 'The front end lives in web/ and talks to the server over HTTP only.',
      from: { path: '^src/' },
      to: { path: '^web/' },
    },
    {
      name: 'web-app-does-not-import-the-server',
      severity: 'error',
      comment: 'The front end uses the client generated from the OpenAPI document, never server modules.',
      from: { path: '^web/' },
      to: { path: '^src/' },
    },
    {
      name: 'not-to-test-code',
      severity: 'error',
      comment: 'The service does not ship its tests or benchmarks.',
      from: { path: '^src/', pathNot: SPEC },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-dev-dependency',
      severity: 'error',
      comment: 'npm ci --omit=dev must leave the service runnable (type-only imports are erased).',
      from: { path: '^src/', pathNot: SPEC },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'warn',
      comment: 'A module nothing imports is dead code, or an entry point to list here.',
      from: {
        orphan: true,
        pathNot: [SPEC, '\\.d\\.ts$', '^src/main\\.ts$', '^src/cli/', '^src/database/migrations/', '^web/'],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
