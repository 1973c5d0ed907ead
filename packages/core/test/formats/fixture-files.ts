/**
 * Access to the real-world fixtures in test/fixtures (see their README.md and MANIFEST.tsv for sources and
 * licences), and an expectation of each JUnit file's outcome counts computed WITHOUT the parser under test:
 * a few regular expressions over the raw text, simple enough to check by eye.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../../test/fixtures/', import.meta.url));

export interface ManifestRow {
  /** Path relative to the manifest's directory, e.g. `dorny__test-reporter/x.xml`. */
  file: string;
  producer: string;
  features: string;
}

export function readManifest(kind: 'junit' | 'native'): ManifestRow[] {
  const text = readFileSync(`${FIXTURES_DIR}${kind}/MANIFEST.tsv`, 'utf8');
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.split('\t');
      return { file: cells[0] ?? '', producer: cells[5] ?? '', features: cells[6] ?? '' };
    });
}

export function fixtureText(kind: 'junit' | 'native' | 'hostile' | 'conformance', file: string): string {
  return readFileSync(`${FIXTURES_DIR}${kind}/${file}`, 'utf8');
}

export interface Counts {
  total: number;
  passed: number;
  failed: number;
  error: number;
  skipped: number;
}

/**
 * Count `<testcase>` elements and classify each by its child elements:
 * a surefire rerun chain ends with its last rerunFailure/rerunError; otherwise error > failure >
 * skipped/disabled; otherwise a status/result attribute of skipped/disabled/notrun means skipped;
 * otherwise passed. Comments and CDATA are removed first so text inside them is never counted.
 */
export function countJUnitTestcases(xml: string): Counts {
  const body = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const counts: Counts = { total: 0, passed: 0, failed: 0, error: 0, skipped: 0 };
  // Attribute values may contain '>' (legal XML), so attributes are matched as quoted strings.
  const testcase = /<testcase\b((?:[^>"']|"[^"]*"|'[^']*')*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (const match of body.matchAll(testcase)) {
    const attrs = match[1] ?? '';
    const inner = match[3] ?? '';
    const reruns = [...inner.matchAll(/<(rerunFailure|rerunError)[\s/>]/g)];
    let status: keyof Omit<Counts, 'total'>;
    if (reruns.length > 0) status = reruns[reruns.length - 1]?.[1] === 'rerunError' ? 'error' : 'failed';
    else if (/<error[\s/>]/.test(inner)) status = 'error';
    else if (/<failure[\s/>]/.test(inner)) status = 'failed';
    else if (/<(skipped|disabled)[\s/>]/.test(inner)) status = 'skipped';
    else if (/\b(status|result)\s*=\s*["'](skipped|disabled|notrun)["']/i.test(attrs)) status = 'skipped';
    else status = 'passed';
    counts.total += 1;
    counts[status] += 1;
  }
  return counts;
}

/** "N testcase" from a manifest row's notable_features, when it says. */
export function manifestTestcaseCount(row: ManifestRow): number | undefined {
  const match = /(?:^|; )(\d+) testcase(?:;|$)/.exec(row.features);
  return match ? Number(match[1]) : undefined;
}

export function countStatuses(results: ReadonlyArray<{ status: string }>): Counts {
  const counts: Counts = { total: 0, passed: 0, failed: 0, error: 0, skipped: 0 };
  for (const result of results) {
    counts.total += 1;
    counts[result.status as keyof Omit<Counts, 'total'>] += 1;
  }
  return counts;
}
