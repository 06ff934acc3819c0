const fs = require('node:fs');
const path = require('node:path');

// The extended corpus test reads ../shared/corpus; a clone without it leaves that file out.
const corpus = path.resolve(__dirname, '..', 'shared', 'corpus', 'MANIFEST.tsv');
const ignore = ['/node_modules/'];
if (!fs.existsSync(corpus)) {
  ignore.push('<rootDir>/test/corpus/');
  process.stderr.write(`note: ${corpus} not found, the corpus test is left out\n`);
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ignore,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 30000,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
};
