// Black box: the real cucumber-js (a devDependency, for this test only) runs the fixture project
// (test/fixtures/native/cucumber-js/project) and the JSON it writes reads to the same results as the committed
// report. CUCUMBER_JS may name another cucumber-js bin to try, e.g.
//   npm install --prefix /tmp/cucumber @cucumber/cucumber@11
//   CUCUMBER_JS=/tmp/cucumber/node_modules/@cucumber/cucumber/bin/cucumber.js npx vitest run packages/core/test/formats/cucumber-real.test.ts
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { version as cucumberVersion } from '@cucumber/cucumber';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cucumberJson } from '../../src/formats/cucumber/index.js';
import { parseCucumberJson } from '../../src/formats/cucumber/cucumber.js';
import { firstLine } from '../../src/text.js';
import type { TestResult } from '../../src/model.js';
import { FIXTURES_DIR, fixtureText } from './fixture-files.js';

// The package's exports do not list its bin: found where npm installs it, at the repository's root.
const BIN = process.env.CUCUMBER_JS || resolve(import.meta.dirname, '../../../../node_modules/@cucumber/cucumber/bin/cucumber.js');
const COMMITTED_ROOT = '/home/runner/work/demo/demo';

describe(`cucumber-js ${process.env.CUCUMBER_JS ? `at ${BIN}` : cucumberVersion} --format json, run now`, () => {
  let dir: string;
  let written: string;
  let exitCode: number | null;

  beforeAll(async () => {
    // Below the bin's node_modules, so the step definitions' `@cucumber/cucumber` import resolves to it.
    const installRoot = BIN.slice(0, BIN.lastIndexOf('/node_modules/'));
    const tmp = resolve(installRoot, 'test', 'tmp');
    await mkdir(tmp, { recursive: true });
    dir = await mkdtemp(join(tmp, 'cucumber-real-'));
    await cp(join(FIXTURES_DIR, 'native/cucumber-js/project'), dir, { recursive: true });
    exitCode = await new Promise<number | null>((resolve) => {
      execFile(process.execPath, [BIN, '--import', 'features/support/*.mjs', '--format', 'json:out.json'], { cwd: dir }, (error) => {
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
    results.map((r) => [r.file, r.suitePath, r.name, r.status, r.tags, firstLine(r.message), r.attachments, r.stack?.split(root).join('<root>')]);

  it('fails the run and writes a file the Cucumber format claims', () => {
    expect(exitCode).toBe(1);
    expect(cucumberJson.sniff(written.slice(0, 64 * 1024))).toBe(true);
  });

  it('reads to the same results as the committed report', async () => {
    const now: TestResult[] = [];
    async function* whole(): AsyncIterable<string> {
      yield written;
    }
    for await (const result of cucumberJson.parse(whole(), { source: 'out.json', warn: () => undefined, outsideTests: () => undefined })) now.push(result);
    const committed = parseCucumberJson(JSON.parse(fixtureText('native', 'cucumber-js/cucumber-report.json')), 'out.json');
    expect(comparable(now, dir)).toEqual(comparable(committed, COMMITTED_ROOT));
    expect(now).toHaveLength(11);
  });
});
