/**
 * What a file no format claims looks like, so its refusal can say so and name the command that writes a format
 * we read: a runner's terminal output saved instead of its report is the most common mistake. Never used to read
 * anything: only to word the message.
 */
import type { JsonObject } from './json-values.js';

interface TextLookalike {
  test: RegExp;
  says: string;
}

// Checked in order on the start of the text; each pattern is specific to its runner's terminal output.
const TEXT: readonly TextLookalike[] = [
  {
    test: /^\s*(?:PASS|FAIL)\s+\S+\.(?:test|spec)\.[cm]?[jt]sx?\b|^Test Suites: .*total$/m,
    says: "Jest's terminal output; write a report with `jest --json --outputFile=results.json`",
  },
  {
    test: /^\s+\d+ passing \(\d+\s*m?s\)$|^\s+✓ .+$[\s\S]*^\s+\d+ (?:passing|failing|pending)/m,
    says: "Mocha's spec output (what it prints to the terminal); write a report with `mocha --reporter json --reporter-option output=results.json`",
  },
  {
    test: /^=== RUN {3}\S|^--- (?:PASS|FAIL|SKIP): \S|^(?:ok|FAIL)\s+\S+\s+[\d.]+s$/m,
    says: "go test's text output; write events with `go test -json ./... > results.json`",
  },
  {
    test: /^=+ test session starts =+$|^=+ \d+ (?:passed|failed).* in [\d.]+s/m,
    says: "pytest's terminal output; write a report with `pytest --junitxml=results.xml`",
  },
  {
    test: /^\d+:\d+ \+\d+(?: ~\d+)?(?: -\d+)?: /m,
    says: "the Dart or Flutter test runner's terminal output; write events with `dart test --reporter json > results.json`",
  },
  {
    test: /^Finished in [\d.]+ seconds?[\s\S]*^\d+ examples?, \d+ failures?/m,
    says: "RSpec's terminal output; write a report with `rspec --format json --out results.json`",
  },
  {
    test: /^\S+\.t \.\. |^Result: (?:PASS|FAIL)$/m,
    says: "prove's summary, not the TAP its tests wrote; save the TAP stream itself: `perl t/your.t > results.tap 2>&1`",
  },
  {
    // The line Robot ends each test and suite with: its name, padded, then `| PASS |` (or FAIL, SKIP).
    test: /^\S.* \| (?:PASS|FAIL|SKIP) \|$/m,
    says: "Robot Framework's console output; pass the output.xml it writes beside it (`robot --output output.xml`)",
  },
  {
    test: /Running \d+ tests? using \d+ workers?|^\s+\d+ passed \([\d.]+m?s\)$/m,
    says: "Playwright's terminal output; write a report with `PLAYWRIGHT_JSON_OUTPUT_NAME=results.json playwright test --reporter=json`",
  },
];

/** `Jest's terminal output; write a report with …` for text that is a known runner's output, else undefined. */
export function textLookalike(head: string): string | undefined {
  return TEXT.find((candidate) => candidate.test.test(head))?.says;
}

/** A hint for JSON no format claims: what it probably is, and what to pass instead. */
export function jsonLookalike(json: JsonObject): string | undefined {
  const keys = Object.keys(json);
  const has = (...names: string[]): boolean => names.every((name) => keys.includes(name));
  if (has('stats', 'passes') || has('stats', 'tests', 'failures')) return 'this looks like Mocha JSON written by an older or edited reporter';
  if (has('children') && (has('befores') || has('afters'))) return 'this looks like an Allure container file: pass the whole allure-results directory';
  if (has('errors') && has('attachments') && keys.length <= 3) return 'this looks like an Allure globals file: pass the whole allure-results directory';
  if (has('uuid') && has('name') && has('status')) return 'this looks like an Allure result without its history id: pass the whole allure-results directory';
  if (has('examples')) return "this looks like RSpec JSON without its examples' fields";
  return undefined;
}
