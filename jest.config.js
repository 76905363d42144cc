/**
 * Jest transpiles TypeScript with ts-jest (no type check here: `npm test`
 * runs `tsc --noEmit` first) to CommonJS, so `import()` of bundled-lazily
 * modules works inside Jest's VM. Markdown imports become strings, as with
 * esbuild's text loader.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-cdktf.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  moduleFileExtensions: ['ts', 'js', 'json', 'md'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: { module: 'commonjs', moduleResolution: 'node10', target: 'ES2022', esModuleInterop: true } }],
    '^.+\\.md$': '<rootDir>/test/markdown-transform.js',
  },
  // Builds and real terraform runs are CPU-heavy; two cores, two workers.
  maxWorkers: 2,
  testTimeout: 60_000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
