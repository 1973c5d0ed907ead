/**
 * A dry run shows the files' warnings as an upload does: found trying real files (issue 20's "done when"), where
 * a dry run without a token printed nothing for a file of a known format holding no tests beside a file with
 * tests, nor for a go test -json stream holding gotestsum's reruns.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, baseEnv, runNode } from './helpers/run.js';

const NATIVE = join(ROOT, 'test/fixtures/native');
const dryRun = (files: string[]) => runNode(CLI, ['upload', '--dry-run', '--prefix', 'DEMO', ...files], { cwd: NATIVE, env: baseEnv() });

describe('a dry run without a token', () => {
  it('says a file holds no test results, beside a file that has some', async () => {
    const empty = 'dorny__test-reporter/__tests__fixtures__empty_mocha-json.json';
    const res = await dryRun([empty, 'mocha/mocha.json']);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain(`warning: ${empty} contains no test results.\n`);
    expect(res.stdout).toContain('Read 6 test result(s) from 2 file(s).');
  });

  it("names gotestsum's reruns and the setting that reads them as attempts", async () => {
    const file = 'gotestyourself__gotestsum/cmd__testdata__go-test-json-flaky-rerun.json';
    const res = await dryRun([file]);
    expect(res.stderr).toContain(`warning: ${file}: 3 test(s) ran again after failing, 6 rerun(s) in all (`);
  });
});
