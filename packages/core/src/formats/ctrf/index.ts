/** CTRF as one `Format`: how it is recognised and read. The conversion rules are in ./ctrf.ts, the reading in pieces in ./ctrf-stream.ts. */
import { InputError } from '../../errors.js';
import type { Format, ReadContext } from '../format.js';
import { describeJson } from '../json-input.js';
import { JsonItemStream, readItems } from '../json-stream/item-stream.js';
import { CtrfStreamReader } from './ctrf-stream.js';

const HOW = 'Pass the ctrf-report.json a CTRF reporter wrote (ctrf.io lists them), as it wrote it.';

export const ctrfJson: Format = {
  id: 'ctrf-json',
  label: 'CTRF JSON',
  writtenBy: 'a CTRF reporter (jest-ctrf-json-reporter, playwright-ctrf-json-reporter, pytest-ctrf, …): `ctrf/ctrf-report.json`',
  /**
   * The spec's `"reportFormat": "CTRF"`, or, in reports of reporters that wrote none, `results` opening with one
   * of CTRF's keys and holding `tool` and `tests` or `summary`. Asked before Playwright's JSON, which claims any
   * `"suites"` key (CTRF's summary has one).
   */
  sniff: (head) =>
    /^\s*\{/.test(head) &&
    (/"reportFormat"\s*:\s*"CTRF"/.test(head) ||
      (/"results"\s*:\s*\{\s*"(tool|summary|tests|environment)"\s*:/.test(head) &&
        /"tool"\s*:\s*\{/.test(head) &&
        /"(tests"\s*:\s*\[|summary"\s*:\s*\{)/.test(head))),
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    for await (const batch of ctrfJson.parseInBatches?.(chunks, ctx) ?? []) yield* batch;
  },
  parseInBatches(chunks: AsyncIterable<string>, ctx: ReadContext) {
    const reader = new CtrfStreamReader(ctx.source);
    const stream = new JsonItemStream(ctx.source, 'CTRF JSON (a CTRF reporter’s ctrf-report.json)', reader);
    const finish = (): void => {
      if (!reader.sawResults) {
        throw new InputError(
          'INPUT_NOT_RESULTS',
          ctx.source,
          `${ctx.source} is JSON but not CTRF: ${describeJson(stream.shape)}. Expected a "results" object with "tool" and a "tests" array. ${HOW}`,
        );
      }
      if (reader.testsIsArray !== true) {
        const tests = reader.testsIsArray === undefined ? 'has no "tests"' : 'has "tests" that is not an array';
        throw new InputError('INPUT_NOT_RESULTS', ctx.source, `${ctx.source} is CTRF without its tests: its "results" ${tests}. ${HOW}`);
      }
      reader.finish();
      if (reader.notTests > 0) {
        ctx.warn(
          `${ctx.source}: ${reader.notTests} entr${reader.notTests === 1 ? 'y' : 'ies'} of results.tests (the first at index ${reader.firstNotTest ?? 0}) ` +
            `${reader.notTests === 1 ? 'is no test object and was' : 'are no test objects and were'} not read, so nothing of ${reader.notTests === 1 ? 'it' : 'them'} is recorded. The report was edited or merged by something other than a CTRF reporter: regenerate it.`,
        );
      }
      const repeated = reader.repeated.warning(ctx.source);
      if (repeated !== undefined) ctx.warn(repeated);
      // Last: a refusal keeps the warnings above, and the tests read stay read (as a truncated file's do).
      const { warning, refusal } = reader.summary.verdict(ctx.source);
      if (warning !== undefined) ctx.warn(warning);
      if (refusal !== undefined) throw new InputError('INPUT_MALFORMED', ctx.source, refusal);
    };
    return readItems(chunks, stream, () => reader.take(), finish);
  },
};
