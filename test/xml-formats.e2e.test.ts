/**
 * The XML formats beside JUnit (.NET TRX, NUnit 3, xUnit.net, TestNG) through the real CLI, as a user runs it:
 * a dry run over real files of each format (test/fixtures/xml, sources in its MANIFEST.tsv) lists every test
 * with its outcome, a file of each format naming its case by a `testsigma` property maps to it, the upload
 * records those cases, and a Maven Failsafe summary beside them is refused by name while the others land.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newRuns, start, statusesByHumanId, type EmulatorHandle } from './helpers/emulator.js';
import { CLI, ROOT, baseEnv, runNode } from './helpers/run.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'xml');
const REAL = [
  'dorny__test-reporter/dotnet-trx.trx',
  'dorny__test-reporter/dotnet-nunit.xml',
  'EnricoMi__publish-unit-test-result-action/xunit__mstest__fixie.xml',
  'jenkinsci__testng-plugin-plugin/testng-failed-test-config.xml',
].map((f) => join(FIXTURES, f));

/** One small file per format whose test names its case with a `testsigma` property, as each producer writes it. */
const NAMED: Record<string, string> = {
  'named.trx':
    '<?xml version="1.0" encoding="utf-8"?><TestRun id="r" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><Results>' +
    '<UnitTestResult testId="t1" testName="SignsIn" outcome="Passed" duration="00:00:00.0100000" /></Results><TestDefinitions>' +
    '<UnitTest name="SignsIn" id="t1"><Properties><Property><Key>testsigma</Key><Value>DEMO-1</Value></Property></Properties>' +
    '<TestMethod className="Shop.LoginTests" name="SignsIn" /></UnitTest></TestDefinitions></TestRun>',
  'named-nunit.xml':
    '<test-run id="0"><test-suite type="TestFixture" name="LoginTests" fullname="Shop.LoginTests"><test-case name="RejectsWrongPassword" ' +
    'classname="Shop.LoginTests" result="Failed" duration="0.02"><properties><property name="testsigma" value="DEMO-2" /></properties>' +
    '<failure><message><![CDATA[Expected: error]]></message></failure></test-case></test-suite></test-run>',
  'named-xunit.xml':
    '<assemblies><assembly name="Shop.Tests.dll"><collection name="c"><test name="Shop.AccountTests.Locks" type="Shop.AccountTests" ' +
    'method="Locks" result="Skip" time="0"><traits><trait name="testsigma" value="DEMO-3" /></traits><reason><![CDATA[later]]></reason>' +
    '</test></collection></assembly></assemblies>',
  'testng-results.xml':
    '<testng-results><suite name="s"><test name="t"><class name="shop.ResetTest"><test-method status="PASS" name="sendsEmail" ' +
    'duration-ms="3"><attributes><attribute name="testsigma"><![CDATA[DEMO-4]]></attribute></attributes></test-method></class>' +
    '</test></suite></testng-results>',
  'failsafe-summary.xml': '<?xml version="1.0" encoding="UTF-8"?><failsafe-summary result="255" timeout="false"><completed>3</completed></failsafe-summary>',
};

let emulator: EmulatorHandle;
let dir: string;

