// Inputs for the `formats` group of `npm run bench`: one large generated file (or directory) per format that is
// read in pieces, written in pieces so that generating 200 MB needs no 200 MB string. Each generator writes
// test records the way its producer does (names, outcomes, a failure with a message and a stack 1 in 17, a
// skipped test 1 in 23) until the file passes `bytes`, and returns how many tests it wrote.
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';

/** Write `pieces()` to `file`, respecting back-pressure; the generator sees the bytes written so far. */
async function writePieces(file, pieces) {
  const out = createWriteStream(file);
  const state = { written: 0 };
  for (const piece of pieces(state)) {
    state.written += piece.length;
    if (!out.write(piece)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const STACK = Array.from({ length: 8 }, (_, i) => `    at Object.<anonymous> (src/feature${i}.spec.ts:${10 + i}:5)`).join('\n');
const MESSAGE = 'expected 200 to equal 404';
const xml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
const outcome = (i) => (i % 17 === 0 ? 'failed' : i % 23 === 0 ? 'skipped' : 'passed');

/** Repeats `record(i)` (after `head`, joined by `separator`, before `tail`) in groups of 100 until `bytes`. */
async function repeated(file, bytes, { head, tail, separator = '', group = () => ['', ''] }, record) {
  let tests = 0;
  await writePieces(file, function* pieces(state) {
    yield head;
    for (let g = 0; state.written < bytes; g += 1) {
      const [open, close] = group(g);
      const records = [];
      for (let c = 0; c < 100; c += 1, tests += 1) records.push(record(tests, g));
      yield `${g > 0 ? separator : ''}${open}${records.join(separator)}${close}`;
    }
    yield tail;
  });
  return { tests };
}

/** .NET TRX as vstest writes it: `<Results>` first, then one `<TestDefinitions>` entry per test. */
export async function generateTrx(file, bytes) {
  let tests = 0;
  const id = (i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  await writePieces(file, function* pieces(state) {
    yield '<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="r" name="bench" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n<Results>\n';
    for (; state.written < bytes * 0.8; tests += 1) {
      const i = tests;
      const status = outcome(i);
      const body =
        status === 'failed'
          ? `<Output><ErrorInfo><Message>${MESSAGE}</Message><StackTrace>${xml(STACK)}</StackTrace></ErrorInfo></Output>`
          : i % 5 === 0
            ? `<Output><StdOut>request ${i} took ${i % 100} ms</StdOut></Output>`
            : '';
      const outcomeName = status === 'failed' ? 'Failed' : status === 'skipped' ? 'NotExecuted' : 'Passed';
      yield `<UnitTestResult executionId="${id(i)}" testId="${id(i)}" testName="BIG-${(i % 5000) + 1} does thing ${i}" computerName="ci" duration="00:00:00.${String(i % 997).padStart(7, '0')}" outcome="${outcomeName}" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b">${body}</UnitTestResult>\n`;
    }
    yield '</Results>\n<TestDefinitions>\n';
    for (let i = 0; i < tests; i += 1) {
      yield `<UnitTest name="BIG-${(i % 5000) + 1} does thing ${i}" id="${id(i)}"><Execution id="${id(i)}"/><TestMethod codeBase="/src/bin/Tests.dll" className="Example.Feature${i % 50}.Suite${Math.floor(i / 100)}Tests" name="Does_thing_${i}"/></UnitTest>\n`;
    }
    yield '</TestDefinitions>\n</TestRun>\n';
  });
  return { tests };
}

/** NUnit 3: `<test-run>`, an assembly, fixtures of 100 test cases. */
export function generateNunit3(file, bytes) {
  return repeated(
    file,
    bytes,
    {
      head: '<?xml version="1.0" encoding="utf-8"?>\n<test-run id="0" testcasecount="0" result="Failed"><test-suite type="Assembly" name="Tests.dll" fullname="/src/Tests.dll">\n',
      tail: '</test-suite></test-run>\n',
      group: (g) => [`<test-suite type="TestFixture" name="Suite${g}Tests" fullname="Example.Feature${g % 50}.Suite${g}Tests">\n`, '</test-suite>\n'],
    },
    (i, g) => {
      const status = outcome(i);
      const result = status === 'failed' ? 'Failed' : status === 'skipped' ? 'Skipped' : 'Passed';
      const body =
        status === 'failed'
          ? `<failure><message><![CDATA[${MESSAGE}]]></message><stack-trace><![CDATA[${STACK}]]></stack-trace></failure>`
          : status === 'skipped'
            ? '<reason><message><![CDATA[not on CI]]></message></reason>'
            : '';
      return `<test-case id="${i}" name="Does_thing_${i}" fullname="Example.Feature${g % 50}.Suite${g}Tests.Does_thing_${i}" methodname="Does_thing_${i}" classname="Example.Feature${g % 50}.Suite${g}Tests" result="${result}" duration="0.${String(i % 997).padStart(3, '0')}">${body}</test-case>\n`;
    },
  );
}

/** xUnit.net v2: `<assemblies>`, one assembly, collections of 100 tests. */
export function generateXunit(file, bytes) {
  return repeated(
    file,
    bytes,
    {
      head: '<?xml version="1.0" encoding="utf-8"?>\n<assemblies><assembly name="/src/Tests.dll" test-framework="xUnit.net 2.9.0" total="0">\n',
      tail: '</assembly></assemblies>\n',
      group: (g) => [`<collection name="Test collection for Example.Suite${g}Tests" total="100">\n`, '</collection>\n'],
    },
    (i, g) => {
      const status = outcome(i);
      const result = status === 'failed' ? 'Fail' : status === 'skipped' ? 'Skip' : 'Pass';
      const body =
        status === 'failed'
          ? `<failure exception-type="Xunit.Sdk.EqualException"><message><![CDATA[${MESSAGE}]]></message><stack-trace><![CDATA[${STACK}]]></stack-trace></failure>`
          : status === 'skipped'
            ? '<reason><![CDATA[not on CI]]></reason>'
            : '';
      return `<test name="Example.Suite${g}Tests.Does_thing_${i}" type="Example.Suite${g}Tests" method="Does_thing_${i}" time="0.${String(i % 997).padStart(3, '0')}" result="${result}">${body}</test>\n`;
    },
  );
}

/** TestNG: `<testng-results>`, a suite, classes of 100 test methods. */
export function generateTestng(file, bytes) {
  return repeated(
    file,
    bytes,
    {
      head: '<?xml version="1.0" encoding="UTF-8"?>\n<testng-results skipped="0" failed="0" total="0" passed="0"><suite name="bench" duration-ms="1"><test name="bench">\n',
      tail: '</test></suite></testng-results>\n',
      group: (g) => [`<class name="com.example.feature${g % 50}.Suite${g}Test">\n`, '</class>\n'],
    },
    (i) => {
      const status = outcome(i);
      const result = status === 'failed' ? 'FAIL' : status === 'skipped' ? 'SKIP' : 'PASS';
      const body =
        status === 'failed'
          ? `<exception class="java.lang.AssertionError"><message><![CDATA[${MESSAGE}]]></message><full-stacktrace><![CDATA[${STACK}]]></full-stacktrace></exception>`
          : '';
      return `<test-method status="${result}" signature="doesThing${i}()" name="doesThing${i}" duration-ms="${i % 997}" started-at="2026-01-01T00:00:00Z" finished-at="2026-01-01T00:00:01Z">${body}</test-method>\n`;
    },
  );
}

/** Robot Framework's output.xml (RF 7): a root suite of suite files with 100 tests each, every test a keyword or two. */
export function generateRobot(file, bytes) {
  const at = 'start="2026-01-01T00:00:00.000000"';
  const kw = (name, status, body = '', message = '') =>
    `<kw name="${name}" owner="BuiltIn">\n${body}<status status="${status}" ${at} elapsed="0.001000">${message}</status>\n</kw>\n`;
  return repeated(
    file,
    bytes,
    {
      head:
        '<?xml version="1.0" encoding="UTF-8"?>\n<robot generator="Robot 7.0 (Python 3.12.1 on linux)" generated="2026-01-01T00:00:00.000000" rpa="false" schemaversion="5">\n' +
        '<suite id="s1" name="Bench" source="/src/tests">\n',
      tail: `<status status="FAIL" ${at} elapsed="1.000000"/>\n</suite>\n<statistics>\n</statistics>\n<errors>\n</errors>\n</robot>\n`,
      group: (g) => [
        `<suite id="s1-s${g + 1}" name="Feature ${g}" source="/src/tests/feature${g}.robot">\n`,
        `<status status="FAIL" ${at} elapsed="1.000000"/>\n</suite>\n`,
      ],
    },
    (i, g) => {
      const status = outcome(i);
      const steps =
        status === 'failed'
          ? kw('Log', 'PASS', `<msg time="2026-01-01T00:00:00.000000" level="INFO">request ${i}</msg>\n`) +
            `<kw name="Check Response">\n${kw('Should Be Equal', 'FAIL', `<arg>\${status}</arg>\n<arg>404</arg>\n`, MESSAGE)}<status status="FAIL" ${at} elapsed="0.002000">${MESSAGE}</status>\n</kw>\n`
          : status === 'skipped'
            ? kw('Skip', 'SKIP', '', 'not on CI')
            : kw('Log', 'PASS', `<msg time="2026-01-01T00:00:00.000000" level="INFO">request ${i} took ${i % 100} ms</msg>\n<arg>request</arg>\n`);
      const result = status === 'failed' ? 'FAIL' : status === 'skipped' ? 'SKIP' : 'PASS';
      const message = status === 'failed' ? MESSAGE : status === 'skipped' ? 'not on CI' : '';
      return (
        `<test id="s1-s${g + 1}-t${i}" name="BIG-${(i % 5000) + 1} does thing ${i}" line="${(i % 200) + 1}">\n${steps}<tag>smoke</tag>\n` +
        `<status status="${result}" ${at} elapsed="0.${String(i % 997).padStart(6, '0')}">${message}</status>\n</test>\n`
      );
    },
  );
}

/** `go test -json`: run, an output line and the outcome per test, packages of 100 tests. */
export function generateGoJson(file, bytes) {
  const line = (fields) => `${JSON.stringify({ Time: '2026-01-01T00:00:00.000000Z', ...fields })}\n`;
  return repeated(
    file,
    bytes,
    {
      head: '',
      tail: '',
      group: (g) => [line({ Action: 'start', Package: `example.com/feature${g}` }), line({ Action: 'fail', Package: `example.com/feature${g}`, Elapsed: 1.5 })],
    },
    (i, g) => {
      const Package = `example.com/feature${g}`;
      const Test = `TestBIG${(i % 5000) + 1}DoesThing${i}`;
      const status = outcome(i);
      const Action = status === 'failed' ? 'fail' : status === 'skipped' ? 'skip' : 'pass';
      const output = status === 'failed' ? `    thing_test.go:12: ${MESSAGE}\n` : `request ${i} took ${i % 100} ms\n`;
      return (
        line({ Action: 'run', Package, Test }) +
        line({ Action: 'output', Package, Test, Output: `=== RUN   ${Test}\n` }) +
        line({ Action: 'output', Package, Test, Output: output }) +
        line({ Action, Package, Test, Elapsed: (i % 997) / 1000 })
      );
    },
  );
}

/** Mocha's `json` reporter: `stats`, then `tests`, `pending`, `failures` (the failed tests again), `passes` (empty here). */
export async function generateMochaJson(file, bytes) {
  const test = (i) => ({
    title: `does thing ${i} BIG-${(i % 5000) + 1}`,
    fullTitle: `Feature ${Math.floor(i / 100)} does thing ${i} BIG-${(i % 5000) + 1}`,
    file: `/src/test/feature${Math.floor(i / 100)}.test.js`,
    ...(outcome(i) !== 'skipped' && { duration: i % 997 }),
    currentRetry: 0,
    ...(outcome(i) === 'passed' && { speed: 'fast' }),
    err:
      outcome(i) === 'failed'
        ? { message: MESSAGE, stack: `AssertionError: ${MESSAGE}\n${STACK}`, actual: '200', expected: '404', operator: 'strictEqual' }
        : {},
  });
  let tests = 0;
  await writePieces(file, function* pieces(state) {
    yield '{"stats":{"suites":1,"tests":0,"passes":1,"pending":1,"failures":1},"tests":[';
    for (; state.written < bytes * 0.95; tests += 1) yield `${tests > 0 ? ',' : ''}${JSON.stringify(test(tests))}`;
    yield '],"pending":[';
    yield Array.from({ length: tests }, (_, i) => i)
      .filter((i) => outcome(i) === 'skipped')
      .map((i) => JSON.stringify(test(i)))
      .join(',');
    yield '],"failures":[';
    yield Array.from({ length: tests }, (_, i) => i)
      .filter((i) => outcome(i) === 'failed')
      .map((i) => JSON.stringify(test(i)))
      .join(',');
    yield '],"passes":[]}';
  });
  return { tests };
}

/** RSpec `--format json`: `examples`, then `summary` and `summary_line`. */
export function generateRspecJson(file, bytes) {
  return repeated(
    file,
    bytes,
    {
      head: '{"version":"3.13.0","messages":[],"seed":1,"examples":[',
      tail: '],"summary":{"duration":1.0,"example_count":0,"failure_count":0,"pending_count":0,"errors_outside_of_examples_count":0},"summary_line":"bench"}',
      separator: ',',
    },
    (i, g) =>
      JSON.stringify({
        id: `./spec/feature${g}_spec.rb[1:${i}]`,
        description: `does thing ${i} BIG-${(i % 5000) + 1}`,
        full_description: `Feature${g} does thing ${i} BIG-${(i % 5000) + 1}`,
        status: outcome(i) === 'skipped' ? 'pending' : outcome(i),
        file_path: `./spec/feature${g}_spec.rb`,
        line_number: i % 500,
        run_time: (i % 997) / 1000,
        pending_message: outcome(i) === 'skipped' ? 'not on CI' : null,
        ...(outcome(i) === 'failed' && { exception: { class: 'RSpec::Expectations::ExpectationNotMetError', message: MESSAGE, backtrace: STACK.split('\n') } }),
      }),
  );
}

/** Jest's aggregated results (`testResults[].testResults[]`, as a testResultsProcessor receives them): files of 100 tests. */
export function generateJestAggregated(file, bytes) {
  const assertion = (i, g) => ({
    ancestorTitles: [`Feature ${g}`],
    title: `does thing ${i} BIG-${(i % 5000) + 1}`,
    fullName: `Feature ${g} does thing ${i} BIG-${(i % 5000) + 1}`,
    status: outcome(i) === 'skipped' ? 'pending' : outcome(i),
    duration: i % 997,
    failureMessages: outcome(i) === 'failed' ? [`Error: ${MESSAGE}\n${STACK}`] : [],
    failureDetails: [],
    invocations: 1,
    numPassingAsserts: 1,
    retryReasons: [],
    location: null,
  });
  let tests = 0;
  return writePieces(file, function* pieces(state) {
    yield '{"numFailedTestSuites":0,"numFailedTests":0,"numPassedTestSuites":0,"numPassedTests":0,"numPendingTestSuites":0,"numPendingTests":0,"numRuntimeErrorTestSuites":0,"numTodoTests":0,"numTotalTestSuites":0,"numTotalTests":0,"testResults":[';
    for (let g = 0; state.written < bytes; g += 1) {
      const results = [];
      for (let c = 0; c < 100; c += 1, tests += 1) results.push(assertion(tests, g));
      const failed = results.some((r) => r.status === 'failed');
      yield `${g > 0 ? ',' : ''}${JSON.stringify({
        testFilePath: `/src/test/feature${g}.test.js`,
        failureMessage: failed ? `● Feature ${g} › failed\n\n${MESSAGE}` : null,
        numFailingTests: 0,
        numPassingTests: 0,
        numPendingTests: 0,
        perfStats: { start: 1, end: 2 },
        testExecError: null,
        testResults: results,
      })}`;
    }
    yield '],"success":false,"wasInterrupted":false}';
  }).then(() => ({ tests }));
}

/** An `allure-results` directory: one `<uuid>-result.json` per test, 1 in 13 retried (two results, one historyId). */
export async function generateAllureDirectory(dir, bytes) {
  await mkdir(dir, { recursive: true });
  let written = 0;
  let tests = 0;
  for (let i = 0; written < bytes; i += 1, tests += 1) {
    const runs = i % 13 === 0 ? 2 : 1;
    for (let run = 0; run < runs; run += 1) {
      const status = run < runs - 1 ? 'failed' : outcome(i) === 'skipped' ? 'skipped' : outcome(i) === 'failed' ? 'failed' : 'passed';
      const uuid = `00000000-0000-4000-${String(run).padStart(4, '0')}-${String(i).padStart(12, '0')}`;
      const text = JSON.stringify({
        uuid,
        historyId: `h${i}`,
        testCaseId: `c${i}`,
        fullName: `feature${Math.floor(i / 100)}.test.js#does thing ${i}`,
        name: `does thing ${i}`,
        status,
        statusDetails: status === 'failed' ? { message: MESSAGE, trace: STACK } : {},
        stage: 'finished',
        start: 1_700_000_000_000 + i * 10 + run,
        stop: 1_700_000_000_005 + i * 10 + run,
        labels: [
          { name: 'suite', value: `Feature ${Math.floor(i / 100)}` },
          { name: 'framework', value: 'jest' },
          { name: 'language', value: 'javascript' },
          { name: 'host', value: 'ci' },
        ],
        links: [{ type: 'tms', name: `BIG-${(i % 5000) + 1}`, url: `https://tms.example/BIG-${(i % 5000) + 1}` }],
        steps: [{ name: 'arrange', status: 'passed', stage: 'finished', start: 1, stop: 2, steps: [], attachments: [], parameters: [] }],
        attachments: [],
        parameters: [],
      });
      await writeFile(join(dir, `${uuid}-result.json`), text);
      written += text.length;
    }
  }
  return { tests };
}
