// Robot Framework's output.xml: the runs written here by Robot Framework 7.0 (a run, its --rerunfailed rerun and
// rebot --merge of the two: test/fixtures/xml/robot-framework/README.md), Robot's own RF 6 and RF 1.6 files, then
// each rule of the reader on small documents of Robot's shapes, and files that break off.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseResultText } from '../../src/formats/read-files.js';
import { detect } from '../../src/formats/registry.js';
import { RobotReader } from '../../src/formats/robot/robot.js';
import { caseReferences } from '../../src/map/references.js';
import { isFlaky, type TestResult } from '../../src/model.js';
import { readFixture, rows } from './read-fixture.js';

/** An output.xml as Robot Framework 7 writes it, around `body` (the tests of one suite file). */
function output(body: string, errors = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<robot generator="Robot 7.0 (Python 3.11.7 on linux)" generated="2026-12-07T12:01:19.231000" rpa="false" schemaversion="5">
<suite id="s1" name="Shop" source="/w/shop/tests">
<suite id="s1-s1" name="Cart" source="/w/shop/tests/cart.robot">
${body}
<status status="FAIL" start="2026-12-07T12:01:19.240000" elapsed="1.000000"/>
</suite>
<status status="FAIL" start="2026-12-07T12:01:19.239000" elapsed="1.100000"/>
</suite>
<statistics>
<total><stat pass="1" fail="1" skip="0">All Tests</stat></total>
<tag><stat pass="0" fail="1" skip="0">DEMO-9</stat></tag>
<suite><stat pass="1" fail="1" skip="0" id="s1" name="Shop">Shop</stat></suite>
</statistics>
<errors>${errors}</errors>
</robot>
`;
}

async function read(xml: string): Promise<{ results: TestResult[]; warnings: string[] }> {
  const { format, results, warnings } = await parseResultText(xml, 'output.xml');
  expect(format).toBe('robot');
  return { results, warnings };
}

async function one(test: string): Promise<TestResult> {
  const { results } = await read(output(test));
  expect(results).toHaveLength(1);
  return results[0] as TestResult;
}

const DRY_RUN_MESSAGE =
  'Robot Framework did not run this test: it reads PASS, but none of its keywords ran (each is NOT RUN, as `robot --dryrun` writes them). Upload the output.xml of a real run.';

const status = (value: string, text = '', times = 'start="2026-12-07T12:01:19.250000" elapsed="0.250000"') =>
  `<status status="${value}" ${times}>${text}</status>`;

/** A library keyword that ran and passed: every passing test of a real run has one. */
const RAN = `<kw name="Log" owner="BuiltIn">${status('PASS')}</kw>`;

describe('Robot Framework: where a test is', () => {
  it('shows a suite file inside the working directory relative to it, as the other formats do, and one outside as written', async () => {
    const inside = path.join(process.cwd(), 'tests', 'cart.robot');
    const test = `<test id="s1-s1-t1" name="DEMO-1 adds" line="4">${RAN}${status('PASS')}</test>`;
    const { results } = await read(output(test).replace('source="/w/shop/tests/cart.robot"', `source="${inside}"`));
    expect(results.map((r) => [r.file, r.line])).toEqual([['tests/cart.robot', 4]]);
    expect((await one(test)).file).toBe('/w/shop/tests/cart.robot');
  });
});

describe('Robot Framework: real files', () => {
  it("reads Robot Framework 7's output.xml: suites, statuses, Robot's messages, tags, the failing keywords, lines", async () => {
    const read = await readFixture('xml/robot-framework/output.xml');
    expect(read.format).toBe('robot');
    expect(rows(read.results)).toEqual([
      ['Tests › Login › DEMO-1 Signs in', 'passed', 3, undefined, 'passed'],
      ['Tests › Login › Rejects a wrong password', 'failed', 17, 'Welcome != Wrong password', 'failed'],
      ['Tests › Login › Updates the profile', 'failed', 1, 'Timed out waiting for the profile page', 'failed'],
      ['Tests › Login › Exports a report', 'skipped', 16, 'Exports are disabled on this environment', 'skipped'],
      ['Tests › Login › Cleans up the session', 'failed', 1, 'Teardown failed:', 'failed'],
      ['Tests › Payments › Pays by card', 'failed', 4, 'Parent suite setup failed:', 'failed'],
      ['Tests › Payments › Refunds a payment', 'failed', 0, 'Parent suite setup failed:', 'failed'],
    ]);
    const [, wrongPassword, profile, , cleanUp, pays] = read.results as TestResult[];
    expect(wrongPassword?.stack).toBe('at BuiltIn.Should Be Equal\nat Page Should Say');
    expect(wrongPassword?.tags).toEqual(['DEMO-2', 'smoke']);
    expect([wrongPassword?.file, wrongPassword?.line]).toEqual(['/home/runner/work/shop/shop/tests/login.robot', 11]);
    expect(cleanUp?.message).toBe('Teardown failed:\nCould not delete the session cookie');
    expect(cleanUp?.stack).toBe('at BuiltIn.Fail (teardown)');
    // The suite setup failed: Robot writes its reason on each test, which ran no keyword.
    expect(pays?.message).toBe('Parent suite setup failed:\nGateway sandbox is down (HTTP 503)');
    expect(pays?.stack).toBeUndefined();
    expect(read.results.map((r) => caseReferences(r, 'DEMO'))).toEqual([['DEMO-1'], ['DEMO-2'], ['DEMO-3'], ['DEMO-4'], ['DEMO-5'], ['DEMO-6'], ['DEMO-7']]);
    expect(profile?.tags).toEqual(['testsigma:DEMO-3']);
    // The library that did not import is in <errors>: Robot's return code ignores it, so a warning, not a failure.
    expect(read.error).toBeUndefined();
    expect(read.warnings).toEqual([
      "xml/robot-framework/output.xml: Robot Framework logged 1 execution error(s) outside the tests: \"Error in file '/home/runner/work/shop/shop/tests/payments.robot' on line 2: " +
        "Importing library 'NoSuchLibrary' failed: ModuleNotFoundError: No module named 'NoSuchLibrary'\". Such errors do not fail a Robot run (its return code counts failed " +
        "tests only), and a test they broke is in the file as failed, so nothing more is recorded for them. Fix them: Robot's log lists them in full under Test Execution Errors.",
    ]);
  });

  it('records no pass from robot --dryrun: its tests read PASS but Robot ran none of their keywords (NOT RUN)', async () => {
    const read = await readFixture('xml/robot-framework/dryrun.xml');
    expect(read.format).toBe('robot');
    expect(read.results.map((r) => r.status)).toEqual(Array(7).fill('skipped'));
    expect(read.results[1]?.message).toBe(DRY_RUN_MESSAGE);
    expect(read.warnings).toContain(
      'xml/robot-framework/dryrun.xml: 7 test(s) read PASS but Robot Framework ran none of their keywords (each is NOT RUN): the file was written by ' +
        '`robot --dryrun`, which only checks the test data, so they are recorded as skipped, never passed. Upload the output.xml of a real run to record their outcomes.',
    );
  });

  it('reads rebot --merge of a run and its --rerunfailed rerun: the earlier results are attempts, a pass on the rerun is flaky', async () => {
    const read = await readFixture('xml/robot-framework/merged.xml');
    expect(rows(read.results)).toEqual([
      ['Tests › Login › DEMO-1 Signs in', 'passed', 3, undefined, 'passed'],
      ['Tests › Login › Rejects a wrong password', 'failed', 2, 'Welcome != Wrong password', 'failed,failed'],
      ['Tests › Login › Updates the profile', 'passed', 0, undefined, 'failed,passed'],
      ['Tests › Login › Exports a report', 'skipped', 16, 'Exports are disabled on this environment', 'skipped'],
      ['Tests › Login › Cleans up the session', 'failed', 0, 'Teardown failed:', 'failed,failed'],
      ['Tests › Payments › Pays by card', 'failed', 0, 'Parent suite setup failed:', 'failed,failed'],
      ['Tests › Payments › Refunds a payment', 'failed', 0, 'Parent suite setup failed:', 'failed,failed'],
    ]);
    const profile = read.results[2] as TestResult;
    expect(isFlaky(profile)).toBe(true);
    expect(profile.attempts[0]).toEqual({ status: 'failed', message: 'Timed out waiting for the profile page' });
    // The merge message is Robot's HTML: the message read is the rerun's own, as text.
    expect(read.results[4]?.message).toBe('Teardown failed:\nCould not delete the session cookie');
  });

  it('reads the rerun alone as the tests it ran', async () => {
    const read = await readFixture('xml/robot-framework/rerun.xml');
    expect(read.results.map((r) => [r.name, r.status])).toEqual([
      ['Rejects a wrong password', 'failed'],
      ['Updates the profile', 'passed'],
      ['Cleans up the session', 'failed'],
      ['Pays by card', 'failed'],
      ['Refunds a payment', 'failed'],
    ]);
  });

  it("reads Robot Framework 6's times (starttime, endtime) and a keyword's `library`", async () => {
    const read = await readFixture('xml/robotframework__robotframework/atest__testdata__output__legacy.xml');
    expect(read.warnings).toEqual([]);
    expect(rows(read.results).slice(0, 4)).toEqual([
      ['Legacy › Passing', 'passed', 1, undefined, 'passed'],
      ['Legacy › Failing', 'failed', 1, 'Hello!', 'failed'],
      ['Legacy › Failing setup', 'failed', 1, 'Setup failed:', 'failed'],
      ['Legacy › Failing teardown', 'failed', 1, 'Teardown failed:', 'failed'],
    ]);
    expect(read.results.map((r) => r.stack)).toEqual([
      undefined,
      'at BuiltIn.Fail\nat Failing',
      'at BuiltIn.Fail\nat Failing (setup)',
      'at BuiltIn.Fail\nat Failing (teardown)',
      undefined,
      undefined,
      undefined,
    ]);
    expect(read.results[0]?.tags).toEqual(['t1', 't2']);
  });

  it('reads the tags Robot Framework 3 and older wrapped in <tags>, and second-resolution times', async () => {
    const read = await readFixture('xml/robotframework__robotframework/atest__testdata__rebot__times.xml');
    expect(read.results.map((r) => [r.name, r.durationMs, r.tags.join(' ')])).toEqual([
      ['Incl-1', 1000, 'force incl1'],
      ['Incl-12', 2000, 'force incl1 incl2'],
      ['Incl-123', 4000, 'force incl1 incl2 incl3'],
      ['Excl-1', 1, 'excl1 force'],
      ['Excl-12', 2, 'excl1 excl2 force'],
      ['Excl-123', 4, 'excl1 excl2 excl3 force'],
    ]);
  });
});

describe('Robot Framework: the rules', () => {
  it('is detected by its <robot> root', () => {
    expect(detect('<?xml version="1.0" encoding="UTF-8"?>\n<robot generator="Robot 7.0" schemaversion="5">')?.id).toBe('robot');
  });

  it("takes the test's own status, never a keyword's: a keyword that failed inside a passing test leaves it passed, without a stack", async () => {
    const test = await one(`<test id="s1-s1-t1" name="Expects an error" line="3">
<kw name="Run Keyword And Expect Error" owner="BuiltIn">
<kw name="Fail" owner="BuiltIn">${status('FAIL', 'boom')}</kw>
${status('PASS')}
</kw>
${status('PASS')}
</test>`);
    expect([test.status, test.message, test.stack]).toEqual(['passed', undefined, undefined]);
  });

  it('names where a test failed after a failure it handled (TRY/EXCEPT), and keeps the first failure over its teardown', async () => {
    const test = await one(`<test id="s1-s1-t1" name="Retries the payment">
<try><branch type="TRY"><kw name="Pay" owner="Shop">${status('FAIL', 'declined')}</kw>${status('FAIL', 'declined')}</branch>
<branch type="EXCEPT"><kw name="Log" owner="BuiltIn">${status('PASS')}</kw>${status('PASS')}</branch>${status('PASS')}</try>
<kw name="Check Receipt"><kw name="Should Contain" owner="BuiltIn">${status('FAIL', 'no receipt')}</kw>${status('FAIL', 'no receipt')}</kw>
<kw name="Close Browser" owner="Browser" type="TEARDOWN">${status('FAIL', 'browser gone')}</kw>
${status('FAIL', 'no receipt\n\nAlso teardown failed:\nbrowser gone')}
</test>`);
    expect(test.stack).toBe('at BuiltIn.Should Contain\nat Check Receipt');
    expect(test.message).toBe('no receipt\n\nAlso teardown failed:\nbrowser gone');
  });

  it('reads SKIP and NOT RUN as skipped, and warns about a status it does not know, recording it as an error', async () => {
    const { results, warnings } = await read(
      output(
        `<test id="t1" name="Skipped">${status('SKIP', 'not on Windows')}</test>
<test id="t2" name="Not run">${status('NOT RUN')}</test>
<test id="t3" name="Exploded">${status('EXPLODED')}</test>
<test id="t4" name="No status"></test>`,
      ),
    );
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['Skipped', 'skipped', 'not on Windows'],
      ['Not run', 'skipped', 'Robot Framework did not run this test (status NOT RUN).'],
      ['Exploded', 'error', undefined],
      ['No status', 'error', undefined],
    ]);
    expect(warnings).toEqual([
      'output.xml: 2 test outcomes could not be read ("EXPLODED", "(no <status>)"); those results are recorded with the status error. Expected PASS, FAIL, SKIP or NOT RUN.',
    ]);
  });

  it('reads an *HTML* message as its text', async () => {
    const test = await one(
      `<test id="t1" name="Links">${status('FAIL', '*HTML* Expected &lt;b&gt;3&lt;/b&gt; items &amp;amp; got 2.&lt;br&gt;See &lt;a href="https://x.test/r/1"&gt;the report&lt;/a&gt;')}</test>`,
    );
    expect(test.message).toBe('Expected 3 items & got 2.\nSee the report');
  });

  it('keeps an earlier failure when the rerun was skipped: rebot keeps it, and a skip hides no failure', async () => {
    const merged =
      '*HTML* Test has been re-executed and results merged. Latter result had &lt;span class="skip"&gt;SKIP&lt;/span&gt; status and was ignored. Message:\n' +
      'Skipped on rerun&lt;hr&gt;Original message:\nWelcome != Wrong password';
    const test = await one(`<test id="t1" name="Rejects a wrong password">${status('FAIL', merged)}</test>`);
    expect([test.status, test.attempts.map((a) => a.status)]).toEqual(['failed', ['failed']]);
    expect(test.message).toBe(
      'Test has been re-executed and results merged. Latter result had SKIP status and was ignored. Message:\nSkipped on rerun\nOriginal message:\nWelcome != Wrong password',
    );
  });

  it('reads a test merged twice as three attempts, oldest first; a test added from a merged output as itself', async () => {
    // rebot --merge of an earlier merge: the older results follow, the most recent first (robot/result/merger.py).
    const twice =
      '*HTML* &lt;span class="merge"&gt;Test has been re-executed and results merged.&lt;/span&gt;&lt;hr&gt;' +
      '&lt;span class="new-status"&gt;New status:&lt;/span&gt; &lt;span class="pass"&gt;PASS&lt;/span&gt;&lt;br&gt;&lt;hr&gt;' +
      '&lt;span class="old-status"&gt;Old status:&lt;/span&gt; &lt;span class="fail"&gt;FAIL&lt;/span&gt;&lt;br&gt;&lt;span class="old-message"&gt;Old message:&lt;/span&gt; second try&lt;br&gt;&lt;hr&gt;' +
      '&lt;span class="old-status"&gt;Old status:&lt;/span&gt; &lt;span class="fail"&gt;FAIL&lt;/span&gt;&lt;br&gt;&lt;span class="old-message"&gt;Old message:&lt;/span&gt; first try&lt;br&gt;';
    const added = '*HTML* Test added from merged output.&lt;hr&gt;Only in the rerun';
    const { results } = await read(
      output(`<test id="t1" name="Flaky">${RAN}${status('PASS', twice)}</test><test id="t2" name="New">${status('FAIL', added)}</test>`),
    );
    expect(results.map((r) => [r.name, r.status, r.message, r.attempts.map((a) => `${a.status}:${a.message ?? ''}`)])).toEqual([
      ['Flaky', 'passed', undefined, ['failed:first try', 'failed:second try', 'passed:']],
      ['New', 'failed', 'Only in the rerun', ['failed:Only in the rerun']],
    ]);
  });

  it("does not take the statistics' <suite> and <tag> totals for suites and tags, nor a keyword's tags for the test's", async () => {
    const { results } = await read(
      output(`<test id="t1" name="Adds"><kw name="Tagged"><tag>kw-tag</tag>${status('PASS')}</kw><tag>DEMO-9</tag>${status('PASS')}</test>`),
    );
    expect(results.map((r) => [r.suitePath, r.name, r.tags])).toEqual([[['Shop', 'Cart'], 'Adds', ['DEMO-9']]]);
  });

  it('records a test that reads PASS but ran no keyword as skipped: a dry run passes a user keyword around NOT RUN ones', async () => {
    const REMOVED = '*HTML* &lt;span class="robot-note"&gt;Content removed using the --remove-keywords option.&lt;/span&gt;';
    const notRun = (name: string) => `<kw name="${name}" owner="BuiltIn">${status('NOT RUN')}</kw>`;
    const { results, warnings } = await read(
      output(
        `<test id="t1" name="Dry">${'<kw name="Sign In">'}${notRun('Input Text')}${status('PASS')}</kw>${status('PASS')}</test>
<test id="t2" name="Checked">${'<kw name="Sign In">'}<kw name="Nope">${status('FAIL', "No keyword with name 'Nope' found.")}</kw>${status('FAIL')}</kw>${status('FAIL', "No keyword with name 'Nope' found.")}</test>
<test id="t3" name="Real"><if><branch type="IF" condition="True">${RAN}${status('PASS')}</branch><branch type="ELSE">${notRun('Fail')}${status('NOT RUN')}</branch>${status('PASS')}</if>${status('PASS')}</test>
<test id="t4" name="Wrapped"><kw name="Run Keyword" owner="BuiltIn">${notRun('Log')}${status('PASS')}</kw>${status('PASS')}</test>
<test id="t6" name="RF 3 dry run"><kw name="Log" library="BuiltIn">${status('NOT_RUN', '', 'starttime="20201007 10:00:00.000" endtime="20201007 10:00:00.001"')}</kw>${status('PASS')}</test>
<test id="t7" name="Removed by rebot"><kw name="Sign In">${status('PASS', REMOVED)}</kw>${notRun('Log')}${status('PASS')}</test>
<test id="t5" name="Only VAR"><variable name="\${x}"><var>1</var>${status('PASS')}</variable>${status('PASS')}</test>`,
      ),
    );
    expect(results.map((r) => [r.name, r.status, r.message])).toEqual([
      ['Dry', 'skipped', DRY_RUN_MESSAGE],
      ['Checked', 'failed', "No keyword with name 'Nope' found."],
      ['Real', 'passed', undefined],
      ['Wrapped', 'skipped', DRY_RUN_MESSAGE],
      ['RF 3 dry run', 'skipped', DRY_RUN_MESSAGE],
      // rebot emptied the user keyword: its PASS says nothing, the library keyword beside it was not run.
      ['Removed by rebot', 'skipped', DRY_RUN_MESSAGE],
      // No keyword carries Robot's NOT RUN: nothing says it did not run, so Robot's status stands.
      ['Only VAR', 'passed', undefined],
    ]);
    expect(warnings).toEqual([
      'output.xml: 4 test(s) read PASS but Robot Framework ran none of their keywords (each is NOT RUN): the file was written by `robot --dryrun`, which only checks the test ' +
        'data, so they are recorded as skipped, never passed. Upload the output.xml of a real run to record their outcomes.',
    ]);
  });

  it('names only ERROR messages of <errors>, the first three, and counts the rest', async () => {
    const errors = ['one', 'two', 'three', 'four']
      .map((e) => `<msg time="2026-12-07T12:01:19.288584" level="ERROR">Error ${e}\nTraceback …</msg>`)
      .concat('<msg time="2026-12-07T12:01:19.288584" level="WARN">Keyword \'Old\' is deprecated.</msg>')
      .join('\n');
    const { warnings } = await read(output(`<test id="t1" name="Adds">${RAN}${status('PASS')}</test>`, errors));
    expect(warnings).toEqual([
      'output.xml: Robot Framework logged 4 execution error(s) outside the tests: "Error one"; "Error two"; "Error three" and 1 more. ' +
        'Such errors do not fail a Robot run (its return code counts failed tests only), and a test they broke is in the file as failed, so nothing more is recorded for them. ' +
        "Fix them: Robot's log lists them in full under Test Execution Errors.",
    ]);
  });

  it('warns about times it cannot read, and reads N/A as no duration', async () => {
    const { results, warnings } = await read(
      output(
        `<test id="t1" name="A">${RAN}${status('PASS', '', 'start="x" elapsed="soon"')}</test>
<test id="t2" name="B">${RAN}${status('PASS', '', 'starttime="N/A" endtime="N/A"')}</test>
<test id="t3" name="C">${RAN}${status('PASS', '', 'starttime="20231116 17:35:01.773" endtime="20231116 17:35:02.800"')}</test>`,
      ),
    );
    expect(results.map((r) => r.durationMs)).toEqual([undefined, undefined, 1027]);
    expect(warnings).toEqual([
      'output.xml: 1 test time could not be read ("soon"); that result is recorded without a duration. Expected elapsed seconds ("0.123") or starttime and endtime ("20231116 17:35:01.773").',
    ]);
  });

  it('hands each test over as it ends', () => {
    const xml = output(`<test id="t1" name="First">${status('PASS')}</test><test id="t2" name="Second">${status('PASS')}</test>`);
    const reader = new RobotReader('output.xml');
    reader.write(xml.slice(0, xml.indexOf('<test id="t2"')));
    expect(reader.take().map((r) => r.name)).toEqual(['First']);
  });

  it('keeps the tests before a break and names where it broke (Robot killed while writing)', async () => {
    const xml = output(`<test id="t1" name="First">${status('PASS')}</test>\n<test id="t2" name="Second">${status('FAIL', 'x')}</test>`);
    const cut = xml.slice(0, xml.indexOf('<test id="t2"'));
    const results: TestResult[] = [];
    const pieces = (async function* pieces() {
      for (let at = 0; at < cut.length; at += 7) yield cut.slice(at, at + 7);
    })();
    const error = await (async () => {
      for await (const batch of detect(cut)?.parseInBatches?.(pieces, { source: 'output.xml', warn: () => undefined, outsideTests: () => undefined }) ?? [])
        results.push(...batch);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(results.map((r) => r.name)).toEqual(['First']);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'output.xml is not well-formed XML: it ends at line 6 while <robot>, <suite>, <suite> are still open. ' +
        'The file is truncated (the test run was probably killed while writing it); regenerate it.',
    );
  });
});
