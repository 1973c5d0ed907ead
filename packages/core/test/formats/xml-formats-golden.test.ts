// Golden files for the XML formats beside JUnit (.NET TRX, NUnit 3, xUnit.net, TestNG, Robot Framework): every real file under
// test/fixtures/xml (sources in its MANIFEST.tsv) is read through readResultFiles, as the CLI reads it, and its
// results — tests, outcomes, first lines of messages, durations, references — compared with
// packages/core/test/formats/golden/xml/<fixture path>.json.
//
// Regenerate (after a change meant to alter results; review the diff before committing):
//   UPDATE_GOLDEN=1 npx vitest run packages/core/test/formats/xml-formats-golden.test.ts
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TestResult } from '../../src/model.js';
import { readResultFiles, type ReadFileOutcome } from '../../src/formats/read-files.js';
import { FIXTURES_DIR } from './fixture-files.js';
import { goldenJson } from './golden-json.js';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function normaliseResult(result: TestResult): Record<string, unknown> {
  return {
    suitePath: result.suitePath,
    name: result.name,
    classname: result.classname,
    status: result.status,
    durationMs: result.durationMs,
    message: result.message?.split('\n')[0],
    stack: result.stack?.split('\n')[0],
    output: result.output?.split('\n')[0],
    properties: result.properties.map((p) => `${p.name}=${p.value}`),
    tags: result.tags,
    attachments: result.attachments.map((a) => a.path ?? a.name),
  };
}

function normaliseOutcome(outcome: ReadFileOutcome): Record<string, unknown> {
  return {
    format: outcome.format,
    error: outcome.error === undefined ? undefined : { code: outcome.error.code, message: outcome.error.message },
    warnings: outcome.warnings,
    results: outcome.results.map(normaliseResult),
  };
}

const outcomes = new Map<string, ReadFileOutcome>();
for (const outcome of await readResultFiles(['xml/**/*.xml', 'xml/**/*.trx'], { cwd: FIXTURES_DIR })) outcomes.set(outcome.path, outcome);

describe('golden files of the XML formats', () => {
  it('finds the fixtures, each read by its format without error', () => {
    const formats = [...outcomes.values()].map((o) => o.format ?? o.error?.message);
    expect(formats.sort()).toEqual([
      ...Array(4).fill('dotnet-trx'),
      ...Array(4).fill('nunit3'),
      ...Array(8).fill('robot'),
      ...Array(4).fill('testng'),
      ...Array(4).fill('xunit'),
    ]);
  });

  it('carries no NUL character in any text (a SpecFlow output in NUnit-issue17521.xml holds one)', () => {
    const texts = [...outcomes.values()].flatMap((o) => o.results.flatMap((r) => [r.name, r.message, r.stack, r.output]));
    expect(texts.filter((t) => t?.includes('\0'))).toEqual([]);
  });

  it.each([...outcomes.keys()])('%s', (fixture) => {
    const actual = `${goldenJson(normaliseOutcome(outcomes.get(fixture) as ReadFileOutcome))}\n`;
    const golden = path.join(GOLDEN_DIR, `${fixture}.json`);
    if (UPDATE) {
      mkdirSync(path.dirname(golden), { recursive: true });
      writeFileSync(golden, actual);
      return;
    }
    expect(
      existsSync(golden),
      `no golden file ${golden}; run UPDATE_GOLDEN=1 npx vitest run ${path.relative(process.cwd(), fileURLToPath(import.meta.url))}`,
    ).toBe(true);
    expect(actual).toBe(readFileSync(golden, 'utf8'));
  });
});
