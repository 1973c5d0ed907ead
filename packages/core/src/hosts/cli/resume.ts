/** `testsigma-tm resume FILE`: send what an upload could not, into the same run, nothing twice. */
import path from 'node:path';
import { resumeCommand } from '../../operations/commands.js';
import { stoppedResume } from '../../operations/stopped.js';
import { invalidSettings, readSettings, settingRow } from '../../settings/index.js';
import { httpUrl } from '../../settings/parsers.js';
import type { CommandSetup } from './context.js';
import { settingValues } from './options.js';
import { listenForInterrupts } from './interrupt.js';
import { cliLogger } from './upload.js';

export const setUpResume: CommandSetup = (command, ctx, setExitCode) => {
  command.argument('<file>', 'the spool file the upload printed').action(async (file: string, options: Record<string, unknown>) => {
    const token = ctx.env.TESTSIGMA_API_TOKEN?.trim() || undefined;
    const log = cliLogger(ctx.io, ctx.env, { token, verbose: false });
    // The base URL as set now: after a first contact that failed, the fixed setting is what sends the spool.
    const baseUrl = ctx.env.TESTSIGMA_BASE_URL?.trim() ? httpUrl.parse(ctx.env.TESTSIGMA_BASE_URL) : undefined;
    // --new-run (or its variable) alone: every other setting is the spool file's, so no other variable can refuse it.
    const newRunEnv = settingRow('newRun').env;
    const own = readSettings({ explicit: settingValues(options, ['newRun']), env: { [newRunEnv]: ctx.env[newRunEnv] } }, 'cli');
    const problems = [...(baseUrl && 'problem' in baseUrl ? [`TESTSIGMA_BASE_URL: ${baseUrl.problem}`] : []), ...own.errors];
    if (problems.length > 0) {
      setExitCode(ctx.fail(invalidSettings(problems)));
      return;
    }
    // Ctrl-C or a cancelled CI job stops the resume cleanly: its file keeps what is not recorded (interrupt.ts).
    const interrupts = listenForInterrupts(ctx.io);
    let exitCode = 1;
    try {
      const spool = path.resolve(ctx.cwd, file);
      const outcome = await resumeCommand({
        file: spool,
        token,
        env: ctx.env,
        log,
        host: 'cli',
        newRun: own.settings.newRun,
        interrupt: interrupts.signal,
        ...(baseUrl && 'value' in baseUrl && { baseUrl: baseUrl.value }),
      }).then((resumed) => stoppedResume(spool, interrupts.signal, resumed));
      if (outcome.error) exitCode = ctx.fail(outcome.error);
      else {
        ctx.io.stdout(outcome.message);
        exitCode = 0;
      }
      setExitCode(exitCode);
    } finally {
      interrupts.finish(exitCode);
    }
  });
};
