import type { TestResult } from '../../src/model.js';

/** A passing single-attempt result named `name`, with `extra` laid over it. */
export function makeResult(name: string, extra: Partial<TestResult> = {}): TestResult {
  const status = extra.status ?? 'passed';
  return {
    source: 'results.xml',
    suitePath: [],
    name,
    status,
    properties: [],
    tags: [],
    attachments: [],
    attempts: [{ status }],
    ...extra,
  };
}
