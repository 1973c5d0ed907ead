/** Cucumber JSON as one `Format`: how it is recognised and read. The conversion rules are in ./cucumber.ts. */
import type { Format, ReadContext } from '../format.js';
import { collectText, parseJson } from '../json-input.js';
import { parseCucumberJson } from './cucumber.js';

// An array whose first item is an object. Of the formats read here only Cucumber writes a top-level array.
const ARRAY_OF_OBJECTS = /^\s*\[\s*\{/;
// What cucumber-js writes when no scenario ran (all filtered out by tags, no feature files found).
const EMPTY_ARRAY = /^\s*\[\s*\]\s*$/;

export const cucumberJson: Format = {
  id: 'cucumber-json',
  label: 'Cucumber JSON',
  writtenBy: '`cucumber-js --format json:results.json` (Cucumber-JVM and Ruby: the `json` plugin)',
  /**
   * An array of features: every feature and every scenario has `"keyword"` and a feature has `"elements"`
   * (its scenarios). cucumber-js writes the feature's `elements` first and Cucumber-JVM writes them before
   * its own keyword, but a scenario's `keyword` follows within a few hundred bytes, so both names are in
   * the first 64 KiB of any real report.
   */
  sniff(head: string): boolean {
    if (EMPTY_ARRAY.test(head)) return true;
    return ARRAY_OF_OBJECTS.test(head) && /"elements"\s*:/.test(head) && /"keyword"\s*:/.test(head);
  },
  async *parse(chunks: AsyncIterable<string>, ctx: ReadContext) {
    yield* parseCucumberJson(parseJson(await collectText(chunks), ctx.source, 'Cucumber JSON (--format json:<file>)'), ctx.source);
  },
};
