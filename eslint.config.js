import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import mplsgre from './eslint-rules/index.js';

/** Node's globals for the few plain-JS files (rules, bin, this config). */
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'performance'].map((g) => [g, 'readonly']),
);

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', 'reports/', 'test/fixtures/', 'test-artifacts/']),
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
  },
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: nodeGlobals },
    rules: { 'no-undef': 'error', 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
  {
    files: ['bin/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, require: 'readonly', __dirname: 'readonly' } },
  },
  {
    files: ['**/*.{ts,js,mjs}'],
    plugins: { mplsgre },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: { 'mplsgre/no-shell': 'error' },
  },
  {
    files: ['**/*.ts'],
    rules: {
      // `_`-prefixed parameters and caught errors are deliberate (interface-shaped callbacks).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
    },
  },
  {
    // A list of checks with different fact types: `CheckDefinition<any>` is the existential.
    files: ['checks/index.ts', 'src/core/runner.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // chai's property assertions: `expect(x).to.be.true`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
]);
