// Lint for the whole repository (`npm run lint`, also the first step of `npm test`).
// TypeScript under packages/ is linted with type information (each package's tsconfig, found by the project
// service); the plain .mjs scripts, e2e tests and benches have no tsconfig and get the rules that need none.
// Two structural rules hold the layout of DESIGN.md: no import cycle through value imports (type-only imports
// are erased by the compiler, so they cannot form a runtime cycle), and the widget's layers stay apart.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const widget = 'packages/widget/src';

// Which widget folders a folder may not import (types included): the views are built from a plain view model,
// the engine drives calls without knowing the element or its views, and media sits below the engine.
const widgetLayers = [
  { target: `${widget}/ui`, from: [`${widget}/engine`, `${widget}/element`] },
  { target: `${widget}/engine`, from: [`${widget}/element`, `${widget}/ui`] },
  { target: `${widget}/media`, from: [`${widget}/element`, `${widget}/ui`, `${widget}/engine`] },
].map(({ target, from }) => ({
  target: `./${target}`,
  from: from.map((f) => `./${f}`),
  message: `${target.slice(widget.length + 1)}/ may not import ${from.map((f) => f.slice(widget.length + 1) + '/').join(', ')}`,
}));

export default defineConfig(
  {
    ignores: [
      '**/dist/',
      '**/node_modules/',
      'packages/widget/custom-elements.json',
      'bench/results/',
      'test-results/',
      'data/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Unused names are an error, except a deliberately ignored `_name` and the rest of a destructuring.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // node:test's test() and describe() return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after'] },
          ],
        },
      ],
      // Style, not defects: Fastify plugins are async by contract, and an assertion the compiler finds
      // unnecessary does no harm.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/no-this-alias': 'off',
    },
  },
  {
    // The widget's view models declare their callbacks with method syntax but are given arrow functions, and
    // Lit binds template listeners to the element: an unbound method here is the design, not a slip.
    files: ['packages/widget/src/**/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Tests read JSON bodies and browser handles as `any`, pass methods to assert.throws, reject with the
    // service's error body, and write chai's property assertions (`expect(x).to.be.true`) as expressions.
    files: ['packages/*/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript (and the declaration file beside a script): no tsconfig covers it, so no type information.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs', 'scripts/**/*.d.mts'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      // Scripts run in Node and hand functions to the browser (page.evaluate), so both sets of globals exist.
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // A declaration file names parameters it has no body to use.
    files: ['**/*.d.mts'],
    rules: { 'no-unused-vars': 'off' },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Sources import each other as './x.js' (NodeNext); the files on disk are './x.ts'.
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/ignore': ['/dist/', 'node_modules'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: [`${widget}/**/*.ts`],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: widgetLayers }],
    },
  },
);
