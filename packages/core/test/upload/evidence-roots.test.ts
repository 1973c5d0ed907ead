/**
 * Evidence roots: a file is inside the workspace when it is under the working directory, the repository root
 * (GITHUB_WORKSPACE, CI_PROJECT_DIR, the git top level) or a folder the host adds (Playwright's outputDirs), and
 * each root is as strict as the working directory alone: `..`, other absolute paths and links out are refused.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_FACTS, startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import type { TestResult } from '../../src/model.js';
import { resolveSettings } from '../../src/settings/index.js';
import { evidenceRoots } from '../../src/attachments/roots.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import type { UploadInput } from '../../src/pipeline/stages.js';

let emulator: EmulatorHandle;
let repo: string;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: false });
});
afterAll(() => emulator.close());
beforeEach(async () => {
  emulator.reset();
  repo = await mkdtemp(path.join(tmpdir(), 'tstm-roots-'));
  await mkdir(path.join(repo, 'e2e'), { recursive: true });
  await mkdir(path.join(repo, 'test-results'), { recursive: true });
  await writeFile(path.join(repo, 'test-results', 'shot.png'), Buffer.alloc(64, 1));
});
afterEach(() => rm(repo, { recursive: true, force: true }));

function failing(paths: string[]): TestResult {
  const attachments = paths.map((p) => ({ name: 'screenshot', path: p }));
  return {
    source: 'playwright',
    suitePath: [],
    name: 'DEMO-2 checkout',
    status: 'failed',
    properties: [],
    tags: [],
    attachments,
    attempts: [{ status: 'failed' }],
  };
}

async function upload(paths: string[], extra: Partial<UploadInput> = {}) {
  const warnings: string[] = [];
  const outcome = await uploadResults({
    settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo' }, {}),
    results: [failing(paths)],
    cwd: path.join(repo, 'e2e'),
    log: { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    ...extra,
  });
  const run = emulator.state().test_runs.at(-1);
  return { outcome, warnings, names: run?.results[DEMO_FACTS.caseId(2)]?.attachments.map((a) => a.name) ?? [] };
}

describe('evidence roots', () => {
  it('the working directory only: a file one level up is refused', async () => {
    const { names, outcome } = await upload([path.join(repo, 'test-results', 'shot.png')]);
    expect(names).toEqual([]);
    expect(outcome.summary.attachments.skipped).toEqual([
      { case: 'DEMO-2', name: path.join(repo, 'test-results', 'shot.png'), reason: 'outside the workspace' },
    ]);
  });

  it.each([
    ['GITHUB_WORKSPACE', { env: { GITHUB_WORKSPACE: '' } }],
    ['CI_PROJECT_DIR', { env: { CI_PROJECT_DIR: '' } }],
    ['an outputDir', { evidenceRoots: [''] }],
  ])('the repository root from %s: the file lands; ../ out of it and a link out are still refused', async (_, how) => {
    await symlink('/etc/hostname', path.join(repo, 'test-results', 'link.png'));
    const extra: Partial<UploadInput> =
      'env' in how ? { env: Object.fromEntries(Object.keys(how.env).map((k) => [k, repo])) } : { evidenceRoots: [path.join(repo, 'test-results')] };
    const { names, warnings } = await upload(
      [path.join(repo, 'test-results', 'shot.png'), '../../etc/passwd', path.join(repo, 'test-results', 'link.png')],
      extra,
    );
    expect(names).toEqual(['shot.png']);
    expect(warnings.filter((w) => w.startsWith('Attachment '))).toEqual([
      expect.stringContaining('Attachment ../../etc/passwd of "DEMO-2 checkout" is not uploaded (refused): it is outside the workspace'),
      expect.stringMatching(/Attachment .*link\.png of "DEMO-2 checkout" is not uploaded \(refused\): it leads outside .* \(to \/etc\/hostname\)/),
    ]);
  });

  it('the git top level is a root: found from the working directory by its .git', async () => {
    await mkdir(path.join(repo, '.git'));
    expect(evidenceRoots(path.join(repo, 'e2e'), {})).toEqual([path.join(repo, 'e2e'), repo]);
    const { names } = await upload([path.join(repo, 'test-results', 'shot.png')]);
    expect(names).toEqual(['shot.png']);
  });
});
