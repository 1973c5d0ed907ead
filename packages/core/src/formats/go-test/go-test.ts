/**
 * `go test -json` (one event per line, test2json's format) → TestResult[], assembled from the events as they
 * come, so memory holds the tests still running, never the file.
 *
 * - One TestResult per test that ended (`pass`/`fail`/`skip` with a `Test`): suitePath = [package, parent
 *   tests…], name = the last part of the name (`TestTable/2+2` → suitePath [pkg, `TestTable`], name `2+2`).
 *   A test with subtests is left out (its subtests stand for it) unless it failed while none of its subtests
 *   did: a panic or a `t.Error` in the parent after its subtests, which would otherwise be lost.
 * - Status: pass → passed, fail → failed, skip → skipped. Duration: `Elapsed` (seconds).
 * - Message: the first line of the test's own output that is not go test's framing (`=== RUN`, `--- FAIL:`),
 *   e.g. `calc_test.go:17: got 2, want 3` or `panic: …`; stack = that output. A passed test's output is kept as
 *   output.
 * - A package that failed with no failed test (TestMain exited, the test binary did not build, `init`
 *   panicked) → one `error` result named after the package, like a JUnit suite-level error, with the
 *   package's output (or the compiler's) as its message. Tests that started but never ended (the binary was
 *   killed by `-timeout` or crashed) → `error` results saying so.
 * - Lines that are not events (the stream captured with `2>&1`) are read for what go prints there: compiler
 *   errors under `# package` and `FAIL <package> [build failed]`, which Go before 1.24 writes only there.
 */
import type { TestResult, TestStatus } from '../../model.js';
import { LongString } from '../json-stream/long-string.js';
import type { JsonLine } from '../json-lines.js';
import { MAX_MESSAGE_CHARS, MAX_OUTPUT_CHARS, MAX_STACK_CHARS, clip, nonEmpty } from '../text.js';

interface RunningTest {
  name: string;
  /** The running test it is a subtest of ('' for a top-level test). */
  parent: string;
  /** Its name in parts: `TestTable/1/2` under `TestTable` → [`TestTable`, `1/2`]. */
  titles: string[];
  output: LongString;
  hasSubtests: boolean;
  subtestFailed: boolean;
}

interface PackageState {
  tests: Map<string, RunningTest>;
  output: LongString;
  failedTests: number;
  ended: boolean;
}

/** Said of a test that started and never ended. */
export const GO_TEST_UNFINISHED = 'The test started but never ended: the test binary was stopped (a -timeout, a crash or os.Exit) while it ran.';

const FRAMING = /^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\b|--- (?:PASS|FAIL|SKIP):)/;
// What go test prints at a package's end, which says nothing about why it failed.
const PACKAGE_FRAMING = /^(?:FAIL|ok|PASS|\?)(?:\s|$)|^exit status \d+$|^testing: warning: no tests to run$/;

export class GoTestReader {
  private readonly packages = new Map<string, PackageState>();
  /** Compiler output seen outside events, by package (`# example.com/pkg [example.com/pkg.test]`). */
  private readonly buildOutput = new Map<string, string[]>();
  private strayPackage: string | undefined;
  private readonly out: TestResult[] = [];

  constructor(private readonly source: string) {}

  take(): TestResult[] {
    return this.out.splice(0);
  }

