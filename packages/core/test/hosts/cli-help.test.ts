/**
 * Every command's --help, generated from its row of the table of operations: a golden file per command, and
 * each command's setting flags exactly the settings its row says it reads (`run close --help` lists what close
 * reads, not all 34).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/hosts/cli/main.js';
import { OPERATIONS, type OperationName } from '../../src/operations/table.js';
import { SETTING_KEYS, settingRow } from '../../src/settings/index.js';

async function help(argv: string[]): Promise<string> {
  const out: string[] = [];
  const code = await main(argv, {}, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
  expect(code).toBe(0);
  return out.join('\n');
}

/** The setting flags a help text's options list: `--base-url`, `--no-close` (as its flag, `close`). */
function settingFlagsIn(text: string): string[] {
  const flags = new Set(SETTING_KEYS.map((key) => settingRow(key).flag));
  return [...text.matchAll(/^ {2}(?:-[a-zA-Z], )?--(?:no-)?([a-z][a-z0-9-]*)/gm)].map((m) => m[1] ?? '').filter((flag) => flags.has(flag));
}

const NAMES = Object.keys(OPERATIONS) as OperationName[];

describe('the CLI, one command per operation', () => {
  it.each(NAMES)('%s --help is its golden file', async (name) => {
    await expect(await help([...OPERATIONS[name].command.split(' '), '--help'])).toMatchFileSnapshot(`help/${name}.txt`);
  });

  it('the top-level --help lists every operation and the run group', async () => {
    await expect(await help(['--help'])).toMatchFileSnapshot('help/testsigma-tm.txt');
  });

  it.each(NAMES)('%s --help lists the flags of the settings it reads, and no other', async (name) => {
    const reads = OPERATIONS[name].reads.map((key) => settingRow(key).flag).filter((flag): flag is string => Boolean(flag));
    expect(settingFlagsIn(await help([...OPERATIONS[name].command.split(' '), '--help']))).toEqual(reads);
  });

  it('a --no- flag says what it turns off, never only what the setting does when on', async () => {
    const text = await help(['upload', '--help']);
    const helpOf = (flag: string) =>
      text
        .slice(text.indexOf(`  --no-${flag} `))
        .split(/\n {2}-/)[0]!
        .replace(/\s+/g, ' ')
        .trim();
    expect(helpOf('close')).toBe('--no-close Turn off (on by default): close the run at the end when this upload created it. [TESTSIGMA_CLOSE_RUN]');
    expect(helpOf('verify')).toMatch(/^--no-verify Turn off \(on by default\): read the run back after the upload /);
    expect(helpOf('fail-on-empty')).toMatch(/^--no-fail-on-empty Turn off \(on by default\): fail when a path or glob matches no file/);
  });

  it('no command at all prints the whole --help, footer included (where the token comes from, the exit codes), and exits 2', async () => {
    const out: string[] = [];
    const code = await main([], {}, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    expect([code, out.join('\n')]).toEqual([2, await help(['--help'])]);
    expect(out.join('\n')).toContain('The API token is read from TESTSIGMA_API_TOKEN only');
  });

  it('a group without its command (`run`) prints its help and exits 2, as no command at all does', async () => {
    const out: string[] = [];
    const code = await main(['run'], {}, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    expect([code, out.join('\n')]).toEqual([2, await help(['run', '--help'])]);
  });

  it('run close takes no flag of a setting it does not read', async () => {
    const out: string[] = [];
    const code = await main(['run', 'close', '--attachments', 'none'], {}, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    expect([code, out.join('\n')]).toEqual([2, "testsigma-tm: Unknown option '--attachments'. Run testsigma-tm run close --help."]);
  });
});

describe('a command line to fix: the message names the help of the command that refused it', () => {
  it.each([
    [['-x'], "Unknown option '-x'. Run testsigma-tm --help."],
    [['--project', 'Demo', 'upload', 'a.xml'], "Unknown option '--project'. Run testsigma-tm --help."],
    [['uplod'], "Unknown command 'uplod' (did you mean upload?). Run testsigma-tm --help."],
    [['run', 'crate'], "Unknown command 'crate' (did you mean create?). Run testsigma-tm run --help."],
    [['run', 'close', '--run-idd', 'x'], "Unknown option '--run-idd' (did you mean --run-id?). Run testsigma-tm run close --help."],
    [['upload', '--project'], "Option '--project <id|name>' argument missing. Run testsigma-tm upload --help."],
    [['resume', 'a.json', 'b.json'], "Too many arguments for 'resume'. Expected 1 argument but got 2. Run testsigma-tm resume --help."],
  ])('%j', async (argv, message) => {
    const out: string[] = [];
    const code = await main(argv, {}, { stdout: (t) => out.push(t), stderr: (t) => out.push(t) });
    expect([code, out.join('\n')]).toEqual([2, `testsigma-tm: ${message}`]);
  });
});
