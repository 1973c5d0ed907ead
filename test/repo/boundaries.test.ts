/**
 * The import boundaries of eslint.config.js, each shown to fail on a deliberately wrong import: a rule that
 * cannot fail protects nothing. Only `no-restricted-imports` runs (no type information is needed for it).
 */
import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
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
    ['packages/core/src/formats/junit/probe.ts', "import { uploadResults } from '../../pipeline/upload.js';", 'formats read files into results'],
    ['packages/core/src/formats/probe.ts', "import { HttpClient } from '../api/http.js';", 'formats know nothing of the service'],
    ['packages/core/src/api/probe.ts', "import { planBatches } from '../plan/batches.js';", 'api is a leaf'],
    ['packages/core/src/pipeline/probe.ts', "import { main } from '../hosts/cli/main.js';", 'upload never imports hosts'],
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
    ['packages/core/src/pipeline/probe.ts', "import { mapResults } from '../map/mapping.js';"],
    ['packages/jest-reporter/src/probe.ts', "import { reportResults } from 'testsigma-tm-core/reporter';"],
    ['src/probe.ts', "import { uploadResults } from 'testsigma-tm-core';"],
    ['src/github/probe.ts', "import { getOctokit } from '@actions/github';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await messagesFor(file, code)).toEqual([]);
  });
});

describe('every folder of core imports only the folders below it', () => {
  it('every folder has its own rule (more than the host packages refused)', async () => {
    const src = fileURLToPath(new URL('../../packages/core/src', import.meta.url));
    const folders = readdirSync(src, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    const ruleless: string[] = [];
    for (const { name } of folders) {
      const config = (await eslint.calculateConfigForFile(`packages/core/src/${name}/probe.ts`)) as {
        rules?: Record<string, [string, { patterns: unknown[] }]>;
      };
      if ((config.rules?.['no-restricted-imports']?.[1].patterns.length ?? 0) < 2) ruleless.push(name);
    }
    expect(ruleless).toEqual([]);
  });

  it.each([
    ['map', "import { SETTINGS } from '../settings/index.js';", 'map/ (mapping results to test cases and outcomes to statuses) may not import settings/'],
    ['settings', "import { runTitle } from '../pipeline/run-title.js';", 'the settings table imports nothing from the layers above it'],
    ['settings', "import type { UploadSummary } from '../report/summary.js';", 'settings/ (the settings table and its resolution) may not import report/'],
    [
      'attachments',
      "import type { TestManagementApi } from '../api/client.js';",
      'attachments/ (choosing and locating the files attached to results) may not import api/',
    ],
    ['plan', "import { uploadResults } from '../pipeline/upload.js';", "plan/ (a result's description and the request batches) may not import pipeline/"],
    ['spool', "import type { UploadContext } from '../pipeline/stages.js';", 'spool/ (the spool file: what an upload could not send) may not import pipeline/'],
    [
      'cases',
      "import type { UploadSummary } from '../report/summary.js';",
      'cases/ (case sync: matching by title, creating cases and folders) may not import report/',
    ],
    ['run', "import type { UploadPlan } from '../pipeline/stages.js';", 'run/ (what the jobs of one run share) may not import pipeline/'],
    ['run', "import { OPERATIONS } from '../operations/table.js';", 'run/ (what the jobs of one run share) may not import operations/'],
    ['run', "import { renderText } from '../report/summary-text.js';", 'run/ (what the jobs of one run share) may not import report/'],
    ['run', "import { main } from '../hosts/cli/main.js';", 'upload never imports hosts'],
    ['report', "import type { Progress } from '../pipeline/stages.js';", 'report/ (the summary and its renderings) may not import pipeline/'],
    ['pipeline', "import { OPERATIONS } from '../operations/table.js';", "pipeline/ (the upload's stages) may not import operations/"],
    ['operations', "import { main } from '../hosts/cli/main.js';", 'upload never imports hosts'],
    ['hosts', "import * as core from '@actions/core';", 'core imports no host'],
    [
      'hosts/cli',
      "import { sendEntries } from '../../run/send.js';",
      "hosts/ (the CLI and the reporters' shared shell: they translate, and call core's entries) may not import run/",
    ],
  ])('%s: %s is refused', async (folder, code, reason) => {
    expect((await messagesFor(`packages/core/src/${folder}/probe.ts`, code)).join('\n')).toContain(reason);
  });

  it.each([
    ['run', "import { withSkippedNote } from '../attachments/plan.js';"],
    ['run', "import { settingLabel } from '../settings/index.js';"],
    ['report', "import type { CaseSync } from '../cases/case-sync.js';"],
    ['hosts', "import { OPERATIONS } from '../operations/table.js';"],
  ])('%s: %s is allowed', async (folder, code) => {
    expect(await messagesFor(`packages/core/src/${folder}/probe.ts`, code)).toEqual([]);
  });
});
