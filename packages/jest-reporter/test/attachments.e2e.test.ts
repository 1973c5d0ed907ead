// attach() with the real Jest and two workers: files a test registers land on its case when it failed, and not
// when it passed (the default policy sends the files of failed tests).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startEmulator, type EmulatorHandle } from 'testsigma-tm-emulator';
import { UNPACED } from '../../../test/helpers/emulator.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_DIR, REPORTER_ENTRY, assertBuilt, newRuns, removeDir, runJest, writeProject } from './helpers.js';

const ATTACH = JSON.stringify(path.join(PACKAGE_DIR, 'attach.cjs'));
let emulator: EmulatorHandle;
let dir: string | undefined;

beforeAll(async () => {
  assertBuilt();
  emulator = await startEmulator({ port: 0, seed: 'demo', rateLimit: UNPACED });
});
afterAll(async () => {
  await emulator?.close();
});
afterEach(async () => {
  await removeDir(dir);
  dir = undefined;
});

const writeAndAttach = (file: string, text: string, name?: string): string =>
  `require('node:fs').mkdirSync(require('node:path').dirname(${JSON.stringify(file)}), { recursive: true }); require('node:fs').writeFileSync(${JSON.stringify(file)}, ${JSON.stringify(text)}); expect(attach(${JSON.stringify(file)}${name ? `, ${JSON.stringify(name)}` : ''})).toBe(true);`;

describe('attach() from Jest tests', () => {
  it('uploads the files a failed test registered, across workers, and none of a passing test', async () => {
    dir = await writeProject(
      {
        'cart.test.js': [
          `const { attach } = require(${ATTACH});`,
          "describe('cart', () => {",
          `  test('DEMO-2 totals the basket', () => { ${writeAndAttach('out/cart.png', 'PNG')} ${writeAndAttach('out/cart.log', 'log', 'server log')} expect(1).toBe(2); });`,
          `  test('DEMO-1 opens', () => { ${writeAndAttach('out/open.png', 'ok')} });`,
          '});',
        ].join('\n'),
        'login.test.js': [
          `const { attach } = require(${ATTACH});`,
          `test('DEMO-3 logs in', () => { ${writeAndAttach('out/login.txt', 'trace')} throw new Error('no'); });`,
        ].join('\n'),
      },
      [REPORTER_ENTRY, { projectId: 'Demo' }],
    );
    const run = await runJest(dir, { TESTSIGMA_API_TOKEN: emulator.token, TESTSIGMA_BASE_URL: emulator.url }, ['--maxWorkers=2']);
    expect(run.code, run.output).toBe(1);
    expect(run.reporterLines.join('\n')).toContain('Attached 3 file(s)');
    const state = emulator.state();
    const [recorded] = newRuns(state);
    const byId = (n: number) => recorded?.results[state.test_cases.find((c) => c.human_id === `DEMO-${n}`)!.id]?.attachments;
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    expect(byId(2)).toEqual([
      { name: 'cart.png', size: 3, content_type: 'image/png', sha256: sha('PNG') },
      { name: 'cart.log', size: 3, content_type: 'text/plain', sha256: sha('log') },
    ]);
    expect(byId(1)).toEqual([]);
    expect(byId(3)).toEqual([{ name: 'login.txt', size: 5, content_type: 'text/plain', sha256: sha(readFileSync(path.join(dir, 'out/login.txt'), 'utf8')) }]);
  });

  it('does nothing without the reporter', async () => {
    dir = await writeProject(
      { 'a.test.js': `const { attach } = require(${ATTACH});\ntest('x', () => { expect(attach('nothing.png')).toBe(false); });\n` },
      undefined,
    );
    const run = await runJest(dir);
    expect(run.code, run.output).toBe(0);
  });
});