beforeAll(async () => {
  emulator = await start();
  dir = await mkdtemp(join(tmpdir(), 'tm-xml-formats-'));
  for (const [name, text] of Object.entries(NAMED)) await writeFile(join(dir, name), text);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function upload(args: string[], env: Record<string, string | undefined> = {}) {
  return runNode(CLI, ['upload', ...args], {
    env: baseEnv({ TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url, TESTSIGMA_PROJECT_ID: 'Demo', ...env }),
  });
}

const named = ['named.trx', 'named-nunit.xml', 'named-xunit.xml', 'testng-results.xml'];
const FAILSAFE_REFUSAL =
  'failsafe-summary.xml is XML but not test results this tool reads: its root element is <failsafe-summary>, a Maven Failsafe summary ' +
  '(totals only, no tests). Expected JUnit XML (<testsuites> or <testsuite>), .NET TRX (<TestRun>), NUnit 3 XML (<test-run>), xUnit.net XML ' +
  '(<assemblies> or <assembly>), TestNG XML (<testng-results>) or Robot Framework output.xml (<robot>). Pass the per-class reports Failsafe writes beside it instead: ' +
  'target/failsafe-reports/TEST-*.xml (JUnit XML).';

describe('the XML formats through the CLI', () => {
  it('a dry run over real TRX, NUnit 3, xUnit.net and TestNG files lists every test with its outcome', async () => {
    const res = await upload(['--dry-run', ...REAL], { TESTSIGMA_API_TOKEN: undefined });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout.split('\n').slice(0, 3)).toEqual([
      'Read 29 test result(s) from 4 file(s).',
      'Dry run without a token or project: ids were not checked against the project, so no test case is named below. Nothing was written.',
      'Tests: 11 passed, 14 failed, 4 skipped.',
    ]);
    for (const line of [
      // TRX (xUnit.net adapter): the class from the test definitions; NUnit 3: label Error is an error.
      '    DotnetTests.XUnitTests.CalculatorTests › Should be even number(i: 3): Assert.True() Failure',
      '    DotnetTests.XUnitTests.CalculatorTests › Exception_In_TargetTest: System.DivideByZeroException : Attempted to divide by zero.',
      // xUnit.net (Fixie) and TestNG's failed configuration method, a failure of its class.
      "    [testClass] › [testClass].Fail: 'Fail' failed!",
      '    com.fakepkg.test.MyFakeTest: Configuration method testSetup failed.',
      '    com.fakepkg.test.MyFakeTest › testShouldPass → none: no id',
    ]) {
      expect(res.stdout).toContain(`${line}\n`);
    }
  });

  it('maps a test of each format to the case its testsigma property names, and refuses the Failsafe summary beside them', async () => {
    const res = await upload(['--dry-run', ...[...named, 'failsafe-summary.xml'].map((f) => join(dir, f))]);
    expect(res.code).toBe(2);
    expect(res.stdout).toContain(
      [
        'Mapping (test → test case), 4 test(s):',
        '    Shop.LoginTests › RejectsWrongPassword → DEMO-2',
        '    Shop.AccountTests › Shop.AccountTests.Locks → DEMO-3',
        '    Shop.LoginTests › SignsIn → DEMO-1',
        '    shop.ResetTest › sendsEmail → DEMO-4',
      ].join('\n'),
    );
    expect(res.stdout).toContain(`File not used: ${join(dir, FAILSAFE_REFUSAL)}`);
    expect(emulator.state().requests.filter((r) => r.method !== 'GET')).toHaveLength(0);
  });

  it('refuses an NUnit file nested 20,000 suites deep, every level with properties, in a 96 MB heap (the depth limit)', async () => {
    const depth = 20_000;
    const open = Array.from(
      { length: depth },
      (_, i) =>
        `<test-suite type="TestSuite" name="s${i}"><properties><property name="p${i % 7}" value="v${i}"/><property name="Category" value="c${i % 5}"/></properties>`,
    );
    const file = join(dir, 'deep-nunit.xml');
    await writeFile(file, `<test-run>${open.join('')}<test-case name="deep" classname="A" result="Passed"/>${'</test-suite>'.repeat(depth)}</test-run>`);
    const res = await upload(['--dry-run', file], { TESTSIGMA_API_TOKEN: undefined, NODE_OPTIONS: '--max-old-space-size=96' });
    // Refused by name with exit 2, not killed by the heap (exit 134).
    expect(res.code, res.stderr).toBe(2);
    expect(res.stdout).toContain('a <property> nested more than 1000 elements deep. Real result files nest a few levels;');
  });

  it('records those cases in a new run', async () => {
    const res = await upload(named.map((f) => join(dir, f)));
    // A failed test is a recorded result, not a failed upload: exit 0.
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toContain('closed: recorded 4 of 4 test case(s): 1 Failed, 1 Skipped, 2 Passed.');
    const [run] = newRuns(emulator);
    expect(run).toBeDefined();
    expect(statusesByHumanId(emulator, run as NonNullable<typeof run>)).toEqual({
      'DEMO-1': 'Passed',
      'DEMO-2': 'Failed',
      'DEMO-3': 'Skipped',
      'DEMO-4': 'Passed',
    });
  });
});
