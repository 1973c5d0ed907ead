import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { isFlaky } from '../../src/model.js';
import { parseJUnit } from '../../src/formats/junit/junit.js';
import { fixtureText } from './fixture-files.js';

function refusal(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const one = (xml: string) => {
  const results = parseJUnit(xml, 'r.xml');
  expect(results).toHaveLength(1);
  return results[0]!;
};

describe('parseJUnit: values', () => {
  it('decodes entities in attributes and text, once (&amp;lt; stays &lt;)', () => {
    const r = one(
      '<testsuite name="s"><testcase name="a &gt; b &amp;lt; c &#65;&#x42;"><failure message="x&#10;y">1 &lt; 2 &amp;&amp; 3 &gt; 2</failure></testcase></testsuite>',
    );
    expect(r.name).toBe('a > b &lt; c AB');
    expect(r.message).toBe('x\ny');
    expect(r.stack).toBe('1 < 2 && 3 > 2');
  });

  it('trims classnames, each as written, whether or not the testcase before wrote the same', () => {
    const classnames = [' a.B ', ' a.B ', 'a.B', '   ', '   ', 'a.C', ' a.B ', undefined, 'a.C '];
    const testcases = classnames.map((c, i) => `<testcase name="t${i}"${c === undefined ? '' : ` classname="${c}"`}/>`).join('');
    const results = parseJUnit(`<testsuite name="s">${testcases}</testsuite>`, 'c.xml');
    expect(results.map((r) => r.classname)).toEqual(['a.B', 'a.B', 'a.B', undefined, undefined, 'a.C', 'a.B', undefined, 'a.C']);
  });

  it('keeps names that look like numbers as strings', () => {
    const r = one('<testsuites><testsuite name="1.10"><testcase name="1.10" classname="007"/></testsuite></testsuites>');
    expect(r.name).toBe('1.10');
    expect(r.classname).toBe('007');
    expect(r.suitePath).toEqual(['1.10']);
  });

  it('strips a UTF-8 BOM', () => {
    expect(one('\uFEFF<?xml version="1.0"?><testsuite><testcase name="t"/></testsuite>').name).toBe('t');
  });

  it('reads CDATA verbatim and joins it with surrounding text', () => {
    const r = one('<testsuite><testcase name="t"><failure>before <![CDATA[<b> &gt; raw]]> after</failure></testcase></testsuite>');
    expect(r.stack).toBe('before <b> &gt; raw after');
  });

  it.each([
    ['1.5', 1500],
    ['0.0004', 0],
    ['1.2e-2', 12],
    ['1,234.5', 1234500],
    ['0,5', 500],
    ['', undefined],
    ['<computed>', undefined],
    ['-1', undefined],
    ['NaN', undefined],
  ])('reads time="%s" as %s ms, never NaN', (time, ms) => {
    const r = one(`<testsuite><testcase name="t" time="${time.replace('<', '&lt;').replace('>', '&gt;')}"/></testsuite>`);
    expect(r.durationMs).toBe(ms);
  });

  it('takes file from the testcase, else from the nearest suite', () => {
    const results = parseJUnit(
      '<testsuites><testsuite name="s" file="suite.ts"><testcase name="a"/><testcase name="b" file="own.ts"/></testsuite></testsuites>',
      'r.xml',
    );
    expect(results.map((r) => r.file)).toEqual(['suite.ts', 'own.ts']);
  });
});

describe('parseJUnit: structure', () => {
  it('builds suitePath from nested suites, outermost first, without the <testsuites> name', () => {
    const results = parseJUnit(fixtureText('junit', 'mikepenz__action-junit-report/test_results__nested__junit.xml'), 'n.xml');
    expect(results.map((r) => [...r.suitePath, r.name].join(' / '))).toEqual([
      'All tests / tests / packet / TestA / A',
      'All tests / tests / packet / TestA / B',
      'All tests / tests / packet / TestB / A',
      'All tests / tests / packet / TestB / B',
      'All tests / tests / packet / A',
    ]);
    expect(results[0]?.classname).toBeUndefined(); // classname="" is no classname
    const jest = parseJUnit('<testsuites name="jest tests"><testsuite name="math"><testcase name="adds"/></testsuite></testsuites>', 'j.xml');
    expect(jest[0]?.suitePath).toEqual(['math']);
  });

  it('applies suite properties to testcases; inner levels replace outer values of the same name', () => {
    const results = parseJUnit(
      `<testsuites>
        <properties><property name="run" value="nightly"/><property name="testsigma.case" value="TC-1"/></properties>
        <testsuite name="outer">
          <properties><property name="browser" value="chrome"/></properties>
          <testsuite name="inner">
            <properties><property name="browser" value="firefox"/></properties>
            <testcase name="a"><properties><property name="testsigma.case" value="TC-9"/><property name="testsigma.case" value="TC-10"/></properties></testcase>
            <testcase name="b"/>
          </testsuite>
        </testsuite>
      </testsuites>`,
      'p.xml',
    );
    expect(results[0]?.properties).toEqual([
      { name: 'run', value: 'nightly' },
      { name: 'browser', value: 'firefox' },
      { name: 'testsigma.case', value: 'TC-9' },
      { name: 'testsigma.case', value: 'TC-10' },
    ]);
    expect(results[1]?.properties).toEqual([
      { name: 'run', value: 'nightly' },
      { name: 'testsigma.case', value: 'TC-1' },
      { name: 'browser', value: 'firefox' },
    ]);
  });

  it('reads a property value from its text when there is no value attribute', () => {
    const r = one('<testsuite><testcase name="t"><properties><property name="comment">long\ntext</property></properties></testcase></testsuite>');
    expect(r.properties).toEqual([{ name: 'comment', value: 'long\ntext' }]);
  });

  it('collects system-out and system-err; suite output only for failing testcases', () => {
    const results = parseJUnit(
      `<testsuite name="s">
        <testcase name="ok"><system-out>  out  </system-out><system-err>err</system-err></testcase>
        <testcase name="bad"><failure message="m"/></testcase>
        <system-out>suite log</system-out>
      </testsuite>`,
      'o.xml',
    );
    expect(results[0]?.output).toBe('out\nerr');
    expect(results[1]?.output).toBe('[suite output]\nsuite log');
  });

  it('strips terminal colour codes from messages, stacks and output', () => {
    const r = one(
      '<testsuite><testcase name="t"><failure message="\u001b[31mred\u001b[39m">\u001b[2mtrace</failure><system-out>\u001b[1mlog</system-out></testcase></testsuite>',
    );
    expect([r.message, r.stack, r.output]).toEqual(['red', 'trace', 'log']);
  });

  it('clips very long output, keeping the end', () => {
    const r = one(`<testsuite><testcase name="t"><system-out>${'x'.repeat(200_000)}END</system-out></testcase></testsuite>`);
    expect(r.output!.length).toBeLessThan(70_000);
    expect(r.output!.endsWith('END')).toBe(true);
    expect(r.output).toContain('characters omitted');
  });

  it('turns [[ATTACHMENT|path]] markers into attachments, paths as written', () => {
    const results = parseJUnit(fixtureText('junit', 'Hypersequent__qas-cli/src__tests__fixtures__junit-xml__matching-tcases.xml'), 'm.xml');
    expect(results[0]?.attachments).toEqual([{ name: 'matching-tcases.xml', path: './matching-tcases.xml' }]);
    const wdio = parseJUnit(fixtureText('junit', 'Hypersequent__qas-cli/src__tests__fixtures__junit-xml__webdriverio-real.xml'), 'w.xml');
    expect(wdio[0]?.attachments[0]?.path).toMatch(/^\.\/screenshots\/BD_055_.*\.png$/);
  });
});

describe('parseJUnit: status and attempts', () => {
  it('maps surefire flakyFailure on a passing test to failed attempts, then a final pass', () => {
    const r = one(fixtureText('junit', 'mikepenz__action-junit-report/test_results__maven_surefire_flaky__surefire-report.xml'));
    expect(r.status).toBe('passed');
    expect(r.attempts.map((a) => a.status)).toEqual(['failed', 'passed']);
    expect(r.attempts[0]?.message).toBe('Expected: <false>\n     but: was <true>');
    expect(r.attempts[0]?.stack).toMatch(/^java\.lang\.AssertionError/);
    expect(isFlaky(r)).toBe(true);
  });

  it('maps surefire reruns in run order; the last rerun decides', () => {
    const r = one(fixtureText('junit', 'allure-framework__allure2/plugins__junit-xml-plugin__src__test__resources__junitdata__TEST-test.RetryTest.xml'));
    expect(r.attempts.map((a) => [a.status, a.message])).toEqual([
      ['error', 'message-root'],
      ['error', 'message-retried-1'],
      ['error', 'message-retried-2'],
      ['failed', 'message-retried-3'],
    ]);
    expect(r.status).toBe('failed');
    expect(r.message).toBe('message-retried-3');
    expect(isFlaky(r)).toBe(false);
  });

  it('lets the worst result element win and joins several failures', () => {
    const results = parseJUnit(fixtureText('junit', 'mikepenz__action-junit-report/test_results__multiple_failures__test_multiple_failures.xml'), 'f.xml');
    expect(results[0]?.status).toBe('failed');
    expect(results[0]?.message).toBe('First assertion failed\nSecond assertion failed\nThird assertion failed');
    const multi = parseJUnit(fixtureText('junit', 'EnricoMi__publish-unit-test-result-action/python__test__files__junit-xml__junit.multiresult.xml'), 'm.xml');
    expect(multi.map((r) => r.status)).toEqual(['error', 'failed', 'skipped', 'passed']);
  });

  it.each([
    ['status="disabled"', 'skipped'],
    ["status='notrun'", 'skipped'],
    ['status="run" result="skipped"', 'skipped'],
    ['status="run"', 'passed'],
    ['status="failed"', 'failed'],
    ['status="errored"', 'error'],
    ['status="1"', 'passed'],
  ])('reads %s without a result element as %s', (attrs, status) => {
    expect(one(`<testsuite><testcase name="t" ${attrs}/></testsuite>`).status).toBe(status);
  });

  it('treats <disabled/> as skipped, and a result element beats a status attribute', () => {
    expect(one('<testsuite><testcase name="t"><disabled/></testcase></testsuite>').status).toBe('skipped');
    expect(one('<testsuite><testcase name="t" status="disabled"><failure>boom</failure></testcase></testsuite>').status).toBe('failed');
  });

  it('takes the message from the attribute, else the first line of the text, else the type', () => {
    expect(one('<testsuite><testcase name="t"><failure>\n  line one\nline two</failure></testcase></testsuite>').message).toBe('line one');
    expect(one('<testsuite><testcase name="t"><error type="java.lang.NPE"/></testcase></testsuite>').message).toBe('java.lang.NPE');
    expect(one('<testsuite><testcase name="t"><skipped message="not on CI"/></testcase></testsuite>').message).toBe('not on CI');
  });

  it('with repeats-are-retries, merges a testcase repeated after a failure into one result with its runs as attempts', () => {
    const results = parseJUnit(
      fixtureText('junit', 'mikepenz__action-junit-report/test_results__flaky_retries__flaky_with_classname_file.xml'),
      'r.xml',
      undefined,
      {
        repeatsAreRetries: true,
      },
    );
    expect(results.map((r) => `${r.classname} ${r.name} ${r.status} ${r.attempts.map((a) => a.status).join(',')}`)).toEqual([
      'test_foo.TestFoo test_foo passed failed,error,passed',
      'test_bar.TestBar test_foo passed passed',
      'test_baz.TestBaz test_baz passed passed',
    ]);
    expect(isFlaky(results[0]!)).toBe(true);
  });

  it('keeps repeats after a pass or a skip (parameterised tests) and nameless testcases apart', () => {
    const results = parseJUnit(
      `<testsuite name="s">
        <testcase classname="c" name="p"/><testcase classname="c" name="p"><failure/></testcase>
        <testcase classname="c" name="k"><skipped/></testcase><testcase classname="c" name="k"/>
        <testcase><failure/></testcase><testcase/>
      </testsuite>`,
      'r.xml',
    );
    expect(results.map((r) => `${r.name}:${r.attempts.map((a) => a.status).join(',')}`)).toEqual([
      'p:passed',
      'p:failed',
      'k:skipped',
      'k:passed',
      ':failed',
      ':passed',
    ]);
  });
});

describe('parseJUnit: refusals', () => {
  it.each(['billion-laughs.xml', 'external-entity.xml', 'external-dtd.xml'])('refuses hostile %s, expanding nothing', (file) => {
    // An outcome, not a duration: expanding would have read /etc/passwd or built the laughs (speed lives in
    // npm run bench).
    const error = refusal(() => parseJUnit(fixtureText('hostile', file), file));
    expect(error.code).toBe('INPUT_HOSTILE');
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).not.toContain('root:'); // nothing from /etc/passwd
  });

  it('refuses an internal entity even when it is harmless, and a DOCTYPE after a comment', () => {
    expect(refusal(() => parseJUnit('<!DOCTYPE a [<!ENTITY x "y">]><testsuite/>', 'e.xml')).code).toBe('INPUT_HOSTILE');
    expect(refusal(() => parseJUnit('<?xml version="1.0"?><!-- c --><!doctype testsuite><testsuite/>', 'e.xml')).code).toBe('INPUT_HOSTILE');
  });

  it('does not mistake DOCTYPE text inside CDATA or comments for a declaration', () => {
    const r = one('<testsuite><!-- <!DOCTYPE x> --><testcase name="t"><system-out><![CDATA[<!DOCTYPE html><html>]]></system-out></testcase></testsuite>');
    expect(r.output).toBe('<!DOCTYPE html><html>');
  });

  it('reports malformed XML with its position', () => {
    const error = refusal(() => parseJUnit('<testsuite>\n  <testcase name="t">\n</testsuite>', 'bad.xml'));
    expect(error.code).toBe('INPUT_MALFORMED');
    expect(error.message).toMatch(/^bad\.xml is not well-formed XML: line 3/);
  });

  it('says a truncated file is truncated', () => {
    const error = refusal(() => parseJUnit('<testsuites><testsuite name="s"><testcase name="t">', 'cut.xml'));
    expect(error.code).toBe('INPUT_MALFORMED');
    expect(error.message).toContain('<testsuites>, <testsuite>, <testcase> are still open');
  });

  it('refuses concatenated documents and trailing text', () => {
    expect(refusal(() => parseJUnit('<testsuite/><testsuite/>', 'two.xml')).code).toBe('INPUT_MALFORMED');
    expect(refusal(() => parseJUnit('<testsuite/>junk', 'junk.xml')).code).toBe('INPUT_MALFORMED');
  });

  it('refuses empty and whitespace-only input', () => {
    expect(refusal(() => parseJUnit('', 'e.xml')).message).toContain('e.xml is empty (0 bytes)');
    expect(refusal(() => parseJUnit('\uFEFF \n\t', 'w.xml')).message).toContain('w.xml is only whitespace');
  });

  it('names the root element of XML that is not JUnit', () => {
    const error = refusal(() => parseJUnit('<test-run><test-case/></test-run>', 'nunit.xml'));
    expect(error.code).toBe('INPUT_NOT_RESULTS');
    expect(error.message).toContain('<test-run> (an NUnit 3 result file)');
  });

  it('says an HTML report is not results, rather than calling it hostile', () => {
    const error = refusal(() => parseJUnit('<!DOCTYPE html>\n<html><body>report</body></html>', 'index.html'));
    expect(error.code).toBe('INPUT_NOT_RESULTS');
    expect(error.message).toContain('index.html is an HTML page');
  });

  it('accepts blank lines before the XML declaration and keeps line numbers in errors', () => {
    expect(one('\n\n<?xml version="1.0"?>\n<testsuite><testcase name="t"/></testsuite>').name).toBe('t');
    expect(refusal(() => parseJUnit('\n<?xml version="1.0"?>\n<testsuite>\n<testcase name="t">\n</testsuite>', 'l.xml')).message).toContain('line 5');
  });

  it('survives attribute names that are JavaScript object keys', () => {
    const r = one('<testsuite><testcase name="t" constructor="c" hasOwnProperty="h"><constructor/><toString/></testcase></testsuite>');
    expect(r).toMatchObject({ name: 't', status: 'passed', attempts: [{ status: 'passed' }] });
    expect(refusal(() => parseJUnit('<constructor/>', 'c.xml')).message).toContain('its root element is <constructor>, expected');
  });
});
