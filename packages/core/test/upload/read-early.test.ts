/**
 * The input read while the project's cases are listed (pipeline/read-early.ts): the same mapping and tally as a
 * read after the listing, a stop past its memory bound, and a stop when the listing failed.
 */
import { describe, expect, it } from 'vitest';
import { readWhileListing } from '../../src/pipeline/read-early.js';
import { resolveSettings } from '../../src/settings/index.js';
import { ResultMapper } from '../../src/map/mapping.js';
import { ResultTally } from '../../src/report/tally.js';
import type { ResultSource, TestResult } from '../../src/model.js';
import { makeResult } from '../map/make-result.js';

const CASES = [1, 2, 3].map((n) => ({ id: `00000000-0000-4000-8000-00000000000${n}`, human_id: `BIG-${n}`, title: `case ${n}` }));

const RESULTS: TestResult[] = [
  makeResult('BIG-1 logs in'),
  makeResult('BIG-2 pays', { status: 'failed', message: 'expected 1 to be 2', attempts: [{ status: 'failed' }] }),
  makeResult('no id at all'),
  makeResult('BIG-9 names no case'),
  makeResult('BIG-1 logs in again', { status: 'skipped', attempts: [{ status: 'skipped' }] }),
];

/** A source that hands its results over one turn of the event loop apart, as a file reader does; counts them. */
function slowSource(results: TestResult[]): ResultSource & { handed: number } {
  const source = {
    handed: 0,
    async read(each: (result: TestResult) => void) {
      for (const result of results) {
        await new Promise((resolve) => setImmediate(resolve));
        source.handed++;
        each(result);
      }
      return [{ path: 'results.xml', results: [], count: results.length, warnings: ['a warning of the file'] }];
    },
  };
  return source;
}

function context(results: TestResult[] | ResultSource) {
  const settings = resolveSettings({ token: 't', projectId: 'Demo' }, {});
  return { input: { settings, results }, settings, workspace: process.cwd() };
}

describe('readWhileListing', () => {
  it('maps and tallies, once the cases are known, as a read after the listing does', async () => {
    const early = await readWhileListing(context(slowSource(RESULTS)), 'BIG').read;
    expect(early).toBeDefined();
    if (!early) return;
    expect(early.mapper.waiting).toBe(4);
    early.mapper.resolve(CASES, (result, found) => early.tally.placeLate(result, found));

    const mapper = new ResultMapper(CASES, 'BIG');
    const tally = new ResultTally({ lines: false, workspace: process.cwd() });
    for (const result of RESULTS) tally.add(result, mapper.add(result));
    expect(early.mapper.report()).toEqual(mapper.report());
    expect(early.tally.failed).toEqual(tally.failed);
    expect(early.tally.tests).toEqual(tally.tests);
    expect(early.tally.total).toBe(5);
    expect(early.files.flatMap((f) => f.warnings ?? [])).toEqual(['a warning of the file']);
  });

  it('stops, and gives nothing to use, once what waits for the cases passes its bound', async () => {
    const source = slowSource(RESULTS);
    // Each waiting result counts 256 and its texts: the second one passes 300.
    expect(await readWhileListing(context(source), 'BIG', { maxChars: 300 }).read).toBeUndefined();
    expect(source.handed).toBe(2);
  });

  it('stops when told (the listing failed), at the next result', async () => {
    const source = slowSource(RESULTS);
    const early = readWhileListing(context(source), 'BIG');
    await new Promise((resolve) => setImmediate(resolve));
    await early.stop();
    expect(await early.read).toBeUndefined();
    expect(source.handed).toBeLessThan(RESULTS.length);
  });

  it('rejects as the read does for any other error', async () => {
    const failing: ResultSource = { read: () => Promise.reject(new Error('disk gone')) };
    await expect(readWhileListing(context(failing), 'BIG').read).rejects.toThrow('disk gone');
  });
});

describe('readWhileListing, when it begins', () => {
  it('waits for `after` (the pacer waiting for its window), or begins when told to', async () => {
    const waited = slowSource(RESULTS);
    let go: () => void = () => undefined;
    const early = readWhileListing(context(waited), 'BIG', { after: new Promise<void>((resolve) => (go = resolve)) });
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(waited.handed).toBe(0);
    go();
    expect((await early.read)?.tally.total).toBe(5);

    const told = slowSource(RESULTS);
    const begun = readWhileListing(context(told), 'BIG', { after: new Promise<void>(() => undefined) });
    begun.begin();
    expect((await begun.read)?.tally.total).toBe(5);
  });
});
