/**
 * V8's optimising compiler for a host's process of its own (the CLI's bin, the Action's entry), chosen by the size
 * of the input before it is read.
 *
 * V8 runs hot code in its mid tier (Maglev) first, then compiles it again with TurboFan on a thread beside the
 * main one. For the short run of an upload, TurboFan's compiling costs more than its faster code saves: on the
 * bench's pipeline (Node 24, CPU medians, the flag set at run time as here) a 1 MB JUnit file took 202 ms with it
 * and 132 ms without, 3 MB 298 and 193 ms, 30 MB 703 and 644 ms, 200 suite properties × 80,000 tests 394 and
 * 306 ms; from about 60 MB its code gains more than it costs (100 MB: 1,561 and 1,651 ms; 1 GB: 10.3 and 12.6 s).
 * So a read up to LONG_READ_BYTES goes without it, and a longer one, or one whose size is not known, keeps it.
 *
 * Node 20's V8 (11.3) has no Maglev turned on: without TurboFan it would run hot code in its baseline tier, so
 * there nothing is changed. The setting is V8's, for the whole process: a reporter, inside the test runner's
 * process, never calls this.
 */
import { setFlagsFromString } from 'node:v8';

/** Inputs larger than this are read with TurboFan (see above: where its gain overtakes its cost, with a margin). */
export const LONG_READ_BYTES = 48 * 1024 * 1024;

/** The first V8 with Maglev on by default, as Node ships it (Node 22). */
const FIRST_V8_WITH_MAGLEV = 12;

/** The flag for an input of `inputBytes` (undefined: not known), or undefined to leave V8 as it is. */
export function compilerFlagFor(inputBytes: number | undefined, v8Version: string = process.versions.v8): '--turbofan' | '--no-turbofan' | undefined {
  if (Number.parseInt(v8Version, 10) < FIRST_V8_WITH_MAGLEV) return undefined;
  return inputBytes !== undefined && inputBytes <= LONG_READ_BYTES ? '--no-turbofan' : '--turbofan';
}

/** Set V8's optimising compiler for an input of `inputBytes`, before it is read. For a process of its own only. */
export function tierCompilerFor(inputBytes: number | undefined): void {
  const flag = compilerFlagFor(inputBytes);
  if (flag !== undefined) setFlagsFromString(flag);
}
