// Inputs for `npm run bench`, written in pieces so that generating a 1 GB file needs no 1 GB string.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** Write `pieces()` (strings) to `file`, respecting back-pressure. */
async function writePieces(file, pieces) {
  const out = createWriteStream(file);
  for (const piece of pieces) if (!out.write(piece)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const FAILURE =
  'AssertionError: expected 200 to equal 404\n' +
  Array.from({ length: 8 }, (_, i) => `    at Object.<anonymous> (src/feature${i}.spec.ts:${10 + i}:5)`).join('\n');

/**
 * A JUnit file the way merged CI reports look: suites of 100 testcases with a few properties, 1 in 17 failing
 * with a message and a stack, 1 in 23 skipped, 1 in 5 with a line of system-out, and each suite's own
 * system-out. Stops at the first suite boundary past `bytes`.
 */
export async function generateJUnit(file, bytes) {
  let written = 0;
  let tests = 0;
  function* pieces() {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n';
    written += head.length;
    yield head;
    for (let s = 0; written < bytes; s += 1) {
      const cases = [];
      for (let c = 0; c < 100; c += 1, tests += 1) {
        const i = tests;
        const attrs = `classname="com.example.feature${s % 50}.Suite${s}Test" name="BIG-${(i % 5000) + 1} does thing &amp; other thing ${i}" time="0.${String(i % 997).padStart(3, '0')}"`;
        let body = '';
        if (i % 17 === 0) body += `<failure message="expected 200 to equal 404" type="AssertionError">${FAILURE.replace(/</g, '&lt;')}</failure>`;
        else if (i % 23 === 0) body += '<skipped message="not on CI"/>';
        if (i % 5 === 0) body += `<system-out><![CDATA[request ${i} took ${i % 100} ms]]></system-out>`;
        cases.push(body === '' ? `    <testcase ${attrs}/>` : `    <testcase ${attrs}>${body}</testcase>`);
      }
      const suite =
        `  <testsuite name="com.example.feature${s % 50}.Suite${s}Test" tests="100" failures="6" errors="0" skipped="4" time="12.5" timestamp="2026-01-01T00:00:00">\n` +
        `    <properties><property name="java.version" value="21"/><property name="os.name" value="Linux"/><property name="build" value="${s}"/></properties>\n` +
        `${cases.join('\n')}\n    <system-out><![CDATA[suite ${s} started\nsuite ${s} finished]]></system-out>\n  </testsuite>\n`;
      written += suite.length;
      yield suite;
    }
    yield '</testsuites>\n';
  }
  await writePieces(file, pieces());
  return { tests };
}

/** Playwright JSON reporter output: file suites of describe blocks of specs, 1 in 13 retried, 1 in 29 failing. */
export async function generatePlaywrightJson(file, bytes) {
  let written = 0;
  let tests = 0;
  function* pieces() {
    yield '{"config":{"version":"1.50.0","workers":2,"projects":[{"name":"chromium"}]},"suites":[';
    for (let f = 0; written < bytes; f += 1) {
      const specs = [];
      for (let c = 0; c < 50; c += 1, tests += 1) {
        const i = tests;
        const run = (status, retry) => ({
          workerIndex: 0,
          status,
          duration: 100 + (i % 400),
          retry,
          startTime: '2026-01-01T00:00:00.000Z',
          errors:
            status === 'failed'
              ? [
                  {
                    message: 'Error: expect(locator).toBeVisible() failed',
                    stack: 'Error: expect(locator).toBeVisible() failed\n    at tests/app.spec.ts:12:5',
                  },
                ]
              : [],
          stdout: i % 5 === 0 ? [{ text: `visited page ${i}\n` }] : [],
          stderr: [],
          attachments: [],
        });
        const results = i % 29 === 0 ? [run('failed', 0), run('failed', 1)] : i % 13 === 0 ? [run('failed', 0), run('passed', 1)] : [run('passed', 0)];
        const status = i % 29 === 0 ? 'unexpected' : i % 13 === 0 ? 'flaky' : 'expected';
        specs.push({
          title: `BIG-${(i % 5000) + 1} shows item ${i}`,
          ok: status !== 'unexpected',
          tags: ['smoke'],
          id: `id${i}`,
          file: `tests/f${f}.spec.ts`,
          line: 10,
          column: 3,
          tests: [{ timeout: 30000, annotations: [], expectedStatus: 'passed', projectId: 'chromium', projectName: 'chromium', results, status }],
        });
      }
      const suite = JSON.stringify({
        title: `tests/f${f}.spec.ts`,
        file: `tests/f${f}.spec.ts`,
        line: 0,
        column: 0,
        specs: [],
        suites: [{ title: `feature ${f}`, file: `tests/f${f}.spec.ts`, line: 3, column: 1, specs }],
      });
      const piece = (f === 0 ? '' : ',') + suite;
      written += piece.length;
      yield piece;
    }
    yield '],"errors":[],"stats":{"startTime":"2026-01-01T00:00:00.000Z","duration":1000,"expected":1,"unexpected":0,"flaky":0,"skipped":0}}\n';
  }
  await writePieces(file, pieces());
  return { tests };
}

/** One suite with 200 properties and 80,000 testcases: what copying suite properties into every result costs. */
export async function generateSuiteProperties(file) {
  const tests = 80_000;
  function* pieces() {
    const properties = Array.from({ length: 200 }, (_, i) => `<property name="ci.variable.${i}" value="value of property number ${i}"/>`).join('\n      ');
    yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="integration" tests="${tests}">\n    <properties>\n      ${properties}\n    </properties>\n`;
    for (let i = 0; i < tests; i += 1000) {
      yield Array.from(
        { length: 1000 },
        (_, j) => `    <testcase classname="integration.Suite" name="BIG-${((i + j) % 5000) + 1} case ${i + j}" time="0.001"/>\n`,
      ).join('');
    }
    yield '  </testsuite>\n</testsuites>\n';
  }
  await writePieces(file, pieces());
  return { tests };
}
