/**
 * What the reporter reads of Jest's objects, written out structurally so that the published types do not
 * depend on `@jest/*` packages (a user's Jest brings its own copies). The result types are core's, shared with
 * its `--json` reader; a test checks that Jest's real types are assignable to them.
 */
import type { JestSerializableError, JestTestFileResult } from 'testsigma-tm-core/reporter';

export type { JestAssertionResult, JestSerializableError, JestTestFileResult } from 'testsigma-tm-core/reporter';

/** What the reporter reads of Jest's global config. */
export interface JestGlobalConfigLike {
  rootDir?: string;
  watch?: boolean;
  watchAll?: boolean;
  /** `jest --collectTests`: tests are listed, not run. */
  collectTests?: boolean;
}

export interface JestAggregatedResultLike {
  testResults: readonly JestTestFileResult[];
  /** Set when Jest's test runner failed outside every test file (after some may have run): Jest fails the run. */
  runExecError?: JestSerializableError;
}
