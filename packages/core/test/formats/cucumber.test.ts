// Cucumber JSON: the report written by the real cucumber-js 13.3.0 (test/fixtures/native/cucumber-js), and the
// shapes Cucumber-JVM/Ruby write (background elements, hook arrays), converted to exact results.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { cucumberJson } from '../../src/formats/cucumber/index.js';
import { parseCucumberJson } from '../../src/formats/cucumber/cucumber.js';
import { firstLine } from '../../src/text.js';
import { mapResults, type CaseInfo } from '../../src/map/mapping.js';
import { DEFAULT_STATUS_MAPPING, caseStatusName } from '../../src/map/status.js';
import type { TestResult } from '../../src/model.js';
import { fixtureText } from './fixture-files.js';

const REPORT = 'cucumber-js/cucumber-report.json';
const reportText = fixtureText('native', REPORT);
const report = (): TestResult[] => parseCucumberJson(JSON.parse(reportText), 'cucumber.json');

/** What a reviewer checks per result: title path, outcome, tags, duration and the message's first line. */
const summary = (r: TestResult) => [[...r.suitePath, r.name].join(' › '), r.status, r.tags.join(' '), r.durationMs, firstLine(r.message)];

async function readWithFormat(text: string, source: string): Promise<TestResult[]> {
  async function* pieces(): AsyncIterable<string> {
    for (let i = 0; i < text.length; i += 1000) yield text.slice(i, i + 1000);
  }
  const results: TestResult[] = [];
  for await (const result of cucumberJson.parse(pieces(), { source, warn: () => undefined, outsideTests: () => undefined })) results.push(result);
  return results;
}

describe('Cucumber JSON written by cucumber-js', () => {
  it('gives one result per scenario and per outline example row, with the rules of the converter', () => {
    expect(report().map(summary)).toEqual([
      [
        'Edge cases › A step nobody wrote yet',
        'failed',
        '@DEMO-16',
        1,
        'Undefined step "When I do something nobody implemented" (line 6): no step definition matches it, so the scenario was not checked. Write the step definition (Cucumber prints a snippet for it).',
      ],
      [
        'Edge cases › A step still pending',
        'failed',
        '@DEMO-17',
        0,
        'Pending step "When I reset my password" (line 12): its step definition is marked as not implemented yet, so the scenario was not checked.',
      ],
      ['Edge cases › A scenario skipped at run time', 'skipped', '@DEMO-18', 0, 'Skipped at step "Given the feature flag "beta" is off" (line 17).'],
      [
        'Edge cases › Two step definitions match',
        'error',
        '@DEMO-19',
        0,
        'Ambiguous step "When I open the settings page" (line 23): several step definitions match it, so the scenario was not checked. Make one of their patterns more specific.',
      ],
      ['Edge cases › A Before hook fails', 'failed', '@DEMO-20 @before-fails', 0, 'Before hook failed: Error: database seed failed: connection refused'],
      ['Edge cases › A scenario attaches a log and a screenshot', 'passed', '@DEMO-21', 1, undefined],
      ['Login › A known user signs in', 'passed', '@web @DEMO-12 @smoke', 0, undefined],
      [
        'Login › DEMO-13 a wrong password is refused',
        'failed',
        '@web',
        1,
        'Step "Then I see the dashboard" (line 15) failed: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
      ],
      ['Login › Sign in as alice', 'passed', '@web @DEMO-15 @regression', 0, undefined],
      ['Login › Sign in as bob', 'passed', '@web @DEMO-15 @regression', 0, undefined],
      [
        'Login › Sign in as mallory',
        'failed',
        '@web @DEMO-15 @regression',
        0,
        'Step "Then I see the dashboard" (line 20) failed: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
      ],
    ]);
  });

  it('keeps the feature file, the whole assertion text as the stack, and one attempt per scenario', () => {
    const failed = report()[7];
    expect(failed).toMatchObject({ source: 'cucumber.json', file: 'features/login.feature', properties: [], attachments: [] });
    expect(failed?.message).toContain("+ 'login'\n- 'dashboard'");
    expect(failed?.stack).toMatch(
      /^AssertionError \[ERR_ASSERTION\][\s\S]*\n {4}at World\.<anonymous> \(file:\/\/\/home\/runner\/work\/demo\/demo\/features\/support\/steps\.mjs:19:10\)$/,
    );
    for (const result of report()) {
      expect(result.attempts).toEqual([
        {
          status: result.status,
          durationMs: result.durationMs,
          ...(result.message !== undefined && { message: result.message }),
          ...(result.stack !== undefined && { stack: result.stack }),
        },
      ]);
    }
  });

  it('lists embeddings as attachments with their media type (their bytes are inline, the model keeps none)', () => {
    expect(report()[5]?.attachments).toEqual([
      { name: 'attachment 1 (text/plain)', contentType: 'text/plain' },
      { name: 'attachment 2 (image/png)', contentType: 'image/png' },
    ]);
  });

  it("maps @DEMO-12 tags and DEMO-13 in names; an outline's rows name one case, whose worst row decides", () => {
    const ids = [12, 13, 15, 16, 17, 18, 19, 20, 21];
    const cases: CaseInfo[] = ids.map((n) => ({ id: `00000000-0000-4000-8000-0000000000${n}`, human_id: `DEMO-${n}`, title: `case ${n}` }));
    const mapping = mapResults(report(), cases, 'DEMO');
    expect(mapping.unmapped).toEqual([]);
    expect(mapping.unknown).toEqual([]);
    const byCase = new Map(mapping.mapped.map((m) => [m.testCase.human_id, m.results]));
    expect(byCase.get('DEMO-12')?.map((r) => r.name)).toEqual(['A known user signs in']);
    expect(byCase.get('DEMO-13')?.map((r) => r.name)).toEqual(['DEMO-13 a wrong password is refused']);
    const outline = byCase.get('DEMO-15') ?? [];
    expect(outline.map((r) => [r.name, r.status])).toEqual([
      ['Sign in as alice', 'passed'],
      ['Sign in as bob', 'passed'],
      ['Sign in as mallory', 'failed'],
    ]);
    expect(caseStatusName(outline, DEFAULT_STATUS_MAPPING)).toBe('Failed');
    // Undefined and pending steps are not passes.
    expect(caseStatusName(byCase.get('DEMO-16') ?? [], DEFAULT_STATUS_MAPPING)).toBe('Failed');
    expect(caseStatusName(byCase.get('DEMO-17') ?? [], DEFAULT_STATUS_MAPPING)).toBe('Failed');
  });
});

