/**
 * Four Jest projects:
 * - `unit`: source modules, the build pipeline, stack shape, the dev tools;
 * - `zip-lambda-node` and `zip-host-node`: the HTTP contract run through the
 *   built zip under Lambda's runtime interface client, once on Lambda's Node
 *   major (nodejs22.x) and once on this machine's own Node (what `npm run
 *   dev` falls back to). The property-based fuzzing, the upstream fault
 *   matrix, the caller-identity cases, the jobs (a queue and a table
 *   driven through the worker, the slowest file), sessions and budgets (a
 *   table through the same DynamoDB client), the init prefetch, the MCP
 *   servers' tools, the knowledge bases and the server tools exercise the
 *   handler's logic, not the Node it runs on:
 *   they run on Lambda's Node only, which keeps CI within its time;
 * - `terraform`: offline plans with the real provider (slow: run alone with
 *   `npm run test:terraform`, or skip with `npm run test:fast`).
 * The zip is built once per run and the stack synthesized and initialised
 * once, in the global setups.
 *
 * TypeScript is transpiled by ts-jest to CommonJS without type checking
 * (`npm test` runs `tsc --noEmit` first), and so is jose, which ships ES
 * modules only. Markdown imports become strings, as with esbuild's text
 * loader.
 */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
  // jose ships ES modules only: its files become CommonJS like ours (the only package that needs it).
  '/node_modules/jose/.+\\.js$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', allowJs: true, isolatedModules: true } }],
  '^.+\\.md$': '<rootDir>/test/markdown-transform.js',
};
// `import('./x.js')` in the sources names the ES module a .ts file becomes; Jest loads the .ts itself.
const moduleNameMapper = { '^(\\.{1,2}/.*)\\.js$': '$1' };
const base = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper,
  moduleFileExtensions: ['ts', 'js', 'json', 'md'],
};
const ARTIFACT_TESTS = ['<rootDir>/test/artifact/**/*.test.ts'];

module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/test/artifact/', '/test/terraform/'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/cdktf-matchers.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'zip-lambda-node',
      testMatch: ARTIFACT_TESTS,
      setupFiles: ['<rootDir>/test/setup/node-lambda.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'zip-host-node',
      testMatch: ARTIFACT_TESTS,
      testPathIgnorePatterns: [
        '/test/artifact/fuzz\\.test\\.ts$',
        '/test/artifact/faults\\.test\\.ts$',
        '/test/artifact/caller-identity\\.test\\.ts$',
        '/test/artifact/jobs\\.test\\.ts$',
        '/test/artifact/prefetch\\.test\\.ts$',
        '/test/artifact/budgets\\.test\\.ts$',
        '/test/artifact/sessions\\.test\\.ts$',
        '/test/artifact/mcp-tools\\.test\\.ts$',
        '/test/artifact/knowledge-bases\\.test\\.ts$',
        '/test/artifact/server-tools\\.test\\.ts$',
      ],
      setupFiles: ['<rootDir>/test/setup/node-host.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'terraform',
      testMatch: ['<rootDir>/test/terraform/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/cdktf-matchers.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup-terraform.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
  // Two cores, three workers: much of a worker's time is spent waiting on child processes
  // (terraform, runtime clients) and deadlines, which a third worker fills.
  maxWorkers: 3,
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
