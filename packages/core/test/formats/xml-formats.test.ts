// The XML formats beside JUnit (.NET TRX, NUnit 3, xUnit.net, TestNG) beyond the real files of the golden test:
// every rule of their readers on small documents of the producers' own shapes, results handed over while the
// file is read, truncated files (complete results kept, the break named), and the refusal of XML roots no format
// reads, word for word.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { Format } from '../../src/formats/format.js';
import { parseResultText, readResultFiles } from '../../src/formats/read-files.js';
import { detect } from '../../src/formats/registry.js';
import { NUNIT_SUITE_FAILED_WITHOUT_REASON, NUnit3Reader } from '../../src/formats/nunit3/nunit3.js';
import { TrxReader } from '../../src/formats/trx/trx.js';
import { caseReferences } from '../../src/map/references.js';
import type { TestResult } from '../../src/model.js';

/** Read `text` in pieces of `size` characters with the format detection picks; the results before any error, and the error. */
async function readInPieces(
  text: string,
  source: string,
  size = 7,
): Promise<{ format: Format; results: TestResult[]; error?: InputError; warnings: string[] }> {
  const format = detect(text);
  if (format === undefined) throw new Error('no format detected');
  const warnings: string[] = [];
  const results: TestResult[] = [];
  const pieces = (async function* pieces() {
    for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
  })();
  try {
    for await (const batch of format.parseInBatches?.(pieces, { source, warn: (m) => warnings.push(m), outsideTests: () => undefined }) ?? [])
      results.push(...batch);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { format, results, error, warnings };
  }
  return { format, results, warnings };
}

async function refusal(text: string, source: string): Promise<InputError> {
  const caught = await parseResultText(text, source).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(InputError);
  return caught as InputError;
}

const XML_FORMATS =
  'Expected JUnit XML (<testsuites> or <testsuite>), .NET TRX (<TestRun>), NUnit 3 XML (<test-run>), xUnit.net XML (<assemblies> or <assembly>), TestNG XML (<testng-results>) or Robot Framework output.xml (<robot>).';

describe('XML roots no format reads', () => {
  it('refuses a Maven Failsafe summary, naming it and the reports to pass instead', async () => {
    const summary =
      '<?xml version="1.0" encoding="UTF-8"?>\n<failsafe-summary xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" result="255" timeout="false">\n' +
      '    <completed>3</completed>\n    <errors>0</errors>\n    <failures>1</failures>\n    <skipped>0</skipped>\n    <failureMessage/>\n</failsafe-summary>\n';
    const error = await refusal(summary, 'target/failsafe-reports/failsafe-summary.xml');
    expect(error.code).toBe('INPUT_NOT_RESULTS');
    expect(error.message).toBe(
      'target/failsafe-reports/failsafe-summary.xml is XML but not test results this tool reads: its root element is <failsafe-summary>, ' +
        `a Maven Failsafe summary (totals only, no tests). ${XML_FORMATS} ` +
        'Pass the per-class reports Failsafe writes beside it instead: target/failsafe-reports/TEST-*.xml (JUnit XML).',
    );
  });

  it('refuses NUnit 2 results, saying how to write NUnit 3', async () => {
    const error = await refusal('<?xml version="1.0"?>\n<!-- NUnit 2 -->\n<test-results name="a.dll" total="1"><test-suite/></test-results>', 'TestResult.xml');
    expect(error.message).toBe(
      `TestResult.xml is XML but not test results this tool reads: its root element is <test-results>, an NUnit 2 result file. ${XML_FORMATS} ` +
        'Write NUnit 3 results instead: nunit3-console writes them by default (--result=TestResult.xml), or run dotnet test --logger trx.',
    );
  });

  it('refuses an unknown root, naming the formats read and the commands that write them', async () => {
    const error = await refusal('<suites><suite name="x"/></suites>', 'r.xml');
    expect(error.code).toBe('INPUT_NOT_RESULTS');
    expect(error.message).toBe(
      `r.xml is XML but not test results this tool reads: its root element is <suites>. ${XML_FORMATS} ` +
        'Check that the path points at test results, and configure the runner to write one of those (JUnit XML: Maven Surefire, Gradle, ' +
        'pytest --junitxml, jest-junit; TRX: dotnet test --logger trx; NUnit 3: nunit3-console; xUnit.net: xunit.console -xml; ' +
        'TestNG: testng-results.xml from its default listeners; Robot Framework: output.xml).',
    );
  });

  it('names a coverage report and an HTML page for what they are', async () => {
    expect((await refusal('<coverage line-rate="0.5"/>', 'c.xml')).message).toContain(
      'its root element is <coverage>, a Cobertura coverage report, not test results.',
    );
    expect((await refusal('<html><body/></html>', 'r.html')).message).toContain(
      'its root element is <html>, an HTML page. Expected JUnit XML (<testsuites> or <testsuite>)',
    );
  });

  it('detects each XML format by its root, after a declaration and comments', () => {
    const start = '\n<?xml version="1.0" encoding="utf-8"?>\n<!-- written by a tool -->\n';
    expect(detect(`${start}<TestRun id="1" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">`)?.id).toBe('dotnet-trx');
    expect(detect(`${start}<test-run id="2">`)?.id).toBe('nunit3');
    expect(detect(`${start}<assemblies>`)?.id).toBe('xunit');
    expect(detect(`${start}<assembly name="a.dll">`)?.id).toBe('xunit');
    expect(detect(`${start}<testng-results skipped="0">`)?.id).toBe('testng');
    expect(detect(`${start}<robot generator="Robot 7.0 (Python 3.12.1 on linux)" schemaversion="5">`)?.id).toBe('robot');
    expect(detect(`${start}<testsuites>`)?.id).toBe('junit');
    // A root that cannot be told (a DTD first) is JUnit's to refuse, with its hostile-input message.
    expect(detect('<!DOCTYPE x [<!ENTITY a "b">]><TestRun/>')?.id).toBe('junit');
  });
});

