// Shared Jest preset: swc compiles TypeScript (decorators + metadata for Nest) and also the ESM
// packages in node_modules (NestJS 12 is ESM) to CommonJS, because Jest's module system is CommonJS.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('./tools/jest/paths');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(path.join(__dirname, 'tsconfig.base.json')),
  testMatch: ['**/?(*.)+(spec|integration-spec).ts'],
  setupFiles: [path.join(__dirname, 'tools/jest/setup.js')],
};
