/** TAP (versions 13 and 14) as one `Format`: how it is recognised and read. The conversion rules are in ./tap.ts. */
import type { TestResult } from '../../model.js';
import type { Format, ReadContext } from '../format.js';
import { textLines } from '../lines.js';
import { TAP_RUNNER, TapReader } from './tap.js';

/** Longest TAP line read; a longer one keeps its first MiB (a description or a stack line is never that long). */
const MAX_TAP_LINE_CHARS = 1024 * 1024;

const VERSION = /^TAP version 1[34]$/;
const PLAN = /^1\.\.(\d+)(?:\s*#.*)?$/;
const TEST_POINT = /^(?:not )?ok(?:\s+\d+)?(?:\s+-\s|\s*$|\s+#\s)|^(?:not )?ok\s+\d+\s/;

/**
 * The first line that is not blank or a `#` comment: `TAP version 13` or `14`; or a plan `1..N` with a test point
 * after it (or `1..0`, nothing to run); or a test point (`ok 1 …`, `not ok - …`) with another test point, a plan or
 * a `Bail out!` after it. TAP's own lines start at the line's start, and no line may start a JSON object: so a
 * JSON document or event stream (whose text may hold such lines, as `go test -json` captured with `2>&1` does) or
 * an XML file is never taken for TAP.
 */
function looksLikeTap(head: string): boolean {
  const lines = head.split('\n').map((line) => line.replace(/\r$/, ''));
  if (lines.some((line) => line.startsWith('{"'))) return false;
  const significant = lines.filter((line) => line.trim() !== '' && !line.startsWith('#'));
  // Trimmed: a stream may open with a bare subtest, indented.
  const first = significant[0]?.trim();
  if (first === undefined) return false;
  if (VERSION.test(first)) return true;
  const rest = significant.slice(1, 1000).map((line) => line.trimStart());
  const plan = PLAN.exec(first);
  if (plan) return plan[1] === '0' || rest.some((line) => TEST_POINT.test(line));
  if (TEST_POINT.test(first)) return rest.some((line) => TEST_POINT.test(line) || PLAN.test(line.trimEnd()) || /^bail out!/i.test(line));
  return false;
}

async function* readTapInBatches(chunks: AsyncIterable<string>, ctx: ReadContext): AsyncGenerator<readonly TestResult[], void, undefined> {
  const reader = new TapReader(ctx.source);
  let count = 0;
  for await (const { text } of textLines(chunks, MAX_TAP_LINE_CHARS)) {
    reader.line(text);
    if (++count % 1000 === 0) yield reader.take();
  }
  reader.end();
  yield reader.take();
  for (const warning of reader.warnings()) ctx.warn(warning);
  const errors = reader.runErrors();
  if (errors.length > 0) ctx.outsideTests({ runner: TAP_RUNNER, errors });
}

export const tapText: Format = {
  id: 'tap',
  label: 'TAP',
  writtenBy:
    'any TAP 13/14 producer: `node --test --test-reporter=tap > results.tap`, `bats --tap`, node-tap, `pytest --tap-stream`, Perl’s Test::More (`perl t/x.t`)',
  sniff: looksLikeTap,
  async *parse(chunks, ctx) {
    for await (const batch of readTapInBatches(chunks, ctx)) yield* batch;
  },
  parseInBatches: readTapInBatches,
};
