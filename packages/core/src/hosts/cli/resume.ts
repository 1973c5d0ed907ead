/** `testsigma-tm resume FILE`: send what an upload could not, into the same run, nothing twice. */
import { Command } from 'commander';
import { resumeCommand } from '../../operations/commands.js';
import type { CommandContext } from './main.js';
import { cliLogger } from './upload.js';
import path from 'node:path';

export function resumeCommandLine(ctx: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('resume')
    .description(
      'Send the results an upload wrote to its spool file (after an outage or the deadline) into the same run, and close it if the upload would have.',
    )
    .argument('<file>', 'the spool file the upload printed')
    .action(async (file: string) => {
      const token = ctx.env.TESTSIGMA_API_TOKEN?.trim() || undefined;
      const log = cliLogger(ctx.io, ctx.env, { token, verbose: false });
      const outcome = await resumeCommand({ file: path.resolve(ctx.cwd, file), token, env: ctx.env, log, host: 'cli' });
      if (outcome.error) setExitCode(ctx.fail(outcome.error));
      else {
        ctx.io.stdout(outcome.message);
        setExitCode(0);
      }
    });
}
