// One linter for the whole repository. Type-aware so that floating promises are caught:
// an un-awaited upload in a reporter hook is exactly how results go missing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries: who may import whom. One core, thin shells: core imports no host; inside core, each folder
 * of packages/core/src may import only the folders below it in LAYERS (and core's one-file modules in src/:
 * model, errors, log, clock, text, oldest...); the reporters and the Action see only core's public entries; the
 * emulator, a second reading of the API contract, imports nothing of core. A test lints a deliberately wrong
 * import against each rule (test/repo/boundaries.test.ts), another checks the folders have no cycle.
 */
const HOST_PACKAGES = {
  regex: '^(@actions/|@playwright/test|playwright|jest|@jest/|vitest|@cucumber/)',
  message: 'core imports no host: hosts translate their objects into core calls, not the other way round.',
};
const CORE_INTERNALS = {
  regex: '^testsigma-tm-core/(?!reporter$)|packages/core/',
  message: 'use the public entries only: testsigma-tm-core or testsigma-tm-core/reporter.',
};
/**
 * Each folder of core, what it owns, and the folders it may import. `because` words the refusal of a particular
 * folder; every other refusal says what the folder may import.
 */
const LAYERS = {
  api: {
    owns: 'the HTTP client and the API',
    may: [],
    because: { pipeline: 'api is a leaf: the pipeline calls it, never the other way round.', plan: 'api is a leaf: wire types live in api/.' },
  },
  formats: {
    owns: 'reading result files into the result model',
    may: [],
    because: { pipeline: 'formats read files into results; they know nothing of uploading.', api: 'formats know nothing of the service.' },
  },
  map: { owns: 'mapping results to test cases and outcomes to statuses', may: [] },
  settings: {
    owns: 'the settings table and its resolution',
    may: ['map'],
    because: { pipeline: 'the settings table imports nothing from the layers above it.' },
  },
  attachments: { owns: 'choosing and locating the files attached to results', may: [] },
  plan: { owns: "a result's description and the request batches", may: ['api', 'map'] },
  spool: { owns: 'the spool file: what an upload could not send', may: ['api', 'settings'] },
  cases: { owns: 'case sync: matching by title, creating cases and folders', may: ['api', 'map', 'settings'] },
  run: { owns: 'what the jobs of one run share', may: ['api', 'map', 'plan', 'settings', 'attachments'] },
  report: { owns: 'the summary and its renderings', may: ['cases', 'map', 'plan', 'settings'] },
  pipeline: {
    owns: "the upload's stages",
    may: ['api', 'attachments', 'cases', 'formats', 'map', 'plan', 'report', 'run', 'settings', 'spool'],
  },
  operations: {
    owns: 'the table of operations and the commands besides the upload',
    may: ['api', 'attachments', 'cases', 'formats', 'map', 'plan', 'pipeline', 'report', 'run', 'settings', 'spool'],
  },
  hosts: {
    owns: "the CLI and the reporters' shared shell: they translate, and call core's entries",
    may: ['formats', 'operations', 'pipeline', 'report', 'settings'],
  },
};
function boundaries() {
  const rule = (files, ...patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });
  const inside = (folder, message) => ({ regex: `(^|/)${folder}/`, message });
  const layers = Object.entries(LAYERS).map(([folder, { owns, may, because = {} }]) => {
    const refused = Object.keys(LAYERS).filter((other) => other !== folder && !may.includes(other));
    const mayText = may.length > 0 ? `it may import ${may.join(', ')}` : 'it imports no other folder of core';
    return rule(
      [`packages/core/src/${folder}/**/*.ts`],
      HOST_PACKAGES,
      ...refused.map((other) =>
        inside(
          other,
          because[other] ??
            (other === 'hosts'
              ? `${folder}/ (${owns}): the upload never imports hosts: hosts call core, never the other way round.`
              : `${folder}/ (${owns}) may not import ${other}/: ${mayText} (eslint.config.js LAYERS).`),
        ),
      ),
    );
  });
  return [
    rule(['packages/core/src/**/*.ts'], HOST_PACKAGES),
    ...layers,
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
    ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', 'test/tmp/**', '**/coverage/**', 'test/fixtures/**/project/**'],
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
