// Tests of one file that share a title are separate results of one test (the worst decides the case), and the
// reader says so, naming the test: Jest's `--json` (read in pieces) and Vitest's JSON, as the upload reads them.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultFiles } from '../../src/formats/read-files.js';

const assertion = (title: string, status: string) => ({ ancestorTitles: ['cart'], title, status, failureMessages: status === 'failed' ? ['Error: no'] : [] });
const file = (name: string, assertions: unknown[]) => ({ name, status: 'passed', message: '', assertionResults: assertions });

async function read(json: Record<string, unknown>, format: 'jest' | 'vitest' = 'jest') {
  // Jest always writes numRuntimeErrorTestSuites before testResults; Vitest never does (see vitest/index.ts).
  if (format === 'jest') json = { numRuntimeErrorTestSuites: 0, ...json };
  const dir = await mkdtemp(join(tmpdir(), 'tm-repeated-'));
  await writeFile(join(dir, 'results.json'), JSON.stringify(json));
  const [outcome] = await readResultFiles(['results.json'], { cwd: dir });
  expect(outcome!.format).toBe(`${format}-json`);
  return outcome!;
}

describe('Jest --json and Vitest JSON: tests of one file with one title', () => {
  it('are read as separate results, and one warning names them with their file', async () => {
    const outcome = await read({
      numTotalTests: 5,
      testResults: [
        file('/repo/cart.test.js', [assertion('DEMO-5 adds', 'failed'), assertion('DEMO-5 adds', 'passed'), assertion('DEMO-6 empties', 'passed')]),
        // The same title in another file is another test, not a repeat.
        file('/repo/other.test.js', [assertion('DEMO-5 adds', 'passed'), assertion('DEMO-6 empties', 'passed')]),
      ],
    });
    expect(outcome.results.map((r) => r.status)).toEqual(['failed', 'passed', 'passed', 'passed', 'passed']);
    expect(outcome.warnings).toEqual([
      'results.json: 1 test(s) repeat the title of an earlier test in the same file ("cart › DEMO-5 adds (/repo/cart.test.js)"); ' +
        'each is recorded as a result of its own and the worst decides the case. To record them apart, give each a title of its own (test.each with %s or $name in the title).',
    ]);
  });

  it('names five and counts the rest', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => [assertion(`t${i}`, 'passed'), assertion(`t${i}`, 'passed')]).flat();
    const outcome = await read({ numTotalTests: 16, testResults: [file('/repo/a.test.js', rows)] });
    expect(outcome.warnings[0]).toMatch(/^results\.json: 8 test\(s\) repeat the title .*"cart › t4 \(\/repo\/a\.test\.js\)" and 3 more\); /);
  });

  it('Vitest JSON: the same warning', async () => {
    const outcome = await read(
      { numTotalTests: 2, testResults: [file('/repo/a.test.ts', [assertion('DEMO-5 adds', 'failed'), assertion('DEMO-5 adds', 'passed')])] },
      'vitest',
    );
    expect(outcome.results.map((r) => r.status)).toEqual(['failed', 'passed']);
    expect(outcome.warnings).toEqual([
      expect.stringMatching(
        /^results\.json: 1 test\(s\) repeat the title of an earlier test in the same file \("cart › DEMO-5 adds \(\/repo\/a\.test\.ts\)"\); /,
      ),
    ]);
  });

  it('says nothing when every title is its own', async () => {
    const outcome = await read({ numTotalTests: 2, testResults: [file('/repo/a.test.js', [assertion('a', 'passed'), assertion('b', 'failed')])] });
    expect(outcome.warnings).toEqual([]);
  });
});
