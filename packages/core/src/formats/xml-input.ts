/**
 * What the XML formats share before reading: the name of a document's root element, read from the start of the
 * file, by which each XML format recognises its own files; and the refusal of an XML file whose root no format
 * reads, naming what it looks like and what to pass instead.
 */
import { InputError } from '../errors.js';

/**
 * The root element's name at the start of an XML document (declaration, comments, processing instructions and
 * white space skipped); undefined when the start is not that (a DTD, text, a tag cut off by the end of `head`).
 */
export function xmlRootName(head: string): string | undefined {
  let at = 0;
  for (;;) {
    while (at < head.length && /\s/.test(head.charAt(at))) at += 1;
    if (head.startsWith('<?', at) || head.startsWith('<!--', at)) {
      const end = head.indexOf(head.startsWith('<?', at) ? '?>' : '-->', at);
      if (end === -1) return undefined;
      at = end + (head.startsWith('<?', at) ? 2 : 3);
      continue;
    }
    const name = /^<([A-Za-z_][\w.:-]*)[\s/>]/.exec(head.slice(at, at + 256));
    return name?.[1];
  }
}

/**
 * Roots people pass by mistake that no format reads: what the file is, and how to get one that is read.
 * A Map, not an object literal: a root named `constructor` must not find Object.prototype's.
 */
const UNREAD_ROOTS = new Map<string, { looksLike: string; instead: string }>([
  [
    'failsafe-summary',
    {
      looksLike: 'a Maven Failsafe summary (totals only, no tests)',
      instead: 'Pass the per-class reports Failsafe writes beside it instead: target/failsafe-reports/TEST-*.xml (JUnit XML).',
    },
  ],
  [
    'test-results',
    {
      looksLike: 'an NUnit 2 result file',
      instead: 'Write NUnit 3 results instead: nunit3-console writes them by default (--result=TestResult.xml), or run dotnet test --logger trx.',
    },
  ],
  [
    'ns2:test-suite',
    {
      looksLike: 'an Allure 1 result file',
      instead: 'Pass the JUnit XML the test runner writes instead (Maven Surefire: target/surefire-reports/TEST-*.xml).',
    },
  ],
  ['Site', { looksLike: 'a CTest Test.xml', instead: 'Run ctest --output-junit results.xml (CMake 3.21 or later) and pass that file (JUnit XML).' }],
  [
    'coverage',
    {
      looksLike: 'a Cobertura coverage report, not test results',
      instead: 'Pass the test results the runner writes (pytest --junitxml, jest-junit, dotnet test --logger trx).',
    },
  ],
  [
    'checkstyle',
    {
      looksLike: 'a Checkstyle lint report, not test results',
      instead: 'Pass the test results the runner writes (JUnit XML, TRX, NUnit, xUnit.net or TestNG XML).',
    },
  ],
  ['html', { looksLike: 'an HTML page', instead: 'Pass the machine-readable result file the test runner wrote, not an HTML report made from it.' }],
]);

/** An XML format as the refusal names it: its label and the root elements it reads. */
export interface XmlFormatName {
  label: string;
  xmlRoots?: readonly string[];
}

/**
 * The error for an XML document whose root no format reads: what it looks like when known, the formats read
 * (with their roots), and the command or reporter that writes one.
 */
export function refuseXmlRoot(source: string, root: string, formats: readonly XmlFormatName[]): InputError {
  const known = UNREAD_ROOTS.get(root);
  const read = formats
    .filter((f) => f.xmlRoots !== undefined && f.xmlRoots.length > 0)
    .map((f) => `${f.label} (${(f.xmlRoots ?? []).map((r) => `<${r}>`).join(' or ')})`);
  const expected = read.length <= 1 ? (read[0] ?? '') : `${read.slice(0, -1).join(', ')} or ${read[read.length - 1]}`;
  const what = known === undefined ? `its root element is <${root}>` : `its root element is <${root}>, ${known.looksLike}`;
  const instead =
    known?.instead ??
    'Check that the path points at test results, and configure the runner to write one of those (JUnit XML: Maven Surefire, ' +
      'Gradle, pytest --junitxml, jest-junit; TRX: dotnet test --logger trx; NUnit 3: nunit3-console; xUnit.net: xunit.console -xml; ' +
      'TestNG: testng-results.xml from its default listeners; Robot Framework: output.xml).';
  return new InputError('INPUT_NOT_RESULTS', source, `${source} is XML but not test results this tool reads: ${what}. Expected ${expected}. ${instead}`);
}
