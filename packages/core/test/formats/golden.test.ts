// Golden files: every fixture under test/fixtures/junit, test/fixtures/native and test/fixtures/conformance is
// read through readResultFiles and its normalised results compared with
// packages/core/test/formats/golden/<kind>/<fixture path>.json.
//
// Regenerate (after a change meant to alter results; review the diff before committing):
//   UPDATE_GOLDEN=1 npx vitest run packages/core/test/formats/golden.test.ts
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

/** What a reviewer needs to see per test; long texts reduced to their first line. */
function normaliseResult(result: TestResult): Record<string, unknown> {
  return {
    source: result.source,
    suitePath: result.suitePath,
    name: result.name,
    classname: result.classname,
    file: result.file,
    project: result.project,
    status: result.status,
    durationMs: result.durationMs,
    message: firstLine(result.message),
    attempts: result.attempts.map((a) => a.status),
    properties: result.properties.map((p) => `${p.name}=${p.value}`),
    tags: result.tags,
    attachments: result.attachments.map((a) => a.path ?? a.name),
  };
}

function firstLine(text: string | undefined): string | undefined {
  return text === undefined ? undefined : (text.split('\n')[0] ?? '');
}

function normaliseOutcome(outcome: ReadFileOutcome): Record<string, unknown> {
  return {
    format: outcome.format,
    error: outcome.error === undefined ? undefined : { code: outcome.error.code, message: outcome.error.message },
    warnings: outcome.warnings,
    ...(outcome.outsideTests && { outsideTests: outcome.outsideTests }),
    results: outcome.results.map(normaliseResult),
  };
}

const KINDS = ['junit', 'native', 'conformance'] as const;
const outcomes = new Map<string, ReadFileOutcome>();
for (const kind of KINDS) {
  if (!existsSync(`${FIXTURES_DIR}${kind}`)) continue;
  for (const outcome of await readResultFiles([`${kind}/**/*.xml`, `${kind}/**/*.json`, `${kind}/**/*.tap`], { cwd: FIXTURES_DIR })) {
    // A pattern with no match (no JSON among the conformance files) is not a fixture, and its message names the checkout.
    if (outcome.error?.code !== 'INPUT_NOT_FOUND') outcomes.set(outcome.path, outcome);
  }
}

describe('golden files', () => {
  it('finds the fixtures', () => {
    expect(outcomes.size).toBeGreaterThanOrEqual(135);
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
