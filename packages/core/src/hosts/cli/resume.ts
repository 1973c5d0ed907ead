/** `testsigma-tm resume FILE`: send what an upload could not, into the same run, nothing twice. */
import { Command } from 'commander';
import { resumeCommand } from '../../upload/commands.js';
import type { CommandContext } from './main.js';
import { cliLogger } from './upload.js';
import path from 'node:path';
import { invalidSettings } from '../../settings/index.js';
import { httpUrl } from '../../settings/parsers.js';

export function resumeCommandLine(ctx: CommandContext, setExitCode: (code: number) => void): Command {
  return new Command('resume')
    .description(
      'Send the results an upload wrote to its spool file (after an outage, the deadline or a base URL to fix) into the same run, and close it if the upload would have. TESTSIGMA_BASE_URL, when set, replaces the spooled base URL.',
    )
    .argument('<file>', 'the spool file the upload printed')
    .action(async (file: string) => {
      const token = ctx.env.TESTSIGMA_API_TOKEN?.trim() || undefined;
      const log = cliLogger(ctx.io, ctx.env, { token, verbose: false });
      // The base URL as set now: after a first contact that failed, the fixed setting is what sends the spool.
      const baseUrl = ctx.env.TESTSIGMA_BASE_URL?.trim() ? httpUrl.parse(ctx.env.TESTSIGMA_BASE_URL) : undefined;
      if (baseUrl && 'problem' in baseUrl) {
        setExitCode(ctx.fail(invalidSettings([`TESTSIGMA_BASE_URL: ${baseUrl.problem}`])));
        return;
      }
      const outcome = await resumeCommand({
        file: path.resolve(ctx.cwd, file),
        token,
        env: ctx.env,
        log,
        host: 'cli',
        ...(baseUrl && { baseUrl: baseUrl.value }),
      });
      if (outcome.error) setExitCode(ctx.fail(outcome.error));
      else {
        ctx.io.stdout(outcome.message);
        setExitCode(0);
      }
    });
}
