// Black box: the repository's own Vitest runs the fixture project (test/fixtures/native/vitest/project) with
// its JSON reporter, and the file it writes reads to the same results as the committed report. This catches a
// Vitest upgrade that changes the JSON (the committed fixture only pins the version that wrote it).
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vitestJson } from '../../src/formats/vitest/index.js';
import { parseVitestJson } from '../../src/formats/vitest/vitest.js';
import { firstLine } from '../../src/text.js';
import type { TestResult } from '../../src/model.js';
import { FIXTURES_DIR, fixtureText } from './fixture-files.js';

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const VITEST_BIN = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const COMMITTED_ROOT = '/home/runner/work/demo/demo';

let dir: string;
let written: string;
let exitCode: number | null;

beforeAll(async () => {
  // Inside the repository (test/tmp is ignored by git), so the project's `vitest/config` import resolves.
  await mkdir(join(REPO, 'test/tmp'), { recursive: true });
  dir = await mkdtemp(join(REPO, 'test/tmp/vitest-real-'));
  await cp(join(FIXTURES_DIR, 'native/vitest/project'), dir, { recursive: true });
  // The child must not think it is a worker of this Vitest run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|TINYPOOL)/.test(key)));
  exitCode = await new Promise<number | null>((resolve) => {
    execFile(process.execPath, [VITEST_BIN, 'run', '--root', dir, '--reporter=json', '--outputFile=out.json'], { cwd: dir, env }, (error) => {
      resolve(error === null ? 0 : typeof error.code === 'number' ? error.code : null);
    });
  });
  written = await readFile(join(dir, 'out.json'), 'utf8');
}, 120_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Everything but durations and where the project lay, which differ from run to run. */
const comparable = (results: TestResult[], root: string) =>
  results.map((r) => {
    const strip = (text: string | undefined) => text?.split(root).join('<root>');
    return [
      strip(r.file),
      r.suitePath,
      strip(r.name),
      r.status,
      r.tags,
      strip(firstLine(r.message)),
      r.attempts.map((a) => [a.status, strip(firstLine(a.message))]),
    ];
  });

describe('vitest --reporter=json, run now', () => {
  it('fails the run (the project has failing tests) and writes a file the Vitest format claims', () => {
    expect(exitCode).toBe(1);
    expect(vitestJson.sniff(written.slice(0, 64 * 1024))).toBe(true);
  });

  it('reads to the same results as the committed report', async () => {
    const now: TestResult[] = [];
    async function* whole(): AsyncIterable<string> {
      yield written;
    }
    for await (const result of vitestJson.parse(whole(), { source: 'out.json', warn: () => undefined, outsideTests: () => undefined })) now.push(result);
    const committed = parseVitestJson(JSON.parse(fixtureText('native', 'vitest/vitest-report.json')), 'out.json');
    expect(comparable(now, dir)).toEqual(comparable(committed, COMMITTED_ROOT));
    expect(now).toHaveLength(12);
  });
});
