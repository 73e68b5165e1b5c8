/**
 * The layers of src/ and what each may import (docs/architecture.md). `npm run lint:deps` checks them
 * in CI; type-only imports count, because a type import is still a dependency of the design.
 *
 * domain ← flows ← digest ← store ← features ← scheduler / channels (src/bot) ← http ← entry.
 */
const LAYERS = {
  domain: '^src/domain/',
  flows: '^src/flows/',
  digest: '^src/digest/',
  store: '^src/store/',
  features: '^src/features/',
  channels: '^src/bot/',
  http: '^src/http/',
  scheduler: '^src/scheduler/',
  runtime: '^src/runtime/',
  cli: '^src/cli/',
  entry: '^src/(app|main|cli)\\.ts$',
};
const ours = '^src/';
const anyLayer = Object.values(LAYERS).join('|');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: neither can be read, tested or replaced alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'in-a-layer',
      comment: 'Every source file belongs to a named layer, so the rules below cover it.',
      severity: 'error',
      from: { path: ours, pathNot: anyLayer },
      to: {},
    },
    {
      name: 'domain-is-pure',
      comment: 'Domain words and rules are what every other part shares; they depend on none of them.',
      severity: 'error',
      from: { path: LAYERS.domain },
      to: { path: ours, pathNot: LAYERS.domain },
    },
    {
      name: 'flows-only-domain',
      comment: 'Flows are versioned data run by a pure engine: no storage, no channel, no clock.',
      severity: 'error',
      from: { path: LAYERS.flows },
      to: { path: ours, pathNot: `${LAYERS.domain}|${LAYERS.flows}` },
    },
    {
      name: 'digest-only-domain-and-labels',
      comment: 'A digest is computed from plain input; it may read the option labels the flows define.',
      severity: 'error',
      from: { path: LAYERS.digest },
      to: {
        path: ours,
        pathNot: `${LAYERS.domain}|${LAYERS.digest}|^src/flows/defs/|^src/flows/types\\.ts$`,
      },
    },
    {
      name: 'store-only-domain',
      comment: 'The store keeps the domain; it knows no channel, flow engine, digest or use case.',
      severity: 'error',
      from: { path: LAYERS.store },
      to: { path: ours, pathNot: `${LAYERS.domain}|${LAYERS.store}` },
    },
    {
      name: 'features-no-channel-no-http',
      comment:
        'Use cases are called by the chat, the scheduler, the CLI and the web alike: none of those leak in.',
      severity: 'error',
      from: { path: LAYERS.features },
      to: { path: `${LAYERS.channels}|${LAYERS.http}|${LAYERS.scheduler}|${LAYERS.cli}` },
    },
    {
      name: 'channels-no-http',
      comment: 'Routes live in src/http and call the channel adapters, never the other way round.',
      severity: 'error',
      from: { path: LAYERS.channels },
      to: { path: LAYERS.http },
    },
    {
      name: 'scheduler-no-channel-no-http',
      comment: 'Timed work goes through the use cases and the outbox, not through a chat or a route.',
      severity: 'error',
      from: { path: LAYERS.scheduler },
      to: { path: `${LAYERS.channels}|${LAYERS.http}` },
    },
    {
      name: 'runtime-only-domain',
      comment: 'Configuration and logging are read by every part, so they depend on none.',
      severity: 'error',
      from: { path: LAYERS.runtime },
      to: { path: ours, pathNot: `${LAYERS.domain}|${LAYERS.runtime}` },
    },
    {
      name: 'nothing-imports-entry',
      comment: 'app.ts, main.ts and cli.ts wire and run the parts; a part that imports them hides a cycle.',
      severity: 'error',
      from: { pathNot: LAYERS.entry },
      to: { path: LAYERS.entry },
    },
    {
      name: 'only-store-touches-the-driver',
      comment:
        'A second engine (PostgreSQL) replaces src/store alone; nothing else may know SQLite or drizzle.',
      severity: 'error',
      from: { path: ours, pathNot: LAYERS.store },
      to: { path: '(^|/)node_modules/(drizzle-orm|better-sqlite3)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^(src|node_modules)/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