  line(line: JsonLine): void {
    if (line.kind === 'stray') {
      this.stray(line.text);
      return;
    }
    const event = line.event;
    const action = typeof event.Action === 'string' ? event.Action : '';
    if (action === 'build-output' || action === 'build-fail') {
      // Go 1.24+: the build's output is its own event, keyed by ImportPath (`pkg [pkg.test]`).
      const importPath = typeof event.ImportPath === 'string' ? event.ImportPath.split(' ')[0] : undefined;
      if (importPath !== undefined && typeof event.Output === 'string') this.addBuildOutput(importPath, event.Output);
      return;
    }
    // `go tool test2json` run on a test binary writes no Package: its tests belong to the package ''.
    const pkgName = typeof event.Package === 'string' ? event.Package : '';
    const pkg = this.packageState(pkgName);
    const testName = typeof event.Test === 'string' && event.Test !== '' ? event.Test : undefined;
    const elapsed = typeof event.Elapsed === 'number' && Number.isFinite(event.Elapsed) && event.Elapsed >= 0 ? Math.round(event.Elapsed * 1000) : undefined;
    if (testName === undefined) {
      if (action === 'output' && typeof event.Output === 'string') pkg.output.append(event.Output);
      else if (action === 'pass' || action === 'fail' || action === 'skip') this.endPackage(pkgName, pkg, action, event.FailedBuild);
      return;
    }
    if (action === 'run') {
      this.start(pkg, testName);
    } else if (action === 'output' && typeof event.Output === 'string') {
      const test = pkg.tests.get(testName) ?? this.start(pkg, testName);
      if (!FRAMING.test(event.Output)) test.output.append(event.Output);
    } else if (action === 'pass' || action === 'fail' || action === 'skip') {
      const test = pkg.tests.get(testName) ?? this.start(pkg, testName);
      pkg.tests.delete(testName);
      this.endTest(pkgName, pkg, test, action === 'pass' ? 'passed' : action === 'fail' ? 'failed' : 'skipped', elapsed);
    }
  }

  /** The stream ended: tests and packages still open were cut off. */
  end(): void {
    for (const [name, pkg] of this.packages) {
      if (!pkg.ended) this.endPackage(name, pkg, 'fail', undefined);
    }
    // A package whose build failed, said only in stray lines (Go before 1.24 with 2>&1), has no events at all.
    for (const [name, lines] of this.buildOutput) {
      if (!this.packages.has(name)) this.out.push(this.packageError(name, lines.join('\n'), 'The test binary did not build.'));
    }
  }

  private stray(text: string): void {
    const header = /^# (\S+)/.exec(text);
    if (header) {
      this.strayPackage = header[1] as string;
      this.buildOutput.set(this.strayPackage, this.buildOutput.get(this.strayPackage) ?? []);
      return;
    }
    const buildFailed = /^FAIL\s+(\S+)\s+\[(?:build|setup) failed\]/.exec(text);
    if (buildFailed) {
      const name = buildFailed[1] as string;
      if (!this.buildOutput.has(name)) this.buildOutput.set(name, []);
      this.strayPackage = undefined;
      return;
    }
    if (this.strayPackage !== undefined) this.buildOutput.get(this.strayPackage)?.push(text);
  }

  private addBuildOutput(importPath: string, output: string): void {
    const lines = this.buildOutput.get(importPath) ?? [];
    for (const line of output.split('\n')) if (line.trim() !== '' && !line.startsWith('# ')) lines.push(line);
    this.buildOutput.set(importPath, lines);
  }

  private packageState(name: string): PackageState {
    let pkg = this.packages.get(name);
    if (pkg === undefined) {
      pkg = { tests: new Map(), output: new LongString({ kind: 'text', max: MAX_OUTPUT_CHARS }), failedTests: 0, ended: false };
      this.packages.set(name, pkg);
    }
    return pkg;
  }

  private start(pkg: PackageState, name: string): RunningTest {
    // A subtest's own name may hold a `/` (`t.Run("1/2", …)`), so its parent is the longest running test its name
    // continues, not whatever precedes its last `/`.
    let parent = '';
    for (const running of pkg.tests.keys()) if (name.startsWith(`${running}/`) && running.length > parent.length) parent = running;
    const parentTest = pkg.tests.get(parent);
    const titles = parentTest === undefined ? [name] : [...parentTest.titles, name.slice(parent.length + 1)];
    const test: RunningTest = {
      name,
      parent,
      titles,
      output: new LongString({ kind: 'text', max: MAX_OUTPUT_CHARS }),
      hasSubtests: false,
      subtestFailed: false,
    };
    pkg.tests.set(name, test);
    if (parentTest !== undefined) parentTest.hasSubtests = true;
    return test;
  }