describe('the Cucumber JSON format', () => {
  it('reads a file given in pieces to the same results', async () => {
    expect(await readWithFormat(reportText, 'cucumber.json')).toEqual(report());
  });

  it('recognises cucumber-js output and an empty run, and nothing else', () => {
    expect(cucumberJson.sniff(reportText.slice(0, 64 * 1024))).toBe(true);
    expect(cucumberJson.sniff('[]\n')).toBe(true);
    expect(cucumberJson.sniff(fixtureText('native', 'vitest/vitest-report.json'))).toBe(false);
    expect(cucumberJson.sniff(fixtureText('native', 'Hypersequent__qas-cli/src__tests__fixtures__playwright-json__comprehensive-test.json'))).toBe(false);
    expect(cucumberJson.sniff('[{"name": "x", "value": 1}]')).toBe(false);
    expect(cucumberJson.sniff('<testsuite/>')).toBe(false);
  });

  it('names the file when the JSON is malformed', async () => {
    const error = await readWithFormat(reportText.slice(0, 500), 'reports/cucumber.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: 'INPUT_MALFORMED', file: 'reports/cucumber.json' });
    expect((error as Error).message).toMatch(
      /^reports\/cucumber\.json is not valid JSON: .+\. Expected Cucumber JSON \(--format json:<file>\); the file may be truncated/,
    );
  });

  it('refuses JSON that is not an array of features', () => {
    expect(() => parseCucumberJson({ features: [] }, 'c.json')).toThrow(
      'c.json is not Cucumber JSON: expected an array of features. Run Cucumber with --format json:<file> and pass that file.',
    );
    expect(() => parseCucumberJson([{ elements: [] }, 'x'], 'c.json')).toThrow('c.json: feature [1] is not an object.');
  });
});

// The shape Cucumber-JVM and Cucumber-Ruby write, built by hand from their documented JSON plugin output.
const step = (keyword: string, name: string, line: number, status: string, duration: number, extra: Record<string, unknown> = {}) => ({
  keyword,
  name,
  line,
  result: { status, duration, ...extra },
});
const jvmFeature = {
  uri: 'classpath:features/cart.feature',
  keyword: 'Feature',
  name: 'Cart',
  tags: [{ name: '@cart' }],
  elements: [
    { type: 'background', keyword: 'Background', name: '', line: 3, steps: [step('Given ', 'an empty cart', 4, 'passed', 1_500_000)] },
    {
      type: 'scenario',
      keyword: 'Scenario Outline',
      name: 'Add an item',
      line: 12,
      tags: [{ name: '@DEMO-40' }],
      before: [{ match: { location: 'Hooks.open()' }, result: { status: 'passed', duration: 100_000 } }],
      steps: [
        step('When ', 'I add "apple"', 8, 'passed', 2_600_000, {}),
        {
          ...step('Then ', 'the cart holds 1 item', 9, 'passed', 300_000),
          output: ['cart=[apple]'],
          after: [{ result: { status: 'passed', duration: 0 } }],
        },
      ],
      after: [
        {
          result: { status: 'passed', duration: 200_000 },
          embeddings: [{ mime_type: 'image/png', data: 'iVBORw0KGgo=', name: 'cart screenshot' }],
        },
      ],
    },
    { type: 'background', keyword: 'Background', name: '', line: 3, steps: [step('Given ', 'an empty cart', 4, 'passed', 1_000_000)] },
    {
      type: 'scenario',
      keyword: 'Scenario Outline',
      name: 'Add an item',
      line: 13,
      tags: [{ name: '@DEMO-40' }],
      steps: [step('When ', 'I add "pear"', 8, 'passed', 0), step('Then ', 'the cart holds 1 item', 9, 'skipped', 0)],
      after: [
        {
          match: { location: 'Hooks.close()' },
          result: { status: 'failed', duration: 0, error_message: 'java.lang.IllegalStateException: browser gone\n\tat Hooks.close(Hooks.java:20)' },
        },
      ],
    },
  ],
};

describe('Cucumber JSON of Cucumber-JVM and Cucumber-Ruby', () => {
  const [first, second] = parseCucumberJson([jvmFeature], 'cucumber.json');

  it('counts the background element and every hook with the scenario that follows it', () => {
    // 0.1 + 1.5 + 2.6 + 0.3 + 0 + 0.2 ms
    expect(first).toMatchObject({ status: 'passed', durationMs: 5, output: 'cart=[apple]', file: 'classpath:features/cart.feature' });
    expect(second).toMatchObject({
      status: 'failed',
      durationMs: 1,
      message: 'After hook (Hooks.close()) failed: java.lang.IllegalStateException: browser gone',
    });
  });

  it("tells outline rows of the same name apart by their line and keeps the embedding's own name", () => {
    expect([first, second].map((r) => [r?.suitePath, r?.name, r?.tags])).toEqual([
      [['Cart'], 'Add an item (line 12)', ['@DEMO-40', '@cart']],
      [['Cart'], 'Add an item (line 13)', ['@DEMO-40', '@cart']],
    ]);
    expect(first?.attachments).toEqual([{ name: 'cart screenshot', contentType: 'image/png' }]);
  });

  it('reports a status it does not know as an error naming it, and a scenario without steps as passed', () => {
    const [odd, empty] = parseCucumberJson(
      [
        {
          name: 'F',
          elements: [
            { name: 'odd', steps: [step('Given ', 'x', 2, 'exploded', 0)] },
            { name: 'empty', steps: [] },
          ],
        },
      ],
      'c.json',
    );
    expect(odd).toMatchObject({ status: 'error', message: 'Cucumber reported the unknown status "exploded" for step "Given x" (line 2).' });
    expect(empty).toMatchObject({ status: 'passed', suitePath: ['F'], name: 'empty' });
    expect(empty?.durationMs).toBeUndefined();
  });

  it("keeps cucumber-js's this.log text as output, not as an attachment", () => {
    const log = { mime_type: 'text/x.cucumber.log+plain', data: Buffer.from('user=alice').toString('base64') };
    const [result] = parseCucumberJson(
      [{ name: 'F', elements: [{ name: 's', steps: [{ ...step('Given ', 'x', 2, 'passed', 0), embeddings: [log] }] }] }],
      'c.json',
    );
    expect(result).toMatchObject({ output: 'user=alice', attachments: [] });
  });

  it('says so when a failed step carries no error message', () => {
    const [result] = parseCucumberJson([{ name: 'F', elements: [{ name: 's', steps: [step('Then ', 'y', 3, 'failed', 0)] }] }], 'c.json');
    expect(result?.message).toBe('Step "Then y" (line 3) failed; Cucumber recorded no error message.');
    expect(result?.stack).toBeUndefined();
  });
});
