/**
 * The import boundaries of eslint.config.js, each shown to fail on a deliberately wrong import: a rule that
 * cannot fail protects nothing. Only `no-restricted-imports` runs (no type information is needed for it).
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const eslint = new ESLint({
  cwd: ROOT,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

async function messagesFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['packages/core/src/formats/junit/probe.ts', "import { uploadResults } from '../../upload/upload.js';", 'formats read files into results'],
    ['packages/core/src/formats/probe.ts', "import { HttpClient } from '../api/http.js';", 'formats know nothing of the service'],
    ['packages/core/src/api/probe.ts', "import { planBatches } from '../plan/batches.js';", 'api is a leaf'],
    ['packages/core/src/upload/probe.ts', "import { main } from '../hosts/cli/main.js';", 'upload never imports hosts'],
    ['packages/core/src/model-probe.ts', "import * as core from '@actions/core';", 'core imports no host'],
    ['packages/jest-reporter/src/probe.ts', "import { clip } from 'testsigma-tm-core/dist/formats/text.js';", 'use the public entries only'],
    ['packages/playwright-reporter/src/probe.ts', "import { clip } from '../../core/src/formats/text.js';", 'reach core through its package name'],
    ['src/probe.ts', "import { HttpClient } from 'testsigma-tm-core/dist/api/http.js';", 'use the public entries only'],
    ['src/github/probe.ts', "import * as core from '@actions/core';", 'src/main.ts is the only file that touches @actions/core'],
    ['src/github/probe.ts', "import { HttpClient } from 'testsigma-tm-core/dist/api/http.js';", 'use the public entries only'],
    ['packages/emulator/src/probe.ts', "import { ERROR_CODES } from 'testsigma-tm-core';", 'the emulator is an independent reading'],
  ])('%s: %s is refused', async (file, code, reason) => {
    expect((await messagesFor(file, code)).join('\n')).toContain(reason);
  });

  it.each([
    ['packages/core/src/upload/probe.ts', "import { mapResults } from '../map/mapping.js';"],
    ['packages/jest-reporter/src/probe.ts', "import { reportResults } from 'testsigma-tm-core/reporter';"],
    ['src/probe.ts', "import { uploadResults } from 'testsigma-tm-core';"],
    ['src/github/probe.ts', "import { getOctokit } from '@actions/github';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await messagesFor(file, code)).toEqual([]);
  });
});
