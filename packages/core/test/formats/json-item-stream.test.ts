// The JSON formats read in pieces (Mocha, mochawesome, RSpec, Jest, Allure): the same results whatever pieces
// the text comes in, a value of tens of megabytes read within a small heap, and Mocha's pending tests told
// from passed ones before its `pending` list is read.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InputError } from '../../src/errors.js';
import { FORMATS } from '../../src/formats/registry.js';
import { parseResultText } from '../../src/formats/read-files.js';
import type { TestResult } from '../../src/model.js';
import { fixtureText } from './fixture-files.js';

const CHILD = fileURLToPath(new URL('./deep-nesting-child.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'json-item-stream-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inPieces(text: string, size: number, source: string): Promise<{ results: TestResult[]; error?: InputError }> {
  const format = FORMATS.find((f) => f.sniff(text.slice(0, 65536)));
  if (format === undefined) throw new Error(`no format claims ${source}`);
  const chunks = async function* chunks() {
    for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
  };
  const results: TestResult[] = [];
  try {
    for await (const result of format.parse(chunks(), { source, warn: () => undefined, outsideTests: () => undefined })) results.push(result);
    return { results };
  } catch (error) {
    return { results, error: error as InputError };
  }
}

describe('the same results whatever pieces the text comes in', () => {
  it.each([
    'mocha/mocha.json',
    'mocha/mochawesome.json',
    'dorny__test-reporter/__tests__fixtures__mocha-json.json',
    'dorny__test-reporter/__tests__fixtures__rspec-json.json',
    'jest-aggregated/jest-aggregated.json',
    'jest-community__jest-editor-support/fixtures__failing-jsons__with-ancestors-and-each.json',
  ])('%s', async (file) => {
    const text = fixtureText('native', file);
    const whole = await parseResultText(text, file);
    expect(whole.results.length).toBeGreaterThan(0);
    for (const size of [1, 7, 64, 4096]) expect((await inPieces(text, size, file)).results, `pieces of ${size}`).toEqual(whole.results);
  });
});

describe("Mocha's pending tests, told before `pending` is read", () => {
  const test = (title: string, extra: Record<string, unknown> = {}) => ({ title, fullTitle: `S ${title}`, file: 'a.js', err: {}, ...extra });
  const mocha = (stats: Record<string, unknown>, tests: unknown[], pending: unknown[]) =>
    JSON.stringify({ stats: { passes: 0, ...stats }, tests, pending, failures: [], passes: [] });
  const statuses = async (text: string) => (await parseResultText(text, 'm.json')).results.map((r) => `${r.name}:${r.status}`);

  it('an older Mocha without `speed`: an error-free test waits for `pending`, and the order is kept', async () => {
    const text = mocha({ passes: 1, pending: 1 }, [test('skipped'), test('ran', { duration: 3 }), test('broke', { err: { message: 'x' } })], [test('skipped')]);
    expect(await statuses(text)).toEqual(['skipped:skipped', 'ran:passed', 'broke:failed']);
  });

  it('a Mocha that writes `speed` on passed tests: a test without it is pending', async () => {
    const text = mocha({ passes: 1, pending: 1 }, [test('skipped'), test('ran', { duration: 3, speed: 'fast' })], []);
    expect(await statuses(text)).toEqual(['skipped:skipped', 'ran:passed']);
  });

  it('a failed hook listed only in `failures` is an error; a failed test listed in both is read once', async () => {
    const hook = { title: '"before all" hook for "x"', fullTitle: 'S "before all" hook for "x"', file: 'a.js', err: { message: 'down' } };
    const failed = test('broke', { err: { message: 'x' } });
    const text = JSON.stringify({ stats: { passes: 0, pending: 0 }, tests: [failed], pending: [], failures: [failed, hook], passes: [] });
    expect(await statuses(text)).toEqual(['broke:failed', '"before all" hook for "x":error']);
  });
});

describe('a value of tens of megabytes, read in a 48 MB heap', () => {
  const big = 'x'.repeat(40 * 1024 * 1024);
  it.each([
    [
      'mocha.json',
      `{"stats":{"passes":1,"pending":0},"tests":[{"title":"t","fullTitle":"t","err":{"message":"m","stack":"${big}"}},{"title":"u","fullTitle":"u","err":{},"speed":"fast"}],"pending":[],"failures":[],"passes":[]}`,
    ],
    [
      'mochawesome.json',
      `{"stats":{"passPercent":50},"results":[{"title":"","file":"/a.js","tests":[{"title":"t","state":"failed","code":"${big}","err":{"message":"m"}},{"title":"u","state":"passed"}],"suites":[]}]}`,
    ],
    [
      'rspec.json',
      `{"version":"3.13.0","examples":[{"description":"t","full_description":"t","status":"failed","exception":{"class":"E","message":"${big}","backtrace":[]}},{"description":"u","full_description":"u","status":"passed"}],"summary_line":"2 examples"}`,
    ],
    [
      'jest.json',
      `{"numRuntimeErrorTestSuites":0,"numTotalTests":2,"testResults":[{"name":"/a.test.js","status":"failed","message":"${big}","assertionResults":[{"title":"t","status":"failed","failureMessages":["${big}"]},{"title":"u","status":"passed","failureMessages":[]}]}]}`,
    ],
  ])('%s', async (name, text) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    expect(await countInChild(file)).toEqual([2, undefined]);
  });

  it('an allure-results directory whose result holds a 40 MB trace', async () => {
    const results = path.join(dir, 'allure-results');
    await mkdir(results);
    const result = (uuid: string, trace: string) =>
      `{"uuid":"${uuid}","historyId":"h-${uuid}","name":"${uuid}","status":"failed","statusDetails":{"message":"m","trace":"${trace}"},"start":1,"stop":2}`;
    await writeFile(path.join(results, 'a-result.json'), result('a', big));
    await writeFile(path.join(results, 'b-result.json'), result('b', 'short'));
    expect(await countInChild(results)).toEqual([2, undefined]);
  });
});

/** [count, error code] of one result file or directory read as an upload reads it, in a child with a 48 MB heap. */
async function countInChild(file: string): Promise<[unknown, unknown]> {
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=48', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${out}${err}`))));
  });
  const [outcome] = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return [outcome?.count, outcome?.code];
}
