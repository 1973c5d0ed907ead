/** The pure parts of attachment planning: content types, file names, the documented order, byte-bounded batches. */
import { describe, expect, it } from 'vitest';
import type { ResultEntry } from '../../src/api/wire.js';
import { planBatches } from '../../src/plan/batches.js';
import { attachmentsFor, contentTypeOf, fileNameOf, inUploadOrder } from '../../src/attachments/index.js';
import type { TestResult } from '../../src/model.js';

describe('choosing attachments', () => {
  it('takes content types from the extension, then the producer, then bytes', () => {
    expect(contentTypeOf('a.PNG', 'text/plain')).toBe('image/png');
    expect(contentTypeOf('trace.zip', undefined)).toBe('application/zip');
    expect(contentTypeOf('blob', 'text/x-custom')).toBe('text/x-custom');
    expect(contentTypeOf('blob', undefined)).toBe('application/octet-stream');
  });

  it('names inline content after the attachment, with an extension from its content type', () => {
    expect(fileNameOf({ name: 'note', body: 'eA==', contentType: 'text/plain' })).toBe('note.txt');
    expect(fileNameOf({ name: 'a/b.json', body: 'eA==', contentType: 'application/json' })).toBe('a_b.json');
    expect(fileNameOf({ name: 'screenshot', path: 'test-results/x/test-failed-1.png' })).toBe('test-failed-1.png');
  });

  it('orders screenshots, traces, videos, then the rest, keeping the producer order within each', () => {
    const ordered = inUploadOrder([
      { name: 'stdout', path: 'o.txt' },
      { name: 'video', path: 'v.webm' },
      { name: 'trace', path: 'trace.zip' },
      { name: 'screenshot', path: 's2.png' },
      { name: 'diff', path: 'd.png' },
    ]);
    expect(ordered.map((a) => a.path)).toEqual(['s2.png', 'd.png', 'trace.zip', 'v.webm', 'o.txt']);
  });

  it('applies the policy: failed and flaky results only by default, from the last failing attempt', () => {
    const base: TestResult = {
      source: 's',
      suitePath: [],
      name: 'n',
      status: 'passed',
      properties: [],
      tags: [],
      attachments: [{ name: 'last', path: 'last.png' }],
      attempts: [{ status: 'passed' }],
    };
    expect(attachmentsFor(base, 'failed')).toEqual([]);
    expect(attachmentsFor(base, 'all')).toEqual([{ name: 'last', path: 'last.png' }]);
    expect(attachmentsFor({ ...base, status: 'failed', attempts: [{ status: 'failed' }] }, 'none')).toEqual([]);
    const flaky = { ...base, attempts: [{ status: 'failed' as const, attachments: [{ name: 'first', path: 'f.png' }] }, { status: 'passed' as const }] };
    expect(attachmentsFor(flaky, 'failed')).toEqual([{ name: 'first', path: 'f.png' }]);
  });
});

describe('planBatches with attachments', () => {
  const entry = (id: string): ResultEntry => ({ test_case_id: id, test_run_status_id: 's', user_id: 'u', description: '' });
  it("counts each entry's files, so an entry with large files goes alone", () => {
    const entries = ['a', 'b', 'c', 'd'].map(entry);
    const extra = new Map([
      ['b', 900],
      ['c', 50],
    ]);
    const batches = planBatches(entries, { maxBytes: 1000, extraBytes: (e) => extra.get(e.test_case_id) ?? 0 });
    expect(batches.map((b) => b.map((e) => e.test_case_id))).toEqual([['a'], ['b'], ['c', 'd']]);
  });
});
