/**
 * The hosts' choice of V8's optimising compiler (hosts/compiler-tier.ts, through the CLI's bin), in a Node process of
 * its own (it changes a setting of the whole process): after a short input's call, hot code is never compiled by
 * TurboFan; after a long one's, it is; on Node 20, which has no Maglev on, nothing changes. V8 says what it
 * compiles under --trace-opt; --single-threaded makes it compile on the main thread, when the code turns hot, so that
 * what it traced does not depend on how fast a busy machine's compile threads are. Needs `npm run build:packages`
 * first (as `npm test` does).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { machineNode20 } from '../../../../test/helpers/node20.js';

const built = fileURLToPath(new URL('../../dist/hosts/compiler-tier.js', import.meta.url));

// A function hot enough for TurboFan many times over (V8 13 optimises it after a few thousand calls).
const script = `
  const { tierCompilerFor } = await import(${JSON.stringify(built)});
  tierCompilerFor(Number(process.argv[1]));
  function hot(text, k) { let sum = 0; for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i) * k; return sum; }
  let total = 0;
  for (let k = 0; k < 200_000; k++) total += hot('a result file of some length', k);
  console.log(total > 0 ? 'done' : 'none');
`;

/** What V8 traced for `hot` after tierCompilerFor(inputBytes): the targets it was compiled for. */
function compiledFor(node: string, inputBytes: number): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile(
      node,
      ['--trace-opt', '--single-threaded', '--input-type=module', '-e', script, String(inputBytes)],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else {
          expect(stdout.trim().split('\n').pop()).toBe('done');
          resolve(stdout.split('\n').flatMap((line) => (/completed \w+ .*<JSFunction hot\b.*target (\w+)/.exec(line)?.[1] ?? []) as string[]));
        }
      },
    ),
  );
}

const node20 = machineNode20();

describe.skipIf(!existsSync(built))('tierCompilerFor', () => {
  it('keeps a short read out of TurboFan, and a long one in it', async () => {
    const short = await compiledFor(process.execPath, 1024 * 1024);
    const long = await compiledFor(process.execPath, 1024 * 1024 * 1024);
    expect(short).toContain('MAGLEV');
    expect(short.filter((target) => target.startsWith('TURBOFAN'))).toEqual([]);
    expect(long.some((target) => target.startsWith('TURBOFAN'))).toBe(true);
  });

  it.skipIf(node20 === undefined || node20 === process.execPath)("leaves Node 20's TurboFan on for a short read", async () => {
    const short = await compiledFor(node20 as string, 1024 * 1024);
    expect(short.some((target) => target.startsWith('TURBOFAN'))).toBe(true);
  });
});
