/**
 * The choice of V8's optimising compiler by the size of the input (hosts/compiler-tier.ts), and the size a result
 * file source tells a host before it reads.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LONG_READ_BYTES, compilerFlagFor } from '../../src/hosts/compiler-tier.js';
import { resultFileSource } from '../../src/formats/read-files.js';

describe('compilerFlagFor', () => {
  it('reads a short input without TurboFan, and a long one, or one of unknown size, with it', () => {
    expect(compilerFlagFor(0, '13.6.233.17-node.53')).toBe('--no-turbofan');
    expect(compilerFlagFor(LONG_READ_BYTES, '13.6.233.17-node.53')).toBe('--no-turbofan');
    expect(compilerFlagFor(LONG_READ_BYTES + 1, '13.6.233.17-node.53')).toBe('--turbofan');
    expect(compilerFlagFor(undefined, '12.4.254.21-node.33')).toBe('--turbofan');
  });

  it("leaves Node 20's V8, which has no Maglev on, as it is", () => {
    expect(compilerFlagFor(1024, '11.3.244.8-node.38')).toBeUndefined();
    expect(compilerFlagFor(undefined, '11.3.244.8-node.38')).toBeUndefined();
  });
});

describe('ResultFileSource.size', () => {
  it('sums the files matched, and is unknown with a directory among them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tm-size-'));
    await writeFile(join(dir, 'a.xml'), 'x'.repeat(1000));
    await writeFile(join(dir, 'b.xml'), 'y'.repeat(234));
    expect(await (await resultFileSource(['*.xml', 'a.xml', 'missing.xml'], { cwd: dir })).size()).toBe(1234);
    await mkdir(join(dir, 'allure-results'));
    await writeFile(join(dir, 'allure-results', '1-result.json'), '{"name":"t","status":"passed"}');
    expect(await (await resultFileSource(['a.xml', 'allure-results'], { cwd: dir })).size()).toBeUndefined();
  });
});