  private endTest(pkgName: string, pkg: PackageState, test: RunningTest, status: TestStatus, durationMs: number | undefined, unfinished = false): void {
    if (status === 'failed' || status === 'error') {
      pkg.failedTests += 1;
      const parent = pkg.tests.get(test.parent);
      if (parent !== undefined) parent.subtestFailed = true;
    }
    // A parent stands for itself only when it failed and none of its subtests says why.
    if (test.hasSubtests && !(status === 'failed' && !test.subtestFailed) && !unfinished) return;
    const output = test.output.value().replace(/\s+$/, '');
    const lines = output.split('\n').map((l) => l.trim());
    const first = lines.find((l) => l !== '');
    const parts = test.titles;
    let message: string | undefined;
    let stack: string | undefined;
    if (unfinished) {
      message = GO_TEST_UNFINISHED;
      stack = nonEmpty(output);
    } else if (status !== 'passed') {
      message = first === undefined ? undefined : clip(first, MAX_MESSAGE_CHARS);
      stack = nonEmpty(output) === undefined ? undefined : clip(dedent(output), MAX_STACK_CHARS);
    }
    const keptOutput = status === 'passed' ? nonEmpty(dedent(output)) : undefined;
    this.out.push({
      source: this.source,
      suitePath: pkgName === '' ? parts.slice(0, -1) : [pkgName, ...parts.slice(0, -1)],
      name: parts[parts.length - 1] as string,
      ...(pkgName !== '' && { classname: pkgName }),
      status,
      ...(durationMs !== undefined && { durationMs }),
      ...(message !== undefined && { message }),
      ...(stack !== undefined && { stack }),
      ...(keptOutput !== undefined && { output: keptOutput }),
      properties: [],
      tags: [],
      attachments: [],
      attempts: [{ status, ...(durationMs !== undefined && { durationMs }), ...(message !== undefined && { message }), ...(stack !== undefined && { stack }) }],
    });
  }

  private endPackage(name: string, pkg: PackageState, action: string, failedBuild: unknown): void {
    pkg.ended = true;
    // Innermost first, so that a parent learns whether a subtest failed before it is decided.
    const open = [...pkg.tests.values()].sort((a, b) => b.name.split('/').length - a.name.split('/').length);
    pkg.tests.clear();
    for (const test of open) this.endTest(name, pkg, test, 'error', undefined, true);
    if (action !== 'fail' || pkg.failedTests > 0) return;
    const build = this.buildOutput.get(name);
    if (typeof failedBuild === 'string' || build !== undefined) {
      this.out.push(this.packageError(name, (build ?? []).join('\n'), 'The test binary did not build.'));
      return;
    }
    this.out.push(this.packageError(name, pkg.output.value(), 'The package failed outside any test.'));
  }

  private packageError(name: string, text: string, fallback: string): TestResult {
    const lines = text.split('\n').map((l) => l.trim());
    const reason = lines.find((l) => l !== '' && !PACKAGE_FRAMING.test(l));
    const exit = lines.map((l) => /^exit status (\d+)$/.exec(l)?.[1]).find((code) => code !== undefined);
    const message = clip(
      reason === undefined ? `${fallback}${exit === undefined ? '' : ` (exit status ${exit})`}` : `${fallback.replace(/\.$/, '')}: ${reason}`,
      MAX_MESSAGE_CHARS,
    );
    const stack = nonEmpty(text) === undefined ? undefined : clip(text.trim(), MAX_STACK_CHARS);
    return {
      source: this.source,
      suitePath: [],
      // The package is the title: a case id in its path still maps it, and the failure is never lost.
      name: name === '' ? 'test binary' : name,
      ...(name !== '' && { classname: name }),
      status: 'error',
      message,
      ...(stack !== undefined && { stack }),
      properties: [],
      tags: [],
      attachments: [],
      attempts: [{ status: 'error', message, ...(stack !== undefined && { stack }) }],
    };
  }
}

/** go test indents a test's log lines by four spaces. */
function dedent(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/^ {4}/, ''))
    .join('\n')
    .trim();
}
