/**
 * The table of operations holds: each operation stops at the settings its row requires, with the one message
 * of settings/required.ts, before anything is read or asked of the service; an operation that requires nothing
 * (doctor) reports the missing token as a failed check instead.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRunCommand, resumeCommand } from '../../src/operations/commands.js';
import { doctor } from '../../src/operations/doctor.js';
import { ACTION_MODES, OPERATIONS, type OperationName } from '../../src/operations/table.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { writeSpool } from '../../src/spool/spool.js';
import { SETTING_KEYS, resolveSettings, type Settings } from '../../src/settings/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tm-operations-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NO_TOKEN = 'No API token: set TESTSIGMA_API_TOKEN (input api-token, option apiToken) to a Test Management API key (Settings > API Keys).';

/** A service that refuses every request at once: an operation that went past its checks stops there (no waiting). */
const http = {
  transport: async () =>
    ({ kind: 'answer', status: 401, body: undefined, requestId: undefined, retryAfterMs: undefined, retryAfter: undefined, rate: {} }) as const,
};
const sources = Object.fromEntries(SETTING_KEYS.map((k) => [k, { kind: 'default' }])) as Parameters<typeof doctor>[0]['sources'];

/** Each operation run with `settings`, as the code of the error it stops with (undefined: it did not stop). */
const RUN: Record<OperationName, (settings: Settings) => Promise<string | undefined>> = {
  upload: async (settings) => (await uploadResults({ settings, results: [], http })).error?.code,
  create: async (settings) => (await uploadResults({ settings, results: [], openOnly: true, http })).error?.code,
  close: async (settings) => (await closeRunCommand({ settings, http })).error?.code,
  resume: async (settings) => {
    const file = join(dir, `resume-${Math.random().toString(36).slice(2)}.json`);
    const { token: _token, ...spooled } = settings;
    await writeSpool(file, {
      tool: 'testsigma-tm',
      version: 1,
      kind: 'entries',
      createdAt: '2026-01-01T00:00:00.000Z',
      reason: 'outage',
      settings: { ...spooled, projectId: 'p-1' },
      projectId: 'p-1',
      run: { id: 'r-1', human_id: 'DEMO-R-1' },
      close: false,
      entries: [],
    });
    return (await resumeCommand({ file, token: settings.token, http })).error?.code;
  },
  doctor: async (settings) => (await doctor({ settings, sources, http })).error?.code,
};

const NAMES = Object.keys(OPERATIONS) as OperationName[];
const settings = (values: Partial<Settings>): Settings => ({ ...resolveSettings({}, {}), ...values });

describe('the table of operations', () => {
  it.each(NAMES)('%s stops without a token exactly when its row requires one', async (name) => {
    const code = await RUN[name](settings({ token: undefined, projectId: 'Demo' }));
    expect(code === 'CONFIG_MISSING_TOKEN').toBe((OPERATIONS[name].requires as readonly string[]).includes('token'));
  });

  it.each(NAMES)('%s stops without a project exactly when its row requires one', async (name) => {
    const code = await RUN[name](settings({ token: 'secret', projectId: undefined }));
    expect(code === 'CONFIG_MISSING_PROJECT').toBe((OPERATIONS[name].requires as readonly string[]).includes('projectId'));
  });

  it('one message for a missing token, whichever operation', async () => {
    const messages = [
      (await uploadResults({ settings: settings({ token: undefined }), results: [] })).error?.message,
      (await closeRunCommand({ settings: settings({ token: undefined }) })).error?.message,
    ];
    expect(messages).toEqual([NO_TOKEN, NO_TOKEN]);
  });

  it('doctor reports a missing token as a failed check', async () => {
    const outcome = await doctor({ settings: settings({ token: undefined }), sources, host: 'cli' });
    expect([outcome.checks, outcome.exitCode]).toEqual([
      [{ name: 'token', ok: false, detail: 'not set: set TESTSIGMA_API_TOKEN to a Test Management API key (Settings > API Keys).' }],
      2,
    ]);
  });

  it('every Action mode names an operation; every operation reads only settings of the table', () => {
    expect(Object.entries(ACTION_MODES)).toEqual([
      ['report', 'upload'],
      ['create', 'create'],
      ['upload', 'upload'],
      ['close', 'close'],
      ['doctor', 'doctor'],
    ]);
    for (const name of NAMES) for (const key of OPERATIONS[name].reads) expect(SETTING_KEYS).toContain(key);
  });

  it("action.yml's mode input names every mode, report the default", async () => {
    const actionYml = await readFile(new URL('../../../../action.yml', import.meta.url), 'utf8');
    const mode = /\n {2}mode:\n {4}description: '([^']*)'\n(?: {4}.*\n)*? {4}default: '([^']*)'/.exec(actionYml);
    expect(mode?.[2]).toBe('report');
    for (const name of Object.keys(ACTION_MODES)) expect(mode?.[1]).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