const TRX_RESULTS = `<Results>
    <UnitTestResult executionId="e1" testId="t1" testName="Adds" duration="00:00:01.5000000" outcome="Passed" relativeResultsDirectory="e1">
      <Output><StdOut>adding&#xD;
done</StdOut></Output>
      <ResultFiles><ResultFile path="shot.png" /></ResultFiles>
    </UnitTestResult>
    <UnitTestResult executionId="e2" testId="t2" testName="Divides" duration="00:01:02.0500000" outcome="Failed">
      <Output><ErrorInfo><Message>Assert.Equal() Failure&#xD;
Expected: 3</Message><StackTrace>   at Calc.Divides() in Calc.cs:line 9</StackTrace></ErrorInfo></Output>
    </UnitTestResult>
    <UnitTestResult executionId="e3" testId="t3" testName="Hangs" duration="00:00:30" outcome="Timeout" />
    <UnitTestResult executionId="e4" testId="t3" testName="Ignored" outcome="NotExecuted" />
    <UnitTestResult executionId="e5" testId="t3" testName="Maybe" outcome="Inconclusive" />
    <UnitTestResult executionId="e6" testId="t4" testName="Rows" outcome="Failed" resultType="DataDrivenTest">
      <InnerResults>
        <UnitTestResult executionId="e7" testId="t4" testName="Rows (Data Row 0)" outcome="Passed" resultType="DataDrivenDataRow" />
        <UnitTestResult executionId="e8" testId="t4" testName="Rows (Data Row 1)" outcome="Failed" resultType="DataDrivenDataRow" />
      </InnerResults>
    </UnitTestResult>
  </Results>`;
const TRX_DEFINITIONS = `<TestDefinitions>
    <UnitTest name="Adds" storage="calc.dll" id="t1">
      <TestCategory><TestCategoryItem TestCategory="smoke" /></TestCategory>
      <Properties><Property><Key>testsigma</Key><Value>DEMO-12</Value></Property></Properties>
      <TestMethod codeBase="calc.dll" className="Calc.Tests.MathTests, Calc.Tests, Version=1.0.0.0" name="Adds" />
    </UnitTest>
    <UnitTest name="Divides" storage="calc.dll" id="t2"><TestMethod className="Calc.Tests.MathTests" name="Divides" /></UnitTest>
    <UnitTest name="Hangs" storage="calc.dll" id="t3"><TestMethod className="Calc.Tests.SlowTests" name="Hangs" /></UnitTest>
    <UnitTest name="Rows" storage="calc.dll" id="t4"><TestMethod className="Calc.Tests.DataTests" name="Rows" /></UnitTest>
  </TestDefinitions>`;
const trx = (body: string): string =>
  `\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="r" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n` +
  `  <TestSettings name="default" id="s"><Deployment runDeploymentRoot="me_HOST_2024-01-01_10_00_00" /></TestSettings>\n  ${body}\n</TestRun>\n`;

