/**
 * `resume` of a file that is not what an upload left: one that is not whole (valid JSON, a spool's header, its
 * body missing), one of a newer version, one already resumed. Each is a message that says what happened and what
 * to do, exit 2, before anything is asked of the service; never a stack.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeCommand } from '../../src/operations/commands.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-spool-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A service that refuses every request at once: a resume that went past reading its file stops there. */
const http = {
  transport: async () =>
    ({ kind: 'answer', status: 401, body: undefined, requestId: undefined, retryAfterMs: undefined, retryAfter: undefined, rate: {} }) as const,
};

async function resume(name: string, content: unknown): Promise<{ code: string | undefined; message: string; exitCode: number }> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  const outcome = await resumeCommand({ file, token: 'tok', http });
  return { code: outcome.error?.code, message: outcome.message, exitCode: outcome.exitCode };
}

const HEADER = { tool: 'testsigma-tm', version: 1, createdAt: '2026-01-01T00:00:00.000Z', reason: 'an outage' };
const SETTINGS = { projectId: 'Demo', baseUrl: 'http://127.0.0.1:9/api/v1' };

describe('resume of a spool file that is not whole', () => {
  it.each([
    ['results-no-results.json', { ...HEADER, kind: 'results', settings: SETTINGS }, 'its results are'],
    ['results-no-settings.json', { ...HEADER, kind: 'results', results: [] }, 'its settings are'],
    ['entries-no-entries.json', { ...HEADER, kind: 'entries', settings: SETTINGS, projectId: 'p', run: { id: 'r', human_id: 'DEMO-R-1' } }, 'its entries are'],
    ['entries-no-run.json', { ...HEADER, kind: 'entries', settings: SETTINGS, projectId: 'p', entries: [] }, 'its run is'],
    ['entries-no-project.json', { ...HEADER, kind: 'entries', settings: SETTINGS, run: { id: 'r', human_id: 'DEMO-R-1' }, entries: [] }, 'its project is'],
    [
      'results-run-failed-no-errors.json',
      { ...HEADER, kind: 'results', settings: SETTINGS, results: [], runFailed: [{ path: 'crash.trx', runner: 'dotnet test' }] },
      'its list of runs that failed outside any test is',
    ],
  ])('%s: says which part is missing (exit 2), nothing thrown', async (name, content, part) => {
    const file = join(dir, name);
    expect(await resume(name, content)).toEqual({
      code: 'INPUT_MALFORMED',
      message: `${file} is not a whole testsigma-tm spool file: ${part} missing or malformed (was it edited, or cut short?). Pass the file an upload printed ("results were written to …") as the upload wrote it.`,
      exitCode: 2,
    });
  });

  it('a spool of a newer version is told as one, whatever its kind is named', async () => {
    const file = join(dir, 'v2.json');
    expect(await resume('v2.json', { ...HEADER, version: 2, kind: 'pending' })).toEqual({
      code: 'INPUT_NOT_RESULTS',
      message: `${file} is a spool file of version 2; this testsigma-tm reads version 1. Resume it with the version that wrote it.`,
      exitCode: 2,
    });
  });
});

describe('resume of a spool file already resumed', () => {
  it('the file is gone and its .sent is there: says it was resumed and where it is kept (exit 2)', async () => {
    const file = join(dir, 'done.json');
    await writeFile(`${file}.sent`, JSON.stringify({ ...HEADER, kind: 'results', settings: SETTINGS, results: [] }));
    const outcome = await resumeCommand({ file, token: 'tok', http });
    expect([outcome.exitCode, outcome.error?.code, outcome.message]).toEqual([
      2,
      'INPUT_UNREADABLE',
      `${file} was already resumed: every result in it was recorded, and it is kept as ${file}.sent. Nothing is left to send; pass the spool file of an upload that was not resumed.`,
    ]);
  });

  it('a file that does not exist and was never resumed: says so (exit 2)', async () => {
    const file = join(dir, 'never.json');
    const outcome = await resumeCommand({ file, token: 'tok', http });
    expect([outcome.exitCode, outcome.error?.code, outcome.message]).toEqual([
      2,
      'INPUT_UNREADABLE',
      `${file} could not be read as a spool file: ENOENT: no such file or directory, open '${file}'. Pass the file an upload printed ("results were written to …").`,
    ]);
  });
});
