// A case id whose hyphen a word processor, a docs page or a feature file turned into another dash (`DEMO‑12`
// with a non-breaking hyphen, `DEMO–12` with an en dash) names its case as `DEMO-12` does: that dash is read as
// `-` between the prefix and the number, and nowhere else, under every rule of a reference written with `-`.
// Then the same through an upload to the emulator, where such a test was reported unmapped.
import { describe, expect, it } from 'vitest';
import { DEMO_FACTS, type EmulatorHandle } from 'testsigma-tm-emulator';
import { caseReferences, normaliseReference } from '../../src/map/references.js';
import type { TestResult } from '../../src/model.js';
import { uploadResults } from '../../src/pipeline/upload.js';
import { resolveSettings } from '../../src/settings/index.js';
import { useDemoEmulator } from '../demo-emulator.js';
import { makeResult } from './make-result.js';

/** The dashes read as `-` in an id: hyphen, non-breaking hyphen, figure dash, en dash, minus sign. */
const DASHES: Array<[string, string]> = [
  ['hyphen', '\u2010'],
  ['non-breaking hyphen', '\u2011'],
  ['figure dash', '\u2012'],
  ['en dash', '\u2013'],
  ['minus sign', '\u2212'],
];

function refsOfTitle(name: string, prefix = 'DEMO'): string[] {
  return caseReferences(makeResult(name), prefix);
}

describe('case ids written with another dash', () => {
  it.each(DASHES)('reads DEMO-12 written with a %s', (_name, dash) => {
    expect(refsOfTitle(`DEMO${dash}12 logs in`)).toEqual(['DEMO-12']);
    expect(refsOfTitle(`[demo${dash}012] logs in`)).toEqual(['DEMO-12']);
    expect(refsOfTitle(`logs in (DEMO${dash}12), then DEMO-13`)).toEqual(['DEMO-12', 'DEMO-13']);
    expect(refsOfTitle(`DEMO-12 and DEMO${dash}12 are one case`)).toEqual(['DEMO-12']);
  });

  it('reads them in the suites and the tags, and in a testsigma property', () => {
    const result = makeResult('logs in', {
      suitePath: ['Feature: Login DEMO\u20111'],
      tags: ['@DEMO\u20132'],
      properties: [{ name: 'testsigma', value: 'DEMO\u20113, demo\u2212004' }],
    });
    expect(caseReferences(result, 'DEMO')).toEqual(['DEMO-3', 'DEMO-4', 'DEMO-1', 'DEMO-2']);
    expect(normaliseReference(' demo\u201107 ')).toBe('DEMO-7');
  });

  it('reads them for any prefix, however written', () => {
    expect(refsOfTitle('Q.A\u20113 logs in', 'Q.A')).toEqual(['Q.A-3']);
    expect(refsOfTitle('ÄPFEL\u20135 logs in', 'Äpfel')).toEqual(['ÄPFEL-5']);
    // `_` does not glue, as for `-` (Go's subtests: `TestLogin/DEMO-3_works`).
    expect(refsOfTitle('TestLogin/DEMO\u20113_works')).toEqual(['DEMO-3']);
  });

  it.each([
    // The rules of a reference written with `-`: glued to letters, digits or dashes, a run id, a version.
    ['XDEMO\u20113 has a longer prefix'],
    ['DEMO\u20113a has a suffix'],
    ['ABC\u2011DEMO\u20113 is glued to another token'],
    ['ABC-DEMO\u20113 is glued to another token'],
    ['DEMO\u20113\u20114 is glued to another number'],
    ['DEMO\u20113-4 is glued to another number'],
    ['DEMO\u2011R\u20113 is a run id'],
    ['DEMO\u20113.5 is a version number'],
    ['ÄDEMO\u20113 is glued to a letter'],
    ['DEMO\u2013\u20133 has two dashes'],
    ['DEMO-\u20133 has two dashes'],
    // Dashes that sit between words, not inside a word: never an id's.
    ['DEMO\u201412 has an em dash'],
    ['DEMO\u201512 has a horizontal bar'],
    ['DEMO\ufe6312 has a small hyphen-minus'],
    ['DEMO\uff0d12 has a full-width hyphen-minus'],
    ['DEMO \u2013 12 has spaces around its dash'],
    ['DEMO\u2013 12 has a space after its dash'],
    ['Login \u2014 pays 12 items: no id at all'],
  ])('%j → nothing', (title) => {
    expect(refsOfTitle(title)).toEqual([]);
  });

  it('reads what it read before around those dashes, and nothing more', () => {
    // A dash beside an id written with `-` is no glue, as before.
    expect(refsOfTitle('Login\u2014DEMO-12 works')).toEqual(['DEMO-12']);
    expect(refsOfTitle('Login \u2013 DEMO-12 works')).toEqual(['DEMO-12']);
    expect(refsOfTitle('X\u2013DEMO-3 and DEMO-4\u20135')).toEqual(['DEMO-3', 'DEMO-4']);
    // Underscore ids are as they were.
    expect(refsOfTitle('test_demo_3\u2011works')).toEqual(['DEMO-3']);
    expect(refsOfTitle('test_demo\u2011_3')).toEqual([]);
  });

  it('leaves a property value that is no id as written, so that it is reported as unknown', () => {
    const result = makeResult('works', { properties: [{ name: 'testsigma', value: 'login\u2014case DEMO\u201412' }] });
    expect(caseReferences(result, 'DEMO')).toEqual(['login\u2014case', 'DEMO\u201412']);
  });
});

describe('case ids written with another dash, uploaded', () => {
  let emulator: EmulatorHandle;
  useDemoEmulator((started) => (emulator = started));

  function result(name: string, status: TestResult['status'], suitePath: string[] = []): TestResult {
    return { source: 'login.feature', suitePath, name, status, properties: [], tags: [], attachments: [], attempts: [{ status }] };
  }

  it('records each result against its case instead of reporting it unmapped', async () => {
    const outcome = await uploadResults({
      settings: resolveSettings({ token: emulator.token, baseUrl: emulator.url, projectId: 'Demo', unmapped: 'fail' }, {}),
      results: [
        result('DEMO\u201112 logs in', 'failed', ['Feature: Login']),
        result('logs out', 'passed', ['Feature: Session \u2013 DEMO\u201313']),
        result('DEMO\u22126 resets the password', 'passed'),
      ],
      env: {},
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    expect(outcome.exitCode, outcome.error?.message).toBe(0);
    expect(outcome.summary.unmapped).toEqual([]);
    const run = emulator.state().test_runs.at(-1);
    const status = (n: number) => run?.results[DEMO_FACTS.caseId(n)]?.status;
    expect([status(12), status(13), status(6)]).toEqual(['Failed', 'Passed', 'Passed']);
  });
});