describe('.NET TRX', () => {
  it('reads results with their definitions (class, properties, categories), outcomes, durations, texts and files', async () => {
    const { format, results, warnings } = await parseResultText(trx(`${TRX_RESULTS}\n  ${TRX_DEFINITIONS}`), 'TestResults/run.trx');
    expect(format).toBe('dotnet-trx');
    expect(warnings).toEqual([]);
    expect(results.map((r) => [r.classname, r.name, r.status, r.durationMs])).toEqual([
      ['Calc.Tests.MathTests', 'Adds', 'passed', 1500],
      ['Calc.Tests.MathTests', 'Divides', 'failed', 62050],
      ['Calc.Tests.SlowTests', 'Hangs', 'error', 30000],
      ['Calc.Tests.SlowTests', 'Ignored', 'skipped', undefined],
      ['Calc.Tests.SlowTests', 'Maybe', 'skipped', undefined],
      ['Calc.Tests.DataTests', 'Rows (Data Row 0)', 'passed', undefined],
      ['Calc.Tests.DataTests', 'Rows (Data Row 1)', 'failed', undefined],
    ]);
    const [adds, divides] = results as [TestResult, TestResult];
    expect(adds.suitePath).toEqual(['Calc.Tests.MathTests']);
    expect(adds.output).toBe('adding\ndone');
    expect(adds.tags).toEqual(['smoke']);
    expect(adds.properties).toEqual([{ name: 'testsigma', value: 'DEMO-12' }]);
    expect(caseReferences(adds, 'DEMO')).toEqual(['DEMO-12']);
    expect(adds.attachments).toEqual([{ name: 'shot.png', path: 'me_HOST_2024-01-01_10_00_00/In/e1/shot.png' }]);
    expect(divides.message).toBe('Assert.Equal() Failure\nExpected: 3');
    expect(divides.stack).toBe('at Calc.Divides() in Calc.cs:line 9');
    expect(divides.attempts).toEqual([
      { status: 'failed', durationMs: 62050, message: 'Assert.Equal() Failure\nExpected: 3', stack: 'at Calc.Divides() in Calc.cs:line 9' },
    ]);
  });

  it('hands each result over as it ends when the definitions come first, and as its definition is read otherwise', () => {
    const first = new TrxReader('first.trx');
    const text = trx(`${TRX_DEFINITIONS}\n  ${TRX_RESULTS}`);
    first.write(text.slice(0, text.indexOf('<UnitTestResult executionId="e2"')));
    expect(first.take().map((r) => [r.name, r.classname])).toEqual([['Adds', 'Calc.Tests.MathTests']]);

    const last = new TrxReader('last.trx');
    const vstest = trx(`${TRX_RESULTS}\n  ${TRX_DEFINITIONS}`);
    const secondDefinition = vstest.indexOf('<UnitTest name="Divides"');
    last.write(vstest.slice(0, vstest.indexOf('<TestDefinitions>')));
    expect(last.take()).toEqual([]);
    last.write(vstest.slice(vstest.indexOf('<TestDefinitions>'), secondDefinition));
    expect(last.take().map((r) => [r.name, r.classname])).toEqual([['Adds', 'Calc.Tests.MathTests']]);
    last.write(vstest.slice(secondDefinition));
    last.end();
    expect(last.take()).toHaveLength(6);
  });

  it('hands over the results of one test in reading order when its definition comes, and those without one at the end', async () => {
    const text = trx(
      '<Results><UnitTestResult testId="a" testName="A (row 1)" outcome="Passed" /><UnitTestResult testId="b" testName="B" outcome="Failed" />' +
        '<UnitTestResult testId="a" testName="A (row 2)" outcome="Failed" /><UnitTestResult testId="gone" testName="Orphan" outcome="Passed" /></Results>' +
        '<TestDefinitions><UnitTest id="b"><TestMethod className="N.B" name="B" /></UnitTest><UnitTest id="a"><TestMethod className="N.A" name="A" /></UnitTest></TestDefinitions>',
    );
    const { results } = await parseResultText(text, 'order.trx');
    expect(results.map((r) => [r.name, r.classname])).toEqual([
      ['B', 'N.B'],
      ['A (row 1)', 'N.A'],
      ['A (row 2)', 'N.A'],
      ['Orphan', undefined],
    ]);
  });

  it('gives the same results when the held results spill to a temporary file past their memory budget', () => {
    // Held in memory until the budget (one result here), the rest spilled: mixed chains, repeats, orphans.
    const text = trx(
      `${TRX_RESULTS}<Results><UnitTestResult testId="a" testName="A (row 1)" outcome="Passed" /><UnitTestResult testId="a" testName="A (row 2)" outcome="Failed" />` +
        '<UnitTestResult testId="gone" testName="Orphan ✓" outcome="Passed" /></Results>' +
        `${TRX_DEFINITIONS.replace('</TestDefinitions>', '<UnitTest id="a"><TestMethod className="N.A" name="A" /></UnitTest></TestDefinitions>')}`,
    );
    const readWith = (budget?: number): TestResult[] => {
      const reader = new TrxReader('spill.trx', () => undefined, budget);
      for (let at = 0; at < text.length; at += 50) reader.write(text.slice(at, at + 50));
      reader.end();
      return reader.take();
    };
    const inMemory = readWith();
    expect(inMemory).toHaveLength(10);
    expect(readWith(1)).toEqual(inMemory);
    expect(readWith(0)).toEqual(inMemory);
  });

  it('keeps the results read before a break (without the class the definitions would have given) and names the line', async () => {
    const text = trx(`${TRX_RESULTS}\n  ${TRX_DEFINITIONS}`);
    const cut = text.slice(0, text.indexOf('<UnitTestResult executionId="e6"') + 20);
    const { results, error } = await readInPieces(cut, 'TestResults/cut.trx');
    expect(results.map((r) => [r.name, r.status, r.classname])).toEqual([
      ['Adds', 'passed', undefined],
      ['Divides', 'failed', undefined],
      ['Hangs', 'error', undefined],
      ['Ignored', 'skipped', undefined],
      ['Maybe', 'skipped', undefined],
    ]);
    expect(error?.code).toBe('INPUT_MALFORMED');
    expect(error?.message).toBe(
      'TestResults/cut.trx is not well-formed XML: line 17, column 5: a tag is never closed (no ">"). The file is truncated (the test run was probably ' +
        'killed while writing it); regenerate it.',
    );
  });

  it('is read from a directory given as a path, as dotnet test writes it (TestResults/*.trx)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tm-trx-dir-'));
    try {
      await mkdir(path.join(dir, 'TestResults'));
      await writeFile(path.join(dir, 'TestResults', 'me_HOST_2024.trx'), trx(`${TRX_RESULTS}\n  ${TRX_DEFINITIONS}`));
      await writeFile(path.join(dir, 'TestResults', 'notes.txt'), 'not results');
      const outcomes = await readResultFiles(['TestResults'], { cwd: dir });
      expect(outcomes.map((o) => [o.path, o.format, o.results.length])).toEqual([['TestResults/me_HOST_2024.trx', 'dotnet-trx', 7]]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('records a data-driven result that failed over rows that all passed as a result of its own', async () => {
    // The rows stand for the test, but a failure of the test itself that no row carries (its outcome worse than
    // every row's) would be lost with the outer result.
    const results = `<Results>
    <UnitTestResult executionId="e1" testId="t4" testName="Rows" outcome="Failed" resultType="DataDrivenTest">
      <Output><ErrorInfo><Message>Data source could not be read after row 1</Message></ErrorInfo></Output>
      <InnerResults>
        <UnitTestResult executionId="e2" testId="t4" testName="Rows (Data Row 0)" outcome="Passed" resultType="DataDrivenDataRow" />
        <UnitTestResult executionId="e3" testId="t4" testName="Rows (Data Row 1)" outcome="Passed" resultType="DataDrivenDataRow" />
      </InnerResults>
    </UnitTestResult>
    <UnitTestResult executionId="e4" testId="t4" testName="Rows" outcome="Failed" resultType="DataDrivenTest">
      <InnerResults>
        <UnitTestResult executionId="e5" testId="t4" testName="Rows (Data Row 0)" outcome="Failed" resultType="DataDrivenDataRow" />
      </InnerResults>
    </UnitTestResult>
  </Results>`;
    const read = await parseResultText(trx(`${results}\n  ${TRX_DEFINITIONS}`), 'run.trx');
    expect(read.warnings).toEqual([]);
    expect(read.results.map((r) => [r.classname, r.name, r.status, r.message])).toEqual([
      ['Calc.Tests.DataTests', 'Rows (Data Row 0)', 'passed', undefined],
      ['Calc.Tests.DataTests', 'Rows (Data Row 1)', 'passed', undefined],
      ['Calc.Tests.DataTests', 'Rows', 'failed', 'Data source could not be read after row 1'],
      ['Calc.Tests.DataTests', 'Rows (Data Row 0)', 'failed', undefined],
    ]);
  });

  it('hands over a crashed test host, warns about an outcome it does not know, and skips the xUnit adapter copies of failed tests', async () => {
    const text = trx(
      '<Results><UnitTestResult testId="x" testName="Odd" outcome="Exploded" duration="soon"><Output><TextMessages><Message>logged</Message></TextMessages></Output></UnitTestResult>' +
        '<WebTestResult testId="w" testName="Site" outcome="Passed" /><WebTestResult testId="w2" testName="Site2" outcome="Passed" /></Results>\n' +
        '<ResultSummary outcome="Failed"><RunInfos>' +
        '<RunInfo computerName="H" outcome="Error" timestamp="t"><Text>[xUnit.net 00:00:00.51]     Calc.Tests.Divides [FAIL]</Text></RunInfo>' +
        '<RunInfo computerName="H" outcome="Error" timestamp="t"><Text>The active test run was aborted. Reason: Test host process crashed</Text></RunInfo>' +
        '</RunInfos></ResultSummary>',
    );
    const { results, warnings, outsideTests } = await parseResultText(text, 'r.trx');
    expect(results.map((r) => [r.name, r.status, r.output])).toEqual([['Odd', 'error', 'logged']]);
    expect(outsideTests).toEqual({ runner: 'dotnet test', errors: [{ message: 'on H: The active test run was aborted. Reason: Test host process crashed' }] });
    expect(warnings).toEqual([
      'r.trx: skipped 2 <WebTestResult> results: only unit test results (<UnitTestResult>) are read, so they are not recorded.',
      'r.trx: 1 result outcome could not be read ("Exploded"); that result is recorded with the status error. Expected Passed, Failed, NotExecuted, Timeout, Aborted or another TRX outcome.',
      'r.trx: 1 duration could not be read ("soon"); that result is recorded without a duration. Expected hh:mm:ss.fffffff.',
    ]);
  });
});

const NUNIT = `<?xml version="1.0" encoding="utf-8" standalone="no"?>
<test-run id="0" testcasecount="6" result="Failed" total="6">
  <command-line><![CDATA[nunit3-console Calc.Tests.dll]]></command-line>
  <test-suite type="Assembly" id="1-1" name="Calc.Tests.dll" fullname="/src/Calc.Tests.dll" result="Failed" site="Child">
    <properties><property name="_PID" value="42" /><property name="team" value="core" /></properties>
    <test-suite type="TestFixture" id="1-2" name="MathTests" fullname="Calc.Tests.MathTests" classname="Calc.Tests.MathTests" result="Failed" site="Child">
      <properties><property name="Category" value="unit" /></properties>
      <test-case id="1-3" name="Adds" fullname="Calc.Tests.MathTests.Adds" methodname="Adds" classname="Calc.Tests.MathTests" result="Passed" duration="0.012345">
        <properties><property name="testsigma" value="DEMO-7" /><property name="team" value="math" /></properties>
        <output><![CDATA[add\0ed]]></output>
        <attachments><attachment><filePath>/tmp/shots/adds.png</filePath><description><![CDATA[after]]></description></attachment></attachments>
      </test-case>
      <test-case id="1-4" name="Divides" fullname="Calc.Tests.MathTests.Divides" classname="Calc.Tests.MathTests" result="Failed" label="Error" duration="0.5">
        <failure><message><![CDATA[System.DivideByZeroException : Attempted to divide by zero.]]></message><stack-trace><![CDATA[   at Calc.Div()]]></stack-trace></failure>
        <assertions><assertion result="Failed"><message><![CDATA[not this one]]></message></assertion></assertions>
      </test-case>
      <test-case id="1-5" name="Subtracts" fullname="Calc.Tests.MathTests.Subtracts" classname="Calc.Tests.MathTests" result="Failed" duration="0,25">
        <failure><message><![CDATA[  Expected: 3
  But was:  2
]]></message></failure>
      </test-case>
      <test-case id="1-6" name="Later" fullname="Calc.Tests.MathTests.Later" classname="Calc.Tests.MathTests" result="Skipped" label="Ignored">
        <properties><property name="_SKIPREASON" value="not yet" /></properties>
        <reason><message><![CDATA[not yet]]></message></reason>
      </test-case>
      <test-case id="1-7" name="Unsure" fullname="Calc.Tests.MathTests.Unsure" classname="Calc.Tests.MathTests" result="Inconclusive" />
    </test-suite>
    <test-suite type="TestFixture" id="1-8" name="DbTests" fullname="Calc.Tests.DbTests" result="Failed" site="TearDown" duration="1.25">
      <failure><message><![CDATA[TearDown : System.Exception : database still open]]></message><stack-trace><![CDATA[--TearDown
   at Calc.Tests.DbTests.Close()]]></stack-trace></failure>
      <test-case id="1-9" name="Reads" fullname="Calc.Tests.DbTests.Reads" result="Passed" duration="0.1" />
    </test-suite>
  </test-suite>
</test-run>
`;

describe('NUnit 3 XML', () => {
  it('reads test-cases with inherited properties, categories as tags, labels, reasons, output and attachments', async () => {
    const { format, results, warnings } = await parseResultText(NUNIT, 'TestResult.xml');
    expect(format).toBe('nunit3');
    expect(warnings).toEqual([]);
    expect(results.map((r) => [r.suitePath.join(' › '), r.name, r.status, r.durationMs, r.message?.split('\n')[0]])).toEqual([
      ['Calc.Tests.MathTests', 'Adds', 'passed', 12, undefined],
      ['Calc.Tests.MathTests', 'Divides', 'error', 500, 'System.DivideByZeroException : Attempted to divide by zero.'],
      ['Calc.Tests.MathTests', 'Subtracts', 'failed', 250, 'Expected: 3'],
      ['Calc.Tests.MathTests', 'Later', 'skipped', undefined, 'not yet'],
      ['Calc.Tests.MathTests', 'Unsure', 'skipped', undefined, undefined],
      ['Calc.Tests.DbTests', 'Reads', 'passed', 100, undefined],
      ['', 'Calc.Tests.DbTests', 'error', 1250, 'TearDown : System.Exception : database still open'],
    ]);
    const [adds, divides, , later, , reads, teardown] = results as TestResult[];
    expect(adds?.properties).toEqual([
      { name: 'testsigma', value: 'DEMO-7' },
      { name: 'team', value: 'math' },
    ]);
    expect(caseReferences(adds as TestResult, 'DEMO')).toEqual(['DEMO-7']);
    expect(adds?.tags).toEqual(['unit']);
    expect(adds?.output).toBe('added');
    expect(adds?.attachments).toEqual([{ name: 'adds.png', path: '/tmp/shots/adds.png' }]);
    expect(divides?.stack).toBe('at Calc.Div()');
    expect(later?.properties).toEqual([{ name: 'team', value: 'core' }]);
    expect(reads?.classname).toBe('Calc.Tests.DbTests');
    expect(teardown?.properties).toEqual([
      { name: 'team', value: 'core' },
      { name: 'nunit.suite-failure', value: 'TearDown' },
    ]);
  });

  it('hands each test-case over as it ends', () => {
    const reader = new NUnit3Reader('n.xml');
    reader.write(NUNIT.slice(0, NUNIT.indexOf('<test-case id="1-4"')));
    expect(reader.take().map((r) => r.name)).toEqual(['Adds']);
  });

  it('keeps the test-cases before a break and names where it broke', async () => {
    const cut = NUNIT.slice(0, NUNIT.indexOf('<test-case id="1-6"'));
    const { results, error } = await readInPieces(cut, 'cut.xml');
    expect(results.map((r) => r.name)).toEqual(['Adds', 'Divides', 'Subtracts']);
    expect(error?.message).toBe(
      'cut.xml is not well-formed XML: it ends at line 22 while <test-run>, <test-suite>, <test-suite> are still open. ' +
        'The file is truncated (the test run was probably killed while writing it); regenerate it.',
    );
  });

  it('records a failed fixture none of whose test-cases failed as an error, whatever its site, with or without a message', async () => {
    // A fixture NUnit calls failed (an error in a OneTimeSetUp it did not write on each test-case, a cancelled run)
    // over test-cases that all passed: its failure is carried by no result, so it is one of its own.
    const xml = `<test-run id="0" result="Failed">
  <test-suite type="Assembly" name="Calc.Tests.dll" fullname="/src/Calc.Tests.dll" result="Failed" site="Child">
    <test-suite type="TestFixture" name="ApiTests" fullname="Calc.Tests.ApiTests" result="Failed" label="Error" site="SetUp" duration="0.5">
      <failure><message><![CDATA[OneTimeSetUp: System.Exception : server did not start]]></message></failure>
      <test-case name="Gets" fullname="Calc.Tests.ApiTests.Gets" result="Passed" duration="0.1" />
    </test-suite>
    <test-suite type="TestFixture" name="QueueTests" fullname="Calc.Tests.QueueTests" result="Failed" label="Cancelled">
      <test-case name="Pops" fullname="Calc.Tests.QueueTests.Pops" result="Passed" duration="0.2" />
    </test-suite>
    <test-suite type="TestFixture" name="MathTests" fullname="Calc.Tests.MathTests" result="Failed" label="Error" site="SetUp">
      <failure><message><![CDATA[written on its test-case too]]></message></failure>
      <test-case name="Adds" fullname="Calc.Tests.MathTests.Adds" result="Failed" label="Error" site="Parent" />
    </test-suite>
  </test-suite>
</test-run>`;
    const { results, warnings } = await parseResultText(xml, 'TestResult.xml');
    expect(warnings).toEqual([]);
    expect(results.map((r) => [r.suitePath.join(' › '), r.name, r.status, r.message])).toEqual([
      ['Calc.Tests.ApiTests', 'Gets', 'passed', undefined],
      ['', 'Calc.Tests.ApiTests', 'error', 'OneTimeSetUp: System.Exception : server did not start'],
      ['Calc.Tests.QueueTests', 'Pops', 'passed', undefined],
      ['', 'Calc.Tests.QueueTests', 'error', NUNIT_SUITE_FAILED_WITHOUT_REASON],
      ['Calc.Tests.MathTests', 'Adds', 'error', undefined],
    ]);
    expect(results[3]?.properties).toEqual([{ name: 'nunit.suite-failure', value: '' }]);
  });

  it('warns about a result it does not know', async () => {
    const { results, warnings } = await parseResultText('<test-run><test-case name="x" result="Exploded" duration="abc"/></test-run>', 'n.xml');
    expect(results.map((r) => r.status)).toEqual(['error']);
    expect(warnings).toEqual([
      'n.xml: 1 test-case result could not be read ("Exploded"); that result is recorded with the status error. Expected Passed, Failed, Skipped, Inconclusive or Warning.',
      'n.xml: 1 duration could not be read ("abc"); that result is recorded without a duration. Expected seconds ("0.0123").',
    ]);
  });
});

const XUNIT = `<?xml version="1.0" encoding="utf-8"?>
<assemblies timestamp="06/15/2018 18:09:29">
  <assembly name="/src/Calc.Tests.dll" test-framework="xUnit.net 2.4.1" total="4" passed="1" failed="1" skipped="1" time="0.3" errors="1">
    <errors>
      <error type="test-class-cleanup" name="Calc.Tests.DbTests">
        <failure exception-type="System.Exception"><message><![CDATA[System.Exception : database still open]]></message><stack-trace><![CDATA[   at Calc.Tests.DbTests.Dispose()]]></stack-trace></failure>
      </error>
    </errors>
    <collection total="3" passed="1" failed="1" skipped="1" name="Test collection for Calc.Tests.MathTests" time="0.2">
      <test name="Calc.Tests.MathTests.Adds(a: 1, b: 2)" type="Calc.Tests.MathTests" method="Adds" time="0.0123" result="Pass">
        <traits><trait name="testsigma" value="DEMO-3" /><trait name="Category" value="smoke" /></traits>
        <output><![CDATA[adding]]></output>
      </test>
      <test name="Calc.Tests.MathTests.Divides" type="Calc.Tests.MathTests" method="Divides" time="0.1" result="Fail">
        <failure exception-type="Xunit.Sdk.EqualException"><message><![CDATA[Assert.Equal() Failure
Expected: 3]]></message><stack-trace><![CDATA[   at Calc.Tests.MathTests.Divides()]]></stack-trace></failure>
      </test>
      <test name="Calc.Tests.MathTests.Later" type="Calc.Tests.MathTests" method="Later" time="0" result="Skip"><reason><![CDATA[not yet]]></reason></test>
    </collection>
  </assembly>
</assemblies>
`;

describe('xUnit.net XML', () => {
  it('reads tests with traits, failures, reasons and output, and a cleanup error as a result of its own', async () => {
    const { format, results, warnings } = await parseResultText(XUNIT, 'xunit.xml');
    expect(format).toBe('xunit');
    expect(warnings).toEqual([]);
    expect(results.map((r) => [r.classname, r.name, r.status, r.durationMs, r.message?.split('\n')[0]])).toEqual([
      ['Calc.Tests.DbTests', 'Calc.Tests.DbTests', 'error', undefined, 'System.Exception : database still open'],
      ['Calc.Tests.MathTests', 'Calc.Tests.MathTests.Adds(a: 1, b: 2)', 'passed', 12, undefined],
      ['Calc.Tests.MathTests', 'Calc.Tests.MathTests.Divides', 'failed', 100, 'Assert.Equal() Failure'],
      ['Calc.Tests.MathTests', 'Calc.Tests.MathTests.Later', 'skipped', 0, 'not yet'],
    ]);
    const [cleanup, adds, divides] = results as [TestResult, TestResult, TestResult];
    expect(cleanup.properties).toEqual([{ name: 'xunit.error', value: 'test-class-cleanup' }]);
    expect(cleanup.stack).toBe('at Calc.Tests.DbTests.Dispose()');
    expect(adds.properties).toEqual([
      { name: 'testsigma', value: 'DEMO-3' },
      { name: 'Category', value: 'smoke' },
    ]);
    expect(adds.tags).toEqual(['smoke']);
    expect(adds.output).toBe('adding');
    expect(caseReferences(adds, 'DEMO')).toEqual(['DEMO-3']);
    expect(divides.stack).toBe('at Calc.Tests.MathTests.Divides()');
  });

  it("records an xUnit.net 1 class's own failure (its fixture, its start or finish) as a result of its own", async () => {
    // xUnit.net 1 writes a failure of the class itself as a <failure> of <class>, beside tests that may have passed.
    const v1 =
      '<assembly name="a.dll" test-framework="xUnit.net 1.9.2.1705">' +
      '<class name="Db.Tests" time="1.0" total="1" passed="1" failed="1" skipped="0">' +
      '<test name="Db.Tests.Reads" type="Db.Tests" method="Reads" result="Pass" time="1.000" />' +
      '<failure exception-type="System.InvalidOperationException"><message>Cannot use a test class as its own fixture data</message>' +
      '<stack-trace><![CDATA[   at Xunit.Sdk.FixtureCommand.Execute()]]></stack-trace></failure>' +
      '</class></assembly>';
    const { results, warnings } = await parseResultText(v1, 'v1.xml');
    expect(warnings).toEqual([]);
    expect(results.map((r) => [r.classname, r.name, r.status, r.message, r.stack])).toEqual([
      ['Db.Tests', 'Db.Tests.Reads', 'passed', undefined, undefined],
      ['Db.Tests', 'Db.Tests', 'error', 'Cannot use a test class as its own fixture data', 'at Xunit.Sdk.FixtureCommand.Execute()'],
    ]);
    expect(results[1]?.properties).toEqual([{ name: 'xunit.error', value: 'class-failure' }]);
  });

  it('reads xUnit.net 1 files (<assembly> root, <class> elements)', async () => {
    const v1 =
      '<assembly name="a.dll" test-framework="xUnit.net 1.9.0.1566"><class name="A.B" total="1"><test name="A.B.C" type="A.B" method="C" result="Pass" time="0.153" /></class></assembly>';
    const { format, results } = await parseResultText(v1, 'v1.xml');
    expect(format).toBe('xunit');
    expect(results.map((r) => [r.classname, r.name, r.status, r.durationMs])).toEqual([['A.B', 'A.B.C', 'passed', 153]]);
  });

  it('names results and durations it cannot read in one warning each', async () => {
    const tests = ['Done', 'Maybe', 'Maybe', 'Later', 'Never'].map((result, i) => `<test name="t${i}" type="A" result="${result}" time="${i}s" />`).join('');
    const { results, warnings } = await parseResultText(`<assemblies><assembly><collection>${tests}</collection></assembly></assemblies>`, 'x.xml');
    expect(results.map((r) => r.status)).toEqual(['error', 'error', 'error', 'error', 'error']);
    expect(warnings).toEqual([
      'x.xml: 5 test results could not be read ("Done", "Maybe", "Later" and 2 more); those results are recorded with the status error. Expected Pass, Fail, Skip or NotRun.',
      'x.xml: 5 durations could not be read ("0s", "1s", "2s" and 2 more); those results are recorded without a duration. Expected seconds ("0.0123").',
    ]);
  });

  it('keeps the tests before a break and names where it broke', async () => {
    const cut = XUNIT.slice(0, XUNIT.indexOf('<test name="Calc.Tests.MathTests.Later"') + 30);
    const { results, error } = await readInPieces(cut, 'cut.xml');
    expect(results.map((r) => r.name)).toEqual(['Calc.Tests.DbTests', 'Calc.Tests.MathTests.Adds(a: 1, b: 2)', 'Calc.Tests.MathTests.Divides']);
    expect(error?.message).toBe(
      'cut.xml is not well-formed XML: line 18, column 7: a tag is never closed (no ">"). The file is truncated (the test run was probably killed ' +
        'while writing it); regenerate it.',
    );
  });
});

const TESTNG = `<?xml version="1.0" encoding="UTF-8"?>
<testng-results ignored="0" total="5" passed="1" failed="1" skipped="2">
  <reporter-output></reporter-output>
  <suite name="Shop" duration-ms="30" started-at="2024-01-01T10:00:00 UTC" finished-at="2024-01-01T10:00:01 UTC">
    <groups></groups>
    <test name="Checkout" duration-ms="30">
      <class name="shop.CheckoutTest">
        <test-method status="PASS" signature="setUp()[pri:0]" name="setUp" is-config="true" duration-ms="3" />
        <test-method status="PASS" signature="pays()[pri:0]" name="pays" duration-ms="12" description="pays by card">
          <reporter-output><line><![CDATA[paid]]></line></reporter-output>
          <attributes><attribute name="testsigma"><![CDATA[DEMO-21]]></attribute></attributes>
        </test-method>
        <test-method status="FAIL" signature="totals(int)[pri:0]" name="totals" duration-ms="5" data-provider="amounts">
          <params><param index="0"><value><![CDATA[3]]></value></param></params>
          <exception class="java.lang.AssertionError">
            <message><![CDATA[expected [4] but found [3]]]></message>
            <full-stacktrace><![CDATA[java.lang.AssertionError: expected [4] but found [3]
	at shop.CheckoutTest.totals(CheckoutTest.java:21)]]></full-stacktrace>
          </exception>
        </test-method>
      </class>
      <class name="shop.DbTest">
        <test-method status="FAIL" signature="connect()[pri:0]" name="connect" is-config="true" duration-ms="2">
          <exception class="java.sql.SQLException">
            <full-stacktrace><![CDATA[java.sql.SQLException: no database
	at shop.DbTest.connect(DbTest.java:9)]]></full-stacktrace>
          </exception>
        </test-method>
        <test-method status="SKIP" signature="reads()[pri:0]" name="reads" duration-ms="0" />
        <test-method status="FAIL" signature="connect()[pri:0]" name="connect" is-config="true" duration-ms="1" />
        <test-method status="SKIP" signature="writes()[pri:0]" name="writes" duration-ms="0" />
      </class>
    </test>
  </suite>
</testng-results>
`;

describe('TestNG XML', () => {
  it('reads test methods with attributes, parameters and exceptions, and a failed configuration method as its class failing once', async () => {
    const { format, results, warnings } = await parseResultText(TESTNG, 'testng-results.xml');
    expect(format).toBe('testng');
    expect(warnings).toEqual([]);
    expect(results.map((r) => [r.suitePath.join(' › '), r.name, r.status, r.durationMs, r.message])).toEqual([
      ['shop.CheckoutTest', 'pays', 'passed', 12, undefined],
      ['shop.CheckoutTest', 'totals', 'failed', 5, 'expected [4] but found [3]'],
      ['', 'shop.DbTest', 'error', 2, 'java.sql.SQLException: no database'],
      ['shop.DbTest', 'reads', 'skipped', 0, undefined],
      ['shop.DbTest', 'writes', 'skipped', 0, undefined],
    ]);
    const [pays, totals, setup] = results as [TestResult, TestResult, TestResult];
    expect(pays.properties).toEqual([
      { name: 'testng.description', value: 'pays by card' },
      { name: 'testsigma', value: 'DEMO-21' },
    ]);
    expect(caseReferences(pays, 'DEMO')).toEqual(['DEMO-21']);
    expect(pays.output).toBe('paid');
    expect(totals.properties).toEqual([{ name: 'testng.params', value: '3' }]);
    expect(totals.stack).toBe('java.lang.AssertionError: expected [4] but found [3]\n\tat shop.CheckoutTest.totals(CheckoutTest.java:21)');
    expect(setup.classname).toBe('shop.DbTest');
    expect(setup.properties).toEqual([{ name: 'testng.config-failure', value: 'connect' }]);
  });

  it('keeps the test methods before a break and names where it broke', async () => {
    const cut = TESTNG.slice(0, TESTNG.indexOf('<class name="shop.DbTest">'));
    const { results, error } = await readInPieces(cut, 'cut.xml');
    expect(results.map((r) => r.name)).toEqual(['pays', 'totals']);
    expect(error?.message).toBe(
      'cut.xml is not well-formed XML: it ends at line 22 while <testng-results>, <suite>, <test> are still open. ' +
        'The file is truncated (the test run was probably killed while writing it); regenerate it.',
    );
  });

  it('warns about a status it does not know', async () => {
    const { results, warnings } = await parseResultText(
      '<testng-results><suite><test><class name="A"><test-method status="ODD" name="m"/></class></test></suite></testng-results>',
      't.xml',
    );
    expect(results.map((r) => r.status)).toEqual(['error']);
    expect(warnings).toEqual([
      't.xml: 1 test-method status could not be read ("ODD"); that result is recorded with the status error. Expected PASS, FAIL or SKIP.',
    ]);
  });
});
