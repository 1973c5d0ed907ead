// One linter for the whole repository. Type-aware so that floating promises are caught:
// an un-awaited upload in a reporter hook is exactly how results go missing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries: who may import whom. One core, thin shells: core imports no host; inside core, formats and
 * api are leaves (formats import neither upload nor api; api imports nothing of the pipeline), upload never
 * imports hosts; the reporters and the Action see only core's public entries; the emulator, a second reading of
 * the API contract, imports nothing of core. A test lints a deliberately wrong import against each rule.
 */
const HOST_PACKAGES = {
  regex: '^(@actions/|@playwright/test|playwright|jest|@jest/|vitest|@cucumber/)',
  message: 'core imports no host: hosts translate their objects into core calls, not the other way round.',
};
const CORE_INTERNALS = {
  regex: '^testsigma-tm-core/(?!reporter$)|packages/core/',
  message: 'use the public entries only: testsigma-tm-core or testsigma-tm-core/reporter.',
};
function boundaries() {
  const rule = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });
  const inside = (folder, message) => ({ regex: `(^|/)${folder}/`, message });
  return [
    rule(['packages/core/src/**/*.ts'], HOST_PACKAGES),
    rule(
      ['packages/core/src/formats/**/*.ts'],
      HOST_PACKAGES,
      inside('upload', 'formats read files into results; they know nothing of uploading.'),
      inside('api', 'formats know nothing of the service.'),
      inside('hosts', 'formats know nothing of hosts.'),
    ),
    rule(
      ['packages/core/src/api/**/*.ts'],
      HOST_PACKAGES,
      inside('upload', 'api is a leaf: the pipeline calls it, never the other way round.'),
      inside('plan', 'api is a leaf: wire types live in api/.'),
      inside('map', 'api is a leaf.'),
      inside('formats', 'api is a leaf.'),
      inside('hosts', 'api is a leaf.'),
    ),
    rule(['packages/core/src/upload/**/*.ts'], HOST_PACKAGES, inside('hosts', 'upload never imports hosts: hosts call upload.')),
    rule(['packages/jest-reporter/src/**/*.ts', 'packages/playwright-reporter/src/**/*.ts', 'src/**/*.ts'], CORE_INTERNALS, {
      regex: '^\\.\\./.*core',
      message: 'reach core through its package name.',
    }),
    // The Action's GitHub features are plain functions: src/main.ts alone talks to the runner (@actions/core).
    rule(['src/github/**/*.ts'], CORE_INTERNALS, {
      regex: '^@actions/core$',
      message: 'src/main.ts is the only file that touches @actions/core: return what to print instead.',
    }),
    rule(['packages/emulator/src/**/*.ts'], {
      regex: 'testsigma-tm-core|packages/core',
      message: 'the emulator is an independent reading of the API contract: it shares no code with core.',
    }),
  ];
}

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', 'test/tmp/**', '**/coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...boundaries(),
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      // Node's globals, for the scripts and bins (no `globals` dependency for a handful of names).
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Buffer', 'require', 'module'].map(
          (name) => [name, 'readonly'],
        ),
      ),
    },
  },
);
